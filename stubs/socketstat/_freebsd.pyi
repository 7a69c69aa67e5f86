# Generated from socketstat/codegen/_freebsd.pyi.in and the field tables by render.py: do not edit.
"""Types of socketstat's FreeBSD backend (the compiled socketstat._freebsd)."""

import enum
from typing import final

from typing_extensions import Buffer

from socketstat._common import TcpState
from socketstat._contract import (
    PortableConnectionInfo,
    PortableRecord,
    PortableSocketInfo,
    PortableSocketStat,
)
from socketstat._contract import Socketlike as _Socketlike

class FreeBSDTcpState(enum.IntEnum):
    """FreeBSD's TCP state numbers: the tcpcb's t_state (TCPS_* in <netinet/tcp_fsm.h>), the raw
    ``tcpi_state``."""
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

class TcpInfoOptions(enum.IntFlag):
    """Bits of TcpInfo.tcpi_options (TCPI_OPT_* in <netinet/tcp.h>): the options in use.

    ``TcpInfoOptions(info.tcpi_options)`` names them; tcpi_options itself stays a plain int so
    that to_dict() keeps every bit on every Python version.
    """
    TIMESTAMPS = 1
    SACK = 2
    WSCALE = 4
    ECN = 8
    TOE = 16
    TFO = 32
    ACE = 64

@final
class TcpInfo(PortableConnectionInfo):
    """FreeBSD ``struct tcp_info`` (<netinet/tcp.h>), in the kernel's units.

    Times are microseconds (tick resolution), windows bytes, sequence numbers absolute. A member
    FreeBSD 14.0 added in the struct's padding is None from an older kernel, which returns the
    same length with zeros there (see ``length``). The portable view (``state``, ``rtt``, ...)
    gives the common figures in seconds and bytes; FreeBSD counts no bytes sent, received or
    acknowledged, so those are None.
    """
    @staticmethod
    def from_bytes(raw: Buffer) -> TcpInfo:
        """A TcpInfo from the bytes of a ``struct tcp_info`` prefix, e.g. what
        ``sock.getsockopt(IPPROTO_TCP, TCP_INFO, 256)`` returned on this machine: at least up to
        tcpi_snd_zerowin (ValueError otherwise). Members newer than the running kernel are None,
        as for a record socketstat() made."""
    @property
    def length(self) -> int:
        """Bytes of struct tcp_info the kernel returned (236 from FreeBSD 13, 240 from 14 on 64-bit
        ABIs, 256 from 15; a module built with an older header asks for less). It does not tell
        which members are filled: see the class docstring."""
    @property
    def tcpi_state(self) -> FreeBSDTcpState | int:
        """TCP state, BSD numbering (FreeBSDTcpState; an unknown number stays an int)."""
    @property
    def tcpi_options(self) -> int:
        """TCPI_OPT_* bits (TcpInfoOptions): 1 timestamps, 2 SACK, 4 window scaling, 8 ECN, 16 TCP
        offload, 32 TCP Fast Open, 64 accurate ECN."""
    @property
    def tcpi_snd_wscale(self) -> int:
        """send window scale shift (4-bit field; 0 unless window scaling was negotiated)."""
    @property
    def tcpi_rcv_wscale(self) -> int:
        """receive window scale shift (4-bit field; 0 unless window scaling was negotiated)."""
    @property
    def tcpi_rto(self) -> int:
        """retransmission timeout (t_rxtcur, tick resolution), microseconds."""
    @property
    def tcpi_snd_mss(self) -> int:
        """maximum segment size for sending (t_maxseg), bytes."""
    @property
    def tcpi_rcv_mss(self) -> int:
        """maximum segment size for receiving (FreeBSD reports t_maxseg here too), bytes."""
    @property
    def tcpi_last_data_recv(self) -> int:
        """time since data was last received, microseconds."""
    @property
    def tcpi_rtt(self) -> int:
        """smoothed RTT (tick resolution), microseconds."""
    @property
    def tcpi_rttvar(self) -> int:
        """RTT variance, microseconds."""
    @property
    def tcpi_snd_ssthresh(self) -> int:
        """slow-start threshold, bytes."""
    @property
    def tcpi_snd_cwnd(self) -> int:
        """congestion window, bytes."""
    @property
    def tcpi_rcv_space(self) -> int:
        """receive window advertised to the peer (rcv_wnd), bytes."""
    @property
    def tcpi_snd_wnd(self) -> int:
        """peer's advertised receive window (snd_wnd), bytes."""
    @property
    def tcpi_snd_nxt(self) -> int:
        """next sequence number to send (snd_nxt, absolute)."""
    @property
    def tcpi_rcv_nxt(self) -> int:
        """next sequence number expected (rcv_nxt, absolute)."""
    @property
    def tcpi_toe_tid(self) -> int:
        """hardware TID of a TCP-offloaded connection (0 without TOE)."""
    @property
    def tcpi_snd_rexmitpack(self) -> int:
        """data segments retransmitted (t_sndrexmitpack), segments."""
    @property
    def tcpi_rcv_ooopack(self) -> int:
        """segments received out of order (t_rcvoopack), segments."""
    @property
    def tcpi_snd_zerowin(self) -> int:
        """zero-window advertisements sent (t_sndzerowin)."""
    @property
    def tcpi_delivered_ce(self) -> int | None:
        """CE marks the peer reported delivered (accurate ECN) (None from a kernel older than 14.0,
        whose padding holds 0 there)."""
    @property
    def tcpi_received_ce(self) -> int | None:
        """CE-marked segments received (accurate ECN) (None from a kernel older than 14.0, whose
        padding holds 0 there)."""
    @property
    def tcpi_total_tlp(self) -> int | None:
        """tail loss probes sent (filled by the stacks that send them, e.g. RACK; 0 from the
        default stack) (None from a kernel older than 14.0, whose padding holds 0 there)."""
    @property
    def tcpi_total_tlp_bytes(self) -> int | None:
        """tail loss probe bytes sent (as tcpi_total_tlp) (None from a kernel older than 14.0,
        whose padding holds 0 there), bytes."""
    @property
    def tcpi_snd_una(self) -> int | None:
        """oldest unacknowledged sequence number (snd_una, absolute) (None from a kernel older than
        14.0, whose padding holds 0 there)."""
    @property
    def tcpi_snd_max(self) -> int | None:
        """highest sequence number sent (snd_max, absolute) (None from a kernel older than 14.0,
        whose padding holds 0 there)."""
    @property
    def tcpi_rcv_numsacks(self) -> int | None:
        """distinct SACK blocks held for the peer (None from a kernel older than 14.0, whose
        padding holds 0 there)."""
    @property
    def tcpi_rcv_adv(self) -> int | None:
        """highest sequence number advertised to the peer (rcv_adv, absolute) (None from a kernel
        older than 14.0, whose padding holds 0 there)."""
    @property
    def tcpi_dupacks(self) -> int | None:
        """consecutive duplicate ACKs received (None from a kernel older than 14.0, whose padding
        holds 0 there)."""

@final
class SocketInfo(PortableSocketInfo):
    """The socket's identity as getsockname(), getpeername() and getsockopt(SO_TYPE, SO_PROTOCOL, SO_RCVBUF, SO_SNDBUF) give it, with a listening socket's queues."""
    @property
    def listen_queue_length(self) -> int | None:
        """a listening socket's connections waiting for accept(), getsockopt(SO_LISTENQLEN)
        (netstat -L's first figure); None unless listening, connections."""
    @property
    def listen_incomplete_queue_length(self) -> int | None:
        """a listening socket's connections not yet complete, getsockopt(SO_LISTENINCQLEN) (TCP's
        handshakes in progress mostly wait in the syncache instead, uncounted); None unless
        listening, connections."""
    @property
    def listen_queue_limit(self) -> int | None:
        """a listening socket's backlog, getsockopt(SO_LISTENQLIMIT) (netstat -L's last figure);
        None unless listening, connections."""
    @property
    def send_space(self) -> int | None:
        """ioctl(FIONSPACE): room left in the send buffer; details only, and None for a listening
        socket, bytes."""

@final
class SocketStat(PortableSocketStat):
    """Everything the kernel reports about one socket, read in one call to socketstat()."""
    @property
    def connection_info(self) -> TcpInfo | None: ...
    @property
    def socket_info(self) -> SocketInfo: ...

def socketstat(fd: _Socketlike, *, details: bool = False) -> SocketStat:
    """socketstat(fd, *, details=False) -> SocketStat

    Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads ioctl(FIONSPACE): the room left in the send
    buffer (SocketInfo.send_space).

    Raises TypeError for an object that is neither, ValueError for a negative fd, OverflowError
    for one beyond a C int, and OSError (EBADF, ENOTSOCK, ...) naming the call that failed.
    """

def tcp_info(fd: _Socketlike) -> TcpInfo:
    """Only ``struct tcp_info``: one getsockopt(TCP_INFO), the cheapest full view of a TCP socket.
    Raises OSError for a socket that is not TCP (the kernel's errno: EINVAL from IP and Unix
    sockets, ENOPROTOOPT from others), and the same TypeError, ValueError, OverflowError and
    OSError as socketstat() for bad input.
    """

@final
class Sample(PortableRecord):
    """One moment of a Sampler's socket. Its storage belongs to the Sampler and is refilled in place: a Sample stays valid until the second sample() after the one that returned it (use to_dict() to keep one)."""
    @property
    def monotonic(self) -> float:
        """when the sample was taken: CLOCK_MONOTONIC, the clock of time.monotonic() on FreeBSD,
        seconds."""
    @property
    def unreceived(self) -> int:
        """bytes waiting to be read, as SocketStat.unreceived (ioctl FIONREAD; a datagram socket's
        next datagram, peeked; 0 for a listening socket), bytes."""
    @property
    def unsent(self) -> int | None:
        """bytes in the send buffer, as SocketStat.unsent (ioctl FIONWRITE); None for Unix sockets,
        whose data waits in the peer's buffer, bytes."""
    @property
    def not_yet_sent(self) -> int | None:
        """bytes queued and never transmitted, as SocketStat.not_yet_sent (TCP, FreeBSD 14 and
        later), bytes."""
    @property
    def connection_info(self) -> TcpInfo | None:
        """the TCP connection's state (TCP_INFO); None for a socket that is not TCP."""

@final
class SampleDelta(PortableRecord):
    """What changed between two samples: counters' differences and the interval's rates. FreeBSD's tcp_info counts no bytes, so bytes_sent, bytes_received, bytes_acked and every rate are None; the sequence numbers' advance (sequence_sent, sequence_received, sequence_acked) is what it has instead."""
    @property
    def elapsed(self) -> float:
        """time between the two samples, seconds."""
    @property
    def bytes_acked(self) -> int | None:
        """not counted on FreeBSD, always None (see sequence_acked), bytes."""
    @property
    def bytes_sent(self) -> int | None:
        """not counted on FreeBSD, always None (see sequence_sent), bytes."""
    @property
    def bytes_received(self) -> int | None:
        """not counted on FreeBSD, always None (see sequence_received), bytes."""
    @property
    def segments_retransmitted(self) -> int:
        """data segments retransmitted in the interval (tcpi_snd_rexmitpack), segments."""
    @property
    def segments_out_of_order(self) -> int:
        """segments received out of order in the interval (tcpi_rcv_ooopack), segments."""
    @property
    def zero_windows_sent(self) -> int:
        """zero-window advertisements sent in the interval (tcpi_snd_zerowin)."""
    @property
    def tail_loss_probes(self) -> int | None:
        """tail loss probes sent in the interval (tcpi_total_tlp; None before FreeBSD 14)."""
    @property
    def sequence_sent(self) -> int | None:
        """how far tcpi_snd_max advanced, modulo 2**32: new payload bytes sent (retransmissions not
        counted; a SYN or FIN counts 1), exact only if fewer than 4 GiB were sent in the interval,
        which the kernel cannot confirm; None before FreeBSD 14, bytes."""
    @property
    def sequence_received(self) -> int:
        """how far tcpi_rcv_nxt advanced, modulo 2**32: payload bytes received in order (a SYN or
        FIN counts 1), exact only if fewer than 4 GiB arrived in the interval, bytes."""
    @property
    def sequence_acked(self) -> int | None:
        """how far tcpi_snd_una advanced, modulo 2**32: payload bytes the peer acknowledged (a SYN
        or FIN counts 1), exact only if fewer than 4 GiB were acknowledged in the interval; None
        before FreeBSD 14, bytes."""
    @property
    def delivery_rate(self) -> float | None:
        """not counted on FreeBSD, always None, bytes/s."""
    @property
    def send_rate(self) -> float | None:
        """not counted on FreeBSD, always None, bytes/s."""
    @property
    def receive_rate(self) -> float | None:
        """not counted on FreeBSD, always None, bytes/s."""

@final
class Sampler:
    """Re-reads one socket's changing state at the cost of its syscalls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only getsockopt(TCP_INFO) (TCP sockets),
    ioctl(FIONREAD), recv(MSG_PEEK) (datagram sockets with data queued) and ioctl(FIONWRITE)
    (not for Unix sockets, see Sample.unsent; none of these for a socket that was listening when
    the Sampler was made) into storage allocated here, grown only for a larger datagram queue. The Sampler keeps a reference to ``fd`` when it is an object, so a socket
    passed in is not closed under it; an int fd must stay open (and not be reused) while the
    Sampler is used. Threads may share a Sampler: sample() and delta() are atomic with respect to
    each other, but a Sample is refilled in place by the second sample() after it, whichever
    thread calls it.
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

def _json_text(records: list[SocketStat], lines: bool) -> bytes:
    """The records' to_json() texts as one ASCII bytes object, written into one buffer: one per
    line (each line ended) when ``lines``, else comma-separated (a JSON list's inside). What the
    command's --json and --ndjson write, without a str per record or a decode and re-encode."""

_osreldate: int
