"""What users write on Windows; must pass mypy --strict --platform win32 against the installed
stubs: TCP_INFO's raw members by their <mstcpip.h> names, Optional where only TCP_INFO_v1 has
them."""

import socket

from socketstat import (
    ConnectionInfo,
    Sampler,
    SocketStat,
    TcpInfo,
    TcpState,
    WindowsTcpState,
    socketstat,
    tcp_info,
)


def queues(sock: socket.socket) -> tuple[int | None, int | None]:
    stat: SocketStat = socketstat(sock)
    return stat.unreceived, stat.unsent  # unsent: always None on Windows


def rtt_ms(fd: int) -> float | None:
    info = socketstat(fd).connection_info
    if info is None:
        return None
    rtt_us: int = info.RttUs
    min_rtt_us: int = info.MinRttUs
    assert rtt_us >= min_rtt_us >= 0
    return info.rtt * 1000


def established(info: TcpInfo) -> bool:
    raw: WindowsTcpState | int = info.State
    return raw == WindowsTcpState.ESTABLISHED and info.state is TcpState.ESTABLISHED


def same_connection_types(info: TcpInfo) -> ConnectionInfo:
    return info  # ConnectionInfo is TcpInfo on Windows


def receiver_limited_ms(info: TcpInfo) -> int:
    limited = info.SndLimTimeRwin  # TCP_INFO_v1 (Windows 10 1809): Optional
    return 0 if limited is None else limited


def in_flight(sock: socket.socket) -> tuple[int, int, bool, int]:
    info = tcp_info(sock)
    flight: int = info.BytesInFlight
    version: int = info.version
    timestamps: bool = info.TimestampsEnabled
    parsed = TcpInfo.from_bytes(bytes(88))
    return flight, version, timestamps, parsed.length


def retransmitted_bytes(sock: socket.socket) -> int:
    sampler = Sampler(sock)
    sampler.sample()
    sampler.sample()
    delta = sampler.delta()
    sent: int = delta.bytes_sent
    retransmitted: int = delta.bytes_retransmitted
    assert delta.segments_out is None and delta.bytes_acked is None
    return retransmitted * 100 // max(sent, 1)


def provider(sock: socket.socket) -> str:
    return socketstat(sock).socket_info.szProtocol
