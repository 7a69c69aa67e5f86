"""The macOS backend against independent sources: raw TCP_CONNECTION_INFO bytes at the SDK's
offsets, the socket module, fcntl.ioctl(FIONREAD), getsockopt(SO_NREAD, SO_NWRITE, SO_SNDBUF),
netstat and lsof. TCP over IPv4 and IPv6 (client, accepted and listening ends), UDP, Unix; the
error table. What every platform shares is tested in test_contract.py; this is macOS's own."""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path
from typing import Any

import pytest

if sys.platform != "darwin":
    # The whole module: only macOS builds socketstat._darwin (test_typing_darwin.py type-checks
    # this file everywhere).
    pytest.skip("the macOS backend runs on macOS only", allow_module_level=True)

from conftest import fill_until_blocked, loopback, settle, tcp_connection  # noqa: E402
from socketstat import TcpState, socketstat  # noqa: E402
# From the backend's module, which the stubs declare on every platform (socketstat itself
# exports these on macOS only), so that mypy checks this file under any --platform.
from socketstat._darwin import (  # noqa: E402
    DarwinTcpState, SockbufInfo, SocketInfo, SocketStat, TcpConnectionFlags, TcpConnectionInfo,
    TcpConnectionOptions,
)

# <netinet/tcp.h>, <sys/socket.h>; the socket module has TCP_CONNECTION_INFO from Python 3.11 only
# and the SO_N* options not at all.
TCP_CONNECTION_INFO = 0x106
SO_NREAD = 0x1020
SO_NWRITE = 0x1024
SO_NUMRCVPKT = 0x1112
SO_WANTOOBFLAG = 0x8000

# struct tcp_connection_info in the macOS SDK: (name, struct format, offset). The u_int64_t members
# are __attribute__((aligned(8))); the TFO bit-fields share the u_int32_t at 52, allocated from
# bit 0 on both little-endian ABIs (arm64, x86_64).
LAYOUT = [
    ("tcpi_state", "B", 0), ("tcpi_snd_wscale", "B", 1), ("tcpi_rcv_wscale", "B", 2),
    ("tcpi_options", "I", 4), ("tcpi_flags", "I", 8), ("tcpi_rto", "I", 12), ("tcpi_maxseg", "I", 16),
    ("tcpi_snd_ssthresh", "I", 20), ("tcpi_snd_cwnd", "I", 24), ("tcpi_snd_wnd", "I", 28),
    ("tcpi_snd_sbbytes", "I", 32), ("tcpi_rcv_wnd", "I", 36), ("tcpi_rttcur", "I", 40),
    ("tcpi_srtt", "I", 44), ("tcpi_rttvar", "I", 48),
    ("tcpi_txpackets", "Q", 56), ("tcpi_txbytes", "Q", 64), ("tcpi_txretransmitbytes", "Q", 72),
    ("tcpi_rxpackets", "Q", 80), ("tcpi_rxbytes", "Q", 88), ("tcpi_rxoutoforderbytes", "Q", 96),
    ("tcpi_txretransmitpackets", "Q", 104),
]
TFO_BITS = [
    "tcpi_tfo_cookie_req", "tcpi_tfo_cookie_rcv", "tcpi_tfo_syn_loss", "tcpi_tfo_syn_data_sent",
    "tcpi_tfo_syn_data_acked", "tcpi_tfo_syn_data_rcv", "tcpi_tfo_cookie_req_rcv",
    "tcpi_tfo_cookie_sent", "tcpi_tfo_cookie_invalid", "tcpi_tfo_cookie_wrong",
    "tcpi_tfo_no_cookie_rcv", "tcpi_tfo_heuristics_disable", "tcpi_tfo_send_blackhole",
    "tcpi_tfo_recv_blackhole", "tcpi_tfo_onebyte_proxy",
]
SIZE = 112
SIZE_BEFORE_10_13 = 104
ADDED_IN_10_13 = {"tcpi_txretransmitpackets", "tcpi_tfo_onebyte_proxy"}
# The struct's members in order: the TFO bits share the u_int32_t at 52.
MEMBERS = ([name for name, _, offset in LAYOUT if offset < 52] + TFO_BITS
           + [name for name, _, offset in LAYOUT if offset > 52])
PORTABLE = ["state", "rtt", "rtt_variance", "rto", "mss", "congestion_window", "retransmissions",
            "bytes_sent", "bytes_received", "bytes_acked"]

# Members that move on their own between two reads of an idle connection.
MOVING = {"tcpi_rto", "tcpi_rttcur", "tcpi_srtt", "tcpi_rttvar", "tcpi_rcv_wnd"}


def decode(raw: bytes) -> dict[str, Any]:
    """An independent reading of a struct tcp_connection_info prefix: None beyond it."""
    padded = raw[:SIZE].ljust(SIZE, b"\0")
    values: dict[str, Any] = {}
    for name, form, offset in LAYOUT:
        end = offset + struct.calcsize(form)
        values[name] = struct.unpack_from("=" + form, padded, offset)[0] if len(raw) >= end else None
    bits = struct.unpack_from("=I", padded, 52)[0]
    for index, name in enumerate(TFO_BITS):
        values[name] = bool(bits >> index & 1)
    if len(raw) < SIZE:
        values["tcpi_tfo_onebyte_proxy"] = None
    return values


def raw_connection_info(sock: socket.socket) -> bytes:
    return sock.getsockopt(socket.IPPROTO_TCP, TCP_CONNECTION_INFO, 512)


def fionread(sock: socket.socket) -> int:
    value: int = struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0" * 4))[0]
    return value


def so_nwrite(sock: socket.socket) -> int:
    return sock.getsockopt(socket.SOL_SOCKET, SO_NWRITE)


def so_nread(sock: socket.socket) -> int:
    return sock.getsockopt(socket.SOL_SOCKET, SO_NREAD)


def member(record: Any, name: str) -> Any:
    """A raw member as the independent decoder gives it (the state as a plain number)."""
    value = getattr(record, name)
    return int(value) if name == "tcpi_state" else value


def mac_version() -> tuple[int, ...]:
    import platform
    return tuple(int(part) for part in platform.mac_ver()[0].split(".") if part)


# ---------------------------------------------------------------------------------------------
# struct tcp_connection_info

def test_the_constant_is_the_socket_modules() -> None:
    assert getattr(socket, "TCP_CONNECTION_INFO", TCP_CONNECTION_INFO) == TCP_CONNECTION_INFO


def test_kernel_fills_the_sdk_struct() -> None:
    with socket.socket() as sock:
        raw = raw_connection_info(sock)
    assert len(raw) == (SIZE if mac_version() >= (10, 13) else SIZE_BEFORE_10_13)


def test_from_bytes_reads_every_member_at_its_sdk_offset(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"hello")
        settle(lambda: raw_connection_info(client)[56:])
        raw = raw_connection_info(client)
        record = TcpConnectionInfo.from_bytes(raw)
        assert {name: getattr(record, name) for name in MEMBERS} == decode(raw)
        assert record.length == len(raw)


def test_the_record_lists_the_portable_view_then_every_member_in_struct_order() -> None:
    assert list(TcpConnectionInfo._fields) == PORTABLE + MEMBERS


def test_from_bytes_with_random_bytes_matches_the_independent_decoder() -> None:
    # Live sockets leave most members 0; random bytes make a misplaced member visible.
    for _ in range(20):
        data = os.urandom(SIZE)
        record = TcpConnectionInfo.from_bytes(data)
        expected = decode(data)
        for name in MEMBERS:
            assert member(record, name) == expected[name], name


def test_members_older_macos_did_not_fill_are_none() -> None:
    data = os.urandom(SIZE)
    record = TcpConnectionInfo.from_bytes(data[:SIZE_BEFORE_10_13])
    assert record.length == SIZE_BEFORE_10_13
    assert record.tcpi_txretransmitpackets is None
    assert record.tcpi_tfo_onebyte_proxy is None
    assert record.retransmissions is None
    expected = decode(data[:SIZE_BEFORE_10_13])
    for name in MEMBERS:
        if name not in ADDED_IN_10_13:
            assert member(record, name) == expected[name], name


def test_from_bytes_needs_what_every_macos_fills() -> None:
    # 104 bytes: OS X 10.11 and 10.12; fewer is no macOS's answer, not a record of zeros.
    for short in (b"", bytes(1), bytes(SIZE_BEFORE_10_13 - 1)):
        with pytest.raises(ValueError, match="104 bytes"):
            TcpConnectionInfo.from_bytes(short)
    assert TcpConnectionInfo.from_bytes(bytes(SIZE_BEFORE_10_13)).length == SIZE_BEFORE_10_13
    assert TcpConnectionInfo.from_bytes(bytes(300)).length == SIZE
    assert TcpConnectionInfo.from_bytes(bytearray(SIZE)).tcpi_txretransmitpackets == 0
    not_bytes: Any = "not bytes"
    with pytest.raises(TypeError):
        TcpConnectionInfo.from_bytes(not_bytes)


def test_portable_view_is_in_seconds_and_bytes() -> None:
    data = bytearray(SIZE)
    struct.pack_into("=BBB", data, 0, DarwinTcpState.ESTABLISHED, 6, 7)
    struct.pack_into("=IIIII", data, 12, 250, 16344, 1 << 30, 65536, 400000)
    struct.pack_into("=III", data, 40, 3, 5, 2)
    struct.pack_into("=QQQQQQQ", data, 56, 11, 12000, 300, 13, 14000, 0, 4)
    info = TcpConnectionInfo.from_bytes(bytes(data))
    assert info.state is TcpState.ESTABLISHED
    assert info.tcpi_state is DarwinTcpState.ESTABLISHED
    assert info.rtt == pytest.approx(0.005)
    assert info.rtt_variance == pytest.approx(0.002)
    assert info.rto == pytest.approx(0.25)
    assert info.mss == 16344
    assert info.congestion_window == 65536          # already bytes on macOS
    assert info.retransmissions == 4
    assert info.bytes_sent == 12000
    assert info.bytes_received == 14000
    assert info.bytes_acked is None
    assert list(TcpConnectionInfo._fields[:len(PORTABLE)]) == PORTABLE


def test_rto_is_none_while_macos_reports_no_timer() -> None:
    # tcpi_rto is t_rxtcur only while the retransmit timer runs, else 0 (tcp_connection_fill_info):
    # 0 is not a timeout of zero seconds.
    data = bytearray(SIZE)
    data[0] = DarwinTcpState.ESTABLISHED
    info = TcpConnectionInfo.from_bytes(bytes(data))
    assert info.tcpi_rto == 0 and info.rto is None
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        settle(lambda: raw_connection_info(client)[56:])
        idle = socketstat(client).connection_info
        # Everything sent is acknowledged: the retransmit timer is off (tcp_input.c clears
        # t_timer[TCPT_REXMT] once an ACK covers snd_max).
        assert idle is not None and idle.tcpi_rto == 0 and idle.rto is None


def test_tfo_bits_are_separate_booleans() -> None:
    for index, name in enumerate(TFO_BITS):
        raw = bytearray(SIZE)
        struct.pack_into("=I", raw, 52, 1 << index)
        info = TcpConnectionInfo.from_bytes(bytes(raw))
        assert [getattr(info, other) for other in TFO_BITS] == [other == name for other in TFO_BITS]


def test_option_and_flag_bits_by_name() -> None:
    assert [(m.name, m.value) for m in TcpConnectionOptions] == [
        ("TIMESTAMPS", 1), ("SACK", 2), ("WSCALE", 4), ("ECN", 8)]
    assert [(m.name, m.value) for m in TcpConnectionFlags] == [
        ("LOSSRECOVERY", 1), ("REORDERING_DETECTED", 2)]
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        info = socketstat(client).connection_info
        assert info is not None and info.tcpi_options is not None
        options = TcpConnectionOptions(info.tcpi_options)
        # macOS negotiates these by default (tcp_do_timestamps in tcp_subr.c, net.inet.tcp.sack).
        assert TcpConnectionOptions.TIMESTAMPS in options and TcpConnectionOptions.SACK in options
        assert type(info.tcpi_options) is int and type(info.tcpi_flags) is int


def test_raw_states_use_bsd_numbering_and_map_onto_the_portable_names() -> None:
    assert [(m.name, m.value) for m in DarwinTcpState] == [
        ("CLOSED", 0), ("LISTEN", 1), ("SYN_SENT", 2), ("SYN_RECEIVED", 3), ("ESTABLISHED", 4),
        ("CLOSE_WAIT", 5), ("FIN_WAIT_1", 6), ("CLOSING", 7), ("LAST_ACK", 8), ("FIN_WAIT_2", 9),
        ("TIME_WAIT", 10)]
    data = bytearray(SIZE)
    for state in DarwinTcpState:
        data[0] = state
        info = TcpConnectionInfo.from_bytes(bytes(data))
        assert info.tcpi_state is state
        assert info.state is TcpState[state.name]
    data[0] = 11                                    # TSI_S_RESERVED: not a state
    info = TcpConnectionInfo.from_bytes(bytes(data))
    assert info.tcpi_state == 11 and type(info.tcpi_state) is int
    assert info.state is None


# ---------------------------------------------------------------------------------------------
# TCP sockets

@pytest.mark.parametrize("end", ["client", "server"])
def test_connected_tcp(family: socket.AddressFamily, end: str) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        sock = client if end == "client" else server
        settle(lambda: raw_connection_info(sock)[56:])  # the counters stop moving
        stat = socketstat(sock)
        assert isinstance(stat, SocketStat)
        info = stat.connection_info
        assert isinstance(info, TcpConnectionInfo)
        assert info.state is TcpState.ESTABLISHED
        assert info.tcpi_state is DarwinTcpState.ESTABLISHED
        assert info.length == len(raw_connection_info(sock))
        assert stat.not_yet_sent is None
        assert stat.accept_queue is None and stat.accept_queue_limit is None
        expected = decode(raw_connection_info(sock))
        for name in MEMBERS:
            if name not in MOVING:
                assert member(info, name) == expected[name], name

        socket_info = stat.socket_info
        assert isinstance(socket_info, SocketInfo)
        assert (socket_info.family, socket_info.type, socket_info.protocol) == (
            family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        assert socket_info.local_address == sock.getsockname()
        assert socket_info.remote_address == sock.getpeername()
        assert socket_info.tcpsi_state is DarwinTcpState.ESTABLISHED
        assert socket_info.tcpsi_mss == info.tcpi_maxseg
        assert socket_info.insi_vflag == (1 if family == socket.AF_INET else 2)
        assert socket_info.unsi_conn_so is None and socket_info.unsi_conn_pcb is None
        assert socket_info.receive_buffer_size == sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        assert socket_info.send_buffer_size == sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        assert socket_info.soi_state & 0x2             # SOI_S_ISCONNECTED
        assert socket_info.soi_snd.sbi_flags >= 0
        assert 0 <= socket_info.soi_state <= 0xffff and 0 <= socket_info.soi_options <= 0xffff
        assert socket_info.readable_bytes is None and socket_info.queued_datagrams is None


def test_flags_using_bit_15_read_as_unsigned() -> None:
    # soi_options is a short copy of so_options: SO_WANTOOBFLAG (0x8000) would make it negative.
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, SO_WANTOOBFLAG, 1)
        options = socketstat(sock).socket_info.soi_options
        assert options & SO_WANTOOBFLAG and 0 <= options <= 0xffff


def test_timers_are_the_kernels_raw_values() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        info = socketstat(client).socket_info
        timers = [info.tcpsi_timer_rexmt, info.tcpsi_timer_persist, info.tcpsi_timer_keep,
                  info.tcpsi_timer_2msl]
        assert all(isinstance(timer, int) and timer >= 0 for timer in timers)
        assert info.tcpsi_timer_keep                   # armed on an established connection
        assert info.tcpsi_timer_2msl == 0              # only in TIME_WAIT / FIN_WAIT_2


def test_queues_against_fionread_and_so_nwrite(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"z" * 3000)
        settle(lambda: fionread(server))
        stat = socketstat(server)
        assert stat.unreceived == 3000 == fionread(server) == stat.socket_info.soi_rcv.sbi_cc
        assert socketstat(server, details=True).socket_info.readable_bytes == 3000
        sent = fill_until_blocked(client)
        assert sent > 0
        unsent = settle(lambda: socketstat(client).unsent)
        assert unsent == so_nwrite(client) > 0
        stat = socketstat(client)
        assert stat.socket_info.soi_snd.sbi_cc == unsent
        assert stat.connection_info is not None and stat.connection_info.tcpi_snd_sbbytes == unsent


def test_queues_against_netstat(family: socket.AddressFamily) -> None:
    netstat = shutil.which("netstat")
    if netstat is None:
        pytest.skip("no netstat")
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"n" * 2500)
        settle(lambda: fionread(server))
        stat = socketstat(server)
        output = subprocess.run([netstat, "-an", "-p", "tcp"], capture_output=True, text=True,
                                check=True).stdout
        local = f"{server.getsockname()[0]}.{server.getsockname()[1]}"
        foreign = f"{client.getsockname()[0]}.{client.getsockname()[1]}"
        rows = [line.split() for line in output.splitlines()
                if len(line.split()) >= 6 and line.split()[3:5] == [local, foreign]]
        assert len(rows) == 1, output
        _, receive_queue, send_queue, _, _, state = rows[0][:6]
        assert int(receive_queue) == stat.unreceived == 2500
        assert int(send_queue) == stat.unsent
        assert state == "ESTABLISHED" and stat.socket_info.tcpsi_state is DarwinTcpState.ESTABLISHED


def test_listening_tcp_accept_queue(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.bind((loopback(family), 0))
        listener.listen(5)
        clients = [socket.create_connection(listener.getsockname()[:2]) for _ in range(3)]
        try:
            assert settle(lambda: socketstat(listener).accept_queue) == 3
            stat = socketstat(listener)
            assert stat.accept_queue_limit == 5
            assert stat.unreceived == 0 and stat.unsent == 0
            info = stat.socket_info
            assert info.soi_qlen - info.soi_incqlen == 3 and info.soi_qlimit == 5
            assert info.tcpsi_state is DarwinTcpState.LISTEN
            assert stat.connection_info is not None and stat.connection_info.state is TcpState.LISTEN
            assert info.local_address == listener.getsockname()
            assert info.remote_address is None
            assert info.soi_options & 0x2               # SO_ACCEPTCONN
            accepted, _ = listener.accept()
            accepted.close()
            assert settle(lambda: socketstat(listener).accept_queue) == 2
        finally:
            for client in clients:
                client.close()


def test_accept_queue_against_netstat_listen_queues() -> None:
    netstat = shutil.which("netstat")
    if netstat is None:
        pytest.skip("no netstat")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(2)]
        try:
            settle(lambda: socketstat(listener).accept_queue)
            stat = socketstat(listener)
            output = subprocess.run([netstat, "-Lan", "-p", "tcp"], capture_output=True, text=True,
                                    check=True).stdout
            suffix = f"127.0.0.1.{listener.getsockname()[1]}"
            rows = re.findall(r"^(\d+)/(\d+)/(\d+)\s+(\S+)\s*$", output, flags=re.M)
            queues = [tuple(map(int, row[:3])) for row in rows if row[3] == suffix]
            assert len(queues) == 1, output
            qlen, incqlen, maxqlen = queues[0]
            assert stat.accept_queue == qlen - incqlen == 2
            assert stat.accept_queue_limit == maxqlen == 4
        finally:
            for client in clients:
                client.close()


def test_dual_stack_socket_reports_mapped_addresses_like_getsockname() -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listener.bind(("::", 0))
        listener.listen(1)
        assert socketstat(listener).socket_info.local_address == listener.getsockname()
        with socket.create_connection(("127.0.0.1", listener.getsockname()[1])) as client:
            server, _ = listener.accept()
            with server:
                info = socketstat(server).socket_info
                assert info.family == socket.AF_INET6
                assert info.local_address == server.getsockname()
                assert info.remote_address == server.getpeername()
                assert str(server.getsockname()[0]).startswith("::ffff:")
                assert info.insi_vflag == 1             # INI_IPV4: the PCB carries IPv4


def test_unconnected_tcp_socket() -> None:
    with socket.socket() as sock:
        stat = socketstat(sock)
        assert stat.connection_info is not None and stat.connection_info.state is TcpState.CLOSED
        assert stat.socket_info.local_address == sock.getsockname() == ("0.0.0.0", 0)
        assert stat.socket_info.remote_address is None
        assert stat.accept_queue is None


# ---------------------------------------------------------------------------------------------
# lsof reads the same proc_pidfdinfo: an independent reader of the same kernel answer

def lsof(fd: int) -> dict[str, str]:
    tool = shutil.which("lsof") or ("/usr/sbin/lsof" if os.path.exists("/usr/sbin/lsof") else None)
    if tool is None:
        pytest.skip("no lsof")
    output = subprocess.run([tool, "-nP", "-a", "-p", str(os.getpid()), "-d", str(fd), "-F", "dnT"],
                            capture_output=True, text=True).stdout
    fields: dict[str, str] = {}
    for line in output.splitlines():
        if line[:1] == "T" and "=" in line:
            key, _, value = line[1:].partition("=")
            fields["T" + key] = value
        elif line[:1] in ("d", "n"):
            fields[line[0]] = line[1:]
    return fields


def test_tcp_against_lsof(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"l" * 700)
        settle(lambda: fionread(server))
        stat = socketstat(server)
        fields = lsof(server.fileno())
        assert int(fields["d"], 16) == stat.socket_info.tcpsi_tp
        assert fields["TST"] == "ESTABLISHED"
        if "TQR" in fields:
            assert int(fields["TQR"]) == stat.socket_info.soi_rcv.sbi_cc == 700
            assert int(fields["TQS"]) == stat.socket_info.soi_snd.sbi_cc


def test_unix_socketpair_against_lsof() -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        fields = lsof(left.fileno())
        info = socketstat(left).socket_info
        assert int(fields["d"], 16) == info.soi_pcb
        assert fields["n"].startswith("->")
        assert int(fields["n"][2:], 16) == info.unsi_conn_pcb


# ---------------------------------------------------------------------------------------------
# UDP and Unix sockets

def test_udp(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_DGRAM) as receiver, \
            socket.socket(family, socket.SOCK_DGRAM) as sender:
        receiver.bind((loopback(family), 0))
        sender.connect(receiver.getsockname()[:2])
        sender.send(b"a" * 500)
        sender.send(b"b" * 70)
        settle(lambda: fionread(receiver))
        stat = socketstat(receiver, details=True)
        # unreceived is the next datagram's payload, what one recv() returns (SO_NREAD). macOS
        # FIONREAD (so_rcv.sb_cc) counts every queued datagram with its sender's address: it
        # stays visible as soi_rcv.sbi_cc.
        assert stat.unreceived == 500 == so_nread(receiver)
        assert stat.socket_info.soi_rcv.sbi_cc == fionread(receiver) >= 570
        info = stat.socket_info
        assert info.readable_bytes == 500
        assert info.queued_datagrams == 2 == receiver.getsockopt(socket.SOL_SOCKET, SO_NUMRCVPKT)
        assert stat.connection_info is None
        assert stat.not_yet_sent is None and stat.accept_queue is None
        assert (info.family, info.type, info.protocol) == (family, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        assert info.local_address == receiver.getsockname()
        assert info.remote_address is None
        assert info.insi_gencnt is not None and info.tcpsi_state is None and info.unsi_conn_so is None
        sent = socketstat(sender)
        assert sent.socket_info.local_address == sender.getsockname()
        assert sent.socket_info.remote_address == sender.getpeername()
        assert sent.unsent == so_nwrite(sender) == 0        # UDP never queues
        plain = socketstat(receiver)
        assert plain.unreceived == 500
        assert plain.socket_info.readable_bytes is None and plain.socket_info.queued_datagrams is None
        receiver.recv(1000)
        assert socketstat(receiver).unreceived == 70
        receiver.recv(1000)
        assert socketstat(receiver).unreceived == 0


def test_unbound_udp() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        info = socketstat(sock).socket_info
        assert info.local_address == ("0.0.0.0", 0) == sock.getsockname()
        assert info.remote_address is None


def test_ipv6_link_local_scope_id_like_getsockname() -> None:
    # lo0 carries fe80::1 on macOS; its scope id lives outside the address in the kernel.
    try:
        index = socket.if_nametoindex("lo0")
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.bind(("fe80::1", 0, 0, index))
    except OSError as error:
        pytest.skip(f"no fe80::1%lo0 here: {error}")
    with sock:
        assert socketstat(sock).socket_info.local_address == sock.getsockname()
        assert sock.getsockname()[3] == index


@pytest.mark.parametrize("kind", [socket.SOCK_STREAM, socket.SOCK_DGRAM])
def test_unix_socketpair(kind: socket.SocketKind) -> None:
    left, right = socket.socketpair(socket.AF_UNIX, kind)
    with left, right:
        left.sendall(b"q" * 1234)
        settle(lambda: fionread(right))
        stat = socketstat(right, details=True)
        assert stat.unreceived == 1234
        if kind == socket.SOCK_STREAM:
            assert fionread(right) == 1234
        else:
            # A datagram's sb_cc adds the sender's address: sun_noname, 16 bytes (uipc_usrreq.c).
            assert so_nread(right) == 1234 and fionread(right) == 1234 + 16
        sender = socketstat(left)
        if kind == socket.SOCK_STREAM:
            # What right holds from left: SO_SNDBUF - sbi_hiwat (xnu lowers left's high-water
            # mark by it); send_buffer_size is SO_SNDBUF, as on every other socket.
            assert sender.unsent == 1234
            assert sender.socket_info.send_buffer_size == left.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
            assert sender.socket_info.soi_snd.sbi_hiwat == sender.socket_info.send_buffer_size - 1234
        else:
            assert sender.unsent is None                # xnu exposes nothing for a Unix datagram
        assert so_nwrite(left) == 0 == sender.socket_info.soi_snd.sbi_cc
        assert stat.connection_info is None and stat.accept_queue is None
        info = stat.socket_info
        assert (info.family, info.type, info.protocol) == (socket.AF_UNIX, kind, 0)
        assert info.local_address == right.getsockname() == ""
        assert info.remote_address == right.getpeername() == ""
        # Each end names the other: unsi_conn_so/_pcb are the peer's soi_so/_pcb.
        other = socketstat(left).socket_info
        assert info.unsi_conn_so == other.soi_so and info.unsi_conn_pcb == other.soi_pcb
        assert info.insi_gencnt is None and info.tcpsi_state is None
        assert info.readable_bytes == 1234
        if kind == socket.SOCK_DGRAM:
            assert info.queued_datagrams == 1
        else:
            assert info.queued_datagrams is None


def test_unix_paths_like_getsockname_and_getpeername() -> None:
    with tempfile.TemporaryDirectory(prefix="ss") as directory:   # short: sun_path has 104 bytes
        path = str(Path(directory) / "s")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(path)
            listener.listen(2)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.connect(path)
                listening = socketstat(listener)
                assert listening.socket_info.local_address == listener.getsockname() == path
                assert listening.accept_queue is None           # a TCP figure, as on Linux
                assert settle(lambda: socketstat(listener).socket_info.soi_qlen) == 1
                server, _ = listener.accept()
                with server:
                    for sock in (client, server):
                        info = socketstat(sock).socket_info
                        assert info.local_address == sock.getsockname()
                        assert info.remote_address == sock.getpeername()
                    assert socketstat(client).socket_info.remote_address == path


def test_unix_stream_unsent_follows_what_the_peer_holds() -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        assert socketstat(left).unsent == 0
        sent = fill_until_blocked(left)
        held = settle(lambda: fionread(right))
        assert held == sent
        assert socketstat(left).unsent == held
        taken = len(right.recv(held // 2))
        assert socketstat(left).unsent == fionread(right) == held - taken > 0
        # A listening or unconnected Unix stream socket has no peer: nothing is held.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as lone:
            assert socketstat(lone).unsent == 0


def test_peer_gone_means_no_remote_address() -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with right:
        left.close()
        info = socketstat(right).socket_info
        assert info.remote_address is None
        with pytest.raises(OSError):
            right.getpeername()


# ---------------------------------------------------------------------------------------------
# Records

def test_records_are_json_ready_and_readable(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        stat = socketstat(client, details=True)
        data = stat.to_dict()
        json.dumps(data)
        assert list(data) == list(SocketStat._fields)
        assert data["connection_info"]["tcpi_state"] == "ESTABLISHED"
        assert data["socket_info"]["soi_rcv"]["sbi_hiwat"] == stat.socket_info.receive_buffer_size
        assert data["socket_info"]["local_address"] == list(client.getsockname())
        text = repr(stat)
        assert text.startswith("SocketStat {") and "TcpConnectionInfo {" in text
        assert "SockbufInfo {" in text and "tcpsi_timer_keep" in text


def test_sockbuf_records_refuse_pickling() -> None:
    # The portable records' error table, construction and pickling are in test_contract.py,
    # which runs here too; SockbufInfo is macOS's own.
    with socket.socket() as sock:
        with pytest.raises(TypeError, match="to_dict"):
            pickle.dumps(socketstat(sock).socket_info.soi_rcv)


def test_not_a_socket_names_the_first_call() -> None:
    # The crate this replaces panicked here; the contract test checks the errno, this the call.
    read, write = os.pipe()
    try:
        with pytest.raises(OSError) as caught:
            socketstat(read)
        assert "originated from getsockopt(SOL_SOCKET, SO_TYPE)" in str(caught.value)
    finally:
        os.close(read)
        os.close(write)
