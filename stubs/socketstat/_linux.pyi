# Generated from socketstat/codegen/_linux.pyi.in and the field tables by render.py: do not edit.
"""Types of socketstat's Linux backend (the compiled socketstat._linux)."""

import enum
import ipaddress
import os
from typing import Iterable, Iterator, Literal, final

from typing_extensions import Buffer

from socketstat._common import SocketOwner, TcpState
from socketstat._contract import (
    PortableConnectionInfo,
    PortableRecord,
    PortableSocketInfo,
    PortableSocketStat,
)
from socketstat._contract import Socketlike as _Socketlike

class LinuxTcpState(enum.IntEnum):
    """Linux's TCP state numbers (include/net/tcp_states.h): the raw ``tcpi_state``."""
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
class TcpInfo(PortableConnectionInfo):
    """Linux ``struct tcp_info`` (include/uapi/linux/tcp.h, up to 6.18), in the kernel's units.

    Members the running kernel did not fill (it is older than the member) are None. The portable
    view (``state``, ``rtt``, ...) gives the common figures in seconds and bytes.
    """
    @staticmethod
    def from_bytes(raw: Buffer) -> TcpInfo:
        """A TcpInfo from the bytes of a ``struct tcp_info`` prefix, e.g. what
        ``sock.getsockopt(IPPROTO_TCP, TCP_INFO, 512)`` returned: at least the 232 bytes of Linux
        5.4, the oldest layout supported (ValueError otherwise); members beyond it are None.
        ``raw`` is bytes, a bytearray or a one-dimensional contiguous buffer of unsigned bytes;
        another item type or shape is a ValueError, a non-contiguous view a BufferError."""
    @property
    def length(self) -> int:
        """Bytes of struct tcp_info the kernel filled (104 on 2.6, 232 on 5.4, 280 on 6.18)."""
    @property
    def tcpi_state(self) -> LinuxTcpState | int:
        """TCP state, Linux numbering (LinuxTcpState; an unknown number stays an int)."""
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
        """TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 wscale, 8 ECN, 16 ECN seen, 32 SYN data, 64
        usec timestamps."""
    @property
    def tcpi_snd_wscale(self) -> int:
        """send window scale shift (4-bit field)."""
    @property
    def tcpi_rcv_wscale(self) -> int:
        """receive window scale shift (4-bit field)."""
    @property
    def tcpi_delivery_rate_app_limited(self) -> int:
        """1 if tcpi_delivery_rate was measured while application-limited (1-bit field, Linux 4.9;
        0 before)."""
    @property
    def tcpi_fastopen_client_fail(self) -> int:
        """TFO client failure reason, TFO_* (2-bit field, Linux 5.5; 0 before)."""
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
        """time since data was last sent, milliseconds."""
    @property
    def tcpi_last_ack_sent(self) -> int:
        """not kept by the kernel, always 0."""
    @property
    def tcpi_last_data_recv(self) -> int:
        """time since data was last received, milliseconds."""
    @property
    def tcpi_last_ack_recv(self) -> int:
        """time since an ACK was last received, milliseconds."""
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
        """slow-start threshold (>= 0xFFFF: infinite), segments."""
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
        """pacing rate (2**64-1: unlimited), bytes/s; Linux 3.15."""
    @property
    def tcpi_max_pacing_rate(self) -> int:
        """SO_MAX_PACING_RATE (2**64-1: unlimited), bytes/s; Linux 3.15."""
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
        """minimum RTT seen (2**32-1: none yet), microseconds; Linux 4.6."""
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
        """bytes sent, retransmissions included (RFC 4898 tcpEStatsPerfHCDataOctetsOut); Linux
        4.19."""
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
        """AccECN failure bits, TCP_ACCECN_*_FAIL_* (a 4-bit field from 7.0); Linux 6.18."""
    @property
    def tcpi_accecn_opt_seen(self) -> int | None:
        """AccECN option seen: 0 not, 1 empty, 2 counter, 3 fail (a 2-bit field from 7.0); Linux
        6.18."""
    @property
    def tcpi_ecn_mode(self) -> int | None:
        """ECN mode: 0 disabled, 1 RFC 3168, 2 AccECN, 3 pending (2-bit field); Linux 7.0."""
    @property
    def tcpi_options2(self) -> int | None:
        """more TCPI_OPTION2_* bits (24-bit field); Linux 7.0."""

@final
class MemInfo(PortableRecord):
    """``getsockopt(SO_MEMINFO)``: the socket's memory accounting (include/uapi/linux/sock_diag.h, ``SK_MEMINFO_*``); ss(8) prints it as ``skmem:(r,rb,t,tb,f,w,o,bl,d)``."""
    @property
    def rmem_alloc(self) -> int:
        """allocated to received data not yet read (ss r), bytes."""
    @property
    def rcvbuf(self) -> int:
        """receive buffer size, SO_RCVBUF (ss rb), bytes."""
    @property
    def wmem_alloc(self) -> int:
        """allocated to data handed to the device and not yet freed (ss t), bytes."""
    @property
    def sndbuf(self) -> int:
        """send buffer size, SO_SNDBUF (ss tb), bytes."""
    @property
    def fwd_alloc(self) -> int:
        """memory reserved ahead for the socket (ss f), bytes."""
    @property
    def wmem_queued(self) -> int:
        """queued in the send queue (ss w), bytes."""
    @property
    def optmem(self) -> int:
        """option memory: filters, multicast lists (ss o), bytes."""
    @property
    def backlog(self) -> int:
        """in the backlog queue, received while the socket was locked (ss bl), bytes."""
    @property
    def drops(self) -> int | None:
        """packets dropped before reaching the socket's queue (ss d), packets; Linux 4.9."""

@final
class SocketInfo(PortableSocketInfo):
    """The socket's identity and, with ``details=True``, its settings and memory."""
    @property
    def inode(self) -> int | None:
        """the socket's inode number (ss ino, /proc/net/*, the socket:[N] of /proc/<pid>/fd); None
        for a socket no file holds (TIME_WAIT, request and orphaned sockets)."""
    @property
    def cookie(self) -> int | None:
        """SO_COOKIE: the kernel's unique id for this socket, never reused while it runs (ss sk,
        sock_diag)."""
    @property
    def uid(self) -> int | None:
        """the user that created the socket (ss uid); from fstat() with details=True, idiag_uid or
        UNIX_DIAG_UID in a listing (None for TIME_WAIT and request sockets)."""
    @property
    def congestion_control(self) -> str | None:
        """the TCP congestion control algorithm's name (TCP_CONGESTION, INET_DIAG_CONG); TCP and
        details=True only."""
    @property
    def meminfo(self) -> MemInfo | None:
        """the socket's memory accounting (SO_MEMINFO, INET_DIAG_SKMEMINFO); details=True only."""
    @property
    def cgroup_id(self) -> int | None:
        """the cgroup v2 id of the socket's creator (the cgroup directory's inode); listings only,
        Linux 5.8 (INET_DIAG_CGROUP_ID)."""
    @property
    def shutdown(self) -> int | None:
        """shutdown(2) so far: 1 receiving shut (RCV_SHUTDOWN), 2 sending shut (SEND_SHUTDOWN), 3
        both; listings only."""
    @property
    def timer(self) -> str | None:
        """the TCP timer running: 'retransmit', 'keepalive', 'time_wait' or 'zero_window_probe' (ss
        timer); None when none runs; TCP listings only."""
    @property
    def timer_expires(self) -> float | None:
        """time until that timer fires (idiag_expires, millisecond resolution), seconds."""
    @property
    def timer_retransmits(self) -> int | None:
        """retransmissions (or probes, for the keepalive and zero-window timers) sent while that
        timer ran (idiag_retrans)."""
    @property
    def peer_inode(self) -> int | None:
        """the inode of the connected peer socket; Unix sockets in a listing only (UNIX_DIAG_PEER)."""
    @property
    def processes(self) -> tuple[SocketOwner, ...] | None:
        """every process file descriptor holding the socket, as found in /proc/<pid>/fd; only from
        sockets(processes=True) or sockets(pid=...), else None; empty when none the caller may
        inspect holds it."""

@final
class SocketStat(PortableSocketStat):
    """Everything the kernel reports about one socket, read by one call to socketstat() or listed by sockets()."""
    @property
    def connection_info(self) -> TcpInfo | None: ...
    @property
    def socket_info(self) -> SocketInfo: ...
    @property
    def receive_queue_memory(self) -> int | None:
        """receive-buffer memory held by queued datagrams (sock_diag's idiag_rqueue, ss Recv-Q):
        what a listing has for UDP, UDP-Lite, raw and MPTCP sockets instead of unreceived; None
        elsewhere, bytes."""

def socketstat(fd: _Socketlike, *, details: bool = False) -> SocketStat:
    """Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads the socket cookie, inode, SO_MEMINFO and the
    TCP congestion control name (four more syscalls).

    Raises TypeError for an object that is neither, ValueError for a negative fd, OverflowError
    for one beyond a C int, and OSError (EBADF, ENOTSOCK, ...) naming the syscall that failed.
    """

def tcp_info(fd: _Socketlike) -> TcpInfo:
    """Only ``struct tcp_info``: one getsockopt(TCP_INFO), the cheapest full view of a TCP socket.
    Raises OSError (ENOPROTOOPT or EOPNOTSUPP) for a socket that is not TCP, and the same
    TypeError, ValueError, OverflowError and OSError as socketstat() for bad input.
    """

_Kind = Literal["tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "inet", "inet4", "inet6", "unix",
               "all", "mptcp", "raw", "udplite"]
_AddressFilter = (str | ipaddress.IPv4Address | ipaddress.IPv6Address | ipaddress.IPv4Network
                 | ipaddress.IPv6Network)

class Listing(list[SocketStat]):
    """The sockets one sockets() call listed, in the order the kernel gave them.

    ``skipped`` names each listing the kernel could not give (its sock_diag module is absent,
    say) with the error it answered; asking for that listing alone raises the error instead.
    """

    skipped: dict[str, OSError]

    def __init__(self, records: Iterable[SocketStat] = (),
                 skipped: dict[str, OSError] | None = None) -> None: ...

def sockets(kind: _Kind = "inet", *, states: Iterable[TcpState] | None = None,
            local_port: int | None = None, remote_port: int | None = None,
            local_address: _AddressFilter | None = None,
            remote_address: _AddressFilter | None = None, pid: int | None = None,
            processes: bool = False, details: bool = False,
            netns: str | bytes | os.PathLike[str] | os.PathLike[bytes] | int | None = None,
            ) -> Listing:
    """Every socket of a kind in this network namespace, from the kernel's sock_diag tables:
    a Listing (a list) of the SocketStat records socketstat(fd) returns, with the sockets' TCP
    statistics, queues, cookies, inodes and owners' uids, de-duplicated by cookie.

    ``kind``: "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "inet" (TCP and UDP), "inet4",
    "inet6", "unix", "mptcp", "raw", "udplite" or "all". A listing the kernel cannot give (its
    module is absent) is left out and named in the result's ``skipped``, unless nothing could be
    listed, which raises its OSError.

    The kernel applies ``states`` (TcpState members; UDP, raw and Unix sockets count as
    ESTABLISHED when connected, CLOSED when not, LISTEN when listening; None lists what ss -a
    lists, every state but bound-only TCP sockets, which a set holding CLOSED asks for: the
    kernel (6.8+) then walks its bind table too), ``local_port`` and
    ``remote_port``, and ``local_address`` and ``remote_address`` (an address or a prefix,
    "10.0.0.0/8", "::1"; an IPv4 one also matches v4-mapped IPv6 sockets) before it copies a
    socket; a Unix socket never matches a port or address. ``pid`` keeps only that process's
    sockets; ``processes=True`` names every process fd holding each socket (a walk of /proc that
    costs more than the listing). ``details=True`` adds the memory accounting and the congestion
    control's name. ``netns`` (a path such as /proc/<pid>/ns/net or /run/netns/NAME, or an open
    fd of one) lists that network namespace instead (CAP_SYS_ADMIN over it).

    Raises TypeError or ValueError for a bad argument before any syscall, ProcessLookupError for
    a ``pid`` that does not exist, and OSError naming the call that failed.
    """

def _listed_delta(later: SocketStat, earlier: SocketStat, elapsed: float) -> SampleDelta | None:
    """The SampleDelta between two listings' records of one connection (the same cookie), or
    None when either has no tcp_info (a TIME_WAIT or request socket, or not TCP)."""

def _json_text(records: list[SocketStat], lines: bool) -> bytes:
    """The records' to_json() texts as one ASCII bytes object, written into one buffer: one per
    line (each line ended) when ``lines``, else comma-separated (a JSON list's inside). What the
    command's --json and --ndjson write, without a str per record or a decode and re-encode."""

@final
class _DestroyedSockets:
    """A subscription to the TCP destroy groups, read without blocking by drain()."""
    def __init__(self, netns: str | bytes | os.PathLike[str] | os.PathLike[bytes] | int | None = None,
                 ) -> None: ...
    def drain(self) -> tuple[list[SocketStat], bool]:
        """(the final SocketStat of each TCP socket freed since the last call, whether some were
        lost because the socket's buffer overflowed meanwhile)."""
    def close(self) -> None: ...

@final
class Sample(PortableRecord):
    """One moment of a Sampler's socket. Its storage belongs to the Sampler and is refilled in place: a Sample stays valid until the second sample() after the one that returned it (use to_dict() to keep one)."""
    @property
    def monotonic(self) -> float:
        """when the sample was taken: CLOCK_MONOTONIC, the clock of time.monotonic(), seconds."""
    @property
    def unreceived(self) -> int:
        """bytes waiting to be read, as SocketStat.unreceived, bytes."""
    @property
    def unsent(self) -> int:
        """bytes not yet acknowledged, as SocketStat.unsent, bytes."""
    @property
    def not_yet_sent(self) -> int | None:
        """bytes queued and never transmitted (TCP), as SocketStat.not_yet_sent, bytes."""
    @property
    def connection_info(self) -> TcpInfo | None:
        """the TCP connection's state; None for a socket that is not TCP."""

@final
class SampleDelta(PortableRecord):
    """What changed between two samples: counters' differences and the interval's rates."""
    @property
    def elapsed(self) -> float:
        """time between the two samples, seconds."""
    @property
    def bytes_acked(self) -> int:
        """bytes acknowledged by the peer in the interval, bytes."""
    @property
    def bytes_sent(self) -> int:
        """bytes sent in the interval, retransmissions included, bytes."""
    @property
    def bytes_received(self) -> int:
        """bytes received in the interval, bytes."""
    @property
    def bytes_retransmitted(self) -> int:
        """bytes retransmitted in the interval, bytes."""
    @property
    def segments_out(self) -> int:
        """segments sent in the interval, retransmissions and pure ACKs included, segments."""
    @property
    def segments_in(self) -> int:
        """segments received in the interval, segments."""
    @property
    def segments_retransmitted(self) -> int:
        """segments retransmitted in the interval, segments."""
    @property
    def delivery_rate(self) -> float | None:
        """bytes acknowledged per second over the interval, bytes/s."""
    @property
    def send_rate(self) -> float | None:
        """bytes sent (retransmissions included) per second over the interval, bytes/s."""
    @property
    def receive_rate(self) -> float | None:
        """bytes received per second over the interval, bytes/s."""

@final
class Sampler:
    """Re-reads one socket's changing state at the cost of its syscalls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only getsockopt(TCP_INFO) (TCP sockets),
    ioctl(SIOCINQ) and ioctl(SIOCOUTQ) into storage allocated here, and allocates nothing.
    The Sampler keeps a reference to ``fd`` when it is an object, so a socket passed in is not
    closed under it; an int fd must stay open (and not be reused) while the Sampler is used.
    Threads may share a Sampler: sample() and delta() are atomic with respect to each other, but
    a Sample is refilled in place by the second sample() after it, whichever thread calls it.
    """
    def __init__(self, fd: _Socketlike) -> None: ...
    @property
    def socket_info(self) -> SocketInfo:
        """The socket's identity, read once by the constructor."""
    @property
    def current(self) -> Sample | None:
        """The newest Sample, or None before the first sample()."""
    @property
    def previous(self) -> Sample | None:
        """The Sample before the newest, or None before the second sample()."""
    def sample(self) -> Sample:
        """Refill the older of the Sampler's two Samples with the socket's state now, and return it.
        Raises OSError naming the syscall that failed (EBADF once the fd is closed), and
        SocketChangedError when the answers show the fd now names another socket."""
    def delta(self) -> SampleDelta:
        """The difference between the two newest samples. Raises ValueError before two samples and
        for a socket that is not TCP (only TCP keeps the counters), and SocketChangedError when a
        byte counter went backwards: the fd names another socket now."""

class GroupStatus(enum.IntEnum):
    """What a SamplerGroup holds for a member: the values of a GroupSample's or GroupDelta's ``status`` column."""
    OK = 0
    FAILED = 1
    CHANGED = 2
    NOT_SAMPLED = 3
    NOT_TCP = 4

@final
class Column(Buffer):
    """One figure of every member of a SamplerGroup: a read-only, contiguous C array exported
    through the buffer protocol (``memoryview(column)``, ``numpy.asarray(column)``: no copy),
    one item per member, in the group's order. Its ``format`` is the struct module's native
    code: B uint8, H uint16, I uint32, Q uint64, i int32, q int64, d double. While a buffer of
    any column is exported, the group refuses add() and remove() (BufferError)."""
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def end(self) -> int | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def format(self) -> str:
        """The items' format code (the struct module's native syntax)."""
    @property
    def itemsize(self) -> int:
        """Bytes per item."""
    def __len__(self) -> int: ...

@final
class GroupSample:
    """The newest sample of every member of a SamplerGroup, one Column per figure, indexed as
    the group's members (``SamplerGroup.index()``); ``sample[i]`` is member i's Sample (a
    copy), or raises its error. Refilled in place by every ``sample()``: the group returns
    this same object each time."""
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Sample:
        """Member ``index``'s Sample, a copy of its row: raises its OSError or
        SocketChangedError when its read failed, ValueError before its first sample, and
        IndexError past the members."""
    @property
    def columns(self) -> tuple[Column, ...]:
        """Every Column, in storage order (each one's ``name`` is its attribute)."""
    @property
    def status(self) -> Column:
        """GroupStatus: OK, FAILED, CHANGED or NOT_SAMPLED; the other columns of a member not OK
        are absent [format 'B', uint8_t]."""
    @property
    def errno(self) -> Column:
        """the errno of the member's failed syscall (FAILED, CHANGED), else 0 [format 'i', int]."""
    @property
    def monotonic_ns(self) -> Column:
        """when the member was read: CLOCK_MONOTONIC, the clock of time.monotonic_ns() [format 'q',
        int64_t], nanoseconds."""
    @property
    def unreceived(self) -> Column:
        """bytes waiting to be read, as Sample.unreceived (ioctl SIOCINQ; 0 when listening) [format
        'i', int], bytes."""
    @property
    def unsent(self) -> Column:
        """bytes not yet acknowledged, as Sample.unsent (ioctl SIOCOUTQ; 0 when listening) [format
        'i', int], bytes."""
    @property
    def listening(self) -> Column:
        """1 for a listening socket, whose queues read 0 (a TCP listener's accept queue is
        tcpi_unacked, its limit tcpi_sacked) [format 'B', uint8_t]."""
    @property
    def length(self) -> Column:
        """bytes of struct tcp_info the kernel returned; 0 for a member that is not TCP or not OK.
        A tcpi_* column's value is present where length >= its Column.end [format 'I', uint32_t],
        bytes."""
    @property
    def tcpi_state(self) -> Column:
        """TCP state, Linux numbering (LinuxTcpState's values) [format 'B', uint8_t]."""
    @property
    def tcpi_ca_state(self) -> Column:
        """congestion-avoidance state: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss [format 'B',
        uint8_t]."""
    @property
    def tcpi_retransmits(self) -> Column:
        """RTO retransmits of the current segment [format 'B', uint8_t]."""
    @property
    def tcpi_probes(self) -> Column:
        """unanswered zero-window or keepalive probes [format 'B', uint8_t]."""
    @property
    def tcpi_backoff(self) -> Column:
        """RTO exponential backoff count [format 'B', uint8_t]."""
    @property
    def tcpi_options(self) -> Column:
        """TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 wscale, 8 ECN, 16 ECN seen, 32 SYN data, 64
        usec timestamps [format 'B', uint8_t]."""
    @property
    def tcpi_snd_wscale(self) -> Column:
        """send window scale shift (4-bit field) [format 'B', uint8_t]."""
    @property
    def tcpi_rcv_wscale(self) -> Column:
        """receive window scale shift (4-bit field) [format 'B', uint8_t]."""
    @property
    def tcpi_delivery_rate_app_limited(self) -> Column:
        """1 if tcpi_delivery_rate was measured while application-limited (1-bit field, Linux 4.9;
        0 before) [format 'B', uint8_t]."""
    @property
    def tcpi_fastopen_client_fail(self) -> Column:
        """TFO client failure reason, TFO_* (2-bit field, Linux 5.5; 0 before) [format 'B',
        uint8_t]."""
    @property
    def tcpi_rto(self) -> Column:
        """retransmission timeout [format 'I', uint32_t], microseconds."""
    @property
    def tcpi_ato(self) -> Column:
        """delayed-ACK timeout [format 'I', uint32_t], microseconds."""
    @property
    def tcpi_snd_mss(self) -> Column:
        """send MSS [format 'I', uint32_t], bytes."""
    @property
    def tcpi_rcv_mss(self) -> Column:
        """receive MSS estimate [format 'I', uint32_t], bytes."""
    @property
    def tcpi_unacked(self) -> Column:
        """segments sent and not acknowledged (LISTEN: accept queue length) [format 'I', uint32_t]."""
    @property
    def tcpi_sacked(self) -> Column:
        """segments SACKed (LISTEN: accept queue limit) [format 'I', uint32_t]."""
    @property
    def tcpi_lost(self) -> Column:
        """segments presumed lost [format 'I', uint32_t]."""
    @property
    def tcpi_retrans(self) -> Column:
        """segments retransmitted and not yet acknowledged [format 'I', uint32_t]."""
    @property
    def tcpi_fackets(self) -> Column:
        """unused since 4.15, always 0 [format 'I', uint32_t]."""
    @property
    def tcpi_last_data_sent(self) -> Column:
        """time since data was last sent [format 'I', uint32_t], milliseconds."""
    @property
    def tcpi_last_ack_sent(self) -> Column:
        """not kept by the kernel, always 0 [format 'I', uint32_t]."""
    @property
    def tcpi_last_data_recv(self) -> Column:
        """time since data was last received [format 'I', uint32_t], milliseconds."""
    @property
    def tcpi_last_ack_recv(self) -> Column:
        """time since an ACK was last received [format 'I', uint32_t], milliseconds."""
    @property
    def tcpi_pmtu(self) -> Column:
        """path MTU [format 'I', uint32_t], bytes."""
    @property
    def tcpi_rcv_ssthresh(self) -> Column:
        """receive slow-start threshold (window clamp) [format 'I', uint32_t], bytes."""
    @property
    def tcpi_rtt(self) -> Column:
        """smoothed RTT [format 'I', uint32_t], microseconds."""
    @property
    def tcpi_rttvar(self) -> Column:
        """RTT mean deviation [format 'I', uint32_t], microseconds."""
    @property
    def tcpi_snd_ssthresh(self) -> Column:
        """slow-start threshold (>= 0xFFFF: infinite) [format 'I', uint32_t], segments."""
    @property
    def tcpi_snd_cwnd(self) -> Column:
        """congestion window [format 'I', uint32_t], segments."""
    @property
    def tcpi_advmss(self) -> Column:
        """advertised MSS [format 'I', uint32_t], bytes."""
    @property
    def tcpi_reordering(self) -> Column:
        """reordering metric [format 'I', uint32_t], segments."""
    @property
    def tcpi_rcv_rtt(self) -> Column:
        """receiver-side RTT estimate [format 'I', uint32_t], microseconds."""
    @property
    def tcpi_rcv_space(self) -> Column:
        """receive buffer space estimate [format 'I', uint32_t], bytes."""
    @property
    def tcpi_total_retrans(self) -> Column:
        """segments retransmitted over the connection's life [format 'I', uint32_t]."""
    @property
    def tcpi_pacing_rate(self) -> Column:
        """pacing rate (2**64-1: unlimited) [format 'Q', uint64_t], bytes/s; Linux 3.15."""
    @property
    def tcpi_max_pacing_rate(self) -> Column:
        """SO_MAX_PACING_RATE (2**64-1: unlimited) [format 'Q', uint64_t], bytes/s; Linux 3.15."""
    @property
    def tcpi_bytes_acked(self) -> Column:
        """bytes acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked) [format 'Q',
        uint64_t]; Linux 4.1."""
    @property
    def tcpi_bytes_received(self) -> Column:
        """bytes received and acknowledged (RFC 4898 tcpEStatsAppHCThruOctetsReceived) [format 'Q',
        uint64_t]; Linux 4.1."""
    @property
    def tcpi_segs_out(self) -> Column:
        """segments sent, retransmissions and pure ACKs included [format 'I', uint32_t]; Linux 4.2."""
    @property
    def tcpi_segs_in(self) -> Column:
        """segments received [format 'I', uint32_t]; Linux 4.2."""
    @property
    def tcpi_notsent_bytes(self) -> Column:
        """bytes in the send queue not yet sent [format 'I', uint32_t]; Linux 4.6."""
    @property
    def tcpi_min_rtt(self) -> Column:
        """minimum RTT seen (2**32-1: none yet) [format 'I', uint32_t], microseconds; Linux 4.6."""
    @property
    def tcpi_data_segs_in(self) -> Column:
        """segments received carrying data [format 'I', uint32_t]; Linux 4.6."""
    @property
    def tcpi_data_segs_out(self) -> Column:
        """segments sent carrying data, retransmissions included [format 'I', uint32_t]; Linux 4.6."""
    @property
    def tcpi_delivery_rate(self) -> Column:
        """most recent delivery rate sample [format 'Q', uint64_t], bytes/s; Linux 4.9."""
    @property
    def tcpi_busy_time(self) -> Column:
        """time busy sending data [format 'Q', uint64_t], microseconds; Linux 4.10."""
    @property
    def tcpi_rwnd_limited(self) -> Column:
        """time limited by the peer's receive window [format 'Q', uint64_t], microseconds; Linux
        4.10."""
    @property
    def tcpi_sndbuf_limited(self) -> Column:
        """time limited by the send buffer [format 'Q', uint64_t], microseconds; Linux 4.10."""
    @property
    def tcpi_delivered(self) -> Column:
        """segments delivered, out-of-order ones included [format 'I', uint32_t]; Linux 4.18."""
    @property
    def tcpi_delivered_ce(self) -> Column:
        """segments delivered with an ECN CE mark [format 'I', uint32_t]; Linux 4.18."""
    @property
    def tcpi_bytes_sent(self) -> Column:
        """bytes sent, retransmissions included (RFC 4898 tcpEStatsPerfHCDataOctetsOut) [format
        'Q', uint64_t]; Linux 4.19."""
    @property
    def tcpi_bytes_retrans(self) -> Column:
        """bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans) [format 'Q', uint64_t]; Linux
        4.19."""
    @property
    def tcpi_dsack_dups(self) -> Column:
        """DSACK blocks received (RFC 4898 tcpEStatsStackDSACKDups) [format 'I', uint32_t]; Linux
        4.19."""
    @property
    def tcpi_reord_seen(self) -> Column:
        """reordering events seen [format 'I', uint32_t]; Linux 4.19."""
    @property
    def tcpi_rcv_ooopack(self) -> Column:
        """out-of-order segments received [format 'I', uint32_t]; Linux 5.4."""
    @property
    def tcpi_snd_wnd(self) -> Column:
        """peer's advertised receive window after scaling [format 'I', uint32_t], bytes; Linux 5.4."""
    @property
    def tcpi_rcv_wnd(self) -> Column:
        """our advertised receive window after scaling [format 'I', uint32_t], bytes; Linux 6.2."""
    @property
    def tcpi_rehash(self) -> Column:
        """PLB or timeout triggered rehash attempts [format 'I', uint32_t]; Linux 6.2."""
    @property
    def tcpi_total_rto(self) -> Column:
        """RTO timeouts over the connection's life [format 'H', uint16_t]; Linux 6.7."""
    @property
    def tcpi_total_rto_recoveries(self) -> Column:
        """RTO recoveries, an unfinished one included [format 'H', uint16_t]; Linux 6.7."""
    @property
    def tcpi_total_rto_time(self) -> Column:
        """time spent in RTO recoveries [format 'I', uint32_t], milliseconds; Linux 6.7."""
    @property
    def tcpi_received_ce(self) -> Column:
        """segments received with an ECN CE mark [format 'I', uint32_t]; Linux 6.18."""
    @property
    def tcpi_delivered_e1_bytes(self) -> Column:
        """AccECN: payload bytes delivered with ECT(1) [format 'I', uint32_t]; Linux 6.18."""
    @property
    def tcpi_delivered_e0_bytes(self) -> Column:
        """AccECN: payload bytes delivered with ECT(0) [format 'I', uint32_t]; Linux 6.18."""
    @property
    def tcpi_delivered_ce_bytes(self) -> Column:
        """AccECN: payload bytes delivered with CE [format 'I', uint32_t]; Linux 6.18."""
    @property
    def tcpi_received_e1_bytes(self) -> Column:
        """AccECN: payload bytes received with ECT(1) [format 'I', uint32_t]; Linux 6.18."""
    @property
    def tcpi_received_e0_bytes(self) -> Column:
        """AccECN: payload bytes received with ECT(0) [format 'I', uint32_t]; Linux 6.18."""
    @property
    def tcpi_received_ce_bytes(self) -> Column:
        """AccECN: payload bytes received with CE [format 'I', uint32_t]; Linux 6.18."""
    @property
    def tcpi_accecn_fail_mode(self) -> Column:
        """AccECN failure bits, TCP_ACCECN_*_FAIL_* (a 4-bit field from 7.0) [format 'H',
        uint16_t]; Linux 6.18."""
    @property
    def tcpi_accecn_opt_seen(self) -> Column:
        """AccECN option seen: 0 not, 1 empty, 2 counter, 3 fail (a 2-bit field from 7.0) [format
        'H', uint16_t]; Linux 6.18."""
    @property
    def tcpi_ecn_mode(self) -> Column:
        """ECN mode: 0 disabled, 1 RFC 3168, 2 AccECN, 3 pending (2-bit field) [format 'I',
        uint32_t]; Linux 7.0."""
    @property
    def tcpi_options2(self) -> Column:
        """more TCPI_OPTION2_* bits (24-bit field) [format 'I', uint32_t]; Linux 7.0."""

@final
class GroupDelta:
    """What changed for every member between the group's two newest samples, one Column per
    figure, indexed as the group's members; ``delta[i]`` is member i's SampleDelta (built from
    the columns), or raises why it has none. Refilled in place by every ``delta()``."""
    def __init__(self, *args: object, **kwargs: object) -> None: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> SampleDelta:
        """Member ``index``'s SampleDelta: raises its OSError or SocketChangedError (its newest
        sample failed, or a byte counter went backwards), ValueError when it has no delta (not
        TCP, or fewer than two samples), and IndexError past the members."""
    @property
    def columns(self) -> tuple[Column, ...]:
        """Every Column, in storage order (each one's ``name`` is its attribute)."""
    @property
    def status(self) -> Column:
        """GroupStatus: OK, FAILED or CHANGED (the newest sample's, or a counter went backwards),
        NOT_SAMPLED, NOT_TCP [format 'B', uint8_t]."""
    @property
    def errno(self) -> Column:
        """the errno of the newest sample's failed syscall (FAILED, CHANGED), else 0 [format 'i',
        int]."""
    @property
    def elapsed(self) -> Column:
        """time between the two samples; NaN where the status is not OK [format 'd', double],
        seconds."""
    @property
    def bytes_acked(self) -> Column:
        """bytes acknowledged by the peer in the interval; 0 where the status is not OK [format
        'Q', uint64_t], bytes."""
    @property
    def bytes_sent(self) -> Column:
        """bytes sent in the interval, retransmissions included; 0 where the status is not OK
        [format 'Q', uint64_t], bytes."""
    @property
    def bytes_received(self) -> Column:
        """bytes received in the interval; 0 where the status is not OK [format 'Q', uint64_t],
        bytes."""
    @property
    def bytes_retransmitted(self) -> Column:
        """bytes retransmitted in the interval; 0 where the status is not OK [format 'Q',
        uint64_t], bytes."""
    @property
    def segments_out(self) -> Column:
        """segments sent in the interval, retransmissions and pure ACKs included; 0 where the
        status is not OK [format 'I', uint32_t], segments."""
    @property
    def segments_in(self) -> Column:
        """segments received in the interval; 0 where the status is not OK [format 'I', uint32_t],
        segments."""
    @property
    def segments_retransmitted(self) -> Column:
        """segments retransmitted in the interval; 0 where the status is not OK [format 'I',
        uint32_t], segments."""
    @property
    def delivery_rate(self) -> Column:
        """bytes acknowledged per second over the interval; NaN where the status is not OK [format
        'd', double], bytes/s."""
    @property
    def send_rate(self) -> Column:
        """bytes sent (retransmissions included) per second over the interval; NaN where the status
        is not OK [format 'd', double], bytes/s."""
    @property
    def receive_rate(self) -> Column:
        """bytes received per second over the interval; NaN where the status is not OK [format 'd',
        double], bytes/s."""

@final
class SamplerGroup:
    """Samples many sockets at once: one C loop over the members, issuing for each exactly the
    syscalls Sampler.sample() issues (Sampler says which), into storage allocated when members
    are added; sample() allocates nothing. The results are columns (GroupSample, GroupDelta):
    one contiguous C array per figure, read through the buffer protocol without a copy, plus a
    record per member.

    Members are int fds, objects with ``fileno()`` or event loops' streams (kept referenced,
    so a socket is not closed under the group; an int fd must stay open and not be reused).
    Each one's identity is read once, by the socketstat() call add() makes. A member whose
    read fails (its fd was closed, or now names another socket) is marked in the status and
    errno columns, and the others are read. remove() moves the last member into the removed
    one's place.

    While a buffer of any column is exported (a memoryview or NumPy array of it is alive),
    add() and remove() raise BufferError: release the views first. Threads may share a group:
    every method is atomic with respect to the others (a critical section on the group, as
    for Sampler); the GIL is held through the loop.
    """
    def __init__(self, socks: Iterable[_Socketlike] = ()) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_Socketlike]:
        """The members as they were added (an fd or the object), in column order."""
    def __contains__(self, sock: object, /) -> bool: ...
    def index(self, sock: _Socketlike) -> int:
        """Where a member's values are in the columns; KeyError if it is not a member."""
    def socket_info(self, sock: _Socketlike) -> SocketInfo:
        """A member's identity, read once by add()."""
    def add(self, sock: _Socketlike) -> None:
        """Add a socket (an int fd or an object with fileno()): reads its identity now and
        allocates its storage. Raises what socketstat(sock) raises for a bad fd (TypeError,
        ValueError, OSError), ValueError if its fd is already a member, and BufferError while
        a column is viewed; the group is unchanged then."""
    def remove(self, sock: _Socketlike) -> None:
        """Remove a member, by the object or fd it was added as (or its fd): KeyError if it is
        not one, BufferError while a column is viewed. The last member takes its place."""
    def sample(self) -> GroupSample:
        """Read every member now into the older of the group's two samples, and return the
        GroupSample (the same object every time, refilled in place). A member whose read
        failed is marked (status FAILED or CHANGED, errno), never raised."""
    @property
    def current(self) -> GroupSample | None:
        """The GroupSample, or None before the first sample()."""
    def delta(self) -> GroupDelta:
        """Compute, for every member, what changed between its two newest samples, and return
        the GroupDelta (the same object every time, refilled in place). Raises ValueError
        before two sample() calls; a member without a delta is marked in the status column."""
