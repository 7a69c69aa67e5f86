"""Listing every socket and sampling many at once, as users write it: must pass mypy --strict on
the platforms that have sockets() and SamplerGroup (Linux and macOS)."""

import socket

from socketstat import Column, GroupStatus, SamplerGroup, TcpState, sockets


def listening_ports() -> list[tuple[int, int | None]]:
    """Every TCP listener's port and accept queue, on any platform that lists."""
    ports: list[tuple[int, int | None]] = []
    listing = sockets("tcp", states={TcpState.LISTEN}, local_address="127.0.0.0/8")
    for stat in listing:
        local = stat.socket_info.local_address
        if isinstance(local, tuple):
            ports.append((local[1], stat.accept_queue))
    skipped: dict[str, OSError] = listing.skipped
    print(skipped, listing[0].to_dict() if listing else None)
    return ports


def group_send_rates(socks: list[socket.socket]) -> list[float]:
    # The columns both platforms have; bytes_acked is a Column on Linux and None on macOS.
    group = SamplerGroup(socks)
    group.sample()
    unsent: Column = group.sample().unsent
    delta = group.delta()
    status = memoryview(delta.status)
    rates = memoryview(delta.send_rate)
    acked: Column | None = delta.bytes_acked
    print(len(memoryview(unsent)), acked is None)
    return [rates[i] for i in range(len(group)) if status[i] == GroupStatus.OK]
