/*
 * What sockets() needs from the sock_diag netlink ABI beyond the build machine's headers.
 *
 * The structs and the older constants come from the uapi headers (include/uapi/linux/netlink.h,
 * rtnetlink.h, sock_diag.h, inet_diag.h, unix_diag.h). Attribute numbers the kernel appended
 * later are declared here under socketstat's own names, because old build hosts' headers (the
 * manylinux images ship 3.10 headers) lack them and they are enum members, which #ifndef cannot
 * test; the numbers are ABI, fixed once a kernel released them. A running kernel older than one
 * of them simply never sends it.
 */
#ifndef SOCKETSTAT_LINUX_SOCK_DIAG_H
#define SOCKETSTAT_LINUX_SOCK_DIAG_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <linux/unix_diag.h>

/* enum inet_diag_req_attrs: a protocol number above 255 (MPTCP), Linux 5.9. */
#define SOCKETSTAT_INET_DIAG_REQ_PROTOCOL 3
/* enum inet_diag_attrs: the creator's cgroup v2 id (u64, 5.8); INET_DIAG_SOCKOPT is 22. */
#define SOCKETSTAT_INET_DIAG_CGROUP_ID 21
/* unix_diag.h: the socket's uid (Linux 5.3): UDIAG_SHOW_UID asks, UNIX_DIAG_UID answers. */
#define SOCKETSTAT_UDIAG_SHOW_UID 0x40
#define SOCKETSTAT_UNIX_DIAG_UID 7

#endif
