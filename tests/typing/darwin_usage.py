"""What users write on macOS; must pass mypy --strict --platform darwin against the installed stubs."""

import json
import socket

from socketstat import (
    Column,
    ConnectionInfo,
    DarwinTcpState,
    GroupStatus,
    SamplerGroup,
    SockbufInfo,
    SocketStat,
    TcpConnectionFlags,
    TcpConnectionInfo,
    TcpConnectionOptions,
    TcpState,
    socketstat,
)


def queues(sock: socket.socket) -> tuple[int | None, int | None]:
    stat: SocketStat = socketstat(sock)
    return stat.unreceived, stat.unsent  # unsent: None for a Unix datagram socket


def rtt_ms(fd: int) -> float | None:
    info = socketstat(fd).connection_info
    if info is None:
        return None
    srtt_ms: int = info.tcpi_srtt
    wscale: int = info.tcpi_snd_wscale
    assert srtt_ms >= 0 and wscale >= 0
    return info.rtt * 1000


def rto_or_idle(info: TcpConnectionInfo) -> str:
    rto = info.rto  # None while the retransmit timer is not armed
    return "idle" if rto is None else f"{rto:.3f} s ({info.tcpi_rto} ms)"


def same_connection_types(info: TcpConnectionInfo) -> ConnectionInfo:
    return info  # ConnectionInfo is TcpConnectionInfo on macOS


def retransmitted(info: TcpConnectionInfo) -> int:
    packets = info.tcpi_txretransmitpackets  # macOS 10.13: Optional
    return 0 if packets is None else packets


def uses_sack(info: TcpConnectionInfo) -> bool:
    # None in a record sockets() listed: the tcpcb does not hold them.
    if info.tcpi_flags is None or info.tcpi_options is None:
        return False
    recovering = TcpConnectionFlags.LOSSRECOVERY in TcpConnectionFlags(info.tcpi_flags)
    return bool(info.tcpi_options & TcpConnectionOptions.SACK) and not recovering


def cookie_requested(info: TcpConnectionInfo) -> bool:
    proxy = info.tcpi_tfo_onebyte_proxy  # macOS 10.13 and not listed: Optional
    return info.tcpi_tfo_cookie_req is True and proxy is not True


def established(info: TcpConnectionInfo) -> bool:
    # The portable state by name; the raw member in macOS's numbering.
    portable: TcpState | None = info.state
    raw: DarwinTcpState | int = info.tcpi_state
    return portable is TcpState.ESTABLISHED and raw == DarwinTcpState.ESTABLISHED


def is_listening(sock: socket.socket) -> bool:
    stat = socketstat(sock)
    return stat.socket_info.tcpsi_state == DarwinTcpState.LISTEN and stat.accept_queue is not None


def backlog(sock: socket.socket) -> int:
    limit = socketstat(sock).accept_queue_limit
    return -1 if limit is None else limit


def peer_port(sock: socket.socket) -> int | None:
    address = socketstat(sock).socket_info.remote_address
    if isinstance(address, tuple):
        return address[1]
    return None


def receive_queue(sock: socket.socket) -> int:
    buffer: SockbufInfo = socketstat(sock).socket_info.soi_rcv
    flags: int = buffer.sbi_flags
    assert flags >= 0
    return buffer.sbi_cc


def buffer_sizes(sock: socket.socket) -> tuple[int | None, int | None]:
    info = socketstat(sock).socket_info
    return info.receive_buffer_size, info.send_buffer_size


def from_raw(sock: socket.socket) -> TcpConnectionInfo:
    return TcpConnectionInfo.from_bytes(sock.getsockopt(socket.IPPROTO_TCP, 0x106, 512))


def dump(sock: socket.socket) -> str:
    stat = socketstat(sock, details=True)
    first = stat.socket_info.readable_bytes
    return json.dumps([stat.to_dict(), repr(stat.socket_info.local_address), first])


def retransmitting(socks: list[socket.socket]) -> list[int]:
    group = SamplerGroup(socks)
    group.sample()
    batch = group.sample()
    column: Column = batch.tcpi_txretransmitpackets
    present = [length >= (column.end or 0) for length in memoryview(batch.length)]
    delta = group.delta()
    acked: None = delta.bytes_acked            # macOS counts no acknowledged bytes
    assert acked is None and delta.delivery_rate is None
    status = memoryview(delta.status)
    retransmitted = memoryview(delta.segments_retransmitted)
    unix = [i for i, known in enumerate(memoryview(batch.has_unsent)) if not known]
    print(unix)
    return [i for i in range(len(group)) if status[i] == GroupStatus.OK and present[i]
            and retransmitted[i] > 0]
