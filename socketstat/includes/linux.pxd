# cdef extern declarations for the Linux backend (_linux.pyx) beyond posix.pxd, one block per
# header, only the names the backend uses. Kernel ABI notes cite include/uapi/linux/*.h. The
# struct tcp_info and SO_MEMINFO declarations are generated from socketstat/codegen/linux.py
# into _linux_records.pxi.
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from socketstat.includes.posix cimport in_addr, in6_addr, sockaddr, socklen_t


cdef extern from "<sys/socket.h>" nogil:
    ctypedef unsigned short sa_family_t

    struct sockaddr_storage:
        sa_family_t ss_family

    enum: SO_PROTOCOL
    enum: SO_COOKIE          # u64, Linux 4.13
    enum: SO_MEMINFO         # u32[SK_MEMINFO_VARS], Linux 4.12
    enum: AF_NETLINK
    enum: SOCK_CLOEXEC
    enum: MSG_TRUNC          # recv() on netlink returns the message's whole length (netlink(7))
    enum: MSG_DONTWAIT
    enum: SO_RCVBUF

    int socket(int domain, int type, int protocol)
    int bind(int fd, const sockaddr *address, socklen_t length)
    int setsockopt(int fd, int level, int name, const void *value, socklen_t length)
    ssize_t send(int fd, const void *buffer, size_t length, int flags)
    ssize_t recv(int fd, void *buffer, size_t length, int flags)


cdef extern from "<sys/stat.h>" nogil:
    ctypedef unsigned long ino_t
    ctypedef unsigned int uid_t

    struct stat:
        ino_t st_ino
        uid_t st_uid

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
        sa_family_t sin_family
        uint16_t sin_port
        in_addr sin_addr

    struct sockaddr_in6:
        sa_family_t sin6_family
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
    enum: TCP_TIME_WAIT
    enum: TCP_SYN_SENT
    enum: TCP_SYN_RECV
    enum: TCP_CLOSE_WAIT
    enum: TCP_LAST_ACK
    enum: TCP_CLOSING


cdef extern from "linux_tcp_info.h" nogil:
    enum: SOCKETSTAT_TCP_CA_NAME_MAX


cdef extern from "<unistd.h>" nogil:
    int close(int fd)
    ssize_t readlinkat(int directory, const char *path, char *buffer, size_t size)


cdef extern from "<fcntl.h>" nogil:
    enum: O_RDONLY
    enum: O_DIRECTORY
    enum: O_CLOEXEC
    # Named apart from Python's built-in open().
    int open_path "open"(const char *path, int flags)


cdef extern from "<dirent.h>" nogil:
    ctypedef struct DIR:
        pass

    struct dirent:
        char d_name[256]

    DIR *fdopendir(int fd)
    dirent *readdir(DIR *directory)
    int closedir(DIR *directory)


cdef extern from "<sched.h>" nogil:
    # glibc 2.14; Python 3.10 has no os.setns (3.12 added it). Affects the calling thread only.
    enum: CLONE_NEWNET
    int setns(int fd, int nstype)


cdef extern from "linux_sock_diag.h" nogil:
    # include/uapi/linux/netlink.h
    struct nlmsghdr:
        uint32_t nlmsg_len
        uint16_t nlmsg_type
        uint16_t nlmsg_flags
        uint32_t nlmsg_seq
        uint32_t nlmsg_pid

    struct nlmsgerr:
        int error

    struct sockaddr_nl:
        sa_family_t nl_family
        uint32_t nl_pid
        uint32_t nl_groups     # bit (group - 1) for each multicast group joined

    enum: NETLINK_SOCK_DIAG
    enum: NLM_F_REQUEST
    enum: NLM_F_DUMP
    enum: NLMSG_DONE
    enum: NLMSG_ERROR
    size_t NLMSG_ALIGN(size_t length)
    const size_t NLMSG_HDRLEN

    # include/uapi/linux/rtnetlink.h: the attributes after each message.
    struct rtattr:
        unsigned short rta_len
        unsigned short rta_type

    size_t RTA_ALIGN(size_t length)
    size_t RTA_LENGTH(size_t length)

    # include/uapi/linux/sock_diag.h
    enum: SOCK_DIAG_BY_FAMILY
    enum: SKNLGRP_INET_TCP_DESTROY
    enum: SKNLGRP_INET6_TCP_DESTROY

    # include/uapi/linux/inet_diag.h. Ports and addresses are in network byte order.
    struct inet_diag_sockid:
        uint16_t idiag_sport
        uint16_t idiag_dport
        uint32_t idiag_src[4]
        uint32_t idiag_dst[4]
        uint32_t idiag_if
        uint32_t idiag_cookie[2]

    struct inet_diag_req_v2:
        uint8_t sdiag_family
        uint8_t sdiag_protocol
        uint8_t idiag_ext          # 1 << (INET_DIAG_x - 1) for each attribute wanted
        uint8_t pad                # sdiag_raw_protocol of a raw dump (struct inet_diag_req_raw)
        uint32_t idiag_states
        inet_diag_sockid id

    struct inet_diag_msg:
        uint8_t idiag_family
        uint8_t idiag_state
        uint8_t idiag_timer
        uint8_t idiag_retrans
        inet_diag_sockid id
        uint32_t idiag_expires     # milliseconds
        uint32_t idiag_rqueue
        uint32_t idiag_wqueue
        uint32_t idiag_uid
        uint32_t idiag_inode

    enum: INET_DIAG_NOCOOKIE
    enum: INET_DIAG_REQ_BYTECODE
    enum: SOCKETSTAT_INET_DIAG_REQ_PROTOCOL
    enum: INET_DIAG_INFO
    enum: INET_DIAG_CONG
    enum: INET_DIAG_SKMEMINFO
    enum: INET_DIAG_SHUTDOWN
    enum: INET_DIAG_PROTOCOL
    enum: SOCKETSTAT_INET_DIAG_CGROUP_ID
    enum: INET_DIAG_BC_S_LE
    enum: INET_DIAG_BC_D_LE
    enum: INET_DIAG_BC_S_COND
    enum: INET_DIAG_BC_D_COND

    # include/uapi/linux/unix_diag.h
    struct unix_diag_req:
        uint8_t sdiag_family
        uint8_t sdiag_protocol
        uint16_t pad
        uint32_t udiag_states
        uint32_t udiag_ino
        uint32_t udiag_show
        uint32_t udiag_cookie[2]

    struct unix_diag_msg:
        uint8_t udiag_family
        uint8_t udiag_type
        uint8_t udiag_state
        uint8_t pad
        uint32_t udiag_ino
        uint32_t udiag_cookie[2]

    struct unix_diag_rqlen:
        uint32_t udiag_rqueue
        uint32_t udiag_wqueue

    enum: UDIAG_SHOW_NAME
    enum: UDIAG_SHOW_PEER
    enum: UDIAG_SHOW_RQLEN
    enum: UDIAG_SHOW_MEMINFO
    enum: SOCKETSTAT_UDIAG_SHOW_UID
    enum: UNIX_DIAG_NAME
    enum: UNIX_DIAG_PEER
    enum: UNIX_DIAG_RQLEN
    enum: UNIX_DIAG_MEMINFO
    enum: UNIX_DIAG_SHUTDOWN
    enum: SOCKETSTAT_UNIX_DIAG_UID
