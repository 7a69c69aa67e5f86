/*
 * The listing floor: socketstat.sockets("tcp")'s sock_diag dump, in C, timed inside C.
 *
 * The listing benchmark (benchmarks/listing.py) compiles this file at run time (cc -O2 -shared
 * -fPIC) and calls slf_list() through ctypes once per measured listing. One call is one whole
 * listing as socketstat.sockets() makes it: a NETLINK_SOCK_DIAG socket, one
 * SOCK_DIAG_BY_FAMILY dump request per family (AF_INET, then AF_INET6) for IPPROTO_TCP with
 * idiag_ext = 1 << (INET_DIAG_INFO - 1) and the given states mask, a fixed 32 KiB receive buffer
 * reused for every recv (MSG_TRUNC, so an oversized reply shows), every nlmsghdr and rtattr
 * walked and length-checked, NLMSG_ERROR checked, INET_DIAG_INFO copied out (as a decoder
 * would), and the socket closed: the syscalls socketstat's _linux.pyx makes (socket, then per
 * family one sendto and recvfrom until NLMSG_DONE, then close; strace shows the same sequence).
 * What it does not do is everything socketstat adds on top: the Python objects.
 *
 * Wall time is CLOCK_MONOTONIC (what time.perf_counter_ns() reads), CPU time is
 * CLOCK_THREAD_CPUTIME_ID: user + system time of the calling thread, which includes the kernel's
 * table walk and record filling (the dump runs in recv, in this thread's context).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

#define SLF_BUFFER_SIZE 32768
#define SLF_TCP_INFO_MAX 512    /* more than any kernel's struct tcp_info so far (280 on 6.18) */
#define SLF_BYTECODE_MAX 256

struct slf_result {
    int64_t wall_ns;
    int64_t cpu_ns;
    int64_t records;        /* inet_diag_msg records walked, both families */
    int64_t info_records;   /* records that carried INET_DIAG_INFO */
    int64_t bytes;          /* netlink bytes received */
    int64_t receives;       /* recv calls */
    int64_t syscalls;       /* every syscall of the listing */
    int32_t failed_step;    /* 0: none; else where it failed (see FAIL below) */
    int32_t failed_errno;
};

static volatile uint64_t slf_sink;

static int64_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define FAIL(step, error) do { out->failed_step = (step); out->failed_errno = (error); \
                               goto done; } while (0)

/*
 * One listing. protocol: IPPROTO_TCP; ext: idiag_ext; states: idiag_states; sport: 0 or a local
 * port to put in id.idiag_sport (the kernel's cheapest pre-filter); bytecode: NULL or an
 * INET_DIAG_REQ_BYTECODE program appended to the request. Returns 0, or -1 with failed_* set.
 */
int slf_list(int protocol, int ext, uint32_t states, int sport, const unsigned char *bytecode,
             int bytecode_length, struct slf_result *out)
{
    static const int families[2] = {AF_INET, AF_INET6};
    static union { unsigned char bytes[SLF_BUFFER_SIZE]; struct nlmsghdr align; } buffer;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
        struct rtattr attribute;
        unsigned char bytecode[SLF_BYTECODE_MAX];
    } message;
    union { unsigned char bytes[SLF_TCP_INFO_MAX]; uint64_t align; } tcp_info;
    uint64_t sink = 0;
    int64_t wall_start, cpu_start;
    int fd, family_index, done_family;
    const uint32_t sequence = 1;     /* socketstat numbers each family's request 1 */

    memset(out, 0, sizeof *out);
    if (bytecode_length < 0 || bytecode_length > SLF_BYTECODE_MAX || (bytecode_length & 3)) {
        out->failed_step = -1;
        out->failed_errno = EINVAL;
        return -1;
    }
    wall_start = clock_ns(CLOCK_MONOTONIC);
    cpu_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);

    out->syscalls++;
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        FAIL(1, errno);

    for (family_index = 0; family_index < 2; family_index++) {
        memset(&message, 0, sizeof message);
        message.header.nlmsg_len = NLMSG_LENGTH(sizeof message.request);
        message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        message.header.nlmsg_seq = sequence;
        message.request.sdiag_family = (uint8_t)families[family_index];
        message.request.sdiag_protocol = (uint8_t)protocol;
        message.request.idiag_ext = (uint8_t)ext;
        message.request.idiag_states = states;
        message.request.id.idiag_sport = htons((uint16_t)sport);
        message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
        message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
        if (bytecode_length) {
            message.attribute.rta_type = INET_DIAG_REQ_BYTECODE;
            message.attribute.rta_len = (unsigned short)RTA_LENGTH(bytecode_length);
            memcpy(message.bytecode, bytecode, (size_t)bytecode_length);
            message.header.nlmsg_len += RTA_SPACE(bytecode_length);
        }
        out->syscalls++;
        if (send(fd, &message, message.header.nlmsg_len, 0) < 0)
            FAIL(2, errno);

        done_family = 0;
        while (!done_family) {
            struct nlmsghdr *header;
            ssize_t received;
            int length;

            out->syscalls++;
            out->receives++;
            /* MSG_TRUNC: the datagram's real length, so a reply too big for the buffer shows */
            received = recv(fd, buffer.bytes, sizeof buffer.bytes, MSG_TRUNC);
            if (received < 0) {
                if (errno == EINTR)
                    continue;
                FAIL(3, errno);
            }
            if ((size_t)received > sizeof buffer.bytes)
                FAIL(4, EMSGSIZE);
            if (received == 0)
                FAIL(5, EPROTO);
            out->bytes += received;
            length = (int)received;
            for (header = (struct nlmsghdr *)buffer.bytes; NLMSG_OK(header, length);
                 header = NLMSG_NEXT(header, length)) {
                const struct inet_diag_msg *record;
                struct rtattr *attribute;
                int attributes_length;

                if (header->nlmsg_seq != sequence)
                    FAIL(6, EPROTO);
                if (header->nlmsg_type == NLMSG_DONE) {
                    done_family = 1;
                    break;
                }
                if (header->nlmsg_type == NLMSG_ERROR) {
                    const struct nlmsgerr *error = NLMSG_DATA(header);
                    if (header->nlmsg_len < NLMSG_LENGTH(sizeof *error))
                        FAIL(7, EPROTO);
                    FAIL(8, -error->error);
                }
                if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY)
                    continue;
                if (header->nlmsg_len < NLMSG_LENGTH(sizeof *record))
                    FAIL(9, EPROTO);
                record = NLMSG_DATA(header);
                out->records++;
                sink += record->idiag_state + record->idiag_rqueue + record->idiag_wqueue
                        + record->idiag_inode + record->id.idiag_sport + record->id.idiag_cookie[0];
                attributes_length = (int)(header->nlmsg_len - NLMSG_LENGTH(sizeof *record));
                for (attribute = (struct rtattr *)((char *)header + NLMSG_LENGTH(sizeof *record));
                     RTA_OK(attribute, attributes_length);
                     attribute = RTA_NEXT(attribute, attributes_length)) {
                    if (attribute->rta_type == INET_DIAG_INFO) {
                        size_t size = RTA_PAYLOAD(attribute);
                        if (size > sizeof tcp_info.bytes)
                            size = sizeof tcp_info.bytes;
                        if (size == 0)
                            continue;
                        memcpy(tcp_info.bytes, RTA_DATA(attribute), size);
                        sink += tcp_info.bytes[0] + tcp_info.bytes[size - 1] + size;
                        out->info_records++;
                    }
                }
                if (attributes_length != 0)
                    FAIL(10, EPROTO);          /* a truncated attribute */
            }
            if (!done_family && length != 0)
                FAIL(11, EPROTO);              /* a truncated message */
        }
    }

done:
    if (fd >= 0) {
        out->syscalls++;
        close(fd);
    }
    out->cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    out->wall_ns = clock_ns(CLOCK_MONOTONIC) - wall_start;
    slf_sink += sink;
    return out->failed_step ? -1 : 0;
}
