"""What users write on macOS; must pass mypy --strict --platform darwin against the installed stubs."""

import json
import socket

from socketstat import SocketStat, TcpConnectionInfo, TcpState, socketstat
from socketstat._darwin import SockbufInfo, TcpConnectionFlags, TcpConnectionOptions


def queues(sock: socket.socket) -> tuple[int, int]:
    stat: SocketStat = socketstat(sock)
    return stat.unreceived, stat.unsent


def rtt_ms(fd: int) -> float | None:
    info = socketstat(fd).connection_info
    if info is None:
        return None
    srtt_ms: int = info.tcpi_srtt
    wscale: int = info.tcpi_snd_wscale
    assert srtt_ms >= 0 and wscale >= 0
    return info.rtt * 1000


def retransmitted(info: TcpConnectionInfo) -> int:
    packets = info.tcpi_txretransmitpackets  # macOS 10.13: Optional
    return 0 if packets is None else packets


def uses_sack(info: TcpConnectionInfo) -> bool:
    recovering = TcpConnectionFlags.LOSSRECOVERY in TcpConnectionFlags(info.tcpi_flags)
    return bool(info.tcpi_options & TcpConnectionOptions.SACK) and not recovering


def cookie_requested(info: TcpConnectionInfo) -> bool:
    return info.tcpi_tfo_cookie_req


def is_listening(sock: socket.socket) -> bool:
    stat = socketstat(sock)
    return stat.socket_info.tcpsi_state == TcpState.LISTEN and stat.accept_queue is not None


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
    return buffer.sbi_cc


def dump(sock: socket.socket) -> str:
    stat = socketstat(sock, details=True)
    first = stat.socket_info.readable_bytes
    return json.dumps([stat.to_dict(), repr(stat.socket_info.local_address), first])
