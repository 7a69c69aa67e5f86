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
from libc.errno cimport errno, ECONNRESET, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
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
    socket_info,
)

import enum as _enum
import os as _os
import socket as _socket

from socketstat._common import TcpState

include "_posix.pxi"
include "_darwin_records.pxi"


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

cdef inline int read_connection_info(int fd, TcpConnectionInfo record) noexcept:
    """getsockopt(TCP_CONNECTION_INFO) straight into the record; 0 or the errno. The kernel copies
    only what it knows (sooptcopyout): the rest is zeroed, not left from an earlier sample."""
    cdef socklen_t length = sizeof(tcp_connection_info)
    if getsockopt(fd, IPPROTO_TCP, darwin.TCP_CONNECTION_INFO, &record._info, &length) != 0:
        return errno
    record._length = min(<size_t>length, sizeof(tcp_connection_info))
    if record._length < sizeof(tcp_connection_info):
        memset((<char *>&record._info) + record._length, 0,
               sizeof(tcp_connection_info) - record._length)
    return 0


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
            if self._stream:
                if ioctl(self._fd, darwin.FIONREAD, &sample._unreceived) != 0:
                    failed = CALL_FIONREAD
            elif _getsockopt_int(self._fd, SOL_SOCKET, darwin.SO_NREAD, &sample._unreceived) != 0:
                failed = CALL_SO_NREAD
            if failed != CALL_NONE:
                failure = errno
        sample._has_unsent = self._nwrite
        if failed == CALL_NONE and self._nwrite:
            if _getsockopt_int(self._fd, SOL_SOCKET, darwin.SO_NWRITE, &sample._unsent) != 0:
                failed = CALL_SO_NWRITE
                failure = errno
        if failed != CALL_NONE:
            # The Sample being refilled now holds a mix of two moments: never show it.
            self._samples_taken = min(self._samples_taken, 1)
            if failed == CALL_TCP_CONNECTION_INFO and (failure == ENOPROTOOPT
                                                      or failure == EOPNOTSUPP):
                _raise_changed("TCP_CONNECTION_INFO says the socket is not TCP")
            _raise_errno(failure, _CALL_NAMES[failed])
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
