"""UDP and Unix sockets: what applies is read, what does not is None."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the Linux backend's UDP, Unix, packet and netlink sockets", allow_module_level=True)

from conftest import loopback, settle
from socketstat import socketstat


def test_connected_udp(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_DGRAM) as receiver, \
            socket.socket(family, socket.SOCK_DGRAM) as sender:
        receiver.bind((loopback(family), 0))
        sender.connect(receiver.getsockname()[:2])
        sender.send(b"a" * 700)
        sender.send(b"b" * 300)
        settle(lambda: socketstat(receiver).unreceived)
        stat = socketstat(receiver)
        # SIOCINQ on a datagram socket is the size of the next datagram, what one recv() returns.
        assert stat.unreceived == 700 == len(receiver.recv(4096, socket.MSG_PEEK))
        assert stat.connection_info is None
        assert stat.not_yet_sent is None
        assert stat.accept_queue is None
        info = stat.socket_info
        assert (info.family, info.type, info.protocol) == (family, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        assert info.local_address == receiver.getsockname()
        assert info.remote_address is None
        sent = socketstat(sender)
        assert sent.socket_info.remote_address == sender.getpeername()
        assert sent.socket_info.local_address == sender.getsockname()
        # SIOCOUTQ on UDP is send-buffer memory still held (sk_wmem_alloc), 0 once loopback is done.
        assert settle(lambda: socketstat(sender).unsent) == sender_outq(sender) == 0


def test_unbound_udp() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        stat = socketstat(sock, details=True)
        assert stat.socket_info.local_address == ("0.0.0.0", 0) == sock.getsockname()
        assert stat.socket_info.congestion_control is None
        assert stat.socket_info.meminfo is not None


@pytest.mark.parametrize("kind", [socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET])
def test_unix_socketpair(kind: socket.SocketKind) -> None:
    left, right = socket.socketpair(socket.AF_UNIX, kind)
    with left, right:
        left.sendall(b"q" * 1234)
        stat = socketstat(right)
        assert stat.unreceived == 1234
        assert stat.connection_info is None
        assert stat.not_yet_sent is None
        info = stat.socket_info
        assert (info.family, info.type, info.protocol) == (socket.AF_UNIX, kind, 0)
        # Unnamed Unix sockets: the socket module says '' for both ends.
        assert info.local_address == right.getsockname() == ""
        assert info.remote_address == right.getpeername() == ""


def test_unix_path_and_abstract_names() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(path)
            listener.listen(3)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.connect(path)
                server, _ = listener.accept()
                with server:
                    assert socketstat(server).socket_info.local_address == server.getsockname() == path
                    assert socketstat(client).socket_info.remote_address == client.getpeername() == path
                    listening = socketstat(listener)
                    # SIOCINQ fails on a listening Unix socket too; that is not an error here.
                    assert (listening.unreceived, listening.unsent) == (0, 0)
                    assert listening.socket_info.local_address == path
                    assert listening.socket_info.remote_address is None
    name = b"\0socketstat-test-" + os.urandom(4).hex().encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as abstract:
        abstract.bind(name)
        info = socketstat(abstract).socket_info
        assert info.local_address == abstract.getsockname() == name
        assert socketstat(abstract).to_dict()["socket_info"]["local_address"] == {
            "abstract": name[1:].decode()}


def test_unix_datagram_to_a_bound_peer() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "dgram")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as receiver, \
                socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            receiver.bind(path)
            sender.connect(path)
            sender.send(b"12345")
            assert socketstat(receiver).unreceived == 5
            assert socketstat(sender).socket_info.remote_address == path
            assert socketstat(sender).unsent == sender_outq(sender)


def sender_outq(sock: socket.socket) -> int:
    import fcntl
    import struct
    import termios
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]  # type: ignore[no-any-return]


def test_packet_socket_has_no_peer() -> None:
    ETH_P_ALL = 0x0003
    try:
        packet = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    except PermissionError:
        pytest.skip("AF_PACKET needs CAP_NET_RAW")
    with packet:
        stat = socketstat(packet)
        assert stat.socket_info.family == socket.AF_PACKET
        assert stat.socket_info.type == socket.SOCK_RAW
        assert stat.socket_info.remote_address is None  # getpeername: EOPNOTSUPP
        assert stat.unreceived == 0 and stat.connection_info is None
        assert isinstance(stat.socket_info.local_address, bytes)  # the raw sockaddr_ll bytes


def test_netlink_socket_has_no_queue_ioctl() -> None:
    import errno
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as netlink:
        with pytest.raises(OSError, match=r"ioctl\(SIOCINQ\)") as caught:
            socketstat(netlink)
        assert caught.value.errno == errno.ENOTTY
