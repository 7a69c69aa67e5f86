# What every POSIX backend's Cython shares (included by _linux.pyx and _darwin.pyx, after each has
# cimported its OS's sockaddr structs under the same names).

from socketstat._common import (
    SocketChangedError,
    format_record as _format_record,
    plain_address as _plain_other_address,
    refuse_pickle as _refuse_pickle,
)

cdef dict _FAMILIES = {member.value: member for member in _socket.AddressFamily}
cdef dict _KINDS = {member.value: member for member in _socket.SocketKind}


# What the records' generated to_dict() calls for values that are not plain already.

cdef inline object _enum_name(object value):
    # A kernel number with a name reads as the name, one without stays a number. _name_ is the
    # member's own attribute; .name goes through enum's descriptor, a Python-level call.
    return value._name_ if isinstance(value, _enum.Enum) else value


cdef inline object _plain_address(object family, object address):
    # plain_address()'s rules, an IP address (the common case) without a Python-level call.
    if address is None:
        return None
    if family == AF_INET or family == AF_INET6:
        return list(<tuple>address)
    return _plain_other_address(family, address)


cdef inline object _record_dict(object record):
    return None if record is None else record.to_dict()


cdef inline object _owners_dict(tuple owners):
    return None if owners is None else [owner._asdict() for owner in owners]


cdef inline int _getsockopt_int(int fd, int level, int name, int *value) noexcept nogil:
    cdef socklen_t length = sizeof(int)
    return getsockopt(fd, level, name, value, &length)


cdef object _raise_errno(int error, str call):
    raise OSError(error, f"{_os.strerror(error)} (originated from {call})")


cdef object _raise_changed(str contradiction, str when="during the call"):
    raise SocketChangedError(f"the fd changed {when}: {contradiction} (was it closed and its "
                             "number reused?)")


cdef inline int _descriptor(object fd) except -1:
    """The int fd of an int or an object with fileno(), as the socket module accepts them; a bool
    is refused (CPython deprecates treating True and False as fds 1 and 0)."""
    if fd is True or fd is False:  # bool cannot be subclassed: two pointer comparisons
        raise TypeError(f"an fd must be an int or have fileno(), not bool ({fd!r})")
    return PyObject_AsFileDescriptor(fd)


cdef object _inet_address(const sockaddr_storage *storage):
    """An AF_INET or AF_INET6 address as Python's socket module gives it (its makesockaddr():
    the host by inet_ntop, so a scoped IPv6 address carries its scope in scope_id, not in the
    string, as getnameinfo would)."""
    cdef char host[INET6_ADDRSTRLEN]
    cdef const sockaddr_in *v4
    cdef const sockaddr_in6 *v6
    cdef size_t length
    if storage.ss_family == AF_INET:
        v4 = <const sockaddr_in *>storage
        length = socketstat_format_ipv4(&v4.sin_addr, host)
        return (host[:length].decode("ascii"), ntohs(v4.sin_port))
    v6 = <const sockaddr_in6 *>storage
    inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof(host))
    return (host.decode("ascii"), ntohs(v6.sin6_port), ntohl(v6.sin6_flowinfo), v6.sin6_scope_id)


cdef object _unix_path(const sockaddr_un *address, socklen_t length):
    """A Unix socket's path as the socket module gives it: NUL-terminated within ``length``,
    decoded with the file system encoding; "" for an unbound socket."""
    cdef size_t path_length = length - SUN_PATH_OFFSET if length > SUN_PATH_OFFSET else 0
    return _os.fsdecode(address.sun_path[:strnlen(address.sun_path, path_length)])
