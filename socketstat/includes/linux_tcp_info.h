/*
 * The newest struct tcp_info socketstat knows: include/uapi/linux/tcp.h as of Linux 6.18.
 *
 * The build machine's <linux/tcp.h> may be older than the kernel the module runs on (Debian 12
 * ships 6.1 headers, which stop at tcpi_snd_wnd), so, like iproute2, socketstat keeps its own copy
 * under its own name. getsockopt(TCP_INFO) copies min(optlen, sizeof(struct tcp_info)) bytes and
 * writes the copied length back (net/ipv4/tcp.c, do_tcp_getsockopt), so a field is valid only when
 * the returned length covers it: see SOCKETSTAT_TCPI_END.
 *
 * Linux 7.0 re-cut the last four bytes without changing the size: the two u16 AccECN members of
 * 6.18 became bit-fields beside tcpi_ecn_mode and tcpi_options2 (iproute2's header syncs 7bf7effb
 * and eba20825). Both readings are declared, over the same bytes; _linux.pyx picks one from the
 * running kernel's release.
 *
 * The member list is also in socketstat/codegen/linux.py (names, Cython types, docs); the tests
 * check the two agree and that every offset matches the uapi header's.
 */
#ifndef SOCKETSTAT_LINUX_TCP_INFO_H
#define SOCKETSTAT_LINUX_TCP_INFO_H

#include <stddef.h>
#include <stdint.h>

/* Linux 7.0's reading of the last four bytes (include/uapi/linux/tcp.h, net-next-7.0). */
struct socketstat_tcp_info_tail_7_0 {
    uint32_t tcpi_ecn_mode : 2, tcpi_accecn_opt_seen : 2, tcpi_accecn_fail_mode : 4,
             tcpi_options2 : 24;
};

struct socketstat_tcp_info {
    uint8_t  tcpi_state;
    uint8_t  tcpi_ca_state;
    uint8_t  tcpi_retransmits;
    uint8_t  tcpi_probes;
    uint8_t  tcpi_backoff;
    uint8_t  tcpi_options;
    uint8_t  tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
    uint8_t  tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;

    uint32_t tcpi_rto;
    uint32_t tcpi_ato;
    uint32_t tcpi_snd_mss;
    uint32_t tcpi_rcv_mss;

    uint32_t tcpi_unacked;
    uint32_t tcpi_sacked;
    uint32_t tcpi_lost;
    uint32_t tcpi_retrans;
    uint32_t tcpi_fackets;

    uint32_t tcpi_last_data_sent;
    uint32_t tcpi_last_ack_sent;
    uint32_t tcpi_last_data_recv;
    uint32_t tcpi_last_ack_recv;

    uint32_t tcpi_pmtu;
    uint32_t tcpi_rcv_ssthresh;
    uint32_t tcpi_rtt;
    uint32_t tcpi_rttvar;
    uint32_t tcpi_snd_ssthresh;
    uint32_t tcpi_snd_cwnd;
    uint32_t tcpi_advmss;
    uint32_t tcpi_reordering;

    uint32_t tcpi_rcv_rtt;
    uint32_t tcpi_rcv_space;

    uint32_t tcpi_total_retrans;            /* end of the 2.6 struct: 104 bytes */

    uint64_t tcpi_pacing_rate;              /* 3.15 */
    uint64_t tcpi_max_pacing_rate;
    uint64_t tcpi_bytes_acked;              /* 4.1 */
    uint64_t tcpi_bytes_received;
    uint32_t tcpi_segs_out;                 /* 4.2 */
    uint32_t tcpi_segs_in;

    uint32_t tcpi_notsent_bytes;            /* 4.6 */
    uint32_t tcpi_min_rtt;
    uint32_t tcpi_data_segs_in;
    uint32_t tcpi_data_segs_out;

    uint64_t tcpi_delivery_rate;            /* 4.9 */

    uint64_t tcpi_busy_time;                /* 4.10 */
    uint64_t tcpi_rwnd_limited;
    uint64_t tcpi_sndbuf_limited;

    uint32_t tcpi_delivered;                /* 4.18 */
    uint32_t tcpi_delivered_ce;

    uint64_t tcpi_bytes_sent;               /* 4.19 */
    uint64_t tcpi_bytes_retrans;
    uint32_t tcpi_dsack_dups;
    uint32_t tcpi_reord_seen;

    uint32_t tcpi_rcv_ooopack;              /* 5.4 */
    uint32_t tcpi_snd_wnd;                  /* 5.4: 232 bytes, the oldest kernel supported */

    uint32_t tcpi_rcv_wnd;                  /* 6.2 */
    uint32_t tcpi_rehash;

    uint16_t tcpi_total_rto;                /* 6.7 */
    uint16_t tcpi_total_rto_recoveries;
    uint32_t tcpi_total_rto_time;

    uint32_t tcpi_received_ce;              /* 6.18: AccECN */
    uint32_t tcpi_delivered_e1_bytes;
    uint32_t tcpi_delivered_e0_bytes;
    uint32_t tcpi_delivered_ce_bytes;
    uint32_t tcpi_received_e1_bytes;
    uint32_t tcpi_received_e0_bytes;
    uint32_t tcpi_received_ce_bytes;
    union {
        struct {                            /* 6.18 */
            uint16_t tcpi_accecn_fail_mode;
            uint16_t tcpi_accecn_opt_seen;
        };
        struct socketstat_tcp_info_tail_7_0 tcpi_tail_7_0;
    };                                      /* 280 bytes */
};

/* Bytes the kernel must have copied for MEMBER to be valid (not usable on bitfields, which all
 * live in the first 8 bytes that every kernel fills). */
#define SOCKETSTAT_TCPI_END(member) \
    (offsetof(struct socketstat_tcp_info, member) + sizeof(((struct socketstat_tcp_info *)0)->member))

/* TCP_CONGESTION names are at most TCP_CA_NAME_MAX bytes (include/net/tcp.h, not exported). */
#define SOCKETSTAT_TCP_CA_NAME_MAX 16

#endif
