"""The Linux backend's records, declared once: struct tcp_info, SO_MEMINFO and the records built
around them. render.py generates socketstat/_linux_records.pxi, stubs/socketstat/_linux.pyi and
the README's Linux field reference from these rows.

struct tcp_info follows include/uapi/linux/tcp.h; ``since`` is the release that appended the
member. getsockopt(TCP_INFO) copies only what the running kernel knows, so a member appended
after the 104-byte 2.6 struct is read only when the returned length covers it (``END_<member>``
is its end offset, from linux_tcp_info.h), and is typed ``int | None`` in the stubs when it is
newer than Linux 5.4, the oldest kernel supported.
"""

from __future__ import annotations

import contract
from group import delta_columns, delta_record, member_column, sample_record, status_columns, with_format
from model import Column, Constant, Enumeration, Field, Record, portable

OLDEST_KERNEL = (5, 4)


def _version(since: str) -> tuple[int, ...]:
    return tuple(int(part) for part in since.split("."))


LINUX_TCP_STATE = Enumeration(
    "LinuxTcpState", "IntEnum",
    "Linux's TCP state numbers (include/net/tcp_states.h): the raw ``tcpi_state``.",
    (
        Constant("ESTABLISHED", 1, portable="ESTABLISHED"),
        Constant("SYN_SENT", 2, portable="SYN_SENT"),
        Constant("SYN_RECV", 3, portable="SYN_RECEIVED"),
        Constant("FIN_WAIT1", 4, portable="FIN_WAIT_1"),
        Constant("FIN_WAIT2", 5, portable="FIN_WAIT_2"),
        Constant("TIME_WAIT", 6, portable="TIME_WAIT"),
        Constant("CLOSE", 7, portable="CLOSED"),
        Constant("CLOSE_WAIT", 8, portable="CLOSE_WAIT"),
        Constant("LAST_ACK", 9, portable="LAST_ACK"),
        Constant("LISTEN", 10, portable="LISTEN"),
        Constant("CLOSING", 11, portable="CLOSING"),
        # Pseudo-states: each reads as the nearest RFC 793 state.
        Constant("NEW_SYN_RECV", 12, portable="SYN_RECEIVED",
                 note="a request socket: a SYN answered, the handshake not complete"),
        Constant("BOUND_INACTIVE", 13, portable="CLOSED",
                 note="bound, neither listening nor connecting (6.8, for sock_diag)"),
    ),
)


def tcpi(name: str, ctype: str, doc: str, unit: str = "", since: str = "2.6", *,
         pytype: str = "int", expr: str = "", tail: str = "") -> Field:
    """A struct tcp_info member. ``tail`` marks a member of the last four bytes, which Linux 7.0
    re-cut into bit-fields without changing the struct's size (socketstat_tcp_info_tail_7_0 in
    linux_tcp_info.h): "both" for one the two layouts place differently, "7.0" for one only the
    new layout has. Which layout applies is decided once, from the running kernel's release."""
    valid = ""
    c_path = ""
    nested_ctype = ""
    if since != "2.6":
        valid = f"self._length >= END_{'tcpi_tail_7_0' if tail else name}"
        if _version(since) > OLDEST_KERNEL:
            pytype = f"{pytype} | None"
    if tail == "both":
        expr = (f"(self._info.tcpi_tail_7_0.{name} if _KERNEL_7_0_TAIL "
                f"else self._info.{name})")
        nested_ctype = "uint32_t"
        c_path = f"tcpi_tail_7_0.{name}"
    elif tail == "7.0":
        valid += " and _KERNEL_7_0_TAIL"
        c_path = f"tcpi_tail_7_0.{name}"
    return Field(name, pytype, doc, unit, expr=expr, ctype=ctype, since=f"Linux {since}",
                 c_path=c_path, valid=valid, nested_ctype=nested_ctype)


# struct tcp_info's members that live in a nested struct of linux_tcp_info.h: its member name and
# its type.
NESTED = {"tcpi_tail_7_0": "socketstat_tcp_info_tail_7_0"}


# Bit-fields (the first eight bytes, which every kernel fills) are declared to Cython as their
# storage type; linux_tcp_info.h has the widths.
TCP_INFO_MEMBERS = (
    tcpi("tcpi_state", "uint8_t", "TCP state, Linux numbering (LinuxTcpState; an unknown number "
         "stays an int)", pytype="LinuxTcpState | int",
         expr="_RAW_TCP_STATES.get(self._info.tcpi_state, self._info.tcpi_state)"),
    tcpi("tcpi_ca_state", "uint8_t", "congestion-avoidance state: 0 Open, 1 Disorder, 2 CWR, "
         "3 Recovery, 4 Loss"),
    tcpi("tcpi_retransmits", "uint8_t", "RTO retransmits of the current segment"),
    tcpi("tcpi_probes", "uint8_t", "unanswered zero-window or keepalive probes"),
    tcpi("tcpi_backoff", "uint8_t", "RTO exponential backoff count"),
    tcpi("tcpi_options", "uint8_t", "TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 wscale, 8 ECN, "
         "16 ECN seen, 32 SYN data, 64 usec timestamps"),
    tcpi("tcpi_snd_wscale", "uint8_t", "send window scale shift (4-bit field)"),
    tcpi("tcpi_rcv_wscale", "uint8_t", "receive window scale shift (4-bit field)"),
    tcpi("tcpi_delivery_rate_app_limited", "uint8_t", "1 if tcpi_delivery_rate was measured "
         "while application-limited (1-bit field, Linux 4.9; 0 before)"),
    tcpi("tcpi_fastopen_client_fail", "uint8_t", "TFO client failure reason, TFO_* (2-bit field, "
         "Linux 5.5; 0 before)"),
    tcpi("tcpi_rto", "uint32_t", "retransmission timeout", "microseconds"),
    tcpi("tcpi_ato", "uint32_t", "delayed-ACK timeout", "microseconds"),
    tcpi("tcpi_snd_mss", "uint32_t", "send MSS", "bytes"),
    tcpi("tcpi_rcv_mss", "uint32_t", "receive MSS estimate", "bytes"),
    tcpi("tcpi_unacked", "uint32_t", "segments sent and not acknowledged (LISTEN: accept queue "
         "length)"),
    tcpi("tcpi_sacked", "uint32_t", "segments SACKed (LISTEN: accept queue limit)"),
    tcpi("tcpi_lost", "uint32_t", "segments presumed lost"),
    tcpi("tcpi_retrans", "uint32_t", "segments retransmitted and not yet acknowledged"),
    tcpi("tcpi_fackets", "uint32_t", "unused since 4.15, always 0"),
    tcpi("tcpi_last_data_sent", "uint32_t", "time since data was last sent", "milliseconds"),
    tcpi("tcpi_last_ack_sent", "uint32_t", "not kept by the kernel, always 0"),
    tcpi("tcpi_last_data_recv", "uint32_t", "time since data was last received", "milliseconds"),
    tcpi("tcpi_last_ack_recv", "uint32_t", "time since an ACK was last received", "milliseconds"),
    tcpi("tcpi_pmtu", "uint32_t", "path MTU", "bytes"),
    tcpi("tcpi_rcv_ssthresh", "uint32_t", "receive slow-start threshold (window clamp)", "bytes"),
    tcpi("tcpi_rtt", "uint32_t", "smoothed RTT", "microseconds"),
    tcpi("tcpi_rttvar", "uint32_t", "RTT mean deviation", "microseconds"),
    tcpi("tcpi_snd_ssthresh", "uint32_t", "slow-start threshold (>= 0xFFFF: infinite)",
         "segments"),
    tcpi("tcpi_snd_cwnd", "uint32_t", "congestion window", "segments"),
    tcpi("tcpi_advmss", "uint32_t", "advertised MSS", "bytes"),
    tcpi("tcpi_reordering", "uint32_t", "reordering metric", "segments"),
    tcpi("tcpi_rcv_rtt", "uint32_t", "receiver-side RTT estimate", "microseconds"),
    tcpi("tcpi_rcv_space", "uint32_t", "receive buffer space estimate", "bytes"),
    tcpi("tcpi_total_retrans", "uint32_t", "segments retransmitted over the connection's life"),
    tcpi("tcpi_pacing_rate", "uint64_t", "pacing rate (2**64-1: unlimited)", "bytes/s", "3.15"),
    tcpi("tcpi_max_pacing_rate", "uint64_t", "SO_MAX_PACING_RATE (2**64-1: unlimited)",
         "bytes/s", "3.15"),
    tcpi("tcpi_bytes_acked", "uint64_t", "bytes acknowledged by the peer (RFC 4898 "
         "tcpEStatsAppHCThruOctetsAcked)", "", "4.1"),
    tcpi("tcpi_bytes_received", "uint64_t", "bytes received and acknowledged (RFC 4898 "
         "tcpEStatsAppHCThruOctetsReceived)", "", "4.1"),
    tcpi("tcpi_segs_out", "uint32_t", "segments sent, retransmissions and pure ACKs included",
         "", "4.2"),
    tcpi("tcpi_segs_in", "uint32_t", "segments received", "", "4.2"),
    tcpi("tcpi_notsent_bytes", "uint32_t", "bytes in the send queue not yet sent", "", "4.6"),
    tcpi("tcpi_min_rtt", "uint32_t", "minimum RTT seen (2**32-1: none yet)", "microseconds",
         "4.6"),
    tcpi("tcpi_data_segs_in", "uint32_t", "segments received carrying data", "", "4.6"),
    tcpi("tcpi_data_segs_out", "uint32_t", "segments sent carrying data, retransmissions "
         "included", "", "4.6"),
    tcpi("tcpi_delivery_rate", "uint64_t", "most recent delivery rate sample", "bytes/s", "4.9"),
    tcpi("tcpi_busy_time", "uint64_t", "time busy sending data", "microseconds", "4.10"),
    tcpi("tcpi_rwnd_limited", "uint64_t", "time limited by the peer's receive window",
         "microseconds", "4.10"),
    tcpi("tcpi_sndbuf_limited", "uint64_t", "time limited by the send buffer", "microseconds",
         "4.10"),
    tcpi("tcpi_delivered", "uint32_t", "segments delivered, out-of-order ones included", "",
         "4.18"),
    tcpi("tcpi_delivered_ce", "uint32_t", "segments delivered with an ECN CE mark", "", "4.18"),
    tcpi("tcpi_bytes_sent", "uint64_t", "bytes sent, retransmissions included (RFC 4898 "
         "tcpEStatsPerfHCDataOctetsOut)", "", "4.19"),
    tcpi("tcpi_bytes_retrans", "uint64_t", "bytes retransmitted (RFC 4898 "
         "tcpEStatsPerfOctetsRetrans)", "", "4.19"),
    tcpi("tcpi_dsack_dups", "uint32_t", "DSACK blocks received (RFC 4898 "
         "tcpEStatsStackDSACKDups)", "", "4.19"),
    tcpi("tcpi_reord_seen", "uint32_t", "reordering events seen", "", "4.19"),
    tcpi("tcpi_rcv_ooopack", "uint32_t", "out-of-order segments received", "", "5.4"),
    tcpi("tcpi_snd_wnd", "uint32_t", "peer's advertised receive window after scaling", "bytes",
         "5.4"),
    tcpi("tcpi_rcv_wnd", "uint32_t", "our advertised receive window after scaling", "bytes",
         "6.2"),
    tcpi("tcpi_rehash", "uint32_t", "PLB or timeout triggered rehash attempts", "", "6.2"),
    tcpi("tcpi_total_rto", "uint16_t", "RTO timeouts over the connection's life", "", "6.7"),
    tcpi("tcpi_total_rto_recoveries", "uint16_t", "RTO recoveries, an unfinished one included",
         "", "6.7"),
    tcpi("tcpi_total_rto_time", "uint32_t", "time spent in RTO recoveries", "milliseconds",
         "6.7"),
    tcpi("tcpi_received_ce", "uint32_t", "segments received with an ECN CE mark", "", "6.18"),
    tcpi("tcpi_delivered_e1_bytes", "uint32_t", "AccECN: payload bytes delivered with ECT(1)",
         "", "6.18"),
    tcpi("tcpi_delivered_e0_bytes", "uint32_t", "AccECN: payload bytes delivered with ECT(0)",
         "", "6.18"),
    tcpi("tcpi_delivered_ce_bytes", "uint32_t", "AccECN: payload bytes delivered with CE", "",
         "6.18"),
    tcpi("tcpi_received_e1_bytes", "uint32_t", "AccECN: payload bytes received with ECT(1)", "",
         "6.18"),
    tcpi("tcpi_received_e0_bytes", "uint32_t", "AccECN: payload bytes received with ECT(0)", "",
         "6.18"),
    tcpi("tcpi_received_ce_bytes", "uint32_t", "AccECN: payload bytes received with CE", "",
         "6.18"),
    tcpi("tcpi_accecn_fail_mode", "uint16_t", "AccECN failure bits, TCP_ACCECN_*_FAIL_* (a "
         "4-bit field from 7.0)", "", "6.18", tail="both"),
    tcpi("tcpi_accecn_opt_seen", "uint16_t", "AccECN option seen: 0 not, 1 empty, 2 counter, "
         "3 fail (a 2-bit field from 7.0)", "", "6.18", tail="both"),
    tcpi("tcpi_ecn_mode", "uint32_t", "ECN mode: 0 disabled, 1 RFC 3168, 2 AccECN, 3 pending "
         "(2-bit field)", "", "7.0", tail="7.0"),
    tcpi("tcpi_options2", "uint32_t", "more TCPI_OPTION2_* bits (24-bit field)", "", "7.0",
         tail="7.0"),
)

# The portable view of a TcpInfo (contract.CONNECTION_INFO): how Linux computes each row.
CONNECTION_INFO_PORTABLE = {
    "state": "_portable_state(self._info.tcpi_state)",
    "rtt": "self._info.tcpi_rtt / 1e6",
    "rtt_variance": "self._info.tcpi_rttvar / 1e6",
    "rto": "self._info.tcpi_rto / 1e6",
    "mss": "self._info.tcpi_snd_mss",
    "congestion_window": "<uint64_t>self._info.tcpi_snd_cwnd * self._info.tcpi_snd_mss",
    "retransmissions": "self._info.tcpi_total_retrans",
    "bytes_sent": "(self._info.tcpi_bytes_sent if self._length >= END_tcpi_bytes_sent else None)",
    "bytes_received": "(self._info.tcpi_bytes_received if self._length >= END_tcpi_bytes_received else None)",
    "bytes_acked": "(self._info.tcpi_bytes_acked if self._length >= END_tcpi_bytes_acked else None)",
}


def meminfo(name: str, index: str, doc: str, pytype: str = "int") -> Field:
    """A SO_MEMINFO slot (include/uapi/linux/sock_diag.h): ``index`` is its SK_MEMINFO_* index;
    a slot past what the kernel returned reads None."""
    return Field(name, pytype, doc, "bytes", expr=f"self._get({index})", ctype=index,
                 since="Linux 4.12")


MEMINFO_MEMBERS = (
    meminfo("rmem_alloc", "SK_MEMINFO_RMEM_ALLOC", "allocated to received data not yet read "
            "(ss r)"),
    meminfo("rcvbuf", "SK_MEMINFO_RCVBUF", "receive buffer size, SO_RCVBUF (ss rb)"),
    meminfo("wmem_alloc", "SK_MEMINFO_WMEM_ALLOC", "allocated to data handed to the device and "
            "not yet freed (ss t)"),
    meminfo("sndbuf", "SK_MEMINFO_SNDBUF", "send buffer size, SO_SNDBUF (ss tb)"),
    meminfo("fwd_alloc", "SK_MEMINFO_FWD_ALLOC", "memory reserved ahead for the socket (ss f)"),
    meminfo("wmem_queued", "SK_MEMINFO_WMEM_QUEUED", "queued in the send queue (ss w)"),
    meminfo("optmem", "SK_MEMINFO_OPTMEM", "option memory: filters, multicast lists (ss o)"),
    meminfo("backlog", "SK_MEMINFO_BACKLOG", "in the backlog queue, received while the socket "
            "was locked (ss bl)"),
    Field("drops", "int | None", "packets dropped before reaching the socket's queue (ss d)",
          "packets", expr="self._get(SK_MEMINFO_DROPS)", ctype="SK_MEMINFO_DROPS",
          since="Linux 4.9"),
)


TCP_INFO = Record(
    "TcpInfo",
    "Linux ``struct tcp_info`` (include/uapi/linux/tcp.h, up to 6.18), in the kernel's units.",
    "Linux 2.6",
    portable(contract.CONNECTION_INFO, CONNECTION_INFO_PORTABLE),
    TCP_INFO_MEMBERS,
)

MEM_INFO = Record(
    "MemInfo",
    "``getsockopt(SO_MEMINFO)``: the socket's memory accounting (include/uapi/linux/"
    "sock_diag.h, ``SK_MEMINFO_*``); ss(8) prints it as ``skmem:(r,rb,t,tb,f,w,o,bl,d)``.",
    "Linux 4.12",
    (),
    MEMINFO_MEMBERS,
)

SOCKET_INFO = Record(
    "SocketInfo",
    "The socket's identity and, with ``details=True``, its settings and memory.",
    "",
    portable(contract.SOCKET_INFO, {
        "family": "_FAMILIES.get(self._local.ss_family, self._local.ss_family)",
        "type": "_KINDS.get(self._type, self._type)",
        "protocol": "self._protocol",
        "local_address": "_address(&self._local, self._local_length)",
        "remote_address": "_address(&self._remote, self._remote_length)",
        "receive_buffer_size": "None if self._meminfo is None else self._meminfo.rcvbuf",
        "send_buffer_size": "None if self._meminfo is None else self._meminfo.sndbuf",
    }),
    (
        # socketstat(fd) reads these with details=True; a listing has them from sock_diag always
        # (include/uapi/linux/inet_diag.h, unix_diag.h), each None where the kernel sent none.
        Field("inode", "int | None", "the socket's inode number (ss ino, /proc/net/*, the "
              "socket:[N] of /proc/<pid>/fd); None for a socket no file holds (TIME_WAIT, "
              "request and orphaned sockets)", expr="self._known(HAS_INODE, self._inode)"),
        Field("cookie", "int | None", "SO_COOKIE: the kernel's unique id for this socket, never "
              "reused while it runs (ss sk, sock_diag)", expr="self._known(HAS_COOKIE, "
              "self._cookie)"),
        Field("uid", "int | None", "the user that created the socket (ss uid); from fstat() "
              "with details=True, idiag_uid or UNIX_DIAG_UID in a listing (None for TIME_WAIT "
              "and request sockets)", expr="self._known(HAS_UID, self._uid)"),
        Field("congestion_control", "str | None", "the TCP congestion control algorithm's name "
              "(TCP_CONGESTION, INET_DIAG_CONG); TCP and details=True only",
              expr="self._congestion_control"),
        Field("meminfo", "MemInfo | None", "the socket's memory accounting (SO_MEMINFO, "
              "INET_DIAG_SKMEMINFO); details=True only", expr="self._meminfo"),
        Field("cgroup_id", "int | None", "the cgroup v2 id of the socket's creator (the cgroup "
              "directory's inode); listings only, Linux 5.8 (INET_DIAG_CGROUP_ID)",
              expr="self._known(HAS_CGROUP_ID, self._cgroup_id)"),
        Field("shutdown", "int | None", "shutdown(2) so far: 1 receiving shut (RCV_SHUTDOWN), 2 "
              "sending shut (SEND_SHUTDOWN), 3 both; listings only",
              expr="self._known(HAS_SHUTDOWN, self._shutdown)"),
        Field("timer", "str | None", "the TCP timer running: 'retransmit', 'keepalive', "
              "'time_wait' or 'zero_window_probe' (ss timer); None when none runs; TCP "
              "listings only", expr="_TIMERS.get(self._timer) if self._has & HAS_TIMER else None"),
        Field("timer_expires", "float | None", "time until that timer fires (idiag_expires, "
              "millisecond resolution)", "seconds",
              expr="self._timer_expires / 1e3 if self._has & HAS_TIMER and self._timer else None"),
        Field("timer_retransmits", "int | None", "retransmissions (or probes, for the keepalive "
              "and zero-window timers) sent while that timer ran (idiag_retrans)",
              expr="self._timer_retransmits if self._has & HAS_TIMER and self._timer else None"),
        Field("peer_inode", "int | None", "the inode of the connected peer socket; Unix sockets "
              "in a listing only (UNIX_DIAG_PEER)",
              expr="self._known(HAS_PEER_INODE, self._peer_inode)"),
        Field("processes", "tuple[SocketOwner, ...] | None", "every process file descriptor "
              "holding the socket, as found in /proc/<pid>/fd; only from sockets(processes=True) "
              "or sockets(pid=...), else None; empty when none the caller may inspect holds it",
              expr="self._processes"),
    ),
)

SOCKET_STAT = Record(
    "SocketStat",
    "Everything the kernel reports about one socket, read by one call to socketstat() or listed "
    "by sockets().",
    "",
    portable(contract.SOCKET_STAT, {
        "state": "_portable_state(self._tcp_state) if self._tcp_state >= 0 else None",
        "unreceived": "None if self._receive_memory >= 0 else self._queues.unreceived",
        "unsent": "None if self._unsent_unknown else self._queues.unsent",
        "not_yet_sent": "_not_yet_sent(self._connection_info, self._queues.listening)",
        "accept_queue": "_accept_queue(self._connection_info, False)",
        "accept_queue_limit": "_accept_queue(self._connection_info, True)",
        "connection_info": "self._connection_info",
        "socket_info": "self._socket_info",
    }),
    (
        Field("receive_queue_memory", "int | None", "receive-buffer memory held by queued "
              "datagrams (sock_diag's idiag_rqueue, ss Recv-Q): what a listing has for UDP, "
              "UDP-Lite, raw and MPTCP sockets instead of unreceived; None elsewhere", "bytes",
              expr="self._receive_memory if self._receive_memory >= 0 else None"),
    ),
)


SAMPLE = Record(
    "Sample",
    "One moment of a Sampler's socket. Its storage belongs to the Sampler and is refilled in "
    "place: a Sample stays valid until the second sample() after the one that returned it (use "
    "to_dict() to keep one).",
    "",
    (),
    (
        Field("monotonic", "float", "when the sample was taken: CLOCK_MONOTONIC, the clock of "
              "time.monotonic()", "seconds", expr="self._monotonic_ns / 1e9"),
        Field("unreceived", "int", "bytes waiting to be read, as SocketStat.unreceived", "bytes",
              expr="self._queues.unreceived"),
        Field("unsent", "int", "bytes not yet acknowledged, as SocketStat.unsent", "bytes",
              expr="self._queues.unsent"),
        Field("not_yet_sent", "int | None", "bytes queued and never transmitted (TCP), as "
              "SocketStat.not_yet_sent", "bytes",
              expr="_not_yet_sent(self._connection_info, self._queues.listening)"),
        Field("connection_info", "TcpInfo | None", "the TCP connection's state; None for a "
              "socket that is not TCP", expr="self._connection_info"),
    ),
)

SAMPLE_DELTA = Record(
    "SampleDelta",
    "What changed between two samples: counters' differences and the interval's rates.",
    "",
    (),
    (
        Field("elapsed", "float", "time between the two samples", "seconds",
              expr="self._elapsed"),
        Field("bytes_acked", "int", "bytes acknowledged by the peer in the interval",
              "bytes", expr="self._bytes_acked"),
        Field("bytes_sent", "int", "bytes sent in the interval, retransmissions included",
              "bytes", expr="self._bytes_sent"),
        Field("bytes_received", "int", "bytes received in the interval", "bytes",
              expr="self._bytes_received"),
        Field("bytes_retransmitted", "int", "bytes retransmitted in the interval",
              "bytes", expr="self._bytes_retransmitted"),
        Field("segments_out", "int", "segments sent in the interval, retransmissions and pure "
              "ACKs included", "segments", expr="self._segments_out"),
        Field("segments_in", "int", "segments received in the interval", "segments",
              expr="self._segments_in"),
        Field("segments_retransmitted", "int", "segments retransmitted in the interval",
              "segments", expr="self._segments_retransmitted"),
        Field("delivery_rate", "float | None", "bytes acknowledged per second over the interval",
              "bytes/s", expr="_rate(self._bytes_acked, self._elapsed)"),
        Field("send_rate", "float | None", "bytes sent (retransmissions included) per second "
              "over the interval", "bytes/s", expr="_rate(self._bytes_sent, self._elapsed)"),
        Field("receive_rate", "float | None", "bytes received per second over the interval",
              "bytes/s", expr="_rate(self._bytes_received, self._elapsed)"),
    ),
)

RECORDS = (TCP_INFO, MEM_INFO, SOCKET_INFO, SOCKET_STAT, SAMPLE, SAMPLE_DELTA)


# ---------------------------------------------------------------------------------------------
# SamplerGroup (socketstat/_linux_group.pxi): one C array per figure, one item per member.
# render.py generates each sample column's fill from the member rows, the GroupSample and
# GroupDelta properties and their stubs from these tables; every tcp_info member is a column.

def _tcp_info_column(field: Field) -> Column:
    """A tcp_info member as a column: read from the member's struct as its record reads it
    (either layout of the 7.0 tail), present when the returned length covers it."""
    if field.nested_ctype:                       # both layouts: the running kernel's
        read = (f"(row.info.{field.c_path} if _KERNEL_7_0_TAIL "
                f"else row.info.{field.name})")
        end = "END_tcpi_tail_7_0"
    elif field.c_path:                           # 7.0 only
        read = f"row.info.{field.c_path}"
        end = "(END_tcpi_tail_7_0 if _KERNEL_7_0_TAIL else NEVER_PRESENT)"
    else:
        read = f"row.info.{field.name}"
        end = f"END_{field.name}" if field.valid else "TCP_INFO_LENGTH_2_6"
    ctype = "uint8_t" if field.name == "tcpi_state" else field.ctype
    doc = ("TCP state, Linux numbering (LinuxTcpState's values)" if field.name == "tcpi_state"
           else field.doc)
    return Column(Field(field.name, "Column", with_format(doc, ctype), field.unit, ctype=ctype,
                        since=field.since), read, end)


GROUP_SAMPLE_COLUMNS = status_columns(
    "when the member was read: CLOCK_MONOTONIC, the clock of time.monotonic_ns()",
) + (
    member_column("unreceived", "int", "bytes waiting to be read, as Sample.unreceived (ioctl "
                  "SIOCINQ; 0 when listening)", "bytes", read="row.queues.unreceived"),
    member_column("unsent", "int", "bytes not yet acknowledged, as Sample.unsent (ioctl "
                  "SIOCOUTQ; 0 when listening)", "bytes", read="row.queues.unsent"),
    member_column("listening", "uint8_t", "1 for a listening socket, whose queues read 0 (a "
                  "TCP listener's accept queue is tcpi_unacked, its limit tcpi_sacked)",
                  read="row.queues.listening"),
    member_column("length", "uint32_t", "bytes of struct tcp_info the kernel returned; 0 for "
                  "a member that is not TCP or not OK. A tcpi_* column's value is present "
                  "where length >= its Column.end", "bytes"),
) + tuple(_tcp_info_column(field) for field in TCP_INFO_MEMBERS)

# tcpi_segs_out, tcpi_segs_in and tcpi_total_retrans are u32 counters (they wrap).
GROUP_DELTA_COLUMNS = delta_columns(SAMPLE_DELTA, "uint32_t")

# For the stubs: each column a property of GroupSample or GroupDelta.
GROUP_SAMPLE = sample_record(GROUP_SAMPLE_COLUMNS, "Linux 2.6")
GROUP_DELTA = delta_record(SAMPLE_DELTA, GROUP_DELTA_COLUMNS)

# What the columns' template (group_columns.pxi.in) needs beyond the tables: the length every
# kernel returns, the end of a member this kernel never fills.
GROUP_COLUMNS_DECLARATIONS = """\
cdef extern from "linux_tcp_info.h" nogil:
    # What every kernel returns: the 104-byte struct of 2.6, which ends with tcpi_total_retrans.
    const size_t TCP_INFO_LENGTH_2_6 "SOCKETSTAT_TCPI_END(tcpi_total_retrans)"

# The Column.end of a member this kernel never fills (a 7.0 member on an older kernel): more
# than any length getsockopt returns.
cdef size_t NEVER_PRESENT = 0xFFFFFFFF
"""
