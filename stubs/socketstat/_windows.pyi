# Generated from socketstat/codegen/_windows.pyi.in and the field tables by render.py: do not edit.
"""Types of socketstat's Windows backend (the compiled socketstat._windows)."""

import enum
from typing import final

from typing_extensions import Buffer

from socketstat._contract import (
    PortableConnectionInfo,
    PortableRecord,
    PortableSocketInfo,
    PortableSocketStat,
)
from socketstat._contract import Socketlike as _Socketlike

class WindowsTcpState(enum.IntEnum):
    """Windows' TCP state numbers: TCPSTATE in <mstcpip.h>, the raw ``State`` of TCP_INFO_v0/v1
    (0-based, unlike the 1-based MIB_TCP_STATE of GetTcpTable)."""
    CLOSED = 0
    LISTEN = 1
    SYN_SENT = 2
    SYN_RCVD = 3
    ESTABLISHED = 4
    FIN_WAIT_1 = 5
    FIN_WAIT_2 = 6
    CLOSE_WAIT = 7
    CLOSING = 8
    LAST_ACK = 9
    TIME_WAIT = 10

@final
class TcpInfo(PortableConnectionInfo):
    """Windows ``TCP_INFO_v1`` (<mstcpip.h>) from WSAIoctl(SIO_TCP_INFO), in the header's units.

    Windows 10 1703 to 1803 answer only TCP_INFO_v0: the v1 members (SndLim*) are None there.
    The portable view (``state``, ``rtt``, ...) gives the common figures in seconds and bytes;
    Windows reports no RTT variance, no retransmission timeout and no segment counts (None).
    """
    @staticmethod
    def from_bytes(raw: Buffer) -> TcpInfo:
        """A TcpInfo from the bytes of a TCP_INFO_v0 or TCP_INFO_v1, e.g. what a ctypes call of
        WSAIoctl(SIO_TCP_INFO) filled: at least sizeof(TCP_INFO_v0) bytes (ValueError
        otherwise); the v1 members are None unless the bytes hold a whole TCP_INFO_v1."""
    @property
    def version(self) -> int:
        """The TCP_INFO version Windows answered: 1 (Windows 10 1809 and later) or 0."""
    @property
    def length(self) -> int:
        """Bytes of TCP_INFO WSAIoctl(SIO_TCP_INFO) returned (sizeof TCP_INFO_v0 or _v1)."""
    @property
    def State(self) -> WindowsTcpState | int:
        """TCP state, Windows' numbering (WindowsTcpState; an unknown number stays an int)."""
    @property
    def Mss(self) -> int:
        """current maximum segment size, bytes."""
    @property
    def ConnectionTimeMs(self) -> int:
        """time since the connection was made, milliseconds."""
    @property
    def TimestampsEnabled(self) -> bool:
        """TCP timestamps (RFC 7323) are in use."""
    @property
    def RttUs(self) -> int:
        """smoothed round-trip time estimate, microseconds."""
    @property
    def MinRttUs(self) -> int:
        """smallest round-trip time sampled, microseconds."""
    @property
    def BytesInFlight(self) -> int:
        """bytes sent and not yet acknowledged (not the bytes queued and never sent, which Windows
        does not report), bytes."""
    @property
    def Cwnd(self) -> int:
        """congestion window, bytes."""
    @property
    def SndWnd(self) -> int:
        """the peer's advertised receive window, bytes."""
    @property
    def RcvWnd(self) -> int:
        """the receive window this side advertises, bytes."""
    @property
    def RcvBuf(self) -> int:
        """the receive buffer's current size (auto-tuned), bytes."""
    @property
    def BytesOut(self) -> int:
        """bytes sent (the documentation does not say whether retransmissions count), bytes."""
    @property
    def BytesIn(self) -> int:
        """bytes received, bytes."""
    @property
    def BytesReordered(self) -> int:
        """bytes received out of order (a 32-bit counter), bytes."""
    @property
    def BytesRetrans(self) -> int:
        """bytes retransmitted (a 32-bit counter), bytes."""
    @property
    def FastRetrans(self) -> int:
        """fast retransmissions (entries into fast retransmit, not segments)."""
    @property
    def DupAcksIn(self) -> int:
        """duplicate acknowledgements received."""
    @property
    def TimeoutEpisodes(self) -> int:
        """retransmission timeout episodes (each may resend several times)."""
    @property
    def SynRetrans(self) -> int:
        """SYN retransmissions while connecting."""
    @property
    def SndLimTransRwin(self) -> int | None:
        """transitions into sending limited by the peer's receive window; Windows 10 1809."""
    @property
    def SndLimTimeRwin(self) -> int | None:
        """time spent sending limited by the peer's receive window, milliseconds; Windows 10 1809."""
    @property
    def SndLimBytesRwin(self) -> int | None:
        """bytes sent while limited by the peer's receive window, bytes; Windows 10 1809."""
    @property
    def SndLimTransCwnd(self) -> int | None:
        """transitions into sending limited by the congestion window; Windows 10 1809."""
    @property
    def SndLimTimeCwnd(self) -> int | None:
        """time spent sending limited by the congestion window, milliseconds; Windows 10 1809."""
    @property
    def SndLimBytesCwnd(self) -> int | None:
        """bytes sent while limited by the congestion window, bytes; Windows 10 1809."""
    @property
    def SndLimTransSnd(self) -> int | None:
        """transitions into sending limited by the application (nothing more to send); Windows 10
        1809."""
    @property
    def SndLimTimeSnd(self) -> int | None:
        """time spent limited by the application, milliseconds; Windows 10 1809."""
    @property
    def SndLimBytesSnd(self) -> int | None:
        """bytes sent while limited by the application, bytes; Windows 10 1809."""

@final
class SocketInfo(PortableSocketInfo):
    """The socket's identity: getsockopt(SO_PROTOCOL_INFOW) for family, type and protocol, getsockname() and getpeername(), and the SO_RCVBUF and SO_SNDBUF buffer sizes."""
    @property
    def szProtocol(self) -> str:
        """WSAPROTOCOL_INFOW.szProtocol: the transport provider's name for the protocol, e.g.
        'MSAFD Tcpip [TCP/IP]' (a layered provider shows here)."""

@final
class SocketStat(PortableSocketStat):
    """Everything Windows reports about one socket, read in one call to socketstat().

    Windows has no count of bytes written but not yet taken by the peer (``unsent`` and
    ``not_yet_sent`` are None; TcpInfo.BytesInFlight has the unacknowledged part) and no accept
    queue figures (None).
    """
    @property
    def connection_info(self) -> TcpInfo | None: ...
    @property
    def socket_info(self) -> SocketInfo: ...

def socketstat(fd: _Socketlike, *, details: bool = False) -> SocketStat:
    """socketstat(fd, *, details=False) -> SocketStat

    Everything Windows reports about one socket. ``fd`` is a SOCKET handle (what
    ``socket.fileno()`` returns) or an object with ``fileno()``. ``details`` reads nothing more
    on Windows.

    Raises TypeError for an object that is neither, ValueError for a negative handle,
    OverflowError for one beyond a C int, and OSError with ``winerror`` set (WSAENOTSOCK, ...)
    naming the call that failed.
    """

def tcp_info(fd: _Socketlike) -> TcpInfo:
    """Only TCP_INFO: one WSAIoctl(SIO_TCP_INFO) (version 1, or 0 where Windows predates 1809),
    the cheapest full view of a TCP socket. Raises OSError for a socket that is not TCP or has
    no connection yet, and the same TypeError, ValueError, OverflowError and OSError as
    socketstat() for bad input.
    """

@final
class Sample(PortableRecord):
    """One moment of a Sampler's socket. Its storage belongs to the Sampler and is refilled in place: a Sample stays valid until the second sample() after the one that returned it (use to_dict() to keep one)."""
    @property
    def monotonic(self) -> float:
        """when the sample was taken, on the clock of time.monotonic() of the CPython the module
        was built for: QueryPerformanceCounter from Python 3.13, GetTickCount64 (15.6 ms steps)
        before, seconds."""
    @property
    def unreceived(self) -> int:
        """bytes waiting to be read, as SocketStat.unreceived (ioctlsocket FIONREAD), bytes."""
    @property
    def unsent(self) -> int | None:
        """not reported on Windows, always None (no send-queue count; TcpInfo.BytesInFlight has the
        unacknowledged bytes), bytes."""
    @property
    def not_yet_sent(self) -> int | None:
        """not reported on Windows, always None, bytes."""
    @property
    def connection_info(self) -> TcpInfo | None:
        """the TCP connection's state (SIO_TCP_INFO); None for a socket that is not TCP."""

@final
class SampleDelta(PortableRecord):
    """What changed between two samples: counters' differences and the interval's rates. Windows counts bytes, not segments, and no acknowledged bytes: bytes_acked, delivery_rate and the segment counts are None."""
    @property
    def elapsed(self) -> float:
        """time between the two samples, seconds."""
    @property
    def bytes_acked(self) -> int | None:
        """not reported on Windows, always None, bytes."""
    @property
    def bytes_sent(self) -> int:
        """bytes sent in the interval (BytesOut), bytes."""
    @property
    def bytes_received(self) -> int:
        """bytes received in the interval (BytesIn), bytes."""
    @property
    def bytes_retransmitted(self) -> int:
        """bytes retransmitted in the interval (BytesRetrans, a 32-bit counter: the difference is
        taken modulo 2**32), bytes."""
    @property
    def segments_out(self) -> int | None:
        """not reported on Windows, always None, segments."""
    @property
    def segments_in(self) -> int | None:
        """not reported on Windows, always None, segments."""
    @property
    def segments_retransmitted(self) -> int | None:
        """not reported on Windows, always None, segments."""
    @property
    def delivery_rate(self) -> float | None:
        """not reported on Windows (no acknowledged-byte count), always None, bytes/s."""
    @property
    def send_rate(self) -> float | None:
        """bytes sent per second over the interval, bytes/s."""
    @property
    def receive_rate(self) -> float | None:
        """bytes received per second over the interval, bytes/s."""

@final
class Sampler:
    """Re-reads one socket's changing state at the cost of its calls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only WSAIoctl(SIO_TCP_INFO) (TCP sockets with a
    connection) and ioctlsocket(FIONREAD) into storage allocated here, and allocates nothing.
    The Sampler keeps a reference to ``fd`` when it is an object, so a socket passed in is not
    closed under it; an int handle must stay open (and not be reused) while the Sampler is used.
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
        Raises OSError with ``winerror`` set naming the call that failed (WSAENOTSOCK once the
        handle is closed)."""
    def delta(self) -> SampleDelta:
        """The difference between the two newest samples. Raises ValueError before two samples and
        for a socket that is not TCP (only TCP keeps the counters), and SocketChangedError when a
        counter went backwards: the handle names another socket now."""
