"""The portable contract: what every backend's records give under the same name, type and unit.

Each row is declared once here. The stubs' shared base classes (``_common.pyi``), every
backend's property docstrings and the README's contract table come from it; each backend's
table (linux.py, darwin.py) says only how it computes the row. A figure some platform cannot
give is ``X | None`` on every platform, so code checked on one type-checks on all.
"""

from __future__ import annotations

from model import Portable

SOCKET_STAT = (
    Portable("state", "TcpState | None", "A TCP connection's state by its RFC 793 name; None for "
             "a socket that is not TCP. Set also where connection_info is None: a listed "
             "TIME_WAIT or request socket, which the kernel sends no statistics for", "",
             linux="tcpi_state; in a listing sock_diag's idiag_state",
             darwin="tcpi_state of TCP_CONNECTION_INFO", freebsd="tcpi_state of TCP_INFO",
             windows="State of SIO_TCP_INFO"),
    Portable("unreceived", "int | None", "Bytes waiting to be read: a stream's queued data, a "
             "datagram socket's next datagram (what one recv() returns); None where the source "
             "gives only the queue's memory", "bytes",
             linux="ioctl(SIOCINQ), 0 when listening; in a listing sock_diag's idiag_rqueue for "
                   "TCP and UNIX_DIAG_RQLEN for Unix sockets, None for UDP, UDP-Lite, raw and "
                   "MPTCP sockets (their rqueue is buffer memory: receive_queue_memory)",
             darwin="ioctl(FIONREAD) for streams, getsockopt(SO_NREAD) for datagram sockets",
             freebsd="ioctl(FIONREAD) for streams, 0 when listening; for a datagram socket "
                     "the next datagram's length, recv(MSG_PEEK) into a buffer of FIONREAD's "
                     "size (FIONREAD counts every queued datagram)",
             windows="ioctlsocket(FIONREAD): a stream's queued bytes, a datagram socket's first "
                     "datagram"),
    Portable("unsent", "int | None", "Bytes this socket has written that the peer has not taken: "
             "TCP's unacknowledged and unsent bytes, a Unix socket's bytes the peer has not read",
             "bytes",
             linux="ioctl(SIOCOUTQ), 0 when listening; in a listing idiag_wqueue or "
                   "UNIX_DIAG_RQLEN, the same figures; None for a listed MPTCP socket (its "
                   "wqueue is memory)",
             darwin="getsockopt(SO_NWRITE) for TCP and UDP (which never queues); for a connected "
                    "Unix stream SO_SNDBUF minus soi_snd.sbi_hiwat (xnu lowers the sender's "
                    "high-water mark by what the peer holds); None for a Unix datagram socket",
             freebsd="ioctl(FIONWRITE) for TCP and UDP (which never queues), 0 when listening; "
                     "None for Unix sockets, whose data waits in the peer's buffer uncounted "
                     "per sender",
             windows="not reported, always None: Windows has no send-queue count "
                     "(TCP_INFO's BytesInFlight, the unacknowledged bytes, would miss the "
                     "bytes queued and never sent)"),
    Portable("not_yet_sent", "int | None", "Bytes in the send queue never transmitted; TCP only, "
             "else None", "bytes",
             linux="tcpi_notsent_bytes (what ioctl(SIOCOUTQNSD) returns)",
             darwin="not reported, always None",
             freebsd="FIONWRITE less tcpi_snd_max - tcpi_snd_una (FreeBSD 14 and later) in "
                     "ESTABLISHED, CLOSE_WAIT, FIN_WAIT_2 and TIME_WAIT, where no SYN or FIN is "
                     "in flight; two reads, not one snapshot; None in the other states",
             windows="not reported, always None"),
    Portable("accept_queue", "int | None", "A listening TCP socket's established connections "
             "waiting for accept() (ss Recv-Q); None unless listening TCP", "connections",
             linux="tcpi_unacked of a listener", darwin="soi_qlen - soi_incqlen",
             freebsd="getsockopt(SO_LISTENQLEN) (complete connections only)",
             windows="not reported, always None (Winsock exposes no accept queue length)"),
    Portable("accept_queue_limit", "int | None", "A listening TCP socket's accept queue limit, "
             "the listen() backlog (ss Send-Q); None unless listening TCP", "connections",
             linux="tcpi_sacked of a listener", darwin="soi_qlimit",
             freebsd="getsockopt(SO_LISTENQLIMIT)",
             windows="not reported, always None (the backlog cannot be read back)"),
    Portable("connection_info", "ConnectionInfo | None", "The TCP connection's state and "
             "statistics; None for a socket that is not TCP and where the source has no statistics "
             "for it (see state)", "",
             linux="TcpInfo, getsockopt(TCP_INFO); in a listing INET_DIAG_INFO (None for "
                   "TIME_WAIT and request sockets, and for MPTCP, whose INFO is mptcp_info)",
             darwin="TcpConnectionInfo, getsockopt(TCP_CONNECTION_INFO)",
             freebsd="TcpInfo, getsockopt(TCP_INFO) (None for a TCP socket whose connection "
                     "was dropped)",
             windows="TcpInfo, WSAIoctl(SIO_TCP_INFO), TCP_INFO_v1 or _v0; None for a TCP "
                     "socket Windows keeps no statistics for yet (unconnected)"),
    Portable("socket_info", "SocketInfo", "The socket's identity: family, type, protocol, "
             "addresses", "", linux="getsockname(), getpeername(), SO_PROTOCOL, SO_TYPE",
             darwin="proc_pidfdinfo(PROC_PIDFDSOCKETINFO)",
             freebsd="getsockname(), getpeername(), SO_TYPE, SO_PROTOCOL, SO_RCVBUF, "
                     "SO_SNDBUF",
             windows="getsockopt(SO_PROTOCOL_INFOW), getsockname(), getpeername(), SO_RCVBUF, "
                     "SO_SNDBUF"),
)

CONNECTION_INFO = (
    Portable("state", "TcpState | None", "The connection's state, by its RFC 793 name (None "
             "only for a state number newer than this socketstat; the raw member keeps it)", "",
             linux="tcpi_state (NEW_SYN_RECV reads SYN_RECEIVED, BOUND_INACTIVE reads CLOSED)",
             darwin="tcpi_state", freebsd="tcpi_state",
             windows="State (TCPSTATE numbering)"),
    Portable("rtt", "float", "Smoothed round-trip time", "seconds",
             linux="tcpi_rtt, microsecond resolution",
             darwin="tcpi_srtt, millisecond resolution",
             freebsd="tcpi_rtt, microseconds of tick resolution",
             windows="RttUs, microsecond resolution"),
    Portable("rtt_variance", "float | None", "Round-trip time variation", "seconds",
             linux="tcpi_rttvar (mean deviation)", darwin="tcpi_rttvar",
             freebsd="tcpi_rttvar",
             windows="not reported, always None (TCP_INFO has no variance)"),
    Portable("rto", "float | None", "Retransmission timeout: how long an unacknowledged "
             "segment waits before it is sent again", "seconds",
             linux="tcpi_rto, always", darwin="tcpi_rto while the retransmit timer is armed "
             "(data awaits acknowledgement); None while idle, when macOS reports 0",
             freebsd="tcpi_rto (t_rxtcur), always",
             windows="not reported, always None"),
    Portable("mss", "int", "Maximum segment size the connection sends", "bytes",
             linux="tcpi_snd_mss", darwin="tcpi_maxseg", freebsd="tcpi_snd_mss",
             windows="Mss"),
    Portable("congestion_window", "int", "Congestion window", "bytes",
             linux="tcpi_snd_cwnd segments times tcpi_snd_mss", darwin="tcpi_snd_cwnd",
             freebsd="tcpi_snd_cwnd (bytes)",
             windows="Cwnd"),
    Portable("retransmissions", "int | None", "Segments retransmitted over the connection's "
             "life", "segments", linux="tcpi_total_retrans",
             darwin="tcpi_txretransmitpackets, data segments only; None before macOS 10.13",
             freebsd="tcpi_snd_rexmitpack, data segments",
             windows="not reported, always None (Windows counts retransmitted bytes, "
                     "BytesRetrans, not segments)"),
    Portable("bytes_sent", "int | None", "Payload bytes sent, retransmissions included", "bytes",
             linux="tcpi_bytes_sent (None before Linux 4.19)",
             darwin="tcpi_txbytes; None in a listing (pcblist_n has no counters)",
             freebsd="not counted, always None",
             windows="BytesOut"),
    Portable("bytes_received", "int | None", "Payload bytes received", "bytes",
             linux="tcpi_bytes_received (in order, duplicates not counted; None before 4.19)",
             darwin="tcpi_rxbytes (duplicate segments' bytes counted too); None in a listing",
             freebsd="not counted, always None",
             windows="BytesIn"),
    Portable("bytes_acked", "int | None", "Payload bytes the peer acknowledged", "bytes",
             linux="tcpi_bytes_acked", darwin="not reported, always None",
             freebsd="not counted, always None",
             windows="not reported, always None"),
)

SOCKET_INFO = (
    Portable("family", "socket.AddressFamily | int", "Address family (a plain int where Python "
             "has no name for it)", "", linux="getsockname()", darwin="soi_family",
             freebsd="getsockname()",
             windows="iAddressFamily of SO_PROTOCOL_INFOW"),
    Portable("type", "socket.SocketKind | int", "Socket type", "",
             linux="SO_TYPE (SOCK_STREAM when TCP_INFO answered)", darwin="soi_type",
             freebsd="SO_TYPE",
             windows="iSocketType of SO_PROTOCOL_INFOW"),
    Portable("protocol", "int", "Protocol number: socket.IPPROTO_TCP, socket.IPPROTO_UDP, 0 for "
             "Unix sockets", "", linux="SO_PROTOCOL", darwin="soi_protocol",
             freebsd="SO_PROTOCOL",
             windows="iProtocol of SO_PROTOCOL_INFOW"),
    Portable("local_address", "Address | None", "The address socket.getsockname() gives: "
             "(host, port) for IPv4, (host, port, flowinfo, scope_id) for IPv6, a path str for "
             "Unix ('' when unbound); None for a family socketstat cannot describe", "",
             linux="getsockname(); an abstract Unix name is bytes starting with NUL, another "
                   "family's address the raw bytes after the family",
             darwin="rebuilt from proc_pidfdinfo as xnu's getsockname() builds it",
             freebsd="getsockname()",
             windows="getsockname(); None for an unbound socket, which Windows refuses "
                     "(WSAEINVAL), and for a family other than IPv4, IPv6 and AF_UNIX"),
    Portable("remote_address", "Address | None", "The address socket.getpeername() gives, in "
             "the same forms; None when there is no peer", "", linux="getpeername()",
             darwin="rebuilt from proc_pidfdinfo as xnu's getpeername() builds it",
             freebsd="getpeername()",
             windows="getpeername()"),
    Portable("receive_buffer_size", "int | None", "The receive buffer's size, SO_RCVBUF",
             "bytes", linux="SO_MEMINFO, with details=True only (else None)",
             darwin="soi_rcv.sbi_hiwat", freebsd="getsockopt(SO_RCVBUF)",
             windows="getsockopt(SO_RCVBUF)"),
    Portable("send_buffer_size", "int | None", "The send buffer's size, SO_SNDBUF", "bytes",
             linux="SO_MEMINFO, with details=True only (else None)",
             darwin="soi_snd.sbi_hiwat; getsockopt(SO_SNDBUF) for a Unix stream, whose "
                    "high-water mark xnu lowers by what the peer holds",
             freebsd="getsockopt(SO_SNDBUF)",
             windows="getsockopt(SO_SNDBUF)"),
)
