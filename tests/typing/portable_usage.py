"""The whole portable contract, as users write it: must pass mypy --strict on every platform
(the tests run it with --platform linux, darwin, freebsd and win32). Listing every socket and
SamplerGroup, which only Linux and macOS have, are in listing_usage.py."""

import asyncio
import json
import socket

from socketstat import (
    Address, ConnectionInfo, Sampler, SocketInfo, SocketStat, TcpState, socketstat,
)


def describe_connection(info: ConnectionInfo) -> dict[str, object]:
    state: TcpState | None = info.state
    closing = state in (TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSING,
                        TcpState.TIME_WAIT, TcpState.CLOSE_WAIT, TcpState.LAST_ACK)
    rtt: float = info.rtt
    rtt_variance: float | None = info.rtt_variance
    rto: float | None = info.rto
    mss: int = info.mss
    window: int = info.congestion_window
    retransmissions: int | None = info.retransmissions
    sent: int | None = info.bytes_sent
    received: int | None = info.bytes_received
    acked: int | None = info.bytes_acked
    return {"closing": closing, "closed": state is TcpState.CLOSED, "rtt_ms": rtt * 1000,
            "jitter_ms": None if rtt_variance is None else rtt_variance * 1000, "rto": rto, "bdp": window / mss,
            "retransmitted": retransmissions or 0, "sent": sent, "received": received,
            "unacked": None if acked is None or sent is None else sent - acked,
            "raw": info.to_dict()}


def describe_socket(identity: SocketInfo) -> str:
    family: socket.AddressFamily | int = identity.family
    kind: socket.SocketKind | int = identity.type
    protocol: int = identity.protocol
    local: Address | None = identity.local_address
    remote: Address | None = identity.remote_address
    buffers: tuple[int | None, int | None] = (identity.receive_buffer_size,
                                              identity.send_buffer_size)
    return json.dumps([str(family), str(kind), protocol, repr(local), repr(remote), buffers,
                       identity.to_dict()])


def describe(stat: SocketStat) -> dict[str, object]:
    unreceived: int | None = stat.unreceived
    unsent: int | None = stat.unsent
    not_yet_sent: int | None = stat.not_yet_sent
    backlog: tuple[int | None, int | None] = (stat.accept_queue, stat.accept_queue_limit)
    info: ConnectionInfo | None = stat.connection_info
    result: dict[str, object] = {
        "unreceived": unreceived, "unsent": unsent, "not_yet_sent": not_yet_sent,
        "backlog": backlog, "socket": describe_socket(stat.socket_info), "dict": stat.to_dict()}
    if info is not None:
        result["tcp"] = describe_connection(info)
    return result


with socket.socket() as sock:
    print(describe(socketstat(sock)), describe(socketstat(sock.fileno(), details=True)))


async def describe_stream(writer: asyncio.StreamWriter, transport: asyncio.Transport) -> None:
    # An event loop's connection objects name their socket: no fileno() needed.
    print(describe(socketstat(writer)), describe(socketstat(transport)))


def sample_rates(sock: socket.socket) -> tuple[float | None, int | None, int | None]:
    sampler = Sampler(sock)
    first = sampler.sample()
    unreceived: int = first.unreceived
    unsent: int | None = first.unsent
    not_yet_sent: int | None = first.not_yet_sent
    info: ConnectionInfo | None = first.connection_info
    print(unreceived, unsent, not_yet_sent, None if info is None else info.rtt,
          first.monotonic, sampler.socket_info.family, first.to_dict())
    sampler.sample()
    delta = sampler.delta()
    acked: int | None = delta.bytes_acked
    return delta.send_rate, acked, delta.segments_retransmitted
