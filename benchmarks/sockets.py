"""The sockets measured: one of each kind, opened here, over loopback, with a little data queued.

The measured socket's peer stays open (held in ``SocketKind.keep``) so the state does not change
during the run: an established TCP connection with 100 unread bytes, a connected UDP socket with
one datagram queued, a Unix stream pair with 100 unread bytes.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field

PAYLOAD = b"x" * 100


@dataclass
class SocketKind:
    name: str
    label: str
    sock: socket.socket
    keep: list[socket.socket] = field(default_factory=list)

    @property
    def fd(self) -> int:
        return self.sock.fileno()

    def close(self) -> None:
        for sock in [self.sock, *self.keep]:
            sock.close()


def _tcp(family: socket.AddressFamily, host: str) -> tuple[socket.socket, list[socket.socket]]:
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.bind((host, 0))
        listener.listen(1)
        client = socket.socket(family, socket.SOCK_STREAM)
        client.connect(listener.getsockname()[:2])
        server, _ = listener.accept()
    server.sendall(PAYLOAD)
    return client, [server]


def _udp() -> tuple[socket.socket, list[socket.socket]]:
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    server.bind(("127.0.0.1", 0))
    client.connect(server.getsockname())
    server.connect(client.getsockname())
    server.send(PAYLOAD)
    return client, [server]


def _unix_stream() -> tuple[socket.socket, list[socket.socket]]:
    client, server = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    server.sendall(PAYLOAD)
    return client, [server]


def open_all() -> tuple[dict[str, SocketKind], dict[str, str]]:
    """The socket kinds, by name, and the kinds this machine cannot open, with the reason."""
    kinds: dict[str, SocketKind] = {}
    skipped: dict[str, str] = {}
    makers: list[tuple[str, str, Callable[[], tuple[socket.socket, list[socket.socket]]]]] = [
        ("tcp4", "TCP/IPv4, established (127.0.0.1)", lambda: _tcp(socket.AF_INET, "127.0.0.1")),
        ("tcp6", "TCP/IPv6, established (::1)", lambda: _tcp(socket.AF_INET6, "::1")),
        ("udp4", "UDP/IPv4, connected (127.0.0.1)", _udp),
        ("unix_stream", "Unix stream (socketpair)", _unix_stream),
    ]
    for name, label, make in makers:
        try:
            sock, keep = make()
        except OSError as error:
            skipped[name] = f"cannot open a {label} socket here: {error}"
            continue
        kinds[name] = SocketKind(name, label, sock, keep)
    return kinds, skipped
