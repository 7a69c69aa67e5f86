# cdef extern declarations for the FreeBSD backend (_freebsd.pyx) beyond posix.pxd, one block per
# header, only the names the backend uses. Every declared member must match FreeBSD's headers in
# name, size and signedness: the cross-check turns each of them into a _Static_assert compiled
# against the FreeBSD headers shipped in the ziglang wheel. Kernel behaviour notes cite
# freebsd-src (sys/...). struct tcp_info's members are generated from socketstat/codegen/freebsd.py
# into _freebsd_records.pxi.
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from socketstat.includes.posix cimport in_addr, in6_addr


cdef extern from "<sys/socket.h>" nogil:
    ctypedef uint8_t sa_family_t            # one byte on the BSDs, after the length byte

    struct sockaddr_storage:
        uint8_t ss_len
        sa_family_t ss_family

    enum: SOCK_SEQPACKET
    enum: MSG_PEEK
    enum: MSG_DONTWAIT
    # -1 with errno, or the bytes copied: with MSG_PEEK the data stays queued. Without a control
    # buffer a peek passes no control data (no file descriptor is received or disposed of).
    ssize_t recv(int fd, void *buffer, size_t length, int flags)
    enum: SO_RCVBUF
    enum: SO_PROTOCOL                       # the protocol socket(2) was given (IPPROTO_TCP, ...)
    enum: SO_ACCEPTCONN                     # 1 once listen() ran
    # A listening socket's queues (sys/kern/uipc_socket.c sogetopt, sol_qlen, sol_incqlen,
    # sol_qlimit): complete connections waiting for accept(), incomplete ones, the backlog.
    enum: SO_LISTENQLEN
    enum: SO_LISTENINCQLEN
    enum: SO_LISTENQLIMIT


cdef extern from "<sys/ioctl.h>" nogil:
    # <sys/filio.h>, answered by soo_ioctl (sys/kern/sys_socket.c) from the socket's buffers, which
    # a listening socket does not have (EINVAL there):
    #   FIONREAD   sbavail(so_rcv) - sb_ctl: data bytes queued to read (every queued datagram's
    #              payload for a datagram socket; its sender address and control data excluded)
    #   FIONWRITE  sbavail(so_snd): bytes in the send buffer, unacknowledged and unsent (0 for
    #              UDP, which never queues, and for Unix sockets, whose data waits in the peer)
    #   FIONSPACE  sbspace(so_snd): room left in the send buffer
    const unsigned long FIONREAD
    const unsigned long FIONWRITE
    const unsigned long FIONSPACE


cdef extern from "<netinet/in.h>" nogil:
    struct sockaddr_in:
        uint8_t sin_len
        sa_family_t sin_family
        uint16_t sin_port
        in_addr sin_addr

    struct sockaddr_in6:
        uint8_t sin6_len
        sa_family_t sin6_family
        uint16_t sin6_port
        uint32_t sin6_flowinfo
        in6_addr sin6_addr
        uint32_t sin6_scope_id


cdef extern from "<sys/un.h>" nogil:
    struct sockaddr_un:
        unsigned char sun_len
        char sun_path[104]


cdef extern from "<netinet/tcp.h>" nogil:
    # getsockopt(IPPROTO_TCP, TCP_INFO) fills struct tcp_info (sys/netinet/tcp_usrreq.c
    # tcp_fill_info), which _freebsd_records.pxi declares from the table.
    enum: TCP_INFO
    enum: TCPI_OPT_TIMESTAMPS
    enum: TCPI_OPT_SACK
    enum: TCPI_OPT_WSCALE
    enum: TCPI_OPT_ECN
    enum: TCPI_OPT_TOE


cdef extern from "<netinet/tcp_fsm.h>" nogil:
    # tcpi_state: the tcpcb's t_state, the BSD numbering.
    enum: TCPS_CLOSED
    enum: TCPS_LISTEN
    enum: TCPS_SYN_SENT
    enum: TCPS_SYN_RECEIVED
    enum: TCPS_ESTABLISHED
    enum: TCPS_CLOSE_WAIT
    enum: TCPS_FIN_WAIT_1
    enum: TCPS_CLOSING
    enum: TCPS_LAST_ACK
    enum: TCPS_FIN_WAIT_2
    enum: TCPS_TIME_WAIT


cdef extern from "<sys/sysctl.h>" nogil:
    # 0, or -1 with errno. kern.osreldate is the running kernel's __FreeBSD_version (a jail's may
    # be set lower); getosreldate(3) would let the OSVERSION environment variable override it.
    int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, const void *newp,
                     size_t newlen)


cdef extern from "freebsd_compat.h" nogil:
    long long socketstat_monotonic_ns()
