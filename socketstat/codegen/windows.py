"""The Windows backend's records, declared once: TCP_INFO_v1 (<mstcpip.h>) and the records built
around it. render.py generates socketstat/_windows_records.pxi, stubs/socketstat/_windows.pyi and
the README's Windows field reference from these rows.

WSAIoctl(SIO_TCP_INFO) fills TCP_INFO_v0 (Windows 10 1703, Server 2016) or, asked for version 1,
TCP_INFO_v1 (Windows 10 1809, Server 2019), whose first members are v0's in the same layout. The
record keeps a TCP_INFO_v1 and the byte count WSAIoctl returned: a v1 member is valid only when
that count covers the whole v1 struct (``self._has_v1()``), and is typed ``X | None``. Units are
the header's: times in microseconds (RttUs, MinRttUs) or milliseconds (ConnectionTimeMs,
SndLimTime*), sizes and counters in bytes. TCP_INFO_v2 (Windows 11) is not in mingw-w64's headers
and not read.
"""

from __future__ import annotations

import contract
from model import Constant, Enumeration, Field, Record, computed, portable

# Windows 10 1809 (RS5) added the v1 members: valid only in a v1 answer.
_V1 = "self._has_v1()"

WINDOWS_TCP_STATE = Enumeration(
    "WindowsTcpState", "IntEnum",
    "Windows' TCP state numbers: TCPSTATE in <mstcpip.h>, the raw ``State`` of TCP_INFO_v0/v1\n"
    "    (0-based, unlike the 1-based MIB_TCP_STATE of GetTcpTable).",
    (
        Constant("CLOSED", 0, "TCPSTATE_CLOSED", "CLOSED"),
        Constant("LISTEN", 1, "TCPSTATE_LISTEN", "LISTEN"),
        Constant("SYN_SENT", 2, "TCPSTATE_SYN_SENT", "SYN_SENT"),
        Constant("SYN_RCVD", 3, "TCPSTATE_SYN_RCVD", "SYN_RECEIVED"),
        Constant("ESTABLISHED", 4, "TCPSTATE_ESTABLISHED", "ESTABLISHED"),
        Constant("FIN_WAIT_1", 5, "TCPSTATE_FIN_WAIT_1", "FIN_WAIT_1"),
        Constant("FIN_WAIT_2", 6, "TCPSTATE_FIN_WAIT_2", "FIN_WAIT_2"),
        Constant("CLOSE_WAIT", 7, "TCPSTATE_CLOSE_WAIT", "CLOSE_WAIT"),
        Constant("CLOSING", 8, "TCPSTATE_CLOSING", "CLOSING"),
        Constant("LAST_ACK", 9, "TCPSTATE_LAST_ACK", "LAST_ACK"),
        Constant("TIME_WAIT", 10, "TCPSTATE_TIME_WAIT", "TIME_WAIT"),
    ),
)


def member(name: str, ctype: str, doc: str, unit: str = "", since: str = "v0", *,
           pytype: str = "int", expr: str = "") -> Field:
    """A TCP_INFO_v1 member. One of v1 (Windows 10 1809) is None in a v0 answer."""
    valid = _V1 if since == "v1" else ""
    if valid:
        pytype = f"{pytype} | None"
    version = "Windows 10 1703" if since == "v0" else "Windows 10 1809"
    return Field(name, pytype, doc, unit, expr=expr, ctype=ctype, since=version, valid=valid)


TCP_INFO_MEMBERS = (
    member("State", "TCPSTATE", "TCP state, Windows' numbering (WindowsTcpState; an unknown "
           "number stays an int)", pytype="WindowsTcpState | int",
           expr="_RAW_TCP_STATES.get(self._info.State, self._info.State)"),
    member("Mss", "uint32_t", "current maximum segment size", "bytes"),
    member("ConnectionTimeMs", "uint64_t", "time since the connection was made", "milliseconds"),
    member("TimestampsEnabled", "uint8_t", "TCP timestamps (RFC 7323) are in use",
           pytype="bool", expr="self._info.TimestampsEnabled != 0"),
    member("RttUs", "uint32_t", "smoothed round-trip time estimate", "microseconds"),
    member("MinRttUs", "uint32_t", "smallest round-trip time sampled", "microseconds"),
    member("BytesInFlight", "uint32_t", "bytes sent and not yet acknowledged (not the bytes "
           "queued and never sent, which Windows does not report)", "bytes"),
    member("Cwnd", "uint32_t", "congestion window", "bytes"),
    member("SndWnd", "uint32_t", "the peer's advertised receive window", "bytes"),
    member("RcvWnd", "uint32_t", "the receive window this side advertises", "bytes"),
    member("RcvBuf", "uint32_t", "the receive buffer's current size (auto-tuned)", "bytes"),
    member("BytesOut", "uint64_t", "bytes sent (the documentation does not say whether "
           "retransmissions count)", "bytes"),
    member("BytesIn", "uint64_t", "bytes received", "bytes"),
    member("BytesReordered", "uint32_t", "bytes received out of order (a 32-bit counter)",
           "bytes"),
    member("BytesRetrans", "uint32_t", "bytes retransmitted (a 32-bit counter)", "bytes"),
    member("FastRetrans", "uint32_t", "fast retransmissions (entries into fast retransmit, not "
           "segments)"),
    member("DupAcksIn", "uint32_t", "duplicate acknowledgements received"),
    member("TimeoutEpisodes", "uint32_t", "retransmission timeout episodes (each may resend "
           "several times)"),
    member("SynRetrans", "uint8_t", "SYN retransmissions while connecting"),
    member("SndLimTransRwin", "uint32_t", "transitions into sending limited by the peer's "
           "receive window", since="v1"),
    member("SndLimTimeRwin", "uint32_t", "time spent sending limited by the peer's receive "
           "window", "milliseconds", "v1"),
    member("SndLimBytesRwin", "uint64_t", "bytes sent while limited by the peer's receive "
           "window", "bytes", "v1"),
    member("SndLimTransCwnd", "uint32_t", "transitions into sending limited by the congestion "
           "window", since="v1"),
    member("SndLimTimeCwnd", "uint32_t", "time spent sending limited by the congestion window",
           "milliseconds", "v1"),
    member("SndLimBytesCwnd", "uint64_t", "bytes sent while limited by the congestion window",
           "bytes", "v1"),
    member("SndLimTransSnd", "uint32_t", "transitions into sending limited by the application "
           "(nothing more to send)", since="v1"),
    member("SndLimTimeSnd", "uint32_t", "time spent limited by the application", "milliseconds",
           "v1"),
    member("SndLimBytesSnd", "uint64_t", "bytes sent while limited by the application", "bytes",
           "v1"),
)

# The portable view of a TcpInfo (contract.CONNECTION_INFO): how Windows computes each row.
CONNECTION_INFO_PORTABLE = {
    "state": "_portable_state(self._info.State)",
    "rtt": "self._info.RttUs / 1e6",
    # TCP_INFO has no RTT variance: None, not a 0 that would read as a perfectly steady path.
    "rtt_variance": "None",
    "rto": "None",
    "mss": "self._info.Mss",
    "congestion_window": "self._info.Cwnd",
    # Windows counts retransmitted bytes (BytesRetrans), fast-retransmit entries and timeout
    # episodes, never retransmitted segments.
    "retransmissions": "None",
    "bytes_sent": "self._info.BytesOut",
    "bytes_received": "self._info.BytesIn",
    "bytes_acked": "None",
}


SOCKET_INFO_FIELDS = (
    computed("szProtocol", "str", "WSAPROTOCOL_INFOW.szProtocol: the transport provider's "
             "name for the protocol, e.g. 'MSAFD Tcpip [TCP/IP]' (a layered provider shows "
             "here)", "self._protocol_name"),
)

TCP_INFO = Record(
    "TcpInfo",
    "Windows ``TCP_INFO_v1`` (<mstcpip.h>) from WSAIoctl(SIO_TCP_INFO), in the header's units.",
    "Windows 10 1703",
    portable(contract.CONNECTION_INFO, CONNECTION_INFO_PORTABLE),
    TCP_INFO_MEMBERS,
)

SOCKET_INFO = Record(
    "SocketInfo",
    "The socket's identity: getsockopt(SO_PROTOCOL_INFOW) for family, type and protocol, "
    "getsockname() and getpeername(), and the SO_RCVBUF and SO_SNDBUF buffer sizes.",
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
    "Everything Windows reports about one socket, read in one call to socketstat().",
    "",
    portable(contract.SOCKET_STAT, {
        "state": "None if self._connection_info is None else self._connection_info.state",
        "unreceived": "self._unreceived",
        "unsent": "None",
        "not_yet_sent": "None",
        "accept_queue": "None",
        "accept_queue_limit": "None",
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
        Field("monotonic", "float", "when the sample was taken, on the clock of time.monotonic() "
              "of the CPython the module was built for: QueryPerformanceCounter from Python "
              "3.13, GetTickCount64 (15.6 ms steps) before", "seconds",
              expr="self._monotonic_ns / 1e9"),
        Field("unreceived", "int", "bytes waiting to be read, as SocketStat.unreceived "
              "(ioctlsocket FIONREAD)", "bytes", expr="self._unreceived"),
        Field("unsent", "int | None", "not reported on Windows, always None (no send-queue "
              "count; TcpInfo.BytesInFlight has the unacknowledged bytes)", "bytes",
              expr="None"),
        Field("not_yet_sent", "int | None", "not reported on Windows, always None", "bytes",
              expr="None"),
        Field("connection_info", "TcpInfo | None", "the TCP connection's state "
              "(SIO_TCP_INFO); None for a socket that is not TCP", expr="self._connection_info"),
    ),
)

SAMPLE_DELTA = Record(
    "SampleDelta",
    "What changed between two samples: counters' differences and the interval's rates. Windows "
    "counts bytes, not segments, and no acknowledged bytes: bytes_acked, delivery_rate and the "
    "segment counts are None.",
    "",
    (),
    (
        Field("elapsed", "float", "time between the two samples", "seconds",
              expr="self._elapsed"),
        Field("bytes_acked", "int | None", "not reported on Windows, always None", "bytes",
              expr="None"),
        Field("bytes_sent", "int", "bytes sent in the interval (BytesOut)", "bytes",
              expr="self._bytes_sent"),
        Field("bytes_received", "int", "bytes received in the interval (BytesIn)", "bytes",
              expr="self._bytes_received"),
        Field("bytes_retransmitted", "int", "bytes retransmitted in the interval (BytesRetrans, "
              "a 32-bit counter: the difference is taken modulo 2**32)", "bytes",
              expr="self._bytes_retransmitted"),
        Field("segments_out", "int | None", "not reported on Windows, always None", "segments",
              expr="None"),
        Field("segments_in", "int | None", "not reported on Windows, always None", "segments",
              expr="None"),
        Field("segments_retransmitted", "int | None", "not reported on Windows, always None",
              "segments", expr="None"),
        Field("delivery_rate", "float | None", "not reported on Windows (no acknowledged-byte "
              "count), always None", "bytes/s", expr="None"),
        Field("send_rate", "float | None", "bytes sent per second over the interval", "bytes/s",
              expr="_rate(self._bytes_sent, self._elapsed)"),
        Field("receive_rate", "float | None", "bytes received per second over the interval",
              "bytes/s", expr="_rate(self._bytes_received, self._elapsed)"),
    ),
)

RECORDS = (TCP_INFO, SOCKET_INFO, SOCKET_STAT, SAMPLE, SAMPLE_DELTA)
