/*
 * The floor: the bare syscalls socketstat makes, in a C loop, timed inside C.
 *
 * The benchmark compiles this file at run time (cc -O2 -shared -fPIC) and calls ssb_run() through
 * ctypes once per batch, with the fd of a socket the Python harness opened, so the floor and the
 * Python figures measure the very same socket. Timing is clock_gettime(CLOCK_MONOTONIC) around
 * the whole loop, the clock time.perf_counter_ns() reads on Linux.
 *
 * ssb_snapshot() transcribes, line by line, the syscalls socketstat() makes in
 * socketstat/_linux.pyx (same calls, same order, same buffer sizes, same branches); keep the two
 * in step. The harness checks with strace, when it is installed, that both issue the same syscall
 * sequence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/sockios.h>
#include <linux/sock_diag.h>

#ifdef SSB_CALLGRIND
#include <valgrind/callgrind.h>
#endif

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SO_COOKIE
#define SO_COOKIE 57
#endif
#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

/* sizeof(struct socketstat_tcp_info): struct tcp_info as of Linux 6.18. */
#define SSB_TCP_INFO_SIZE 280
#define SSB_TCP_CA_NAME_MAX 16

enum ssb_path { SSB_SNAPSHOT = 0, SSB_SNAPSHOT_DETAILS = 1, SSB_TCP_INFO = 2, SSB_SAMPLER = 3 };

struct ssb_snapshot {
    int protocol;
    int type;
    struct sockaddr_storage local;
    socklen_t local_length;
    struct sockaddr_storage remote;
    socklen_t remote_length;
    union { unsigned char bytes[SSB_TCP_INFO_SIZE]; uint64_t align; } tcp;   /* tcpi_state: byte 0 */
    socklen_t tcp_length;
    int unreceived;
    int unsent;
    int listening;
    struct timespec taken;
    uint64_t cookie;
    int has_cookie;
    uint32_t meminfo[SK_MEMINFO_VARS];
    socklen_t meminfo_length;
    char congestion_control[SSB_TCP_CA_NAME_MAX];
    socklen_t congestion_control_length;
    ino_t inode;
    int has_inode;
};

static int ssb_calls;            /* syscalls issued by the last iteration (ssb_count) */
static int ssb_failed_step;      /* 1-based step of the syscall that failed, 0: none */
static int ssb_failed_errno;
static volatile uint64_t ssb_sink;

#define CALL(expr) (ssb_calls++, (expr))
#define FAIL(step) do { ssb_failed_step = (step); ssb_failed_errno = errno; return -1; } while (0)

static int getsockopt_int(int fd, int level, int name, int *value)
{
    socklen_t length = sizeof(int);
    return CALL(getsockopt(fd, level, name, value, &length));
}

/* socketstat() in _linux.pyx: getsockopt(SO_PROTOCOL), getsockname, then getsockopt(TCP_INFO)
 * for TCP or getsockopt(SO_TYPE) otherwise, ioctl(SIOCINQ), ioctl(SIOCOUTQ), getpeername;
 * details=True adds SO_COOKIE, SO_MEMINFO, fstat and, for TCP, TCP_CONGESTION. */
static int ssb_snapshot(int fd, struct ssb_snapshot *snap, int details)
{
    socklen_t length;
    int family;
    struct stat status;

    if (getsockopt_int(fd, SOL_SOCKET, SO_PROTOCOL, &snap->protocol) != 0)
        FAIL(1);
    snap->local_length = sizeof(struct sockaddr_storage);
    if (CALL(getsockname(fd, (struct sockaddr *)&snap->local, &snap->local_length)) != 0)
        FAIL(2);
    family = snap->local.ss_family;

    snap->tcp_length = 0;
    if ((family == AF_INET || family == AF_INET6)
            && (snap->protocol == IPPROTO_TCP || snap->protocol == IPPROTO_MPTCP)) {
        length = SSB_TCP_INFO_SIZE;
        if (CALL(getsockopt(fd, IPPROTO_TCP, TCP_INFO, snap->tcp.bytes, &length)) == 0)
            snap->tcp_length = length;
        else if (errno != ENOPROTOOPT && errno != EOPNOTSUPP)
            FAIL(3);
    }

    if (snap->tcp_length) {
        snap->type = SOCK_STREAM;
        snap->listening = snap->tcp.bytes[0] == TCP_LISTEN;
    } else {
        if (getsockopt_int(fd, SOL_SOCKET, SO_TYPE, &snap->type) != 0)
            FAIL(4);
        snap->listening = 0;
    }

    snap->unreceived = 0;
    snap->unsent = 0;
    if (!snap->listening) {
        if (CALL(ioctl(fd, SIOCINQ, &snap->unreceived)) != 0) {
            if (errno != EINVAL)
                FAIL(5);
            snap->listening = 1;
            snap->unreceived = 0;
        }
    }
    if (!snap->listening) {
        if (CALL(ioctl(fd, SIOCOUTQ, &snap->unsent)) != 0)
            FAIL(6);
    }

    snap->remote_length = 0;
    if (!snap->listening && !(snap->tcp_length && snap->tcp.bytes[0] == TCP_CLOSE)) {
        snap->remote_length = sizeof(struct sockaddr_storage);
        if (CALL(getpeername(fd, (struct sockaddr *)&snap->remote, &snap->remote_length)) != 0) {
            snap->remote_length = 0;
            if (errno != ENOTCONN && errno != EOPNOTSUPP)
                FAIL(7);
        }
    }

    if (details) {
        length = sizeof(uint64_t);
        snap->has_cookie = CALL(getsockopt(fd, SOL_SOCKET, SO_COOKIE, &snap->cookie, &length)) == 0;
        snap->meminfo_length = sizeof(snap->meminfo);
        if (CALL(getsockopt(fd, SOL_SOCKET, SO_MEMINFO, snap->meminfo, &snap->meminfo_length)) != 0)
            snap->meminfo_length = 0;
        snap->has_inode = CALL(fstat(fd, &status)) == 0;
        snap->inode = status.st_ino;
        snap->congestion_control_length = 0;
        if (snap->tcp_length) {
            snap->congestion_control_length = sizeof(snap->congestion_control);
            if (CALL(getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, snap->congestion_control,
                                &snap->congestion_control_length)) != 0)
                snap->congestion_control_length = 0;
        }
    }
    return 0;
}

/* The TCP-info-only path: one getsockopt(TCP_INFO). */
static int ssb_tcp_info(int fd, struct ssb_snapshot *snap)
{
    socklen_t length = SSB_TCP_INFO_SIZE;
    if (CALL(getsockopt(fd, IPPROTO_TCP, TCP_INFO, snap->tcp.bytes, &length)) != 0)
        FAIL(3);
    snap->tcp_length = length;
    return 0;
}

/* A sampler's re-read: TCP_INFO, SIOCINQ, SIOCOUTQ, and the moment it was taken (a C sampler
 * needs the clock too, to give elapsed time and rates; vDSO, so not a syscall strace sees). */
static int ssb_sample(int fd, struct ssb_snapshot *snap)
{
    socklen_t length = SSB_TCP_INFO_SIZE;
    if (CALL(getsockopt(fd, IPPROTO_TCP, TCP_INFO, snap->tcp.bytes, &length)) != 0)
        FAIL(3);
    snap->tcp_length = length;
    if (CALL(ioctl(fd, SIOCINQ, &snap->unreceived)) != 0)
        FAIL(5);
    if (CALL(ioctl(fd, SIOCOUTQ, &snap->unsent)) != 0)
        FAIL(6);
    clock_gettime(CLOCK_MONOTONIC, &snap->taken);
    return 0;
}

static int ssb_once(int path, int fd, struct ssb_snapshot *snap)
{
    switch (path) {
    case SSB_SNAPSHOT: return ssb_snapshot(fd, snap, 0);
    case SSB_SNAPSHOT_DETAILS: return ssb_snapshot(fd, snap, 1);
    case SSB_TCP_INFO: return ssb_tcp_info(fd, snap);
    case SSB_SAMPLER: return ssb_sample(fd, snap);
    default: ssb_failed_step = -1; ssb_failed_errno = EINVAL; return -1;
    }
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* n iterations of one path on fd; the elapsed nanoseconds, or -1 (see ssb_failed_*). */
int64_t ssb_run(int path, int fd, int64_t n)
{
    struct ssb_snapshot snap;
    int64_t i, start, stop;
    ssb_failed_step = 0;
    start = now_ns();
    for (i = 0; i < n; i++) {
        if (ssb_once(path, fd, &snap) != 0)
            return -1;
        ssb_sink += (uint64_t)snap.unreceived + snap.tcp.bytes[0];
    }
    stop = now_ns();
    return stop - start;
}

/* Syscalls one iteration of the path issues on fd (-1 if one failed). */
int ssb_count(int path, int fd)
{
    struct ssb_snapshot snap;
    ssb_calls = 0;
    ssb_failed_step = 0;
    if (ssb_once(path, fd, &snap) != 0)
        return -1;
    return ssb_calls;
}

/* SamplerGroup.sample()'s floor: for every fd in turn, the sampler's syscalls (ssb_sample) into
 * that fd's own row of an array, as a C program sampling many sockets keeps each one's result,
 * `passes` times over all of them; the elapsed nanoseconds, or -1 (see ssb_failed_*). The rows
 * are the caller's (ssb_group_rows), allocated outside the timing. */
struct ssb_group_row {
    union { unsigned char bytes[SSB_TCP_INFO_SIZE]; uint64_t align; } tcp;
    socklen_t tcp_length;
    int unreceived;
    int unsent;
    struct timespec taken;
};

size_t ssb_group_row_size(void) { return sizeof(struct ssb_group_row); }

int64_t ssb_group_run(const int *fds, int count, struct ssb_group_row *rows, int64_t passes)
{
    int64_t pass, start, stop;
    socklen_t length;
    int i;
    ssb_failed_step = 0;
    start = now_ns();
    for (pass = 0; pass < passes; pass++) {
        for (i = 0; i < count; i++) {
            struct ssb_group_row *row = &rows[i];
            length = SSB_TCP_INFO_SIZE;
            if (getsockopt(fds[i], IPPROTO_TCP, TCP_INFO, row->tcp.bytes, &length) != 0)
                FAIL(3);
            row->tcp_length = length;
            if (ioctl(fds[i], SIOCINQ, &row->unreceived) != 0)
                FAIL(5);
            if (ioctl(fds[i], SIOCOUTQ, &row->unsent) != 0)
                FAIL(6);
            clock_gettime(CLOCK_MONOTONIC, &row->taken);
        }
    }
    stop = now_ns();
    ssb_sink += (uint64_t)rows[0].unreceived + rows[0].tcp.bytes[0];
    return stop - start;
}

int ssb_failed_call(void) { return ssb_failed_step; }
int ssb_failed_error(void) { return ssb_failed_errno; }

/* Callgrind client requests (no-ops outside valgrind): count only what lies between them. */
void ssb_callgrind_start(void)
{
#ifdef SSB_CALLGRIND
    CALLGRIND_ZERO_STATS;
    CALLGRIND_START_INSTRUMENTATION;
#endif
}

void ssb_callgrind_stop(const char *label)
{
#ifdef SSB_CALLGRIND
    CALLGRIND_STOP_INSTRUMENTATION;
    CALLGRIND_DUMP_STATS_AT(label);
#else
    (void)label;
#endif
}

int ssb_has_callgrind(void)
{
#ifdef SSB_CALLGRIND
    return 1;
#else
    return 0;
#endif
}
