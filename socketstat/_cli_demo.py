"""socketstat demo: show what socketstat reads, live, with no network needed.

It opens a loopback TCP connection of its own, sends data to a peer that does not read, and
prints each of its three ends as socketstat(fd, details=True) reads it and, on Linux, as the
listing finds it: sockets("tcp", local_port=...), the same socket by its cookie.
``--json`` prints to_dict() as JSON instead.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from typing import Any

# Listing every socket (sockets()) is Linux's and macOS's: refused plainly on Windows, and this
# module's types are checked for those platforms only (the assert: mypy skips the rest of the
# module under --platform win32).
if sys.platform == "win32":
    raise ImportError("socketstat._cli_demo lists sockets with sockets(), which Windows lacks; on "
                      "Windows socketstat has socketstat(), tcp_info() and Sampler")
assert sys.platform != "win32"

from socketstat import socketstat, sockets
from socketstat._watch import identity


def demo_connection(family: socket.AddressFamily) -> tuple[socket.socket, socket.socket, socket.socket]:
    """A listener, a client and the accepted server end, on loopback."""
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    listener = socket.socket(family, socket.SOCK_STREAM)
    # A small receive buffer (inherited by the accepted socket) fills up, so data stays queued.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
    listener.bind((host, 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname()[:2])
    server, _ = listener.accept()
    return listener, client, server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socketstat demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print to_dict() as JSON")
    parser.add_argument("--ipv6", action="store_true", help="use ::1 instead of 127.0.0.1")
    parser.add_argument("--bytes", type=int, default=1_000_000,
                        help="bytes the client sends and the server leaves unread (default 1000000)")
    args = parser.parse_args(argv)
    try:
        show(args)
        # Flushed here so that a reader gone early (socketstat demo | head -1) is met inside
        # this try, not in the interpreter's flush at exit.
        sys.stdout.flush()
    except BrokenPipeError:
        # As the Python docs advise (signal module, "Note on SIGPIPE"): point stdout at /dev/null
        # so the flush at exit cannot fail again, and exit 1, as an uncaught EPIPE would, but
        # without the traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def listed(sock: socket.socket) -> Any:
    """The listing's record of this socket, found by its local port and its identity() (Linux:
    the cookie; macOS: the hashed kernel address)."""
    key = identity(socketstat(sock, details=True))
    port = sock.getsockname()[1]
    for record in sockets("tcp", local_port=port, details=True, processes=True):
        if identity(record) == key:
            return record
    return None


def show(args: argparse.Namespace) -> None:
    """Open the demo connection and print what socketstat reads at each of its three ends."""
    family = socket.AF_INET6 if args.ipv6 else socket.AF_INET
    listener, client, server = demo_connection(family)
    with listener, client, server:
        client.setblocking(False)
        sent = 0
        while sent < args.bytes:
            try:
                sent += client.send(b"x" * min(65536, args.bytes - sent))
            except BlockingIOError:
                break  # the peer's receive window is full: the rest stays unsent
        time.sleep(0.05)  # let loopback deliver and acknowledge what it can
        ends = {"client": client, "server (accepted, not reading)": server, "listener": listener}
        if args.json:
            document: dict[str, Any] = {name: socketstat(sock, details=True).to_dict()
                                        for name, sock in ends.items()}
            records = {name: listed(sock) for name, sock in ends.items()}
            document["listed"] = {name: None if record is None else record.to_dict()
                                  for name, record in records.items()}
            print(json.dumps(document, indent=2))
            return
        for name, sock in ends.items():
            print(f"# {name}: {sent} bytes sent by the client; socketstat(fd, details=True):")
            print(socketstat(sock, details=True))
            record = listed(sock)
            if record is not None:
                port = sock.getsockname()[1]
                print(f"# the same socket (identity {identity(record)}) as listed by "
                      f"sockets('tcp', local_port={port}, details=True, processes=True):")
                print(record)
