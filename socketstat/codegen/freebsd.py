"""The FreeBSD backend's records, declared once: struct tcp_info and the records built around it.
render.py generates socketstat/_freebsd_records.pxi, stubs/socketstat/_freebsd.pyi and the README's
FreeBSD field reference from these rows.

struct tcp_info follows <netinet/tcp.h>; tcp_fill_info (sys/netinet/tcp_usrreq.c) fills it. The
oldest supported release is FreeBSD 14.0: 13.x reached its end of life in April 2026 and its
header lacks members the backend reads, so the module does not build there. A module built on
14 runs on 14 and later.

Which members exist depends on the release, and the returned length does not tell: FreeBSD keeps
a fixed-size struct and adds members in its padding (``__tcpi_pad``), which a kernel that predates
them copies out as zeros. FreeBSD 13 returns 236 bytes, its 26 pad words included; 14 appended the
accurate-ECN counters, the tail-loss-probe counters and snd_una, snd_max, rcv_numsacks, rcv_adv and
dupacks inside them (pad[10]; the u_int64_t makes the struct 240 bytes on 64-bit ABIs, still 236
on i386); the 15-era header zig ships grows the pad to 256 bytes and adds tcpi_rttmin at offset
196, inside what 14 returned. So a member newer than 13 is read only when the returned length
covers it and the running kernel (sysctl kern.osreldate, read once at import) is 14.0 or later
(``since="14.0"``); a pad zero is never presented as a value. Sources: the rust-lang/libc binding,
whose CI checks it against FreeBSD 13, 14 and 15 headers (pad[26], [10], [14]), the FreeBSD 13
and 14 headers, and the header zig ships; the exact 14-CURRENT commits were not traced.

Not exposed: the ``__tcpi_*`` placeholders (the Linux members FreeBSD never fills), tcpi_snd_bwnd
("no longer used", always 0), and tcpi_rttmin, which the 14 header lacks (a module built there
could not read it) and whose first release could not be established.
"""

from __future__ import annotations

import contract
from model import Constant, Enumeration, Field, Record, computed, portable

# What getsockopt(TCP_INFO) must have returned for each member to be read: freebsd_compat.h's
# SOCKETSTAT_TCPI_END(member), declared to Cython as END_<member>. tcpi_snd_zerowin ends what
# every supported kernel fills (from_bytes() requires it).
BASE_END = "tcpi_snd_zerowin"


FREEBSD_TCP_STATE = Enumeration(
    "FreeBSDTcpState", "IntEnum",
    "FreeBSD's TCP state numbers: the tcpcb's t_state (TCPS_* in <netinet/tcp_fsm.h>), the raw\n"
    "    ``tcpi_state``.",
    (
        # The RFC 793 states under their RFC names; the values are the header's.
        Constant("CLOSED", 0, "TCPS_CLOSED", "CLOSED"),
        Constant("LISTEN", 1, "TCPS_LISTEN", "LISTEN"),
        Constant("SYN_SENT", 2, "TCPS_SYN_SENT", "SYN_SENT"),
        Constant("SYN_RECEIVED", 3, "TCPS_SYN_RECEIVED", "SYN_RECEIVED"),
        Constant("ESTABLISHED", 4, "TCPS_ESTABLISHED", "ESTABLISHED"),
        Constant("CLOSE_WAIT", 5, "TCPS_CLOSE_WAIT", "CLOSE_WAIT"),
        Constant("FIN_WAIT_1", 6, "TCPS_FIN_WAIT_1", "FIN_WAIT_1"),
        Constant("CLOSING", 7, "TCPS_CLOSING", "CLOSING"),
        Constant("LAST_ACK", 8, "TCPS_LAST_ACK", "LAST_ACK"),
        Constant("FIN_WAIT_2", 9, "TCPS_FIN_WAIT_2", "FIN_WAIT_2"),
        Constant("TIME_WAIT", 10, "TCPS_TIME_WAIT", "TIME_WAIT"),
    ),
)

TCP_INFO_OPTIONS = Enumeration(
    "TcpInfoOptions", "IntFlag",
    "Bits of TcpInfo.tcpi_options (TCPI_OPT_* in <netinet/tcp.h>): the options in use.\n"
    "\n"
    "    ``TcpInfoOptions(info.tcpi_options)`` names them; tcpi_options itself stays a plain int so\n"
    "    that to_dict() keeps every bit on every Python version.\n"
    "    ",
    (
        Constant("TIMESTAMPS", 0x01, "TCPI_OPT_TIMESTAMPS"),
        Constant("SACK", 0x02, "TCPI_OPT_SACK"),
        Constant("WSCALE", 0x04, "TCPI_OPT_WSCALE"),
        Constant("ECN", 0x08, "TCPI_OPT_ECN"),
        Constant("TOE", 0x10, "TCPI_OPT_TOE", note="TCP offload engine"),
        # Newer than some 14.x headers: the numbers, not the header's names.
        Constant("TFO", 0x20, note="TCP Fast Open (TCPI_OPT_TFO)"),
        Constant("ACE", 0x40, note="accurate ECN (TCPI_OPT_ACE)"),
    ),
)

_FILLED = "self._filled >= END_{}"


def tcpi(name: str, ctype: str, doc: str, unit: str = "", since: str = "", *,
         pytype: str = "int", expr: str = "") -> Field:
    """A struct tcp_info member; one of 14.0 (``since``) is None unless the running kernel fills
    it (see the module docstring)."""
    valid = _FILLED.format(name) if since else ""
    if valid:
        pytype = f"{pytype} | None"
        doc += " (None from a kernel older than 14.0, whose padding holds 0 there)"
    return Field(name, pytype, doc, unit, expr=expr, ctype=ctype,
                 since=f"FreeBSD {since or '14.0'}", valid=valid)


TCP_INFO_MEMBERS = (
    tcpi("tcpi_state", "uint8_t", "TCP state, BSD numbering (FreeBSDTcpState; an unknown number "
         "stays an int)", pytype="FreeBSDTcpState | int",
         expr="_RAW_TCP_STATES.get(self._info.tcpi_state, self._info.tcpi_state)"),
    tcpi("tcpi_options", "uint8_t", "TCPI_OPT_* bits (TcpInfoOptions): 1 timestamps, 2 SACK, "
         "4 window scaling, 8 ECN, 16 TCP offload, 32 TCP Fast Open, 64 accurate ECN"),
    tcpi("tcpi_snd_wscale", "uint8_t", "send window scale shift (4-bit field; 0 unless window "
         "scaling was negotiated)"),
    tcpi("tcpi_rcv_wscale", "uint8_t", "receive window scale shift (4-bit field; 0 unless window "
         "scaling was negotiated)"),
    tcpi("tcpi_rto", "uint32_t", "retransmission timeout (t_rxtcur, tick resolution)",
         "microseconds"),
    tcpi("tcpi_snd_mss", "uint32_t", "maximum segment size for sending (t_maxseg)", "bytes"),
    tcpi("tcpi_rcv_mss", "uint32_t", "maximum segment size for receiving (FreeBSD reports "
         "t_maxseg here too)", "bytes"),
    tcpi("tcpi_last_data_recv", "uint32_t", "time since data was last received", "microseconds"),
    tcpi("tcpi_rtt", "uint32_t", "smoothed RTT (tick resolution)", "microseconds"),
    tcpi("tcpi_rttvar", "uint32_t", "RTT variance", "microseconds"),
    tcpi("tcpi_snd_ssthresh", "uint32_t", "slow-start threshold", "bytes"),
    tcpi("tcpi_snd_cwnd", "uint32_t", "congestion window", "bytes"),
    tcpi("tcpi_rcv_space", "uint32_t", "receive window advertised to the peer (rcv_wnd)",
         "bytes"),
    tcpi("tcpi_snd_wnd", "uint32_t", "peer's advertised receive window (snd_wnd)", "bytes"),
    tcpi("tcpi_snd_nxt", "uint32_t", "next sequence number to send (snd_nxt, absolute)"),
    tcpi("tcpi_rcv_nxt", "uint32_t", "next sequence number expected (rcv_nxt, absolute)"),
    tcpi("tcpi_toe_tid", "uint32_t", "hardware TID of a TCP-offloaded connection (0 without "
         "TOE)"),
    tcpi("tcpi_snd_rexmitpack", "uint32_t", "data segments retransmitted (t_sndrexmitpack)",
         "segments"),
    tcpi("tcpi_rcv_ooopack", "uint32_t", "segments received out of order (t_rcvoopack)",
         "segments"),
    tcpi("tcpi_snd_zerowin", "uint32_t", "zero-window advertisements sent (t_sndzerowin)"),
    tcpi("tcpi_delivered_ce", "uint32_t", "CE marks the peer reported delivered (accurate ECN)",
         "", "14.0"),
    tcpi("tcpi_received_ce", "uint32_t", "CE-marked segments received (accurate ECN)", "",
         "14.0"),
    tcpi("tcpi_total_tlp", "uint32_t", "tail loss probes sent (filled by the stacks that send "
         "them, e.g. RACK; 0 from the default stack)", "", "14.0"),
    tcpi("tcpi_total_tlp_bytes", "uint64_t", "tail loss probe bytes sent (as tcpi_total_tlp)",
         "bytes", "14.0"),
    tcpi("tcpi_snd_una", "uint32_t", "oldest unacknowledged sequence number (snd_una, "
         "absolute)", "", "14.0"),
    tcpi("tcpi_snd_max", "uint32_t", "highest sequence number sent (snd_max, absolute)", "",
         "14.0"),
    tcpi("tcpi_rcv_numsacks", "uint32_t", "distinct SACK blocks held for the peer", "", "14.0"),
    tcpi("tcpi_rcv_adv", "uint32_t", "highest sequence number advertised to the peer "
         "(rcv_adv, absolute)", "", "14.0"),
    tcpi("tcpi_dupacks", "uint32_t", "consecutive duplicate ACKs received", "", "14.0"),
)

END_MEMBERS = (BASE_END,) + tuple(field.name for field in TCP_INFO_MEMBERS
                                  if field.valid)

# The portable view of a TcpInfo (contract.CONNECTION_INFO): how FreeBSD computes each row.
CONNECTION_INFO_PORTABLE = {
    "state": "_portable_state(self._info.tcpi_state)",
    "rtt": "self._info.tcpi_rtt / 1e6",
    "rtt_variance": "self._info.tcpi_rttvar / 1e6",
    # t_rxtcur is always set (TCPTV_RTOBASE before the first RTT sample): never 0 for "idle".
    "rto": "self._info.tcpi_rto / 1e6",
    "mss": "self._info.tcpi_snd_mss",
    "congestion_window": "self._info.tcpi_snd_cwnd",
    "retransmissions": "self._info.tcpi_snd_rexmitpack",
    "bytes_sent": "None",
    "bytes_received": "None",
    "bytes_acked": "None",
}


SOCKET_INFO_FIELDS = (
    computed("listen_queue_length", "int | None", "a listening socket's connections "
             "waiting for accept(), getsockopt(SO_LISTENQLEN) (netstat -L's first figure); "
             "None unless listening", "self._listen(self._queue_length)", "connections"),
    computed("listen_incomplete_queue_length", "int | None", "a listening socket's "
             "connections not yet complete, getsockopt(SO_LISTENINCQLEN) (TCP's handshakes "
             "in progress mostly wait in the syncache instead, uncounted); None unless "
             "listening", "self._listen(self._incomplete_queue_length)", "connections"),
    computed("listen_queue_limit", "int | None", "a listening socket's backlog, "
             "getsockopt(SO_LISTENQLIMIT) (netstat -L's last figure); None unless listening",
             "self._listen(self._queue_limit)", "connections"),
    computed("send_space", "int | None", "ioctl(FIONSPACE): room left in the send buffer; "
             "details only, and None for a listening socket", "self._send_space", "bytes"),
)


TCP_INFO = Record(
    "TcpInfo",
    "FreeBSD ``struct tcp_info`` (<netinet/tcp.h>), in the kernel's units.",
    "FreeBSD 14.0",
    portable(contract.CONNECTION_INFO, CONNECTION_INFO_PORTABLE),
    TCP_INFO_MEMBERS,
)

SOCKET_INFO = Record(
    "SocketInfo",
    "The socket's identity as getsockname(), getpeername() and getsockopt(SO_TYPE, SO_PROTOCOL, "
    "SO_RCVBUF, SO_SNDBUF) give it, with a listening socket's queues.",
    "",
    portable(contract.SOCKET_INFO, {
        "family": "_FAMILIES.get(self._family, self._family)",
        "type": "_KINDS.get(self._type, self._type)",
        "protocol": "self._protocol",
        "local_address": "_address(&self._local, self._local_length)",
        "remote_address": "_address(&self._remote, self._remote_length)",
        "receive_buffer_size": "self._receive_buffer_size",
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
        "not_yet_sent": "_not_yet_sent(self._connection_info, self._unsent)",
        "accept_queue": "self._accept_queue(False)",
        "accept_queue_limit": "self._accept_queue(True)",
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
        Field("monotonic", "float", "when the sample was taken: CLOCK_MONOTONIC, the clock of "
              "time.monotonic() on FreeBSD", "seconds", expr="self._monotonic_ns / 1e9"),
        Field("unreceived", "int", "bytes waiting to be read, as SocketStat.unreceived (ioctl "
              "FIONREAD; a datagram socket's next datagram, peeked; 0 for a listening socket)",
              "bytes", expr="self._unreceived"),
        Field("unsent", "int | None", "bytes in the send buffer, as SocketStat.unsent (ioctl "
              "FIONWRITE); None for Unix sockets, whose data waits in the peer's buffer",
              "bytes", expr="self._unsent if self._has_unsent else None"),
        Field("not_yet_sent", "int | None", "bytes queued and never transmitted, as "
              "SocketStat.not_yet_sent (TCP, FreeBSD 14 and later)", "bytes",
              expr="_not_yet_sent(self._connection_info, "
                   "self._unsent if self._has_unsent else None)"),
        Field("connection_info", "TcpInfo | None", "the TCP connection's state (TCP_INFO); None "
              "for a socket that is not TCP", expr="self._connection_info"),
    ),
)

SAMPLE_DELTA = Record(
    "SampleDelta",
    "What changed between two samples: counters' differences and the interval's rates. FreeBSD's "
    "tcp_info counts no bytes, so bytes_sent, bytes_received, bytes_acked and every rate are "
    "None; the sequence numbers' advance (sequence_sent, sequence_received, sequence_acked) is "
    "what it has instead.",
    "",
    (),
    (
        Field("elapsed", "float", "time between the two samples", "seconds",
              expr="self._elapsed"),
        Field("bytes_acked", "int | None", "not counted on FreeBSD, always None (see "
              "sequence_acked)", "bytes", expr="None"),
        Field("bytes_sent", "int | None", "not counted on FreeBSD, always None (see "
              "sequence_sent)", "bytes", expr="None"),
        Field("bytes_received", "int | None", "not counted on FreeBSD, always None (see "
              "sequence_received)", "bytes", expr="None"),
        Field("segments_retransmitted", "int", "data segments retransmitted in the interval "
              "(tcpi_snd_rexmitpack)", "segments", expr="self._segments_retransmitted"),
        Field("segments_out_of_order", "int", "segments received out of order in the interval "
              "(tcpi_rcv_ooopack)", "segments", expr="self._segments_out_of_order"),
        Field("zero_windows_sent", "int", "zero-window advertisements sent in the interval "
              "(tcpi_snd_zerowin)", expr="self._zero_windows_sent"),
        Field("tail_loss_probes", "int | None", "tail loss probes sent in the interval "
              "(tcpi_total_tlp; None before FreeBSD 14)", expr="self._tail_loss_probes"),
        Field("sequence_sent", "int | None", "how far tcpi_snd_max advanced, modulo 2**32: new "
              "payload bytes sent (retransmissions not counted; a SYN or FIN counts 1), exact "
              "only if fewer than 4 GiB were sent in the interval, which the kernel cannot "
              "confirm; None before FreeBSD 14", "bytes", expr="self._sequence_sent"),
        Field("sequence_received", "int", "how far tcpi_rcv_nxt advanced, modulo 2**32: payload "
              "bytes received in order (a SYN or FIN counts 1), exact only if fewer than 4 GiB "
              "arrived in the interval", "bytes", expr="self._sequence_received"),
        Field("sequence_acked", "int | None", "how far tcpi_snd_una advanced, modulo 2**32: "
              "payload bytes the peer acknowledged (a SYN or FIN counts 1), exact only if fewer "
              "than 4 GiB were acknowledged in the interval; None before FreeBSD 14", "bytes",
              expr="self._sequence_acked"),
        Field("delivery_rate", "float | None", "not counted on FreeBSD, always None", "bytes/s",
              expr="None"),
        Field("send_rate", "float | None", "not counted on FreeBSD, always None", "bytes/s",
              expr="None"),
        Field("receive_rate", "float | None", "not counted on FreeBSD, always None", "bytes/s",
              expr="None"),
    ),
)

RECORDS = (TCP_INFO, SOCKET_INFO, SOCKET_STAT, SAMPLE, SAMPLE_DELTA)
