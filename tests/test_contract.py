"""The portable contract, on whatever platform this runs: the same entry point, errors, records,
units and TcpState everywhere. Only names every platform exports are used here."""

from __future__ import annotations

import errno
import json
import os
import pickle
import socket
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

import socketstat
from conftest import fill_until_blocked, loopback, settle, tcp_connection
from socketstat import ConnectionInfo, SocketInfo, SocketStat, TcpState

# What this platform offers besides socketstat() takes the same fd argument and errors.
CALLS: list[Callable[[Any], object]] = [socketstat.socketstat] + [
    getattr(socketstat, name) for name in ("tcp_info", "Sampler") if name in socketstat.__all__]

CONTRACT = {
    "SocketStat": ["state", "unreceived", "unsent", "not_yet_sent", "accept_queue", "accept_queue_limit",
                   "connection_info", "socket_info"],
    "ConnectionInfo": ["state", "rtt", "rtt_variance", "rto", "mss", "congestion_window",
                       "retransmissions", "bytes_sent", "bytes_received", "bytes_acked"],
    "SocketInfo": ["family", "type", "protocol", "local_address", "remote_address",
                   "receive_buffer_size", "send_buffer_size"],
}

# FreeBSD's tcp_info counts no bytes, and FreeBSD does not count a Unix socket's bytes its peer
# holds: there those figures are None (the contract's X | None), not a number.
FREEBSD = sys.platform.startswith("freebsd")
# Windows reports no send queue, no accept queue and no RTT variance (None), a closed handle is
# not a socket to Winsock (WSAENOTSOCK, which is errno.ENOTSOCK there), and its socketpair() is
# TCP on loopback (Python's Windows socket module has no AF_UNIX).
WINDOWS = sys.platform == "win32"


def test_public_names_are_the_contract_and_this_platforms_records() -> None:
    names = set(socketstat.__all__)
    assert {"socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address"} <= names
    assert all(hasattr(socketstat, name) for name in names)
    leaked = {name for name in vars(socketstat) if not name.startswith("__")} - names
    # Submodules, bound on import (by the package itself, or by a test that imported one).
    package = Path(socketstat.__file__).parent
    submodules = {path.name.split(".")[0] for path in package.iterdir()
                  if path.suffix in (".py", ".so")}
    assert leaked <= submodules, leaked


def test_tcp_state_is_the_rfc_793_names() -> None:
    assert [state.name for state in TcpState] == [
        "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
        "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]
    assert all(state.value == state.name for state in TcpState)


@pytest.mark.parametrize("record", [SocketStat, ConnectionInfo, SocketInfo],
                         ids=["SocketStat", "ConnectionInfo", "SocketInfo"])
def test_records_list_the_portable_members_first(record: Any) -> None:
    name = "ConnectionInfo" if record is ConnectionInfo else record.__name__
    portable = CONTRACT[name]
    assert list(record._fields[:len(portable)]) == portable


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("bad", ["3", 3.0, None, b"3", object(), True, False])
def test_not_an_int_and_no_fileno_is_a_type_error(call: Callable[[Any], object], bad: object) -> None:
    with pytest.raises(TypeError):
        call(bad)


@pytest.mark.parametrize("call", CALLS)
def test_negative_fd_is_a_value_error(call: Callable[[Any], object]) -> None:
    with pytest.raises(ValueError):
        call(-1)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("huge", [2**31, 2**70])
def test_fd_beyond_a_c_int_is_an_overflow_error(call: Callable[[Any], object], huge: int) -> None:
    with pytest.raises(OverflowError):
        call(huge)


@pytest.mark.parametrize("call", CALLS)
def test_closed_fd_is_ebadf_naming_the_call(call: Callable[[Any], object]) -> None:
    sock = socket.socket()
    fd = sock.fileno()
    sock.close()
    with pytest.raises(OSError) as caught:
        call(fd)
    assert caught.value.errno == (errno.ENOTSOCK if WINDOWS else errno.EBADF)
    assert "originated from getsockopt" in str(caught.value)


@pytest.mark.parametrize("call", CALLS)
def test_closed_socket_object_is_a_value_error(call: Callable[[Any], object]) -> None:
    # socket.fileno() returns -1 once closed; that is a negative fd.
    sock = socket.socket()
    sock.close()
    with pytest.raises(ValueError):
        call(sock)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("kind", ["pipe", "file"])
def test_not_a_socket_is_enotsock(call: Callable[[Any], object], kind: str) -> None:
    fds = list(os.pipe()) if kind == "pipe" else [os.open(__file__, os.O_RDONLY)]
    try:
        with pytest.raises(OSError) as caught:
            call(fds[0])
        assert caught.value.errno == errno.ENOTSOCK
        assert "originated from getsockopt" in str(caught.value)
    finally:
        for fd in fds:
            os.close(fd)


class RaisingFileno:
    def fileno(self) -> int:
        raise RuntimeError("no fd today")


class BadFileno:
    def fileno(self) -> str:
        return "seven"


@pytest.mark.parametrize("call", CALLS)
def test_fileno_that_raises_passes_its_exception_through(call: Callable[[Any], object]) -> None:
    with pytest.raises(RuntimeError, match="no fd today"):
        call(RaisingFileno())
    with pytest.raises(TypeError):
        call(BadFileno())


# ---------------------------------------------------------------------------------------------
# Records

# The records (SocketOwner, a NamedTuple, also has _fields, and is built by anyone).
RECORDS = [getattr(socketstat, name) for name in socketstat.__all__
           if hasattr(getattr(socketstat, name), "_fields")
           and not issubclass(getattr(socketstat, name), tuple)]


@pytest.mark.parametrize("record", RECORDS, ids=[record.__name__ for record in RECORDS])
def test_records_cannot_be_built_half_way(record: Any) -> None:
    with pytest.raises(TypeError, match="not directly"):
        record()
    # Bypassing __init__ gives an empty record: it must still print and convert, never crash.
    empty = record.__new__(record)
    repr(empty)
    json.dumps(empty.to_dict())


def test_records_refuse_pickling_and_say_what_to_do() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        stat = socketstat.socketstat(client)
        for record in (stat, stat.connection_info, stat.socket_info):
            with pytest.raises(TypeError, match="to_dict"):
                pickle.dumps(record)


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_to_dict_is_json_ready_with_portable_names(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        data = socketstat.socketstat(client).to_dict()
        assert json.loads(json.dumps(data)) == data
        assert list(data)[:len(CONTRACT["SocketStat"])] == CONTRACT["SocketStat"]
        connection = data["connection_info"]
        assert list(connection)[:len(CONTRACT["ConnectionInfo"])] == CONTRACT["ConnectionInfo"]
        assert connection["state"] == "ESTABLISHED"
        identity = data["socket_info"]
        assert list(identity)[:len(CONTRACT["SocketInfo"])] == CONTRACT["SocketInfo"]
        assert identity["family"] == family.name and identity["type"] == "SOCK_STREAM"
        assert identity["local_address"] == list(client.getsockname())
        assert identity["remote_address"] == list(client.getpeername())


# ---------------------------------------------------------------------------------------------
# Values, in the contract's units


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_tcp_connection_in_portable_units(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"x" * 3000)
        assert settle(lambda: socketstat.socketstat(server).unreceived) == 3000
        stat = socketstat.socketstat(client)
        info = stat.connection_info
        assert info is not None
        assert info.state is TcpState.ESTABLISHED
        # Seconds: a loopback round trip is far below a second, and above nothing.
        assert 0 < info.rtt < 1
        assert (info.rtt_variance is None) if WINDOWS else (0 <= (info.rtt_variance or 0) < 1)
        assert info.rto is None or 0 < info.rto <= 120
        assert info.mss > 0 and info.congestion_window >= info.mss
        if FREEBSD:
            assert (info.bytes_sent, info.bytes_received, info.bytes_acked) == (None, None, None)
        else:
            assert info.bytes_sent is not None and info.bytes_sent >= 3000
        assert info.bytes_acked is None or info.bytes_acked >= 3000
        assert info.retransmissions in (0, None)
        if not FREEBSD:
            assert settle(lambda: socketstat.socketstat(server).connection_info.bytes_received) == 3000  # type: ignore[union-attr]
        assert stat.accept_queue is None and stat.accept_queue_limit is None
        assert stat.socket_info.protocol == socket.IPPROTO_TCP


def test_listener_states_and_accept_queue() -> None:
    with socket.create_server((loopback(socket.AF_INET), 0), backlog=7) as listener:
        waiting = socket.create_connection(listener.getsockname())
        with waiting:
            settle(lambda: socketstat.socketstat(listener).accept_queue)
            stat = socketstat.socketstat(listener)
            assert stat.connection_info is not None
            assert stat.connection_info.state is TcpState.LISTEN
            if WINDOWS:
                assert stat.accept_queue is None and stat.accept_queue_limit is None
            else:
                assert stat.accept_queue == 1
                assert stat.accept_queue_limit is not None and stat.accept_queue_limit >= 7
            assert stat.socket_info.remote_address is None


def test_peer_close_gives_close_wait_and_fin_wait() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        client.shutdown(socket.SHUT_WR)
        assert settle(lambda: socketstat.socketstat(server).connection_info.state) is TcpState.CLOSE_WAIT  # type: ignore[union-attr]
        info = socketstat.socketstat(client).connection_info
        assert info is not None and info.state in (TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2)


def test_unsent_counts_what_a_non_reading_peer_has_not_taken() -> None:
    listener, client, server = tcp_connection(socket.AF_INET, receive_buffer=16384)
    with listener, client, server:
        fill_until_blocked(client)
        if WINDOWS:
            assert socketstat.socketstat(client).unsent is None
            return
        unsent = settle(lambda: socketstat.socketstat(client).unsent)
        assert unsent is not None and unsent > 0


def test_datagram_unreceived_is_the_next_datagrams_size() -> None:
    # The contract's meaning on every platform: what one recv() would return.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        receiver.bind(("127.0.0.1", 0))
        sender.sendto(b"a" * 500, receiver.getsockname())
        sender.sendto(b"b" * 70, receiver.getsockname())
        assert settle(lambda: socketstat.socketstat(receiver).unreceived) == 500
        stat = socketstat.socketstat(receiver)
        assert stat.connection_info is None and stat.not_yet_sent is None
        assert stat.socket_info.type is socket.SOCK_DGRAM
        assert stat.socket_info.local_address == receiver.getsockname()


@pytest.mark.skipif(WINDOWS, reason="Windows' socketpair() is a TCP pair, and Python there has no AF_UNIX")
def test_unix_stream_pair() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"z" * 1234)
        assert settle(lambda: socketstat.socketstat(right).unreceived) == 1234
        stat = socketstat.socketstat(right)
        assert stat.socket_info.family is socket.AF_UNIX
        assert stat.socket_info.local_address == right.getsockname()
        assert stat.connection_info is None
        unsent = socketstat.socketstat(left).unsent
        if FREEBSD:
            assert unsent is None
        else:
            assert unsent is not None and unsent >= 1234  # Linux adds the buffers' overhead
