# cython: language_level=3, embedsignature=True, autotestdict=False
"""Linux backend: one socket's kernel state from getsockopt(2), ioctl(2) and getsockname(2).

What socketstat(fd) reads, and why (costs measured on the project's machine, see README):
  always    getsockopt(SO_PROTOCOL), getsockname()                  identity
  TCP       getsockopt(TCP_INFO) [+ SIOCINQ, SIOCOUTQ, getpeername unless listening]
  otherwise getsockopt(SO_TYPE), SIOCINQ, SIOCOUTQ, getpeername
  details   getsockopt(SO_COOKIE), getsockopt(SO_MEMINFO), fstat() [+ TCP_CONGESTION for TCP]
SIOCOUTQNSD is not issued for TCP: tcpi_notsent_bytes is the same write_seq - snd_nxt.
"""

cimport cython
from libc.errno cimport errno, EINVAL, ENOTCONN, ENOPROTOOPT, EOPNOTSUPP
from libc.stdint cimport uint32_t, uint64_t
from libc.string cimport memcpy, memset

from socketstat.includes cimport linux
from socketstat.includes.linux cimport (
    socketstat_tcp_info, sockaddr, sockaddr_storage, sockaddr_un, socklen_t,
)

import enum as _enum
import os as _os
import socket as _socket

from socketstat._records import format_record as _format_record, record_to_dict as _record_to_dict


class TcpState(_enum.IntEnum):
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


cdef dict _TCP_STATES = {member.value: member for member in TcpState}
cdef dict _FAMILIES = {member.value: member for member in _socket.AddressFamily}
cdef dict _KINDS = {member.value: member for member in _socket.SocketKind}


cdef inline object _tcp_state(int value):
    # An unknown state (a kernel newer than this list) stays a plain int.
    return _TCP_STATES.get(value, value)


def _kernel_recut_accecn_bits():
    # Linux 7.0 turned the two u16 AccECN members at offset 276 into bitfields of one u32 without
    # changing sizeof(struct tcp_info); on 7.0+ the 6.18 reading would be wrong, so report None.
    release = _os.uname().release.split(".")
    try:
        return (int(release[0]), int(release[1].split("-")[0])) >= (7, 0)
    except (IndexError, ValueError):
        return True


cdef bint _KERNEL_RECUT_ACCECN_BITS = _kernel_recut_accecn_bits()


cdef object _no_pickle(object record):
    raise TypeError(
        f"{type(record).__name__} is a snapshot of live kernel state and is not picklable; "
        "pickle record.to_dict() instead"
    )


# ---------------------------------------------------------------------------------------------
# Records

@cython.freelist(16)
@cython.final
cdef class TcpInfo:
    """Linux ``struct tcp_info`` (include/uapi/linux/tcp.h, up to 6.18), in the kernel's units.

    Members the running kernel did not fill (it is older than the member) are None. The portable
    view (``state``, ``rtt``, ...) gives the common figures in seconds and bytes.
    """

    cdef socketstat_tcp_info _info
    cdef size_t _length

    _fields = (
        "tcpi_state", "tcpi_ca_state", "tcpi_retransmits", "tcpi_probes", "tcpi_backoff",
        "tcpi_options", "tcpi_snd_wscale", "tcpi_rcv_wscale", "tcpi_delivery_rate_app_limited",
        "tcpi_fastopen_client_fail", "tcpi_rto", "tcpi_ato", "tcpi_snd_mss", "tcpi_rcv_mss",
        "tcpi_unacked", "tcpi_sacked", "tcpi_lost", "tcpi_retrans", "tcpi_fackets",
        "tcpi_last_data_sent", "tcpi_last_ack_sent", "tcpi_last_data_recv", "tcpi_last_ack_recv",
        "tcpi_pmtu", "tcpi_rcv_ssthresh", "tcpi_rtt", "tcpi_rttvar", "tcpi_snd_ssthresh",
        "tcpi_snd_cwnd", "tcpi_advmss", "tcpi_reordering", "tcpi_rcv_rtt", "tcpi_rcv_space",
        "tcpi_total_retrans", "tcpi_pacing_rate", "tcpi_max_pacing_rate", "tcpi_bytes_acked",
        "tcpi_bytes_received", "tcpi_segs_out", "tcpi_segs_in", "tcpi_notsent_bytes",
        "tcpi_min_rtt", "tcpi_data_segs_in", "tcpi_data_segs_out", "tcpi_delivery_rate",
        "tcpi_busy_time", "tcpi_rwnd_limited", "tcpi_sndbuf_limited", "tcpi_delivered",
        "tcpi_delivered_ce", "tcpi_bytes_sent", "tcpi_bytes_retrans", "tcpi_dsack_dups",
        "tcpi_reord_seen", "tcpi_rcv_ooopack", "tcpi_snd_wnd", "tcpi_rcv_wnd", "tcpi_rehash",
        "tcpi_total_rto", "tcpi_total_rto_recoveries", "tcpi_total_rto_time", "tcpi_received_ce",
        "tcpi_delivered_e1_bytes", "tcpi_delivered_e0_bytes", "tcpi_delivered_ce_bytes",
        "tcpi_received_e1_bytes", "tcpi_received_e0_bytes", "tcpi_received_ce_bytes",
        "tcpi_accecn_fail_mode", "tcpi_accecn_opt_seen",
    )

    @property
    def tcpi_state(self):
        """TCP state (TcpState, Linux numbering)."""
        return _tcp_state(self._info.tcpi_state)

    @property
    def tcpi_ca_state(self):
        """congestion-avoidance state: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss."""
        return self._info.tcpi_ca_state

    @property
    def tcpi_retransmits(self):
        """RTO retransmits of the current segment."""
        return self._info.tcpi_retransmits

    @property
    def tcpi_probes(self):
        """unanswered zero-window or keepalive probes."""
        return self._info.tcpi_probes

    @property
    def tcpi_backoff(self):
        """RTO exponential backoff count."""
        return self._info.tcpi_backoff

    @property
    def tcpi_options(self):
        """TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 wscale, 8 ECN, 16 ECN seen, 32 SYN data, 64 usec timestamps."""
        return self._info.tcpi_options

    @property
    def tcpi_snd_wscale(self):
        """send window scale shift."""
        return self._info.tcpi_snd_wscale

    @property
    def tcpi_rcv_wscale(self):
        """receive window scale shift."""
        return self._info.tcpi_rcv_wscale

    @property
    def tcpi_delivery_rate_app_limited(self):
        """1 if tcpi_delivery_rate was measured while application-limited (4.9)."""
        return self._info.tcpi_delivery_rate_app_limited

    @property
    def tcpi_fastopen_client_fail(self):
        """TFO client failure reason, TFO_* (5.5; 0 on older kernels)."""
        return self._info.tcpi_fastopen_client_fail

    @property
    def tcpi_rto(self):
        """retransmission timeout, microseconds."""
        return self._info.tcpi_rto

    @property
    def tcpi_ato(self):
        """delayed-ACK timeout, microseconds."""
        return self._info.tcpi_ato

    @property
    def tcpi_snd_mss(self):
        """send MSS, bytes."""
        return self._info.tcpi_snd_mss

    @property
    def tcpi_rcv_mss(self):
        """receive MSS estimate, bytes."""
        return self._info.tcpi_rcv_mss

    @property
    def tcpi_unacked(self):
        """segments sent and not acknowledged (LISTEN: accept queue length)."""
        return self._info.tcpi_unacked

    @property
    def tcpi_sacked(self):
        """segments SACKed (LISTEN: accept queue limit)."""
        return self._info.tcpi_sacked

    @property
    def tcpi_lost(self):
        """segments presumed lost."""
        return self._info.tcpi_lost

    @property
    def tcpi_retrans(self):
        """segments retransmitted and not yet acknowledged."""
        return self._info.tcpi_retrans

    @property
    def tcpi_fackets(self):
        """unused since 4.15, always 0."""
        return self._info.tcpi_fackets

    @property
    def tcpi_last_data_sent(self):
        """milliseconds since data was last sent."""
        return self._info.tcpi_last_data_sent

    @property
    def tcpi_last_ack_sent(self):
        """not kept by the kernel, always 0."""
        return self._info.tcpi_last_ack_sent

    @property
    def tcpi_last_data_recv(self):
        """milliseconds since data was last received."""
        return self._info.tcpi_last_data_recv

    @property
    def tcpi_last_ack_recv(self):
        """milliseconds since an ACK was last received."""
        return self._info.tcpi_last_ack_recv

    @property
    def tcpi_pmtu(self):
        """path MTU, bytes."""
        return self._info.tcpi_pmtu

    @property
    def tcpi_rcv_ssthresh(self):
        """receive slow-start threshold (window clamp), bytes."""
        return self._info.tcpi_rcv_ssthresh

    @property
    def tcpi_rtt(self):
        """smoothed RTT, microseconds."""
        return self._info.tcpi_rtt

    @property
    def tcpi_rttvar(self):
        """RTT mean deviation, microseconds."""
        return self._info.tcpi_rttvar

    @property
    def tcpi_snd_ssthresh(self):
        """slow-start threshold, segments (>= 0xFFFF: infinite)."""
        return self._info.tcpi_snd_ssthresh

    @property
    def tcpi_snd_cwnd(self):
        """congestion window, segments."""
        return self._info.tcpi_snd_cwnd

    @property
    def tcpi_advmss(self):
        """advertised MSS, bytes."""
        return self._info.tcpi_advmss

    @property
    def tcpi_reordering(self):
        """reordering metric, segments."""
        return self._info.tcpi_reordering

    @property
    def tcpi_rcv_rtt(self):
        """receiver-side RTT estimate, microseconds."""
        return self._info.tcpi_rcv_rtt

    @property
    def tcpi_rcv_space(self):
        """receive buffer space estimate, bytes."""
        return self._info.tcpi_rcv_space

    @property
    def tcpi_total_retrans(self):
        """segments retransmitted over the connection's life."""
        return self._info.tcpi_total_retrans

    @property
    def tcpi_pacing_rate(self):
        """pacing rate, bytes/s (2**64-1: unlimited); Linux 3.15."""
        return self._info.tcpi_pacing_rate if self._length >= linux.END_tcpi_pacing_rate else None

    @property
    def tcpi_max_pacing_rate(self):
        """SO_MAX_PACING_RATE, bytes/s (2**64-1: unlimited); Linux 3.15."""
        return self._info.tcpi_max_pacing_rate if self._length >= linux.END_tcpi_max_pacing_rate else None

    @property
    def tcpi_bytes_acked(self):
        """bytes acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked); Linux 4.1."""
        return self._info.tcpi_bytes_acked if self._length >= linux.END_tcpi_bytes_acked else None

    @property
    def tcpi_bytes_received(self):
        """bytes received and acknowledged (RFC 4898 tcpEStatsAppHCThruOctetsReceived); Linux 4.1."""
        return self._info.tcpi_bytes_received if self._length >= linux.END_tcpi_bytes_received else None

    @property
    def tcpi_segs_out(self):
        """segments sent, retransmissions and pure ACKs included; Linux 4.2."""
        return self._info.tcpi_segs_out if self._length >= linux.END_tcpi_segs_out else None

    @property
    def tcpi_segs_in(self):
        """segments received; Linux 4.2."""
        return self._info.tcpi_segs_in if self._length >= linux.END_tcpi_segs_in else None

    @property
    def tcpi_notsent_bytes(self):
        """bytes in the send queue not yet sent; Linux 4.6."""
        return self._info.tcpi_notsent_bytes if self._length >= linux.END_tcpi_notsent_bytes else None

    @property
    def tcpi_min_rtt(self):
        """minimum RTT seen, microseconds (2**32-1: none yet); Linux 4.6."""
        return self._info.tcpi_min_rtt if self._length >= linux.END_tcpi_min_rtt else None

    @property
    def tcpi_data_segs_in(self):
        """segments received carrying data; Linux 4.6."""
        return self._info.tcpi_data_segs_in if self._length >= linux.END_tcpi_data_segs_in else None

    @property
    def tcpi_data_segs_out(self):
        """segments sent carrying data, retransmissions included; Linux 4.6."""
        return self._info.tcpi_data_segs_out if self._length >= linux.END_tcpi_data_segs_out else None

    @property
    def tcpi_delivery_rate(self):
        """most recent delivery rate sample, bytes/s; Linux 4.9."""
        return self._info.tcpi_delivery_rate if self._length >= linux.END_tcpi_delivery_rate else None

    @property
    def tcpi_busy_time(self):
        """time busy sending data, microseconds; Linux 4.10."""
        return self._info.tcpi_busy_time if self._length >= linux.END_tcpi_busy_time else None

    @property
    def tcpi_rwnd_limited(self):
        """time limited by the peer's receive window, microseconds; Linux 4.10."""
        return self._info.tcpi_rwnd_limited if self._length >= linux.END_tcpi_rwnd_limited else None

    @property
    def tcpi_sndbuf_limited(self):
        """time limited by the send buffer, microseconds; Linux 4.10."""
        return self._info.tcpi_sndbuf_limited if self._length >= linux.END_tcpi_sndbuf_limited else None

    @property
    def tcpi_delivered(self):
        """segments delivered, out-of-order ones included; Linux 4.18."""
        return self._info.tcpi_delivered if self._length >= linux.END_tcpi_delivered else None

    @property
    def tcpi_delivered_ce(self):
        """segments delivered with an ECN CE mark; Linux 4.18."""
        return self._info.tcpi_delivered_ce if self._length >= linux.END_tcpi_delivered_ce else None

    @property
    def tcpi_bytes_sent(self):
        """bytes sent, retransmissions included (RFC 4898 tcpEStatsPerfHCDataOctetsOut); Linux 4.19."""
        return self._info.tcpi_bytes_sent if self._length >= linux.END_tcpi_bytes_sent else None

    @property
    def tcpi_bytes_retrans(self):
        """bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans); Linux 4.19."""
        return self._info.tcpi_bytes_retrans if self._length >= linux.END_tcpi_bytes_retrans else None

    @property
    def tcpi_dsack_dups(self):
        """DSACK blocks received (RFC 4898 tcpEStatsStackDSACKDups); Linux 4.19."""
        return self._info.tcpi_dsack_dups if self._length >= linux.END_tcpi_dsack_dups else None

    @property
    def tcpi_reord_seen(self):
        """reordering events seen; Linux 4.19."""
        return self._info.tcpi_reord_seen if self._length >= linux.END_tcpi_reord_seen else None

    @property
    def tcpi_rcv_ooopack(self):
        """out-of-order segments received; Linux 5.4."""
        return self._info.tcpi_rcv_ooopack if self._length >= linux.END_tcpi_rcv_ooopack else None

    @property
    def tcpi_snd_wnd(self):
        """peer's advertised receive window after scaling, bytes; Linux 5.4."""
        return self._info.tcpi_snd_wnd if self._length >= linux.END_tcpi_snd_wnd else None

    @property
    def tcpi_rcv_wnd(self):
        """our advertised receive window after scaling, bytes; Linux 6.2."""
        return self._info.tcpi_rcv_wnd if self._length >= linux.END_tcpi_rcv_wnd else None

    @property
    def tcpi_rehash(self):
        """PLB or timeout triggered rehash attempts; Linux 6.2."""
        return self._info.tcpi_rehash if self._length >= linux.END_tcpi_rehash else None

    @property
    def tcpi_total_rto(self):
        """RTO timeouts over the connection's life; Linux 6.7."""
        return self._info.tcpi_total_rto if self._length >= linux.END_tcpi_total_rto else None

    @property
    def tcpi_total_rto_recoveries(self):
        """RTO recoveries, an unfinished one included; Linux 6.7."""
        return self._info.tcpi_total_rto_recoveries if self._length >= linux.END_tcpi_total_rto_recoveries else None

    @property
    def tcpi_total_rto_time(self):
        """time spent in RTO recoveries, milliseconds; Linux 6.7."""
        return self._info.tcpi_total_rto_time if self._length >= linux.END_tcpi_total_rto_time else None

    @property
    def tcpi_received_ce(self):
        """segments received with an ECN CE mark; Linux 6.18."""
        return self._info.tcpi_received_ce if self._length >= linux.END_tcpi_received_ce else None

    @property
    def tcpi_delivered_e1_bytes(self):
        """AccECN: payload bytes delivered with ECT(1); Linux 6.18."""
        return self._info.tcpi_delivered_e1_bytes if self._length >= linux.END_tcpi_delivered_e1_bytes else None

    @property
    def tcpi_delivered_e0_bytes(self):
        """AccECN: payload bytes delivered with ECT(0); Linux 6.18."""
        return self._info.tcpi_delivered_e0_bytes if self._length >= linux.END_tcpi_delivered_e0_bytes else None

    @property
    def tcpi_delivered_ce_bytes(self):
        """AccECN: payload bytes delivered with CE; Linux 6.18."""
        return self._info.tcpi_delivered_ce_bytes if self._length >= linux.END_tcpi_delivered_ce_bytes else None

    @property
    def tcpi_received_e1_bytes(self):
        """AccECN: payload bytes received with ECT(1); Linux 6.18."""
        return self._info.tcpi_received_e1_bytes if self._length >= linux.END_tcpi_received_e1_bytes else None

    @property
    def tcpi_received_e0_bytes(self):
        """AccECN: payload bytes received with ECT(0); Linux 6.18."""
        return self._info.tcpi_received_e0_bytes if self._length >= linux.END_tcpi_received_e0_bytes else None

    @property
    def tcpi_received_ce_bytes(self):
        """AccECN: payload bytes received with CE; Linux 6.18."""
        return self._info.tcpi_received_ce_bytes if self._length >= linux.END_tcpi_received_ce_bytes else None

    @property
    def tcpi_accecn_fail_mode(self):
        """AccECN failure bits, TCP_ACCECN_*_FAIL_* (6.18; None on 7.0+, whose layout differs)."""
        if _KERNEL_RECUT_ACCECN_BITS or self._length < linux.END_tcpi_accecn_fail_mode:
            return None
        return self._info.tcpi_accecn_fail_mode

    @property
    def tcpi_accecn_opt_seen(self):
        """AccECN option seen: 0 not, 1 empty, 2 counter, 3 fail (6.18; None on 7.0+)."""
        if _KERNEL_RECUT_ACCECN_BITS or self._length < linux.END_tcpi_accecn_opt_seen:
            return None
        return self._info.tcpi_accecn_opt_seen

    _derived_fields = (
        "state", "rtt", "rtt_variance", "rto", "mss", "congestion_window", "retransmissions",
        "bytes_sent", "bytes_received", "bytes_acked",
    )

    def __init__(self):
        raise TypeError("TcpInfo records are made by socketstat(), not directly")

    @property
    def length(self):
        """Bytes of struct tcp_info the kernel filled (104 on 2.6, 232 on 5.4, 280 on 6.18)."""
        return self._length

    # The portable view: the same names and units on every platform.

    @property
    def state(self):
        """Connection state (TcpState)."""
        return _tcp_state(self._info.tcpi_state)

    @property
    def rtt(self):
        """Smoothed round-trip time, seconds."""
        return self._info.tcpi_rtt / 1e6

    @property
    def rtt_variance(self):
        """Round-trip time mean deviation, seconds."""
        return self._info.tcpi_rttvar / 1e6

    @property
    def rto(self):
        """Retransmission timeout, seconds."""
        return self._info.tcpi_rto / 1e6

    @property
    def mss(self):
        """Send maximum segment size, bytes."""
        return self._info.tcpi_snd_mss

    @property
    def congestion_window(self):
        """Congestion window, bytes (tcpi_snd_cwnd segments times tcpi_snd_mss)."""
        return <uint64_t>self._info.tcpi_snd_cwnd * self._info.tcpi_snd_mss

    @property
    def retransmissions(self):
        """Segments retransmitted over the connection's life."""
        return self._info.tcpi_total_retrans

    @property
    def bytes_sent(self):
        """Bytes sent, retransmissions included."""
        return self.tcpi_bytes_sent

    @property
    def bytes_received(self):
        """Bytes received."""
        return self.tcpi_bytes_received

    @property
    def bytes_acked(self):
        """Bytes acknowledged by the peer."""
        return self.tcpi_bytes_acked

    @staticmethod
    def from_bytes(raw not None):
        """A TcpInfo from the bytes of a ``struct tcp_info`` prefix, e.g. what
        ``sock.getsockopt(IPPROTO_TCP, TCP_INFO, 512)`` returned: at least the 232 bytes of Linux
        5.4, the oldest layout supported (ValueError otherwise); members beyond it are None."""
        cdef const unsigned char[::1] view = raw
        if <size_t>view.shape[0] < linux.END_tcpi_snd_wnd:
            raise ValueError(f"{view.shape[0]} bytes is shorter than struct tcp_info of Linux 5.4 "
                             f"({linux.END_tcpi_snd_wnd} bytes), the oldest layout socketstat supports")
        return tcp_info_from_buffer(&view[0], view.shape[0])

    def to_dict(self):
        """The struct members and the portable view as plain JSON-ready data."""
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


cdef inline void tcp_info_filled(TcpInfo record, size_t length) noexcept:
    """The one step every source ends with, once ``length`` bytes of the record's struct came
    from it (getsockopt writes into the record; a netlink attribute is copied by fill_tcp_info):
    zero the rest and remember how much was real, so a member past it reads None."""
    record._length = min(length, sizeof(socketstat_tcp_info))
    if record._length < sizeof(socketstat_tcp_info):
        memset((<char *>&record._info) + record._length, 0,
               sizeof(socketstat_tcp_info) - record._length)


cdef TcpInfo tcp_info_from_buffer(const void *buffer, size_t length):
    """A TcpInfo from a copy of ``length`` bytes of struct tcp_info held elsewhere."""
    cdef TcpInfo record = TcpInfo.__new__(TcpInfo)
    cdef size_t copied = min(length, sizeof(socketstat_tcp_info))
    if copied:
        memcpy(&record._info, buffer, copied)
    tcp_info_filled(record, copied)
    return record



@cython.freelist(16)
@cython.final
@cython.no_gc  # holds only ints, strings and other records: no cycles
cdef class MemInfo:
    """``getsockopt(SO_MEMINFO)``: the socket's memory accounting (include/uapi/linux/sock_diag.h,
    ``SK_MEMINFO_*``), in bytes; ss(8) prints it as ``skmem:(r,rb,t,tb,f,w,o,bl,d)``."""

    cdef uint32_t _values[linux.SK_MEMINFO_VARS]
    cdef size_t _count

    _fields = (
        "rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc", "wmem_queued", "optmem",
        "backlog", "drops",
    )

    def __init__(self):
        raise TypeError("MemInfo records are made by socketstat(), not directly")

    cdef inline object _get(self, size_t index):
        return self._values[index] if index < self._count else None

    @property
    def rmem_alloc(self):
        """Bytes allocated to received data not yet read (ss r)."""
        return self._get(linux.SK_MEMINFO_RMEM_ALLOC)

    @property
    def rcvbuf(self):
        """Receive buffer size, SO_RCVBUF (ss rb)."""
        return self._get(linux.SK_MEMINFO_RCVBUF)

    @property
    def wmem_alloc(self):
        """Bytes allocated to data handed to the device and not yet freed (ss t)."""
        return self._get(linux.SK_MEMINFO_WMEM_ALLOC)

    @property
    def sndbuf(self):
        """Send buffer size, SO_SNDBUF (ss tb)."""
        return self._get(linux.SK_MEMINFO_SNDBUF)

    @property
    def fwd_alloc(self):
        """Memory reserved ahead for the socket (ss f)."""
        return self._get(linux.SK_MEMINFO_FWD_ALLOC)

    @property
    def wmem_queued(self):
        """Bytes queued in the send queue (ss w)."""
        return self._get(linux.SK_MEMINFO_WMEM_QUEUED)

    @property
    def optmem(self):
        """Option memory: filters, multicast lists (ss o)."""
        return self._get(linux.SK_MEMINFO_OPTMEM)

    @property
    def backlog(self):
        """Bytes in the backlog queue, received while the socket was locked (ss bl)."""
        return self._get(linux.SK_MEMINFO_BACKLOG)

    @property
    def drops(self):
        """Packets dropped before reaching the socket's queue (ss d); None before Linux 4.9."""
        return self._get(linux.SK_MEMINFO_DROPS)

    def to_dict(self):
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


cdef object _address(const sockaddr_storage *storage, socklen_t length):
    """A socket address in the form Python's socket module gives it (its makesockaddr(): the host
    by inet_ntop, so a scoped IPv6 address carries its scope in scope_id, not in the string)."""
    cdef char host[linux.INET6_ADDRSTRLEN]
    cdef const linux.sockaddr_in *ipv4
    cdef const linux.sockaddr_in6 *ipv6
    cdef const sockaddr_un *unix_address
    cdef size_t path_length
    cdef int family = storage.ss_family
    if length < sizeof(linux.sa_family_t):
        return None
    if family == linux.AF_INET:
        ipv4 = <const linux.sockaddr_in *>storage
        linux.inet_ntop(linux.AF_INET, &ipv4.sin_addr, host, sizeof(host))
        return (host.decode("ascii"), linux.ntohs(ipv4.sin_port))
    if family == linux.AF_INET6:
        ipv6 = <const linux.sockaddr_in6 *>storage
        linux.inet_ntop(linux.AF_INET6, &ipv6.sin6_addr, host, sizeof(host))
        return (host.decode("ascii"), linux.ntohs(ipv6.sin6_port), linux.ntohl(ipv6.sin6_flowinfo),
                ipv6.sin6_scope_id)
    if family == linux.AF_UNIX:
        unix_address = <const sockaddr_un *>storage
        path_length = length - linux.SUN_PATH_OFFSET if length > linux.SUN_PATH_OFFSET else 0
        if path_length > 0 and unix_address.sun_path[0] == 0:
            # Linux abstract namespace (unix(7)): the name is every byte after the family.
            return unix_address.sun_path[:path_length]
        return _os.fsdecode(unix_address.sun_path[:linux.strnlen(unix_address.sun_path, path_length)])
    # Another family (packet, netlink, vsock...): the raw address bytes after the family.
    return (<const char *>storage)[sizeof(linux.sa_family_t):length]


@cython.freelist(16)
@cython.final
@cython.no_gc  # holds only ints, strings and other records: no cycles
cdef class SocketInfo:
    """The socket's identity and, with ``details=True``, its settings and memory."""

    cdef int _type
    cdef int _protocol
    cdef sockaddr_storage _local
    cdef socklen_t _local_length
    cdef sockaddr_storage _remote
    cdef socklen_t _remote_length      # 0: no peer
    cdef object _cookie
    cdef object _inode
    cdef object _congestion_control
    cdef object _meminfo

    _fields = (
        "family", "type", "protocol", "local_address", "remote_address", "inode", "cookie",
        "congestion_control", "meminfo",
    )
    _derived_fields = ("receive_buffer_size", "send_buffer_size")

    def __init__(self):
        raise TypeError("SocketInfo records are made by socketstat(), not directly")

    @property
    def family(self):
        """Address family (socket.AddressFamily; a plain int if Python has no name for it)."""
        return _FAMILIES.get(self._local.ss_family, self._local.ss_family)

    @property
    def type(self):
        """Socket type (socket.SocketKind)."""
        return _KINDS.get(self._type, self._type)

    @property
    def protocol(self):
        """Protocol number (socket.IPPROTO_TCP, socket.IPPROTO_UDP, 0 for Unix sockets...)."""
        return self._protocol

    @property
    def local_address(self):
        """getsockname(), as socket.getsockname() gives it: (host, port), (host, port, flowinfo,
        scope_id) for IPv6, a path str or an abstract-namespace bytes name for Unix."""
        return _address(&self._local, self._local_length)

    @property
    def remote_address(self):
        """getpeername() in the same form, or None when there is no peer."""
        if self._remote_length == 0:
            return None
        return _address(&self._remote, self._remote_length)

    @property
    def inode(self):
        """The socket's inode number (ss ino, /proc/net/*); details only."""
        return self._inode

    @property
    def cookie(self):
        """SO_COOKIE: the kernel's unique id for this socket (ss sk, sock_diag); details only."""
        return self._cookie

    @property
    def congestion_control(self):
        """TCP_CONGESTION: the congestion control algorithm's name; TCP and details only."""
        return self._congestion_control

    @property
    def meminfo(self):
        """SO_MEMINFO (MemInfo); details only."""
        return self._meminfo

    @property
    def receive_buffer_size(self):
        """SO_RCVBUF, bytes (from SO_MEMINFO); details only."""
        return None if self._meminfo is None else self._meminfo.rcvbuf

    @property
    def send_buffer_size(self):
        """SO_SNDBUF, bytes (from SO_MEMINFO); details only."""
        return None if self._meminfo is None else self._meminfo.sndbuf

    def to_dict(self):
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


@cython.freelist(16)
@cython.final
@cython.no_gc  # holds only ints, strings and other records: no cycles
cdef class SocketStat:
    """Everything the kernel reports about one socket, read in one call to socketstat()."""

    cdef readonly long long unreceived
    cdef readonly long long unsent
    cdef object _not_yet_sent
    cdef readonly TcpInfo connection_info
    cdef readonly SocketInfo socket_info

    _fields = (
        "unreceived", "unsent", "not_yet_sent", "accept_queue", "accept_queue_limit",
        "connection_info", "socket_info",
    )

    def __init__(self):
        raise TypeError("SocketStat records are made by socketstat(), not directly")

    @property
    def not_yet_sent(self):
        """Bytes in the send queue never transmitted (TCP: tcpi_notsent_bytes, SIOCOUTQNSD);
        None for other protocols."""
        return self._not_yet_sent

    @property
    def accept_queue(self):
        """A listening TCP socket's connections waiting for accept() (ss Recv-Q); else None."""
        if self.connection_info is None or self.connection_info._info.tcpi_state != linux.TCP_LISTEN:
            return None
        return self.connection_info._info.tcpi_unacked

    @property
    def accept_queue_limit(self):
        """A listening TCP socket's accept queue limit, the listen() backlog (ss Send-Q); else None."""
        if self.connection_info is None or self.connection_info._info.tcpi_state != linux.TCP_LISTEN:
            return None
        return self.connection_info._info.tcpi_sacked

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
    # The syscall that failed, named in the OSError's message.
    CALL_NONE
    CALL_SO_PROTOCOL
    CALL_GETSOCKNAME
    CALL_TCP_INFO
    CALL_SO_TYPE
    CALL_SIOCINQ
    CALL_SIOCOUTQ
    CALL_GETPEERNAME

_CALL_NAMES = (
    "",
    "getsockopt(SOL_SOCKET, SO_PROTOCOL)",
    "getsockname()",
    "getsockopt(IPPROTO_TCP, TCP_INFO)",
    "getsockopt(SOL_SOCKET, SO_TYPE)",
    "ioctl(SIOCINQ)",
    "ioctl(SIOCOUTQ)",
    "getpeername()",
)


# Why the GIL is not released around these syscalls: they never block (getsockopt and the queue
# ioctls take the socket lock for microseconds at most), releasing and re-taking the GIL costs
# about 410 instructions (~100 ns) per call, 3% of socketstat() and 6% of Sampler.sample(), and
# beside a CPU-bound thread a caller that releases it is starved (0-42% of its solo rate across
# runs, p99 calls at the 5 ms switch interval) where one that holds it splits the interpreter
# evenly. Measured by benchmarks/gil.py; the stdlib's socket.getsockopt holds it too.

cdef inline int _getsockopt_int(int fd, int level, int name, int *value) noexcept:
    cdef socklen_t length = sizeof(int)
    return linux.getsockopt(fd, level, name, value, &length)


cdef inline int read_tcp_info(int fd, TcpInfo record) noexcept:
    """getsockopt(TCP_INFO) straight into the record, with the newest layout's size; 0 or the
    errno."""
    cdef socklen_t length = sizeof(socketstat_tcp_info)
    if linux.getsockopt(fd, linux.IPPROTO_TCP, linux.TCP_INFO, &record._info, &length) != 0:
        return errno
    tcp_info_filled(record, length)
    return 0


cdef struct Queues:
    int unreceived
    int unsent
    bint listening


cdef inline Call read_queues(int fd, TcpInfo tcp, Queues *queues, int *error) noexcept:
    """SIOCINQ and SIOCOUTQ. Both answer EINVAL on a listening socket (tcp_ioctl, unix_ioctl):
    there is no byte stream, so both are 0, and for TCP the accept queue is in tcp_info."""
    queues.unreceived = 0
    queues.unsent = 0
    queues.listening = tcp is not None and tcp._info.tcpi_state == linux.TCP_LISTEN
    if queues.listening:
        return CALL_NONE
    if linux.ioctl(fd, linux.SIOCINQ, &queues.unreceived) != 0:
        if errno != EINVAL:
            error[0] = errno
            return CALL_SIOCINQ
        queues.listening = True
        queues.unreceived = 0
        return CALL_NONE
    if linux.ioctl(fd, linux.SIOCOUTQ, &queues.unsent) != 0:
        error[0] = errno
        return CALL_SIOCOUTQ
    return CALL_NONE


cdef inline object _not_yet_sent(TcpInfo tcp, bint listening):
    # tcpi_notsent_bytes is write_seq - snd_nxt, what SIOCOUTQNSD returns, so it is not read twice.
    if tcp is None:
        return None
    if listening:
        return 0
    if tcp._length >= linux.END_tcpi_notsent_bytes:
        return tcp._info.tcpi_notsent_bytes
    return None


cdef void _read_details(int fd, SocketInfo info, bint tcp):
    # Settings that older kernels lack are left out (None), never an error.
    cdef uint64_t cookie
    cdef socklen_t length = sizeof(uint64_t)
    cdef char congestion_control[linux.SOCKETSTAT_TCP_CA_NAME_MAX]
    cdef linux.stat status
    cdef MemInfo meminfo
    if linux.getsockopt(fd, linux.SOL_SOCKET, linux.SO_COOKIE, &cookie, &length) == 0:
        info._cookie = cookie
    meminfo = MemInfo.__new__(MemInfo)
    length = sizeof(meminfo._values)
    if linux.getsockopt(fd, linux.SOL_SOCKET, linux.SO_MEMINFO, meminfo._values, &length) == 0:
        meminfo._count = length // sizeof(uint32_t)
        info._meminfo = meminfo
    if linux.fstat(fd, &status) == 0:
        info._inode = status.st_ino
    if tcp:
        length = sizeof(congestion_control)
        if linux.getsockopt(fd, linux.IPPROTO_TCP, linux.TCP_CONGESTION, congestion_control,
                            &length) == 0:
            info._congestion_control = congestion_control[
                :linux.strnlen(congestion_control, length)].decode("ascii")


cdef object _raise_from(Call call, int error):
    raise OSError(error, f"{_os.strerror(error)} (originated from {_CALL_NAMES[call]})")


def socketstat(fd, *, bint details=False):
    """socketstat(fd, *, details=False) -> SocketStat

    Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads the socket cookie, inode, SO_MEMINFO and the
    TCP congestion control name (four more syscalls).

    Raises TypeError for an object that is neither, ValueError for a negative fd, and OSError
    (EBADF, ENOTSOCK, ...) naming the syscall that failed.
    """
    cdef int descriptor = linux.PyObject_AsFileDescriptor(fd)
    cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
    cdef TcpInfo tcp = None
    cdef Queues queues
    cdef int family
    cdef int failure = 0
    cdef Call failed

    # The syscalls write straight into the records; on an error they are dropped unseen.
    if _getsockopt_int(descriptor, linux.SOL_SOCKET, linux.SO_PROTOCOL, &info._protocol) != 0:
        _raise_from(CALL_SO_PROTOCOL, errno)
    info._local_length = sizeof(sockaddr_storage)
    if linux.getsockname(descriptor, <sockaddr *>&info._local, &info._local_length) != 0:
        _raise_from(CALL_GETSOCKNAME, errno)
    family = info._local.ss_family

    if ((family == linux.AF_INET or family == linux.AF_INET6)
            and (info._protocol == linux.IPPROTO_TCP or info._protocol == linux.IPPROTO_MPTCP)):
        tcp = TcpInfo.__new__(TcpInfo)
        failure = read_tcp_info(descriptor, tcp)
        if failure != 0:
            # A raw socket with protocol TCP answers ENOPROTOOPT: it is simply not a TCP socket.
            if failure != ENOPROTOOPT and failure != EOPNOTSUPP:
                _raise_from(CALL_TCP_INFO, failure)
            tcp = None
    if tcp is not None:
        info._type = linux.SOCK_STREAM
    elif _getsockopt_int(descriptor, linux.SOL_SOCKET, linux.SO_TYPE, &info._type) != 0:
        _raise_from(CALL_SO_TYPE, errno)

    failed = read_queues(descriptor, tcp, &queues, &failure)
    if failed != CALL_NONE:
        _raise_from(failed, failure)

    info._remote_length = 0
    if not queues.listening and not (tcp is not None and tcp._info.tcpi_state == linux.TCP_CLOSE):
        info._remote_length = sizeof(sockaddr_storage)
        if linux.getpeername(descriptor, <sockaddr *>&info._remote, &info._remote_length) != 0:
            info._remote_length = 0
            # EOPNOTSUPP: a family without peers (packet sockets), so there is none.
            if errno != ENOTCONN and errno != EOPNOTSUPP:
                _raise_from(CALL_GETPEERNAME, errno)

    if details:
        _read_details(descriptor, info, tcp is not None)

    cdef SocketStat stat = SocketStat.__new__(SocketStat)
    stat.unreceived = queues.unreceived
    stat.unsent = queues.unsent
    stat._not_yet_sent = _not_yet_sent(tcp, queues.listening)
    stat.connection_info = tcp
    stat.socket_info = info
    return stat


def tcp_info(fd):
    """tcp_info(fd) -> TcpInfo

    Only ``struct tcp_info``: one getsockopt(TCP_INFO), the cheapest full view of a TCP socket.
    Raises OSError (ENOPROTOOPT or EOPNOTSUPP) for a socket that is not TCP, and the same
    TypeError, ValueError and OSError as socketstat() for bad input.
    """
    cdef int descriptor = linux.PyObject_AsFileDescriptor(fd)
    cdef TcpInfo record = TcpInfo.__new__(TcpInfo)
    cdef int failure = read_tcp_info(descriptor, record)
    if failure != 0:
        _raise_from(CALL_TCP_INFO, failure)
    return record


# ---------------------------------------------------------------------------------------------
# Sampling

@cython.final
@cython.no_gc
cdef class Sample:
    """One moment of a Sampler's socket. Its storage belongs to the Sampler and is refilled in
    place: a Sample stays valid until the second sample() after the one that returned it (use
    to_dict() to keep one)."""

    cdef long long _monotonic_ns
    cdef Queues _queues
    cdef readonly TcpInfo connection_info

    _fields = ("monotonic", "unreceived", "unsent", "not_yet_sent", "connection_info")

    def __init__(self):
        raise TypeError("Sample records are made by Sampler.sample(), not directly")

    @property
    def monotonic(self):
        """When the sample was taken: CLOCK_MONOTONIC seconds, the clock of time.monotonic()."""
        return self._monotonic_ns / 1e9

    @property
    def unreceived(self):
        """Bytes waiting to be read, as SocketStat.unreceived."""
        return self._queues.unreceived

    @property
    def unsent(self):
        """Bytes not yet acknowledged, as SocketStat.unsent."""
        return self._queues.unsent

    @property
    def not_yet_sent(self):
        """Bytes queued and never transmitted (TCP), as SocketStat.not_yet_sent."""
        return _not_yet_sent(self.connection_info, self._queues.listening)

    def to_dict(self):
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


cdef Sample _new_sample(bint tcp):
    cdef Sample sample = Sample.__new__(Sample)
    sample._monotonic_ns = 0
    memset(&sample._queues, 0, sizeof(Queues))
    sample.connection_info = tcp_info_from_buffer(NULL, 0) if tcp else None
    return sample


cdef object _difference(TcpInfo later, TcpInfo earlier, size_t end, uint64_t later_value,
                        uint64_t earlier_value):
    # Counters a kernel did not fill have no difference. These are u64 byte counters, which never
    # wrap: one that went backwards was read from another socket, whose fd got the same number.
    if later._length < end or earlier._length < end:
        return None
    if later_value < earlier_value:
        raise ValueError("a byte counter went backwards between the two samples: the fd now "
                         "belongs to another socket (was the sampled socket closed?)")
    return later_value - earlier_value


@cython.final
@cython.no_gc
cdef class SampleDelta:
    """What changed between two samples: counters' differences and the interval's rates."""

    cdef readonly double elapsed
    cdef readonly object bytes_acked
    cdef readonly object bytes_sent
    cdef readonly object bytes_received
    cdef readonly object bytes_retransmitted
    cdef readonly object segments_out
    cdef readonly object segments_in
    cdef readonly object segments_retransmitted

    _fields = (
        "elapsed", "bytes_acked", "bytes_sent", "bytes_received", "bytes_retransmitted",
        "segments_out", "segments_in", "segments_retransmitted",
    )
    _derived_fields = ("delivery_rate", "send_rate", "receive_rate")

    def __init__(self):
        raise TypeError("SampleDelta records are made by Sampler.delta(), not directly")

    cdef object _rate(self, object count):
        return None if count is None or self.elapsed <= 0 else count / self.elapsed

    @property
    def delivery_rate(self):
        """Bytes acknowledged per second over the interval."""
        return self._rate(self.bytes_acked)

    @property
    def send_rate(self):
        """Bytes sent (retransmissions included) per second over the interval."""
        return self._rate(self.bytes_sent)

    @property
    def receive_rate(self):
        """Bytes received per second over the interval."""
        return self._rate(self.bytes_received)

    def to_dict(self):
        return _record_to_dict(self)

    def __repr__(self):
        return _format_record(self)

    def __reduce__(self):
        return _no_pickle(self)


@cython.final
cdef class Sampler:
    """Re-reads one socket's changing state at the cost of its syscalls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only getsockopt(TCP_INFO) (TCP sockets),
    ioctl(SIOCINQ) and ioctl(SIOCOUTQ) into storage allocated here, and allocates nothing.
    The Sampler keeps a reference to ``fd`` when it is an object, so a socket passed in is not
    closed under it; an int fd must stay open (and not be reused) while the Sampler is used.
    """

    cdef int _fd
    cdef object _source
    cdef readonly SocketInfo socket_info
    cdef Sample _current
    cdef Sample _previous
    cdef bint _tcp
    cdef int _samples_taken

    def __init__(self, fd):
        # fileno() once: the identity and the samples must come from the same descriptor.
        self._fd = linux.PyObject_AsFileDescriptor(fd)
        cdef SocketStat first = socketstat(self._fd)
        self._source = fd
        self.socket_info = first.socket_info
        self._tcp = first.connection_info is not None
        self._current = _new_sample(self._tcp)
        self._previous = _new_sample(self._tcp)
        self._samples_taken = 0

    @property
    def current(self):
        """The newest Sample, or None before the first sample()."""
        return self._current if self._samples_taken >= 1 else None

    @property
    def previous(self):
        """The Sample before the newest, or None before the second sample()."""
        return self._previous if self._samples_taken >= 2 else None

    def sample(self):
        """sample() -> Sample

        Refill the older of the Sampler's two Samples with the socket's state now, and return it.
        Raises OSError naming the syscall that failed (EBADF once the fd is closed)."""
        cdef Sample sample = self._previous
        cdef int failure = 0
        cdef Call failed = CALL_NONE
        cdef linux.timespec now
        if sample is None:
            raise TypeError("this Sampler was never initialised: make one with Sampler(fd)")
        if self._tcp:
            failure = read_tcp_info(self._fd, sample.connection_info)
            if failure != 0:
                failed = CALL_TCP_INFO
        if failed == CALL_NONE:
            failed = read_queues(self._fd, sample.connection_info, &sample._queues, &failure)
        if failed != CALL_NONE:
            # The Sample being refilled now holds a mix of two moments: never show it.
            self._samples_taken = min(self._samples_taken, 1)
            _raise_from(failed, failure)
        linux.clock_gettime(linux.CLOCK_MONOTONIC, &now)
        sample._monotonic_ns = now.tv_sec * 1000000000LL + now.tv_nsec
        self._previous = self._current
        self._current = sample
        if self._samples_taken < 2:
            self._samples_taken += 1
        return sample

    def delta(self):
        """delta() -> SampleDelta

        The difference between the two newest samples. Raises ValueError before two samples and
        for a socket that is not TCP (only TCP keeps the counters)."""
        if self._samples_taken < 2:
            raise ValueError("delta() needs two samples; call sample() twice first")
        if not self._tcp:
            raise ValueError("delta() needs a TCP socket: only TCP keeps byte counters")
        cdef TcpInfo later = self._current.connection_info
        cdef TcpInfo earlier = self._previous.connection_info
        cdef SampleDelta delta = SampleDelta.__new__(SampleDelta)
        delta.elapsed = (self._current._monotonic_ns - self._previous._monotonic_ns) / 1e9
        delta.bytes_acked = _difference(later, earlier, linux.END_tcpi_bytes_acked,
                                        later._info.tcpi_bytes_acked, earlier._info.tcpi_bytes_acked)
        delta.bytes_received = _difference(later, earlier, linux.END_tcpi_bytes_received,
                                           later._info.tcpi_bytes_received,
                                           earlier._info.tcpi_bytes_received)
        delta.bytes_sent = _difference(later, earlier, linux.END_tcpi_bytes_sent,
                                       later._info.tcpi_bytes_sent, earlier._info.tcpi_bytes_sent)
        delta.bytes_retransmitted = _difference(later, earlier, linux.END_tcpi_bytes_retrans,
                                                later._info.tcpi_bytes_retrans,
                                                earlier._info.tcpi_bytes_retrans)
        delta.segments_out = <uint32_t>(later._info.tcpi_segs_out - earlier._info.tcpi_segs_out)
        delta.segments_in = <uint32_t>(later._info.tcpi_segs_in - earlier._info.tcpi_segs_in)
        delta.segments_retransmitted = <uint32_t>(later._info.tcpi_total_retrans
                                                  - earlier._info.tcpi_total_retrans)
        return delta

    def __reduce__(self):
        return _no_pickle(self)
