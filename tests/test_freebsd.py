"""The FreeBSD backend against independent sources: raw TCP_INFO bytes decoded at the header's
offsets (tests/freebsd_tcp_info.py, which test_freebsd_header.py checks against the real header on
any OS), the socket module, fcntl.ioctl(FIONREAD, FIONWRITE), getsockopt(SO_LISTENQLEN, ...),
sysctl kern.osreldate and netstat. TCP over IPv4 and IPv6 (client, accepted and listening ends),
UDP, Unix; the error table. What every platform shares is tested in test_contract.py.

Written to run on a real FreeBSD (14.0 or later); nothing here has run on one yet."""

from __future__ import annotations

import errno
import fcntl
import functools
import json
import os
import pickle
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

if not sys.platform.startswith("freebsd"):
    # The whole module: only FreeBSD builds socketstat._freebsd (test_typing_freebsd.py
    # type-checks this file everywhere).
    pytest.skip("the FreeBSD backend runs on FreeBSD only", allow_module_level=True)

from conftest import fill_until_blocked, loopback, settle, tcp_connection  # noqa: E402
from freebsd_tcp_info import (  # noqa: E402
    ADDED_IN_14, BASE_END, FIONREAD, FIONSPACE, FIONWRITE, MEMBERS,
    SO_LISTENINCQLEN, SO_LISTENQLEN, SO_LISTENQLIMIT, TCP_INFO, decode,
)
from socketstat import SocketChangedError, TcpState, socketstat  # noqa: E402
# From the backend's module, which the stubs declare on every platform (socketstat itself
# exports these on FreeBSD only), so that mypy checks this file under any --platform.
from socketstat._freebsd import (  # noqa: E402
    FreeBSDTcpState, Sampler, SocketInfo, SocketStat, TcpInfo, TcpInfoOptions, _osreldate,
    tcp_info,
)

PORTABLE = ["state", "rtt", "rtt_variance", "rto", "mss", "congestion_window", "retransmissions",
            "bytes_sent", "bytes_received", "bytes_acked"]
# Members that move on their own between two reads of an idle connection.
MOVING = {"tcpi_rto", "tcpi_rtt", "tcpi_rttvar", "tcpi_last_data_recv", "tcpi_rcv_space"}


@functools.lru_cache(maxsize=None)
def kernel_osreldate() -> int:
    return int(subprocess.run(["sysctl", "-n", "kern.osreldate"], capture_output=True, text=True,
                              check=True).stdout)


def raw_tcp_info(sock: socket.socket) -> bytes:
    return sock.getsockopt(socket.IPPROTO_TCP, TCP_INFO, 512)


def ioctl_int(sock: socket.socket, request: int) -> int:
    value: int = struct.unpack("i", fcntl.ioctl(sock.fileno(), request, b"\0" * 4))[0]
    return value


def member(record: Any, name: str) -> Any:
    """A raw member as the independent decoder gives it (the state as a plain number)."""
    value = getattr(record, name)
    return int(value) if name == "tcpi_state" else value


def expected(raw: bytes) -> dict[str, Any]:
    """The independent decoding, with what this kernel does not fill as None."""
    return decode(raw, kernel_14=kernel_osreldate() >= 1400000)


# ---------------------------------------------------------------------------------------------
# The kernel and the struct


def test_osreldate_is_the_kernels() -> None:
    assert _osreldate == kernel_osreldate()
    assert _osreldate >= 1400000, "FreeBSD 14.0 is the oldest release socketstat supports"


def test_the_constants_are_the_socket_modules() -> None:
    if hasattr(socket, "TCP_INFO"):
        assert socket.TCP_INFO == TCP_INFO


def test_kernel_returns_at_least_what_every_release_fills() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        assert len(raw_tcp_info(listener)) >= BASE_END


def test_from_bytes_reads_every_member_at_its_header_offset(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"x" * 1000)
        raw = raw_tcp_info(client)
        record = TcpInfo.from_bytes(raw)
        assert record.length == len(raw)
        assert {name: member(record, name) for name in MEMBERS} == expected(raw)


def test_the_record_lists_the_portable_view_then_every_member_in_struct_order() -> None:
    assert list(TcpInfo._fields) == PORTABLE + MEMBERS


def test_from_bytes_with_random_bytes_matches_the_independent_decoder() -> None:
    for _ in range(50):
        raw = os.urandom(256)
        record = TcpInfo.from_bytes(raw)
        assert {name: member(record, name) for name in MEMBERS} == expected(raw)


def test_from_bytes_needs_what_every_release_fills() -> None:
    with pytest.raises(ValueError, match="shorter"):
        TcpInfo.from_bytes(b"\0" * (BASE_END - 1))
    record = TcpInfo.from_bytes(b"\0" * BASE_END)
    assert all(getattr(record, name) is None for name in ADDED_IN_14)


def test_live_record_matches_raw_bytes(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"y" * 3000)
        settle(lambda: ioctl_int(server, FIONREAD))

        def both() -> tuple[dict[str, Any], dict[str, Any]]:
            raw = expected(raw_tcp_info(client))
            record = tcp_info(client)
            return ({k: v for k, v in raw.items() if k not in MOVING},
                    {k: member(record, k) for k in MEMBERS if k not in MOVING})
        raw, ours = settle(both)
        assert raw == ours


def test_portable_view_is_in_seconds_and_bytes() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        info = tcp_info(client)
        assert info.rtt == info.tcpi_rtt / 1e6
        assert info.rtt_variance == info.tcpi_rttvar / 1e6
        assert info.rto == info.tcpi_rto / 1e6 and info.rto is not None and info.rto > 0
        assert info.mss == info.tcpi_snd_mss > 0
        assert info.congestion_window == info.tcpi_snd_cwnd > 0
        assert info.retransmissions == info.tcpi_snd_rexmitpack == 0
        assert (info.bytes_sent, info.bytes_received, info.bytes_acked) == (None, None, None)


def test_raw_states_use_bsd_numbering_and_map_onto_the_portable_names() -> None:
    assert [(state.name, int(state)) for state in FreeBSDTcpState] == [
        ("CLOSED", 0), ("LISTEN", 1), ("SYN_SENT", 2), ("SYN_RECEIVED", 3), ("ESTABLISHED", 4),
        ("CLOSE_WAIT", 5), ("FIN_WAIT_1", 6), ("CLOSING", 7), ("LAST_ACK", 8), ("FIN_WAIT_2", 9),
        ("TIME_WAIT", 10)]
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        assert tcp_info(listener).tcpi_state is FreeBSDTcpState.LISTEN
        assert tcp_info(listener).state is TcpState.LISTEN
        assert tcp_info(client).state is TcpState.ESTABLISHED
        client.shutdown(socket.SHUT_WR)
        assert settle(lambda: tcp_info(server).state) is TcpState.CLOSE_WAIT
        assert settle(lambda: tcp_info(client).state) is TcpState.FIN_WAIT_2


def test_option_bits_by_name() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        options = TcpInfoOptions(tcp_info(client).tcpi_options)
        # FreeBSD negotiates timestamps, SACK and window scaling on loopback by default.
        assert TcpInfoOptions.TIMESTAMPS in options and TcpInfoOptions.SACK in options
        assert TcpInfoOptions.WSCALE in options
        assert isinstance(tcp_info(client).tcpi_options, int)


def test_sequence_numbers_follow_what_was_sent() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        before = tcp_info(client).tcpi_snd_una
        client.sendall(b"z" * 5000)
        settle(lambda: ioctl_int(server, FIONREAD))
        after = settle(lambda: tcp_info(client).tcpi_snd_una)
        assert before is not None and after is not None, "FreeBSD 14 fills tcpi_snd_una"
        assert (after - before) % 2**32 == 5000
        assert tcp_info(server).tcpi_rcv_nxt == tcp_info(client).tcpi_snd_nxt


# ---------------------------------------------------------------------------------------------
# socketstat(): TCP


@pytest.mark.parametrize("end", ["client", "server"])
def test_connected_tcp(family: socket.AddressFamily, end: str) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        sock = client if end == "client" else server
        stat = socketstat(sock)
        info = stat.socket_info
        assert isinstance(stat, SocketStat) and isinstance(info, SocketInfo)
        assert info.family == family and info.type == socket.SOCK_STREAM
        assert info.protocol == socket.IPPROTO_TCP
        assert info.local_address == sock.getsockname()
        assert info.remote_address == sock.getpeername()
        assert info.receive_buffer_size == sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        assert info.send_buffer_size == sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        assert stat.state is TcpState.ESTABLISHED
        assert (stat.accept_queue, stat.accept_queue_limit) == (None, None)
        assert info.listen_queue_length is None and info.send_space is None
        assert socketstat(sock, details=True).socket_info.send_space == ioctl_int(sock, FIONSPACE)


def test_queues_against_fionread_and_fionwrite(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family, receive_buffer=32768)
    with listener, client, server:
        fill_until_blocked(client)

        def read() -> tuple[int, int, int, int]:
            return (ioctl_int(server, FIONREAD), ioctl_int(client, FIONWRITE),
                    socketstat(server).unreceived or 0, socketstat(client).unsent or 0)
        unreceived, unsent, ours_unreceived, ours_unsent = settle(read)
        assert unreceived > 0 and unsent > 0
        assert (ours_unreceived, ours_unsent) == (unreceived, unsent)


def test_not_yet_sent_is_fionwrite_less_the_bytes_in_flight() -> None:
    listener, client, server = tcp_connection(socket.AF_INET, receive_buffer=16384)
    with listener, client, server:
        fill_until_blocked(client)

        def read() -> tuple[int, int, int | None]:
            raw = decode(raw_tcp_info(client), kernel_14=True)
            stat = socketstat(client)
            return ((raw["tcpi_snd_max"] - raw["tcpi_snd_una"]) % 2**32,
                    ioctl_int(client, FIONWRITE), stat.not_yet_sent)
        flight, queued, not_yet_sent = settle(read)
        # The peer's window is closed: most of the queue was never sent.
        assert not_yet_sent == queued - flight > 0
        # Listening and unconnected TCP sockets have nothing in flight to subtract.
        assert socketstat(listener).not_yet_sent is None


def test_listening_tcp_accept_queue(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.bind((loopback(family), 0))
        listener.listen(5)
        clients = [socket.create_connection(listener.getsockname()[:2]) for _ in range(3)]
        try:
            def queue() -> int:
                return int(listener.getsockopt(socket.SOL_SOCKET, SO_LISTENQLEN))
            assert settle(queue) == 3
            stat = socketstat(listener)
            assert stat.state is TcpState.LISTEN
            assert stat.accept_queue == 3
            assert stat.accept_queue_limit == listener.getsockopt(socket.SOL_SOCKET,
                                                                  SO_LISTENQLIMIT) == 5
            assert stat.socket_info.listen_queue_length == 3
            assert stat.socket_info.listen_incomplete_queue_length == listener.getsockopt(
                socket.SOL_SOCKET, SO_LISTENINCQLEN)
            assert stat.socket_info.listen_queue_limit == 5
            assert (stat.unreceived, stat.unsent) == (0, 0)
            assert stat.socket_info.remote_address is None
        finally:
            for client in clients:
                client.close()


def test_accept_queue_against_netstat_listen_queues() -> None:
    if shutil.which("netstat") is None:
        pytest.skip("netstat is not installed")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(9)
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):
            settle(lambda: listener.getsockopt(socket.SOL_SOCKET, SO_LISTENQLEN))
            # netstat -Lan: "Proto Listen Local Address" with qlen/incqlen/maxqlen.
            lines = subprocess.run(["netstat", "-Lan", "-p", "tcp"], capture_output=True,
                                   text=True, check=True).stdout.splitlines()
            line = next(line for line in lines if line.rstrip().endswith(f"127.0.0.1.{port}"))
            qlen, incqlen, maxqlen = (int(part) for part in line.split()[1].split("/"))
            stat = socketstat(listener)
            assert (stat.accept_queue, stat.accept_queue_limit) == (qlen, maxqlen)
            assert stat.socket_info.listen_incomplete_queue_length == incqlen


def test_unconnected_tcp_socket() -> None:
    with socket.socket() as sock:
        stat = socketstat(sock)
        assert stat.state is TcpState.CLOSED
        assert stat.socket_info.remote_address is None
        assert stat.socket_info.local_address == sock.getsockname() == ("0.0.0.0", 0)
        assert (stat.unreceived, stat.unsent, stat.not_yet_sent) == (0, 0, None)


def test_tcp_against_netstat(family: socket.AddressFamily) -> None:
    if shutil.which("netstat") is None:
        pytest.skip("netstat is not installed")
    listener, client, server = tcp_connection(family, receive_buffer=32768)
    with listener, client, server:
        fill_until_blocked(client)
        settle(lambda: (ioctl_int(server, FIONREAD), ioctl_int(client, FIONWRITE)))
        port = client.getsockname()[1]
        lines = subprocess.run(["netstat", "-an", "-p", "tcp"], capture_output=True, text=True,
                               check=True).stdout.splitlines()
        # Proto Recv-Q Send-Q Local Foreign (state): the client's line, by its local port.
        line = next(line for line in lines
                    if line.split()[3].endswith(f".{port}") and "ESTABLISHED" in line)
        recv_q, send_q = (int(part) for part in line.split()[1:3])
        stat = socketstat(client)
        assert (stat.unreceived, stat.unsent) == (recv_q, send_q)


# ---------------------------------------------------------------------------------------------
# socketstat(): UDP and Unix


def test_udp(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_DGRAM) as receiver, \
            socket.socket(family, socket.SOCK_DGRAM) as sender:
        receiver.bind((loopback(family), 0))
        sender.connect(receiver.getsockname()[:2])
        sender.send(b"a" * 100)
        sender.send(b"b" * 50)
        settle(lambda: ioctl_int(receiver, FIONREAD))
        stat = socketstat(receiver)
        # FIONREAD counts every queued datagram's payload; unreceived is the next one's, peeked.
        assert ioctl_int(receiver, FIONREAD) == 150
        assert stat.unreceived == 100
        sampler = Sampler(receiver)
        assert sampler.sample().unreceived == 100
        assert receiver.recv(1000) == b"a" * 100  # the peek left it queued
        assert socketstat(receiver).unreceived == sampler.sample().unreceived == 50
        receiver.recv(1000)
        assert socketstat(receiver).unreceived == 0
        assert stat.connection_info is None and stat.state is None
        assert stat.socket_info.protocol == socket.IPPROTO_UDP
        assert stat.socket_info.local_address == receiver.getsockname()
        assert stat.socket_info.remote_address is None
        sent = socketstat(sender)
        assert sent.unsent == 0 and sent.not_yet_sent is None
        assert sent.socket_info.remote_address == sender.getpeername()


@pytest.mark.parametrize("kind", [socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET])
def test_unix_socketpair(kind: socket.SocketKind) -> None:
    left, right = socket.socketpair(socket.AF_UNIX, kind)
    with left, right:
        left.send(b"q" * 77)
        left.send(b"r" * 11)
        settle(lambda: ioctl_int(right, FIONREAD))
        stat = socketstat(right)
        # A stream's queue, or a datagram's or record's next one (SEQPACKET: FIONREAD's total,
        # as on Linux).
        assert stat.unreceived == (77 if kind == socket.SOCK_DGRAM else 88)
        # The data waits in the peer's buffer, which FreeBSD does not count per sender.
        assert socketstat(left).unsent is None
        assert stat.socket_info.family == socket.AF_UNIX and stat.socket_info.type == kind
        assert stat.socket_info.protocol == 0
        assert stat.socket_info.local_address == right.getsockname() == ""
        assert stat.socket_info.remote_address == right.getpeername()
        assert stat.connection_info is None and stat.accept_queue is None


def test_unix_paths_like_getsockname_and_getpeername() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "s")
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(path)
            listener.listen(4)
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(path)
                stat = socketstat(client)
                assert stat.socket_info.local_address == client.getsockname()
                assert stat.socket_info.remote_address == client.getpeername() == path
                served = socketstat(listener)
                assert served.socket_info.listen_queue_length == 1
                assert served.socket_info.listen_queue_limit == 4
                # The contract's accept queue is TCP's.
                assert (served.accept_queue, served.accept_queue_limit) == (None, None)
                assert (served.unreceived, served.unsent) == (0, None)


# ---------------------------------------------------------------------------------------------
# Sampler


def test_sampler_tracks_the_counters_it_has() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        sampler = Sampler(client)
        first = sampler.sample()
        client.sendall(b"w" * 10000)
        settle(lambda: tcp_info(client).tcpi_snd_una)
        second = sampler.sample()
        assert second.monotonic > first.monotonic
        assert abs(second.monotonic - time.monotonic()) < 1
        delta = sampler.delta()
        assert delta.sequence_sent == delta.sequence_acked == 10000
        assert delta.sequence_received == 0
        assert delta.segments_retransmitted == 0
        assert (delta.bytes_sent, delta.bytes_acked, delta.send_rate) == (None, None, None)
        assert second.unsent == 0 and second.not_yet_sent == 0


def test_sampler_of_a_udp_socket_has_no_delta() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sampler = Sampler(sock)
        sample = sampler.sample()
        assert sample.connection_info is None and sample.unsent == 0
        sampler.sample()
        with pytest.raises(ValueError, match="TCP"):
            sampler.delta()


def test_sampler_after_close_names_the_call() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, server:
        sampler = Sampler(client.fileno())
        client.close()
        with pytest.raises(OSError) as caught:
            sampler.sample()
        assert caught.value.errno == errno.EBADF
        assert "TCP_INFO" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# Records and errors


def test_records_are_json_ready_and_readable(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        stat = socketstat(client, details=True)
        assert json.loads(stat.to_json()) == stat.to_dict()
        assert json.loads(json.dumps(stat.to_dict())) == stat.to_dict()
        assert "TcpInfo {" in repr(stat)
        with pytest.raises(TypeError):
            pickle.dumps(stat)


def test_not_a_socket_names_the_first_call() -> None:
    read, write = os.pipe()
    try:
        for call in (socketstat, Sampler):
            with pytest.raises(OSError) as caught:
                call(read)
            assert caught.value.errno == errno.ENOTSOCK
            assert "getsockopt(SOL_SOCKET, SO_TYPE)" in str(caught.value)
        with pytest.raises(OSError) as caught:
            tcp_info(read)
        assert caught.value.errno == errno.ENOTSOCK
    finally:
        os.close(read)
        os.close(write)


def test_tcp_info_of_other_sockets_is_the_kernels_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        with pytest.raises(OSError) as caught:
            tcp_info(udp)
        assert caught.value.errno in (errno.EINVAL, errno.ENOPROTOOPT)
        assert "TCP_INFO" in str(caught.value)


def test_the_command_says_it_lists_nothing_here() -> None:
    # Listing every socket is Linux's and macOS's: the command says so in one line, exit 2.
    result = subprocess.run([sys.executable, "-m", "socketstat", "-ta"], capture_output=True,
                            text=True, cwd="/")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Linux and macOS only" in result.stderr


def test_bad_input() -> None:
    not_an_fd: Any = "3"
    with pytest.raises(TypeError):
        socketstat(not_an_fd)
    with pytest.raises(ValueError):
        socketstat(-1)
    with pytest.raises(OverflowError):
        socketstat(2**40)
    assert issubclass(SocketChangedError, OSError)

