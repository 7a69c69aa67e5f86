# cython: language_level=3, embedsignature=True, autotestdict=False, freethreading_compatible=True
"""FreeBSD backend: one socket's kernel state from getsockopt(2), getsockname(2) and ioctl(2).

What socketstat(fd) reads, and why:
  always       getsockname()                      the socket check (ENOTSOCK, EBADF), the family
                                                  and the local address
               getsockopt(SO_TYPE, SO_PROTOCOL)   identity
               getpeername()                      the remote address (ENOTCONN: none)
  TCP          getsockopt(TCP_INFO)               connection_info; a listener by its tcpi_state
  other        getsockopt(SO_ACCEPTCONN)          stream and seqpacket sockets only: a listener?
  listening    getsockopt(SO_LISTENQLEN, SO_LISTENINCQLEN, SO_LISTENQLIMIT)
                                                  the queues; a listening socket has no buffers
                                                  to ask FIONREAD or FIONWRITE about (EINVAL)
  otherwise    ioctl(FIONREAD)                    unreceived
               recv(MSG_PEEK | MSG_DONTWAIT)      datagram sockets with data queued: the next
                                                  datagram's length
               ioctl(FIONWRITE)                   unsent, not for Unix sockets
  always       getsockopt(SO_RCVBUF, SO_SNDBUF)   the buffers' sizes
  details      ioctl(FIONSPACE)                   send_space

unreceived is FIONREAD for streams. For a datagram socket FIONREAD counts every queued datagram's
payload (FreeBSD has no per-datagram figure such as Linux's SIOCINQ or macOS's SO_NREAD), so the
next datagram is peeked, recv(MSG_PEEK | MSG_DONTWAIT) into a buffer of FIONREAD's size, which
holds it whole: its length is what one recv() returns. The data stays queued; no control data
(no file descriptor) is passed.
unsent is FIONWRITE, the send buffer's bytes: TCP's unacknowledged and unsent data, 0 for UDP
(which never queues); None for Unix sockets, whose data waits in the peer's receive buffer, which
FreeBSD does not count per sender. not_yet_sent is FIONWRITE less the bytes in flight
(tcpi_snd_max - tcpi_snd_una, FreeBSD 14 and later) in the states where no SYN or FIN can be
in flight (ESTABLISHED, CLOSE_WAIT, FIN_WAIT_2, TIME_WAIT), None in the others; TCP_INFO and
FIONWRITE are two reads, so an acknowledgement or a send between them can shift it by what moved
(it is never negative).

The records (TcpInfo, SocketInfo, SocketStat, Sample, SampleDelta) are generated from the field
tables in socketstat/codegen/freebsd.py into _freebsd_records.pxi at build time; the docstring of
codegen/freebsd.py says which FreeBSD release fills which tcp_info member and how the backend
tells.
"""

cimport cython
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.mem cimport PyMem_RawFree, PyMem_RawRealloc
from libc.errno cimport errno, EAGAIN, ECONNRESET, EINVAL, ENOMEM, ENOPROTOOPT, ENOTCONN
from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy, memset

from socketstat.includes.posix cimport (
    AF_INET, AF_INET6, AF_UNIX, INET6_ADDRSTRLEN, IPPROTO_TCP, PyObject_AsFileDescriptor,
    SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, SO_SNDBUF, SO_TYPE, SUN_PATH_OFFSET, getpeername, getsockname,
    getsockopt, inet_ntop, ioctl, ntohl, ntohs, sockaddr, socklen_t, strnlen,
    _PyDict_NewPresized, socketstat_format_ipv4, socketstat_json, socketstat_json_key_null,
    socketstat_json_key_scaled, socketstat_json_key_u64, socketstat_json_key_i64,
    socketstat_json_raw, socketstat_json_reserve,
)
from socketstat.includes cimport freebsd
from socketstat.includes.freebsd cimport (
    sockaddr_in, sockaddr_in6, sockaddr_storage, sockaddr_un, sysctlbyname,
)

import enum as _enum
import errno as _errno
import os as _os
import socket as _socket

from socketstat._common import TcpState

include "_posix.pxi"
include "_freebsd_records.pxi"
include "_posix_json.pxi"


# ---------------------------------------------------------------------------------------------
# The running kernel

cdef int _read_osreldate() noexcept:
    """kern.osreldate: the running kernel's __FreeBSD_version (1400000 and up for 14.x); 0 if it
    cannot be read, which counts as older than any release (no member newer than 13 is read)."""
    cdef int value = 0
    cdef size_t length = sizeof(int)
    if sysctlbyname(b"kern.osreldate", &value, &length, NULL, 0) != 0 or length != sizeof(int):
        return 0
    return value


# Read once: a kernel does not change under a running process.
cdef int _OSRELDATE = _read_osreldate()
# The members FreeBSD 14.0 added in tcp_info's padding (see codegen/freebsd.py): a kernel older
# than 14 returns as many bytes, with zeros there.
cdef bint _KERNEL_FILLS_14_MEMBERS = _OSRELDATE >= 1400000
_osreldate = _OSRELDATE              # for the tests


# ---------------------------------------------------------------------------------------------
# What the records compute

cdef TcpInfo tcp_info_from_buffer(const void *buffer, size_t length):
    """The one way a TcpInfo is filled, whatever the source: copy what the source holds, zero the
    rest, and remember how much was real and how much of it the running kernel fills."""
    cdef TcpInfo record = TcpInfo.__new__(TcpInfo)
    cdef size_t filled = min(length, sizeof(tcp_info_t))
    if filled:
        memcpy(&record._info, buffer, filled)
    memset((<char *>&record._info) + filled, 0, sizeof(tcp_info_t) - filled)
    record._length = filled
    record._filled = _filled(filled)
    return record


cdef inline size_t _filled(size_t length) noexcept nogil:
    # A kernel older than 14 fills the struct up to tcpi_snd_zerowin; the rest is its padding.
    if not _KERNEL_FILLS_14_MEMBERS and length > END_tcpi_snd_zerowin:
        return END_tcpi_snd_zerowin
    return length


cdef object _not_yet_sent(TcpInfo info, object unsent):
    """Bytes in the send buffer never transmitted: FIONWRITE's count less the bytes in flight
    (snd_max - snd_una), in the states where that difference is data only (no SYN in flight, and
    no FIN: ours is sent only from FIN_WAIT_1 on, and acknowledged by FIN_WAIT_2); None where a
    SYN or FIN may take a sequence number, before FreeBSD 14 (no snd_una, snd_max) and without
    TCP or a send-queue count."""
    cdef uint32_t flight
    cdef long long remaining
    if info is None or unsent is None or info._filled < END_tcpi_snd_max:
        return None
    if info._info.tcpi_state not in (freebsd.TCPS_ESTABLISHED, freebsd.TCPS_CLOSE_WAIT,
                                     freebsd.TCPS_FIN_WAIT_2, freebsd.TCPS_TIME_WAIT):
        return None
    flight = info._info.tcpi_snd_max - info._info.tcpi_snd_una       # modulo 2**32
    remaining = <long long>unsent - flight
    return remaining if remaining > 0 else 0


cdef object _address(const sockaddr_storage *storage, socklen_t length):
    """A socket address in the form Python's socket module gives it on FreeBSD; None for none or
    a family socketstat does not describe."""
    if length == 0:
        return None
    if storage.ss_family == AF_INET and length >= sizeof(sockaddr_in):
        return _inet_address(storage)
    if storage.ss_family == AF_INET6 and length >= sizeof(sockaddr_in6):
        return _inet_address(storage)
    if storage.ss_family == AF_UNIX:
        # A NUL-terminated path; "" for an unbound socket (sun_noname).
        return _unix_path(<const sockaddr_un *>storage, length)
    return None


# ---------------------------------------------------------------------------------------------
# Reading

cdef enum Call:
    # The call that failed, named in the OSError's message.
    CALL_NONE
    CALL_GETSOCKNAME
    CALL_SO_TYPE
    CALL_SO_PROTOCOL
    CALL_GETPEERNAME
    CALL_TCP_INFO
    CALL_SO_ACCEPTCONN
    CALL_SO_LISTENQLEN
    CALL_SO_LISTENINCQLEN
    CALL_SO_LISTENQLIMIT
    CALL_FIONREAD
    CALL_RECV_PEEK
    CALL_FIONWRITE
    CALL_SO_RCVBUF
    CALL_SO_SNDBUF
    CALL_FIONSPACE

_CALL_NAMES = (
    "",
    "getsockname()",
    "getsockopt(SOL_SOCKET, SO_TYPE)",
    "getsockopt(SOL_SOCKET, SO_PROTOCOL)",
    "getpeername()",
    "getsockopt(IPPROTO_TCP, TCP_INFO)",
    "getsockopt(SOL_SOCKET, SO_ACCEPTCONN)",
    "getsockopt(SOL_SOCKET, SO_LISTENQLEN)",
    "getsockopt(SOL_SOCKET, SO_LISTENINCQLEN)",
    "getsockopt(SOL_SOCKET, SO_LISTENQLIMIT)",
    "ioctl(FIONREAD)",
    "recv(MSG_PEEK)",
    "ioctl(FIONWRITE)",
    "getsockopt(SOL_SOCKET, SO_RCVBUF)",
    "getsockopt(SOL_SOCKET, SO_SNDBUF)",
    "ioctl(FIONSPACE)",
)


cdef struct Snapshot:
    # What the syscalls returned, before any Python object exists.
    sockaddr_storage local
    socklen_t local_length
    sockaddr_storage remote
    socklen_t remote_length             # 0: no peer
    int type
    int protocol
    bint tcp                            # TCP_INFO was asked
    tcp_info_t info
    socklen_t info_length               # 0: no TCP connection info
    bint listening
    int queue_length
    int incomplete_queue_length
    int queue_limit
    int unreceived
    int unsent
    bint has_unsent                     # False: a Unix socket
    int receive_buffer_size
    int send_buffer_size
    int send_space
    bint has_send_space
    int error                           # errno of the failed call


cdef inline bint _is_tcp(int family, int type, int protocol) noexcept nogil:
    return (family == AF_INET or family == AF_INET6) and type == SOCK_STREAM and protocol == IPPROTO_TCP


cdef inline int read_tcp_info_into(int fd, tcp_info_t *info, socklen_t *length) noexcept nogil:
    """getsockopt(TCP_INFO) straight into ``info``; 0 or the errno. The kernel copies only what it
    has (sooptcopyout): the rest is zeroed, not left from an earlier read."""
    cdef socklen_t returned = sizeof(tcp_info_t)
    if getsockopt(fd, IPPROTO_TCP, freebsd.TCP_INFO, info, &returned) != 0:
        return errno
    if returned > sizeof(tcp_info_t):
        returned = sizeof(tcp_info_t)
    if returned < sizeof(tcp_info_t):
        memset((<char *>info) + returned, 0, sizeof(tcp_info_t) - returned)
    length[0] = returned
    return 0


cdef int peek_next_datagram(int fd, int *unreceived, void **buffer,
                            size_t *capacity) noexcept nogil:
    """Turn FIONREAD's count of every queued datagram's payload (``unreceived``) into the next
    datagram's length: peek it into ``buffer``, grown to that count, which holds the next
    datagram whole. 0, or the errno (ENOMEM if the buffer cannot grow). A datagram taken by
    another reader meanwhile leaves the next one, or 0 if none is left."""
    cdef void *grown
    cdef ssize_t length
    cdef size_t wanted = <size_t>unreceived[0]
    if wanted == 0:
        return 0
    if capacity[0] < wanted:
        grown = PyMem_RawRealloc(buffer[0], wanted)
        if grown == NULL:
            return ENOMEM
        buffer[0] = grown
        capacity[0] = wanted
    length = freebsd.recv(fd, buffer[0], wanted, freebsd.MSG_PEEK | freebsd.MSG_DONTWAIT)
    if length < 0:
        if errno == EAGAIN:
            unreceived[0] = 0
            return 0
        return errno
    unreceived[0] = <int>length
    return 0


cdef Call read_snapshot(int fd, Snapshot *snap, bint details) noexcept nogil:
    """Every syscall socketstat() makes, in order; returns the call that failed (its errno in
    snap.error) or CALL_NONE."""
    cdef int accepting = 0
    cdef int failure
    cdef void *peek_buffer = NULL
    cdef size_t peek_capacity = 0
    # Zeroed, so that an address the kernel returns short of its family reads as no family.
    memset(snap, 0, sizeof(Snapshot))

    # getsockopt(SO_TYPE) first: any socket answers it, so a non-socket gives ENOTSOCK and a
    # closed fd EBADF, from the same call on every platform.
    if _getsockopt_int(fd, SOL_SOCKET, SO_TYPE, &snap.type) != 0:
        snap.error = errno
        return CALL_SO_TYPE
    snap.local_length = sizeof(sockaddr_storage)
    if getsockname(fd, <sockaddr *>&snap.local, &snap.local_length) != 0:
        snap.error = errno
        return CALL_GETSOCKNAME
    if snap.local_length > sizeof(sockaddr_storage):
        snap.local_length = sizeof(sockaddr_storage)
    if _getsockopt_int(fd, SOL_SOCKET, freebsd.SO_PROTOCOL, &snap.protocol) != 0:
        snap.error = errno
        return CALL_SO_PROTOCOL

    # getpeername() answers ENOTCONN without a peer; ECONNRESET for a TCP connection whose
    # control block is gone.
    snap.remote_length = sizeof(sockaddr_storage)
    if getpeername(fd, <sockaddr *>&snap.remote, &snap.remote_length) != 0:
        snap.remote_length = 0
        if errno != ENOTCONN and errno != ECONNRESET:
            snap.error = errno
            return CALL_GETPEERNAME
    elif snap.remote_length > sizeof(sockaddr_storage):
        snap.remote_length = sizeof(sockaddr_storage)

    snap.tcp = _is_tcp(snap.local.ss_family, snap.type, snap.protocol)
    snap.info_length = 0
    snap.listening = False
    if snap.tcp:
        failure = read_tcp_info_into(fd, &snap.info, &snap.info_length)
        if failure == 0:
            snap.listening = snap.info.tcpi_state == freebsd.TCPS_LISTEN
        elif failure != ECONNRESET:
            # ECONNRESET: the connection was dropped and its tcpcb is gone (tcp_ctloutput).
            snap.error = failure
            return CALL_TCP_INFO
    elif snap.type == SOCK_STREAM or snap.type == freebsd.SOCK_SEQPACKET:
        if _getsockopt_int(fd, SOL_SOCKET, freebsd.SO_ACCEPTCONN, &accepting) != 0:
            snap.error = errno
            return CALL_SO_ACCEPTCONN
        snap.listening = accepting != 0

    snap.has_unsent = snap.local.ss_family != AF_UNIX
    if snap.listening:
        # A listening socket's buffers are replaced by its queues (sys/sys/socketvar.h): nothing
        # to read or send, as on Linux.
        snap.unreceived = 0
        snap.unsent = 0
        if _getsockopt_int(fd, SOL_SOCKET, freebsd.SO_LISTENQLEN, &snap.queue_length) != 0:
            snap.error = errno
            return CALL_SO_LISTENQLEN
        if _getsockopt_int(fd, SOL_SOCKET, freebsd.SO_LISTENINCQLEN,
                           &snap.incomplete_queue_length) != 0:
            snap.error = errno
            return CALL_SO_LISTENINCQLEN
        if _getsockopt_int(fd, SOL_SOCKET, freebsd.SO_LISTENQLIMIT, &snap.queue_limit) != 0:
            snap.error = errno
            return CALL_SO_LISTENQLIMIT
    else:
        if ioctl(fd, freebsd.FIONREAD, &snap.unreceived) != 0:
            snap.error = errno
            return CALL_FIONREAD
        if snap.type == SOCK_DGRAM:
            failure = peek_next_datagram(fd, &snap.unreceived, &peek_buffer, &peek_capacity)
            PyMem_RawFree(peek_buffer)
            if failure != 0:
                snap.error = failure
                return CALL_RECV_PEEK
        snap.unsent = 0
        if snap.has_unsent and ioctl(fd, freebsd.FIONWRITE, &snap.unsent) != 0:
            snap.error = errno
            return CALL_FIONWRITE

    # A listening socket keeps its buffers' sizes (sol_sbrcv_hiwat, sol_sbsnd_hiwat).
    if _getsockopt_int(fd, SOL_SOCKET, freebsd.SO_RCVBUF, &snap.receive_buffer_size) != 0:
        snap.error = errno
        return CALL_SO_RCVBUF
    if _getsockopt_int(fd, SOL_SOCKET, SO_SNDBUF, &snap.send_buffer_size) != 0:
        snap.error = errno
        return CALL_SO_SNDBUF

    snap.has_send_space = False
    if details and not snap.listening:
        if ioctl(fd, freebsd.FIONSPACE, &snap.send_space) != 0:
            snap.error = errno
            return CALL_FIONSPACE
        snap.has_send_space = True
    return CALL_NONE


cdef object _raise_from(Call call, const Snapshot *snap):
    # TCP_INFO refused by a socket that SO_PROTOCOL said is TCP: the fd named another socket
    # part-way (tcp_ctloutput answers every TCP socket; other protocols answer EINVAL or
    # ENOPROTOOPT for the IPPROTO_TCP level).
    if call == CALL_TCP_INFO and (snap.error == ENOPROTOOPT or snap.error == EINVAL):
        _raise_changed("SO_PROTOCOL said TCP, TCP_INFO says the socket is not TCP")
    _raise_errno(snap.error, _CALL_NAMES[call])


cdef SocketInfo _socket_info(const Snapshot *snap):
    cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
    info._family = snap.local.ss_family
    info._type = snap.type
    info._protocol = snap.protocol
    info._local_length = snap.local_length
    if snap.local_length:
        memcpy(&info._local, &snap.local, snap.local_length)
    info._remote_length = snap.remote_length
    if snap.remote_length:
        memcpy(&info._remote, &snap.remote, snap.remote_length)
    info._receive_buffer_size = snap.receive_buffer_size
    info._send_buffer_size = snap.send_buffer_size
    info._listening = snap.listening
    info._queue_length = snap.queue_length if snap.listening else 0
    info._incomplete_queue_length = snap.incomplete_queue_length if snap.listening else 0
    info._queue_limit = snap.queue_limit if snap.listening else 0
    info._send_space = snap.send_space if snap.has_send_space else None
    return info


def socketstat(fd, *, bint details=False):
    """socketstat(fd, *, details=False) -> SocketStat

    Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads ioctl(FIONSPACE): the room left in the send
    buffer (SocketInfo.send_space).

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
    if snap.info_length:
        stat._connection_info = tcp_info_from_buffer(&snap.info, snap.info_length)
    else:
        stat._connection_info = None
    stat._socket_info = _socket_info(&snap)
    return stat


def tcp_info(fd):
    """Only ``struct tcp_info``: one getsockopt(TCP_INFO), the cheapest full view of a TCP socket.
    Raises OSError for a socket that is not TCP (the kernel's errno: EINVAL from IP and Unix
    sockets, ENOPROTOOPT from others), and the same TypeError, ValueError, OverflowError and
    OSError as socketstat() for bad input.
    """
    cdef int descriptor = _descriptor(fd)
    cdef tcp_info_t info
    cdef socklen_t length = 0
    cdef int failure = read_tcp_info_into(descriptor, &info, &length)
    if failure != 0:
        _raise_errno(failure, _CALL_NAMES[CALL_TCP_INFO])
    return tcp_info_from_buffer(&info, length)


# ---------------------------------------------------------------------------------------------
# Sampling

cdef inline int read_connection_info(int fd, TcpInfo record) noexcept:
    cdef socklen_t length = 0
    cdef int failure = read_tcp_info_into(fd, &record._info, &length)
    if failure == 0:
        record._length = length
        record._filled = _filled(length)
    return failure


cdef inline Call read_queues(int fd, bint listening, bint datagram, bint fionwrite,
                             int *unreceived, int *unsent, void **peek_buffer,
                             size_t *peek_capacity, int *error) noexcept nogil:
    """unreceived and unsent as socketstat() reads them: ioctl(FIONREAD), the next datagram's
    length for a datagram socket (peek_next_datagram, into the caller's buffer) and, unless
    ``fionwrite`` is False (a Unix socket), ioctl(FIONWRITE); 0 and 0 for a listening socket."""
    if listening:
        unreceived[0] = 0
        unsent[0] = 0
        return CALL_NONE
    if ioctl(fd, freebsd.FIONREAD, unreceived) != 0:
        error[0] = errno
        return CALL_FIONREAD
    if datagram:
        error[0] = peek_next_datagram(fd, unreceived, peek_buffer, peek_capacity)
        if error[0] != 0:
            return CALL_RECV_PEEK
    if fionwrite and ioctl(fd, freebsd.FIONWRITE, unsent) != 0:
        error[0] = errno
        return CALL_FIONWRITE
    return CALL_NONE


cdef object _raise_read_error(Call failed, int failure):
    # TCP_INFO refused by a socket the constructor saw as TCP: the fd names another socket now.
    if failed == CALL_TCP_INFO and (failure == ENOPROTOOPT or failure == EINVAL):
        _raise_changed("TCP_INFO says the socket is not TCP")
    _raise_errno(failure, _CALL_NAMES[failed])


cdef Sample _new_sample(bint tcp):
    cdef Sample sample = Sample.__new__(Sample)
    sample._monotonic_ns = 0
    sample._unreceived = 0
    sample._unsent = 0
    sample._has_unsent = False
    sample._connection_info = tcp_info_from_buffer(NULL, 0) if tcp else None
    return sample


cdef object _counter_delta(uint64_t later, uint64_t earlier):
    # The counters of one connection never go back: one that did was read from another socket,
    # whose fd got the same number.
    if later < earlier:
        _raise_changed("a counter went backwards", "between the two samples")
    return later - earlier


cdef inline object _sequence_delta(uint32_t later, uint32_t earlier):
    # Sequence numbers wrap: their advance is modulo 2**32.
    return <uint32_t>(later - earlier)


cdef SampleDelta _tcp_delta(TcpInfo later, TcpInfo earlier, double elapsed):
    cdef SampleDelta delta = SampleDelta.__new__(SampleDelta)
    cdef bint newer = (later._filled >= END_tcpi_dupacks and earlier._filled >= END_tcpi_dupacks)
    delta._elapsed = elapsed
    delta._segments_retransmitted = _counter_delta(later._info.tcpi_snd_rexmitpack,
                                                   earlier._info.tcpi_snd_rexmitpack)
    delta._segments_out_of_order = _counter_delta(later._info.tcpi_rcv_ooopack,
                                                  earlier._info.tcpi_rcv_ooopack)
    delta._zero_windows_sent = _counter_delta(later._info.tcpi_snd_zerowin,
                                              earlier._info.tcpi_snd_zerowin)
    delta._sequence_received = _sequence_delta(later._info.tcpi_rcv_nxt,
                                               earlier._info.tcpi_rcv_nxt)
    delta._tail_loss_probes = None
    delta._sequence_sent = None
    delta._sequence_acked = None
    if newer:
        delta._tail_loss_probes = _counter_delta(later._info.tcpi_total_tlp,
                                                 earlier._info.tcpi_total_tlp)
        delta._sequence_sent = _sequence_delta(later._info.tcpi_snd_max,
                                               earlier._info.tcpi_snd_max)
        delta._sequence_acked = _sequence_delta(later._info.tcpi_snd_una,
                                                earlier._info.tcpi_snd_una)
    return delta


@cython.final
cdef class Sampler:
    """Re-reads one socket's changing state at the cost of its syscalls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only getsockopt(TCP_INFO) (TCP sockets),
    ioctl(FIONREAD), recv(MSG_PEEK) (datagram sockets with data queued) and ioctl(FIONWRITE)
    (not for Unix sockets, see Sample.unsent; none of these for a socket that was listening when
    the Sampler was made) into storage allocated here, grown only for a larger datagram queue. The Sampler keeps a reference to ``fd`` when it is an object, so a socket
    passed in is not closed under it; an int fd must stay open (and not be reused) while the
    Sampler is used. Threads may share a Sampler: sample() and delta() are atomic with respect to
    each other, but a Sample is refilled in place by the second sample() after it, whichever
    thread calls it.
    """

    cdef int _fd
    cdef object _source
    cdef SocketInfo _socket_info
    cdef Sample _current
    cdef Sample _previous
    cdef bint _tcp
    cdef bint _listening
    cdef bint _datagram                # unreceived: the next datagram's length, peeked
    cdef bint _fionwrite               # False for Unix sockets
    cdef int _samples_taken
    cdef void *_peek_buffer            # for the peek, grown to the largest FIONREAD seen
    cdef size_t _peek_capacity

    def __dealloc__(self):
        PyMem_RawFree(self._peek_buffer)

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
            self._listening = first._socket_info._listening
            self._datagram = first._socket_info._type == SOCK_DGRAM
            self._fionwrite = first._socket_info._family != AF_UNIX
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
                failed = CALL_TCP_INFO
        if failed == CALL_NONE:
            failed = read_queues(self._fd, self._listening, self._datagram, self._fionwrite,
                                 &sample._unreceived, &sample._unsent, &self._peek_buffer,
                                 &self._peek_capacity, &failure)
        sample._has_unsent = self._fionwrite
        if failed != CALL_NONE:
            # The Sample being refilled now holds a mix of two moments: never show it.
            self._samples_taken = min(self._samples_taken, 1)
            _raise_read_error(failed, failure)
        sample._monotonic_ns = freebsd.socketstat_monotonic_ns()
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
            raise ValueError("delta() needs a TCP socket: only TCP keeps counters")
        return _tcp_delta(self._current._connection_info, self._previous._connection_info,
                          (self._current._monotonic_ns - self._previous._monotonic_ns) / 1e9)

    def __reduce__(self):
        raise TypeError("a Sampler reads a live fd of this process and is not picklable; pickle "
                        "its samples' to_dict() instead")
