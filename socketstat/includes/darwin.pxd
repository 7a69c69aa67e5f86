# cdef extern declarations for the macOS backend (_darwin.pyx) beyond posix.pxd, one block per
# header, only the names the backend uses. Every declared member must match the macOS SDK in name,
# size and signedness: the cross-check (tests/crosscheck) turns each of them into a
# _Static_assert compiled against the SDK headers shipped in the ziglang wheel. Kernel behaviour
# notes cite xnu (bsd/...). struct tcp_connection_info and the members of struct sockbuf_info are
# generated from socketstat/codegen/darwin.py into _darwin_records.pxi.
from libc.stdint cimport int16_t, int32_t, uint8_t, uint16_t, uint32_t, uint64_t

from socketstat.includes.posix cimport in_addr, in6_addr


cdef extern from "<sys/types.h>" nogil:
    ctypedef int pid_t


cdef extern from "<unistd.h>" nogil:
    pid_t getpid()


cdef extern from "<sys/socket.h>" nogil:
    ctypedef uint8_t sa_family_t            # one byte on the BSDs, after the length byte

    struct sockaddr_storage:
        uint8_t ss_len
        sa_family_t ss_family

    # so_snd.sb_cc: bytes in the send buffer, sent-but-unacknowledged included; always 0 for Unix
    # and UDP sockets, whose data never waits in so_snd (bsd/kern/uipc_socket.c sogetoptlock).
    enum: SO_NWRITE
    # Datagram (PR_ATOMIC): payload bytes of the first datagram; stream: so_rcv.sb_cc - sb_ctl.
    enum: SO_NREAD
    # Datagrams in the receive buffer; ENOPROTOOPT on stream sockets.
    enum: SO_NUMRCVPKT


cdef extern from "<sys/ioctl.h>" nogil:
    # <sys/filio.h>: so_rcv.sb_cc, which counts a datagram's sender address and control mbufs too
    # (bsd/kern/sys_socket.c soioctl, uipc_socket2.c sballoc).
    const unsigned long FIONREAD


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
    # Public since OS X 10.11; bsd/netinet/tcp_usrreq.c tcp_connection_fill_info fills the struct,
    # which _darwin_records.pxi declares from the table.
    enum: TCP_CONNECTION_INFO
    enum: TCPCI_OPT_TIMESTAMPS
    enum: TCPCI_OPT_SACK
    enum: TCPCI_OPT_WSCALE
    enum: TCPCI_OPT_ECN
    enum: TCPCI_FLAG_LOSSRECOVERY
    enum: TCPCI_FLAG_REORDERING_DETECTED


cdef extern from "<sys/proc_info.h>" nogil:
    enum: PROC_PIDFDSOCKETINFO

    # soi_kind: which member of soi_proto fill_socketinfo (bsd/kern/socket_info.c) filled.
    enum: SOCKINFO_IN
    enum: SOCKINFO_TCP
    enum: SOCKINFO_UN

    # insi_vflag: the PCB holds an IPv4 address (in the last four bytes of the address unions)
    enum: INI_IPV4

    # soi_state (a copy of so_state, see socket_info below)
    enum: SOI_S_ISCONNECTED

    # tcpsi_state: xnu's t_state, the BSD numbering (TCPS_* in bsd/netinet/tcp_fsm.h)
    enum: TSI_S_CLOSED
    enum: TSI_S_LISTEN
    enum: TSI_S_SYN_SENT
    enum: TSI_S_SYN_RECEIVED
    enum: TSI_S_ESTABLISHED
    enum: TSI_S__CLOSE_WAIT             # sic: the header's spelling
    enum: TSI_S_FIN_WAIT_1
    enum: TSI_S_CLOSING
    enum: TSI_S_LAST_ACK
    enum: TSI_S_FIN_WAIT_2
    enum: TSI_S_TIME_WAIT

    # tcpsi_timer indices
    enum: TSI_T_REXMT
    enum: TSI_T_PERSIST
    enum: TSI_T_KEEP
    enum: TSI_T_2MSL

    struct in4in6_addr:
        in_addr i46a_addr4

    # in_sockinfo's members are of anonymous types: name them with __typeof__ so that Cython can
    # reach into them and the cross-check can compare them. Each anonymous type is its own type.
    ctypedef union insi_faddr_t "__typeof__(((struct in_sockinfo *)0)->insi_faddr)":
        in4in6_addr ina_46
        in6_addr ina_6

    ctypedef union insi_laddr_t "__typeof__(((struct in_sockinfo *)0)->insi_laddr)":
        in4in6_addr ina_46
        in6_addr ina_6

    ctypedef struct insi_v4_t "__typeof__(((struct in_sockinfo *)0)->insi_v4)":
        unsigned char in4_tos

    ctypedef struct insi_v6_t "__typeof__(((struct in_sockinfo *)0)->insi_v6)":
        int in6_cksum
        short in6_hops

    # fill_socketinfo leaves insi_flow, insi_v6.in6_hlim and insi_v6.in6_ifindex zero: not declared.
    struct in_sockinfo:
        int insi_fport                  # in_port_t in network byte order, widened to int
        int insi_lport
        uint64_t insi_gencnt
        uint32_t insi_flags
        uint8_t insi_vflag
        uint8_t insi_ip_ttl
        insi_faddr_t insi_faddr         # IPv4: the last four bytes (ina_46.i46a_addr4)
        insi_laddr_t insi_laddr
        insi_v4_t insi_v4
        insi_v6_t insi_v6

    # Its first member, tcpsi_ini, is the in_sockinfo that fill_socketinfo writes through pri_in.
    struct tcp_sockinfo:
        int tcpsi_state
        int tcpsi_timer[4]              # TSI_T_NTIMERS
        int tcpsi_mss
        uint32_t tcpsi_flags
        uint64_t tcpsi_tp

    # Beside ua_sun each union holds char ua_dummy[SOCK_MAXADDRLEN]: the copy is sun_len bytes long.
    ctypedef union unsi_addr_t "__typeof__(((struct un_sockinfo *)0)->unsi_addr)":
        sockaddr_un ua_sun

    ctypedef union unsi_caddr_t "__typeof__(((struct un_sockinfo *)0)->unsi_caddr)":
        sockaddr_un ua_sun

    struct un_sockinfo:
        uint64_t unsi_conn_so
        uint64_t unsi_conn_pcb
        unsi_addr_t unsi_addr
        unsi_caddr_t unsi_caddr

    # Only the type of soi_rcv and soi_snd here: its members are declared once, from the
    # SOCKBUF_INFO table, in _darwin_records.pxi (the same C type, struct sockbuf_info), where the
    # backend reads them through _darwin.pyx's _sockbuf().
    struct sockbuf_info:
        pass

    ctypedef union soi_proto_t "__typeof__(((struct socket_info *)0)->soi_proto)":
        in_sockinfo pri_in
        tcp_sockinfo pri_tcp
        un_sockinfo pri_un

    # soi_stat is never filled for a socket (bsd/kern/socket_info.c fill_socketinfo does not write
    # it; proc_info.c pid_socketinfo zeroes the buffer first): not declared. soi_options, soi_state
    # and sbi_flags are short copies of wider flags whose bit 0x8000 is in use (SO_WANTOOBFLAG,
    # SS_DEFUNCT, SB_LIMITED): the records mask them with 0xffff, as lsof does.
    struct socket_info:
        uint64_t soi_so
        uint64_t soi_pcb
        int soi_type
        int soi_protocol
        int soi_family
        short soi_options
        short soi_linger
        short soi_state
        short soi_qlen
        short soi_incqlen
        short soi_qlimit
        short soi_timeo
        unsigned short soi_error
        uint32_t soi_oobmark
        sockbuf_info soi_rcv
        sockbuf_info soi_snd
        int soi_kind
        soi_proto_t soi_proto

    struct socket_fdinfo:
        socket_info psi


cdef extern from "<libproc.h>" nogil:
    # Returns the bytes filled, or 0 with errno set (libproc's wrapper of __proc_info).
    int proc_pidfdinfo(int pid, int fd, int flavor, void *buffer, int buffersize)


cdef extern from "darwin_compat.h" nogil:
    bint socketstat_in6_scope_embedded(const in6_addr *address)
    long long socketstat_monotonic_ns()


cdef extern from "<sys/sysctl.h>" nogil:
    # 0, or -1 with errno: ENOMEM when *oldlenp is too small for the answer (the list grew).
    int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)


cdef extern from "darwin_pcblist.h" nogil:
    # The Apple-private pcblist_n records, declared in the project's header from xnu (the SDK has
    # none of them), with its own size and offset assertions; only what sockets() reads here.
    struct socketstat_in_addr_4in6:
        uint32_t ia46_addr4

    ctypedef union inp_dependfaddr_t "__typeof__(((struct socketstat_xinpcb_n *)0)->inp_dependfaddr)":
        socketstat_in_addr_4in6 inp46_foreign
        uint8_t inp6_foreign[16]

    ctypedef union inp_dependladdr_t "__typeof__(((struct socketstat_xinpcb_n *)0)->inp_dependladdr)":
        socketstat_in_addr_4in6 inp46_local
        uint8_t inp6_local[16]

    ctypedef struct inp_depend4_t "__typeof__(((struct socketstat_xinpcb_n *)0)->inp_depend4)":
        uint8_t inp4_ip_tos

    ctypedef struct inp_depend6_t "__typeof__(((struct socketstat_xinpcb_n *)0)->inp_depend6)":
        int32_t inp6_cksum
        int16_t inp6_hops

    struct socketstat_xinpcb_n:
        uint16_t inp_fport              # network byte order
        uint16_t inp_lport
        uint64_t inp_ppcb
        uint64_t inp_gencnt
        int32_t inp_flags
        uint8_t inp_vflag
        uint8_t inp_ip_ttl
        inp_dependfaddr_t inp_dependfaddr
        inp_dependladdr_t inp_dependladdr
        inp_depend4_t inp_depend4
        inp_depend6_t inp_depend6

    # Only members of the 76-byte record of macOS 10.13 to 12 are declared: a record of that
    # length ends after so_e_pid.
    struct socketstat_xsocket_n:
        uint64_t xso_so
        int16_t so_type
        uint32_t so_options
        int16_t so_linger
        int16_t so_state
        uint64_t so_pcb
        int32_t xso_protocol
        int32_t xso_family
        int16_t so_qlen
        int16_t so_incqlen
        int16_t so_qlimit
        int16_t so_timeo
        uint16_t so_error
        uint32_t so_oobmark
        uint32_t so_uid
        int32_t so_last_pid
        int32_t so_e_pid

    struct socketstat_xsockbuf_n:
        uint32_t sb_cc
        uint32_t sb_hiwat
        uint32_t sb_mbcnt
        uint32_t sb_mbmax
        int32_t sb_lowat
        int16_t sb_flags
        int16_t sb_timeo

    struct socketstat_xtcpcb_n:
        int32_t t_timer[4]              # TCPT_*_EXT: the TSI_T_* order
        int32_t t_state
        uint32_t t_flags
        uint32_t rcv_nxt
        uint32_t rcv_adv
        uint32_t snd_wnd
        uint32_t snd_cwnd
        uint32_t snd_ssthresh
        int32_t t_rxtcur
        uint32_t t_maxseg
        int32_t t_srtt
        int32_t t_rttvar
        int32_t t_rxtshift
        uint8_t snd_scale
        uint8_t rcv_scale

    struct socketstat_sockaddr_un:
        uint8_t sun_len

    ctypedef union xu_au_t "__typeof__(((struct socketstat_xunpcb_n *)0)->xu_au)":
        socketstat_sockaddr_un xuu_addr

    ctypedef union xu_cau_t "__typeof__(((struct socketstat_xunpcb_n *)0)->xu_cau)":
        socketstat_sockaddr_un xuu_caddr

    struct socketstat_xunpcb_n:
        uint64_t xunp_unpp
        uint64_t xunp_conn
        uint64_t xunp_gencnt
        xu_au_t xu_au
        xu_cau_t xu_cau

    struct socketstat_pcb_network:
        int version
        unsigned prefix_length
        uint8_t address[16]

    struct socketstat_pcb_filter:
        uint32_t states
        int inet4
        int inet6
        int32_t local_port
        int32_t remote_port
        socketstat_pcb_network local
        socketstat_pcb_network remote
        int32_t pid

    struct socketstat_pcb:
        const socketstat_xinpcb_n *inp
        const socketstat_xunpcb_n *unp
        const socketstat_xsocket_n *so
        const socketstat_xsockbuf_n *rcv
        const socketstat_xsockbuf_n *snd
        const socketstat_xtcpcb_n *tcp

    struct socketstat_pcblist:
        size_t unknown_length
        size_t unknown_kind
        size_t incomplete
        size_t stale
        int truncated

    enum: SOCKETSTAT_DARWIN_TF_REQ_SCALE
    enum: SOCKETSTAT_DARWIN_TF_RCVD_SCALE

    int socketstat_pcblist_begin(socketstat_pcblist *walk, const void *buffer, size_t length,
                                 int unix_sockets, int tcp)
    int socketstat_pcblist_next(socketstat_pcblist *walk, const socketstat_pcb_filter *filter,
                                socketstat_pcb *out)
