"""The macOS backend's records, declared once: struct tcp_connection_info, struct sockbuf_info and
the records built around them. render.py generates socketstat/_darwin_records.pxi,
stubs/socketstat/_darwin.pyi and the README's macOS field reference from these rows.

struct tcp_connection_info follows the SDK's <netinet/tcp.h>; ``since`` is the release whose xnu
added the member (xnu-3248 is OS X 10.11, xnu-3789 10.12, xnu-4570 10.13). getsockopt(
TCP_CONNECTION_INFO) copies only what the running kernel knows: 10.11 and 10.12 fill 104 bytes,
10.13 and later 112, so a member of 10.13 is read only when the returned length covers it
(``END_<member>``, from darwin_compat.h) and is typed ``X | None``. socket_info is nested structs
and unions: its extern declaration stays hand-written in includes/darwin.pxd, and its rows here
say how each attribute is read (``expr``).
"""

from __future__ import annotations

import contract
from group import delta_columns, delta_record, member_column, sample_record, status_columns, with_format
from model import Column, Constant, Enumeration, Field, Record, portable

# What getsockopt(TCP_CONNECTION_INFO) must have copied for each record member to be valid:
# darwin_compat.h's SOCKETSTAT_TCPCI_END(member), declared to Cython as END_<member>.
# tcpi_rxoutoforderbytes ends the 104 bytes every macOS fills (from_bytes() requires them).
END_MEMBERS = ("tcpi_rxoutoforderbytes", "tcpi_txretransmitpackets")

_FILLED_10_13 = "self._length >= END_tcpi_txretransmitpackets"
# A record sockets() built from a tcpcb (xtcpcb_n in pcblist_n) holds what tcp_connection_fill_info
# computes from the tcpcb alone; the counters, option bits, flags, last RTT sample and TFO bits
# live elsewhere in the kernel (inp_stat, t_stat, t_flagsext, t_tfo_stats) and are None there.
_NOT_LISTED = "not self._listed"


DARWIN_TCP_STATE = Enumeration(
    "DarwinTcpState", "IntEnum",
    "macOS's TCP state numbers: xnu's t_state, the BSD numbering (TSI_S_* in <sys/proc_info.h>):\n"
    "    the raw ``tcpi_state`` and ``tcpsi_state``.",
    (
        # xnu's states are the RFC 793 states under their RFC names (TSI_S_RESERVED, 11, is not
        # a state). The values are the SDK's; the numbers are for the stubs.
        Constant("CLOSED", 0, "TSI_S_CLOSED", "CLOSED"),
        Constant("LISTEN", 1, "TSI_S_LISTEN", "LISTEN"),
        Constant("SYN_SENT", 2, "TSI_S_SYN_SENT", "SYN_SENT"),
        Constant("SYN_RECEIVED", 3, "TSI_S_SYN_RECEIVED", "SYN_RECEIVED"),
        Constant("ESTABLISHED", 4, "TSI_S_ESTABLISHED", "ESTABLISHED"),
        Constant("CLOSE_WAIT", 5, "TSI_S__CLOSE_WAIT", "CLOSE_WAIT",
                 note="the header spells it TSI_S__CLOSE_WAIT"),
        Constant("FIN_WAIT_1", 6, "TSI_S_FIN_WAIT_1", "FIN_WAIT_1"),
        Constant("CLOSING", 7, "TSI_S_CLOSING", "CLOSING"),
        Constant("LAST_ACK", 8, "TSI_S_LAST_ACK", "LAST_ACK"),
        Constant("FIN_WAIT_2", 9, "TSI_S_FIN_WAIT_2", "FIN_WAIT_2"),
        Constant("TIME_WAIT", 10, "TSI_S_TIME_WAIT", "TIME_WAIT"),
    ),
)

TCP_CONNECTION_OPTIONS = Enumeration(
    "TcpConnectionOptions", "IntFlag",
    "Bits of TcpConnectionInfo.tcpi_options (TCPCI_OPT_* in <netinet/tcp.h>): the options in use.\n"
    "\n"
    "    ``TcpConnectionOptions(info.tcpi_options)`` names them; tcpi_options itself stays a plain int\n"
    "    so that to_dict() keeps every bit on every Python version.\n"
    "    ",
    (
        Constant("TIMESTAMPS", 1, "TCPCI_OPT_TIMESTAMPS"),
        Constant("SACK", 2, "TCPCI_OPT_SACK"),
        Constant("WSCALE", 4, "TCPCI_OPT_WSCALE"),
        Constant("ECN", 8, "TCPCI_OPT_ECN"),
    ),
)

TCP_CONNECTION_FLAGS = Enumeration(
    "TcpConnectionFlags", "IntFlag",
    "Bits of TcpConnectionInfo.tcpi_flags (TCPCI_FLAG_* in <netinet/tcp.h>).",
    (
        Constant("LOSSRECOVERY", 1, "TCPCI_FLAG_LOSSRECOVERY", note="fast recovery or RTO backoff"),
        Constant("REORDERING_DETECTED", 2, "TCPCI_FLAG_REORDERING_DETECTED"),
    ),
)


def tcpi(name: str, ctype: str, doc: str, unit: str = "", since: str = "10.11", *,
         pytype: str = "int", expr: str = "", listed: bool = False) -> Field:
    """A struct tcp_connection_info member. A member of 10.13 is None in a 104-byte answer; one
    the tcpcb does not hold (``listed`` False) is None in a record sockets() listed."""
    conditions = ([] if listed else [_NOT_LISTED]) + ([_FILLED_10_13] if since == "10.13" else [])
    if conditions:
        pytype = f"{pytype} | None"
    return Field(name, pytype, doc, unit, expr=expr, ctype=ctype, since=f"macOS {since}",
                 valid=" and ".join(conditions))


def tfo(name: str, doc: str, since: str = "10.11") -> Field:
    """One of the 1-bit TFO fields that share a u_int32_t after tcpi_rttvar. Declared to Cython
    as that storage type, which the cross-check asserts (clang's _Generic sees a bit-field as its
    declared type); read as a bool."""
    return tcpi(name, "uint32_t", f"TFO: {doc} (1-bit field)", since=since, pytype="bool",
                expr=f"self._info.{name} != 0")


TCP_CONNECTION_INFO_MEMBERS = (
    tcpi("tcpi_state", "uint8_t", "TCP state, BSD numbering (DarwinTcpState; an unknown number "
         "stays an int)", pytype="DarwinTcpState | int",
         expr="_RAW_TCP_STATES.get(self._info.tcpi_state, self._info.tcpi_state)", listed=True),
    tcpi("tcpi_snd_wscale", "uint8_t", "send window scale shift (0 unless window scaling was "
         "negotiated)", listed=True),
    tcpi("tcpi_rcv_wscale", "uint8_t", "receive window scale shift (0 unless window scaling was "
         "negotiated)", listed=True),
    tcpi("tcpi_options", "uint32_t", "TCPCI_OPT_* bits (TcpConnectionOptions): 1 timestamps, "
         "2 SACK, 4 window scaling, 8 ECN; SACK shows on CLOSED and LISTEN sockets too (on until "
         "a peer's SYN lacks it)"),
    tcpi("tcpi_flags", "uint32_t", "TCPCI_FLAG_* bits (TcpConnectionFlags): 1 loss recovery "
         "(fast recovery or RTO backoff), 2 reordering detected"),
    tcpi("tcpi_rto", "uint32_t", "retransmission timeout (0 while the retransmit timer is not "
         "armed)", "milliseconds", listed=True),
    tcpi("tcpi_maxseg", "uint32_t", "maximum segment size", "bytes", listed=True),
    tcpi("tcpi_snd_ssthresh", "uint32_t", "slow-start threshold (1073725440, TCP_MAXWIN << 14: "
         "not yet set)", "bytes", listed=True),
    tcpi("tcpi_snd_cwnd", "uint32_t", "congestion window", "bytes", listed=True),
    tcpi("tcpi_snd_wnd", "uint32_t", "peer's advertised receive window", "bytes", listed=True),
    tcpi("tcpi_snd_sbbytes", "uint32_t", "bytes in the send buffer, sent-but-unacknowledged "
         "included (so_snd.sb_cc, what SO_NWRITE returns)", listed=True),
    tcpi("tcpi_rcv_wnd", "uint32_t", "receive window still open to the peer (rcv_adv - rcv_nxt; "
         "before macOS 12 the receive window, rcv_wnd)", "bytes", listed=True),
    tcpi("tcpi_rttcur", "uint32_t", "most recent RTT sample", "milliseconds"),
    tcpi("tcpi_srtt", "uint32_t", "smoothed RTT", "milliseconds", listed=True),
    tcpi("tcpi_rttvar", "uint32_t", "RTT variance", "milliseconds", listed=True),
    tfo("tcpi_tfo_cookie_req", "a cookie was requested"),
    tfo("tcpi_tfo_cookie_rcv", "a cookie was received"),
    tfo("tcpi_tfo_syn_loss", "fell back to regular TCP after a SYN loss"),
    tfo("tcpi_tfo_syn_data_sent", "SYN with data was sent"),
    tfo("tcpi_tfo_syn_data_acked", "the SYN's data was fully acknowledged"),
    tfo("tcpi_tfo_syn_data_rcv", "server received SYN with data and a valid cookie"),
    tfo("tcpi_tfo_cookie_req_rcv", "server received a cookie request"),
    tfo("tcpi_tfo_cookie_sent", "server announced a cookie"),
    tfo("tcpi_tfo_cookie_invalid", "server received an invalid cookie"),
    tfo("tcpi_tfo_cookie_wrong", "the cookie we sent was wrong", "10.12"),
    tfo("tcpi_tfo_no_cookie_rcv", "no cookie came back for our request", "10.12"),
    tfo("tcpi_tfo_heuristics_disable", "disabled by the kernel's heuristics", "10.12"),
    tfo("tcpi_tfo_send_blackhole", "a sending black hole was detected", "10.12"),
    tfo("tcpi_tfo_recv_blackhole", "a receiving black hole was detected", "10.12"),
    tfo("tcpi_tfo_onebyte_proxy", "a proxy acknowledged all but one byte of the SYN", "10.13"),
    tcpi("tcpi_txpackets", "uint64_t", "segments sent carrying data, retransmissions included "
         "(pure ACKs, SYN and bare FIN not counted)"),
    tcpi("tcpi_txbytes", "uint64_t", "payload bytes sent, retransmissions included"),
    tcpi("tcpi_txretransmitbytes", "uint64_t", "payload bytes retransmitted"),
    tcpi("tcpi_rxpackets", "uint64_t", "segments received carrying data"),
    tcpi("tcpi_rxbytes", "uint64_t", "payload bytes received, duplicates included"),
    tcpi("tcpi_rxoutoforderbytes", "uint64_t", "payload bytes received out of order"),
    tcpi("tcpi_txretransmitpackets", "uint64_t", "data segments retransmitted", "", "10.13"),
)

# The portable view of a TcpConnectionInfo (contract.CONNECTION_INFO): how macOS computes each row.
CONNECTION_INFO_PORTABLE = {
    "state": "_portable_state(self._info.tcpi_state)",
    "rtt": "self._info.tcpi_srtt / 1e3",
    "rtt_variance": "self._info.tcpi_rttvar / 1e3",
    # xnu reports t_rxtcur only while the retransmit timer runs, 0 otherwise (tcp_usrreq.c
    # tcp_connection_fill_info): 0 is "not known now", never a timeout of zero.
    "rto": "(self._info.tcpi_rto / 1e3 if self._info.tcpi_rto != 0 else None)",
    "mss": "self._info.tcpi_maxseg",
    "congestion_window": "self._info.tcpi_snd_cwnd",
    "retransmissions": "self.tcpi_txretransmitpackets",
    "bytes_sent": "self.tcpi_txbytes",
    "bytes_received": "self.tcpi_rxbytes",
    "bytes_acked": "None",
}


def sbi(name: str, ctype: str, doc: str, unit: str = "", *, expr: str = "") -> Field:
    """A struct sockbuf_info member (<sys/proc_info.h>, filled by fill_sockbuf_info in
    bsd/kern/socket_info.c)."""
    return Field(name, "int", doc, unit, expr=expr, ctype=ctype)


SOCKBUF_INFO_MEMBERS = (
    sbi("sbi_cc", "uint32_t", "bytes queued (sb_cc): the receive buffer's is FIONREAD, the send "
        "buffer's SO_NWRITE; a datagram's sender address and control data count too"),
    sbi("sbi_hiwat", "uint32_t", "buffer size, SO_RCVBUF or SO_SNDBUF (a connected Unix stream's "
        "send buffer: SO_SNDBUF less what the peer holds)", "bytes"),
    sbi("sbi_mbcnt", "uint32_t", "mbuf memory in use", "bytes"),
    sbi("sbi_mbmax", "uint32_t", "limit on sbi_mbcnt", "bytes"),
    sbi("sbi_lowat", "uint32_t", "low-water mark, SO_RCVLOWAT or SO_SNDLOWAT", "bytes"),
    sbi("sbi_flags", "short", "SB_* flags, the low 16 bits of sb_flags (kernel-private values; "
        "0x8000 SB_LIMITED)", expr="self._info.sbi_flags & 0xffff"),
    sbi("sbi_timeo", "short", "SO_RCVTIMEO or SO_SNDTIMEO in clock ticks, 100 a second (0: none; "
        "a short: wraps from 327.68 s)"),
)


def socket_field(name: str, pytype: str, doc: str, expr: str, unit: str = "", *,
                 valid: str = "") -> Field:
    """An attribute of SocketInfo, read from its copy of struct socket_info (``self._info``) or
    from what socketstat() read beside it. ``valid`` says for which sockets the kernel fills it
    (None for the others)."""
    if valid:
        pytype = f"{pytype} | None"
    return Field(name, pytype, doc, unit, expr=expr, valid=valid)


_IN = "self._info.soi_proto.pri_in"
_TCP = "self._info.soi_proto.pri_tcp"
_UN = "self._info.soi_proto.pri_un"


def inet(name: str, doc: str, member: str = "") -> Field:
    return socket_field(name, "int", f"IP: {doc}", f"{_IN}.{member or name}",
                        valid="self._is_inet()")


def tcpsi(name: str, doc: str, expr: str = "", pytype: str = "int", unit: str = "") -> Field:
    return socket_field(name, pytype, f"TCP: {doc}", expr or f"{_TCP}.{name}", unit,
                        valid="self._is_tcp()")


def timer(name: str, index: str, doc: str) -> Field:
    # xnu's raw t_timer[] values (OFFSET_FROM_START): milliseconds on the TCP clock counted from
    # the connection's timer base, 0 when not armed. They are NOT the time left.
    return tcpsi(name, f"{doc}, raw t_timer[{index.replace('TSI_T', 'TCPT')}] (0: not armed; not "
                 "the time left)", f"{_TCP}.tcpsi_timer[darwin.{index}]")


def unsi(name: str, doc: str) -> Field:
    return socket_field(name, "int", f"Unix: {doc}", f"{_UN}.{name}", valid="self._is_unix()")


SOCKET_INFO_FIELDS = (
    socket_field("soi_kind", "int", "SOCKINFO_*: which protocol part the kernel filled: 0 "
                 "generic, 1 IP, 2 TCP, 3 Unix, 4 NDRV, 5 kernel event, 6 kernel control, 7 vsock",
                 "self._info.soi_kind"),
    socket_field("soi_so", "int", "the socket's kernel address, hashed (VM_KERNEL_ADDRHASH): an "
                 "identifier, stable for the socket's life; a Unix peer's unsi_conn_so",
                 "self._info.soi_so"),
    socket_field("soi_pcb", "int", "the protocol control block's kernel address, hashed: lsof's "
                 "DEVICE for Unix and UDP sockets; a Unix peer's unsi_conn_pcb",
                 "self._info.soi_pcb"),
    socket_field("soi_options", "int", "SO_* option bits set (so_options & 0xffff): 0x2 "
                 "SO_ACCEPTCONN, 0x4 SO_REUSEADDR, 0x8 SO_KEEPALIVE, 0x80 SO_LINGER, 0x200 "
                 "SO_REUSEPORT, 0x8000 SO_WANTOOBFLAG...", "self._info.soi_options & 0xffff"),
    socket_field("soi_linger", "int", "SO_LINGER time in clock ticks (100 a second)",
                 "self._info.soi_linger"),
    socket_field("soi_state", "int", "SOI_S_* bits (so_state & 0xffff): 0x2 connected, 0x4 "
                 "connecting, 0x8 disconnecting, 0x10 can't send more, 0x20 can't receive more, "
                 "0x100 non-blocking, 0x2000 disconnected, 0x8000 defunct...",
                 "self._info.soi_state & 0xffff"),
    socket_field("soi_qlen", "int", "listening socket: connections queued, complete and "
                 "incomplete (netstat -L qlen)", "self._info.soi_qlen"),
    socket_field("soi_incqlen", "int", "listening socket: incomplete connections queued "
                 "(netstat -L incqlen)", "self._info.soi_incqlen"),
    socket_field("soi_qlimit", "int", "listening socket: the listen() backlog, capped at "
                 "kern.ipc.somaxconn (which a backlog <= 0 also gets; netstat -L maxqlen)",
                 "self._info.soi_qlimit"),
    socket_field("soi_timeo", "int", "so_timeo: the connection timeout, clock ticks",
                 "self._info.soi_timeo"),
    socket_field("soi_error", "int", "pending socket error (an errno; unlike SO_ERROR, reading "
                 "it here does not clear it)", "self._info.soi_error"),
    socket_field("soi_oobmark", "int", "bytes before the out-of-band mark in the receive buffer",
                 "self._info.soi_oobmark"),
    socket_field("soi_rcv", "SockbufInfo", "the receive buffer (SockbufInfo)",
                 "self._buffer(True)"),
    socket_field("soi_snd", "SockbufInfo", "the send buffer (SockbufInfo)",
                 "self._buffer(False)"),
    inet("insi_gencnt", "the PCB's generation count, an identifier (netstat's inp_gencnt)"),
    inet("insi_flags", "INP_* flags of the PCB (kernel-private bits)"),
    inet("insi_vflag", "inp_vflag: 1 INI_IPV4 and/or 2 INI_IPV6, which address slot the PCB "
         "uses (3 on a dual-stack wildcard bind), 4 a v4-mapped IPv6 UDP socket (macOS 12)"),
    inet("insi_ip_ttl", "time to live (IPv4 IP_TTL)"),
    inet("insi_v4_in4_tos", "IPv4 type of service (IP_TOS); IPv4 PCBs only, else 0",
         "insi_v4.in4_tos"),
    inet("insi_v6_in6_cksum", "IPv6 checksum offset (IPV6_CHECKSUM; -1: none, set only on "
         "IPv6 UDP sockets; 0 on TCP and IPv4)", "insi_v6.in6_cksum"),
    inet("insi_v6_in6_hops", "IPv6 unicast hop limit (IPV6_UNICAST_HOPS; -1: the system "
         "default); IPv6 PCBs only, else 0", "insi_v6.in6_hops"),
    tcpsi("tcpsi_state", "state, BSD numbering (DarwinTcpState; an unknown number stays an int)",
          f"_RAW_TCP_STATES.get({_TCP}.tcpsi_state, {_TCP}.tcpsi_state)",
          pytype="DarwinTcpState | int"),
    timer("tcpsi_timer_rexmt", "TSI_T_REXMT", "retransmit timer"),
    timer("tcpsi_timer_persist", "TSI_T_PERSIST", "persist timer"),
    timer("tcpsi_timer_keep", "TSI_T_KEEP", "keepalive or connection-establishment timer"),
    timer("tcpsi_timer_2msl", "TSI_T_2MSL", "2MSL (TIME_WAIT) or FIN_WAIT_2 timer"),
    tcpsi("tcpsi_mss", "maximum segment size (t_maxseg)", unit="bytes"),
    tcpsi("tcpsi_flags", "t_flags (TF_* bits, kernel-private)"),
    tcpsi("tcpsi_tp", "the TCP control block's kernel address, hashed: lsof's DEVICE for TCP "
          "sockets"),
    unsi("unsi_conn_so", "the connected peer's soi_so (0: no peer)"),
    unsi("unsi_conn_pcb", "the connected peer's soi_pcb (0: no peer)"),
    Field("uid", "int | None", "the user whose credentials created the socket (so_uid, netstat "
          "-v's uid); listed records only", expr="self._uid if self._listed else None"),
    Field("last_pid", "int | None", "the process that last used the socket (so_last_pid, "
          "netstat -v's pid): its owner, found without walking processes; listed records only",
          expr="self._last_pid if self._listed else None"),
    Field("effective_pid", "int | None", "the process the socket acts for (so_e_pid, netstat "
          "-v's epid): last_pid unless a daemon delegated it; listed records only",
          expr="self._effective_pid if self._listed else None"),
    Field("readable_bytes", "int | None", "SO_NREAD: data bytes a read would find: a datagram "
          "socket's first datagram (payload only), a stream socket's queued data without control "
          "messages; details only", expr="self._readable_bytes"),
    Field("queued_datagrams", "int | None", "SO_NUMRCVPKT: datagrams waiting in the receive "
          "buffer; datagram sockets and details only", expr="self._queued_datagrams"),
)


TCP_CONNECTION_INFO = Record(
    "TcpConnectionInfo",
    "macOS ``struct tcp_connection_info`` (<netinet/tcp.h>), in the kernel's units.",
    "macOS 10.11",
    portable(contract.CONNECTION_INFO, CONNECTION_INFO_PORTABLE),
    TCP_CONNECTION_INFO_MEMBERS,
)

SOCKBUF_INFO = Record(
    "SockbufInfo",
    "One socket buffer as proc_pidfdinfo reports it (``struct sockbuf_info``, <sys/proc_info.h>).",
    "",
    (),
    SOCKBUF_INFO_MEMBERS,
)

SOCKET_INFO = Record(
    "SocketInfo",
    "The socket as proc_pidfdinfo(PROC_PIDFDSOCKETINFO) describes it (``struct socket_info``, "
    "<sys/proc_info.h>): identity, addresses, queues, both buffers, and per-protocol state.",
    "",
    portable(contract.SOCKET_INFO, {
        "family": "_FAMILIES.get(self._info.soi_family, self._info.soi_family)",
        "type": "_KINDS.get(self._info.soi_type, self._info.soi_type)",
        "protocol": "self._info.soi_protocol",
        "local_address": "_address(&self._local, self._local_length)",
        "remote_address": "_address(&self._remote, self._remote_length)",
        "receive_buffer_size": "_sockbuf(&self._info.soi_rcv).sbi_hiwat",
        "send_buffer_size": "self._send_buffer_size",
    }),
    SOCKET_INFO_FIELDS,
)

SOCKET_STAT = Record(
    "SocketStat",
    "Everything the kernel reports about one socket, read in one call to socketstat().",
    "",
    portable(contract.SOCKET_STAT, {
        "state": "None if self._connection_info is None else self._connection_info.state",
        "unreceived": "self._unreceived",
        "unsent": "self._unsent",
        "not_yet_sent": "None",
        "accept_queue": "_accept_queue(self._socket_info, False)",
        "accept_queue_limit": "_accept_queue(self._socket_info, True)",
        "connection_info": "self._connection_info",
        "socket_info": "self._socket_info",
    }),
    (),
)

SAMPLE = Record(
    "Sample",
    "One moment of a Sampler's socket. Its storage belongs to the Sampler and is refilled in "
    "place: a Sample stays valid until the second sample() after the one that returned it (use "
    "to_dict() to keep one).",
    "",
    (),
    (
        Field("monotonic", "float", "when the sample was taken: CLOCK_UPTIME_RAW, the clock of "
              "time.monotonic() on macOS (it stops while the Mac sleeps)", "seconds",
              expr="self._monotonic_ns / 1e9"),
        Field("unreceived", "int", "bytes waiting to be read, as SocketStat.unreceived (FIONREAD "
              "for streams, SO_NREAD for datagram sockets)", "bytes", expr="self._unreceived"),
        Field("unsent", "int | None", "SO_NWRITE: bytes in the send buffer, as SocketStat.unsent "
              "for TCP and UDP; None for Unix sockets, whose data waits in the peer's buffer "
              "(socketstat() reads it there through proc_pidfdinfo, which sample() never calls)",
              "bytes", expr="self._unsent if self._has_unsent else None"),
        Field("not_yet_sent", "int | None", "bytes queued and never transmitted: not reported "
              "on macOS, always None", "bytes", expr="None"),
        Field("connection_info", "TcpConnectionInfo | None", "the TCP connection's state "
              "(TCP_CONNECTION_INFO); None for a socket that is not TCP",
              expr="self._connection_info"),
    ),
)

SAMPLE_DELTA = Record(
    "SampleDelta",
    "What changed between two samples: counters' differences and the interval's rates. macOS "
    "counts no acknowledged bytes, so bytes_acked and delivery_rate are None.",
    "",
    (),
    (
        Field("elapsed", "float", "time between the two samples", "seconds",
              expr="self._elapsed"),
        Field("bytes_acked", "int | None", "not reported on macOS, always None", "bytes",
              expr="None"),
        Field("bytes_sent", "int", "payload bytes sent in the interval, retransmissions "
              "included (tcpi_txbytes)", "bytes", expr="self._bytes_sent"),
        Field("bytes_received", "int", "payload bytes received in the interval, duplicates "
              "included (tcpi_rxbytes)", "bytes", expr="self._bytes_received"),
        Field("bytes_retransmitted", "int", "payload bytes retransmitted in the interval "
              "(tcpi_txretransmitbytes)", "bytes", expr="self._bytes_retransmitted"),
        Field("segments_out", "int", "segments carrying data sent in the interval (tcpi_txpackets: "
              "pure ACKs not counted, unlike Linux)", "segments", expr="self._segments_out"),
        Field("segments_in", "int", "segments carrying data received in the interval "
              "(tcpi_rxpackets)", "segments", expr="self._segments_in"),
        Field("segments_retransmitted", "int | None", "data segments retransmitted in the "
              "interval (tcpi_txretransmitpackets; None before macOS 10.13)", "segments",
              expr="self._segments_retransmitted"),
        Field("delivery_rate", "float | None", "not reported on macOS (no acknowledged-byte "
              "count), always None", "bytes/s", expr="None"),
        Field("send_rate", "float | None", "bytes sent (retransmissions included) per second "
              "over the interval", "bytes/s", expr="_rate(self._bytes_sent, self._elapsed)"),
        Field("receive_rate", "float | None", "bytes received per second over the interval",
              "bytes/s", expr="_rate(self._bytes_received, self._elapsed)"),
    ),
)

RECORDS = (TCP_CONNECTION_INFO, SOCKBUF_INFO, SOCKET_INFO, SOCKET_STAT, SAMPLE, SAMPLE_DELTA)


# ---------------------------------------------------------------------------------------------
# SamplerGroup (socketstat/_darwin_group.pxi): one C array per figure, one item per member, as
# on Linux (socketstat/codegen/group.py has the shared rules); every tcp_connection_info member
# is a column.

def _connection_info_column(field: Field) -> Column:
    """A tcp_connection_info member as a column, read from the member's row; a TFO bit as 0/1.
    Present where the returned length covers it: every macOS fills the 104 bytes up to
    tcpi_rxoutoforderbytes, 10.13 and later 112."""
    ctype = "uint8_t" if field.pytype == "bool" else field.ctype
    doc = field.doc
    if field.name == "tcpi_state":
        doc = "TCP state, BSD numbering (DarwinTcpState's values)"
    end = ("END_tcpi_txretransmitpackets" if field.since == "macOS 10.13"
           else "END_tcpi_rxoutoforderbytes")
    return Column(Field(field.name, "Column", with_format(doc, ctype), field.unit, ctype=ctype,
                        since=field.since), f"row.info.{field.name}", end)


GROUP_SAMPLE_COLUMNS = status_columns(
    "when the member was read: CLOCK_UPTIME_RAW, the clock of time.monotonic_ns() on macOS "
    "(it stops while the Mac sleeps)",
) + (
    member_column("unreceived", "int", "bytes waiting to be read, as Sample.unreceived (ioctl "
                  "FIONREAD for streams, getsockopt SO_NREAD for datagram sockets)", "bytes"),
    member_column("unsent", "int", "bytes in the send buffer, as Sample.unsent (getsockopt "
                  "SO_NWRITE); 0 where has_unsent is 0", "bytes"),
    member_column("has_unsent", "uint8_t", "1 where unsent was read; 0 for a Unix member, whose "
                  "data waits in the peer's buffer and whose Sample.unsent is None"),
    member_column("length", "uint32_t", "bytes of struct tcp_connection_info the kernel "
                  "returned; 0 for a member that is not TCP or not OK. A tcpi_* column's value "
                  "is present where length >= its Column.end", "bytes"),
) + tuple(_connection_info_column(field) for field in TCP_CONNECTION_INFO_MEMBERS)

# The packet counters are u64 (tcpi_txpackets, tcpi_rxpackets, tcpi_txretransmitpackets).
# tcpi_txretransmitpackets came with 10.13: the delta's length says whether both samples hold it.
GROUP_DELTA_COLUMNS = delta_columns(
    SAMPLE_DELTA, "uint64_t",
    extra=(member_column("length", "uint32_t", "bytes of struct tcp_connection_info both "
                         "samples hold (the shorter); segments_retransmitted is present where "
                         "length >= its Column.end (macOS 10.13 and later); 0 where the status "
                         "is not OK", "bytes"),),
    ends={"segments_retransmitted": "END_tcpi_txretransmitpackets"},
)

# For the stubs: each column a property of GroupSample or GroupDelta; bytes_acked and
# delivery_rate, which macOS does not count, are None there as on SampleDelta.
GROUP_SAMPLE = sample_record(GROUP_SAMPLE_COLUMNS, "macOS 10.11")
GROUP_DELTA = delta_record(SAMPLE_DELTA, GROUP_DELTA_COLUMNS)

# The records' include declares END_<member> (darwin_records.pxi.in): nothing more is needed.
GROUP_COLUMNS_DECLARATIONS = ""
