# Generated from socketstat/codegen/_contract.py.in and the field tables by render.py: do not edit.
"""The portable contract, for type checkers: what every platform's records give, declared once.

Each backend's stub derives its records from these classes (``class
TcpInfo(PortableConnectionInfo)``), so a portable member has one type and one docstring whatever
the platform, and code annotated with socketstat.SocketStat, ConnectionInfo or SocketInfo
type-checks the same everywhere. The classes exist only while type checking (``@type_check_only``); at run time the
records are the backend's own compiled classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Union

Address = Union[tuple[str, int], tuple[str, int, int, int], str, bytes]
"""(host, port) for IPv4; (host, port, flowinfo, scope_id) for IPv6; a path (str) or, on Linux,
an abstract name (bytes starting with NUL) for Unix; on Linux the raw address bytes of another
family."""


# What names a socket to socketstat(), tcp_info(), Sampler and SamplerGroup. Real classes, not
# type-check-only ones, so that the alias exists at run time too (stubtest checks it does).


class HasFileno(Protocol):
    def fileno(self) -> int: ...


class HasExtraInfo(Protocol):
    """An asyncio transport or StreamWriter: its socket is get_extra_info("socket")."""

    def get_extra_info(self, name: str, default: object = None) -> object: ...


class HasSocket(Protocol):
    """A trio SocketStream: its socket is .socket."""

    @property
    def socket(self) -> HasFileno: ...


class HasTypedAttributes(Protocol):
    """An anyio socket stream: its socket is extra(SocketAttribute.raw_socket)."""

    def extra(self, attribute: object, /) -> object: ...


Socketlike = Union[int, HasFileno, HasExtraInfo, HasSocket, HasTypedAttributes]
"""What every call taking a socket takes: an fd, an object with fileno() (a socket), or an
event loop's connection object (socketstat._common.stream_socket() reaches its socket)."""

if TYPE_CHECKING:
    import socket
    from typing import Any, ClassVar, type_check_only

    from socketstat._common import TcpState

    @type_check_only
    class PortableRecord:
        _fields: ClassVar[tuple[str, ...]]
        """The record's attributes in dump order: the portable members first, then its own."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            """Raises TypeError: records are made by socketstat(), never directly."""

        def to_dict(self) -> dict[str, Any]:
            """Plain JSON-ready data: enums by name, records as dicts, addresses as lists."""
            ...

        def to_json(self) -> str:
            """The same data as to_dict(), as compact JSON text: what json.dumps(record.to_dict(),
            separators=(",", ":")) gives, written without building the dicts."""
            ...

    @type_check_only
    class PortableConnectionInfo(PortableRecord):
        """What every platform's TCP connection record gives (socketstat.ConnectionInfo)."""
        @property
        def state(self) -> TcpState | None:
            """The connection's state, by its RFC 793 name (None only for a state number newer than
            this socketstat; the raw member keeps it). Linux: tcpi_state (NEW_SYN_RECV reads
            SYN_RECEIVED, BOUND_INACTIVE reads CLOSED). macOS: tcpi_state. FreeBSD: tcpi_state.
            Windows: State (TCPSTATE numbering)."""
        @property
        def rtt(self) -> float:
            """Smoothed round-trip time, seconds. Linux: tcpi_rtt, microsecond resolution. macOS:
            tcpi_srtt, millisecond resolution. FreeBSD: tcpi_rtt, microseconds of tick resolution.
            Windows: RttUs, microsecond resolution."""
        @property
        def rtt_variance(self) -> float | None:
            """Round-trip time variation, seconds. Linux: tcpi_rttvar (mean deviation). macOS:
            tcpi_rttvar. FreeBSD: tcpi_rttvar. Windows: not reported, always None (TCP_INFO has no
            variance)."""
        @property
        def rto(self) -> float | None:
            """Retransmission timeout: how long an unacknowledged segment waits before it is sent
            again, seconds. Linux: tcpi_rto, always. macOS: tcpi_rto while the retransmit timer is
            armed (data awaits acknowledgement); None while idle, when macOS reports 0. FreeBSD:
            tcpi_rto (t_rxtcur), always. Windows: not reported, always None."""
        @property
        def mss(self) -> int:
            """Maximum segment size the connection sends, bytes. Linux: tcpi_snd_mss. macOS:
            tcpi_maxseg. FreeBSD: tcpi_snd_mss. Windows: Mss."""
        @property
        def congestion_window(self) -> int:
            """Congestion window, bytes. Linux: tcpi_snd_cwnd segments times tcpi_snd_mss. macOS:
            tcpi_snd_cwnd. FreeBSD: tcpi_snd_cwnd (bytes). Windows: Cwnd."""
        @property
        def retransmissions(self) -> int | None:
            """Segments retransmitted over the connection's life, segments. Linux: tcpi_total_retrans.
            macOS: tcpi_txretransmitpackets, data segments only; None before macOS 10.13. FreeBSD:
            tcpi_snd_rexmitpack, data segments. Windows: not reported, always None (Windows counts
            retransmitted bytes, BytesRetrans, not segments)."""
        @property
        def bytes_sent(self) -> int | None:
            """Payload bytes sent, retransmissions included, bytes. Linux: tcpi_bytes_sent (None before
            Linux 4.19). macOS: tcpi_txbytes; None in a listing (pcblist_n has no counters). FreeBSD:
            not counted, always None. Windows: BytesOut."""
        @property
        def bytes_received(self) -> int | None:
            """Payload bytes received, bytes. Linux: tcpi_bytes_received (in order, duplicates not
            counted; None before 4.19). macOS: tcpi_rxbytes (duplicate segments' bytes counted too);
            None in a listing. FreeBSD: not counted, always None. Windows: BytesIn."""
        @property
        def bytes_acked(self) -> int | None:
            """Payload bytes the peer acknowledged, bytes. Linux: tcpi_bytes_acked. macOS: not
            reported, always None. FreeBSD: not counted, always None. Windows: not reported, always
            None."""


    @type_check_only
    class PortableSocketInfo(PortableRecord):
        """What every platform's socket identity record gives (socketstat.SocketInfo)."""
        @property
        def family(self) -> socket.AddressFamily | int:
            """Address family (a plain int where Python has no name for it). Linux: getsockname().
            macOS: soi_family. FreeBSD: getsockname(). Windows: iAddressFamily of SO_PROTOCOL_INFOW."""
        @property
        def type(self) -> socket.SocketKind | int:
            """Socket type. Linux: SO_TYPE (SOCK_STREAM when TCP_INFO answered). macOS: soi_type.
            FreeBSD: SO_TYPE. Windows: iSocketType of SO_PROTOCOL_INFOW."""
        @property
        def protocol(self) -> int:
            """Protocol number: socket.IPPROTO_TCP, socket.IPPROTO_UDP, 0 for Unix sockets. Linux:
            SO_PROTOCOL. macOS: soi_protocol. FreeBSD: SO_PROTOCOL. Windows: iProtocol of
            SO_PROTOCOL_INFOW."""
        @property
        def local_address(self) -> Address | None:
            """The address socket.getsockname() gives: (host, port) for IPv4, (host, port, flowinfo,
            scope_id) for IPv6, a path str for Unix ('' when unbound); None for a family socketstat
            cannot describe. Linux: getsockname(); an abstract Unix name is bytes starting with NUL,
            another family's address the raw bytes after the family. macOS: rebuilt from proc_pidfdinfo
            as xnu's getsockname() builds it. FreeBSD: getsockname(). Windows: getsockname(); None for
            an unbound socket, which Windows refuses (WSAEINVAL), and for a family other than IPv4,
            IPv6 and AF_UNIX."""
        @property
        def remote_address(self) -> Address | None:
            """The address socket.getpeername() gives, in the same forms; None when there is no peer.
            Linux: getpeername(). macOS: rebuilt from proc_pidfdinfo as xnu's getpeername() builds it.
            FreeBSD: getpeername(). Windows: getpeername()."""
        @property
        def receive_buffer_size(self) -> int | None:
            """The receive buffer's size, SO_RCVBUF, bytes. Linux: SO_MEMINFO, with details=True only
            (else None). macOS: soi_rcv.sbi_hiwat. FreeBSD: getsockopt(SO_RCVBUF). Windows:
            getsockopt(SO_RCVBUF)."""
        @property
        def send_buffer_size(self) -> int | None:
            """The send buffer's size, SO_SNDBUF, bytes. Linux: SO_MEMINFO, with details=True only
            (else None). macOS: soi_snd.sbi_hiwat; getsockopt(SO_SNDBUF) for a Unix stream, whose high-
            water mark xnu lowers by what the peer holds. FreeBSD: getsockopt(SO_SNDBUF). Windows:
            getsockopt(SO_SNDBUF)."""


    @type_check_only
    class PortableSocketStat(PortableRecord):
        """What every platform's socketstat() result gives (socketstat.SocketStat)."""
        @property
        def state(self) -> TcpState | None:
            """A TCP connection's state by its RFC 793 name; None for a socket that is not TCP. Set
            also where connection_info is None: a listed TIME_WAIT or request socket, which the kernel
            sends no statistics for. Linux: tcpi_state; in a listing sock_diag's idiag_state. macOS:
            tcpi_state of TCP_CONNECTION_INFO. FreeBSD: tcpi_state of TCP_INFO. Windows: State of
            SIO_TCP_INFO."""
        @property
        def unreceived(self) -> int | None:
            """Bytes waiting to be read: a stream's queued data, a datagram socket's next datagram
            (what one recv() returns); None where the source gives only the queue's memory, bytes.
            Linux: ioctl(SIOCINQ), 0 when listening; in a listing sock_diag's idiag_rqueue for TCP and
            UNIX_DIAG_RQLEN for Unix sockets, None for UDP, UDP-Lite, raw and MPTCP sockets (their
            rqueue is buffer memory: receive_queue_memory). macOS: ioctl(FIONREAD) for streams,
            getsockopt(SO_NREAD) for datagram sockets. FreeBSD: ioctl(FIONREAD) for streams, 0 when
            listening; for a datagram socket the next datagram's length, recv(MSG_PEEK) into a buffer
            of FIONREAD's size (FIONREAD counts every queued datagram). Windows: ioctlsocket(FIONREAD):
            a stream's queued bytes, a datagram socket's first datagram."""
        @property
        def unsent(self) -> int | None:
            """Bytes this socket has written that the peer has not taken: TCP's unacknowledged and
            unsent bytes, a Unix socket's bytes the peer has not read, bytes. Linux: ioctl(SIOCOUTQ), 0
            when listening; in a listing idiag_wqueue or UNIX_DIAG_RQLEN, the same figures; None for a
            listed MPTCP socket (its wqueue is memory). macOS: getsockopt(SO_NWRITE) for TCP and UDP
            (which never queues); for a connected Unix stream SO_SNDBUF minus soi_snd.sbi_hiwat (xnu
            lowers the sender's high-water mark by what the peer holds); None for a Unix datagram
            socket. FreeBSD: ioctl(FIONWRITE) for TCP and UDP (which never queues), 0 when listening;
            None for Unix sockets, whose data waits in the peer's buffer uncounted per sender. Windows:
            not reported, always None: Windows has no send-queue count (TCP_INFO's BytesInFlight, the
            unacknowledged bytes, would miss the bytes queued and never sent)."""
        @property
        def not_yet_sent(self) -> int | None:
            """Bytes in the send queue never transmitted; TCP only, else None, bytes. Linux:
            tcpi_notsent_bytes (what ioctl(SIOCOUTQNSD) returns). macOS: not reported, always None.
            FreeBSD: FIONWRITE less tcpi_snd_max - tcpi_snd_una (FreeBSD 14 and later) in ESTABLISHED,
            CLOSE_WAIT, FIN_WAIT_2 and TIME_WAIT, where no SYN or FIN is in flight; two reads, not one
            snapshot; None in the other states. Windows: not reported, always None."""
        @property
        def accept_queue(self) -> int | None:
            """A listening TCP socket's established connections waiting for accept() (ss Recv-Q); None
            unless listening TCP, connections. Linux: tcpi_unacked of a listener. macOS: soi_qlen -
            soi_incqlen. FreeBSD: getsockopt(SO_LISTENQLEN) (complete connections only). Windows: not
            reported, always None (Winsock exposes no accept queue length)."""
        @property
        def accept_queue_limit(self) -> int | None:
            """A listening TCP socket's accept queue limit, the listen() backlog (ss Send-Q); None
            unless listening TCP, connections. Linux: tcpi_sacked of a listener. macOS: soi_qlimit.
            FreeBSD: getsockopt(SO_LISTENQLIMIT). Windows: not reported, always None (the backlog
            cannot be read back)."""
        @property
        def connection_info(self) -> PortableConnectionInfo | None:
            """The TCP connection's state and statistics; None for a socket that is not TCP and where
            the source has no statistics for it (see state). Linux: TcpInfo, getsockopt(TCP_INFO); in a
            listing INET_DIAG_INFO (None for TIME_WAIT and request sockets, and for MPTCP, whose INFO
            is mptcp_info). macOS: TcpConnectionInfo, getsockopt(TCP_CONNECTION_INFO). FreeBSD:
            TcpInfo, getsockopt(TCP_INFO) (None for a TCP socket whose connection was dropped).
            Windows: TcpInfo, WSAIoctl(SIO_TCP_INFO), TCP_INFO_v1 or _v0; None for a TCP socket Windows
            keeps no statistics for yet (unconnected)."""
        @property
        def socket_info(self) -> PortableSocketInfo:
            """The socket's identity: family, type, protocol, addresses. Linux: getsockname(),
            getpeername(), SO_PROTOCOL, SO_TYPE. macOS: proc_pidfdinfo(PROC_PIDFDSOCKETINFO). FreeBSD:
            getsockname(), getpeername(), SO_TYPE, SO_PROTOCOL, SO_RCVBUF, SO_SNDBUF. Windows:
            getsockopt(SO_PROTOCOL_INFOW), getsockname(), getpeername(), SO_RCVBUF, SO_SNDBUF."""

