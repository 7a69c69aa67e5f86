# cdef extern declarations for the Windows backend (_windows.pyx), one block per header, only the
# names the backend uses. Every declared member must match the Windows SDK in name, size and
# signedness: the cross-check turns each into a _Static_assert compiled against mingw-w64's
# headers (in the ziglang wheel). Every header comes through windows_compat.h, which includes them
# in the order Winsock needs and sets the version macros that make SIO_TCP_INFO visible. The
# members of TCP_INFO_v1 are generated from socketstat/codegen/windows.py into
# _windows_records.pxi.
#
# The names _shared.pxi uses (the sockaddr structs, socklen_t, inet_ntop, ntohs, ntohl, AF_*,
# INET6_ADDRSTRLEN) are declared here under the names posix.pxd gives them on Linux and macOS.
from libc.stddef cimport wchar_t

from socketstat.includes.common cimport (
    _PyDict_NewPresized, socketstat_format_ipv4, socketstat_json, socketstat_json_key_i64,
    socketstat_json_key_null, socketstat_json_key_scaled, socketstat_json_key_u64,
    socketstat_json_raw, socketstat_json_reserve, strnlen,
)


cdef extern from "windows_compat.h" nogil:
    # <winsock2.h>, <ws2def.h>, <ws2ipdef.h> (psdk_inc/_socket_types.h in mingw-w64).
    ctypedef size_t SOCKET                  # UINT_PTR: a kernel handle
    ctypedef unsigned long DWORD
    ctypedef unsigned long u_long
    ctypedef int socklen_t                  # <ws2tcpip.h>: an int, unlike POSIX

    enum: SOCKET_ERROR                      # -1, what a failed Winsock call returns

    struct sockaddr:
        pass

    struct in_addr:
        pass

    struct in6_addr:
        pass

    # ss_family, sin_family, sin6_family are ADDRESS_FAMILY (u_short) in the Windows SDK and a
    # short in mingw-w64: declared as the short both are in size; only compared with AF_*.
    struct sockaddr_storage:
        short ss_family

    struct sockaddr_in:
        short sin_family
        unsigned short sin_port
        in_addr sin_addr

    struct sockaddr_in6:
        short sin6_family
        unsigned short sin6_port
        unsigned long sin6_flowinfo
        in6_addr sin6_addr
        unsigned long sin6_scope_id         # in an anonymous union with sin6_scope_struct

    # <afunix.h> (Windows 10 1803): the path, NUL-terminated unless it fills sun_path.
    struct sockaddr_un:
        char sun_path[108]
    const size_t SUN_PATH_OFFSET "SOCKETSTAT_SUN_PATH_OFFSET"

    enum: AF_UNIX
    enum: AF_INET
    enum: AF_INET6
    enum: SOCK_STREAM
    enum: IPPROTO_TCP
    enum: INET6_ADDRSTRLEN
    enum: SOL_SOCKET
    enum: SO_TYPE
    enum: SO_RCVBUF
    enum: SO_SNDBUF
    enum: SO_PROTOCOL_INFOW
    # ioctlsocket(FIONREAD): a stream's bytes queued to read; a datagram socket's first datagram
    # (the ioctlsocket documentation).
    enum: FIONREAD

    # Winsock error codes the backend tells apart.
    enum: WSAEINVAL
    enum: WSAENOTCONN
    enum: WSAENOTSOCK
    enum: WSAEOPNOTSUPP

    # The identity one getsockopt(SO_PROTOCOL_INFOW) gives; only the members read.
    ctypedef struct WSAPROTOCOL_INFOW:
        int iAddressFamily
        int iSocketType
        int iProtocol
        wchar_t szProtocol[256]             # WSAPROTOCOL_LEN + 1

    # WSAIoctl's overlapped arguments, always NULL here (a synchronous call): declared as the
    # header has them, so that the prototype check holds.
    struct _OVERLAPPED:
        pass
    ctypedef _OVERLAPPED *LPWSAOVERLAPPED
    ctypedef void (*LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                        LPWSAOVERLAPPED lpOverlapped, DWORD dwFlags)

    int WSAGetLastError()
    int getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen)
    int getsockname(SOCKET s, sockaddr *name, int *namelen)
    int getpeername(SOCKET s, sockaddr *name, int *namelen)
    int ioctlsocket(SOCKET s, long cmd, u_long *argp)
    int WSAIoctl(SOCKET s, DWORD dwIoControlCode, void *lpvInBuffer, DWORD cbInBuffer,
                 void *lpvOutBuffer, DWORD cbOutBuffer, DWORD *lpcbBytesReturned,
                 LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)

    # <ws2tcpip.h> (InetNtopA). Cannot fail here: the family is right and the buffer holds
    # INET6_ADDRSTRLEN.
    const char *inet_ntop(int Family, const void *pAddr, char *pStringBuf, size_t StringBufSize)
    unsigned short ntohs(unsigned short netshort)
    u_long ntohl(u_long netlong)

    # <mstcpip.h>: the control code, and the state numbering of TCP_INFO_v0.State (0-based, its
    # own order: not the 1-based MIB_TCP_STATE of GetTcpTable, nor Linux's or the BSDs').
    DWORD SIO_TCP_INFO
    ctypedef enum TCPSTATE:
        TCPSTATE_CLOSED
        TCPSTATE_LISTEN
        TCPSTATE_SYN_SENT
        TCPSTATE_SYN_RCVD
        TCPSTATE_ESTABLISHED
        TCPSTATE_FIN_WAIT_1
        TCPSTATE_FIN_WAIT_2
        TCPSTATE_CLOSE_WAIT
        TCPSTATE_CLOSING
        TCPSTATE_LAST_ACK
        TCPSTATE_TIME_WAIT

    # TCP_INFO_v0 only by its size: the backend reads through TCP_INFO_v1, whose first members
    # are v0's, in the same layout (declared in _windows_records.pxi from the field table).
    ctypedef struct TCP_INFO_v0:
        pass

    # windows_compat.h's own.
    long long socketstat_monotonic_ns()
    object socketstat_windows_error_text(int code)
