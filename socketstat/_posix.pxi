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


# What the records' generated to_json() writes with: compact JSON text, exactly what
# json.dumps(record.to_dict(), separators=(",", ":")) gives, built without the dicts. Integers
# of C struct members are formatted straight from C; every other value goes through value().

from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc

from json import dumps as _json_dumps
from json.encoder import encode_basestring_ascii as _json_string


cdef extern from "Python.h":
    # Python's float repr (the 'r' format, as float.__repr__ and json.dumps write it).
    char *PyOS_double_to_string(double value, char format, int precision, int flags,
                                int *kind) except NULL
    enum: Py_DTSF_ADD_DOT_0
    const char *PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL
    bint PyUnicode_IS_ASCII(object text)
    str PyUnicode_DecodeASCII(const char *text, Py_ssize_t size, const char *errors)


@cython.final
@cython.auto_pickle(False)
cdef class _JsonWriter:
    """A growing buffer of JSON text."""

    cdef char *_text
    cdef size_t _length
    cdef size_t _capacity

    def __cinit__(self):
        self._capacity = 4096
        self._length = 0
        self._text = <char *>PyMem_Malloc(self._capacity)
        if self._text == NULL:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self._text)

    cdef inline int _reserve(self, size_t more) except -1:
        if self._length + more <= self._capacity:
            return 0
        return self._grow(more)

    cdef int _grow(self, size_t more) except -1:
        cdef size_t capacity
        cdef char *grown
        capacity = max(2 * self._capacity, self._length + more)
        grown = <char *>PyMem_Realloc(self._text, capacity)
        if grown == NULL:
            raise MemoryError()
        self._text = grown
        self._capacity = capacity
        return 0

    cdef inline int raw(self, const char *text, size_t length) except -1:
        self._reserve(length)
        memcpy(self._text + self._length, text, length)
        self._length += length
        return 0

    cdef inline int unsigned(self, unsigned long long value) except -1:
        self._reserve(20)
        self._length += socketstat_format_u64(value, self._text + self._length)
        return 0

    cdef int signed(self, long long value) except -1:
        self._reserve(21)
        self._length += socketstat_format_i64(value, self._text + self._length)
        return 0

    cdef int double(self, double value) except -1:
        cdef char *text
        if value != value or value - value != 0:
            return self._dumped(value)  # NaN, Infinity: json's own spellings
        text = PyOS_double_to_string(value, b'r', 0, Py_DTSF_ADD_DOT_0, NULL)
        try:
            self.raw(text, strnlen(text, 32))
        finally:
            PyMem_Free(text)
        return 0

    cdef int string(self, str text) except -1:
        cdef Py_ssize_t size
        cdef const char *data
        cdef Py_ssize_t index
        cdef char character
        if PyUnicode_IS_ASCII(text):
            data = PyUnicode_AsUTF8AndSize(text, &size)
            for index in range(size):
                character = data[index]
                # json escapes controls, quote, backslash and DEL (its ESCAPE_ASCII).
                if character < 0x20 or character == c'"' or character == c'\\' or character == 0x7F:
                    break
            else:
                self._reserve(size + 2)
                self._text[self._length] = b'"'
                memcpy(self._text + self._length + 1, data, size)
                self._text[self._length + 1 + size] = b'"'
                self._length += size + 2
                return 0
        return self._dumped_text(_json_string(text))

    cdef int _dumped(self, object value) except -1:
        return self._dumped_text(_json_dumps(value))

    cdef int _dumped_text(self, str text) except -1:
        cdef Py_ssize_t size
        cdef const char *data = PyUnicode_AsUTF8AndSize(text, &size)
        return self.raw(data, size)

    cdef int enum_value(self, object value) except -1:
        # A kernel number by its name, or the number where it has none (as _enum_name does).
        if value is None:
            return self.raw(b"null", 4)
        if type(value) is int:
            return self.value(value)
        return self.string(value._name_)

    cdef int value(self, object value) except -1:
        cdef type kind = type(value)
        cdef Py_ssize_t index
        if value is None:
            return self.raw(b"null", 4)
        if kind is int:
            if value >= 0 and value <= 0xFFFFFFFFFFFFFFFF:
                return self.unsigned(value)
            return self._dumped(value)
        if kind is float:
            return self.double(value)
        if kind is str:
            return self.string(value)
        if kind is bool:
            return self.raw(b"true", 4) if value else self.raw(b"false", 5)
        if isinstance(value, _enum.Enum):
            return self.string(value._name_)
        if kind is list or kind is tuple:
            self.raw(b"[", 1)
            for index in range(len(value)):
                if index:
                    self.raw(b",", 1)
                self.value(value[index])
            return self.raw(b"]", 1)
        if kind is dict:
            self.raw(b"{", 1)
            for index, (key, item) in enumerate((<dict>value).items()):
                if index:
                    self.raw(b",", 1)
                self.string(key)
                self.raw(b":", 1)
                self.value(item)
            return self.raw(b"}", 1)
        return self._dumped(value)

    cdef str text(self):
        return PyUnicode_DecodeASCII(self._text, self._length, NULL)

    cdef bytes data(self):
        return self._text[:self._length]


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
