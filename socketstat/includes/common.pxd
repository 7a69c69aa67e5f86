# cdef extern declarations every backend shares, whatever the OS (_linux.pyx, _darwin.pyx through
# posix.pxd, and _windows.pyx): the C library's strnlen, the project's own helper headers and the
# CPython API. posix.pxd re-exports them, so the POSIX backends cimport everything from there.
from libc.stdint cimport int64_t, uint64_t


cdef extern from "<string.h>" nogil:
    size_t strnlen(const char *text, size_t limit)


cdef extern from "format_ipv4.h" nogil:
    size_t socketstat_format_ipv4(const void *address, char *text)


cdef extern from "json_text.h" nogil:
    size_t socketstat_format_u64(uint64_t value, char *text)
    size_t socketstat_format_i64(int64_t value, char *text)
    ctypedef struct socketstat_json:
        char *text
        size_t length
        size_t capacity
    # -1 with MemoryError set when the buffer cannot grow.
    int socketstat_json_reserve(socketstat_json *out, size_t more) except -1
    int socketstat_json_raw(socketstat_json *out, const char *text, size_t length) except -1
    int socketstat_json_key_u64(socketstat_json *out, const char *key, size_t key_length,
                                uint64_t value) except -1
    int socketstat_json_key_i64(socketstat_json *out, const char *key, size_t key_length,
                                int64_t value) except -1
    int socketstat_json_key_null(socketstat_json *out, const char *key,
                                 size_t key_length) except -1
    # 1 when written, 0 for a value of 2**32 or more (nothing written).
    int socketstat_json_key_scaled(socketstat_json *out, const char *key, size_t key_length,
                                   uint64_t value, int scale) except -1


cdef extern from "Python.h":
    # A dict with room for ``size`` items, so filling it never resizes (CPython's own, exported
    # since 3.x and what Cython uses for small dict literals).
    dict _PyDict_NewPresized(Py_ssize_t size)
    # An int fd, or an object whose fileno() returns one; TypeError, ValueError (negative),
    # OverflowError (beyond a C int) or the exception fileno() raised otherwise.
    int PyObject_AsFileDescriptor(object obj) except -1
