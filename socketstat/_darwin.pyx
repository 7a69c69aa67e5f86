# cython: language_level=3, embedsignature=True, autotestdict=False
"""macOS backend: one socket's kernel state from proc_pidfdinfo(), getsockopt(2) and ioctl(2).

What socketstat(fd) reads, and why:
  always    getsockopt(SO_TYPE)                     the socket check: ENOTSOCK, EBADF come from here
            proc_pidfdinfo(PROC_PIDFDSOCKETINFO)    identity, both addresses, TCP state and timers,
                                                    accept queue, both socket buffers
            ioctl(FIONREAD), getsockopt(SO_NWRITE)  unreceived, unsent
  TCP       getsockopt(TCP_CONNECTION_INFO)         connection_info
  rarely    getsockname() / getpeername()           only for an IPv6 link- or interface-local
                                                    address, whose scope id proc_pidfdinfo lacks
  details   getsockopt(SO_NREAD), getsockopt(SO_NUMRCVPKT)
            the first datagram's payload size and the number of queued datagrams, which FIONREAD
            cannot give: on macOS it counts every queued datagram with its sender address.

Addresses come from proc_pidfdinfo's in_sockinfo/un_sockinfo, rebuilt the way xnu's getsockname()
and getpeername() build them (in_getsockaddr, in6_mapped_sockaddr, uipc_sockaddr), and are given
in the socket module's forms. macOS has no count of bytes queued but never sent (Linux's
SIOCOUTQNSD): SocketStat.not_yet_sent is always None here.
"""

cimport cython
from libc.errno cimport errno, ECONNRESET, ENOTCONN
from libc.stdint cimport uint8_t, uint16_t
from libc.string cimport memcpy, memset

from socketstat.includes cimport darwin
from socketstat.includes.darwin cimport (
    in_sockinfo, sockaddr, sockaddr_in, sockaddr_in6, sockaddr_storage, sockaddr_un, sockbuf_info,
    socket_fdinfo, socket_info, socklen_t, tcp_connection_info,
)

import enum as _enum
import os as _os
import socket as _socket

from socketstat._records import format_record as _format_record, record_to_dict as _record_to_dict


class TcpState(_enum.IntEnum):
    """macOS TCP states: xnu's t_state, the BSD numbering (TSI_S_* in <sys/proc_info.h>)."""
    CLOSED = darwin.TSI_S_CLOSED
    LISTEN = darwin.TSI_S_LISTEN
    SYN_SENT = darwin.TSI_S_SYN_SENT
    SYN_RECEIVED = darwin.TSI_S_SYN_RECEIVED
    ESTABLISHED = darwin.TSI_S_ESTABLISHED
    CLOSE_WAIT = darwin.TSI_S__CLOSE_WAIT       # the header spells it TSI_S__CLOSE_WAIT
    FIN_WAIT_1 = darwin.TSI_S_FIN_WAIT_1
    CLOSING = darwin.TSI_S_CLOSING
    LAST_ACK = darwin.TSI_S_LAST_ACK
    FIN_WAIT_2 = darwin.TSI_S_FIN_WAIT_2
    TIME_WAIT = darwin.TSI_S_TIME_WAIT


class TcpConnectionOptions(_enum.IntFlag):
    """Bits of TcpConnectionInfo.tcpi_options (TCPCI_OPT_* in <netinet/tcp.h>): the options in use.

    ``TcpConnectionOptions(info.tcpi_options)`` names them; tcpi_options itself stays a plain int
    so that to_dict() keeps every bit on every Python version.
    """
    TIMESTAMPS = darwin.TCPCI_OPT_TIMESTAMPS
    SACK = darwin.TCPCI_OPT_SACK
    WSCALE = darwin.TCPCI_OPT_WSCALE
    ECN = darwin.TCPCI_OPT_ECN


class TcpConnectionFlags(_enum.IntFlag):
    """Bits of TcpConnectionInfo.tcpi_flags (TCPCI_FLAG_* in <netinet/tcp.h>)."""
    LOSSRECOVERY = darwin.TCPCI_FLAG_LOSSRECOVERY                  # fast recovery or RTO backoff
    REORDERING_DETECTED = darwin.TCPCI_FLAG_REORDERING_DETECTED


cdef dict _TCP_STATES = {member.value: member for member in TcpState}
cdef dict _FAMILIES = {member.value: member for member in _socket.AddressFamily}
cdef dict _KINDS = {member.value: member for member in _socket.SocketKind}


cdef inline object _tcp_state(int value):
    # An unknown state (a kernel newer than this list) stays a plain int.
    return _TCP_STATES.get(value, value)


cdef object _no_pickle(object record):
    raise TypeError(
        f"{type(record).__name__} is a snapshot of live kernel state and is not picklable; "
        "pickle record.to_dict() instead"
    )


# ---------------------------------------------------------------------------------------------
# Records

@cython.freelist(16)
@cython.final
cdef class TcpConnectionInfo:
    """macOS ``struct tcp_connection_info`` (<netinet/tcp.h>), in the kernel's units.

    macOS 10.11 and 10.12 fill 104 bytes; what they did not fill (tcpi_tfo_onebyte_proxy,
    tcpi_txretransmitpackets, both from 10.13) is None. The portable view (``state``, ``rtt``,
    ...) gives the common figures in seconds and bytes, under the same names as Linux's TcpInfo.
    """

    cdef tcp_connection_info _info
    cdef size_t _length

    _fields = (
        "tcpi_state", "tcpi_snd_wscale", "tcpi_rcv_wscale", "tcpi_options", "tcpi_flags",
        "tcpi_rto", "tcpi_maxseg", "tcpi_snd_ssthresh", "tcpi_snd_cwnd", "tcpi_snd_wnd",
        "tcpi_snd_sbbytes", "tcpi_rcv_wnd", "tcpi_rttcur", "tcpi_srtt", "tcpi_rttvar",
        "tcpi_tfo_cookie_req", "tcpi_tfo_cookie_rcv", "tcpi_tfo_syn_loss",
        "tcpi_tfo_syn_data_sent", "tcpi_tfo_syn_data_acked", "tcpi_tfo_syn_data_rcv",
        "tcpi_tfo_cookie_req_rcv", "tcpi_tfo_cookie_sent", "tcpi_tfo_cookie_invalid",
        "tcpi_tfo_cookie_wrong", "tcpi_tfo_no_cookie_rcv", "tcpi_tfo_heuristics_disable",
        "tcpi_tfo_send_blackhole", "tcpi_tfo_recv_blackhole", "tcpi_tfo_onebyte_proxy",
        "tcpi_txpackets", "tcpi_txbytes", "tcpi_txretransmitbytes", "tcpi_rxpackets",
        "tcpi_rxbytes", "tcpi_rxoutoforderbytes", "tcpi_txretransmitpackets",
    )
    _derived_fields = (
        "state", "rtt", "rtt_variance", "rto", "mss", "congestion_window", "retransmissions",
        "bytes_sent", "bytes_received", "bytes_acked",
    )

    def __init__(self):
        raise TypeError("TcpConnectionInfo records are made by socketstat(), not directly")

    cdef inline bint _filled_10_13(self):
        # tcpi_txretransmitpackets and tcpi_tfo_onebyte_proxy arrived together (xnu-4570).
        return self._length >= darwin.END_tcpi_txretransmitpackets

    @property
    def length(self):
        """Bytes of struct tcp_connection_info the kernel filled (104 before macOS 10.13, then 112)."""
        return self._length

    @property
    def tcpi_state(self):
        """TCP state (TcpState, BSD numbering)."""
        return _tcp_state(self._info.tcpi_state)

    @property
    def tcpi_snd_wscale(self):
        """send window scale shift (0 unless window scaling was negotiated)."""
        return self._info.tcpi_snd_wscale

    @property
    def tcpi_rcv_wscale(self):
        """receive window scale shift (0 unless window scaling was negotiated)."""
        return self._info.tcpi_rcv_wscale

    @property
    def tcpi_options(self):
        """TCPCI_OPT_* bits (TcpConnectionOptions): 1 timestamps, 2 SACK, 4 window scaling, 8 ECN."""
        return self._info.tcpi_options

    @property
    def tcpi_flags(self):
        """TCPCI_FLAG_* bits (TcpConnectionFlags): 1 loss recovery, 2 reordering detected."""
        return self._info.tcpi_flags

    @property
    def tcpi_rto(self):
        """retransmission timeout, milliseconds; 0 while the retransmit timer is not armed."""
        return self._info.tcpi_rto

    @property
    def tcpi_maxseg(self):
        """maximum segment size, bytes."""
        return self._info.tcpi_maxseg

    @property
    def tcpi_snd_ssthresh(self):
        """slow-start threshold, bytes (1073725440, TCP_MAXWIN << 14: not yet set)."""
        return self._info.tcpi_snd_ssthresh

    @property
    def tcpi_snd_cwnd(self):
        """congestion window, bytes."""
        return self._info.tcpi_snd_cwnd

    @property
    def tcpi_snd_wnd(self):
        """peer's advertised receive window, bytes."""
        return self._info.tcpi_snd_wnd

    @property
    def tcpi_snd_sbbytes(self):
        """bytes in the send buffer, sent-but-unacknowledged included (so_snd.sb_cc)."""
        return self._info.tcpi_snd_sbbytes

    @property
    def tcpi_rcv_wnd(self):
        """receive window still open to the peer, bytes (rcv_adv - rcv_nxt)."""
        return self._info.tcpi_rcv_wnd

    @property
    def tcpi_rttcur(self):
        """most recent RTT sample, milliseconds."""
        return self._info.tcpi_rttcur

    @property
    def tcpi_srtt(self):
        """smoothed RTT, milliseconds."""
        return self._info.tcpi_srtt

    @property
    def tcpi_rttvar(self):
        """RTT variance, milliseconds."""
        return self._info.tcpi_rttvar

    @property
    def tcpi_tfo_cookie_req(self):
        """TFO: a cookie was requested."""
        return self._info.tcpi_tfo_cookie_req != 0

    @property
    def tcpi_tfo_cookie_rcv(self):
        """TFO: a cookie was received."""
        return self._info.tcpi_tfo_cookie_rcv != 0

    @property
    def tcpi_tfo_syn_loss(self):
        """TFO: fell back to regular TCP after a SYN loss."""
        return self._info.tcpi_tfo_syn_loss != 0

    @property
    def tcpi_tfo_syn_data_sent(self):
        """TFO: SYN with data was sent."""
        return self._info.tcpi_tfo_syn_data_sent != 0

    @property
    def tcpi_tfo_syn_data_acked(self):
        """TFO: the SYN's data was fully acknowledged."""
        return self._info.tcpi_tfo_syn_data_acked != 0

    @property
    def tcpi_tfo_syn_data_rcv(self):
        """TFO server: received SYN with data and a valid cookie."""
        return self._info.tcpi_tfo_syn_data_rcv != 0

    @property
    def tcpi_tfo_cookie_req_rcv(self):
        """TFO server: received a cookie request."""
        return self._info.tcpi_tfo_cookie_req_rcv != 0

    @property
    def tcpi_tfo_cookie_sent(self):
        """TFO server: announced a cookie."""
        return self._info.tcpi_tfo_cookie_sent != 0

    @property
    def tcpi_tfo_cookie_invalid(self):
        """TFO server: received an invalid cookie."""
        return self._info.tcpi_tfo_cookie_invalid != 0

    @property
    def tcpi_tfo_cookie_wrong(self):
        """TFO: the cookie we sent was wrong."""
        return self._info.tcpi_tfo_cookie_wrong != 0

    @property
    def tcpi_tfo_no_cookie_rcv(self):
        """TFO: no cookie came back for our request."""
        return self._info.tcpi_tfo_no_cookie_rcv != 0

    @property
    def tcpi_tfo_heuristics_disable(self):
        """TFO: disabled by the kernel's heuristics."""
        return self._info.tcpi_tfo_heuristics_disable != 0

    @property
    def tcpi_tfo_send_blackhole(self):
        """TFO: a sending black hole was detected."""
        return self._info.tcpi_tfo_send_blackhole != 0

    @property
    def tcpi_tfo_recv_blackhole(self):
        """TFO: a receiving black hole was detected."""
        return self._info.tcpi_tfo_recv_blackhole != 0

    @property
    def tcpi_tfo_onebyte_proxy(self):
        """TFO: a proxy acknowledged all but one byte of the SYN; macOS 10.13."""
        return self._info.tcpi_tfo_onebyte_proxy != 0 if self._filled_10_13() else None

    @property
    def tcpi_txpackets(self):
        """segments sent, retransmissions included."""
        return self._info.tcpi_txpackets

    @property
    def tcpi_txbytes(self):
        """payload bytes sent, retransmissions included."""
        return self._info.tcpi_txbytes

    @property
    def tcpi_txretransmitbytes(self):
        """payload bytes retransmitted."""
        return self._info.tcpi_txretransmitbytes

    @property
    def tcpi_rxpackets(self):
        """segments received."""
        return self._info.tcpi_rxpackets

    @property
    def tcpi_rxbytes(self):
        """payload bytes received, duplicates included."""
        return self._info.tcpi_rxbytes

    @property
    def tcpi_rxoutoforderbytes(self):
        """payload bytes received out of order."""
        return self._info.tcpi_rxoutoforderbytes

    @property
    def tcpi_txretransmitpackets(self):
        """segments retransmitted; macOS 10.13."""
        return self._info.tcpi_txretransmitpackets if self._filled_10_13() else None

    # The portable view: the same names and units on every platform.

    @property
    def state(self):
        """Connection state (TcpState)."""
        return _tcp_state(self._info.tcpi_state)

    @property
    def rtt(self):
        """Smoothed round-trip time, seconds (millisecond resolution on macOS)."""
        return self._info.tcpi_srtt / 1e3

    @property
    def rtt_variance(self):
        """Round-trip time variance, seconds."""
        return self._info.tcpi_rttvar / 1e3

    @property
    def rto(self):
        """Retransmission timeout, seconds; macOS reports 0.0 while nothing awaits retransmission."""
        return self._info.tcpi_rto / 1e3

    @property
    def mss(self):
        """Maximum segment size, bytes."""
        return self._info.tcpi_maxseg

    @property
    def congestion_window(self):
        """Congestion window, bytes (tcpi_snd_cwnd is kept in bytes on macOS)."""
        return self._info.tcpi_snd_cwnd

    @property
    def retransmissions(self):
        """Segments retransmitted over the connection's life; None before macOS 10.13."""
        return self.tcpi_txretransmitpackets

    @property
    def bytes_sent(self):
        """Payload bytes sent, retransmissions included."""
        return self._info.tcpi_txbytes

    @property
    def bytes_received(self):
        """Payload bytes received (macOS counts duplicate segments' bytes too)."""
        return self._info.tcpi_rxbytes

    @property
    def bytes_acked(self):
        """Bytes acknowledged by the peer: not reported by macOS, always None."""
        return None

    @staticmethod
    def from_bytes(raw):
        """A TcpConnectionInfo from the bytes of a ``struct tcp_connection_info`` prefix, e.g. what
        ``sock.getsockopt(IPPROTO_TCP, TCP_CONNECTION_INFO, 512)`` returned; members beyond it
        are None."""
        cdef const unsigned char[::1] view = raw
        if view.shape[0] == 0:
            return tcp_connection_info_from_buffer(NULL, 0)
        return tcp_connection_info_from_buffer(&view[0], view.shape[0])

    def to_dict(self):
        """The struct members and the portable view as plain JSON-ready data."""
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


cdef TcpConnectionInfo tcp_connection_info_from_buffer(const void *buffer, size_t length):
    """The one way a TcpConnectionInfo is filled, whatever the source: copy what the source holds,
    zero the rest, and remember how much was real."""
    cdef TcpConnectionInfo record = TcpConnectionInfo.__new__(TcpConnectionInfo)
    cdef size_t filled = min(length, sizeof(tcp_connection_info))
    if filled:
        memcpy(&record._info, buffer, filled)
    memset((<char *>&record._info) + filled, 0, sizeof(tcp_connection_info) - filled)
    record._length = filled
    return record


@cython.freelist(16)
@cython.final
cdef class SockbufInfo:
    """One socket buffer as proc_pidfdinfo reports it (``struct sockbuf_info``, <sys/proc_info.h>)."""

    cdef sockbuf_info _info

    _fields = ("sbi_cc", "sbi_hiwat", "sbi_mbcnt", "sbi_mbmax", "sbi_lowat", "sbi_flags", "sbi_timeo")

    def __init__(self):
        raise TypeError("SockbufInfo records are made by socketstat(), not directly")

    @property
    def sbi_cc(self):
        """bytes queued (sb_cc): the receive buffer's equals FIONREAD, the send buffer's SO_NWRITE;
        a datagram's sender address and control data count too."""
        return self._info.sbi_cc

    @property
    def sbi_hiwat(self):
        """buffer size, bytes: SO_RCVBUF or SO_SNDBUF."""
        return self._info.sbi_hiwat

    @property
    def sbi_mbcnt(self):
        """bytes of mbuf memory in use."""
        return self._info.sbi_mbcnt

    @property
    def sbi_mbmax(self):
        """limit on sbi_mbcnt, bytes."""
        return self._info.sbi_mbmax

    @property
    def sbi_lowat(self):
        """low-water mark, bytes: SO_RCVLOWAT or SO_SNDLOWAT."""
        return self._info.sbi_lowat

    @property
    def sbi_flags(self):
        """SB_* flags, the low 16 bits of sb_flags (kernel-private values)."""
        return self._info.sbi_flags

    @property
    def sbi_timeo(self):
        """SO_RCVTIMEO or SO_SNDTIMEO in clock ticks (100 a second); 0: none."""
        return self._info.sbi_timeo

    def to_dict(self):
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


cdef SockbufInfo _sockbuf_info(const sockbuf_info *source):
    cdef SockbufInfo record = SockbufInfo.__new__(SockbufInfo)
    record._info = source[0]
    return record


cdef object _address(const sockaddr_storage *storage, socklen_t length):
    """A socket address in the form Python's socket module gives it on macOS."""
    cdef char host[darwin.INET6_ADDRSTRLEN]
    cdef const sockaddr_in *v4
    cdef const sockaddr_in6 *v6
    cdef const sockaddr_un *unix_address
    cdef size_t path_length
    cdef int family = storage.ss_family
    if family == darwin.AF_INET:
        v4 = <const sockaddr_in *>storage
        if darwin.inet_ntop(darwin.AF_INET, &v4.sin_addr, host, sizeof(host)) == NULL:
            _raise_errno(errno, "inet_ntop()")
        return (host.decode("ascii"), darwin.ntohs(v4.sin_port))
    if family == darwin.AF_INET6:
        # inet_ntop, as CPython's makesockaddr: getnameinfo would append "%<interface>".
        v6 = <const sockaddr_in6 *>storage
        if darwin.inet_ntop(darwin.AF_INET6, &v6.sin6_addr, host, sizeof(host)) == NULL:
            _raise_errno(errno, "inet_ntop()")
        return (host.decode("ascii"), darwin.ntohs(v6.sin6_port), darwin.ntohl(v6.sin6_flowinfo),
                v6.sin6_scope_id)
    # AF_UNIX: a NUL-terminated path; "" for an unbound socket (xnu's sun_noname).
    unix_address = <const sockaddr_un *>storage
    path_length = length - darwin.SUN_PATH_OFFSET if length > darwin.SUN_PATH_OFFSET else 0
    return _os.fsdecode(unix_address.sun_path[:darwin.strnlen(unix_address.sun_path, path_length)])


@cython.freelist(16)
@cython.final
cdef class SocketInfo:
    """The socket as proc_pidfdinfo(PROC_PIDFDSOCKETINFO) describes it (``struct socket_info``,
    <sys/proc_info.h>): identity, addresses, queues, both buffers, and per-protocol state.

    ``insi_*`` apply to IPv4 and IPv6 sockets (TCP, UDP, raw), ``tcpsi_*`` to TCP sockets and
    ``unsi_*`` to Unix sockets; each is None where it does not apply.
    """

    cdef socket_info _info
    cdef sockaddr_storage _local
    cdef socklen_t _local_length       # 0: no address (a family proc_pidfdinfo does not describe)
    cdef sockaddr_storage _remote
    cdef socklen_t _remote_length      # 0: no peer
    cdef SockbufInfo _rcv
    cdef SockbufInfo _snd
    cdef object _readable_bytes
    cdef object _queued_datagrams

    _fields = (
        "family", "type", "protocol", "local_address", "remote_address",
        "soi_kind", "soi_so", "soi_pcb", "soi_options", "soi_linger", "soi_state", "soi_qlen",
        "soi_incqlen", "soi_qlimit", "soi_timeo", "soi_error", "soi_oobmark", "soi_rcv", "soi_snd",
        "insi_gencnt", "insi_flags", "insi_vflag", "insi_ip_ttl", "insi_v4_in4_tos",
        "insi_v6_in6_cksum", "insi_v6_in6_hops",
        "tcpsi_state", "tcpsi_timer_rexmt", "tcpsi_timer_persist", "tcpsi_timer_keep",
        "tcpsi_timer_2msl", "tcpsi_mss", "tcpsi_flags", "tcpsi_tp",
        "unsi_conn_so", "unsi_conn_pcb",
        "readable_bytes", "queued_datagrams",
    )
    _derived_fields = ("receive_buffer_size", "send_buffer_size")

    def __init__(self):
        raise TypeError("SocketInfo records are made by socketstat(), not directly")

    cdef inline bint _is_inet(self):
        return self._info.soi_kind == darwin.SOCKINFO_IN or self._info.soi_kind == darwin.SOCKINFO_TCP

    cdef inline bint _is_tcp(self):
        return self._info.soi_kind == darwin.SOCKINFO_TCP

    cdef inline bint _is_unix(self):
        return self._info.soi_kind == darwin.SOCKINFO_UN

    @property
    def family(self):
        """Address family (socket.AddressFamily; a plain int if Python has no name for it)."""
        return _FAMILIES.get(self._info.soi_family, self._info.soi_family)

    @property
    def type(self):
        """Socket type (socket.SocketKind)."""
        return _KINDS.get(self._info.soi_type, self._info.soi_type)

    @property
    def protocol(self):
        """Protocol number (socket.IPPROTO_TCP, socket.IPPROTO_UDP, 0 for Unix sockets...)."""
        return self._info.soi_protocol

    @property
    def local_address(self):
        """The address socket.getsockname() gives: (host, port) for IPv4, (host, port, flowinfo,
        scope_id) for IPv6, a path str for Unix ("" when unbound); None for other families."""
        if self._local_length == 0:
            return None
        return _address(&self._local, self._local_length)

    @property
    def remote_address(self):
        """The address socket.getpeername() gives, in the same forms; None when not connected."""
        if self._remote_length == 0:
            return None
        return _address(&self._remote, self._remote_length)

    @property
    def soi_kind(self):
        """SOCKINFO_*: which protocol part the kernel filled: 0 generic, 1 IP, 2 TCP, 3 Unix,
        4 NDRV, 5 kernel event, 6 kernel control, 7 vsock."""
        return self._info.soi_kind

    @property
    def soi_so(self):
        """the socket's kernel address, hashed (VM_KERNEL_ADDRHASH): an identifier, stable for the
        socket's life; a Unix peer's unsi_conn_so."""
        return self._info.soi_so

    @property
    def soi_pcb(self):
        """the protocol control block's kernel address, hashed: lsof's DEVICE for Unix and UDP
        sockets; a Unix peer's unsi_conn_pcb."""
        return self._info.soi_pcb

    @property
    def soi_options(self):
        """SO_* option bits set (so_options & 0xffff): 0x2 SO_ACCEPTCONN, 0x4 SO_REUSEADDR,
        0x8 SO_KEEPALIVE, 0x80 SO_LINGER, 0x200 SO_REUSEPORT..."""
        return self._info.soi_options

    @property
    def soi_linger(self):
        """SO_LINGER time in clock ticks (100 a second)."""
        return self._info.soi_linger

    @property
    def soi_state(self):
        """SOI_S_* bits: 0x2 connected, 0x4 connecting, 0x8 disconnecting, 0x10 can't send more,
        0x20 can't receive more, 0x100 non-blocking, 0x2000 disconnected..."""
        return self._info.soi_state

    @property
    def soi_qlen(self):
        """listening socket: connections queued, complete and incomplete (netstat -L qlen)."""
        return self._info.soi_qlen

    @property
    def soi_incqlen(self):
        """listening socket: incomplete connections queued (netstat -L incqlen)."""
        return self._info.soi_incqlen

    @property
    def soi_qlimit(self):
        """listening socket: the listen() backlog (netstat -L maxqlen)."""
        return self._info.soi_qlimit

    @property
    def soi_timeo(self):
        """so_timeo: the connection timeout, clock ticks."""
        return self._info.soi_timeo

    @property
    def soi_error(self):
        """pending socket error (an errno; unlike SO_ERROR, reading it here does not clear it)."""
        return self._info.soi_error

    @property
    def soi_oobmark(self):
        """bytes before the out-of-band mark in the receive buffer."""
        return self._info.soi_oobmark

    @property
    def soi_rcv(self):
        """the receive buffer (SockbufInfo)."""
        if self._rcv is None:
            self._rcv = _sockbuf_info(&self._info.soi_rcv)
        return self._rcv

    @property
    def soi_snd(self):
        """the send buffer (SockbufInfo)."""
        if self._snd is None:
            self._snd = _sockbuf_info(&self._info.soi_snd)
        return self._snd

    @property
    def insi_gencnt(self):
        """IP: the PCB's generation count, an identifier (netstat's inp_gencnt)."""
        return self._info.soi_proto.pri_in.insi_gencnt if self._is_inet() else None

    @property
    def insi_flags(self):
        """IP: INP_* flags of the PCB (kernel-private bits)."""
        return self._info.soi_proto.pri_in.insi_flags if self._is_inet() else None

    @property
    def insi_vflag(self):
        """IP: INI_IPV4 (1) and/or INI_IPV6 (2): which address slot the PCB uses."""
        return self._info.soi_proto.pri_in.insi_vflag if self._is_inet() else None

    @property
    def insi_ip_ttl(self):
        """IP: time to live (IPv4 IP_TTL)."""
        return self._info.soi_proto.pri_in.insi_ip_ttl if self._is_inet() else None

    @property
    def insi_v4_in4_tos(self):
        """IP: IPv4 type of service (IP_TOS)."""
        return self._info.soi_proto.pri_in.insi_v4.in4_tos if self._is_inet() else None

    @property
    def insi_v6_in6_cksum(self):
        """IP: IPv6 checksum offset (IPV6_CHECKSUM; -1: none)."""
        return self._info.soi_proto.pri_in.insi_v6.in6_cksum if self._is_inet() else None

    @property
    def insi_v6_in6_hops(self):
        """IP: IPv6 unicast hop limit (IPV6_UNICAST_HOPS; -1: the system default)."""
        return self._info.soi_proto.pri_in.insi_v6.in6_hops if self._is_inet() else None

    @property
    def tcpsi_state(self):
        """TCP: state (TcpState)."""
        return _tcp_state(self._info.soi_proto.pri_tcp.tcpsi_state) if self._is_tcp() else None

    # The four timers are xnu's raw t_timer[] values (OFFSET_FROM_START): milliseconds on the TCP
    # clock counted from the connection's timer base, 0 when not armed. They are NOT the time left.

    @property
    def tcpsi_timer_rexmt(self):
        """TCP: retransmit timer, raw t_timer[TCPT_REXMT] (0: not armed; not the time left)."""
        return self._info.soi_proto.pri_tcp.tcpsi_timer[darwin.TSI_T_REXMT] if self._is_tcp() else None

    @property
    def tcpsi_timer_persist(self):
        """TCP: persist timer, raw t_timer[TCPT_PERSIST] (0: not armed; not the time left)."""
        return self._info.soi_proto.pri_tcp.tcpsi_timer[darwin.TSI_T_PERSIST] if self._is_tcp() else None

    @property
    def tcpsi_timer_keep(self):
        """TCP: keepalive or connection-establishment timer, raw t_timer[TCPT_KEEP] (0: not armed;
        not the time left)."""
        return self._info.soi_proto.pri_tcp.tcpsi_timer[darwin.TSI_T_KEEP] if self._is_tcp() else None

    @property
    def tcpsi_timer_2msl(self):
        """TCP: 2MSL (TIME_WAIT) or FIN_WAIT_2 timer, raw t_timer[TCPT_2MSL] (0: not armed; not the
        time left)."""
        return self._info.soi_proto.pri_tcp.tcpsi_timer[darwin.TSI_T_2MSL] if self._is_tcp() else None

    @property
    def tcpsi_mss(self):
        """TCP: maximum segment size (t_maxseg), bytes."""
        return self._info.soi_proto.pri_tcp.tcpsi_mss if self._is_tcp() else None

    @property
    def tcpsi_flags(self):
        """TCP: t_flags (TF_* bits, kernel-private)."""
        return self._info.soi_proto.pri_tcp.tcpsi_flags if self._is_tcp() else None

    @property
    def tcpsi_tp(self):
        """TCP: the TCP control block's kernel address, hashed: lsof's DEVICE for TCP sockets."""
        return self._info.soi_proto.pri_tcp.tcpsi_tp if self._is_tcp() else None

    @property
    def unsi_conn_so(self):
        """Unix: the connected peer's soi_so (0: no peer)."""
        return self._info.soi_proto.pri_un.unsi_conn_so if self._is_unix() else None

    @property
    def unsi_conn_pcb(self):
        """Unix: the connected peer's soi_pcb (0: no peer)."""
        return self._info.soi_proto.pri_un.unsi_conn_pcb if self._is_unix() else None

    @property
    def readable_bytes(self):
        """SO_NREAD: data bytes a read would find: a datagram socket's first datagram (payload
        only), a stream socket's queued data without control messages; details only."""
        return self._readable_bytes

    @property
    def queued_datagrams(self):
        """SO_NUMRCVPKT: datagrams waiting in the receive buffer; datagram sockets and details only."""
        return self._queued_datagrams

    @property
    def receive_buffer_size(self):
        """SO_RCVBUF, bytes (soi_rcv.sbi_hiwat)."""
        return self._info.soi_rcv.sbi_hiwat

    @property
    def send_buffer_size(self):
        """The send buffer's size, bytes (soi_snd.sbi_hiwat); getsockopt(SO_SNDBUF) on a connected
        Unix socket adds the bytes its peer holds."""
        return self._info.soi_snd.sbi_hiwat

    def to_dict(self):
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


@cython.freelist(16)
@cython.final
cdef class SocketStat:
    """Everything the kernel reports about one socket, read in one call to socketstat()."""

    cdef readonly long long unreceived
    cdef readonly long long unsent
    cdef readonly TcpConnectionInfo connection_info
    cdef readonly SocketInfo socket_info

    _fields = (
        "unreceived", "unsent", "not_yet_sent", "accept_queue", "accept_queue_limit",
        "connection_info", "socket_info",
    )

    def __init__(self):
        raise TypeError("SocketStat records are made by socketstat(), not directly")

    @property
    def not_yet_sent(self):
        """Bytes queued but never transmitted: macOS does not report it, always None."""
        return None

    cdef inline bint _listening_tcp(self):
        if self.socket_info is None:  # a record made by SocketStat.__new__, never filled
            return False
        cdef const socket_info *info = &self.socket_info._info
        return (info.soi_kind == darwin.SOCKINFO_TCP
                and info.soi_proto.pri_tcp.tcpsi_state == darwin.TSI_S_LISTEN)

    @property
    def accept_queue(self):
        """A listening TCP socket's established connections waiting for accept(): soi_qlen -
        soi_incqlen (xnu's so_qlen also counts handshakes in progress); else None."""
        if not self._listening_tcp():
            return None
        return self.socket_info._info.soi_qlen - self.socket_info._info.soi_incqlen

    @property
    def accept_queue_limit(self):
        """A listening TCP socket's accept queue limit, the listen() backlog capped at
        kern.ipc.somaxconn (soi_qlimit); else None."""
        if not self._listening_tcp():
            return None
        return self.socket_info._info.soi_qlimit

    def to_dict(self):
        """Plain JSON-ready data: enums by name, records as dicts, addresses as lists."""
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


# ---------------------------------------------------------------------------------------------
# Reading

cdef enum Call:
    # The call that failed, named in the OSError's message.
    CALL_NONE
    CALL_SO_TYPE
    CALL_PROC_PIDFDINFO
    CALL_PROC_PIDFDINFO_SIZE           # it answered, but not with sizeof(struct socket_fdinfo) bytes
    CALL_TCP_CONNECTION_INFO
    CALL_FIONREAD
    CALL_SO_NWRITE
    CALL_GETSOCKNAME
    CALL_GETPEERNAME

_CALL_NAMES = (
    "",
    "getsockopt(SOL_SOCKET, SO_TYPE)",
    "proc_pidfdinfo(PROC_PIDFDSOCKETINFO)",
    "proc_pidfdinfo(PROC_PIDFDSOCKETINFO)",
    "getsockopt(IPPROTO_TCP, TCP_CONNECTION_INFO)",
    "ioctl(FIONREAD)",
    "getsockopt(SOL_SOCKET, SO_NWRITE)",
    "getsockname()",
    "getpeername()",
)


cdef struct Snapshot:
    # What the syscalls returned, before any Python object exists.
    int type                            # SO_TYPE; psi.soi_type says the same
    socket_fdinfo fdinfo
    int fdinfo_length
    tcp_connection_info tcp
    socklen_t tcp_length                # 0: no TCP connection info
    int unreceived
    int unsent
    sockaddr_storage local
    socklen_t local_length              # 0: none
    sockaddr_storage remote
    socklen_t remote_length             # 0: not connected
    int error                           # errno of the failed call
    # details=True
    int readable_bytes
    bint has_readable_bytes
    int queued_datagrams
    bint has_queued_datagrams


cdef inline int _getsockopt_int(int fd, int level, int name, int *value) noexcept nogil:
    cdef socklen_t length = sizeof(int)
    return darwin.getsockopt(fd, level, name, value, &length)


cdef socklen_t _inet_address(int family, const in_sockinfo *insi, bint local,
                             sockaddr_storage *out) noexcept nogil:
    """The sockaddr xnu's getsockname()/getpeername() would build from this PCB (in_getsockaddr,
    in6_mapped_sockaddr: an AF_INET6 socket whose PCB carries IPv4 gives ::ffff:a.b.c.d, or ::
    for 0.0.0.0, and never a flowinfo); its length, or 0 if only the kernel knows its scope id."""
    cdef sockaddr_in *v4 = <sockaddr_in *>out
    cdef sockaddr_in6 *v6 = <sockaddr_in6 *>out
    cdef uint16_t port = <uint16_t>(insi.insi_lport if local else insi.insi_fport)
    cdef const darwin.in4in6_addr *address46 = &insi.insi_laddr.ina_46 if local else &insi.insi_faddr.ina_46
    cdef const darwin.in6_addr *address6 = &insi.insi_laddr.ina_6 if local else &insi.insi_faddr.ina_6
    cdef uint8_t *mapped
    memset(out, 0, sizeof(sockaddr_storage))
    if family == darwin.AF_INET:
        v4.sin_len = sizeof(sockaddr_in)
        v4.sin_family = darwin.AF_INET
        v4.sin_port = port
        v4.sin_addr = address46.i46a_addr4
        return sizeof(sockaddr_in)
    v6.sin6_len = sizeof(sockaddr_in6)
    v6.sin6_family = darwin.AF_INET6
    v6.sin6_port = port
    if insi.insi_vflag & darwin.INI_IPV4:
        if address46.i46a_addr4.s_addr != 0:
            mapped = <uint8_t *>&v6.sin6_addr
            mapped[10] = 0xff
            mapped[11] = 0xff
            memcpy(mapped + 12, &address46.i46a_addr4, 4)
        return sizeof(sockaddr_in6)
    if darwin.socketstat_in6_scope_embedded(address6):
        return 0
    memcpy(&v6.sin6_addr, address6, sizeof(darwin.in6_addr))
    return sizeof(sockaddr_in6)


cdef socklen_t _unix_address(const sockaddr_un *source, sockaddr_storage *out) noexcept nogil:
    """The sockaddr_un xnu's getsockname()/getpeername() would give: the bound address, or the
    nameless one (family only) that uipc_sockaddr returns for an unbound socket."""
    cdef size_t length = source.sun_len
    memset(out, 0, sizeof(sockaddr_storage))
    if length > sizeof(sockaddr_storage):
        length = sizeof(sockaddr_storage)
    if length > darwin.SUN_PATH_OFFSET:
        memcpy(out, source, length)
    else:
        length = darwin.SUN_PATH_OFFSET
    out.ss_len = <uint8_t>length
    out.ss_family = darwin.AF_UNIX
    return <socklen_t>length


cdef Call read_snapshot(int fd, Snapshot *snap, bint details) noexcept nogil:
    """Every syscall socketstat() makes, in order; returns the call that failed
    (its errno in snap.error) or CALL_NONE."""
    cdef socklen_t length
    cdef const socket_info *psi = &snap.fdinfo.psi
    cdef const in_sockinfo *insi = &snap.fdinfo.psi.soi_proto.pri_in

    # First a call that any socket answers, so that a non-socket gives ENOTSOCK and a closed fd
    # EBADF before proc_pidfdinfo's own checks.
    if _getsockopt_int(fd, darwin.SOL_SOCKET, darwin.SO_TYPE, &snap.type) != 0:
        snap.error = errno
        return CALL_SO_TYPE

    snap.fdinfo_length = darwin.proc_pidfdinfo(darwin.getpid(), fd, darwin.PROC_PIDFDSOCKETINFO,
                                               &snap.fdinfo, sizeof(socket_fdinfo))
    if snap.fdinfo_length != sizeof(socket_fdinfo):
        # libproc answers 0 and sets errno on failure; anything else short is a kernel we do not know.
        snap.error = errno if snap.fdinfo_length <= 0 else 0
        return CALL_PROC_PIDFDINFO if snap.error != 0 else CALL_PROC_PIDFDINFO_SIZE

    snap.tcp_length = 0
    if psi.soi_kind == darwin.SOCKINFO_TCP:
        length = sizeof(tcp_connection_info)
        if darwin.getsockopt(fd, darwin.IPPROTO_TCP, darwin.TCP_CONNECTION_INFO, &snap.tcp, &length) == 0:
            snap.tcp_length = length
        elif errno != ECONNRESET:
            # ECONNRESET: the TCP control block went away since proc_pidfdinfo (tcp_ctloutput).
            snap.error = errno
            return CALL_TCP_CONNECTION_INFO

    if darwin.ioctl(fd, darwin.FIONREAD, &snap.unreceived) != 0:
        snap.error = errno
        return CALL_FIONREAD
    if _getsockopt_int(fd, darwin.SOL_SOCKET, darwin.SO_NWRITE, &snap.unsent) != 0:
        snap.error = errno
        return CALL_SO_NWRITE

    # Addresses from the PCB copy; getpeername() answers ENOTCONN unless SS_ISCONNECTED.
    snap.local_length = 0
    snap.remote_length = 0
    if psi.soi_kind == darwin.SOCKINFO_IN or psi.soi_kind == darwin.SOCKINFO_TCP:
        snap.local_length = _inet_address(psi.soi_family, insi, True, &snap.local)
        if snap.local_length == 0:
            snap.local_length = sizeof(sockaddr_storage)
            if darwin.getsockname(fd, <sockaddr *>&snap.local, &snap.local_length) != 0:
                snap.error = errno
                return CALL_GETSOCKNAME
        if psi.soi_state & darwin.SOI_S_ISCONNECTED:
            snap.remote_length = _inet_address(psi.soi_family, insi, False, &snap.remote)
            if snap.remote_length == 0:
                snap.remote_length = sizeof(sockaddr_storage)
                if darwin.getpeername(fd, <sockaddr *>&snap.remote, &snap.remote_length) != 0:
                    snap.remote_length = 0
                    if errno != ENOTCONN:
                        snap.error = errno
                        return CALL_GETPEERNAME
    elif psi.soi_kind == darwin.SOCKINFO_UN:
        snap.local_length = _unix_address(&psi.soi_proto.pri_un.unsi_addr.ua_sun, &snap.local)
        if psi.soi_state & darwin.SOI_S_ISCONNECTED:
            snap.remote_length = _unix_address(&psi.soi_proto.pri_un.unsi_caddr.ua_sun, &snap.remote)

    if details:
        # Options an older macOS lacks, or a socket type refuses, are left out (None).
        snap.has_readable_bytes = _getsockopt_int(
            fd, darwin.SOL_SOCKET, darwin.SO_NREAD, &snap.readable_bytes) == 0
        snap.has_queued_datagrams = _getsockopt_int(
            fd, darwin.SOL_SOCKET, darwin.SO_NUMRCVPKT, &snap.queued_datagrams) == 0
    return CALL_NONE


cdef object _raise_errno(int error, str call):
    raise OSError(error, f"{_os.strerror(error)} (originated from {call})")


cdef object _raise_from(Call call, const Snapshot *snap):
    if call == CALL_PROC_PIDFDINFO_SIZE:
        raise OSError(
            f"proc_pidfdinfo(PROC_PIDFDSOCKETINFO) filled {snap.fdinfo_length} bytes, not "
            f"sizeof(struct socket_fdinfo) = {sizeof(socket_fdinfo)}"
        )
    _raise_errno(snap.error, _CALL_NAMES[call])


cdef SocketInfo _socket_info(const Snapshot *snap, bint details):
    cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
    info._info = snap.fdinfo.psi
    info._local_length = snap.local_length
    if snap.local_length:
        memcpy(&info._local, &snap.local, snap.local_length)
    info._remote_length = snap.remote_length
    if snap.remote_length:
        memcpy(&info._remote, &snap.remote, snap.remote_length)
    info._rcv = None
    info._snd = None
    info._readable_bytes = snap.readable_bytes if details and snap.has_readable_bytes else None
    info._queued_datagrams = snap.queued_datagrams if details and snap.has_queued_datagrams else None
    return info


def socketstat(fd, *, bint details=False):
    """socketstat(fd, *, details=False) -> SocketStat

    Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads SO_NREAD and SO_NUMRCVPKT (two more syscalls):
    the first datagram's size and the number of datagrams queued.

    Raises TypeError for an object that is neither, ValueError for a negative fd, and OSError
    (EBADF, ENOTSOCK, ...) naming the call that failed.
    """
    cdef int descriptor = darwin.PyObject_AsFileDescriptor(fd)
    cdef Snapshot snap
    # The GIL stays held, as on Linux: these calls never block, and releasing it costs more than
    # it gives (see the note in _linux.pyx).
    cdef Call failed = read_snapshot(descriptor, &snap, details)
    if failed != CALL_NONE:
        _raise_from(failed, &snap)

    cdef SocketStat stat = SocketStat.__new__(SocketStat)
    stat.unreceived = snap.unreceived
    stat.unsent = snap.unsent
    if snap.tcp_length:
        stat.connection_info = tcp_connection_info_from_buffer(&snap.tcp, snap.tcp_length)
    else:
        stat.connection_info = None
    stat.socket_info = _socket_info(&snap, details)
    return stat
