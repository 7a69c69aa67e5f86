# What every backend's Cython shares, whatever the OS (included by _posix.pxi for Linux and
# macOS, and by _windows.pyx): the records' dict and JSON helpers, the fd argument's rules and
# the socket module's forms of an IP address. The including module has cimported its OS's
# sockaddr structs, inet_ntop, ntohs/ntohl and the helpers of includes/common.pxd under the
# same names, and imported enum as _enum and socket as _socket.

from json import dumps as _json_dumps
from json.encoder import encode_basestring_ascii as _json_string

from socketstat._common import (
    SocketChangedError,
    format_record as _format_record,
    plain_address as _plain_other_address,
    refuse_pickle as _refuse_pickle,
    stream_socket as _stream_socket,
)

cdef dict _FAMILIES = {member.value: member for member in _socket.AddressFamily}
cdef dict _KINDS = {member.value: member for member in _socket.SocketKind}


cdef dict _json_names(dict members):
    """A number-to-enum-member table as the JSON text of each member's name, for to_json()."""
    return {number: _json_dumps(member._name_).encode("ascii")
            for number, member in members.items()}


cdef dict _FAMILIES_JSON = _json_names(_FAMILIES)
cdef dict _KINDS_JSON = _json_names(_KINDS)


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
# of C struct members, scaled times and IP addresses are written from C (json_text.h); every
# other value goes through value().

from cpython.long cimport PyLong_CheckExact
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc



cdef extern from "Python.h":
    # Python's float repr (the 'r' format, as float.__repr__ and json.dumps write it).
    char *PyOS_double_to_string(double value, char format, int precision, int flags,
                                int *kind) except NULL
    enum: Py_DTSF_ADD_DOT_0
    const char *PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL
    bint PyUnicode_IS_ASCII(object text)
    # A str of ``size`` code points below ``maximum`` + 1, filled through PyUnicode_DATA: an
    # ASCII buffer copied in without the check PyUnicode_DecodeASCII makes of every byte.
    str PyUnicode_New(Py_ssize_t size, Py_UCS4 maximum)
    void *PyUnicode_DATA(object text)


@cython.final
@cython.auto_pickle(False)
cdef class _JsonWriter:
    """A growing buffer of JSON text."""

    cdef socketstat_json buffer

    def __cinit__(self):
        self.buffer.capacity = 4096
        self.buffer.length = 0
        self.buffer.text = <char *>PyMem_Malloc(self.buffer.capacity)
        if self.buffer.text == NULL:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.buffer.text)

    cdef inline int raw(self, const char *text, size_t length) except -1:
        return socketstat_json_raw(&self.buffer, text, length)

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

    cdef int key_scaled(self, const char *key, size_t key_length, uint64_t value,
                        int scale) except -1:
        # value / 10**scale, a float: from C below 2**32 (json_text.h says why that is exact).
        if socketstat_json_key_scaled(&self.buffer, key, key_length, value, scale):
            return 0
        self.raw(key, key_length)
        return self.double(value / 10.0 ** scale)

    cdef int inet_address(self, const sockaddr_storage *storage, socklen_t length) except -1:
        # An IP address as to_dict() gives it, plain_address()'s list of _inet_address()'s
        # tuple: ["host",port] or ["host",port,flowinfo,scope_id]. 0 for another family, none
        # or a short one, which the caller writes through Python; inet_ntop's text needs no
        # escapes.
        cdef char host[INET6_ADDRSTRLEN]
        cdef const sockaddr_in *v4 = <const sockaddr_in *>storage
        cdef const sockaddr_in6 *v6 = <const sockaddr_in6 *>storage
        if length < sizeof(sockaddr_in):
            return 0
        if storage.ss_family == AF_INET:
            self.raw(b'["', 2)
            self.raw(host, socketstat_format_ipv4(&v4.sin_addr, host))
            socketstat_json_key_u64(&self.buffer, b'",', 2, ntohs(v4.sin_port))
        elif storage.ss_family == AF_INET6 and length >= sizeof(sockaddr_in6):
            inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof(host))
            self.raw(b'["', 2)
            self.raw(host, strnlen(host, sizeof(host)))
            socketstat_json_key_u64(&self.buffer, b'",', 2, ntohs(v6.sin6_port))
            socketstat_json_key_u64(&self.buffer, b',', 1, ntohl(v6.sin6_flowinfo))
            socketstat_json_key_u64(&self.buffer, b',', 1, v6.sin6_scope_id)
        else:
            return 0
        self.raw(b']', 1)
        return 1

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
                socketstat_json_reserve(&self.buffer, size + 2)
                self.buffer.text[self.buffer.length] = b'"'
                memcpy(self.buffer.text + self.buffer.length + 1, data, size)
                self.buffer.text[self.buffer.length + 1 + size] = b'"'
                self.buffer.length += size + 2
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

    cdef int enum_number(self, dict names, long long number, bint number_if_unnamed) except -1:
        # A kernel number by its member's name, from a _json_names() table; a number the table
        # does not have as itself, or null (a portable state newer than this socketstat).
        cdef object text = names.get(number)
        if text is not None:
            return self.raw(<bytes>text, len(<bytes>text))
        if number_if_unnamed:
            return socketstat_json_key_i64(&self.buffer, b"", 0, number)
        return self.raw(b"null", 4)

    cdef int value(self, object value) except -1:
        cdef type kind = type(value)
        cdef Py_ssize_t index
        if value is None:
            return self.raw(b"null", 4)
        if kind is int:
            if value >= 0 and value <= 0xFFFFFFFFFFFFFFFF:
                return socketstat_json_key_u64(&self.buffer, b"", 0, value)
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
        cdef str text = PyUnicode_New(self.buffer.length, 127)
        memcpy(PyUnicode_DATA(text), self.buffer.text, self.buffer.length)
        return text

    cdef bytes data(self):
        return self.buffer.text[:self.buffer.length]


cdef inline object _record_dict(object record):
    return None if record is None else record.to_dict()


cdef inline object _owners_dict(tuple owners):
    return None if owners is None else [owner._asdict() for owner in owners]


cdef object _raise_changed(str contradiction, str when="during the call"):
    raise SocketChangedError(f"the fd changed {when}: {contradiction} (was it closed and its "
                             "number reused?)")


cdef inline int _descriptor(object fd) except -1:
    """The int fd of an int or an object with fileno(), as the socket module accepts them, or of
    the socket behind an asyncio transport or StreamWriter, a trio SocketStream or an anyio
    socket stream; a bool is refused (CPython deprecates treating True and False as fds 1 and 0)."""
    if fd is True or fd is False:  # bool cannot be subclassed: two pointer comparisons
        raise TypeError(f"an fd must be an int or have fileno(), not bool ({fd!r})")
    if PyLong_CheckExact(fd):
        return PyObject_AsFileDescriptor(fd)
    return _object_descriptor(fd)


cdef int _object_descriptor(object fd) except -1:
    # The stream's socket is looked for only once fileno() is missing: sockets pay nothing.
    try:
        return PyObject_AsFileDescriptor(fd)
    except TypeError:
        inner = _stream_socket(fd)
        if inner is None:
            raise TypeError(f"an fd must be an int, have fileno(), or be an asyncio transport "
                            f"or StreamWriter, a trio SocketStream or an anyio socket stream "
                            f"that has a socket, not {type(fd).__name__}") from None
    return PyObject_AsFileDescriptor(inner)


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


