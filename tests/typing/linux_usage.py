"""What users write; must pass mypy --strict against the installed stubs."""

import json
import socket

from socketstat import (
    Column,
    ConnectionInfo,
    GroupStatus,
    Listing,
    LinuxTcpState,
    Sampler,
    SamplerGroup,
    SocketStat,
    TcpInfo,
    TcpState,
    SocketOwner,
    socketstat,
    sockets,
    tcp_info,
)


def queues(sock: socket.socket) -> tuple[int | None, int | None]:
    stat: SocketStat = socketstat(sock)
    return stat.unreceived, stat.unsent


def rtt_ms(fd: int) -> float | None:
    info = socketstat(fd).connection_info
    if info is None:
        return None
    rtt_us: int = info.tcpi_rtt
    wscale: int = info.tcpi_snd_wscale
    assert rtt_us >= 0 and wscale >= 0
    return info.rtt * 1000


def newest_fields(info: TcpInfo) -> int:
    total = info.tcpi_total_rto  # added in 6.7: Optional
    return 0 if total is None else total


def is_established(sock: socket.socket) -> bool:
    info: ConnectionInfo = tcp_info(sock)  # on Linux the portable name is TcpInfo itself
    return info.state is TcpState.ESTABLISHED and info.tcpi_state == LinuxTcpState.ESTABLISHED


def dump(sock: socket.socket) -> str:
    stat = socketstat(sock, details=True)
    address = stat.socket_info.local_address
    name = stat.socket_info.congestion_control or "-"
    return json.dumps([stat.to_dict(), repr(address), name])


def rates(sock: socket.socket) -> float | None:
    sampler = Sampler(sock)
    sampler.sample()
    sample = sampler.sample()
    unread: int = sample.unreceived
    assert unread >= 0
    return sampler.delta().delivery_rate


def full_send_queues(port: int) -> list[tuple[int, str, int]]:
    listing: Listing = sockets("tcp", states={TcpState.ESTABLISHED}, local_port=port,
                               remote_address="10.0.0.0/8", processes=True)
    skipped: dict[str, OSError] = listing.skipped
    assert not skipped
    found = []
    for stat in listing:
        owners: tuple[SocketOwner, ...] | None = stat.socket_info.processes
        for owner in owners or ():
            found.append((owner.pid, owner.name, stat.unsent or 0))
        cookie: int | None = stat.socket_info.cookie
        assert cookie is None or cookie > 0
    return found


def slow_connections(socks: list[socket.socket]) -> list[int]:
    group = SamplerGroup(socks)
    batch = group.sample()
    column: Column = batch.tcpi_rtt
    rtt = memoryview(column)                   # a Column is a buffer
    status = memoryview(batch.status)
    present = [length >= (column.end or 0) for length in memoryview(batch.length)]
    slow = [i for i, member in enumerate(group) if status[i] == GroupStatus.OK and present[i]
            and rtt[i] > 10_000]
    delta = group.delta()
    rate: float | None = delta[0].delivery_rate
    assert rate is None or rate >= 0 and len(memoryview(delta.bytes_acked)) == len(group)
    return slow
