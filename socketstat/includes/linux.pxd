# cdef extern declarations for the Linux backend (_linux.pyx) beyond posix.pxd, one block per
# header, only the names the backend uses. Kernel ABI notes cite include/uapi/linux/*.h. The
# struct tcp_info and SO_MEMINFO declarations are generated from socketstat/codegen/linux.py
# into _linux_records.pxi.
from libc.stdint cimport uint16_t, uint32_t

from socketstat.includes.posix cimport in_addr, in6_addr


cdef extern from "<sys/socket.h>" nogil:
    ctypedef unsigned short sa_family_t

    struct sockaddr_storage:
        sa_family_t ss_family

    enum: SO_PROTOCOL
    enum: SO_COOKIE          # u64, Linux 4.13
    enum: SO_MEMINFO         # u32[SK_MEMINFO_VARS], Linux 4.12


cdef extern from "<sys/stat.h>" nogil:
    ctypedef unsigned long ino_t

    struct stat:
        ino_t st_ino

    int fstat(int fd, stat *buf)


cdef extern from "<time.h>" nogil:
    ctypedef long time_t

    struct timespec:
        time_t tv_sec
        long tv_nsec

    enum: CLOCK_MONOTONIC
    int clock_gettime(int clock, timespec *now)


cdef extern from "<netinet/in.h>" nogil:
    enum: IPPROTO_MPTCP      # MPTCP sockets answer TCP_INFO too (net/mptcp/sockopt.c)

    struct sockaddr_in:
        uint16_t sin_port
        in_addr sin_addr

    struct sockaddr_in6:
        uint16_t sin6_port
        uint32_t sin6_flowinfo
        in6_addr sin6_addr
        uint32_t sin6_scope_id


cdef extern from "<sys/un.h>" nogil:
    struct sockaddr_un:
        char sun_path[108]


cdef extern from "<linux/sockios.h>" nogil:
    # SIOCINQ: unread bytes (TCP: rcv_nxt - copied_seq; datagram: size of the next datagram).
    # SIOCOUTQ: bytes not yet acknowledged (TCP: write_seq - snd_una). Both EINVAL on LISTEN.
    enum: SIOCINQ
    enum: SIOCOUTQ


cdef extern from "<netinet/tcp.h>" nogil:
    enum: TCP_INFO
    enum: TCP_CONGESTION
    enum: TCP_LISTEN
    enum: TCP_CLOSE


cdef extern from "linux_tcp_info.h" nogil:
    enum: SOCKETSTAT_TCP_CA_NAME_MAX
