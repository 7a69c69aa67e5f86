# cdef extern declarations every POSIX backend shares (_linux.pyx, _darwin.pyx, _freebsd.pyx): the
# same names, types and prototypes in glibc's, the macOS SDK's and FreeBSD's headers. What
# differs (sa_family_t, the sockaddr structs, which BSDs prefix with a length byte) stays in the
# OS's own .pxd.
from libc.stdint cimport uint16_t, uint32_t

# What every backend shares, re-exported: the POSIX backends cimport all from here.
from socketstat.includes.common cimport (
    PyObject_AsFileDescriptor, _PyDict_NewPresized, socketstat_format_i64, socketstat_format_ipv4,
    socketstat_format_u64, socketstat_json, socketstat_json_key_i64, socketstat_json_key_null,
    socketstat_json_key_scaled, socketstat_json_key_u64, socketstat_json_raw,
    socketstat_json_reserve, strnlen,
)


cdef extern from "<sys/ioctl.h>" nogil:
    int ioctl(int fd, unsigned long request, ...)


cdef extern from "<sys/socket.h>" nogil:
    ctypedef unsigned int socklen_t

    struct sockaddr:
        pass

    int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
    int getsockname(int fd, sockaddr *addr, socklen_t *addrlen)
    int getpeername(int fd, sockaddr *addr, socklen_t *addrlen)

    enum: SOL_SOCKET
    enum: SO_TYPE
    enum: SO_SNDBUF
    enum: AF_UNIX
    enum: AF_INET
    enum: AF_INET6
    enum: SOCK_STREAM
    enum: SOCK_DGRAM
    enum: SOCK_RAW


cdef extern from "<netinet/in.h>" nogil:
    enum: IPPROTO_TCP
    enum: INET6_ADDRSTRLEN

    struct in_addr:
        uint32_t s_addr

    struct in6_addr:
        pass


cdef extern from "<arpa/inet.h>" nogil:
    # Cannot fail here: the family is right and the buffer holds INET6_ADDRSTRLEN.
    const char *inet_ntop(int family, const void *source, char *destination, socklen_t size)
    # Function-like macros on macOS (<sys/_endian.h>): no address to take, so the declaration
    # check skips them; the compile of their uses checks them.
    uint16_t ntohs(uint16_t value)  # declcheck: skip (macro)
    uint16_t htons(uint16_t value)  # declcheck: skip (macro)
    uint32_t ntohl(uint32_t value)  # declcheck: skip (macro)


cdef extern from "<sys/un.h>" nogil:
    # offsetof(struct sockaddr_un, sun_path): where a Unix address's path starts (unix(7)).
    const size_t SUN_PATH_OFFSET "offsetof(struct sockaddr_un, sun_path)"
