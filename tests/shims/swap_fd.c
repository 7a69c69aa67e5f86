/*
 * An LD_PRELOAD shim that makes "an fd closed and reused during a call" happen on purpose:
 * right before the Nth call of one function on SWAP_FD_TARGET, it dup2()s SWAP_FD_SOURCE over
 * that fd, as another thread closing the socket and a new one taking its number would.
 *
 *   SWAP_FD_CALL    getsockname | getpeername | getsockopt | ioctl
 *   SWAP_FD_LEVEL   for getsockopt: only calls at this level (e.g. 6 for IPPROTO_TCP)
 *   SWAP_FD_NTH     which matching call (1 = the first); once only
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int matching_calls;

static void maybe_swap(const char *call, int fd, int level)
{
    const char *wanted = getenv("SWAP_FD_CALL");
    const char *target = getenv("SWAP_FD_TARGET");
    const char *source = getenv("SWAP_FD_SOURCE");
    const char *only_level = getenv("SWAP_FD_LEVEL");
    const char *nth = getenv("SWAP_FD_NTH");
    if (!wanted || !target || !source || strcmp(wanted, call) != 0 || fd != atoi(target))
        return;
    if (only_level && level != atoi(only_level))
        return;
    if (++matching_calls == (nth ? atoi(nth) : 1))
        dup2(atoi(source), fd);
}

int getsockname(int fd, struct sockaddr *address, socklen_t *length)
{
    static int (*real)(int, struct sockaddr *, socklen_t *);
    if (!real)
        real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "getsockname");
    maybe_swap("getsockname", fd, -1);
    return real(fd, address, length);
}

int getpeername(int fd, struct sockaddr *address, socklen_t *length)
{
    static int (*real)(int, struct sockaddr *, socklen_t *);
    if (!real)
        real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "getpeername");
    maybe_swap("getpeername", fd, -1);
    return real(fd, address, length);
}

int getsockopt(int fd, int level, int name, void *value, socklen_t *length)
{
    static int (*real)(int, int, int, void *, socklen_t *);
    if (!real)
        real = (int (*)(int, int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
    maybe_swap("getsockopt", fd, level);
    return real(fd, level, name, value, length);
}

int ioctl(int fd, unsigned long request, ...)
{
    static int (*real)(int, unsigned long, ...);
    va_list arguments;
    void *argument;
    if (!real)
        real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    va_start(arguments, request);
    argument = va_arg(arguments, void *);
    va_end(arguments);
    maybe_swap("ioctl", fd, -1);
    return real(fd, request, argument);
}
