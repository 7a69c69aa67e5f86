# cython: language_level=3, embedsignature=True, autotestdict=False, freethreading_compatible=True
"""Windows backend: one socket's state from Winsock: WSAIoctl(SIO_TCP_INFO), ioctlsocket(FIONREAD)
and getsockopt().

What socketstat(fd) reads, and why:
  always       getsockopt(SO_PROTOCOL_INFOW)  family, type, protocol and provider; the socket
                                              check (WSAENOTSOCK for a handle that is not one)
  TCP          WSAIoctl(SIO_TCP_INFO)         connection_info: TCP_INFO_v1, or v0 where Windows
                                              predates 1809 (asked once per process)
  always       ioctlsocket(FIONREAD)          unreceived
               getsockopt(SO_RCVBUF, SO_SNDBUF)
               getsockname(), getpeername()   the addresses (None: unbound, or no peer)

A socket is TCP when SO_PROTOCOL_INFOW says IPv4 or IPv6, SOCK_STREAM and IPPROTO_TCP: decided
before the ioctl, so that a UDP socket costs no failing call and a failing SIO_TCP_INFO on a TCP
socket is never mistaken for "not TCP". A TCP socket that Windows keeps no statistics for
(SIO_TCP_INFO answering WSAEINVAL or WSAENOTCONN: not yet connected) has connection_info None.

What Windows does not report is None, never a guess: unsent and not_yet_sent (Winsock has no
send-queue count: TCP_INFO's BytesInFlight counts the unacknowledged bytes only, and would read
near 0 exactly when a stalled peer leaves the send buffer full), accept_queue and its limit, and
of the portable connection figures rtt_variance, rto, retransmissions (Windows counts
retransmitted bytes, not segments) and bytes_acked.

An fd is a SOCKET handle, what socket.fileno() returns. Handles are kernel handles, which Windows
keeps below 2**31 (64-bit Windows guarantees a handle is a sign-extended 32-bit value, and the
handle table is far smaller), so it is taken as the other platforms take an fd: a C int. Errors
are OSError with ``winerror`` set from WSAGetLastError() (and errno from it, as CPython's own
socket errors), the system's message and the failing call named.

The oldest Windows supported is Windows 10 1703 (Server 2016 per Microsoft's table), which
brought SIO_TCP_INFO; on an older Windows a TCP socket's socketstat() raises the ioctl's error
(or gives connection_info None, should that error be WSAEINVAL). AF_UNIX addresses need 1803.

The records (TcpInfo, SocketInfo, SocketStat, Sample, SampleDelta) are generated from the field
tables in socketstat/codegen/windows.py into _windows_records.pxi at build time.
"""

cimport cython
from cpython.buffer cimport PyBUF_C_CONTIGUOUS, PyBuffer_Release, PyObject_GetBuffer
from libc.stddef cimport wchar_t
from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy, memset

from socketstat.includes.common cimport PyObject_AsFileDescriptor
from socketstat.includes cimport windows
from socketstat.includes.windows cimport (
    AF_INET, AF_INET6, AF_UNIX, DWORD, FIONREAD, INET6_ADDRSTRLEN, IPPROTO_TCP, SIO_TCP_INFO,
    SOCK_STREAM, SOCKET, SOCKET_ERROR, SOL_SOCKET, SO_PROTOCOL_INFOW, SO_RCVBUF, SO_SNDBUF,
    SUN_PATH_OFFSET, TCPSTATE, TCP_INFO_v0, WSAGetLastError, WSAIoctl, WSAPROTOCOL_INFOW,
    _PyDict_NewPresized,
    getpeername, getsockname, getsockopt, in6_addr, inet_ntop, ioctlsocket, ntohl, ntohs,
    sockaddr, sockaddr_in, sockaddr_in6, sockaddr_storage, sockaddr_un, socketstat_format_ipv4,
    socketstat_json, socketstat_json_key_i64, socketstat_json_key_null,
    socketstat_json_key_scaled, socketstat_json_key_u64, socketstat_json_raw,
    socketstat_json_reserve, socketstat_monotonic_ns, socketstat_windows_error_text, socklen_t,
    strnlen, u_long,
)

import enum as _enum
import os as _os
import socket as _socket  # its import also runs WSAStartup, which every Winsock call needs

from socketstat._common import TcpState

include "_shared.pxi"
include "_windows_records.pxi"


# ---------------------------------------------------------------------------------------------
# What the records compute

cdef TcpInfo tcp_info_from_buffer(const void *buffer, size_t length):
    """The one way a TcpInfo is filled, whatever the source: copy what the source holds, zero
    the rest, and remember how much was real."""
    cdef TcpInfo record = TcpInfo.__new__(TcpInfo)
    cdef size_t filled = min(length, sizeof(TCP_INFO_v1))
    if filled:
        memcpy(&record._info, buffer, filled)
    memset((<char *>&record._info) + filled, 0, sizeof(TCP_INFO_v1) - filled)
    record._length = filled
    return record


cdef object _unix_path(const sockaddr_un *address, socklen_t length):
    # An AF_UNIX path: NUL-terminated within ``length``, decoded as the file system's names are.
    cdef size_t path_length = 0
    if <size_t>length > SUN_PATH_OFFSET:
        path_length = <size_t>length - SUN_PATH_OFFSET
    if path_length > sizeof(address.sun_path):
        path_length = sizeof(address.sun_path)
    return _os.fsdecode(address.sun_path[:strnlen(address.sun_path, path_length)])


cdef object _address(const sockaddr_storage *storage, socklen_t length):
    """A socket address in the socket module's forms; None for none, or another family."""
    if length <= 0:
        return None
    if (storage.ss_family == AF_INET and <size_t>length >= sizeof(sockaddr_in)) or (
            storage.ss_family == AF_INET6 and <size_t>length >= sizeof(sockaddr_in6)):
        return _inet_address(storage)
    if storage.ss_family == AF_UNIX:
        return _unix_path(<const sockaddr_un *>storage, length)
    return None


# ---------------------------------------------------------------------------------------------
# Reading

cdef enum Call:
    # The call that failed, named in the OSError's message.
    CALL_NONE
    CALL_PROTOCOL_INFO
    CALL_TCP_INFO
    CALL_TCP_INFO_SIZE                 # it answered with fewer bytes than TCP_INFO_v0
    CALL_FIONREAD
    CALL_SO_RCVBUF
    CALL_SO_SNDBUF
    CALL_GETSOCKNAME
    CALL_GETPEERNAME

_CALL_NAMES = (
    "",
    "getsockopt(SOL_SOCKET, SO_PROTOCOL_INFOW)",
    "WSAIoctl(SIO_TCP_INFO)",
    "WSAIoctl(SIO_TCP_INFO)",
    "ioctlsocket(FIONREAD)",
    "getsockopt(SOL_SOCKET, SO_RCVBUF)",
    "getsockopt(SOL_SOCKET, SO_SNDBUF)",
    "getsockname()",
    "getpeername()",
)


# The TCP_INFO version this Windows answers: -1 until the first answer, then 1 (Windows 10 1809
# and later) or 0. Asked once per process; threads that race on the first call each ask and
# write the same answer.
cdef int _tcp_info_version = -1


cdef inline int _tcp_info_call(SOCKET handle, DWORD version, TCP_INFO_v1 *info,
                               DWORD *returned) noexcept nogil:
    returned[0] = 0
    return WSAIoctl(handle, SIO_TCP_INFO, &version, sizeof(DWORD), info,
                    sizeof(TCP_INFO_v1) if version == 1 else sizeof(TCP_INFO_v0), returned,
                    NULL, NULL)


cdef int read_tcp_info(SOCKET handle, TCP_INFO_v1 *info, size_t *length) noexcept nogil:
    """WSAIoctl(SIO_TCP_INFO) straight into ``info``, version 1 where Windows has it, else 0; the
    rest of ``info`` zeroed. 0, the Winsock error, or -1 for an answer shorter than TCP_INFO_v0
    (``length`` then holds its size)."""
    global _tcp_info_version
    cdef int known = _tcp_info_version
    cdef DWORD version = 0 if known == 0 else 1
    cdef DWORD returned = 0
    cdef int error = 0
    if _tcp_info_call(handle, version, info, &returned) == SOCKET_ERROR:
        error = WSAGetLastError()
        if known >= 0:
            return error
        # The first call: a Windows before 1809 refuses version 1; if it answers version 0,
        # that is what it has. If neither answers, the socket is the reason: nothing learnt.
        version = 0
        if _tcp_info_call(handle, version, info, &returned) == SOCKET_ERROR:
            return error
    if known < 0:
        _tcp_info_version = <int>version
    length[0] = min(<size_t>returned, sizeof(TCP_INFO_v1))
    if length[0] < sizeof(TCP_INFO_v1):
        memset((<char *>info) + length[0], 0, sizeof(TCP_INFO_v1) - length[0])
    if length[0] < sizeof(TCP_INFO_v0):
        return -1
    return 0


cdef inline bint _no_statistics(int error) noexcept nogil:
    # What SIO_TCP_INFO answers for a TCP socket without a connection (not yet connected). Not
    # verified on Windows: see the tests.
    return error == windows.WSAEINVAL or error == windows.WSAENOTCONN


cdef struct Snapshot:
    # What the calls returned, before any Python object exists.
    WSAPROTOCOL_INFOW protocol
    bint tcp
    TCP_INFO_v1 tcp_info
    size_t tcp_length                  # 0: no TCP statistics
    u_long unreceived
    int receive_buffer_size
    int send_buffer_size
    sockaddr_storage local
    int local_length                   # 0: not bound
    sockaddr_storage remote
    int remote_length                  # 0: no peer
    int error                          # the failed call's Winsock error


cdef inline int _getsockopt_int(SOCKET handle, int name, int *value) noexcept nogil:
    cdef int length = sizeof(int)
    if getsockopt(handle, SOL_SOCKET, name, <char *>value, &length) == SOCKET_ERROR:
        return WSAGetLastError()
    return 0


cdef Call read_snapshot(SOCKET handle, Snapshot *snap) noexcept nogil:
    """Every call socketstat() makes, in order; returns the call that failed (its Winsock error
    in snap.error) or CALL_NONE."""
    cdef int length = sizeof(WSAPROTOCOL_INFOW)
    cdef int family
    cdef int result
    # Zeroed first: what a short answer did not fill reads 0 (and szProtocol ends within it).
    memset(&snap.protocol, 0, sizeof(WSAPROTOCOL_INFOW))
    if getsockopt(handle, SOL_SOCKET, SO_PROTOCOL_INFOW, <char *>&snap.protocol,
                  &length) == SOCKET_ERROR:
        snap.error = WSAGetLastError()
        return CALL_PROTOCOL_INFO
    family = snap.protocol.iAddressFamily
    snap.tcp = ((family == AF_INET or family == AF_INET6)
                and snap.protocol.iSocketType == SOCK_STREAM
                and snap.protocol.iProtocol == IPPROTO_TCP)

    snap.tcp_length = 0
    if snap.tcp:
        result = read_tcp_info(handle, &snap.tcp_info, &snap.tcp_length)
        if result == -1:
            return CALL_TCP_INFO_SIZE
        if result != 0:
            snap.tcp_length = 0
            if not _no_statistics(result):
                snap.error = result
                return CALL_TCP_INFO

    if ioctlsocket(handle, FIONREAD, &snap.unreceived) == SOCKET_ERROR:
        snap.error = WSAGetLastError()
        return CALL_FIONREAD
    snap.error = _getsockopt_int(handle, SO_RCVBUF, &snap.receive_buffer_size)
    if snap.error:
        return CALL_SO_RCVBUF
    snap.error = _getsockopt_int(handle, SO_SNDBUF, &snap.send_buffer_size)
    if snap.error:
        return CALL_SO_SNDBUF

    # Windows refuses getsockname() on an unbound socket (WSAEINVAL), where POSIX gives the
    # wildcard address: None, as for getpeername() without a peer.
    snap.local_length = sizeof(sockaddr_storage)
    if getsockname(handle, <sockaddr *>&snap.local, &snap.local_length) == SOCKET_ERROR:
        snap.local_length = 0
        snap.error = WSAGetLastError()
        if snap.error != windows.WSAEINVAL:
            return CALL_GETSOCKNAME
    snap.remote_length = sizeof(sockaddr_storage)
    if getpeername(handle, <sockaddr *>&snap.remote, &snap.remote_length) == SOCKET_ERROR:
        snap.remote_length = 0
        snap.error = WSAGetLastError()
        if snap.error != windows.WSAENOTCONN and snap.error != windows.WSAEINVAL:
            return CALL_GETPEERNAME
    snap.error = 0
    return CALL_NONE


cdef object _raise_winerror(int error, str call):
    # As CPython raises a Winsock error (socketmodule.c set_error: PyErr_SetExcFromWindowsErr):
    # OSError(0, text, None, winerror), whose constructor derives errno from winerror (a
    # Winsock code is its own errno: errno.ENOTSOCK is WSAENOTSOCK on Windows); the call named.
    raise OSError(0, f"{socketstat_windows_error_text(error)} (originated from {call})", None,
                  error)


cdef object _raise_from(Call call, const Snapshot *snap):
    if call == CALL_TCP_INFO_SIZE:
        raise OSError(f"WSAIoctl(SIO_TCP_INFO) returned {snap.tcp_length} bytes, fewer than "
                      f"TCP_INFO_v0's {sizeof(TCP_INFO_v0)}")
    _raise_winerror(snap.error, _CALL_NAMES[call])


cdef SocketInfo _socket_info(const Snapshot *snap):
    cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
    info._family = snap.protocol.iAddressFamily
    info._type = snap.protocol.iSocketType
    info._protocol = snap.protocol.iProtocol
    info._protocol_name = PyUnicode_FromWideChar(
        snap.protocol.szProtocol, _wide_length(snap.protocol.szProtocol, 256))
    info._local_length = snap.local_length
    if snap.local_length:
        memcpy(&info._local, &snap.local, snap.local_length)
    info._remote_length = snap.remote_length
    if snap.remote_length:
        memcpy(&info._remote, &snap.remote, snap.remote_length)
    info._receive_buffer_size = snap.receive_buffer_size
    info._send_buffer_size = snap.send_buffer_size
    return info


cdef extern from "Python.h":
    str PyUnicode_FromWideChar(const wchar_t *text, Py_ssize_t size)


cdef inline Py_ssize_t _wide_length(const wchar_t *text, Py_ssize_t limit) noexcept nogil:
    cdef Py_ssize_t length = 0
    while length < limit and text[length] != 0:
        length += 1
    return length


cdef inline SOCKET _handle(object fd) except? 0:
    # socket.fileno()'s SOCKET, taken as an fd is elsewhere (see the module docstring).
    return <SOCKET>_descriptor(fd)


def socketstat(fd, *, bint details=False):
    """socketstat(fd, *, details=False) -> SocketStat

    Everything Windows reports about one socket. ``fd`` is a SOCKET handle (what
    ``socket.fileno()`` returns) or an object with ``fileno()``. ``details`` reads nothing more
    on Windows.

    Raises TypeError for an object that is neither, ValueError for a negative handle,
    OverflowError for one beyond a C int, and OSError with ``winerror`` set (WSAENOTSOCK, ...)
    naming the call that failed.
    """
    cdef SOCKET handle = _handle(fd)
    cdef Snapshot snap
    # The GIL stays held: these calls never block, as on the other platforms.
    cdef Call failed = read_snapshot(handle, &snap)
    if failed != CALL_NONE:
        _raise_from(failed, &snap)

    cdef SocketStat stat = SocketStat.__new__(SocketStat)
    stat._unreceived = snap.unreceived
    if snap.tcp_length:
        stat._connection_info = tcp_info_from_buffer(&snap.tcp_info, snap.tcp_length)
    else:
        stat._connection_info = None
    stat._socket_info = _socket_info(&snap)
    return stat


def tcp_info(fd):
    """Only TCP_INFO: one WSAIoctl(SIO_TCP_INFO) (version 1, or 0 where Windows predates 1809),
    the cheapest full view of a TCP socket. Raises OSError for a socket that is not TCP or has
    no connection yet, and the same TypeError, ValueError, OverflowError and OSError as
    socketstat() for bad input.
    """
    cdef SOCKET handle = _handle(fd)
    cdef TcpInfo record = TcpInfo.__new__(TcpInfo)
    cdef int failure = read_tcp_info(handle, &record._info, &record._length)
    if failure == -1:
        raise OSError(f"WSAIoctl(SIO_TCP_INFO) returned {record._length} bytes, fewer than "
                      f"TCP_INFO_v0's {sizeof(TCP_INFO_v0)}")
    if failure != 0:
        _raise_winerror(failure, _CALL_NAMES[CALL_TCP_INFO])
    return record


# ---------------------------------------------------------------------------------------------
# Sampling

cdef inline object _rate(object count, double elapsed):
    return None if count is None or elapsed <= 0 else count / elapsed


cdef object _counter_delta(uint64_t later, uint64_t earlier):
    # BytesOut and BytesIn are u64 counters of one connection and never go back: one that did
    # was read from another socket, whose handle got the same number.
    if later < earlier:
        _raise_changed("a counter went backwards", "between the two samples")
    return later - earlier


cdef SampleDelta _tcp_delta(TcpInfo later, TcpInfo earlier, double elapsed):
    cdef SampleDelta delta = SampleDelta.__new__(SampleDelta)
    delta._elapsed = elapsed
    delta._bytes_sent = _counter_delta(later._info.BytesOut, earlier._info.BytesOut)
    delta._bytes_received = _counter_delta(later._info.BytesIn, earlier._info.BytesIn)
    # A 32-bit counter: it wraps after 4 GiB, so its difference is taken modulo 2**32.
    delta._bytes_retransmitted = <uint32_t>(<uint32_t>later._info.BytesRetrans
                                            - <uint32_t>earlier._info.BytesRetrans)
    return delta


cdef Sample _new_sample(bint tcp):
    cdef Sample sample = Sample.__new__(Sample)
    sample._monotonic_ns = 0
    sample._unreceived = 0
    sample._connection_info = tcp_info_from_buffer(NULL, 0) if tcp else None
    return sample


@cython.final
cdef class Sampler:
    """Re-reads one socket's changing state at the cost of its calls alone.

    The identity (family, type, addresses) is read once, by the socketstat() call the
    constructor makes; each sample() then issues only WSAIoctl(SIO_TCP_INFO) (TCP sockets with a
    connection) and ioctlsocket(FIONREAD) into storage allocated here, and allocates nothing.
    The Sampler keeps a reference to ``fd`` when it is an object, so a socket passed in is not
    closed under it; an int handle must stay open (and not be reused) while the Sampler is used.
    Threads may share a Sampler: sample() and delta() are atomic with respect to each other, but
    a Sample is refilled in place by the second sample() after it, whichever thread calls it.
    """

    cdef SOCKET _handle
    cdef object _source
    cdef SocketInfo _socket_info
    cdef Sample _current
    cdef Sample _previous
    cdef bint _tcp
    cdef int _samples_taken

    def __init__(self, fd):
        # Built in locals and committed at the end, so a failure leaves the Sampler as it was;
        # an initialised Sampler is never re-pointed.
        cdef SOCKET handle = _handle(fd)
        cdef SocketStat first = socketstat(handle)
        cdef bint tcp = first._connection_info is not None
        cdef Sample current = _new_sample(tcp)
        cdef Sample previous = _new_sample(tcp)
        with cython.critical_section(self):
            if self._current is not None:
                raise TypeError("a Sampler is initialised once: make a new one for another fd")
            self._handle = handle
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
        Raises OSError with ``winerror`` set naming the call that failed (WSAENOTSOCK once the
        handle is closed)."""
        with cython.critical_section(self):
            return self._sample()

    cdef inline Sample _sample(self):
        cdef Sample sample = self._previous
        cdef TcpInfo info
        cdef int failure = 0
        cdef Call failed = CALL_NONE
        if sample is None:
            raise TypeError("this Sampler was never initialised: make one with Sampler(fd)")
        if self._tcp:
            info = sample._connection_info
            failure = read_tcp_info(self._handle, &info._info, &info._length)
            if failure == -1:
                failed = CALL_TCP_INFO_SIZE
            elif failure != 0:
                failed = CALL_TCP_INFO
        if failed == CALL_NONE and ioctlsocket(self._handle, FIONREAD,
                                               &sample._unreceived) == SOCKET_ERROR:
            failure = WSAGetLastError()
            failed = CALL_FIONREAD
        if failed != CALL_NONE:
            # The Sample being refilled now holds a mix of two moments: never show it.
            self._samples_taken = min(self._samples_taken, 1)
            if failed == CALL_TCP_INFO_SIZE:
                raise OSError(f"WSAIoctl(SIO_TCP_INFO) returned {info._length} bytes, fewer "
                              f"than TCP_INFO_v0's {sizeof(TCP_INFO_v0)}")
            _raise_winerror(failure, _CALL_NAMES[failed])
        sample._monotonic_ns = socketstat_monotonic_ns()
        self._previous = self._current
        self._current = sample
        if self._samples_taken < 2:
            self._samples_taken += 1
        return sample

    def delta(self):
        """The difference between the two newest samples. Raises ValueError before two samples and
        for a socket that is not TCP (only TCP keeps the counters), and SocketChangedError when a
        counter went backwards: the handle names another socket now."""
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
        raise TypeError("a Sampler reads a live socket of this process and is not picklable; "
                        "pickle its samples' to_dict() instead")
