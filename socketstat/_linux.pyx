# cython: language_level=3, embedsignature=True, autotestdict=False, freethreading_compatible=True
"""Linux backend: one socket's kernel state from getsockopt(2), ioctl(2) and getsockname(2).

What socketstat(fd) reads, and why (costs measured on the project's machine, see README):
  always    getsockopt(SO_PROTOCOL), getsockname()                  identity
  TCP       getsockopt(TCP_INFO) [+ SIOCINQ, SIOCOUTQ, getpeername unless listening]
  otherwise getsockopt(SO_TYPE), SIOCINQ, SIOCOUTQ, getpeername
  details   getsockopt(SO_COOKIE), getsockopt(SO_MEMINFO), fstat() [+ TCP_CONGESTION for TCP]
SIOCOUTQNSD is not issued for TCP: tcpi_notsent_bytes is the same write_seq - snd_nxt.

The records (TcpInfo, MemInfo, SocketInfo, SocketStat, Sample, SampleDelta) are generated from
the field tables in socketstat/codegen/linux.py into _linux_records.pxi at build time.
"""

cimport cython
from libc.errno cimport (
    errno, EAGAIN, EINTR, EINVAL, ENOBUFS, ENOENT, ENOTCONN, ENOPROTOOPT, EOPNOTSUPP,
)
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdio cimport snprintf
from libc.string cimport memcmp, memcpy, memset

from socketstat.includes.posix cimport (
    AF_INET, AF_INET6, AF_UNIX, INET6_ADDRSTRLEN, IPPROTO_TCP, PyObject_AsFileDescriptor,
    SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, SOL_SOCKET, SO_TYPE, SUN_PATH_OFFSET, getpeername,
    getsockname, getsockopt, htons, inet_ntop, ioctl, ntohl, ntohs, sockaddr, socklen_t, strnlen,
    _PyDict_NewPresized, socketstat_format_ipv4, socketstat_json, socketstat_json_key_null,
    socketstat_json_key_scaled, socketstat_json_key_u64, socketstat_json_key_i64,
    socketstat_json_raw, socketstat_json_reserve,
)
from socketstat.includes.linux cimport (
    AF_NETLINK, CLOCK_MONOTONIC, CLONE_NEWNET, DIR, INET_DIAG_BC_D_COND, INET_DIAG_BC_D_LE,
    INET_DIAG_BC_S_COND, INET_DIAG_BC_S_LE, INET_DIAG_CONG, INET_DIAG_INFO, INET_DIAG_NOCOOKIE,
    INET_DIAG_PROTOCOL, INET_DIAG_REQ_BYTECODE, INET_DIAG_SHUTDOWN, INET_DIAG_SKMEMINFO,
    IPPROTO_MPTCP, MSG_DONTWAIT, MSG_TRUNC, NETLINK_SOCK_DIAG, NLMSG_ALIGN, NLMSG_DONE,
    NLMSG_ERROR, NLMSG_HDRLEN, NLM_F_DUMP, NLM_F_REQUEST, O_CLOEXEC, O_DIRECTORY, O_RDONLY,
    RTA_ALIGN, RTA_LENGTH, SIOCINQ, SIOCOUTQ, SKNLGRP_INET6_TCP_DESTROY, SKNLGRP_INET_TCP_DESTROY,
    SOCKETSTAT_INET_DIAG_CGROUP_ID, SOCKETSTAT_INET_DIAG_REQ_PROTOCOL, SOCKETSTAT_TCP_CA_NAME_MAX,
    SOCKETSTAT_UDIAG_SHOW_UID, SOCKETSTAT_UNIX_DIAG_UID, SOCK_CLOEXEC, SOCK_DIAG_BY_FAMILY,
    SO_COOKIE, SO_MEMINFO, SO_PROTOCOL, SO_RCVBUF, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_CLOSING,
    TCP_CONGESTION, TCP_INFO, TCP_LAST_ACK, TCP_LISTEN, TCP_SYN_RECV, TCP_SYN_SENT, TCP_TIME_WAIT,
    UDIAG_SHOW_MEMINFO, UDIAG_SHOW_NAME, UDIAG_SHOW_PEER, UDIAG_SHOW_RQLEN, UNIX_DIAG_MEMINFO,
    UNIX_DIAG_NAME, UNIX_DIAG_PEER, UNIX_DIAG_RQLEN, UNIX_DIAG_SHUTDOWN, bind, clock_gettime,
    close, closedir, dirent, fdopendir, fstat, inet_diag_msg, inet_diag_req_v2, nlmsgerr, nlmsghdr,
    open_path, readdir, readlinkat, recv, rtattr, sa_family_t, send, setns, setsockopt,
    sockaddr_in, sockaddr_in6, sockaddr_nl, sockaddr_storage, sockaddr_un, socket, stat, timespec,
    unix_diag_msg, unix_diag_req, unix_diag_rqlen,
)

import enum as _enum
import errno as _errno
import os as _os
import socket as _socket

from socketstat._common import TcpState

include "_posix.pxi"


def _kernel_has_7_0_tail():
    # Linux 7.0 re-cut the last four bytes of struct tcp_info (linux_tcp_info.h): which reading
    # applies is a property of the running kernel, decided once.
    release = _os.uname().release.split(".")
    try:
        return (int(release[0]), int(release[1].split("-")[0])) >= (7, 0)
    except (IndexError, ValueError):
        return True


cdef bint _KERNEL_7_0_TAIL = _kernel_has_7_0_tail()


cdef struct Queues:
    int unreceived
    int unsent
    bint listening


include "_linux_records.pxi"
include "_posix_json.pxi"


# ---------------------------------------------------------------------------------------------
# What the records compute

cdef inline size_t tcp_info_zero_rest(socketstat_tcp_info *info, size_t length) noexcept nogil:
    """The one step every source ends with, once ``length`` bytes of the struct came from it
    (getsockopt writes into it; tcp_info_from_buffer copies): zero the rest and return how much
    was real, so a member past it reads None."""
    length = min(length, sizeof(socketstat_tcp_info))
    if length < sizeof(socketstat_tcp_info):
        memset((<char *>info) + length, 0, sizeof(socketstat_tcp_info) - length)
    return length


cdef inline void tcp_info_filled(TcpInfo record, size_t length) noexcept:
    record._length = tcp_info_zero_rest(&record._info, length)


cdef TcpInfo tcp_info_from_buffer(const void *buffer, size_t length):
    """A TcpInfo from a copy of ``length`` bytes of struct tcp_info held elsewhere."""
    cdef TcpInfo record = TcpInfo.__new__(TcpInfo)
    cdef size_t copied = min(length, sizeof(socketstat_tcp_info))
    if copied:
        memcpy(&record._info, buffer, copied)
    tcp_info_filled(record, copied)
    return record


cdef object _address(const sockaddr_storage *storage, socklen_t length):
    """A socket address in the form Python's socket module gives it; None for none."""
    cdef const sockaddr_un *unix_address
    cdef size_t path_length
    if length < sizeof(sa_family_t):
        return None
    if storage.ss_family == AF_INET or storage.ss_family == AF_INET6:
        return _inet_address(storage)
    if storage.ss_family == AF_UNIX:
        unix_address = <const sockaddr_un *>storage
        path_length = length - SUN_PATH_OFFSET if length > SUN_PATH_OFFSET else 0
        if path_length > 0 and unix_address.sun_path[0] == 0:
            # Linux abstract namespace (unix(7)): the name is every byte after the family.
            return unix_address.sun_path[:path_length]
        return _unix_path(unix_address, length)
    # Another family (packet, netlink, vsock...): the raw address bytes after the family.
    return (<const char *>storage)[sizeof(sa_family_t):length]


cdef inline object _not_yet_sent(TcpInfo tcp, bint listening):
    # tcpi_notsent_bytes is write_seq - snd_nxt, what SIOCOUTQNSD returns, so it is not read twice.
    if tcp is None:
        return None
    if listening:
        return 0
    if tcp._length >= END_tcpi_notsent_bytes:
        return tcp._info.tcpi_notsent_bytes
    return None


cdef inline object _accept_queue(TcpInfo tcp, bint limit):
    # A listener's tcp_info carries its accept queue: tcpi_unacked the length, tcpi_sacked the
    # limit (tcp_get_info, as ss shows them in Recv-Q and Send-Q).
    if tcp is None or tcp._info.tcpi_state != TCP_LISTEN:
        return None
    return tcp._info.tcpi_sacked if limit else tcp._info.tcpi_unacked


cdef inline object _rate(object count, double elapsed):
    return None if count is None or elapsed <= 0 else count / elapsed


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

cdef inline int read_tcp_info_into(int fd, socketstat_tcp_info *info, size_t *length) noexcept nogil:
    """getsockopt(TCP_INFO) straight into ``info``, with the newest layout's size; 0 or the
    errno. Sampler.sample() and SamplerGroup.sample() both read through this and read_queues,
    so the group issues exactly the Sampler's syscalls."""
    cdef socklen_t returned = sizeof(socketstat_tcp_info)
    if getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &returned) != 0:
        return errno
    length[0] = tcp_info_zero_rest(info, returned)
    return 0


cdef inline int read_tcp_info(int fd, TcpInfo record) noexcept:
    return read_tcp_info_into(fd, &record._info, &record._length)


cdef inline Call read_queues(int fd, const socketstat_tcp_info *tcp, Queues *queues,
                             int *error) noexcept nogil:
    """SIOCINQ and SIOCOUTQ (``tcp``: the socket's tcp_info just read, NULL if not TCP). Both
    answer EINVAL on a listening socket (tcp_ioctl, unix_ioctl): there is no byte stream, so
    both are 0, and for TCP the accept queue is in tcp_info."""
    queues.unreceived = 0
    queues.unsent = 0
    queues.listening = tcp != NULL and tcp.tcpi_state == TCP_LISTEN
    if queues.listening:
        return CALL_NONE
    if ioctl(fd, SIOCINQ, &queues.unreceived) != 0:
        # EINVAL from a socket whose TCP_INFO said it was not listening: see _raise_read_error.
        if errno != EINVAL or tcp != NULL:
            error[0] = errno
            return CALL_SIOCINQ
        queues.listening = True
        queues.unreceived = 0
        return CALL_NONE
    if ioctl(fd, SIOCOUTQ, &queues.unsent) != 0:
        error[0] = errno
        return CALL_SIOCOUTQ
    return CALL_NONE


cdef void _read_details(int fd, SocketInfo info, bint tcp):
    # Settings that older kernels lack are left out (None), never an error.
    cdef uint64_t cookie = 0
    cdef socklen_t length = sizeof(uint64_t)
    cdef char congestion_control[SOCKETSTAT_TCP_CA_NAME_MAX]
    cdef stat status
    cdef MemInfo meminfo
    if getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &length) == 0:
        info._cookie = cookie
        info._has |= HAS_COOKIE
    meminfo = MemInfo.__new__(MemInfo)
    length = sizeof(meminfo._values)
    if getsockopt(fd, SOL_SOCKET, SO_MEMINFO, meminfo._values, &length) == 0:
        meminfo._count = length // sizeof(uint32_t)
        info._meminfo = meminfo
    if fstat(fd, &status) == 0:
        # A socket's inode carries its creator's uid: sock_alloc() sets i_uid, sk_uid copies it.
        info._inode = status.st_ino
        info._uid = status.st_uid
        info._has |= HAS_INODE | HAS_UID
    if tcp:
        length = sizeof(congestion_control)
        if getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, congestion_control,
                            &length) == 0:
            info._congestion_control = congestion_control[
                :strnlen(congestion_control, length)].decode("ascii")


cdef object _raise_from(Call call, int error):
    _raise_errno(error, _CALL_NAMES[call])


cdef object _raise_read_error(Call failed, int failure):
    # The calls of one read that contradict each other mean the fd named another socket
    # part-way through: say so rather than report one socket's error as the other's.
    if failed == CALL_SIOCINQ and failure == EINVAL:
        _raise_changed("ioctl(SIOCINQ) answers as for a listener, TCP_INFO did not")
    if failed == CALL_TCP_INFO and (failure == EOPNOTSUPP or failure == ENOPROTOOPT):
        _raise_changed("getsockopt(IPPROTO_TCP, TCP_INFO) says the socket is not TCP")
    _raise_from(failed, failure)


def socketstat(fd, *, bint details=False):
    """Everything the kernel reports about one socket. ``fd`` is an int file descriptor or an object
    with ``fileno()``. ``details=True`` also reads the socket cookie, inode, SO_MEMINFO and the
    TCP congestion control name (four more syscalls).

    Raises TypeError for an object that is neither, ValueError for a negative fd, OverflowError
    for one beyond a C int, and OSError (EBADF, ENOTSOCK, ...) naming the syscall that failed.
    """
    cdef int descriptor = _descriptor(fd)
    cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
    cdef TcpInfo tcp = None
    cdef Queues queues
    cdef int family
    cdef int failure = 0
    cdef Call failed

    # The syscalls write straight into the records; on an error they are dropped unseen.
    if _getsockopt_int(descriptor, SOL_SOCKET, SO_PROTOCOL, &info._protocol) != 0:
        _raise_from(CALL_SO_PROTOCOL, errno)
    info._local_length = sizeof(sockaddr_storage)
    if getsockname(descriptor, <sockaddr *>&info._local, &info._local_length) != 0:
        _raise_from(CALL_GETSOCKNAME, errno)
    family = info._local.ss_family
    if family == AF_UNIX and info._protocol != 0 and info._protocol != AF_UNIX:
        # unix_create() takes protocol 0 or PF_UNIX only: SO_PROTOCOL came from another socket.
        _raise_changed(f"a Unix socket with protocol {info._protocol}")

    if ((family == AF_INET or family == AF_INET6)
            and (info._protocol == IPPROTO_TCP or info._protocol == IPPROTO_MPTCP)):
        tcp = TcpInfo.__new__(TcpInfo)
        failure = read_tcp_info(descriptor, tcp)
        if failure != 0:
            if failure != ENOPROTOOPT and failure != EOPNOTSUPP:
                _raise_from(CALL_TCP_INFO, failure)
            # A raw socket with protocol TCP answers ENOPROTOOPT: it is simply not a TCP socket.
            # No other type has that protocol (inet_create), and a stream socket always
            # answers: any other type means the fd changed.
            tcp = None
    if tcp is not None:
        info._type = SOCK_STREAM
    elif _getsockopt_int(descriptor, SOL_SOCKET, SO_TYPE, &info._type) != 0:
        _raise_from(CALL_SO_TYPE, errno)
    elif failure != 0 and info._type != SOCK_RAW:
        _raise_changed(f"protocol {info._protocol} on a socket of type {info._type} that does not "
                       "answer TCP_INFO")

    failed = read_queues(descriptor, NULL if tcp is None else &tcp._info, &queues, &failure)
    if failed != CALL_NONE:
        _raise_read_error(failed, failure)

    info._remote_length = 0
    if not queues.listening and not (tcp is not None and tcp._info.tcpi_state == TCP_CLOSE):
        info._remote_length = sizeof(sockaddr_storage)
        if getpeername(descriptor, <sockaddr *>&info._remote, &info._remote_length) != 0:
            info._remote_length = 0
            # EOPNOTSUPP: a family without peers (packet sockets), so there is none.
            if errno != ENOTCONN and errno != EOPNOTSUPP:
                _raise_from(CALL_GETPEERNAME, errno)
        elif info._remote.ss_family != family:
            _raise_changed("getpeername() and getsockname() name different families")

    if details:
        _read_details(descriptor, info, tcp is not None)

    cdef SocketStat stat = SocketStat.__new__(SocketStat)
    stat._queues = queues
    stat._connection_info = tcp
    stat._socket_info = info
    stat._tcp_state = -1 if tcp is None else tcp._info.tcpi_state
    stat._receive_memory = -1
    return stat


def tcp_info(fd):
    """Only ``struct tcp_info``: one getsockopt(TCP_INFO), the cheapest full view of a TCP socket.
    Raises OSError (ENOPROTOOPT or EOPNOTSUPP) for a socket that is not TCP, and the same
    TypeError, ValueError, OverflowError and OSError as socketstat() for bad input.
    """
    cdef int descriptor = _descriptor(fd)
    cdef TcpInfo record = TcpInfo.__new__(TcpInfo)
    cdef int failure = read_tcp_info(descriptor, record)
    if failure != 0:
        _raise_from(CALL_TCP_INFO, failure)
    return record


# ---------------------------------------------------------------------------------------------
# Sampling

cdef Sample _new_sample(bint tcp):
    cdef Sample sample = Sample.__new__(Sample)
    sample._monotonic_ns = 0
    memset(&sample._queues, 0, sizeof(Queues))
    sample._connection_info = tcp_info_from_buffer(NULL, 0) if tcp else None
    return sample


cdef object _difference(TcpInfo later, TcpInfo earlier, size_t end, uint64_t later_value,
                        uint64_t earlier_value):
    # Counters a kernel did not fill have no difference. These are u64 byte counters, which never
    # wrap: one that went backwards was read from another socket, whose fd got the same number.
    if later._length < end or earlier._length < end:
        return None
    if later_value < earlier_value:
        _raise_changed("a byte counter went backwards", "between the two samples")
    return later_value - earlier_value


cdef SampleDelta _tcp_delta(TcpInfo later, TcpInfo earlier, double elapsed):
    cdef SampleDelta delta = SampleDelta.__new__(SampleDelta)
    delta._elapsed = elapsed
    delta._bytes_acked = _difference(later, earlier, END_tcpi_bytes_acked,
                                    later._info.tcpi_bytes_acked, earlier._info.tcpi_bytes_acked)
    delta._bytes_received = _difference(later, earlier, END_tcpi_bytes_received,
                                       later._info.tcpi_bytes_received,
                                       earlier._info.tcpi_bytes_received)
    delta._bytes_sent = _difference(later, earlier, END_tcpi_bytes_sent,
                                   later._info.tcpi_bytes_sent, earlier._info.tcpi_bytes_sent)
    delta._bytes_retransmitted = _difference(later, earlier, END_tcpi_bytes_retrans,
                                            later._info.tcpi_bytes_retrans,
                                            earlier._info.tcpi_bytes_retrans)
    delta._segments_out = <uint32_t>(later._info.tcpi_segs_out - earlier._info.tcpi_segs_out)
    delta._segments_in = <uint32_t>(later._info.tcpi_segs_in - earlier._info.tcpi_segs_in)
    delta._segments_retransmitted = <uint32_t>(later._info.tcpi_total_retrans
                                              - earlier._info.tcpi_total_retrans)
    return delta


def _listed_delta(SocketStat later not None, SocketStat earlier not None, double elapsed):
    """The SampleDelta between two listings' records of one connection (the same cookie), or
    None when either has no tcp_info (a TIME_WAIT or request socket, or not TCP)."""
    if later._connection_info is None or earlier._connection_info is None:
        return None
    return _tcp_delta(later._connection_info, earlier._connection_info, elapsed)


@cython.final
cdef class Sampler:
    """Re-reads one socket's changing state at the cost of its syscalls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only getsockopt(TCP_INFO) (TCP sockets),
    ioctl(SIOCINQ) and ioctl(SIOCOUTQ) into storage allocated here, and allocates nothing.
    The Sampler keeps a reference to ``fd`` when it is an object, so a socket passed in is not
    closed under it; an int fd must stay open (and not be reused) while the Sampler is used.
    Threads may share a Sampler: sample() and delta() are atomic with respect to each other, but
    a Sample is refilled in place by the second sample() after it, whichever thread calls it.
    """

    cdef int _fd
    cdef object _source
    cdef SocketInfo _socket_info
    cdef Sample _current
    cdef Sample _previous
    cdef bint _tcp
    cdef int _samples_taken

    def __init__(self, fd):
        # Everything is built in locals and committed at the end, so a failure (a bad fd, a
        # MemoryError) leaves the Sampler as it was; an initialised Sampler is never re-pointed,
        # so no thread can see its samples or identity change under it.
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
        Raises OSError naming the syscall that failed (EBADF once the fd is closed), and
        SocketChangedError when the answers show the fd now names another socket."""
        with cython.critical_section(self):
            return self._sample()

    cdef inline Sample _sample(self):
        cdef Sample sample = self._previous
        cdef int failure = 0
        cdef Call failed = CALL_NONE
        cdef timespec now
        if sample is None:
            raise TypeError("this Sampler was never initialised: make one with Sampler(fd)")
        if self._tcp:
            failure = read_tcp_info(self._fd, sample._connection_info)
            if failure != 0:
                failed = CALL_TCP_INFO
        if failed == CALL_NONE:
            failed = read_queues(self._fd, &sample._connection_info._info if self._tcp else NULL,
                                 &sample._queues, &failure)
        if failed != CALL_NONE:
            # The Sample being refilled now holds a mix of two moments: never show it.
            self._samples_taken = min(self._samples_taken, 1)
            _raise_read_error(failed, failure)
        clock_gettime(CLOCK_MONOTONIC, &now)
        sample._monotonic_ns = now.tv_sec * 1000000000LL + now.tv_nsec
        self._previous = self._current
        self._current = sample
        if self._samples_taken < 2:
            self._samples_taken += 1
        return sample

    def delta(self):
        """The difference between the two newest samples. Raises ValueError before two samples and
        for a socket that is not TCP (only TCP keeps the counters), and SocketChangedError when a
        byte counter went backwards: the fd names another socket now."""
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


include "_linux_group.pxi"
include "_linux_diag.pxi"
