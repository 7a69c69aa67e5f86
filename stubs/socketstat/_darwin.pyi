"""Types of socketstat's macOS backend (the compiled socketstat._darwin)."""

import enum
import socket
from typing import Any, ClassVar, Protocol, final

from typing_extensions import Buffer, TypeAlias

_Address: TypeAlias = tuple[str, int] | tuple[str, int, int, int] | str
"""(host, port) for IPv4; (host, port, flowinfo, scope_id) for IPv6; a path (str, "" when unbound)
for Unix sockets."""

class _HasFileno(Protocol):
    def fileno(self) -> int: ...

class TcpState(enum.IntEnum):
    """macOS TCP states: xnu's t_state, the BSD numbering (TSI_S_* in <sys/proc_info.h>)."""
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
    """Bits of TcpConnectionInfo.tcpi_options (TCPCI_OPT_*)."""
    TIMESTAMPS = 1
    SACK = 2
    WSCALE = 4
    ECN = 8

class TcpConnectionFlags(enum.IntFlag):
    """Bits of TcpConnectionInfo.tcpi_flags (TCPCI_FLAG_*)."""
    LOSSRECOVERY = 1
    REORDERING_DETECTED = 2

@final
class TcpConnectionInfo:
    """macOS struct tcp_connection_info, in the kernel's units. What macOS 10.11 and 10.12 (104
    bytes) did not fill is None."""
    _fields: ClassVar[tuple[str, ...]]
    _derived_fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: TcpConnectionInfo records are made by socketstat()."""
    @staticmethod
    def from_bytes(raw: Buffer) -> TcpConnectionInfo: ...
    @property
    def length(self) -> int:
        """Bytes the kernel filled: 104 before macOS 10.13, then 112."""
    @property
    def tcpi_state(self) -> TcpState | int:
        """TCP state (TcpState, BSD numbering)."""
    @property
    def tcpi_snd_wscale(self) -> int:
        """send window scale shift."""
    @property
    def tcpi_rcv_wscale(self) -> int:
        """receive window scale shift."""
    @property
    def tcpi_options(self) -> int:
        """TCPCI_OPT_* bits (TcpConnectionOptions): 1 timestamps, 2 SACK, 4 window scaling, 8 ECN."""
    @property
    def tcpi_flags(self) -> int:
        """TCPCI_FLAG_* bits (TcpConnectionFlags): 1 loss recovery, 2 reordering detected."""
    @property
    def tcpi_rto(self) -> int:
        """retransmission timeout, milliseconds; 0 while the retransmit timer is not armed."""
    @property
    def tcpi_maxseg(self) -> int:
        """maximum segment size, bytes."""
    @property
    def tcpi_snd_ssthresh(self) -> int:
        """slow-start threshold, bytes."""
    @property
    def tcpi_snd_cwnd(self) -> int:
        """congestion window, bytes."""
    @property
    def tcpi_snd_wnd(self) -> int:
        """peer's advertised receive window, bytes."""
    @property
    def tcpi_snd_sbbytes(self) -> int:
        """bytes in the send buffer, sent-but-unacknowledged included."""
    @property
    def tcpi_rcv_wnd(self) -> int:
        """receive window still open to the peer, bytes."""
    @property
    def tcpi_rttcur(self) -> int:
        """most recent RTT sample, milliseconds."""
    @property
    def tcpi_srtt(self) -> int:
        """smoothed RTT, milliseconds."""
    @property
    def tcpi_rttvar(self) -> int:
        """RTT variance, milliseconds."""
    @property
    def tcpi_tfo_cookie_req(self) -> bool: ...
    @property
    def tcpi_tfo_cookie_rcv(self) -> bool: ...
    @property
    def tcpi_tfo_syn_loss(self) -> bool: ...
    @property
    def tcpi_tfo_syn_data_sent(self) -> bool: ...
    @property
    def tcpi_tfo_syn_data_acked(self) -> bool: ...
    @property
    def tcpi_tfo_syn_data_rcv(self) -> bool: ...
    @property
    def tcpi_tfo_cookie_req_rcv(self) -> bool: ...
    @property
    def tcpi_tfo_cookie_sent(self) -> bool: ...
    @property
    def tcpi_tfo_cookie_invalid(self) -> bool: ...
    @property
    def tcpi_tfo_cookie_wrong(self) -> bool: ...
    @property
    def tcpi_tfo_no_cookie_rcv(self) -> bool: ...
    @property
    def tcpi_tfo_heuristics_disable(self) -> bool: ...
    @property
    def tcpi_tfo_send_blackhole(self) -> bool: ...
    @property
    def tcpi_tfo_recv_blackhole(self) -> bool: ...
    @property
    def tcpi_tfo_onebyte_proxy(self) -> bool | None:
        """macOS 10.13."""
    @property
    def tcpi_txpackets(self) -> int:
        """segments sent, retransmissions included."""
    @property
    def tcpi_txbytes(self) -> int:
        """payload bytes sent, retransmissions included."""
    @property
    def tcpi_txretransmitbytes(self) -> int:
        """payload bytes retransmitted."""
    @property
    def tcpi_rxpackets(self) -> int:
        """segments received."""
    @property
    def tcpi_rxbytes(self) -> int:
        """payload bytes received, duplicates included."""
    @property
    def tcpi_rxoutoforderbytes(self) -> int:
        """payload bytes received out of order."""
    @property
    def tcpi_txretransmitpackets(self) -> int | None:
        """segments retransmitted; macOS 10.13."""
    @property
    def state(self) -> TcpState | int: ...
    @property
    def rtt(self) -> float: ...
    @property
    def rtt_variance(self) -> float: ...
    @property
    def rto(self) -> float:
        """seconds; 0.0 while nothing awaits retransmission."""
    @property
    def mss(self) -> int: ...
    @property
    def congestion_window(self) -> int: ...
    @property
    def retransmissions(self) -> int | None:
        """None before macOS 10.13."""
    @property
    def bytes_sent(self) -> int: ...
    @property
    def bytes_received(self) -> int: ...
    @property
    def bytes_acked(self) -> None:
        """Not reported by macOS."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class SockbufInfo:
    """One socket buffer as proc_pidfdinfo reports it (struct sockbuf_info)."""
    _fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: SockbufInfo records are made by socketstat()."""
    @property
    def sbi_cc(self) -> int:
        """bytes queued (receive: FIONREAD; send: SO_NWRITE)."""
    @property
    def sbi_hiwat(self) -> int:
        """buffer size, bytes (SO_RCVBUF, SO_SNDBUF)."""
    @property
    def sbi_mbcnt(self) -> int: ...
    @property
    def sbi_mbmax(self) -> int: ...
    @property
    def sbi_lowat(self) -> int: ...
    @property
    def sbi_flags(self) -> int: ...
    @property
    def sbi_timeo(self) -> int:
        """clock ticks (100 a second)."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class SocketInfo:
    """The socket as proc_pidfdinfo(PROC_PIDFDSOCKETINFO) describes it. insi_* are None unless
    IPv4/IPv6, tcpsi_* unless TCP, unsi_* unless Unix; readable_bytes and queued_datagrams unless
    details=True."""
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
    def local_address(self) -> _Address | None:
        """As socket.getsockname() gives it; None for families proc_pidfdinfo does not describe."""
    @property
    def remote_address(self) -> _Address | None:
        """As socket.getpeername() gives it; None when not connected."""
    @property
    def soi_kind(self) -> int: ...
    @property
    def soi_so(self) -> int: ...
    @property
    def soi_pcb(self) -> int: ...
    @property
    def soi_options(self) -> int: ...
    @property
    def soi_linger(self) -> int: ...
    @property
    def soi_state(self) -> int: ...
    @property
    def soi_qlen(self) -> int: ...
    @property
    def soi_incqlen(self) -> int: ...
    @property
    def soi_qlimit(self) -> int: ...
    @property
    def soi_timeo(self) -> int: ...
    @property
    def soi_error(self) -> int: ...
    @property
    def soi_oobmark(self) -> int: ...
    @property
    def soi_rcv(self) -> SockbufInfo: ...
    @property
    def soi_snd(self) -> SockbufInfo: ...
    @property
    def insi_gencnt(self) -> int | None: ...
    @property
    def insi_flags(self) -> int | None: ...
    @property
    def insi_vflag(self) -> int | None: ...
    @property
    def insi_ip_ttl(self) -> int | None: ...
    @property
    def insi_v4_in4_tos(self) -> int | None: ...
    @property
    def insi_v6_in6_cksum(self) -> int | None: ...
    @property
    def insi_v6_in6_hops(self) -> int | None: ...
    @property
    def tcpsi_state(self) -> TcpState | int | None: ...
    @property
    def tcpsi_timer_rexmt(self) -> int | None:
        """Raw t_timer value (0: not armed); not the time left."""
    @property
    def tcpsi_timer_persist(self) -> int | None:
        """Raw t_timer value (0: not armed); not the time left."""
    @property
    def tcpsi_timer_keep(self) -> int | None:
        """Raw t_timer value (0: not armed); not the time left."""
    @property
    def tcpsi_timer_2msl(self) -> int | None:
        """Raw t_timer value (0: not armed); not the time left."""
    @property
    def tcpsi_mss(self) -> int | None: ...
    @property
    def tcpsi_flags(self) -> int | None: ...
    @property
    def tcpsi_tp(self) -> int | None: ...
    @property
    def unsi_conn_so(self) -> int | None: ...
    @property
    def unsi_conn_pcb(self) -> int | None: ...
    @property
    def readable_bytes(self) -> int | None:
        """SO_NREAD; details only."""
    @property
    def queued_datagrams(self) -> int | None:
        """SO_NUMRCVPKT; datagram sockets and details only."""
    @property
    def receive_buffer_size(self) -> int: ...
    @property
    def send_buffer_size(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class SocketStat:
    """Everything the kernel reports about one socket, read by one socketstat() call."""
    _fields: ClassVar[tuple[str, ...]]
    def __init__(self, *args: object, **kwargs: object) -> None:
        """Raises TypeError: SocketStat records are made by socketstat()."""
    @property
    def unreceived(self) -> int:
        """FIONREAD: bytes in the receive buffer (datagrams with their sender addresses)."""
    @property
    def unsent(self) -> int:
        """SO_NWRITE: bytes in the send buffer, sent-but-unacknowledged included."""
    @property
    def not_yet_sent(self) -> None:
        """Not reported by macOS."""
    @property
    def accept_queue(self) -> int | None:
        """Listening TCP socket: established connections waiting for accept()."""
    @property
    def accept_queue_limit(self) -> int | None:
        """Listening TCP socket: the listen() backlog."""
    @property
    def connection_info(self) -> TcpConnectionInfo | None:
        """TCP_CONNECTION_INFO for TCP sockets; None for every other kind."""
    @property
    def socket_info(self) -> SocketInfo: ...
    def to_dict(self) -> dict[str, Any]: ...

def socketstat(fd: int | _HasFileno, *, details: bool = False) -> SocketStat:
    """Everything the kernel reports about one socket."""
