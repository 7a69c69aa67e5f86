"""Types of socketstat's Linux backend (the compiled socketstat._linux)."""

import enum
import socket
from typing import Any, ClassVar, Protocol, final

from typing_extensions import Buffer, TypeAlias

_Address: TypeAlias = tuple[str, int] | tuple[str, int, int, int] | str | bytes
"""(host, port) for IPv4; (host, port, flowinfo, scope_id) for IPv6; a path (str) or an abstract
name (bytes starting with NUL) for Unix; the raw address bytes for other families."""

class _HasFileno(Protocol):
    def fileno(self) -> int: ...

class TcpState(enum.IntEnum):
    """Linux TCP states (include/net/tcp_states.h)."""
    ESTABLISHED = 1
    SYN_SENT = 2
    SYN_RECV = 3
    FIN_WAIT1 = 4
    FIN_WAIT2 = 5
    TIME_WAIT = 6
    CLOSE = 7
    CLOSE_WAIT = 8
    LAST_ACK = 9
    LISTEN = 10
    CLOSING = 11
    NEW_SYN_RECV = 12
    BOUND_INACTIVE = 13

@final
class TcpInfo:
    """Linux struct tcp_info up to 6.18, in the kernel's units. Members a kernel older than 5.4 did
    not fill are None at run time; members newer than 5.4 are typed Optional."""
    _fields: ClassVar[tuple[str, ...]]
    _derived_fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: TcpInfo records are made by socketstat()."""
    @staticmethod
    def from_bytes(raw: Buffer) -> TcpInfo: ...
    @property
    def length(self) -> int: ...
    @property
    def tcpi_state(self) -> TcpState | int:
        """TCP state (TcpState, Linux numbering)."""
    @property
    def tcpi_ca_state(self) -> int:
        """congestion-avoidance state: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss."""
    @property
    def tcpi_retransmits(self) -> int:
        """RTO retransmits of the current segment."""
    @property
    def tcpi_probes(self) -> int:
        """unanswered zero-window or keepalive probes."""
    @property
    def tcpi_backoff(self) -> int:
        """RTO exponential backoff count."""
    @property
    def tcpi_options(self) -> int:
        """TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 wscale, 8 ECN, 16 ECN seen, 32 SYN data, 64 usec timestamps."""
    @property
    def tcpi_snd_wscale(self) -> int:
        """send window scale shift."""
    @property
    def tcpi_rcv_wscale(self) -> int:
        """receive window scale shift."""
    @property
    def tcpi_delivery_rate_app_limited(self) -> int:
        """1 if tcpi_delivery_rate was measured while application-limited (4.9)."""
    @property
    def tcpi_fastopen_client_fail(self) -> int:
        """TFO client failure reason, TFO_* (5.5; 0 on older kernels)."""
    @property
    def tcpi_rto(self) -> int:
        """retransmission timeout, microseconds."""
    @property
    def tcpi_ato(self) -> int:
        """delayed-ACK timeout, microseconds."""
    @property
    def tcpi_snd_mss(self) -> int:
        """send MSS, bytes."""
    @property
    def tcpi_rcv_mss(self) -> int:
        """receive MSS estimate, bytes."""
    @property
    def tcpi_unacked(self) -> int:
        """segments sent and not acknowledged (LISTEN: accept queue length)."""
    @property
    def tcpi_sacked(self) -> int:
        """segments SACKed (LISTEN: accept queue limit)."""
    @property
    def tcpi_lost(self) -> int:
        """segments presumed lost."""
    @property
    def tcpi_retrans(self) -> int:
        """segments retransmitted and not yet acknowledged."""
    @property
    def tcpi_fackets(self) -> int:
        """unused since 4.15, always 0."""
    @property
    def tcpi_last_data_sent(self) -> int:
        """milliseconds since data was last sent."""
    @property
    def tcpi_last_ack_sent(self) -> int:
        """not kept by the kernel, always 0."""
    @property
    def tcpi_last_data_recv(self) -> int:
        """milliseconds since data was last received."""
    @property
    def tcpi_last_ack_recv(self) -> int:
        """milliseconds since an ACK was last received."""
    @property
    def tcpi_pmtu(self) -> int:
        """path MTU, bytes."""
    @property
    def tcpi_rcv_ssthresh(self) -> int:
        """receive slow-start threshold (window clamp), bytes."""
    @property
    def tcpi_rtt(self) -> int:
        """smoothed RTT, microseconds."""
    @property
    def tcpi_rttvar(self) -> int:
        """RTT mean deviation, microseconds."""
    @property
    def tcpi_snd_ssthresh(self) -> int:
        """slow-start threshold, segments (>= 0xFFFF: infinite)."""
    @property
    def tcpi_snd_cwnd(self) -> int:
        """congestion window, segments."""
    @property
    def tcpi_advmss(self) -> int:
        """advertised MSS, bytes."""
    @property
    def tcpi_reordering(self) -> int:
        """reordering metric, segments."""
    @property
    def tcpi_rcv_rtt(self) -> int:
        """receiver-side RTT estimate, microseconds."""
    @property
    def tcpi_rcv_space(self) -> int:
        """receive buffer space estimate, bytes."""
    @property
    def tcpi_total_retrans(self) -> int:
        """segments retransmitted over the connection's life."""
    @property
    def tcpi_pacing_rate(self) -> int:
        """pacing rate, bytes/s (2**64-1: unlimited); Linux 3.15."""
    @property
    def tcpi_max_pacing_rate(self) -> int:
        """SO_MAX_PACING_RATE, bytes/s (2**64-1: unlimited); Linux 3.15."""
    @property
    def tcpi_bytes_acked(self) -> int:
        """bytes acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked); Linux 4.1."""
    @property
    def tcpi_bytes_received(self) -> int:
        """bytes received and acknowledged (RFC 4898 tcpEStatsAppHCThruOctetsReceived); Linux 4.1."""
    @property
    def tcpi_segs_out(self) -> int:
        """segments sent, retransmissions and pure ACKs included; Linux 4.2."""
    @property
    def tcpi_segs_in(self) -> int:
        """segments received; Linux 4.2."""
    @property
    def tcpi_notsent_bytes(self) -> int:
        """bytes in the send queue not yet sent; Linux 4.6."""
    @property
    def tcpi_min_rtt(self) -> int:
        """minimum RTT seen, microseconds (2**32-1: none yet); Linux 4.6."""
    @property
    def tcpi_data_segs_in(self) -> int:
        """segments received carrying data; Linux 4.6."""
    @property
    def tcpi_data_segs_out(self) -> int:
        """segments sent carrying data, retransmissions included; Linux 4.6."""
    @property
    def tcpi_delivery_rate(self) -> int:
        """most recent delivery rate sample, bytes/s; Linux 4.9."""
    @property
    def tcpi_busy_time(self) -> int:
        """time busy sending data, microseconds; Linux 4.10."""
    @property
    def tcpi_rwnd_limited(self) -> int:
        """time limited by the peer's receive window, microseconds; Linux 4.10."""
    @property
    def tcpi_sndbuf_limited(self) -> int:
        """time limited by the send buffer, microseconds; Linux 4.10."""
    @property
    def tcpi_delivered(self) -> int:
        """segments delivered, out-of-order ones included; Linux 4.18."""
    @property
    def tcpi_delivered_ce(self) -> int:
        """segments delivered with an ECN CE mark; Linux 4.18."""
    @property
    def tcpi_bytes_sent(self) -> int:
        """bytes sent, retransmissions included (RFC 4898 tcpEStatsPerfHCDataOctetsOut); Linux 4.19."""
    @property
    def tcpi_bytes_retrans(self) -> int:
        """bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans); Linux 4.19."""
    @property
    def tcpi_dsack_dups(self) -> int:
        """DSACK blocks received (RFC 4898 tcpEStatsStackDSACKDups); Linux 4.19."""
    @property
    def tcpi_reord_seen(self) -> int:
        """reordering events seen; Linux 4.19."""
    @property
    def tcpi_rcv_ooopack(self) -> int:
        """out-of-order segments received; Linux 5.4."""
    @property
    def tcpi_snd_wnd(self) -> int:
        """peer's advertised receive window after scaling, bytes; Linux 5.4."""
    @property
    def tcpi_rcv_wnd(self) -> int | None:
        """our advertised receive window after scaling, bytes; Linux 6.2."""
    @property
    def tcpi_rehash(self) -> int | None:
        """PLB or timeout triggered rehash attempts; Linux 6.2."""
    @property
    def tcpi_total_rto(self) -> int | None:
        """RTO timeouts over the connection's life; Linux 6.7."""
    @property
    def tcpi_total_rto_recoveries(self) -> int | None:
        """RTO recoveries, an unfinished one included; Linux 6.7."""
    @property
    def tcpi_total_rto_time(self) -> int | None:
        """time spent in RTO recoveries, milliseconds; Linux 6.7."""
    @property
    def tcpi_received_ce(self) -> int | None:
        """segments received with an ECN CE mark; Linux 6.18."""
    @property
    def tcpi_delivered_e1_bytes(self) -> int | None:
        """AccECN: payload bytes delivered with ECT(1); Linux 6.18."""
    @property
    def tcpi_delivered_e0_bytes(self) -> int | None:
        """AccECN: payload bytes delivered with ECT(0); Linux 6.18."""
    @property
    def tcpi_delivered_ce_bytes(self) -> int | None:
        """AccECN: payload bytes delivered with CE; Linux 6.18."""
    @property
    def tcpi_received_e1_bytes(self) -> int | None:
        """AccECN: payload bytes received with ECT(1); Linux 6.18."""
    @property
    def tcpi_received_e0_bytes(self) -> int | None:
        """AccECN: payload bytes received with ECT(0); Linux 6.18."""
    @property
    def tcpi_received_ce_bytes(self) -> int | None:
        """AccECN: payload bytes received with CE; Linux 6.18."""
    @property
    def tcpi_accecn_fail_mode(self) -> int | None:
        """AccECN failure bits, TCP_ACCECN_*_FAIL_* (6.18; None on 7.0+, whose layout differs); Linux 6.18."""
    @property
    def tcpi_accecn_opt_seen(self) -> int | None:
        """AccECN option seen: 0 not, 1 empty, 2 counter, 3 fail (6.18; None on 7.0+); Linux 6.18."""
    @property
    def state(self) -> TcpState | int: ...
    @property
    def rtt(self) -> float: ...
    @property
    def rtt_variance(self) -> float: ...
    @property
    def rto(self) -> float: ...
    @property
    def mss(self) -> int: ...
    @property
    def congestion_window(self) -> int: ...
    @property
    def retransmissions(self) -> int: ...
    @property
    def bytes_sent(self) -> int: ...
    @property
    def bytes_received(self) -> int: ...
    @property
    def bytes_acked(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class MemInfo:
    """getsockopt(SO_MEMINFO), bytes (include/uapi/linux/sock_diag.h)."""
    _fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: MemInfo records are made by socketstat()."""
    @property
    def rmem_alloc(self) -> int: ...
    @property
    def rcvbuf(self) -> int: ...
    @property
    def wmem_alloc(self) -> int: ...
    @property
    def sndbuf(self) -> int: ...
    @property
    def fwd_alloc(self) -> int: ...
    @property
    def wmem_queued(self) -> int: ...
    @property
    def optmem(self) -> int: ...
    @property
    def backlog(self) -> int: ...
    @property
    def drops(self) -> int | None: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SocketInfo:
    """The socket's identity; with details=True also its cookie, inode, memory and TCP congestion
    control (None otherwise, and None where they do not apply)."""
    _fields: ClassVar[tuple[str, ...]]
    _derived_fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: SocketInfo records are made by socketstat()."""
    @property
    def family(self) -> socket.AddressFamily | int: ...
    @property
    def type(self) -> socket.SocketKind | int: ...
    @property
    def protocol(self) -> int: ...
    @property
    def local_address(self) -> _Address: ...
    @property
    def remote_address(self) -> _Address | None: ...
    @property
    def inode(self) -> int | None: ...
    @property
    def cookie(self) -> int | None: ...
    @property
    def congestion_control(self) -> str | None: ...
    @property
    def meminfo(self) -> MemInfo | None: ...
    @property
    def receive_buffer_size(self) -> int | None: ...
    @property
    def send_buffer_size(self) -> int | None: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SocketStat:
    """Everything the kernel reports about one socket, read by one socketstat() call."""
    _fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: SocketStat records are made by socketstat()."""
    @property
    def unreceived(self) -> int:
        """Bytes waiting to be read (SIOCINQ); a datagram socket's next datagram; 0 when listening."""
    @property
    def unsent(self) -> int:
        """Bytes sent or queued and not yet acknowledged (SIOCOUTQ); 0 when listening."""
    @property
    def not_yet_sent(self) -> int | None:
        """TCP: bytes queued and never transmitted (tcpi_notsent_bytes = SIOCOUTQNSD)."""
    @property
    def accept_queue(self) -> int | None:
        """Listening TCP socket: connections waiting for accept()."""
    @property
    def accept_queue_limit(self) -> int | None:
        """Listening TCP socket: the listen() backlog."""
    @property
    def connection_info(self) -> TcpInfo | None:
        """struct tcp_info for TCP sockets; None for every other kind."""
    @property
    def socket_info(self) -> SocketInfo: ...
    def to_dict(self) -> dict[str, Any]: ...

def socketstat(fd: int | _HasFileno, *, details: bool = False) -> SocketStat:
    """Everything the kernel reports about one socket."""

def tcp_info(fd: int | _HasFileno) -> TcpInfo:
    """Only struct tcp_info: one getsockopt(TCP_INFO). OSError for a socket that is not TCP."""

@final
class Sample:
    """One moment of a Sampler's socket; refilled in place by the second sample() after it."""
    _fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: Sample records are made by Sampler.sample()."""
    @property
    def monotonic(self) -> float: ...
    @property
    def unreceived(self) -> int: ...
    @property
    def unsent(self) -> int: ...
    @property
    def not_yet_sent(self) -> int | None: ...
    @property
    def connection_info(self) -> TcpInfo | None: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SampleDelta:
    """What changed between a Sampler's two newest samples."""
    _fields: ClassVar[tuple[str, ...]]
    _derived_fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: SampleDelta records are made by Sampler.delta()."""
    @property
    def elapsed(self) -> float: ...
    @property
    def bytes_acked(self) -> int: ...
    @property
    def bytes_sent(self) -> int: ...
    @property
    def bytes_received(self) -> int: ...
    @property
    def bytes_retransmitted(self) -> int: ...
    @property
    def segments_out(self) -> int: ...
    @property
    def segments_in(self) -> int: ...
    @property
    def segments_retransmitted(self) -> int: ...
    @property
    def delivery_rate(self) -> float | None: ...
    @property
    def send_rate(self) -> float | None: ...
    @property
    def receive_rate(self) -> float | None: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Sampler:
    """Re-reads one socket's changing state at the cost of its syscalls alone."""
    def __init__(self, fd: int | _HasFileno) -> None: ...
    @property
    def socket_info(self) -> SocketInfo: ...
    @property
    def current(self) -> Sample | None: ...
    @property
    def previous(self) -> Sample | None: ...
    def sample(self) -> Sample: ...
    def delta(self) -> SampleDelta: ...
