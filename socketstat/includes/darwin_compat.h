/*
 * The things the macOS backend (_darwin.pyx) needs that the SDK headers do not say directly.
 *
 * The SDK's own struct tcp_connection_info (<netinet/tcp.h>) is used, not a copy: it is public
 * API on macOS. getsockopt(TCP_CONNECTION_INFO) copies min(optlen, sizeof) bytes (xnu sooptcopyout)
 * and writes the copied length back, so a member the kernel predates is valid only when the
 * returned length covers it: SOCKETSTAT_TCPCI_END. OS X 10.11 and 10.12 (xnu-3248, xnu-3789) fill
 * 104 bytes, SOCKETSTAT_TCPCI_END(tcpi_rxoutoforderbytes), the least any macOS fills; 10.12 named
 * five more TFO bits inside them (tcpi_tfo_cookie_wrong to tcpi_tfo_recv_blackhole: 0 on 10.11).
 * macOS 10.13 (xnu-4570) appended tcpi_txretransmitpackets (112 bytes) and, in the same release,
 * turned a bit of __pad2 into tcpi_tfo_onebyte_proxy, so that bit, too, is valid only in a
 * 112-byte answer.
 */
#ifndef SOCKETSTAT_DARWIN_COMPAT_H
#define SOCKETSTAT_DARWIN_COMPAT_H

#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>

#define SOCKETSTAT_TCPCI_END(member) \
    (offsetof(struct tcp_connection_info, member) + sizeof(((struct tcp_connection_info *)0)->member))

/*
 * True for the IPv6 addresses whose scope zone xnu may keep outside the copy proc_pidfdinfo makes:
 * link-local unicast and link- or interface-local multicast, xnu's IN6_IS_SCOPE_EMBED
 * (bsd/netinet6/in6.h). Older kernels embed the zone in s6_addr16[1]; since xnu-8019 (macOS 12)
 * the PCB may hold it in inp_lifscope / inp_fifscope instead, depending on in6_embedded_scope.
 * Either way the bare address does not carry a usable sin6_scope_id, so for these the backend
 * asks getsockname()/getpeername(). The multicast test ignores the flag bits on purpose: asking
 * the kernel once too often costs a syscall, asking once too few would lose the scope.
 */
static inline int socketstat_in6_scope_embedded(const struct in6_addr *address)
{
    return IN6_IS_ADDR_LINKLOCAL(address)
        || (IN6_IS_ADDR_MULTICAST(address)
            && (__IPV6_ADDR_MC_SCOPE(address) == __IPV6_ADDR_SCOPE_LINKLOCAL
                || __IPV6_ADDR_MC_SCOPE(address) == __IPV6_ADDR_SCOPE_INTFACELOCAL));
}

/*
 * Now on the clock of Python's time.monotonic() on macOS, which reads mach_absolute_time(): that
 * clock is CLOCK_UPTIME_RAW (it stops while the Mac sleeps), not CLOCK_MONOTONIC. In ns.
 */
static inline long long socketstat_monotonic_ns(void)
{
    return (long long)clock_gettime_nsec_np(CLOCK_UPTIME_RAW);
}

#endif /* SOCKETSTAT_DARWIN_COMPAT_H */
