# cython: language_level=3, embedsignature=True, autotestdict=False, freethreading_compatible=True
"""macOS backend: one socket's kernel state from proc_pidfdinfo(), getsockopt(2) and ioctl(2).

What socketstat(fd) reads, and why:
  always       getsockopt(SO_TYPE)                   the socket check: ENOTSOCK and EBADF
               proc_pidfdinfo(PROC_PIDFDSOCKETINFO)  identity, both addresses, TCP state and
                                                     timers, accept queue, both socket buffers
  TCP          getsockopt(TCP_CONNECTION_INFO)       connection_info
  stream       ioctl(FIONREAD)                       unreceived
  other types  getsockopt(SO_NREAD)                  unreceived: the next datagram's payload, as
                                                     Linux's SIOCINQ (FIONREAD counts every queued
                                                     datagram with its sender's address)
  Unix stream  getsockopt(SO_SNDBUF)                 unsent and send_buffer_size (_unix_unsent)
  not Unix     getsockopt(SO_NWRITE)                 unsent (0 for UDP, which never queues)
  rarely       getsockname() / getpeername()         only for an IPv6 link- or interface-local
                                                     address, whose scope id proc_pidfdinfo lacks
  details      getsockopt(SO_NREAD)                  readable_bytes, unless unreceived read it
               getsockopt(SO_NUMRCVPKT)              queued_datagrams
A Unix datagram socket's unsent is None: its data waits in the peer's buffer, which xnu does not
count per sender.

Addresses come from proc_pidfdinfo's in_sockinfo/un_sockinfo, rebuilt the way xnu's getsockname()
and getpeername() build them (in_getsockaddr, in6_mapped_sockaddr, uipc_sockaddr), and are given
in the socket module's forms. macOS has no public count of bytes queued but never sent (Linux's
SIOCOUTQNSD): SocketStat.not_yet_sent is always None here.

The records (TcpConnectionInfo, SockbufInfo, SocketInfo, SocketStat) are generated from the field
tables in socketstat/codegen/darwin.py into _darwin_records.pxi at build time.
"""

cimport cython
from libc.errno cimport errno, ECONNRESET, ENOENT, ENOMEM, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP
from libc.stdint cimport int32_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy, memset

from socketstat.includes.posix cimport (
    AF_INET, AF_INET6, AF_UNIX, INET6_ADDRSTRLEN, IPPROTO_TCP, PyObject_AsFileDescriptor,
    SOCK_STREAM, SOL_SOCKET, SO_SNDBUF, SO_TYPE, SUN_PATH_OFFSET, getpeername, getsockname,
    getsockopt, in6_addr, inet_ntop, ioctl, ntohl, ntohs, sockaddr, socklen_t, strnlen,
    _PyDict_NewPresized, socketstat_format_ipv4, socketstat_json, socketstat_json_key_null,
    socketstat_json_key_scaled, socketstat_json_key_u64, socketstat_json_key_i64,
    socketstat_json_raw, socketstat_json_reserve,
)
from socketstat.includes cimport darwin
from socketstat.includes.darwin cimport (
    in_sockinfo, sockaddr_in, sockaddr_in6, sockaddr_storage, sockaddr_un, socket_fdinfo,
    socket_info, sysctlbyname,
)

import enum as _enum
import errno as _errno
import os as _os
import socket as _socket

from socketstat._common import TcpState
from socketstat._query import Listing, parse as _parse_query

include "_posix.pxi"
include "_darwin_records.pxi"
include "_posix_json.pxi"


# ---------------------------------------------------------------------------------------------
# What the records compute

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


cdef inline const sockbuf_info *_sockbuf(const darwin.sockbuf_info *buffer) noexcept nogil:
    # socket_info's soi_rcv or soi_snd as the table's declaration of the same C type, whose
    # members the records read (includes/darwin.pxd declares the type without them).
    return <const sockbuf_info *>buffer


cdef SockbufInfo _sockbuf_info(const darwin.sockbuf_info *source):
    cdef SockbufInfo record = SockbufInfo.__new__(SockbufInfo)
    record._info = _sockbuf(source)[0]
    return record


cdef object _address(const sockaddr_storage *storage, socklen_t length):
    """A socket address in the form Python's socket module gives it on macOS; None for none."""
    if length == 0:
        return None
    if storage.ss_family == AF_INET or storage.ss_family == AF_INET6:
        return _inet_address(storage)
    # AF_UNIX: a NUL-terminated path; "" for an unbound socket (xnu's sun_noname).
    return _unix_path(<const sockaddr_un *>storage, length)


cdef inline object _accept_queue(SocketInfo info, bint limit):
    # A listening TCP socket's queue: xnu's so_qlen also counts handshakes in progress
    # (so_incqlen), which accept() cannot take yet; so_qlimit is the listen() backlog.
    if info is None:  # a record made by SocketStat.__new__, never filled
        return None
    cdef const socket_info *psi = &info._info
    if (psi.soi_kind != darwin.SOCKINFO_TCP
            or psi.soi_proto.pri_tcp.tcpsi_state != darwin.TSI_S_LISTEN):
        return None
    return psi.soi_qlimit if limit else psi.soi_qlen - psi.soi_incqlen


# ---------------------------------------------------------------------------------------------
# Reading

cdef enum Call:
    # The call that failed, named in the OSError's message.
    CALL_NONE
    CALL_SO_TYPE
    CALL_PROC_PIDFDINFO
    CALL_PROC_PIDFDINFO_SIZE           # it answered, but not with sizeof(struct socket_fdinfo) bytes
    CALL_PROC_PIDFDINFO_TYPE           # it answered for a socket of another type than SO_TYPE's
    CALL_TCP_CONNECTION_INFO
    CALL_FIONREAD
    CALL_SO_NREAD
    CALL_SO_NWRITE
    CALL_SO_SNDBUF
    CALL_GETSOCKNAME
    CALL_GETPEERNAME

_CALL_NAMES = (
    "",
    "getsockopt(SOL_SOCKET, SO_TYPE)",
    "proc_pidfdinfo(PROC_PIDFDSOCKETINFO)",
    "proc_pidfdinfo(PROC_PIDFDSOCKETINFO)",
    "proc_pidfdinfo(PROC_PIDFDSOCKETINFO)",
    "getsockopt(IPPROTO_TCP, TCP_CONNECTION_INFO)",
    "ioctl(FIONREAD)",
    "getsockopt(SOL_SOCKET, SO_NREAD)",
    "getsockopt(SOL_SOCKET, SO_NWRITE)",
    "getsockopt(SOL_SOCKET, SO_SNDBUF)",
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
    bint has_unsent                     # False: xnu does not say (a Unix datagram socket)
    uint32_t send_buffer_size
    sockaddr_storage local
    socklen_t local_length              # 0: none
    sockaddr_storage remote
    socklen_t remote_length             # 0: not connected
    int error                           # errno of the failed call
    int readable_bytes                  # SO_NREAD
    bint has_readable_bytes
    # details=True
    int queued_datagrams
    bint has_queued_datagrams


cdef socklen_t _pcb_address(int family, const in_sockinfo *insi, bint local,
                            sockaddr_storage *out) noexcept nogil:
    """The sockaddr xnu's getsockname()/getpeername() would build from this PCB (in_getsockaddr,
    in6_mapped_sockaddr: an AF_INET6 socket whose PCB carries IPv4 gives ::ffff:a.b.c.d, or ::
    for 0.0.0.0, and never a flowinfo); its length, or 0 if only the kernel knows its scope id."""
    cdef sockaddr_in *v4 = <sockaddr_in *>out
    cdef sockaddr_in6 *v6 = <sockaddr_in6 *>out
    cdef uint16_t port = <uint16_t>(insi.insi_lport if local else insi.insi_fport)
    cdef const darwin.in4in6_addr *address46 = &insi.insi_laddr.ina_46 if local else &insi.insi_faddr.ina_46
    cdef const in6_addr *address6 = &insi.insi_laddr.ina_6 if local else &insi.insi_faddr.ina_6
    cdef uint8_t *mapped
    memset(out, 0, sizeof(sockaddr_storage))
    if family == AF_INET:
        v4.sin_len = sizeof(sockaddr_in)
        v4.sin_family = AF_INET
        v4.sin_port = port
        v4.sin_addr = address46.i46a_addr4
        return sizeof(sockaddr_in)
    v6.sin6_len = sizeof(sockaddr_in6)
    v6.sin6_family = AF_INET6
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
    memcpy(&v6.sin6_addr, address6, sizeof(in6_addr))
    return sizeof(sockaddr_in6)


cdef socklen_t _unix_sockaddr(const sockaddr_un *source, sockaddr_storage *out) noexcept nogil:
    """The sockaddr_un xnu's getsockname()/getpeername() would give: the bound address, or the
    nameless one (family only) that uipc_sockaddr returns for an unbound socket."""
    cdef size_t length = source.sun_len
    memset(out, 0, sizeof(sockaddr_storage))
    if length > sizeof(sockaddr_storage):
        length = sizeof(sockaddr_storage)
    if length > SUN_PATH_OFFSET:
        memcpy(out, source, length)
    else:
        length = SUN_PATH_OFFSET
    out.ss_len = <uint8_t>length
    out.ss_family = AF_UNIX
    return <socklen_t>length


cdef inline int _unix_unsent(int send_buffer_size, uint32_t hiwat) noexcept nogil:
    # A Unix stream send goes straight into the peer's receive buffer and lowers this socket's
    # so_snd.sb_hiwat by what the peer now holds (uipc_usrreq.c uipc_send; uipc_rcvd raises it
    # again as the peer reads), and getsockopt(SO_SNDBUF) adds the peer's count back
    # (unp_conn->unp_cc, uipc_socket.c sogetoptlock). Their sum does not move with sends and
    # reads, so the difference is the bytes the peer held when proc_pidfdinfo copied sb_hiwat: 0
    # without a peer. Never negative, even if setsockopt(SO_SNDBUF) ran between the two calls.
    return send_buffer_size - <int>hiwat if send_buffer_size > <int>hiwat else 0


cdef Call read_snapshot(int fd, Snapshot *snap, bint details) noexcept nogil:
    """Every syscall socketstat() makes, in order; returns the call that failed
    (its errno in snap.error) or CALL_NONE."""
    cdef socklen_t length
    cdef int send_buffer_size
    cdef const socket_info *psi = &snap.fdinfo.psi
    cdef const in_sockinfo *insi = &snap.fdinfo.psi.soi_proto.pri_in

    # First a call that any socket answers, so that a non-socket gives ENOTSOCK and a closed fd
    # EBADF before proc_pidfdinfo's own checks.
    if _getsockopt_int(fd, SOL_SOCKET, SO_TYPE, &snap.type) != 0:
        snap.error = errno
        return CALL_SO_TYPE

    snap.fdinfo_length = darwin.proc_pidfdinfo(darwin.getpid(), fd, darwin.PROC_PIDFDSOCKETINFO,
                                               &snap.fdinfo, sizeof(socket_fdinfo))
    if snap.fdinfo_length != sizeof(socket_fdinfo):
        # libproc answers 0 and sets errno on failure; anything else short is a kernel we do not know.
        snap.error = errno if snap.fdinfo_length <= 0 else 0
        return CALL_PROC_PIDFDINFO if snap.error != 0 else CALL_PROC_PIDFDINFO_SIZE
    if psi.soi_type != snap.type:
        return CALL_PROC_PIDFDINFO_TYPE

    snap.tcp_length = 0
    if psi.soi_kind == darwin.SOCKINFO_TCP:
        length = sizeof(tcp_connection_info)
        if getsockopt(fd, IPPROTO_TCP, darwin.TCP_CONNECTION_INFO, &snap.tcp, &length) == 0:
            snap.tcp_length = length
        elif errno != ECONNRESET:
            # ECONNRESET: the TCP control block went away since proc_pidfdinfo (tcp_ctloutput).
            snap.error = errno
            return CALL_TCP_CONNECTION_INFO

    # unreceived. FIONREAD is so_rcv.sb_cc (sys_socket.c soioctl): a stream's queued bytes, but
    # for datagram sockets every queued datagram with its sender address and control data
    # (uipc_socket2.c sballoc); SO_NREAD gives the next datagram's payload, the contract's figure.
    snap.has_readable_bytes = False
    if snap.type == SOCK_STREAM:
        if ioctl(fd, darwin.FIONREAD, &snap.unreceived) != 0:
            snap.error = errno
            return CALL_FIONREAD
    else:
        if _getsockopt_int(fd, SOL_SOCKET, darwin.SO_NREAD, &snap.readable_bytes) != 0:
            snap.error = errno
            return CALL_SO_NREAD
        snap.unreceived = snap.readable_bytes
        snap.has_readable_bytes = True

    # unsent. SO_NWRITE is so_snd.sb_cc (uipc_socket.c sogetoptlock), where only TCP keeps data:
    # UDP hands datagrams to IP at once, so 0 is its true figure. Unix sockets write into the
    # peer's receive buffer: a stream's share there comes from SO_SNDBUF (_unix_unsent); for a
    # datagram socket xnu exposes nothing, hence None.
    snap.has_unsent = True
    snap.send_buffer_size = _sockbuf(&psi.soi_snd).sbi_hiwat
    if psi.soi_kind == darwin.SOCKINFO_UN:
        if snap.type == SOCK_STREAM:
            if _getsockopt_int(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer_size) != 0:
                snap.error = errno
                return CALL_SO_SNDBUF
            snap.unsent = _unix_unsent(send_buffer_size, snap.send_buffer_size)
            snap.send_buffer_size = <uint32_t>send_buffer_size
        else:
            snap.has_unsent = False
            snap.unsent = 0
    elif _getsockopt_int(fd, SOL_SOCKET, darwin.SO_NWRITE, &snap.unsent) != 0:
        snap.error = errno
        return CALL_SO_NWRITE

    # Addresses from the PCB copy; getpeername() answers ENOTCONN unless SS_ISCONNECTED.
    snap.local_length = 0
    snap.remote_length = 0
    if psi.soi_kind == darwin.SOCKINFO_IN or psi.soi_kind == darwin.SOCKINFO_TCP:
        snap.local_length = _pcb_address(psi.soi_family, insi, True, &snap.local)
        if snap.local_length == 0:
            snap.local_length = sizeof(sockaddr_storage)
            if getsockname(fd, <sockaddr *>&snap.local, &snap.local_length) != 0:
                snap.error = errno
                return CALL_GETSOCKNAME
        if psi.soi_state & darwin.SOI_S_ISCONNECTED:
            snap.remote_length = _pcb_address(psi.soi_family, insi, False, &snap.remote)
            if snap.remote_length == 0:
                snap.remote_length = sizeof(sockaddr_storage)
                if getpeername(fd, <sockaddr *>&snap.remote, &snap.remote_length) != 0:
                    snap.remote_length = 0
                    if errno != ENOTCONN:
                        snap.error = errno
                        return CALL_GETPEERNAME
    elif psi.soi_kind == darwin.SOCKINFO_UN:
        snap.local_length = _unix_sockaddr(&psi.soi_proto.pri_un.unsi_addr.ua_sun, &snap.local)
        if psi.soi_state & darwin.SOI_S_ISCONNECTED:
            snap.remote_length = _unix_sockaddr(&psi.soi_proto.pri_un.unsi_caddr.ua_sun, &snap.remote)

    if details:
        # Options an older macOS lacks, or a socket type refuses, are left out (None).
        if not snap.has_readable_bytes:
            snap.has_readable_bytes = _getsockopt_int(
                fd, SOL_SOCKET, darwin.SO_NREAD, &snap.readable_bytes) == 0
        snap.has_queued_datagrams = _getsockopt_int(
            fd, SOL_SOCKET, darwin.SO_NUMRCVPKT, &snap.queued_datagrams) == 0
    return CALL_NONE


cdef object _raise_from(Call call, const Snapshot *snap):
    # Calls of one read that contradict each other mean the fd named another socket part-way.
    if call == CALL_PROC_PIDFDINFO_TYPE:
        _raise_changed(f"getsockopt(SO_TYPE) said type {snap.type}, proc_pidfdinfo "
                       f"{snap.fdinfo.psi.soi_type}")
    if call == CALL_TCP_CONNECTION_INFO and (snap.error == ENOPROTOOPT or snap.error == EOPNOTSUPP):
        _raise_changed("proc_pidfdinfo described a TCP socket, TCP_CONNECTION_INFO says it is not")
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
    info._send_buffer_size = snap.send_buffer_size
    info._rcv = None
    info._snd = None
    info._readable_bytes = snap.readable_bytes if details and snap.has_readable_bytes else None
    info._queued_datagrams = snap.queued_datagrams if details and snap.has_queued_datagrams else None
    return info


def socketstat(fd, *, bint details=False):
    """socketstat(fd, *, details=False) -> SocketStat

    Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads SO_NREAD (unless unreceived already did) and
    SO_NUMRCVPKT: the readable bytes and the number of datagrams queued.

    Raises TypeError for an object that is neither, ValueError for a negative fd, OverflowError
    for one beyond a C int, and OSError (EBADF, ENOTSOCK, ...) naming the call that failed.
    """
    cdef int descriptor = _descriptor(fd)
    cdef Snapshot snap
    # The GIL stays held, as on Linux: these calls never block, and releasing it costs more than
    # it gives (see the note in _linux.pyx).
    cdef Call failed = read_snapshot(descriptor, &snap, details)
    if failed != CALL_NONE:
        _raise_from(failed, &snap)

    cdef SocketStat stat = SocketStat.__new__(SocketStat)
    stat._unreceived = snap.unreceived
    stat._unsent = snap.unsent if snap.has_unsent else None
    if snap.tcp_length:
        stat._connection_info = tcp_connection_info_from_buffer(&snap.tcp, snap.tcp_length)
    else:
        stat._connection_info = None
    stat._socket_info = _socket_info(&snap, details)
    return stat


def tcp_info(fd):
    """Only ``struct tcp_connection_info``: one getsockopt(TCP_CONNECTION_INFO), the cheapest full
    view of a TCP socket. Raises OSError (ENOPROTOOPT) for a socket that is not TCP, and the same
    TypeError, ValueError, OverflowError and OSError as socketstat() for bad input.
    """
    cdef int descriptor = _descriptor(fd)
    cdef TcpConnectionInfo record = TcpConnectionInfo.__new__(TcpConnectionInfo)
    cdef int failure = read_connection_info(descriptor, record)
    if failure != 0:
        _raise_errno(failure, _CALL_NAMES[CALL_TCP_CONNECTION_INFO])
    return record


# ---------------------------------------------------------------------------------------------
# Sampling

cdef inline int read_connection_info_into(int fd, tcp_connection_info *info,
                                          size_t *length) noexcept nogil:
    """getsockopt(TCP_CONNECTION_INFO) straight into ``info``; 0 or the errno. The kernel copies
    only what it knows (sooptcopyout): the rest is zeroed, not left from an earlier sample.
    Sampler.sample() and SamplerGroup.sample() both read through this and read_queues, so the
    group issues exactly the Sampler's syscalls."""
    cdef socklen_t returned = sizeof(tcp_connection_info)
    if getsockopt(fd, IPPROTO_TCP, darwin.TCP_CONNECTION_INFO, info, &returned) != 0:
        return errno
    length[0] = min(<size_t>returned, sizeof(tcp_connection_info))
    if length[0] < sizeof(tcp_connection_info):
        memset((<char *>info) + length[0], 0, sizeof(tcp_connection_info) - length[0])
    return 0


cdef inline int read_connection_info(int fd, TcpConnectionInfo record) noexcept:
    return read_connection_info_into(fd, &record._info, &record._length)


cdef inline Call read_queues(int fd, bint stream, bint nwrite, int *unreceived, int *unsent,
                             int *error) noexcept nogil:
    """unreceived as socketstat() reads it: ioctl(FIONREAD) for a stream, getsockopt(SO_NREAD)
    (the next datagram's payload) otherwise; unsent from getsockopt(SO_NWRITE) unless ``nwrite``
    is False (a Unix socket, whose data waits in the peer's buffer: see read_snapshot)."""
    if stream:
        if ioctl(fd, darwin.FIONREAD, unreceived) != 0:
            error[0] = errno
            return CALL_FIONREAD
    elif _getsockopt_int(fd, SOL_SOCKET, darwin.SO_NREAD, unreceived) != 0:
        error[0] = errno
        return CALL_SO_NREAD
    if nwrite and _getsockopt_int(fd, SOL_SOCKET, darwin.SO_NWRITE, unsent) != 0:
        error[0] = errno
        return CALL_SO_NWRITE
    return CALL_NONE


cdef object _raise_read_error(Call failed, int failure):
    # TCP_CONNECTION_INFO refused by a socket add() or the constructor saw as TCP: the fd names
    # another socket now (tcp_ctloutput answers ENOPROTOOPT for others, EOPNOTSUPP if no PCB).
    if failed == CALL_TCP_CONNECTION_INFO and (failure == ENOPROTOOPT or failure == EOPNOTSUPP):
        _raise_changed("TCP_CONNECTION_INFO says the socket is not TCP")
    _raise_errno(failure, _CALL_NAMES[failed])


cdef Sample _new_sample(bint tcp):
    cdef Sample sample = Sample.__new__(Sample)
    sample._monotonic_ns = 0
    sample._unreceived = 0
    sample._unsent = 0
    sample._has_unsent = False
    sample._connection_info = tcp_connection_info_from_buffer(NULL, 0) if tcp else None
    return sample


cdef inline object _rate(object count, double elapsed):
    return None if count is None or elapsed <= 0 else count / elapsed


cdef object _counter_delta(uint64_t later, uint64_t earlier):
    # u64 counters of one connection never go back: one that did was read from another socket,
    # whose fd got the same number.
    if later < earlier:
        _raise_changed("a counter went backwards", "between the two samples")
    return later - earlier


cdef SampleDelta _tcp_delta(TcpConnectionInfo later, TcpConnectionInfo earlier, double elapsed):
    cdef SampleDelta delta = SampleDelta.__new__(SampleDelta)
    delta._elapsed = elapsed
    delta._bytes_sent = _counter_delta(later._info.tcpi_txbytes, earlier._info.tcpi_txbytes)
    delta._bytes_received = _counter_delta(later._info.tcpi_rxbytes, earlier._info.tcpi_rxbytes)
    delta._bytes_retransmitted = _counter_delta(later._info.tcpi_txretransmitbytes,
                                                earlier._info.tcpi_txretransmitbytes)
    delta._segments_out = _counter_delta(later._info.tcpi_txpackets, earlier._info.tcpi_txpackets)
    delta._segments_in = _counter_delta(later._info.tcpi_rxpackets, earlier._info.tcpi_rxpackets)
    delta._segments_retransmitted = None
    if (later._length >= END_tcpi_txretransmitpackets
            and earlier._length >= END_tcpi_txretransmitpackets):
        delta._segments_retransmitted = _counter_delta(later._info.tcpi_txretransmitpackets,
                                                       earlier._info.tcpi_txretransmitpackets)
    return delta


@cython.final
cdef class Sampler:
    """Re-reads one socket's changing state at the cost of its syscalls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only getsockopt(TCP_CONNECTION_INFO) (TCP
    sockets), ioctl(FIONREAD) (streams) or getsockopt(SO_NREAD) (datagram sockets), and
    getsockopt(SO_NWRITE) (not for Unix sockets, see Sample.unsent) into storage allocated here,
    and allocates nothing: never proc_pidfdinfo. The Sampler keeps a reference to ``fd`` when it
    is an object, so a socket passed in is not closed under it; an int fd must stay open (and not
    be reused) while the Sampler is used. Threads may share a Sampler: sample() and delta() are
    atomic with respect to each other, but a Sample is refilled in place by the second sample()
    after it, whichever thread calls it.
    """

    cdef int _fd
    cdef object _source
    cdef SocketInfo _socket_info
    cdef Sample _current
    cdef Sample _previous
    cdef bint _tcp
    cdef bint _stream                  # FIONREAD; else SO_NREAD (socketstat()'s unreceived)
    cdef bint _nwrite                  # SO_NWRITE; False for Unix sockets
    cdef int _samples_taken

    def __init__(self, fd):
        # Built in locals and committed at the end, so a failure leaves the Sampler as it was;
        # an initialised Sampler is never re-pointed.
        cdef int descriptor = _descriptor(fd)
        cdef SocketStat first = socketstat(descriptor)
        cdef bint tcp = first._connection_info is not None
        cdef Sample current = _new_sample(tcp)
        cdef Sample previous = _new_sample(tcp)
        with cython.critical_section(self):
            if self._current is not None:
                raise TypeError("a Sampler is initialised once: make a new one for another fd")
            self._fd = descriptor
            self._source = fd
            self._socket_info = first._socket_info
            self._tcp = tcp
            self._stream = first._socket_info._info.soi_type == SOCK_STREAM
            self._nwrite = first._socket_info._info.soi_kind != darwin.SOCKINFO_UN
            self._samples_taken = 0
            self._previous = previous
            self._current = current

    @property
    def socket_info(self):
        """The socket's identity, read once by the constructor."""
        return self._socket_info

    @property
    def current(self):
        """The newest Sample, or None before the first sample()."""
        with cython.critical_section(self):
            return self._current if self._samples_taken >= 1 else None

    @property
    def previous(self):
        """The Sample before the newest, or None before the second sample()."""
        with cython.critical_section(self):
            return self._previous if self._samples_taken >= 2 else None

    def sample(self):
        """Refill the older of the Sampler's two Samples with the socket's state now, and return it.
        Raises OSError naming the call that failed (EBADF once the fd is closed), and
        SocketChangedError when the answers show the fd now names another socket."""
        with cython.critical_section(self):
            return self._sample()

    cdef inline Sample _sample(self):
        cdef Sample sample = self._previous
        cdef int failure = 0
        cdef Call failed = CALL_NONE
        if sample is None:
            raise TypeError("this Sampler was never initialised: make one with Sampler(fd)")
        if self._tcp:
            failure = read_connection_info(self._fd, sample._connection_info)
            if failure != 0:
                failed = CALL_TCP_CONNECTION_INFO
        if failed == CALL_NONE:
            failed = read_queues(self._fd, self._stream, self._nwrite, &sample._unreceived,
                                 &sample._unsent, &failure)
        sample._has_unsent = self._nwrite
        if failed != CALL_NONE:
            # The Sample being refilled now holds a mix of two moments: never show it.
            self._samples_taken = min(self._samples_taken, 1)
            _raise_read_error(failed, failure)
        sample._monotonic_ns = darwin.socketstat_monotonic_ns()
        self._previous = self._current
        self._current = sample
        if self._samples_taken < 2:
            self._samples_taken += 1
        return sample

    def delta(self):
        """The difference between the two newest samples. Raises ValueError before two samples and
        for a socket that is not TCP (only TCP keeps the counters), and SocketChangedError when a
        counter went backwards: the fd names another socket now."""
        with cython.critical_section(self):
            return self._delta()

    cdef inline SampleDelta _delta(self):
        if self._samples_taken < 2:
            raise ValueError("delta() needs two samples; call sample() twice first")
        if not self._tcp:
            raise ValueError("delta() needs a TCP socket: only TCP keeps byte counters")
        return _tcp_delta(self._current._connection_info, self._previous._connection_info,
                          (self._current._monotonic_ns - self._previous._monotonic_ns) / 1e9)

    def __reduce__(self):
        raise TypeError("a Sampler reads a live fd of this process and is not picklable; pickle "
                        "its samples' to_dict() instead")


include "_darwin_group.pxi"


# ---------------------------------------------------------------------------------------------
# Every socket at once: sysctl net.inet.{tcp,udp,raw}.pcblist_n and net.local.*.pcblist_n, the
# tables netstat reads (network_cmds netstat.tproj/inet.c, unix.c), unprivileged. The records
# are walked, checked and filtered in C (includes/darwin_pcblist.h) and the sockets kept fill
# the same structs proc_pidfdinfo fills for socketstat(), as xnu's fill_socketinfo
# (bsd/kern/socket_info.c) fills them from the same kernel fields.

# Each listing's tables; a table missing from this macOS answers ENOENT (net.local.*.pcblist_n
# came with macOS 13).
cdef dict _TABLES = {"tcp": (b"net.inet.tcp.pcblist_n",), "udp": (b"net.inet.udp.pcblist_n",),
                     "raw": (b"net.inet.raw.pcblist_n",),
                     "unix": (b"net.local.stream.pcblist_n", b"net.local.dgram.pcblist_n")}


cdef int _read_table(const char *name, char **buffer, size_t *length) except -1:
    """The table's whole answer in a new buffer (PyMem_Free it): 0, or ENOENT for a table this
    macOS lacks. The size probe leaves the kernel's own slack (n/8 sockets); ENOMEM means the
    table outgrew it meanwhile: probe again."""
    cdef size_t size
    cdef int result
    cdef int error
    for _ in range(16):
        size = 0
        if sysctlbyname(name, NULL, &size, NULL, 0) != 0:
            if errno == ENOENT:
                return ENOENT
            _raise_errno(errno, f"sysctlbyname({name.decode()!r}) size probe")
        buffer[0] = <char *>PyMem_Malloc(size + size // 8 + 64)
        if buffer[0] == NULL:
            raise MemoryError()
        length[0] = size + size // 8 + 64
        with nogil:
            result = sysctlbyname(name, buffer[0], length, NULL, 0)
            error = errno
        if result == 0:
            return 0
        PyMem_Free(buffer[0])
        buffer[0] = NULL
        if error != ENOMEM:
            _raise_errno(error, f"sysctlbyname({name.decode()!r})")
    raise OSError(ENOMEM, f"{name.decode()} kept growing past each size probe (originated from "
                  f"sysctlbyname({name.decode()!r}))")


cdef socklen_t _listed_address(int family, const in_sockinfo *insi, bint local,
                               sockaddr_storage *out) noexcept nogil:
    """As _pcb_address; for a link- or interface-local IPv6 address, whose scope only
    getsockname() knows, the zone xnu may embed in the address's second 16-bit word (KAME's
    convention, what netstat reads), else scope id 0."""
    cdef socklen_t length = _pcb_address(family, insi, local, out)
    cdef sockaddr_in6 *v6 = <sockaddr_in6 *>out
    cdef uint8_t *octets
    if length:
        return length
    memcpy(&v6.sin6_addr, &insi.insi_laddr.ina_6 if local else &insi.insi_faddr.ina_6,
           sizeof(in6_addr))
    octets = <uint8_t *>&v6.sin6_addr
    v6.sin6_scope_id = (octets[2] << 8) | octets[3]
    octets[2] = 0
    octets[3] = 0
    return sizeof(sockaddr_in6)


cdef inline void _listed_sockbuf(sockbuf_info *out, const darwin.socketstat_xsockbuf_n *source) noexcept nogil:
    # fill_sockbuf_info (bsd/kern/socket_info.c) and sbtoxsockbuf_n copy the same sockbuf.
    out.sbi_cc = source.sb_cc
    out.sbi_hiwat = source.sb_hiwat
    out.sbi_mbcnt = source.sb_mbcnt
    out.sbi_mbmax = source.sb_mbmax
    out.sbi_lowat = <uint32_t>source.sb_lowat
    out.sbi_flags = source.sb_flags
    out.sbi_timeo = source.sb_timeo


cdef TcpConnectionInfo _listed_connection_info(const darwin.socketstat_pcb *pcb):
    """What tcp_connection_fill_info (bsd/netinet/tcp_usrreq.c) computes from the tcpcb alone; the
    rest reads None (TcpConnectionInfo._listed)."""
    cdef TcpConnectionInfo record = tcp_connection_info_from_buffer(NULL, 0)
    cdef const darwin.socketstat_xtcpcb_n *tcp = pcb.tcp
    cdef tcp_connection_info *info = &record._info
    record._length = sizeof(tcp_connection_info)
    record._listed = True
    info.tcpi_state = <uint8_t>tcp.t_state
    if (tcp.t_flags & (darwin.SOCKETSTAT_DARWIN_TF_REQ_SCALE | darwin.SOCKETSTAT_DARWIN_TF_RCVD_SCALE)
            == (darwin.SOCKETSTAT_DARWIN_TF_REQ_SCALE | darwin.SOCKETSTAT_DARWIN_TF_RCVD_SCALE)):
        info.tcpi_snd_wscale = tcp.snd_scale
        info.tcpi_rcv_wscale = tcp.rcv_scale
    info.tcpi_rto = <uint32_t>tcp.t_rxtcur if tcp.t_timer[darwin.TSI_T_REXMT] > 0 else 0
    info.tcpi_maxseg = tcp.t_maxseg
    info.tcpi_snd_ssthresh = tcp.snd_ssthresh
    info.tcpi_snd_cwnd = tcp.snd_cwnd
    info.tcpi_snd_wnd = tcp.snd_wnd
    info.tcpi_snd_sbbytes = pcb.snd.sb_cc
    info.tcpi_rcv_wnd = tcp.rcv_adv - tcp.rcv_nxt if tcp.rcv_adv > tcp.rcv_nxt else 0
    info.tcpi_srtt = <uint32_t>(tcp.t_srtt >> 5)          # TCP_RTT_SHIFT
    info.tcpi_rttvar = <uint32_t>(tcp.t_rttvar >> 4)      # TCP_RTTVAR_SHIFT
    return record


cdef SocketStat _listed_record(const darwin.socketstat_pcb *pcb):
    cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
    cdef SocketStat stat = SocketStat.__new__(SocketStat)
    cdef socket_info *psi = &info._info
    cdef in_sockinfo *insi = &info._info.soi_proto.pri_in
    cdef const darwin.socketstat_xsocket_n *so = pcb.so
    cdef int index
    memset(psi, 0, sizeof(socket_info))
    psi.soi_so = so.xso_so
    psi.soi_pcb = so.so_pcb
    psi.soi_type = so.so_type
    psi.soi_protocol = so.xso_protocol
    psi.soi_family = so.xso_family
    psi.soi_options = <short>so.so_options
    psi.soi_linger = so.so_linger
    psi.soi_state = so.so_state
    psi.soi_qlen = so.so_qlen
    psi.soi_incqlen = so.so_incqlen
    psi.soi_qlimit = so.so_qlimit
    psi.soi_timeo = so.so_timeo
    psi.soi_error = so.so_error
    psi.soi_oobmark = so.so_oobmark
    # The same C type as the records' declaration of it (see _sockbuf()).
    _listed_sockbuf(<sockbuf_info *>&psi.soi_rcv, pcb.rcv)
    _listed_sockbuf(<sockbuf_info *>&psi.soi_snd, pcb.snd)
    info._send_buffer_size = pcb.snd.sb_hiwat
    info._listed = True
    info._uid = so.so_uid
    info._last_pid = so.so_last_pid
    info._effective_pid = so.so_e_pid
    info._local_length = 0
    info._remote_length = 0
    if pcb.inp != NULL:
        psi.soi_kind = darwin.SOCKINFO_TCP if pcb.tcp != NULL else darwin.SOCKINFO_IN
        insi.insi_fport = pcb.inp.inp_fport
        insi.insi_lport = pcb.inp.inp_lport
        insi.insi_gencnt = pcb.inp.inp_gencnt
        insi.insi_flags = <uint32_t>pcb.inp.inp_flags
        insi.insi_vflag = pcb.inp.inp_vflag
        insi.insi_ip_ttl = pcb.inp.inp_ip_ttl
        memcpy(&insi.insi_faddr, &pcb.inp.inp_dependfaddr, sizeof(in6_addr))
        memcpy(&insi.insi_laddr, &pcb.inp.inp_dependladdr, sizeof(in6_addr))
        insi.insi_v4.in4_tos = pcb.inp.inp_depend4.inp4_ip_tos
        insi.insi_v6.in6_cksum = pcb.inp.inp_depend6.inp6_cksum
        insi.insi_v6.in6_hops = pcb.inp.inp_depend6.inp6_hops
        info._local_length = _listed_address(psi.soi_family, insi, True, &info._local)
        # getpeername() answers for a socket with a peer: a foreign port is set exactly then.
        if pcb.inp.inp_fport != 0:
            info._remote_length = _listed_address(psi.soi_family, insi, False, &info._remote)
        if pcb.tcp != NULL:
            psi.soi_proto.pri_tcp.tcpsi_state = pcb.tcp.t_state
            for index in range(4):      # TCPT_*_EXT in the TSI_T_* order
                psi.soi_proto.pri_tcp.tcpsi_timer[index] = pcb.tcp.t_timer[index]
            psi.soi_proto.pri_tcp.tcpsi_mss = <int>pcb.tcp.t_maxseg
            psi.soi_proto.pri_tcp.tcpsi_flags = pcb.tcp.t_flags
            psi.soi_proto.pri_tcp.tcpsi_tp = pcb.inp.inp_ppcb
            stat._connection_info = _listed_connection_info(pcb)
    else:
        psi.soi_kind = darwin.SOCKINFO_UN
        psi.soi_proto.pri_un.unsi_conn_pcb = pcb.unp.xunp_conn
        memcpy(&psi.soi_proto.pri_un.unsi_addr, &pcb.unp.xu_au,
               sizeof(psi.soi_proto.pri_un.unsi_addr))
        memcpy(&psi.soi_proto.pri_un.unsi_caddr, &pcb.unp.xu_cau,
               sizeof(psi.soi_proto.pri_un.unsi_caddr))
        info._local_length = _unix_sockaddr(&psi.soi_proto.pri_un.unsi_addr.ua_sun, &info._local)
        if pcb.unp.xunp_conn != 0:
            info._remote_length = _unix_sockaddr(&psi.soi_proto.pri_un.unsi_caddr.ua_sun,
                                                 &info._remote)
    stat._socket_info = info
    # The buffers' byte counts, as netstat shows them: a stream's receive buffer is what FIONREAD
    # reads; a datagram socket's counts every queued datagram with its sender's address, not the
    # next datagram socketstat() reports, hence None. The send buffer is SO_NWRITE's, which only
    # TCP fills (UDP never queues: 0); a Unix socket's data waits in its peer's buffer: None.
    stat._unreceived = pcb.rcv.sb_cc if so.so_type == SOCK_STREAM else None
    stat._unsent = pcb.snd.sb_cc if pcb.inp != NULL else None
    return stat


cdef int _network_filter(darwin.socketstat_pcb_network *out, object network) except -1:
    cdef bytes packed
    if network is not None:
        packed = network.network_address.packed
        out.version = network.version
        out.prefix_length = network.prefixlen
        memcpy(out.address, <const char *>packed, len(packed))
    return 0


cdef int _query_filter(darwin.socketstat_pcb_filter *out, object query, object families) except -1:
    memset(out, 0, sizeof(darwin.socketstat_pcb_filter))
    if query.states is None:
        out.states = 0xFFFFFFFF
    else:
        for number, portable_state in _PORTABLE_TCP_STATES.items():
            if portable_state in query.states:
                out.states |= 1u << <int>number
    out.inet4 = AF_INET in families
    out.inet6 = AF_INET6 in families
    out.local_port = -1 if query.local_port is None else query.local_port
    out.remote_port = -1 if query.remote_port is None else query.remote_port
    _network_filter(&out.local, query.local_network)
    _network_filter(&out.remote, query.remote_network)
    out.pid = 0 if query.pid is None else query.pid
    return 0


cdef int _list_table(list records, const char *name, bint unix_sockets, bint tcp,
                     const darwin.socketstat_pcb_filter *filter, dict skipped) except -1:
    """Add the kept sockets of one table to ``records``: 0, or ENOENT if this macOS lacks it."""
    cdef char *buffer = NULL
    cdef size_t length = 0
    cdef darwin.socketstat_pcblist walk
    cdef darwin.socketstat_pcb pcb
    if _read_table(name, &buffer, &length) != 0:
        return ENOENT
    try:
        if darwin.socketstat_pcblist_begin(&walk, buffer, length, unix_sockets, tcp) != 0:
            raise OSError(_errno.EBADMSG, f"{name.decode()} does not start with the 24-byte "
                          "xinpgen header socketstat knows (originated from sysctlbyname())")
        while darwin.socketstat_pcblist_next(&walk, filter, &pcb):
            records.append(_listed_record(&pcb))
        if walk.unknown_length or walk.incomplete or walk.truncated:
            skipped[name.decode()] = OSError(
                _errno.EBADMSG, f"{walk.incomplete} sockets of {name.decode()} left out: "
                f"{walk.unknown_length} records of a length socketstat does not know (a newer "
                f"macOS?){', and the answer was cut short' if walk.truncated else ''}")
    finally:
        PyMem_Free(buffer)
    return 0


def sockets(kind="inet", *, states=None, local_port=None, remote_port=None, local_address=None,
            remote_address=None, pid=None, processes=False, details=False, netns=None):
    """Every socket of a kind, from the kernel's tables (sysctl net.inet.tcp.pcblist_n and its
    udp, raw and net.local siblings, which netstat reads, unprivileged): a Listing (a list) of
    the SocketStat records socketstat(fd) returns, with each socket's uid and the pids of the
    processes that last used it and that it acts for (SocketInfo.last_pid, effective_pid).

    ``kind``: "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "inet" (TCP and UDP), "inet4",
    "inet6", "unix", "raw" or "all"; "mptcp" and "udplite" are Linux's. A listing this macOS
    cannot give (Unix sockets before macOS 13) is left out and named in the result's
    ``skipped``, unless nothing could be listed, which raises its OSError; a table some of whose
    records socketstat could not read is named there by its sysctl, with what was left out.

    ``states``, ``local_port``, ``remote_port``, ``local_address``, ``remote_address`` and
    ``pid`` (the socket's last_pid or effective_pid) filter as on Linux, in C before a record
    is built. A listed TCP record's connection_info holds what the tcpcb holds (state, RTT and
    its variance, RTO, MSS, windows, cwnd, ssthresh); its byte and segment counters, option
    bits and flags are None (socketstat(fd) has them). ``processes`` and ``details`` add nothing
    here: the pids come with every record. ``netns`` is Linux's.

    Raises TypeError or ValueError for a bad argument before any syscall, ProcessLookupError for
    a ``pid`` that does not exist, and OSError naming the call that failed.
    """
    query = _parse_query(kind, states, local_port, remote_port, local_address, remote_address,
                         pid, processes, details, netns)
    cdef darwin.socketstat_pcb_filter filter
    cdef list records = []
    cdef dict skipped = {}
    cdef dict families = {}
    cdef bint listed_any = False
    if query.netns is not None:
        raise ValueError("netns is Linux's: macOS has no network namespaces")
    if query.pid is not None:
        try:
            _os.kill(query.pid, 0)
        except PermissionError:
            pass    # it exists, another user's
    for name, protocol, family in query.dumps:
        families.setdefault(protocol, []).append((name, family))
    for protocol, listings in families.items():
        if protocol not in _TABLES:
            for name, _ in listings:
                skipped[name] = OSError(_errno.EPROTONOSUPPORT, f"macOS has no {protocol} "
                                        f"sockets to list ({name})")
            continue
        _query_filter(&filter, query, [family for _, family in listings])
        for table in _TABLES[protocol]:
            if _list_table(records, table, protocol == "unix", protocol == "tcp", &filter,
                           skipped) == 0:
                listed_any = True
            else:
                for name, _ in listings:
                    skipped[name] = OSError(ENOENT, f"{_os.strerror(ENOENT)}: this macOS has no "
                                            f"{table.decode()}, so no {name} listing (originated "
                                            f"from sysctlbyname({table.decode()!r}))")
    if not listed_any and skipped:
        raise next(iter(skipped.values()))
    return Listing(records, skipped)
