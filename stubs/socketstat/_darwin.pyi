# Generated from socketstat/codegen/_darwin.pyi.in and the field tables by render.py: do not edit.
"""Types of socketstat's macOS backend (the compiled socketstat._darwin)."""

import enum
import ipaddress
from typing import Iterable, Iterator, Literal, final

from typing_extensions import Buffer

from socketstat._common import TcpState
from socketstat._contract import (
    PortableConnectionInfo,
    PortableRecord,
    PortableSocketInfo,
    PortableSocketStat,
)
from socketstat._contract import Socketlike as _Socketlike

class DarwinTcpState(enum.IntEnum):
    """macOS's TCP state numbers: xnu's t_state, the BSD numbering (TSI_S_* in <sys/proc_info.h>):
    the raw ``tcpi_state`` and ``tcpsi_state``."""
    CLOSED = 0
    LISTEN = 1
    SYN_SENT = 2
    SYN_RECEIVED = 3
    ESTABLISHED = 4
    CLOSE_WAIT = 5
    FIN_WAIT_1 = 6
    CLOSING = 7
    LAST_ACK = 8
    FIN_WAIT_2 = 9
    TIME_WAIT = 10

class TcpConnectionOptions(enum.IntFlag):
    """Bits of TcpConnectionInfo.tcpi_options (TCPCI_OPT_* in <netinet/tcp.h>): the options in use.

    ``TcpConnectionOptions(info.tcpi_options)`` names them; tcpi_options itself stays a plain int
    so that to_dict() keeps every bit on every Python version.
    """
    TIMESTAMPS = 1
    SACK = 2
    WSCALE = 4
    ECN = 8

class TcpConnectionFlags(enum.IntFlag):
    """Bits of TcpConnectionInfo.tcpi_flags (TCPCI_FLAG_* in <netinet/tcp.h>)."""
    LOSSRECOVERY = 1
    REORDERING_DETECTED = 2

@final
class TcpConnectionInfo(PortableConnectionInfo):
    """macOS ``struct tcp_connection_info`` (<netinet/tcp.h>), in the kernel's units.

    macOS 10.11 and 10.12 fill 104 bytes; what they did not fill (tcpi_tfo_onebyte_proxy,
    tcpi_txretransmitpackets, both from 10.13) is None. Before macOS 12.3 a LISTEN or CLOSED
    socket gets only tcpi_state; the rest reads 0. The portable view (``state``, ``rtt``, ...)
    gives the common figures in seconds and bytes.
    """
    @staticmethod
    def from_bytes(raw: Buffer) -> TcpConnectionInfo:
        """A TcpConnectionInfo from the bytes of a ``struct tcp_connection_info`` prefix, e.g.
        what ``sock.getsockopt(IPPROTO_TCP, TCP_CONNECTION_INFO, 512)`` returned: at least the
        104 bytes every macOS fills (ValueError otherwise); members beyond it are None."""
    @property
    def length(self) -> int:
        """Bytes of struct tcp_connection_info the kernel filled (104 before macOS 10.13, then 112)."""
    @property
    def tcpi_state(self) -> DarwinTcpState | int:
        """TCP state, BSD numbering (DarwinTcpState; an unknown number stays an int)."""
    @property
    def tcpi_snd_wscale(self) -> int:
        """send window scale shift (0 unless window scaling was negotiated)."""
    @property
    def tcpi_rcv_wscale(self) -> int:
        """receive window scale shift (0 unless window scaling was negotiated)."""
    @property
    def tcpi_options(self) -> int | None:
        """TCPCI_OPT_* bits (TcpConnectionOptions): 1 timestamps, 2 SACK, 4 window scaling, 8 ECN;
        SACK shows on CLOSED and LISTEN sockets too (on until a peer's SYN lacks it)."""
    @property
    def tcpi_flags(self) -> int | None:
        """TCPCI_FLAG_* bits (TcpConnectionFlags): 1 loss recovery (fast recovery or RTO backoff),
        2 reordering detected."""
    @property
    def tcpi_rto(self) -> int:
        """retransmission timeout (0 while the retransmit timer is not armed), milliseconds."""
    @property
    def tcpi_maxseg(self) -> int:
        """maximum segment size, bytes."""
    @property
    def tcpi_snd_ssthresh(self) -> int:
        """slow-start threshold (1073725440, TCP_MAXWIN << 14: not yet set), bytes."""
    @property
    def tcpi_snd_cwnd(self) -> int:
        """congestion window, bytes."""
    @property
    def tcpi_snd_wnd(self) -> int:
        """peer's advertised receive window, bytes."""
    @property
    def tcpi_snd_sbbytes(self) -> int:
        """bytes in the send buffer, sent-but-unacknowledged included (so_snd.sb_cc, what SO_NWRITE
        returns)."""
    @property
    def tcpi_rcv_wnd(self) -> int:
        """receive window still open to the peer (rcv_adv - rcv_nxt; before macOS 12 the receive
        window, rcv_wnd), bytes."""
    @property
    def tcpi_rttcur(self) -> int | None:
        """most recent RTT sample, milliseconds."""
    @property
    def tcpi_srtt(self) -> int:
        """smoothed RTT, milliseconds."""
    @property
    def tcpi_rttvar(self) -> int:
        """RTT variance, milliseconds."""
    @property
    def tcpi_tfo_cookie_req(self) -> bool | None:
        """TFO: a cookie was requested (1-bit field)."""
    @property
    def tcpi_tfo_cookie_rcv(self) -> bool | None:
        """TFO: a cookie was received (1-bit field)."""
    @property
    def tcpi_tfo_syn_loss(self) -> bool | None:
        """TFO: fell back to regular TCP after a SYN loss (1-bit field)."""
    @property
    def tcpi_tfo_syn_data_sent(self) -> bool | None:
        """TFO: SYN with data was sent (1-bit field)."""
    @property
    def tcpi_tfo_syn_data_acked(self) -> bool | None:
        """TFO: the SYN's data was fully acknowledged (1-bit field)."""
    @property
    def tcpi_tfo_syn_data_rcv(self) -> bool | None:
        """TFO: server received SYN with data and a valid cookie (1-bit field)."""
    @property
    def tcpi_tfo_cookie_req_rcv(self) -> bool | None:
        """TFO: server received a cookie request (1-bit field)."""
    @property
    def tcpi_tfo_cookie_sent(self) -> bool | None:
        """TFO: server announced a cookie (1-bit field)."""
    @property
    def tcpi_tfo_cookie_invalid(self) -> bool | None:
        """TFO: server received an invalid cookie (1-bit field)."""
    @property
    def tcpi_tfo_cookie_wrong(self) -> bool | None:
        """TFO: the cookie we sent was wrong (1-bit field); macOS 10.12."""
    @property
    def tcpi_tfo_no_cookie_rcv(self) -> bool | None:
        """TFO: no cookie came back for our request (1-bit field); macOS 10.12."""
    @property
    def tcpi_tfo_heuristics_disable(self) -> bool | None:
        """TFO: disabled by the kernel's heuristics (1-bit field); macOS 10.12."""
    @property
    def tcpi_tfo_send_blackhole(self) -> bool | None:
        """TFO: a sending black hole was detected (1-bit field); macOS 10.12."""
    @property
    def tcpi_tfo_recv_blackhole(self) -> bool | None:
        """TFO: a receiving black hole was detected (1-bit field); macOS 10.12."""
    @property
    def tcpi_tfo_onebyte_proxy(self) -> bool | None:
        """TFO: a proxy acknowledged all but one byte of the SYN (1-bit field); macOS 10.13."""
    @property
    def tcpi_txpackets(self) -> int | None:
        """segments sent carrying data, retransmissions included (pure ACKs, SYN and bare FIN not
        counted)."""
    @property
    def tcpi_txbytes(self) -> int | None:
        """payload bytes sent, retransmissions included."""
    @property
    def tcpi_txretransmitbytes(self) -> int | None:
        """payload bytes retransmitted."""
    @property
    def tcpi_rxpackets(self) -> int | None:
        """segments received carrying data."""
    @property
    def tcpi_rxbytes(self) -> int | None:
        """payload bytes received, duplicates included."""
    @property
    def tcpi_rxoutoforderbytes(self) -> int | None:
        """payload bytes received out of order."""
    @property
    def tcpi_txretransmitpackets(self) -> int | None:
        """data segments retransmitted; macOS 10.13."""

@final
class SockbufInfo(PortableRecord):
    """One socket buffer as proc_pidfdinfo reports it (``struct sockbuf_info``, <sys/proc_info.h>)."""
    @property
    def sbi_cc(self) -> int:
        """bytes queued (sb_cc): the receive buffer's is FIONREAD, the send buffer's SO_NWRITE; a
        datagram's sender address and control data count too."""
    @property
    def sbi_hiwat(self) -> int:
        """buffer size, SO_RCVBUF or SO_SNDBUF (a connected Unix stream's send buffer: SO_SNDBUF
        less what the peer holds), bytes."""
    @property
    def sbi_mbcnt(self) -> int:
        """mbuf memory in use, bytes."""
    @property
    def sbi_mbmax(self) -> int:
        """limit on sbi_mbcnt, bytes."""
    @property
    def sbi_lowat(self) -> int:
        """low-water mark, SO_RCVLOWAT or SO_SNDLOWAT, bytes."""
    @property
    def sbi_flags(self) -> int:
        """SB_* flags, the low 16 bits of sb_flags (kernel-private values; 0x8000 SB_LIMITED)."""
    @property
    def sbi_timeo(self) -> int:
        """SO_RCVTIMEO or SO_SNDTIMEO in clock ticks, 100 a second (0: none; a short: wraps from
        327.68 s)."""

@final
class SocketInfo(PortableSocketInfo):
    """The socket as proc_pidfdinfo(PROC_PIDFDSOCKETINFO) describes it (``struct socket_info``, <sys/proc_info.h>): identity, addresses, queues, both buffers, and per-protocol state.

    ``insi_*`` apply to IPv4 and IPv6 sockets (TCP, UDP, raw), ``tcpsi_*`` to TCP sockets and
    ``unsi_*`` to Unix sockets; each is None where it does not apply.
    """
    @property
    def soi_kind(self) -> int:
        """SOCKINFO_*: which protocol part the kernel filled: 0 generic, 1 IP, 2 TCP, 3 Unix, 4
        NDRV, 5 kernel event, 6 kernel control, 7 vsock."""
    @property
    def soi_so(self) -> int:
        """the socket's kernel address, hashed (VM_KERNEL_ADDRHASH): an identifier, stable for the
        socket's life; a Unix peer's unsi_conn_so."""
    @property
    def soi_pcb(self) -> int:
        """the protocol control block's kernel address, hashed: lsof's DEVICE for Unix and UDP
        sockets; a Unix peer's unsi_conn_pcb."""
    @property
    def soi_options(self) -> int:
        """SO_* option bits set (so_options & 0xffff): 0x2 SO_ACCEPTCONN, 0x4 SO_REUSEADDR, 0x8
        SO_KEEPALIVE, 0x80 SO_LINGER, 0x200 SO_REUSEPORT, 0x8000 SO_WANTOOBFLAG..."""
    @property
    def soi_linger(self) -> int:
        """SO_LINGER time in clock ticks (100 a second)."""
    @property
    def soi_state(self) -> int:
        """SOI_S_* bits (so_state & 0xffff): 0x2 connected, 0x4 connecting, 0x8 disconnecting, 0x10
        can't send more, 0x20 can't receive more, 0x100 non-blocking, 0x2000 disconnected, 0x8000
        defunct..."""
    @property
    def soi_qlen(self) -> int:
        """listening socket: connections queued, complete and incomplete (netstat -L qlen)."""
    @property
    def soi_incqlen(self) -> int:
        """listening socket: incomplete connections queued (netstat -L incqlen)."""
    @property
    def soi_qlimit(self) -> int:
        """listening socket: the listen() backlog, capped at kern.ipc.somaxconn (which a backlog <=
        0 also gets; netstat -L maxqlen)."""
    @property
    def soi_timeo(self) -> int:
        """so_timeo: the connection timeout, clock ticks."""
    @property
    def soi_error(self) -> int:
        """pending socket error (an errno; unlike SO_ERROR, reading it here does not clear it)."""
    @property
    def soi_oobmark(self) -> int:
        """bytes before the out-of-band mark in the receive buffer."""
    @property
    def soi_rcv(self) -> SockbufInfo:
        """the receive buffer (SockbufInfo)."""
    @property
    def soi_snd(self) -> SockbufInfo:
        """the send buffer (SockbufInfo)."""
    @property
    def insi_gencnt(self) -> int | None:
        """IP: the PCB's generation count, an identifier (netstat's inp_gencnt)."""
    @property
    def insi_flags(self) -> int | None:
        """IP: INP_* flags of the PCB (kernel-private bits)."""
    @property
    def insi_vflag(self) -> int | None:
        """IP: inp_vflag: 1 INI_IPV4 and/or 2 INI_IPV6, which address slot the PCB uses (3 on a
        dual-stack wildcard bind), 4 a v4-mapped IPv6 UDP socket (macOS 12)."""
    @property
    def insi_ip_ttl(self) -> int | None:
        """IP: time to live (IPv4 IP_TTL)."""
    @property
    def insi_v4_in4_tos(self) -> int | None:
        """IP: IPv4 type of service (IP_TOS); IPv4 PCBs only, else 0."""
    @property
    def insi_v6_in6_cksum(self) -> int | None:
        """IP: IPv6 checksum offset (IPV6_CHECKSUM; -1: none, set only on IPv6 UDP sockets; 0 on
        TCP and IPv4)."""
    @property
    def insi_v6_in6_hops(self) -> int | None:
        """IP: IPv6 unicast hop limit (IPV6_UNICAST_HOPS; -1: the system default); IPv6 PCBs only,
        else 0."""
    @property
    def tcpsi_state(self) -> DarwinTcpState | int | None:
        """TCP: state, BSD numbering (DarwinTcpState; an unknown number stays an int)."""
    @property
    def tcpsi_timer_rexmt(self) -> int | None:
        """TCP: retransmit timer, raw t_timer[TCPT_REXMT] (0: not armed; not the time left)."""
    @property
    def tcpsi_timer_persist(self) -> int | None:
        """TCP: persist timer, raw t_timer[TCPT_PERSIST] (0: not armed; not the time left)."""
    @property
    def tcpsi_timer_keep(self) -> int | None:
        """TCP: keepalive or connection-establishment timer, raw t_timer[TCPT_KEEP] (0: not armed;
        not the time left)."""
    @property
    def tcpsi_timer_2msl(self) -> int | None:
        """TCP: 2MSL (TIME_WAIT) or FIN_WAIT_2 timer, raw t_timer[TCPT_2MSL] (0: not armed; not the
        time left)."""
    @property
    def tcpsi_mss(self) -> int | None:
        """TCP: maximum segment size (t_maxseg), bytes."""
    @property
    def tcpsi_flags(self) -> int | None:
        """TCP: t_flags (TF_* bits, kernel-private)."""
    @property
    def tcpsi_tp(self) -> int | None:
        """TCP: the TCP control block's kernel address, hashed: lsof's DEVICE for TCP sockets."""
    @property
    def unsi_conn_so(self) -> int | None:
        """Unix: the connected peer's soi_so (0: no peer)."""
    @property
    def unsi_conn_pcb(self) -> int | None:
        """Unix: the connected peer's soi_pcb (0: no peer)."""
    @property
    def uid(self) -> int | None:
        """the user whose credentials created the socket (so_uid, netstat -v's uid); listed records
        only."""
    @property
    def last_pid(self) -> int | None:
        """the process that last used the socket (so_last_pid, netstat -v's pid): its owner, found
        without walking processes; listed records only."""
    @property
    def effective_pid(self) -> int | None:
        """the process the socket acts for (so_e_pid, netstat -v's epid): last_pid unless a daemon
        delegated it; listed records only."""
    @property
    def readable_bytes(self) -> int | None:
        """SO_NREAD: data bytes a read would find: a datagram socket's first datagram (payload
        only), a stream socket's queued data without control messages; details only."""
    @property
    def queued_datagrams(self) -> int | None:
        """SO_NUMRCVPKT: datagrams waiting in the receive buffer; datagram sockets and details
        only."""

@final
class SocketStat(PortableSocketStat):
    """Everything the kernel reports about one socket, read in one call to socketstat()."""
    @property
    def connection_info(self) -> TcpConnectionInfo | None: ...
    @property
    def socket_info(self) -> SocketInfo: ...

def socketstat(fd: _Socketlike, *, details: bool = False) -> SocketStat:
    """socketstat(fd, *, details=False) -> SocketStat

    Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads SO_NREAD (unless unreceived already did) and
    SO_NUMRCVPKT: the readable bytes and the number of datagrams queued.

    Raises TypeError for an object that is neither, ValueError for a negative fd, OverflowError
    for one beyond a C int, and OSError (EBADF, ENOTSOCK, ...) naming the call that failed.
    """

def tcp_info(fd: _Socketlike) -> TcpConnectionInfo:
    """Only ``struct tcp_connection_info``: one getsockopt(TCP_CONNECTION_INFO), the cheapest full
    view of a TCP socket. Raises OSError (ENOPROTOOPT) for a socket that is not TCP, and the same
    TypeError, ValueError, OverflowError and OSError as socketstat() for bad input.
    """

@final
class Sample(PortableRecord):
    """One moment of a Sampler's socket. Its storage belongs to the Sampler and is refilled in place: a Sample stays valid until the second sample() after the one that returned it (use to_dict() to keep one)."""
    @property
    def monotonic(self) -> float:
        """when the sample was taken: CLOCK_UPTIME_RAW, the clock of time.monotonic() on macOS (it
        stops while the Mac sleeps), seconds."""
    @property
    def unreceived(self) -> int:
        """bytes waiting to be read, as SocketStat.unreceived (FIONREAD for streams, SO_NREAD for
        datagram sockets), bytes."""
    @property
    def unsent(self) -> int | None:
        """SO_NWRITE: bytes in the send buffer, as SocketStat.unsent for TCP and UDP; None for Unix
        sockets, whose data waits in the peer's buffer (socketstat() reads it there through
        proc_pidfdinfo, which sample() never calls), bytes."""
    @property
    def not_yet_sent(self) -> int | None:
        """bytes queued and never transmitted: not reported on macOS, always None, bytes."""
    @property
    def connection_info(self) -> TcpConnectionInfo | None:
        """the TCP connection's state (TCP_CONNECTION_INFO); None for a socket that is not TCP."""

@final
class SampleDelta(PortableRecord):
    """What changed between two samples: counters' differences and the interval's rates. macOS counts no acknowledged bytes, so bytes_acked and delivery_rate are None."""
    @property
    def elapsed(self) -> float:
        """time between the two samples, seconds."""
    @property
    def bytes_acked(self) -> int | None:
        """not reported on macOS, always None, bytes."""
    @property
    def bytes_sent(self) -> int:
        """payload bytes sent in the interval, retransmissions included (tcpi_txbytes), bytes."""
    @property
    def bytes_received(self) -> int:
        """payload bytes received in the interval, duplicates included (tcpi_rxbytes), bytes."""
    @property
    def bytes_retransmitted(self) -> int:
        """payload bytes retransmitted in the interval (tcpi_txretransmitbytes), bytes."""
    @property
    def segments_out(self) -> int:
        """segments carrying data sent in the interval (tcpi_txpackets: pure ACKs not counted,
        unlike Linux), segments."""
    @property
    def segments_in(self) -> int:
        """segments carrying data received in the interval (tcpi_rxpackets), segments."""
    @property
    def segments_retransmitted(self) -> int | None:
        """data segments retransmitted in the interval (tcpi_txretransmitpackets; None before macOS
        10.13), segments."""
    @property
    def delivery_rate(self) -> float | None:
        """not reported on macOS (no acknowledged-byte count), always None, bytes/s."""
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
    constructor makes; each sample() then issues only getsockopt(TCP_CONNECTION_INFO) (TCP
    sockets), ioctl(FIONREAD) (streams) or getsockopt(SO_NREAD) (datagram sockets), and
    getsockopt(SO_NWRITE) (not for Unix sockets, see Sample.unsent) into storage allocated here,
    and allocates nothing: never proc_pidfdinfo. The Sampler keeps a reference to ``fd`` when it
    is an object, so a socket passed in is not closed under it; an int fd must stay open (and not
    be reused) while the Sampler is used. Threads may share a Sampler: sample() and delta() are
    atomic with respect to each other, but a Sample is refilled in place by the second sample()
    after it, whichever thread calls it.
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
        Raises OSError naming the call that failed (EBADF once the fd is closed), and
        SocketChangedError when the answers show the fd now names another socket."""
    def delta(self) -> SampleDelta:
        """The difference between the two newest samples. Raises ValueError before two samples and
        for a socket that is not TCP (only TCP keeps the counters), and SocketChangedError when a
        counter went backwards: the fd names another socket now."""

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
        """when the member was read: CLOCK_UPTIME_RAW, the clock of time.monotonic_ns() on macOS
        (it stops while the Mac sleeps) [format 'q', int64_t], nanoseconds."""
    @property
    def unreceived(self) -> Column:
        """bytes waiting to be read, as Sample.unreceived (ioctl FIONREAD for streams, getsockopt
        SO_NREAD for datagram sockets) [format 'i', int], bytes."""
    @property
    def unsent(self) -> Column:
        """bytes in the send buffer, as Sample.unsent (getsockopt SO_NWRITE); 0 where has_unsent is
        0 [format 'i', int], bytes."""
    @property
    def has_unsent(self) -> Column:
        """1 where unsent was read; 0 for a Unix member, whose data waits in the peer's buffer and
        whose Sample.unsent is None [format 'B', uint8_t]."""
    @property
    def length(self) -> Column:
        """bytes of struct tcp_connection_info the kernel returned; 0 for a member that is not TCP
        or not OK. A tcpi_* column's value is present where length >= its Column.end [format 'I',
        uint32_t], bytes."""
    @property
    def tcpi_state(self) -> Column:
        """TCP state, BSD numbering (DarwinTcpState's values) [format 'B', uint8_t]."""
    @property
    def tcpi_snd_wscale(self) -> Column:
        """send window scale shift (0 unless window scaling was negotiated) [format 'B', uint8_t]."""
    @property
    def tcpi_rcv_wscale(self) -> Column:
        """receive window scale shift (0 unless window scaling was negotiated) [format 'B',
        uint8_t]."""
    @property
    def tcpi_options(self) -> Column:
        """TCPCI_OPT_* bits (TcpConnectionOptions): 1 timestamps, 2 SACK, 4 window scaling, 8 ECN;
        SACK shows on CLOSED and LISTEN sockets too (on until a peer's SYN lacks it) [format 'I',
        uint32_t]."""
    @property
    def tcpi_flags(self) -> Column:
        """TCPCI_FLAG_* bits (TcpConnectionFlags): 1 loss recovery (fast recovery or RTO backoff),
        2 reordering detected [format 'I', uint32_t]."""
    @property
    def tcpi_rto(self) -> Column:
        """retransmission timeout (0 while the retransmit timer is not armed) [format 'I',
        uint32_t], milliseconds."""
    @property
    def tcpi_maxseg(self) -> Column:
        """maximum segment size [format 'I', uint32_t], bytes."""
    @property
    def tcpi_snd_ssthresh(self) -> Column:
        """slow-start threshold (1073725440, TCP_MAXWIN << 14: not yet set) [format 'I', uint32_t],
        bytes."""
    @property
    def tcpi_snd_cwnd(self) -> Column:
        """congestion window [format 'I', uint32_t], bytes."""
    @property
    def tcpi_snd_wnd(self) -> Column:
        """peer's advertised receive window [format 'I', uint32_t], bytes."""
    @property
    def tcpi_snd_sbbytes(self) -> Column:
        """bytes in the send buffer, sent-but-unacknowledged included (so_snd.sb_cc, what SO_NWRITE
        returns) [format 'I', uint32_t]."""
    @property
    def tcpi_rcv_wnd(self) -> Column:
        """receive window still open to the peer (rcv_adv - rcv_nxt; before macOS 12 the receive
        window, rcv_wnd) [format 'I', uint32_t], bytes."""
    @property
    def tcpi_rttcur(self) -> Column:
        """most recent RTT sample [format 'I', uint32_t], milliseconds."""
    @property
    def tcpi_srtt(self) -> Column:
        """smoothed RTT [format 'I', uint32_t], milliseconds."""
    @property
    def tcpi_rttvar(self) -> Column:
        """RTT variance [format 'I', uint32_t], milliseconds."""
    @property
    def tcpi_tfo_cookie_req(self) -> Column:
        """TFO: a cookie was requested (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_cookie_rcv(self) -> Column:
        """TFO: a cookie was received (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_syn_loss(self) -> Column:
        """TFO: fell back to regular TCP after a SYN loss (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_syn_data_sent(self) -> Column:
        """TFO: SYN with data was sent (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_syn_data_acked(self) -> Column:
        """TFO: the SYN's data was fully acknowledged (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_syn_data_rcv(self) -> Column:
        """TFO: server received SYN with data and a valid cookie (1-bit field) [format 'I',
        uint32_t]."""
    @property
    def tcpi_tfo_cookie_req_rcv(self) -> Column:
        """TFO: server received a cookie request (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_cookie_sent(self) -> Column:
        """TFO: server announced a cookie (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_cookie_invalid(self) -> Column:
        """TFO: server received an invalid cookie (1-bit field) [format 'I', uint32_t]."""
    @property
    def tcpi_tfo_cookie_wrong(self) -> Column:
        """TFO: the cookie we sent was wrong (1-bit field) [format 'I', uint32_t]; macOS 10.12."""
    @property
    def tcpi_tfo_no_cookie_rcv(self) -> Column:
        """TFO: no cookie came back for our request (1-bit field) [format 'I', uint32_t]; macOS
        10.12."""
    @property
    def tcpi_tfo_heuristics_disable(self) -> Column:
        """TFO: disabled by the kernel's heuristics (1-bit field) [format 'I', uint32_t]; macOS
        10.12."""
    @property
    def tcpi_tfo_send_blackhole(self) -> Column:
        """TFO: a sending black hole was detected (1-bit field) [format 'I', uint32_t]; macOS
        10.12."""
    @property
    def tcpi_tfo_recv_blackhole(self) -> Column:
        """TFO: a receiving black hole was detected (1-bit field) [format 'I', uint32_t]; macOS
        10.12."""
    @property
    def tcpi_tfo_onebyte_proxy(self) -> Column:
        """TFO: a proxy acknowledged all but one byte of the SYN (1-bit field) [format 'I',
        uint32_t]; macOS 10.13."""
    @property
    def tcpi_txpackets(self) -> Column:
        """segments sent carrying data, retransmissions included (pure ACKs, SYN and bare FIN not
        counted) [format 'Q', uint64_t]."""
    @property
    def tcpi_txbytes(self) -> Column:
        """payload bytes sent, retransmissions included [format 'Q', uint64_t]."""
    @property
    def tcpi_txretransmitbytes(self) -> Column:
        """payload bytes retransmitted [format 'Q', uint64_t]."""
    @property
    def tcpi_rxpackets(self) -> Column:
        """segments received carrying data [format 'Q', uint64_t]."""
    @property
    def tcpi_rxbytes(self) -> Column:
        """payload bytes received, duplicates included [format 'Q', uint64_t]."""
    @property
    def tcpi_rxoutoforderbytes(self) -> Column:
        """payload bytes received out of order [format 'Q', uint64_t]."""
    @property
    def tcpi_txretransmitpackets(self) -> Column:
        """data segments retransmitted [format 'Q', uint64_t]; macOS 10.13."""

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
    def length(self) -> Column:
        """bytes of struct tcp_connection_info both samples hold (the shorter);
        segments_retransmitted is present where length >= its Column.end (macOS 10.13 and later); 0
        where the status is not OK [format 'I', uint32_t], bytes."""
    @property
    def elapsed(self) -> Column:
        """time between the two samples; NaN where the status is not OK [format 'd', double],
        seconds."""
    @property
    def bytes_acked(self) -> None:
        """not reported on macOS, always None (no column), bytes."""
    @property
    def bytes_sent(self) -> Column:
        """payload bytes sent in the interval, retransmissions included (tcpi_txbytes); 0 where the
        status is not OK [format 'Q', uint64_t], bytes."""
    @property
    def bytes_received(self) -> Column:
        """payload bytes received in the interval, duplicates included (tcpi_rxbytes); 0 where the
        status is not OK [format 'Q', uint64_t], bytes."""
    @property
    def bytes_retransmitted(self) -> Column:
        """payload bytes retransmitted in the interval (tcpi_txretransmitbytes); 0 where the status
        is not OK [format 'Q', uint64_t], bytes."""
    @property
    def segments_out(self) -> Column:
        """segments carrying data sent in the interval (tcpi_txpackets: pure ACKs not counted,
        unlike Linux); 0 where the status is not OK [format 'Q', uint64_t], segments."""
    @property
    def segments_in(self) -> Column:
        """segments carrying data received in the interval (tcpi_rxpackets); 0 where the status is
        not OK [format 'Q', uint64_t], segments."""
    @property
    def segments_retransmitted(self) -> Column:
        """data segments retransmitted in the interval (tcpi_txretransmitpackets; None before macOS
        10.13); 0 where the status is not OK [format 'Q', uint64_t], segments."""
    @property
    def delivery_rate(self) -> None:
        """not reported on macOS (no acknowledged-byte count), always None (no column), bytes/s."""
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

_Kind = Literal["tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "inet", "inet4", "inet6", "unix",
               "all", "mptcp", "raw", "udplite"]
_AddressFilter = (str | ipaddress.IPv4Address | ipaddress.IPv6Address | ipaddress.IPv4Network
                 | ipaddress.IPv6Network)

class Listing(list[SocketStat]):
    """The sockets one sockets() call listed, in the order the kernel gave them.

    ``skipped`` names each listing this macOS could not give (Unix sockets before macOS 13) with
    the error it answered, and each table some of whose records socketstat could not read (by its
    sysctl name, saying what was left out); asking for that listing alone raises the error instead.
    """

    skipped: dict[str, OSError]

    def __init__(self, records: Iterable[SocketStat] = (),
                 skipped: dict[str, OSError] | None = None) -> None: ...

def _json_text(records: list[SocketStat], lines: bool) -> bytes:
    """The records' to_json() texts as one ASCII bytes object, written into one buffer: one per
    line (each line ended) when ``lines``, else comma-separated (a JSON list's inside). What the
    command's --json and --ndjson write, without a str per record or a decode and re-encode."""

def sockets(kind: _Kind = "inet", *, states: Iterable[TcpState] | None = None,
            local_port: int | None = None, remote_port: int | None = None,
            local_address: _AddressFilter | None = None,
            remote_address: _AddressFilter | None = None, pid: int | None = None,
            processes: bool = False, details: bool = False, netns: None = None) -> Listing:
    """Every socket of a kind, from the kernel's tables (sysctl net.inet.tcp.pcblist_n and its
    udp, raw and net.local siblings, which netstat reads, unprivileged): a Listing (a list) of
    the SocketStat records socketstat(fd) returns, with each socket's uid and the pids of the
    processes that last used it and that it acts for (SocketInfo.last_pid, effective_pid).

    A listed TCP record's connection_info holds what the tcpcb holds (state, RTT and its
    variance, RTO, MSS, windows, cwnd, ssthresh); its byte and segment counters, option bits and
    flags are None (socketstat(fd) has them). Filters apply in C before a record is built.
    """
