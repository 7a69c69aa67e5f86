/*
 * macOS's socket tables as sysctl net.inet.{tcp,udp,raw}.pcblist_n and net.local.{stream,dgram}.
 * pcblist_n give them, and the walk over one answer that sockets() does. Plain C with no macOS
 * header, so that the same walk is compiled and tested on Linux (tests/test_darwin_pcblist.py).
 *
 * The structs are Apple-private (#ifdef PRIVATE in xnu), absent from the SDK: declared here from
 * xnu-11417.121.6 (macOS 15), under socketstat_ names so that they never meet an SDK's own:
 *   struct xinpgen, xinpcb_n     bsd/netinet/in_pcb.h, inside #pragma pack(4)
 *   struct xsocket_n, xsockbuf_n, xsockstat_n, XSO_*
 *                                bsd/sys/socketvar.h, inside #pragma pack(4)
 *   struct xtcpcb_n              bsd/netinet/tcp_var.h, inside #pragma pack(4)
 *   struct xunpcb_n, xunpgen     bsd/sys/unpcb.h, xunpcb_n inside #pragma pack(4)
 * How the kernel writes an answer (bsd/netinet/in_pcblist.c get_pcblist_n, bsd/kern/
 * uipc_usrreq.c unp_pcblist_n): an xinpgen (xunpgen, the same layout), then per socket its
 * records, each {u32 len, u32 kind} first and ROUNDUP64(len) bytes long: xinpcb_n (xunpcb_n for
 * Unix sockets), xsocket_n, xsockbuf_n of so_rcv, of so_snd, xsockstat_n and, for TCP, xtcpcb_n;
 * last an xinpgen with the generation count at the end of the copy. A socket freed during the
 * copy has a generation count newer than the first header's: netstat (network_cmds
 * netstat.tproj/inet.c protopr) drops those, and so does this walk.
 *
 * One layout changed across the releases socketstat supports (macOS 10.13, xnu-4570, onward):
 * xnu-8792 (macOS 13) appended so_gencnt ... xso_filter_flags to xsocket_n, 76 -> 104 bytes;
 * nothing this walk reads moved. net.local.*.pcblist_n and xunpcb_n exist since xnu-8792 too.
 * Every record's len is checked before the record is read: a length not in the table below for
 * its kind (a macOS that changed the struct) is never read, and the socket it belongs to is left
 * out and counted.
 */
#ifndef SOCKETSTAT_DARWIN_PCBLIST_H
#define SOCKETSTAT_DARWIN_PCBLIST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* XSO_* (bsd/sys/socketvar.h): the kind of a tagged record. */
#define SOCKETSTAT_XSO_SOCKET   0x001
#define SOCKETSTAT_XSO_RCVBUF   0x002
#define SOCKETSTAT_XSO_SNDBUF   0x004
#define SOCKETSTAT_XSO_STATS    0x008
#define SOCKETSTAT_XSO_INPCB    0x010
#define SOCKETSTAT_XSO_TCPCB    0x020
#define SOCKETSTAT_XSO_UNPCB    0x200

/* Darwin's numbers the walk compares with (bsd/sys/socket.h, socketvar.h, in_pcb.h,
 * tcp_fsm.h); the cross-check asserts them against the SDK (below). */
#define SOCKETSTAT_DARWIN_AF_INET        2
#define SOCKETSTAT_DARWIN_AF_INET6       30
#define SOCKETSTAT_DARWIN_SO_ACCEPTCONN  0x0002
#define SOCKETSTAT_DARWIN_SS_ISCONNECTED 0x0002
#define SOCKETSTAT_DARWIN_INP_IPV4       0x1
#define SOCKETSTAT_DARWIN_INP_IPV6       0x2
#define SOCKETSTAT_DARWIN_TCPS_LISTEN       1
#define SOCKETSTAT_DARWIN_TCPS_ESTABLISHED  4
#define SOCKETSTAT_DARWIN_TCPS_CLOSED       0
/* t_flags: window scaling requested and received (bsd/netinet/tcp_var.h, unchanged since
 * xnu-4570); both set is tcp_connection_fill_info's TCP_WINDOW_SCALE_ENABLED. */
#define SOCKETSTAT_DARWIN_TF_REQ_SCALE  0x20
#define SOCKETSTAT_DARWIN_TF_RCVD_SCALE 0x40

#pragma pack(push, 4)

struct socketstat_xinpgen {             /* = struct xunpgen */
    uint32_t xig_len;                   /* sizeof(struct xinpgen): 24 */
    uint32_t xig_count;
    uint64_t xig_gen;                   /* inp_gen_t */
    uint64_t xig_sogen;                 /* so_gen_t */
};

struct socketstat_in_addr_4in6 {        /* struct in_addr_4in6: IPv4 in the last four bytes */
    uint32_t ia46_pad32[3];
    uint32_t ia46_addr4;                /* struct in_addr, network byte order */
};

struct socketstat_xinpcb_n {
    uint32_t xi_len;
    uint32_t xi_kind;                   /* XSO_INPCB */
    uint64_t xi_inpp;
    uint16_t inp_fport;                 /* network byte order */
    uint16_t inp_lport;
    uint64_t inp_ppcb;                  /* the tcpcb's hashed address: proc_pidfdinfo's tcpsi_tp */
    uint64_t inp_gencnt;
    int32_t inp_flags;
    uint32_t inp_flow;
    uint8_t inp_vflag;                  /* INP_IPV4, INP_IPV6: which address slot is used */
    uint8_t inp_ip_ttl;
    uint8_t inp_ip_p;
    union {
        struct socketstat_in_addr_4in6 inp46_foreign;
        uint8_t inp6_foreign[16];       /* struct in6_addr */
    } inp_dependfaddr;
    union {
        struct socketstat_in_addr_4in6 inp46_local;
        uint8_t inp6_local[16];
    } inp_dependladdr;
    struct {
        uint8_t inp4_ip_tos;
    } inp_depend4;
    struct {
        uint8_t inp6_hlim;
        int32_t inp6_cksum;
        uint16_t inp6_ifindex;
        int16_t inp6_hops;
    } inp_depend6;
    uint32_t inp_flowhash;
    uint32_t inp_flags2;
};

struct socketstat_xsocket_n {
    uint32_t xso_len;
    uint32_t xso_kind;                  /* XSO_SOCKET */
    uint64_t xso_so;                    /* hashed kernel address: proc_pidfdinfo's soi_so */
    int16_t so_type;
    uint32_t so_options;
    int16_t so_linger;
    int16_t so_state;
    uint64_t so_pcb;
    int32_t xso_protocol;
    int32_t xso_family;
    int16_t so_qlen;
    int16_t so_incqlen;
    int16_t so_qlimit;
    int16_t so_timeo;
    uint16_t so_error;
    int32_t so_pgid;                    /* pid_t */
    uint32_t so_oobmark;
    uint32_t so_uid;                    /* uid_t: kauth_cred_getuid(so->so_cred) */
    int32_t so_last_pid;                /* the last process to use the socket (so->last_pid) */
    int32_t so_e_pid;                   /* the process it acts for (so->e_pid, delegation) */
    /* xnu-8792 (macOS 13) and later: */
    uint64_t so_gencnt;
    uint32_t so_flags;
    uint32_t so_flags1;
    int32_t so_usecount;
    int32_t so_retaincnt;
    uint32_t xso_filter_flags;
};

struct socketstat_xsockbuf_n {
    uint32_t xsb_len;
    uint32_t xsb_kind;                  /* XSO_RCVBUF or XSO_SNDBUF */
    uint32_t sb_cc;                     /* bytes queued: netstat's Recv-Q, Send-Q */
    uint32_t sb_hiwat;
    uint32_t sb_mbcnt;
    uint32_t sb_mbmax;
    int32_t sb_lowat;
    int16_t sb_flags;
    int16_t sb_timeo;
};

struct socketstat_data_stats {
    uint64_t rxpackets;
    uint64_t rxbytes;
    uint64_t txpackets;
    uint64_t txbytes;
};

struct socketstat_xsockstat_n {
    uint32_t xst_len;
    uint32_t xst_kind;                  /* XSO_STATS */
    struct socketstat_data_stats xst_tc_stats[4];   /* SO_TC_STATS_MAX */
};

struct socketstat_xtcpcb_n {
    uint32_t xt_len;
    uint32_t xt_kind;                   /* XSO_TCPCB */
    uint64_t t_segq;
    int32_t t_dupacks;
    int32_t t_timer[4];                 /* TCPT_NTIMERS_EXT: REXMT, PERSIST, KEEP, 2MSL */
    int32_t t_state;                    /* TCPS_*, the BSD numbering */
    uint32_t t_flags;
    int32_t t_force;
    uint32_t snd_una;
    uint32_t snd_max;
    uint32_t snd_nxt;
    uint32_t snd_up;
    uint32_t snd_wl1;
    uint32_t snd_wl2;
    uint32_t iss;
    uint32_t irs;
    uint32_t rcv_nxt;
    uint32_t rcv_adv;
    uint32_t rcv_wnd;
    uint32_t rcv_up;
    uint32_t snd_wnd;
    uint32_t snd_cwnd;
    uint32_t snd_ssthresh;
    uint32_t t_maxopd;
    uint32_t t_rcvtime;
    uint32_t t_starttime;
    int32_t t_rtttime;
    uint32_t t_rtseq;
    int32_t t_rxtcur;                   /* current RTO, ms (TCP_RETRANSHZ 1000) */
    uint32_t t_maxseg;
    int32_t t_srtt;                     /* ms << TCP_RTT_SHIFT (5) */
    int32_t t_rttvar;                   /* ms << TCP_RTTVAR_SHIFT (4) */
    int32_t t_rxtshift;
    uint32_t t_rttmin;
    uint32_t t_rttupdated;
    uint32_t max_sndwnd;
    int32_t t_softerror;
    char t_oobflags;
    char t_iobc;
    uint8_t snd_scale;
    uint8_t rcv_scale;
    uint8_t request_r_scale;
    uint8_t requested_s_scale;
    uint32_t ts_recent;
    uint32_t ts_recent_age;
    uint32_t last_ack_sent;
    uint32_t cc_send;
    uint32_t cc_recv;
    uint32_t snd_recover;
    uint32_t snd_cwnd_prev;
    uint32_t snd_ssthresh_prev;
};

struct socketstat_sockaddr_un {         /* Darwin's struct sockaddr_un (bsd/sys/un.h) */
    uint8_t sun_len;
    uint8_t sun_family;
    char sun_path[104];
};

struct socketstat_xunpcb_n {
    uint32_t xunp_len;
    uint32_t xunp_kind;                 /* XSO_UNPCB */
    uint64_t xunp_unpp;                 /* hashed: proc_pidfdinfo's soi_pcb */
    uint64_t xunp_vnode;
    uint64_t xunp_ino;
    uint64_t xunp_conn;                 /* the peer's hashed unpcb: unsi_conn_pcb */
    uint64_t xunp_refs;
    uint64_t xunp_reflink;
    int32_t xunp_cc;
    int32_t xunp_mbcnt;
    int32_t xunp_flags;
    uint64_t xunp_gencnt;               /* unp_gen_t */
    union {
        struct socketstat_sockaddr_un xuu_addr;
        char xu_dummy1[256];
    } xu_au;
    union {
        struct socketstat_sockaddr_un xuu_caddr;
        char xu_dummy2[256];
    } xu_cau;
};

#pragma pack(pop)

/*
 * Sizes and offsets in xnu-11417.121.6, computed by hand from the declarations above under
 * #pragma pack(4) on LP64 (what arm64 and x86_64 macOS and the Linux test host share), and
 * asserted wherever this header is compiled: the macOS cross-check for both architectures, and
 * the Linux test program. tests/darwin_pcblist.py packs the same records from its own table.
 */
#define SOCKETSTAT_PCBLIST_SIZES(X) \
    X(xinpgen, 24) X(xinpcb_n, 104) X(xsocket_n, 104) X(xsockbuf_n, 32) X(xsockstat_n, 136) \
    X(xtcpcb_n, 204) X(xunpcb_n, 588)

#define SOCKETSTAT_PCBLIST_OFFSETS(X) \
    X(xinpgen, xig_count, 4) X(xinpgen, xig_gen, 8) X(xinpgen, xig_sogen, 16) \
    X(xinpcb_n, xi_kind, 4) X(xinpcb_n, xi_inpp, 8) X(xinpcb_n, inp_fport, 16) \
    X(xinpcb_n, inp_lport, 18) X(xinpcb_n, inp_ppcb, 20) X(xinpcb_n, inp_gencnt, 28) \
    X(xinpcb_n, inp_flags, 36) X(xinpcb_n, inp_vflag, 44) X(xinpcb_n, inp_ip_ttl, 45) \
    X(xinpcb_n, inp_dependfaddr, 48) X(xinpcb_n, inp_dependladdr, 64) \
    X(xinpcb_n, inp_depend4, 80) X(xinpcb_n, inp_depend6, 84) X(xinpcb_n, inp_flowhash, 96) \
    X(xinpcb_n, inp_flags2, 100) \
    X(xsocket_n, xso_so, 8) X(xsocket_n, so_type, 16) X(xsocket_n, so_options, 20) \
    X(xsocket_n, so_linger, 24) X(xsocket_n, so_state, 26) X(xsocket_n, so_pcb, 28) \
    X(xsocket_n, xso_protocol, 36) X(xsocket_n, xso_family, 40) X(xsocket_n, so_qlen, 44) \
    X(xsocket_n, so_incqlen, 46) X(xsocket_n, so_qlimit, 48) X(xsocket_n, so_timeo, 50) \
    X(xsocket_n, so_error, 52) X(xsocket_n, so_pgid, 56) X(xsocket_n, so_oobmark, 60) \
    X(xsocket_n, so_uid, 64) X(xsocket_n, so_last_pid, 68) X(xsocket_n, so_e_pid, 72) \
    X(xsocket_n, so_gencnt, 76) X(xsocket_n, xso_filter_flags, 100) \
    X(xsockbuf_n, sb_cc, 8) X(xsockbuf_n, sb_hiwat, 12) X(xsockbuf_n, sb_mbcnt, 16) \
    X(xsockbuf_n, sb_mbmax, 20) X(xsockbuf_n, sb_lowat, 24) X(xsockbuf_n, sb_flags, 28) \
    X(xsockbuf_n, sb_timeo, 30) X(xsockstat_n, xst_tc_stats, 8) \
    X(xtcpcb_n, t_segq, 8) X(xtcpcb_n, t_dupacks, 16) X(xtcpcb_n, t_timer, 20) \
    X(xtcpcb_n, t_state, 36) X(xtcpcb_n, t_flags, 40) X(xtcpcb_n, snd_una, 48) \
    X(xtcpcb_n, rcv_nxt, 80) X(xtcpcb_n, rcv_adv, 84) X(xtcpcb_n, rcv_wnd, 88) \
    X(xtcpcb_n, snd_wnd, 96) X(xtcpcb_n, snd_cwnd, 100) X(xtcpcb_n, snd_ssthresh, 104) \
    X(xtcpcb_n, t_rxtcur, 128) X(xtcpcb_n, t_maxseg, 132) X(xtcpcb_n, t_srtt, 136) \
    X(xtcpcb_n, t_rttvar, 140) X(xtcpcb_n, t_rxtshift, 144) X(xtcpcb_n, t_softerror, 160) \
    X(xtcpcb_n, snd_scale, 166) X(xtcpcb_n, rcv_scale, 167) X(xtcpcb_n, ts_recent, 172) \
    X(xtcpcb_n, snd_ssthresh_prev, 200) \
    X(xunpcb_n, xunp_unpp, 8) X(xunpcb_n, xunp_conn, 32) X(xunpcb_n, xunp_cc, 56) \
    X(xunpcb_n, xunp_flags, 64) X(xunpcb_n, xunp_gencnt, 68) X(xunpcb_n, xu_au, 76) \
    X(xunpcb_n, xu_cau, 332)

#define SOCKETSTAT_ASSERT_SIZE(type, size) \
    _Static_assert(sizeof(struct socketstat_##type) == size, \
                   "sizeof(struct " #type ") is " #size " in xnu-11417.121.6");
#define SOCKETSTAT_ASSERT_OFFSET(type, member, offset) \
    _Static_assert(offsetof(struct socketstat_##type, member) == offset, \
                   #type "." #member " is at " #offset " in xnu-11417.121.6");
SOCKETSTAT_PCBLIST_SIZES(SOCKETSTAT_ASSERT_SIZE)
SOCKETSTAT_PCBLIST_OFFSETS(SOCKETSTAT_ASSERT_OFFSET)
#undef SOCKETSTAT_ASSERT_SIZE
#undef SOCKETSTAT_ASSERT_OFFSET

/* xsocket_n before xnu-8792: it ended with so_e_pid. */
#define SOCKETSTAT_XSOCKET_N_LEN_BEFORE_13 offsetof(struct socketstat_xsocket_n, so_gencnt)
_Static_assert(SOCKETSTAT_XSOCKET_N_LEN_BEFORE_13 == 76, "xsocket_n of xnu-4570 to 8019 is 76 bytes");

#if defined(__APPLE__)
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/proc_info.h>
_Static_assert(SOCKETSTAT_DARWIN_AF_INET == AF_INET, "AF_INET");
_Static_assert(SOCKETSTAT_DARWIN_AF_INET6 == AF_INET6, "AF_INET6");
_Static_assert(SOCKETSTAT_DARWIN_SO_ACCEPTCONN == SO_ACCEPTCONN, "SO_ACCEPTCONN");
_Static_assert(SOCKETSTAT_DARWIN_SS_ISCONNECTED == SOI_S_ISCONNECTED, "so_state's SS_ISCONNECTED");
_Static_assert(SOCKETSTAT_DARWIN_INP_IPV4 == INI_IPV4 && SOCKETSTAT_DARWIN_INP_IPV6 == INI_IPV6,
               "inp_vflag's INP_IPV4, INP_IPV6");
_Static_assert(SOCKETSTAT_DARWIN_TCPS_LISTEN == TSI_S_LISTEN
               && SOCKETSTAT_DARWIN_TCPS_ESTABLISHED == TSI_S_ESTABLISHED
               && SOCKETSTAT_DARWIN_TCPS_CLOSED == TSI_S_CLOSED, "TCP states");
_Static_assert(sizeof(struct socketstat_sockaddr_un) == sizeof(struct sockaddr_un), "sockaddr_un");
#endif


/* ------------------------------------------------------------------------------------------- */
/* The filters sockets() applies before a record is built (the kernel has none here). */

struct socketstat_pcb_network {
    int version;                        /* 0: no filter; 4 or 6 */
    unsigned prefix_length;
    uint8_t address[16];                /* the first 4 bytes for version 4, network byte order */
};

struct socketstat_pcb_filter {
    uint32_t states;                    /* bit 1 << TCPS_* the socket's state must be in */
    int inet4, inet6;                   /* keep AF_INET, AF_INET6 sockets (inet listings) */
    int32_t local_port;                 /* -1: any */
    int32_t remote_port;
    struct socketstat_pcb_network local, remote;
    int32_t pid;                        /* 0: any; else so_last_pid or so_e_pid */
};

/* One socket: its records in the answer, NULL for one that was not there (stats, tcpcb). */
struct socketstat_pcb {
    const struct socketstat_xinpcb_n *inp;      /* inet listings */
    const struct socketstat_xunpcb_n *unp;      /* Unix listings */
    const struct socketstat_xsocket_n *so;
    const struct socketstat_xsockbuf_n *rcv;
    const struct socketstat_xsockbuf_n *snd;
    const struct socketstat_xsockstat_n *stats;
    const struct socketstat_xtcpcb_n *tcp;
    uint64_t gencnt;
};

struct socketstat_pcblist {
    const unsigned char *buffer;
    size_t length;
    size_t offset;
    uint64_t generation;                /* the first header's xig_gen */
    uint32_t first_kind;                /* XSO_INPCB or XSO_UNPCB: the record a socket starts with */
    uint32_t required;                  /* the kinds a socket must have to be read */
    int ended;                          /* the trailing header was reached */
    struct socketstat_pcb building;
    uint32_t have;                      /* kinds in `building` */
    int broken;                         /* `building` lost a record (unknown length, repeated kind) */
    /* What was left out, for the caller to say. */
    size_t unknown_length;              /* records of a length the table does not know */
    size_t unknown_kind;                /* records of a kind the walk does not know */
    size_t incomplete;                  /* sockets left out for lack of a record */
    size_t stale;                       /* sockets newer than the header: freed during the copy */
    int truncated;                      /* the answer ended inside a record or before its trailer */
};

#define SOCKETSTAT_ROUNDUP64(n) (((n) + 7u) & ~(size_t)7u)

/* Whether `length` is a length xnu gives records of `kind`. */
static inline int socketstat_pcblist_known_length(uint32_t kind, uint32_t length)
{
    switch (kind) {
    case SOCKETSTAT_XSO_INPCB: return length == sizeof(struct socketstat_xinpcb_n);
    case SOCKETSTAT_XSO_UNPCB: return length == sizeof(struct socketstat_xunpcb_n);
    case SOCKETSTAT_XSO_SOCKET:
        return length == sizeof(struct socketstat_xsocket_n)
            || length == SOCKETSTAT_XSOCKET_N_LEN_BEFORE_13;
    case SOCKETSTAT_XSO_RCVBUF:
    case SOCKETSTAT_XSO_SNDBUF: return length == sizeof(struct socketstat_xsockbuf_n);
    case SOCKETSTAT_XSO_STATS: return length == sizeof(struct socketstat_xsockstat_n);
    case SOCKETSTAT_XSO_TCPCB: return length == sizeof(struct socketstat_xtcpcb_n);
    default: return 0;
    }
}

/*
 * Start a walk over one sysctl answer of `length` bytes, from an 8-byte aligned buffer (malloc).
 * `unix_sockets`: net.local.*.pcblist_n (xunpcb_n first); `tcp`: net.inet.tcp.pcblist_n (a
 * tcpcb required). -1 if the answer does not start with an xinpgen of the known length.
 */
static inline int socketstat_pcblist_begin(struct socketstat_pcblist *walk, const void *buffer,
                                           size_t length, int unix_sockets, int tcp)
{
    struct socketstat_xinpgen header;
    memset(walk, 0, sizeof(*walk));
    if (length < sizeof(header))
        return -1;
    memcpy(&header, buffer, sizeof(header));
    if (header.xig_len != sizeof(header))
        return -1;
    walk->buffer = (const unsigned char *)buffer;
    walk->length = length;
    walk->offset = sizeof(header);
    walk->generation = header.xig_gen;
    walk->first_kind = unix_sockets ? SOCKETSTAT_XSO_UNPCB : SOCKETSTAT_XSO_INPCB;
    walk->required = walk->first_kind | SOCKETSTAT_XSO_SOCKET | SOCKETSTAT_XSO_RCVBUF
                     | SOCKETSTAT_XSO_SNDBUF | (tcp ? SOCKETSTAT_XSO_TCPCB : 0);
    return 0;
}

static inline int socketstat_pcb_port_matches(int32_t wanted, uint16_t network_order)
{
    const uint8_t *bytes = (const uint8_t *)&network_order;
    return wanted < 0 || wanted == ((bytes[0] << 8) | bytes[1]);
}

static inline int socketstat_prefix_matches(const uint8_t *address, const uint8_t *network,
                                            unsigned prefix_length)
{
    unsigned whole = prefix_length / 8, rest = prefix_length % 8;
    if (memcmp(address, network, whole) != 0)
        return 0;
    return rest == 0 || ((address[whole] ^ network[whole]) & (0xFF << (8 - rest)) & 0xFF) == 0;
}

/*
 * Whether an address slot of the PCB is in `network`, comparing the address the record shows
 * (as xnu's getsockname() builds it, in6_mapped_sockaddr): an IPv4 network matches a PCB holding
 * IPv4 (an AF_INET6 socket's too, v4-mapped); an IPv6 network matches the address of an AF_INET6
 * socket, ::ffff:a.b.c.d (or :: for 0.0.0.0) when the PCB holds IPv4.
 */
static inline int socketstat_pcb_address_matches(const struct socketstat_pcb_network *network,
                                                 const struct socketstat_xinpcb_n *inp,
                                                 int family, int local)
{
    const struct socketstat_in_addr_4in6 *address46 =
        local ? &inp->inp_dependladdr.inp46_local : &inp->inp_dependfaddr.inp46_foreign;
    const uint8_t *address6 = local ? inp->inp_dependladdr.inp6_local : inp->inp_dependfaddr.inp6_foreign;
    uint8_t shown[16];
    if (network->version == 0)
        return 1;
    if (network->version == 4)
        return (inp->inp_vflag & SOCKETSTAT_DARWIN_INP_IPV4)
            && socketstat_prefix_matches((const uint8_t *)&address46->ia46_addr4,
                                         network->address, network->prefix_length);
    if (family != SOCKETSTAT_DARWIN_AF_INET6)
        return 0;
    if (inp->inp_vflag & SOCKETSTAT_DARWIN_INP_IPV4) {
        memset(shown, 0, sizeof(shown));
        if (address46->ia46_addr4 != 0) {
            shown[10] = shown[11] = 0xFF;
            memcpy(shown + 12, &address46->ia46_addr4, 4);
        }
        address6 = shown;
    }
    return socketstat_prefix_matches(address6, network->address, network->prefix_length);
}

/* The state a socket counts as for `states`: TCP's own; for the others, as on Linux, LISTEN when
 * listening, ESTABLISHED when connected, CLOSED otherwise. */
static inline int socketstat_pcb_state(const struct socketstat_pcb *pcb)
{
    if (pcb->tcp != NULL)
        return pcb->tcp->t_state;
    if (pcb->so->so_options & SOCKETSTAT_DARWIN_SO_ACCEPTCONN)
        return SOCKETSTAT_DARWIN_TCPS_LISTEN;
    if (pcb->so->so_state & SOCKETSTAT_DARWIN_SS_ISCONNECTED)
        return SOCKETSTAT_DARWIN_TCPS_ESTABLISHED;
    return SOCKETSTAT_DARWIN_TCPS_CLOSED;
}

static inline int socketstat_pcb_matches(const struct socketstat_pcb *pcb,
                                         const struct socketstat_pcb_filter *filter)
{
    int state = socketstat_pcb_state(pcb);
    int family = pcb->so->xso_family;
    if (state < 0 || state > 31 || !(filter->states & (UINT32_C(1) << state)))
        return 0;
    if (filter->pid != 0 && pcb->so->so_last_pid != filter->pid && pcb->so->so_e_pid != filter->pid)
        return 0;
    if (pcb->inp == NULL)
        return 1;   /* a Unix socket: sockets() never asks a port or an address of one */
    if ((family == SOCKETSTAT_DARWIN_AF_INET && !filter->inet4)
            || (family == SOCKETSTAT_DARWIN_AF_INET6 && !filter->inet6)
            || (family != SOCKETSTAT_DARWIN_AF_INET && family != SOCKETSTAT_DARWIN_AF_INET6))
        return 0;
    return socketstat_pcb_port_matches(filter->local_port, pcb->inp->inp_lport)
        && socketstat_pcb_port_matches(filter->remote_port, pcb->inp->inp_fport)
        && socketstat_pcb_address_matches(&filter->local, pcb->inp, family, 1)
        && socketstat_pcb_address_matches(&filter->remote, pcb->inp, family, 0);
}

/* The socket built so far, if whole, fresh and wanted: 1 and a copy in *out. */
static inline int socketstat_pcblist_finish(struct socketstat_pcblist *walk,
                                            const struct socketstat_pcb_filter *filter,
                                            struct socketstat_pcb *out)
{
    int kept = 0;
    if (walk->have == 0)
        return 0;
    if (walk->broken || (walk->have & walk->required) != walk->required)
        walk->incomplete++;
    else if (walk->building.gencnt > walk->generation)
        walk->stale++;
    else if (socketstat_pcb_matches(&walk->building, filter)) {
        *out = walk->building;
        kept = 1;
    }
    memset(&walk->building, 0, sizeof(walk->building));
    walk->have = 0;
    walk->broken = 0;
    return kept;
}

/*
 * The next socket that passes `filter`, in *out (its pointers into the buffer): 1, or 0 at the
 * end of the answer. What it leaves out is counted in the walk.
 */
static inline int socketstat_pcblist_next(struct socketstat_pcblist *walk,
                                          const struct socketstat_pcb_filter *filter,
                                          struct socketstat_pcb *out)
{
    uint32_t header[2], length, kind;
    const unsigned char *record;
    while (!walk->ended) {
        if (walk->length - walk->offset < sizeof(header)) {
            walk->ended = 1;
            walk->truncated = 1;
            break;
        }
        record = walk->buffer + walk->offset;
        memcpy(header, record, sizeof(header));
        length = header[0];
        kind = header[1];
        if (length <= sizeof(struct socketstat_xinpgen)) {
            /* No record is this short: the trailing xinpgen (netstat stops here too). */
            walk->ended = 1;
            walk->truncated = length != sizeof(struct socketstat_xinpgen);
            break;
        }
        if (length > walk->length - walk->offset) {
            walk->ended = 1;
            walk->truncated = 1;
            break;
        }
        walk->offset += SOCKETSTAT_ROUNDUP64(length) < walk->length - walk->offset
                        ? SOCKETSTAT_ROUNDUP64(length) : walk->length - walk->offset;

        if (kind == walk->first_kind) {
            /* A socket starts: the one before it is complete or never will be. */
            int kept = socketstat_pcblist_finish(walk, filter, out);
            walk->have = kind;
            if (!socketstat_pcblist_known_length(kind, length)) {
                walk->unknown_length++;
                walk->broken = 1;
            } else if (kind == SOCKETSTAT_XSO_INPCB) {
                walk->building.inp = (const struct socketstat_xinpcb_n *)record;
                walk->building.gencnt = walk->building.inp->inp_gencnt;
            } else {
                walk->building.unp = (const struct socketstat_xunpcb_n *)record;
                walk->building.gencnt = walk->building.unp->xunp_gencnt;
            }
            if (kept)
                return 1;
            continue;
        }
        switch (kind) {
        case SOCKETSTAT_XSO_SOCKET: case SOCKETSTAT_XSO_RCVBUF: case SOCKETSTAT_XSO_SNDBUF:
        case SOCKETSTAT_XSO_STATS: case SOCKETSTAT_XSO_TCPCB:
            break;
        default:
            walk->unknown_kind++;
            continue;
        }
        if (walk->have == 0) {
            /* Records before any socket's first one: none of ours. */
            walk->broken = 1;
            walk->have = kind;
            continue;
        }
        if (!socketstat_pcblist_known_length(kind, length)) {
            walk->unknown_length++;
            walk->broken = 1;
            continue;
        }
        if (walk->have & kind) {
            walk->broken = 1;   /* twice in one socket: not a layout this walk knows */
            continue;
        }
        walk->have |= kind;
        switch (kind) {
        case SOCKETSTAT_XSO_SOCKET:
            walk->building.so = (const struct socketstat_xsocket_n *)record;
            break;
        case SOCKETSTAT_XSO_RCVBUF:
            walk->building.rcv = (const struct socketstat_xsockbuf_n *)record;
            break;
        case SOCKETSTAT_XSO_SNDBUF:
            walk->building.snd = (const struct socketstat_xsockbuf_n *)record;
            break;
        case SOCKETSTAT_XSO_STATS:
            walk->building.stats = (const struct socketstat_xsockstat_n *)record;
            break;
        default:
            walk->building.tcp = (const struct socketstat_xtcpcb_n *)record;
            break;
        }
    }
    return socketstat_pcblist_finish(walk, filter, out);
}

#endif /* SOCKETSTAT_DARWIN_PCBLIST_H */
