/*
 * The things the FreeBSD backend (_freebsd.pyx) needs that the system headers do not say
 * directly.
 *
 * The system's own struct tcp_info (<netinet/tcp.h>) is used, not a copy: the module is built on
 * the FreeBSD it runs on, or an older one. getsockopt(TCP_INFO) copies min(optlen, sizeof) bytes
 * (sooptcopyout) and writes the copied length back, so a member is read only when the returned
 * length covers it: SOCKETSTAT_TCPI_END. The length alone does not tell which members the
 * running kernel fills: FreeBSD adds members in the struct's padding, which a kernel that
 * predates them copies out as zeros (see socketstat/codegen/freebsd.py).
 */
#ifndef SOCKETSTAT_FREEBSD_COMPAT_H
#define SOCKETSTAT_FREEBSD_COMPAT_H

#include <stddef.h>
#include <sys/types.h>
#include <netinet/tcp.h>
#include <time.h>

#define SOCKETSTAT_TCPI_END(member) \
    (offsetof(struct tcp_info, member) + sizeof(((struct tcp_info *)0)->member))

/*
 * Now on the clock of Python's time.monotonic() on FreeBSD: CPython's pytime.c reads
 * clock_gettime(CLOCK_MONOTONIC) there (no platform case of its own). In ns; 0 if the clock
 * cannot be read, which POSIX allows only for a bad clock id.
 */
static inline long long socketstat_monotonic_ns(void)
{
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
        return 0;
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

#endif /* SOCKETSTAT_FREEBSD_COMPAT_H */
