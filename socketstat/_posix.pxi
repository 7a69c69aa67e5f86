# What the POSIX backends' Cython shares (included by _linux.pyx, _darwin.pyx and _freebsd.pyx,
# after each has cimported its OS's sockaddr structs under the same names): what every backend shares
# (_shared.pxi), and getsockopt(2), errno and Unix paths.

include "_shared.pxi"


cdef inline int _getsockopt_int(int fd, int level, int name, int *value) noexcept nogil:
    cdef socklen_t length = sizeof(int)
    return getsockopt(fd, level, name, value, &length)


cdef object _raise_errno(int error, str call):
    raise OSError(error, f"{_os.strerror(error)} (originated from {call})")


cdef object _unix_path(const sockaddr_un *address, socklen_t length):
    """A Unix socket's path as the socket module gives it: NUL-terminated within ``length``,
    decoded with the file system encoding; "" for an unbound socket."""
    cdef size_t path_length = length - SUN_PATH_OFFSET if length > SUN_PATH_OFFSET else 0
    return _os.fsdecode(address.sun_path[:strnlen(address.sun_path, path_length)])
