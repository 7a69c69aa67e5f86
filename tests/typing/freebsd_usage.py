"""The FreeBSD backend's own records as users write them: must pass mypy --strict --platform
freebsd (tests/test_typing_freebsd.py). The portable contract is in portable_usage.py."""

import socket

from socketstat import (
    FreeBSDTcpState, Sampler, SocketInfo, TcpInfo, TcpInfoOptions, socketstat, tcp_info,
)


def describe(info: TcpInfo) -> dict[str, object]:
    state: FreeBSDTcpState | int = info.tcpi_state
    options = TcpInfoOptions(info.tcpi_options)
    rtt_us: int = info.tcpi_rtt
    cwnd: int = info.tcpi_snd_cwnd
    retransmitted: int = info.tcpi_snd_rexmitpack
    # Members FreeBSD 14.0 added in the padding are None from an older kernel.
    una: int | None = info.tcpi_snd_una
    tlp_bytes: int | None = info.tcpi_total_tlp_bytes
    flight = None if una is None or info.tcpi_snd_max is None else (info.tcpi_snd_max - una) % 2**32
    return {"state": state, "sack": TcpInfoOptions.SACK in options, "rtt_us": rtt_us,
            "cwnd": cwnd, "retransmitted": retransmitted, "flight": flight,
            "tlp_bytes": tlp_bytes, "length": info.length, "raw": info.to_dict()}


def queues(identity: SocketInfo) -> tuple[int | None, int | None, int | None, int | None]:
    return (identity.listen_queue_length, identity.listen_incomplete_queue_length,
            identity.listen_queue_limit, identity.send_space)


with socket.socket() as sock:
    stat = socketstat(sock, details=True)
    if stat.connection_info is not None:
        print(describe(stat.connection_info))
    print(queues(stat.socket_info), describe(tcp_info(sock)),
          TcpInfo.from_bytes(sock.getsockopt(socket.IPPROTO_TCP, 32, 256)).tcpi_state)
    sampler = Sampler(sock)
    sampler.sample()
    sampler.sample()
    delta = sampler.delta()
    acked: int | None = delta.sequence_acked
    received: int = delta.sequence_received
    retransmitted_now: int = delta.segments_retransmitted
    print(acked, received, retransmitted_now, delta.tail_loss_probes)
