# cdef extern declarations for the Linux backend (_linux.pyx), one block per header, only the
# names the backend uses. Kernel ABI notes cite include/uapi/linux/*.h.
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t


cdef extern from "<sys/socket.h>" nogil:
    ctypedef unsigned int socklen_t
    ctypedef unsigned short sa_family_t

    struct sockaddr:
        pass

    struct sockaddr_storage:
        sa_family_t ss_family

    int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
    int getsockname(int fd, sockaddr *addr, socklen_t *addrlen)
    int getpeername(int fd, sockaddr *addr, socklen_t *addrlen)

    enum: SOL_SOCKET
    enum: SO_TYPE
    enum: SO_PROTOCOL
    enum: SO_COOKIE          # u64, Linux 4.13
    enum: SO_MEMINFO         # u32[SK_MEMINFO_VARS], Linux 4.12
    enum: AF_UNIX
    enum: AF_INET
    enum: AF_INET6
    enum: SOCK_STREAM


cdef extern from "<string.h>" nogil:
    size_t strnlen(const char *text, size_t limit)


cdef extern from "<sys/ioctl.h>" nogil:
    int ioctl(int fd, unsigned long request, ...)


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
    enum: IPPROTO_TCP
    enum: IPPROTO_MPTCP      # MPTCP sockets answer TCP_INFO too (net/mptcp/sockopt.c)
    enum: INET6_ADDRSTRLEN

    struct in_addr:
        pass

    struct sockaddr_in:
        uint16_t sin_port
        in_addr sin_addr

    struct in6_addr:
        pass

    struct sockaddr_in6:
        uint16_t sin6_port
        uint32_t sin6_flowinfo
        in6_addr sin6_addr
        uint32_t sin6_scope_id


cdef extern from "<arpa/inet.h>" nogil:
    uint16_t ntohs(uint16_t value)
    uint32_t ntohl(uint32_t value)
    # Cannot fail here: the family is right and the buffer holds INET6_ADDRSTRLEN.
    const char *inet_ntop(int family, const void *address, char *text, socklen_t size)


cdef extern from "<sys/un.h>" nogil:
    struct sockaddr_un:
        char sun_path[108]

    # offsetof(struct sockaddr_un, sun_path): a Unix address's length counts from here (unix(7)).
    const size_t SUN_PATH_OFFSET "offsetof(struct sockaddr_un, sun_path)"


cdef extern from "<linux/sockios.h>" nogil:
    # SIOCINQ: unread bytes (TCP: rcv_nxt - copied_seq; datagram: size of the next datagram).
    # SIOCOUTQ: bytes not yet acknowledged (TCP: write_seq - snd_una). Both EINVAL on LISTEN.
    enum: SIOCINQ
    enum: SIOCOUTQ


cdef extern from "<linux/sock_diag.h>" nogil:
    enum: SK_MEMINFO_RMEM_ALLOC
    enum: SK_MEMINFO_RCVBUF
    enum: SK_MEMINFO_WMEM_ALLOC
    enum: SK_MEMINFO_SNDBUF
    enum: SK_MEMINFO_FWD_ALLOC
    enum: SK_MEMINFO_WMEM_QUEUED
    enum: SK_MEMINFO_OPTMEM
    enum: SK_MEMINFO_BACKLOG
    enum: SK_MEMINFO_DROPS
    enum: SK_MEMINFO_VARS


cdef extern from "<netinet/tcp.h>" nogil:
    enum: TCP_INFO
    enum: TCP_CONGESTION
    enum: TCP_LISTEN
    enum: TCP_CLOSE


cdef extern from "linux_tcp_info.h" nogil:
    struct socketstat_tcp_info:
        uint8_t tcpi_state
        uint8_t tcpi_ca_state
        uint8_t tcpi_retransmits
        uint8_t tcpi_probes
        uint8_t tcpi_backoff
        uint8_t tcpi_options
        uint8_t tcpi_snd_wscale
        uint8_t tcpi_rcv_wscale
        uint8_t tcpi_delivery_rate_app_limited
        uint8_t tcpi_fastopen_client_fail
        uint32_t tcpi_rto
        uint32_t tcpi_ato
        uint32_t tcpi_snd_mss
        uint32_t tcpi_rcv_mss
        uint32_t tcpi_unacked
        uint32_t tcpi_sacked
        uint32_t tcpi_lost
        uint32_t tcpi_retrans
        uint32_t tcpi_fackets
        uint32_t tcpi_last_data_sent
        uint32_t tcpi_last_ack_sent
        uint32_t tcpi_last_data_recv
        uint32_t tcpi_last_ack_recv
        uint32_t tcpi_pmtu
        uint32_t tcpi_rcv_ssthresh
        uint32_t tcpi_rtt
        uint32_t tcpi_rttvar
        uint32_t tcpi_snd_ssthresh
        uint32_t tcpi_snd_cwnd
        uint32_t tcpi_advmss
        uint32_t tcpi_reordering
        uint32_t tcpi_rcv_rtt
        uint32_t tcpi_rcv_space
        uint32_t tcpi_total_retrans
        uint64_t tcpi_pacing_rate
        uint64_t tcpi_max_pacing_rate
        uint64_t tcpi_bytes_acked
        uint64_t tcpi_bytes_received
        uint32_t tcpi_segs_out
        uint32_t tcpi_segs_in
        uint32_t tcpi_notsent_bytes
        uint32_t tcpi_min_rtt
        uint32_t tcpi_data_segs_in
        uint32_t tcpi_data_segs_out
        uint64_t tcpi_delivery_rate
        uint64_t tcpi_busy_time
        uint64_t tcpi_rwnd_limited
        uint64_t tcpi_sndbuf_limited
        uint32_t tcpi_delivered
        uint32_t tcpi_delivered_ce
        uint64_t tcpi_bytes_sent
        uint64_t tcpi_bytes_retrans
        uint32_t tcpi_dsack_dups
        uint32_t tcpi_reord_seen
        uint32_t tcpi_rcv_ooopack
        uint32_t tcpi_snd_wnd
        uint32_t tcpi_rcv_wnd
        uint32_t tcpi_rehash
        uint16_t tcpi_total_rto
        uint16_t tcpi_total_rto_recoveries
        uint32_t tcpi_total_rto_time
        uint32_t tcpi_received_ce
        uint32_t tcpi_delivered_e1_bytes
        uint32_t tcpi_delivered_e0_bytes
        uint32_t tcpi_delivered_ce_bytes
        uint32_t tcpi_received_e1_bytes
        uint32_t tcpi_received_e0_bytes
        uint32_t tcpi_received_ce_bytes
        uint16_t tcpi_accecn_fail_mode
        uint16_t tcpi_accecn_opt_seen

    enum: SOCKETSTAT_TCP_CA_NAME_MAX

    # Bytes the kernel must have copied for a member added after the 104-byte 2.6 struct to be valid.
    const size_t END_tcpi_pacing_rate "SOCKETSTAT_TCPI_END(tcpi_pacing_rate)"
    const size_t END_tcpi_max_pacing_rate "SOCKETSTAT_TCPI_END(tcpi_max_pacing_rate)"
    const size_t END_tcpi_bytes_acked "SOCKETSTAT_TCPI_END(tcpi_bytes_acked)"
    const size_t END_tcpi_bytes_received "SOCKETSTAT_TCPI_END(tcpi_bytes_received)"
    const size_t END_tcpi_segs_out "SOCKETSTAT_TCPI_END(tcpi_segs_out)"
    const size_t END_tcpi_segs_in "SOCKETSTAT_TCPI_END(tcpi_segs_in)"
    const size_t END_tcpi_notsent_bytes "SOCKETSTAT_TCPI_END(tcpi_notsent_bytes)"
    const size_t END_tcpi_min_rtt "SOCKETSTAT_TCPI_END(tcpi_min_rtt)"
    const size_t END_tcpi_data_segs_in "SOCKETSTAT_TCPI_END(tcpi_data_segs_in)"
    const size_t END_tcpi_data_segs_out "SOCKETSTAT_TCPI_END(tcpi_data_segs_out)"
    const size_t END_tcpi_delivery_rate "SOCKETSTAT_TCPI_END(tcpi_delivery_rate)"
    const size_t END_tcpi_busy_time "SOCKETSTAT_TCPI_END(tcpi_busy_time)"
    const size_t END_tcpi_rwnd_limited "SOCKETSTAT_TCPI_END(tcpi_rwnd_limited)"
    const size_t END_tcpi_sndbuf_limited "SOCKETSTAT_TCPI_END(tcpi_sndbuf_limited)"
    const size_t END_tcpi_delivered "SOCKETSTAT_TCPI_END(tcpi_delivered)"
    const size_t END_tcpi_delivered_ce "SOCKETSTAT_TCPI_END(tcpi_delivered_ce)"
    const size_t END_tcpi_bytes_sent "SOCKETSTAT_TCPI_END(tcpi_bytes_sent)"
    const size_t END_tcpi_bytes_retrans "SOCKETSTAT_TCPI_END(tcpi_bytes_retrans)"
    const size_t END_tcpi_dsack_dups "SOCKETSTAT_TCPI_END(tcpi_dsack_dups)"
    const size_t END_tcpi_reord_seen "SOCKETSTAT_TCPI_END(tcpi_reord_seen)"
    const size_t END_tcpi_rcv_ooopack "SOCKETSTAT_TCPI_END(tcpi_rcv_ooopack)"
    const size_t END_tcpi_snd_wnd "SOCKETSTAT_TCPI_END(tcpi_snd_wnd)"
    const size_t END_tcpi_rcv_wnd "SOCKETSTAT_TCPI_END(tcpi_rcv_wnd)"
    const size_t END_tcpi_rehash "SOCKETSTAT_TCPI_END(tcpi_rehash)"
    const size_t END_tcpi_total_rto "SOCKETSTAT_TCPI_END(tcpi_total_rto)"
    const size_t END_tcpi_total_rto_recoveries "SOCKETSTAT_TCPI_END(tcpi_total_rto_recoveries)"
    const size_t END_tcpi_total_rto_time "SOCKETSTAT_TCPI_END(tcpi_total_rto_time)"
    const size_t END_tcpi_received_ce "SOCKETSTAT_TCPI_END(tcpi_received_ce)"
    const size_t END_tcpi_delivered_e1_bytes "SOCKETSTAT_TCPI_END(tcpi_delivered_e1_bytes)"
    const size_t END_tcpi_delivered_e0_bytes "SOCKETSTAT_TCPI_END(tcpi_delivered_e0_bytes)"
    const size_t END_tcpi_delivered_ce_bytes "SOCKETSTAT_TCPI_END(tcpi_delivered_ce_bytes)"
    const size_t END_tcpi_received_e1_bytes "SOCKETSTAT_TCPI_END(tcpi_received_e1_bytes)"
    const size_t END_tcpi_received_e0_bytes "SOCKETSTAT_TCPI_END(tcpi_received_e0_bytes)"
    const size_t END_tcpi_received_ce_bytes "SOCKETSTAT_TCPI_END(tcpi_received_ce_bytes)"
    const size_t END_tcpi_accecn_fail_mode "SOCKETSTAT_TCPI_END(tcpi_accecn_fail_mode)"
    const size_t END_tcpi_accecn_opt_seen "SOCKETSTAT_TCPI_END(tcpi_accecn_opt_seen)"


cdef extern from "Python.h":
    # int fd, or an object whose fileno() returns one; TypeError, ValueError (negative) or the
    # exception fileno() raised otherwise.
    int PyObject_AsFileDescriptor(object obj) except -1
