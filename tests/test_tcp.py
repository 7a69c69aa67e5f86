"""TCP over IPv4 and IPv6: every figure against an independent source (raw getsockopt bytes at
the uapi offsets, the socket module, fcntl.ioctl, and ss from iproute2)."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import socket
import struct
import sys
import termios

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the Linux backend: TCP against raw tcp_info bytes, ioctl and ss", allow_module_level=True)

from conftest import fill_until_blocked, settle, ss_line, tcp_connection
from socketstat import LinuxTcpState, SocketStat, TcpInfo, TcpState, socketstat, tcp_info
from uapi_tcp_info import SIZE, SIZES_BY_RELEASE, decode


SIOCINQ = termios.FIONREAD
SIOCOUTQ = termios.TIOCOUTQ
SIOCOUTQNSD = 0x894B  # include/uapi/linux/sockios.h

KERNEL = tuple(int(part) for part in re.findall(r"\d+", os.uname().release)[:2])
MEMBERS = [name for name in TcpInfo._fields if name.startswith("tcpi_")]

# Members that move on their own between two reads of an idle connection (timers, pacing).
MOVING = {"tcpi_last_data_sent", "tcpi_last_data_recv", "tcpi_last_ack_recv", "tcpi_pacing_rate",
          "tcpi_busy_time", "tcpi_rwnd_limited", "tcpi_sndbuf_limited", "tcpi_rto", "tcpi_ato"}


def raw_tcp_info(sock: socket.socket) -> bytes:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 512)


def ioctl_int(sock: socket.socket, request: int) -> int:
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), request, b"\0" * 4))[0]  # type: ignore[no-any-return]


def test_the_kernel_fills_a_layout_socketstat_knows() -> None:
    # Any supported kernel (5.4 on) fills at least 232 bytes, and one of the sizes the struct has
    # had; socketstat reports the prefix it got, capped at the layout it declares.
    with socket.socket() as sock:
        raw = raw_tcp_info(sock)
        assert len(raw) >= SIZES_BY_RELEASE["5.4"]
        assert len(raw) in SIZES_BY_RELEASE.values() or len(raw) > SIZE
        assert tcp_info(sock).length == min(len(raw), SIZE)


def test_from_bytes_reads_every_member_at_its_uapi_offset(tcp: tuple[socket.socket, ...]) -> None:
    _, client, _ = tcp
    client.sendall(b"hello")
    raw = raw_tcp_info(client)
    record = TcpInfo.from_bytes(raw)
    expected = decode(raw, KERNEL)
    assert {name: getattr(record, name) for name in MEMBERS} == {
        name: expected[name] for name in MEMBERS}
    assert record.length == len(raw)


def test_from_bytes_with_random_bytes_matches_the_independent_decoder() -> None:
    # Live sockets leave most members 0; random bytes make a misplaced member visible.
    raw = os.urandom(SIZE)
    record = TcpInfo.from_bytes(raw)
    expected = decode(raw, KERNEL)
    for name in MEMBERS:
        assert getattr(record, name) == expected[name], name


SUPPORTED = {release: length for release, length in SIZES_BY_RELEASE.items() if length >= 232}


@pytest.mark.parametrize("release, length", sorted(SUPPORTED.items()))
def test_members_an_older_kernel_did_not_fill_are_none(release: str, length: int) -> None:
    raw = os.urandom(SIZE)
    record = TcpInfo.from_bytes(raw[:length])
    expected = decode(raw[:length], KERNEL)
    assert record.length == length
    for name in MEMBERS:
        value = getattr(record, name)
        if expected[name] is None:
            assert value is None, f"{name} should be None with {length} bytes ({release})"
        else:
            assert value == expected[name], name


@pytest.mark.parametrize("length", [0, 1, 103, 104, 192, 231])
def test_from_bytes_refuses_layouts_older_than_the_oldest_supported_kernel(length: int) -> None:
    # Members a 5.4 kernel fills are typed int: a shorter struct cannot keep that promise.
    with pytest.raises(ValueError, match="Linux 5.4"):
        TcpInfo.from_bytes(bytes(length))


def test_from_bytes_refuses_none() -> None:
    with pytest.raises(TypeError):
        TcpInfo.from_bytes(None)  # type: ignore[arg-type]


def test_from_bytes_of_more_than_the_struct_keeps_the_known_prefix() -> None:
    raw = os.urandom(SIZE + 40)
    assert TcpInfo.from_bytes(raw).length == SIZE


def test_live_tcp_info_matches_raw_getsockopt(tcp: tuple[socket.socket, ...]) -> None:
    _, client, server = tcp
    client.sendall(b"a" * 1000)
    server.recv(1000)
    server.sendall(b"b" * 500)
    client.recv(500)

    def both() -> tuple[dict[str, object], dict[str, object]]:
        ours = socketstat(client).connection_info
        assert ours is not None
        theirs = decode(raw_tcp_info(client), KERNEL)
        return ({n: getattr(ours, n) for n in MEMBERS if n not in MOVING},
                {n: theirs[n] for n in MEMBERS if n not in MOVING})

    ours, theirs = settle(both)
    assert ours == theirs
    assert ours["tcpi_bytes_acked"] == 1001  # 1000 bytes and the SYN
    assert ours["tcpi_bytes_received"] == 500


def test_states_and_peer_close(tcp: tuple[socket.socket, ...]) -> None:
    listener, client, server = tcp
    assert socketstat(client).connection_info.tcpi_state is LinuxTcpState.ESTABLISHED  # type: ignore[union-attr]
    assert socketstat(server).connection_info.state is TcpState.ESTABLISHED  # type: ignore[union-attr]
    assert socketstat(listener).connection_info.state is TcpState.LISTEN  # type: ignore[union-attr]
    client.sendall(b"bye")
    client.shutdown(socket.SHUT_WR)
    # The server end sees the FIN: CLOSE_WAIT, with the peer's bytes still unread.
    stat = settle(lambda: (socketstat(server).connection_info.state, socketstat(server).unreceived))  # type: ignore[union-attr]
    assert stat == (TcpState.CLOSE_WAIT, 3)
    # The FIN's ACK may be delayed: FIN_WAIT1 or FIN_WAIT2, whichever ss(8) sees too.
    state, raw_state, ss_state = settle(lambda: (
        socketstat(client).connection_info.state,  # type: ignore[union-attr]
        socketstat(client).connection_info.tcpi_state,  # type: ignore[union-attr]
        ss_line(client).split()[0]))
    assert (state, raw_state, ss_state) in [
        (TcpState.FIN_WAIT_1, LinuxTcpState.FIN_WAIT1, "FIN-WAIT-1"),
        (TcpState.FIN_WAIT_2, LinuxTcpState.FIN_WAIT2, "FIN-WAIT-2")]
    assert ss_line(server).split()[0] == "CLOSE-WAIT"
    peer = socketstat(server).socket_info.remote_address
    assert peer == server.getpeername()


def test_addresses_match_the_socket_module(tcp: tuple[socket.socket, ...], family: socket.AddressFamily) -> None:
    listener, client, server = tcp
    for sock in (client, server):
        info = socketstat(sock).socket_info
        assert info.family is family
        assert info.type is socket.SOCK_STREAM
        assert info.protocol == socket.IPPROTO_TCP
        assert info.local_address == sock.getsockname()
        assert info.remote_address == sock.getpeername()
    listening = socketstat(listener)
    assert listening.socket_info.local_address == listener.getsockname()
    assert listening.socket_info.remote_address is None


def test_unconnected_tcp_socket(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        stat = socketstat(sock)
        assert stat.connection_info is not None
        assert stat.connection_info.state is TcpState.CLOSED
        assert stat.connection_info.tcpi_state is LinuxTcpState.CLOSE
        assert stat.socket_info.remote_address is None
        assert stat.socket_info.local_address == sock.getsockname()
        assert (stat.unreceived, stat.unsent, stat.not_yet_sent) == (0, 0, 0)
        assert stat.accept_queue is None


def test_listening_socket_reports_its_accept_queue(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        # SIOCINQ really does fail on a listener: socketstat must not pass that on.
        with pytest.raises(OSError):
            ioctl_int(listener, SIOCINQ)
        waiting = [socket.create_connection(listener.getsockname()[:2]) for _ in range(3)]
        try:
            stat = settle(lambda: socketstat(listener).accept_queue)
            assert stat == 3
            full = socketstat(listener)
            assert full.accept_queue_limit == 7
            assert (full.unreceived, full.unsent) == (0, 0)
            assert full.connection_info is not None
            assert full.connection_info.tcpi_unacked == 3
            assert socketstat(client).accept_queue is None
        finally:
            for sock in waiting:
                sock.close()


def test_queues_against_ioctl_and_ss_after_a_transfer_the_peer_does_not_read(
        family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family, receive_buffer=16384)
    with listener, client, server:
        sent = fill_until_blocked(client)
        assert sent > 0

        # ss is read inside the settling loop: on a loaded machine the send queue still moves
        # after two reads agree, so a later ss could see another moment.
        def queues() -> tuple[int | None, int | None, int | None, int, int, int, list[str],
                              list[str]]:
            sender, receiver = socketstat(client), socketstat(server)
            return (sender.unsent, receiver.unreceived, sender.not_yet_sent,
                    ioctl_int(client, SIOCOUTQ), ioctl_int(server, SIOCINQ),
                    ioctl_int(client, SIOCOUTQNSD),
                    ss_line(server).split()[1:3], ss_line(client).split()[1:3])

        unsent, unreceived, not_yet_sent, outq, inq, outqnsd, server_ss, client_ss = settle(queues)
        assert unsent is not None
        assert unsent == outq > 0
        assert unreceived == inq > 0
        assert not_yet_sent == outqnsd
        # Everything the client sent is unread at the server or unacknowledged, or both (the
        # receiver may hold bytes whose ACK the sender has not yet processed).
        assert unsent <= sent and unreceived <= sent and unsent + unreceived >= sent

        assert server_ss == [str(unreceived), "0"]
        assert client_ss == ["0", str(unsent)]


def ss_field(line: str, name: str) -> str:
    match = re.search(rf"(?:^|\s){re.escape(name)}:(\S+)", line)
    assert match, f"{name} not in {line}"
    return match.group(1)


def test_tcp_figures_against_ss(tcp: tuple[socket.socket, ...]) -> None:
    _, client, server = tcp
    client.sendall(b"x" * 20000)
    server.recv(65536)

    def read() -> tuple[SocketStat, str]:
        return socketstat(client, details=True), ss_line(client)

    def stable() -> tuple[object, ...]:
        stat, line = read()
        info = stat.connection_info
        assert info is not None
        return (info.tcpi_snd_cwnd, info.tcpi_snd_mss, info.tcpi_rtt, info.tcpi_rttvar,
                info.tcpi_bytes_acked, info.tcpi_segs_out, line.split(" rtt:")[1].split()[0])

    settle(stable)
    stat, line = read()
    info = stat.connection_info
    assert info is not None
    assert int(ss_field(line, "cwnd")) == info.tcpi_snd_cwnd
    assert int(ss_field(line, "mss")) == info.tcpi_snd_mss
    rtt, rttvar = ss_field(line, "rtt").split("/")
    assert float(rtt) == pytest.approx(info.tcpi_rtt / 1000)
    assert float(rttvar) == pytest.approx(info.tcpi_rttvar / 1000)
    assert int(ss_field(line, "bytes_acked")) == info.tcpi_bytes_acked
    assert int(ss_field(line, "segs_out")) == info.tcpi_segs_out
    assert int(ss_field(line, "bytes_sent")) == info.tcpi_bytes_sent
    assert int(ss_field(line, "ino")) == stat.socket_info.inode
    assert int(ss_field(line, "sk"), 16) == stat.socket_info.cookie
    assert f" {stat.socket_info.congestion_control} " in f" {line} "
    skmem = dict(re.findall(r"([a-z]+)(\d+)", ss_field(line, "skmem").strip("()")))
    meminfo = stat.socket_info.meminfo
    assert meminfo is not None
    assert int(skmem["rb"]) == meminfo.rcvbuf == client.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    assert int(skmem["tb"]) == meminfo.sndbuf == client.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)


def test_inode_and_cookie_match_fstat_and_so_cookie(tcp: tuple[socket.socket, ...]) -> None:
    _, client, _ = tcp
    info = socketstat(client, details=True).socket_info
    assert info.inode == os.fstat(client.fileno()).st_ino
    SO_COOKIE = 57  # include/uapi/asm-generic/socket.h
    assert info.cookie == struct.unpack("Q", client.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]
    assert info.congestion_control == client.getsockopt(
        socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode()
    plain = socketstat(client).socket_info
    assert (plain.inode, plain.cookie, plain.congestion_control, plain.meminfo) == (None,) * 4


def test_portable_view_units(tcp: tuple[socket.socket, ...]) -> None:
    _, client, server = tcp
    client.sendall(b"z" * 3000)
    server.recv(3000)
    settle(lambda: tcp_info(client).bytes_acked)
    record = tcp_info(client)
    info = record.to_dict()
    assert record.rtt == pytest.approx(record.tcpi_rtt / 1e6)
    assert record.rtt_variance == pytest.approx(record.tcpi_rttvar / 1e6)
    assert record.rto == pytest.approx(record.tcpi_rto / 1e6)
    assert record.mss == record.tcpi_snd_mss
    assert record.congestion_window == record.tcpi_snd_cwnd * record.tcpi_snd_mss
    assert record.retransmissions == record.tcpi_total_retrans
    assert (record.bytes_sent, record.bytes_received, record.bytes_acked) == (
        record.tcpi_bytes_sent, record.tcpi_bytes_received, record.tcpi_bytes_acked)
    assert info["state"] == "ESTABLISHED"
    assert info["bytes_sent"] == 3000


def test_tcp_info_alone_refuses_a_socket_that_is_not_tcp() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        with pytest.raises(OSError, match=r"TCP_INFO") as caught:
            tcp_info(udp)
        assert caught.value.errno in (errno.EOPNOTSUPP, errno.ENOPROTOOPT)


def test_ipv4_mapped_ipv6_addresses_match_the_socket_module() -> None:
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listener.bind(("::", 0))
        listener.listen()
        with socket.create_connection(("127.0.0.1", listener.getsockname()[1])) as client:
            server, _ = listener.accept()
            with server:
                info = socketstat(server).socket_info
                assert info.local_address == server.getsockname()
                assert info.remote_address == server.getpeername()
                assert info.remote_address[0] == "::ffff:127.0.0.1"  # type: ignore[index]
                assert socketstat(listener).socket_info.local_address == listener.getsockname()


def test_mptcp_sockets_report_their_tcp_info() -> None:
    try:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP)
    except OSError as error:  # net.mptcp.enabled=0, or a kernel built without MPTCP
        pytest.skip(f"this kernel refuses MPTCP sockets: {error}")
    with listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_MPTCP) as client:
            client.connect(listener.getsockname())
            server, _ = listener.accept()
            with server:
                client.sendall(b"m" * 1234)
                settle(lambda: socketstat(server).unreceived)
                stat = socketstat(server)
                assert stat.socket_info.protocol == socket.IPPROTO_MPTCP
                assert stat.unreceived == ioctl_int(server, SIOCINQ) == 1234
                assert stat.connection_info is not None
                assert stat.connection_info.state is TcpState.ESTABLISHED
                assert stat.connection_info.tcpi_bytes_received == decode(raw_tcp_info(server), KERNEL)[
                    "tcpi_bytes_received"] == 1234
                assert stat.socket_info.remote_address == server.getpeername()
                assert socketstat(listener).accept_queue == 0
