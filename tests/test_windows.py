"""The Windows backend on Windows: real loopback sockets (TCP over IPv4 and IPv6, UDP), each figure
checked against an independent source: the socket module (getsockname, getpeername,
getsockopt, recv with MSG_PEEK), time.monotonic, and WSAIoctl(SIO_TCP_INFO) called here through
ctypes (socket.ioctl accepts only three control codes), whose raw bytes TcpInfo.from_bytes must
read as socketstat reads them. Skipped elsewhere; nothing here has run on Windows yet."""

from __future__ import annotations

import ctypes
import json
import socket
import sys
import tempfile
import time
from typing import Any, Callable

import pytest

# Before the imports below, which name what only Windows builds.
if sys.platform != "win32":
    pytest.skip("the Windows backend", allow_module_level=True)

import msvcrt  # noqa: E402

from conftest import loopback, settle, tcp_connection  # noqa: E402
from socketstat import Sampler, SocketStat, TcpState, socketstat, tcp_info  # noqa: E402
# From the backend's module, which the stubs declare on every platform (socketstat itself exports
# these on Windows only), so that mypy checks this file under any --platform.
from socketstat._windows import TcpInfo, WindowsTcpState  # noqa: E402

SIO_TCP_INFO = 0xD8000027  # _WSAIORW(IOC_VENDOR, 39)
WSAEINVAL = 10022
WSAENOTSOCK = 10038
CALLS: list[Callable[[Any], object]] = [socketstat, tcp_info, Sampler]


def _wsaioctl_tcp_info(sock: socket.socket, version: int) -> bytes | None:
    """TCP_INFO_v<version> as WSAIoctl returns it, or None if Windows refuses the version."""
    ws2_32 = ctypes.WinDLL("ws2_32", use_last_error=True)
    wsaioctl = ws2_32.WSAIoctl
    wsaioctl.argtypes = [ctypes.c_size_t, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32,
                         ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32),
                         ctypes.c_void_p, ctypes.c_void_p]
    wsaioctl.restype = ctypes.c_int
    requested = ctypes.c_uint32(version)
    out = ctypes.create_string_buffer(512)
    returned = ctypes.c_uint32(0)
    if wsaioctl(sock.fileno(), SIO_TCP_INFO, ctypes.byref(requested), 4, out, len(out),
                ctypes.byref(returned), None, None) != 0:
        return None
    return out.raw[:returned.value]


def raw_tcp_info(sock: socket.socket) -> bytes:
    raw = _wsaioctl_tcp_info(sock, 1)
    if raw is None:
        raw = _wsaioctl_tcp_info(sock, 0)
    assert raw is not None, ctypes.get_last_error()
    return raw


def v1_expected() -> bool:
    # TCP_INFO_v1 came with Windows 10 1809 (build 17763).
    return sys.getwindowsversion().build >= 17763


# ---------------------------------------------------------------------------------------------
# TCP


def test_tcp_identity_is_the_socket_modules(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        for sock in (client, server):
            info = socketstat(sock).socket_info
            assert info.family == family and info.family is socket.AddressFamily(family)
            assert info.type == socket.SOCK_STREAM
            assert info.protocol == socket.IPPROTO_TCP
            assert info.local_address == sock.getsockname()
            assert info.remote_address == sock.getpeername()
            assert info.receive_buffer_size == sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
            assert info.send_buffer_size == sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
            assert info.szProtocol  # e.g. "MSAFD Tcpip [TCP/IP]"


def test_tcp_connection_in_portable_units(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"x" * 1000)
        assert server.recv(2000)
        settle(lambda: tcp_info(client).BytesInFlight)
        stat = socketstat(client)
        info = stat.connection_info
        assert isinstance(info, TcpInfo)
        assert stat.state is TcpState.ESTABLISHED and info.state is TcpState.ESTABLISHED
        assert info.State is WindowsTcpState.ESTABLISHED
        assert info.mss == info.Mss > 0
        assert info.rtt == info.RttUs / 1e6 and info.rtt < 1
        assert info.rtt_variance is None and info.rto is None and info.retransmissions is None and info.bytes_acked is None
        assert info.bytes_sent is not None and info.bytes_sent >= 1000
        assert info.congestion_window == info.Cwnd > 0
        # What Windows does not report is None, never a guess.
        assert stat.unsent is None and stat.not_yet_sent is None
        assert stat.accept_queue is None and stat.accept_queue_limit is None


def test_raw_members_are_what_wsaioctl_returns(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"y" * 5000)
        assert server.recv(10000)
        settle(lambda: tcp_info(client).BytesInFlight)
        before = TcpInfo.from_bytes(raw_tcp_info(client))
        ours = tcp_info(client)
        after = TcpInfo.from_bytes(raw_tcp_info(client))
        assert ours.length == before.length == after.length
        assert ours.version == (1 if v1_expected() else 0)
        for name in ("State", "Mss", "TimestampsEnabled", "SynRetrans"):
            assert getattr(before, name) == getattr(ours, name) == getattr(after, name), name
        for name in ("BytesOut", "BytesIn", "ConnectionTimeMs"):
            assert getattr(before, name) <= getattr(ours, name) <= getattr(after, name), name
        if ours.version == 1:
            assert ours.SndLimTransRwin is not None and ours.SndLimBytesSnd is not None
        else:
            assert ours.SndLimTransRwin is None and ours.SndLimBytesSnd is None


def test_from_bytes_needs_a_whole_tcp_info_v0() -> None:
    with pytest.raises(ValueError, match="TCP_INFO_v0"):
        TcpInfo.from_bytes(bytes(8))


def test_unreceived_is_what_a_peek_finds(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"z" * 3000)
        queued = settle(lambda: len(server.recv(1 << 16, socket.MSG_PEEK)))
        assert queued == 3000
        assert socketstat(server).unreceived == queued


def test_listener_has_no_accept_queue_figures() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        stat = socketstat(listener)
        assert stat.accept_queue is None and stat.accept_queue_limit is None
        # Whether SIO_TCP_INFO answers for a listener is not documented: LISTEN, or no statistics.
        assert stat.state in (TcpState.LISTEN, None)
        assert stat.socket_info.local_address == listener.getsockname()
        assert stat.socket_info.remote_address is None


def test_unbound_tcp_socket_has_no_address_and_no_statistics() -> None:
    with socket.socket() as sock:
        stat = socketstat(sock)
        assert stat.socket_info.local_address is None  # Windows refuses getsockname() here
        assert stat.socket_info.remote_address is None
        assert stat.connection_info is None and stat.state is None
        assert stat.unreceived == 0


# ---------------------------------------------------------------------------------------------
# UDP


def test_udp_is_not_tcp_and_unreceived_is_the_next_datagram(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_DGRAM) as receiver, \
            socket.socket(family, socket.SOCK_DGRAM) as sender:
        receiver.bind((loopback(family), 0))
        sender.sendto(b"a" * 100, receiver.getsockname()[:2])
        sender.sendto(b"b" * 300, receiver.getsockname()[:2])
        settle(lambda: socketstat(receiver).unreceived)
        stat = socketstat(receiver)
        assert stat.connection_info is None and stat.state is None
        assert stat.socket_info.type == socket.SOCK_DGRAM
        assert stat.socket_info.protocol == socket.IPPROTO_UDP
        assert stat.socket_info.local_address == receiver.getsockname()
        assert stat.unreceived == 100  # ioctlsocket(FIONREAD): the first datagram's size
        with pytest.raises(OSError) as caught:
            tcp_info(receiver)
        assert caught.value.winerror
        assert "originated from WSAIoctl(SIO_TCP_INFO)" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# Sampling


def test_sampler_counts_what_was_sent(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        sampler = Sampler(client)
        before = time.monotonic()
        first = sampler.sample()
        assert before <= first.monotonic <= time.monotonic()
        client.sendall(b"s" * 20000)
        received = 0
        while received < 20000:
            received += len(server.recv(1 << 16))
        settle(lambda: tcp_info(client).BytesInFlight)
        second = sampler.sample()
        assert second.unsent is None and second.not_yet_sent is None
        delta = sampler.delta()
        assert delta.bytes_sent >= 20000
        assert delta.elapsed == pytest.approx(second.monotonic - first.monotonic)
        assert delta.segments_out is None and delta.bytes_acked is None


def test_sampler_of_a_udp_socket_has_no_delta() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sampler = Sampler(sock)
        sampler.sample()
        sampler.sample()
        with pytest.raises(ValueError, match="TCP"):
            sampler.delta()


# ---------------------------------------------------------------------------------------------
# Records


def test_to_json_is_json_dumps_of_to_dict(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        stat: SocketStat = socketstat(client)
        plain = stat.to_dict()
        assert plain["connection_info"]["State"] == "ESTABLISHED"
        assert stat.to_json() == json.dumps(plain, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("call", CALLS)
def test_closed_handle_is_wsaenotsock_naming_the_call(call: Callable[[Any], object]) -> None:
    sock = socket.socket()
    handle = sock.fileno()
    sock.close()
    with pytest.raises(OSError) as caught:
        call(handle)
    assert caught.value.winerror == WSAENOTSOCK
    assert caught.value.errno == WSAENOTSOCK  # CPython's errno for a Winsock code is the code
    assert "originated from" in str(caught.value)


@pytest.mark.parametrize("call", CALLS)
def test_a_file_handle_is_not_a_socket(call: Callable[[Any], object]) -> None:
    with tempfile.TemporaryFile() as file:
        handle = msvcrt.get_osfhandle(file.fileno())
        with pytest.raises(OSError) as caught:
            call(handle)
        assert caught.value.winerror == WSAENOTSOCK


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("bad", ["3", 3.0, None, b"3", object(), True])
def test_bad_input_is_a_type_error(call: Callable[[Any], object], bad: object) -> None:
    with pytest.raises(TypeError):
        call(bad)


@pytest.mark.parametrize("call", CALLS)
def test_negative_and_huge_handles(call: Callable[[Any], object]) -> None:
    with pytest.raises(ValueError):
        call(-1)
    with pytest.raises(OverflowError):
        call(2**70)


def test_the_error_message_is_the_systems() -> None:
    sock = socket.socket()
    handle = sock.fileno()
    sock.close()
    with pytest.raises(OSError) as caught:
        socketstat(handle)
    assert str(caught.value).startswith(f"[WinError {WSAENOTSOCK}] ")
    assert str(caught.value.strerror).endswith(
        "(originated from getsockopt(SOL_SOCKET, SO_PROTOCOL_INFOW))")
