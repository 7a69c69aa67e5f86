/*
 * What the Windows backend (_windows.pyx) needs around the Windows SDK headers.
 *
 * Winsock first: <winsock2.h> must come before <windows.h>, which would otherwise pull in the old
 * <winsock.h> and clash with it. SIO_TCP_INFO and TCP_INFO_v0 are declared only for
 * NTDDI_VERSION >= NTDDI_WIN10_RS2 (Windows 10 1703), TCP_INFO_v1 for NTDDI_WIN10_RS5 (1809), in
 * <mstcpip.h>: setup.py defines both version macros on the command line, before Python.h includes
 * anything; the defaults here serve a compile that did not (the cross-check). The version only
 * decides what the headers declare: which TCP_INFO version the running Windows answers is asked
 * at run time (_windows.pyx, _tcp_info_version).
 */
#ifndef SOCKETSTAT_WINDOWS_COMPAT_H
#define SOCKETSTAT_WINDOWS_COMPAT_H

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0A00             /* _WIN32_WINNT_WIN10 */
#endif
#ifndef NTDDI_VERSION
#define NTDDI_VERSION 0x0A000006        /* NTDDI_WIN10_RS5 */
#endif

#include <stddef.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>
#include <Python.h>

#if !defined(SIO_TCP_INFO)
#error "socketstat needs SIO_TCP_INFO and TCP_INFO_v1 in <mstcpip.h>: NTDDI_WIN10_RS5 or later"
#endif

/* AF_UNIX (Windows 10 1803): <afunix.h> declares struct sockaddr_un only, after <ws2def.h>. */
#include <afunix.h>

/* Bytes SIO_TCP_INFO must have returned for a member of TCP_INFO_v1 to be valid. */
#define SOCKETSTAT_TCPINFO_END(member) \
    (offsetof(TCP_INFO_v1, member) + sizeof(((TCP_INFO_v1 *)0)->member))

/* offsetof(struct sockaddr_un, sun_path): where an AF_UNIX address's path starts. */
#define SOCKETSTAT_SUN_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)

/*
 * Now on the clock of Python's time.monotonic() on Windows, in ns. CPython 3.13 moved it from
 * GetTickCount64() (milliseconds, updated every 15.6 ms) to QueryPerformanceCounter()
 * (gh-88494, Python/pytime.c py_get_monotonic_clock); the module is compiled for one CPython
 * version, so the choice is made here, at compile time. QueryPerformanceFrequency is fixed at
 * boot and never fails on Windows XP and later; ticks * 1e9 / frequency is computed in two parts
 * so that it cannot overflow (as CPython's _PyTime_MulDiv).
 */
static inline long long socketstat_monotonic_ns(void)
{
#if PY_VERSION_HEX >= 0x030D0000
    static LONGLONG frequency = 0;
    LARGE_INTEGER now;
    LONGLONG ticks;
    if (frequency == 0) {
        LARGE_INTEGER answer;
        QueryPerformanceFrequency(&answer);
        frequency = answer.QuadPart;
    }
    QueryPerformanceCounter(&now);
    ticks = now.QuadPart;
    return (ticks / frequency) * 1000000000LL + (ticks % frequency) * 1000000000LL / frequency;
#else
    return (long long)GetTickCount64() * 1000000LL;
#endif
}

/*
 * The system's text for a Winsock or Win32 error code, as CPython's PyErr_SetFromWindowsErr
 * writes it (FormatMessageW, without the trailing line break), as a new str; "Windows error N"
 * when the system has none. NULL with an exception set only if the str cannot be made.
 */
static inline PyObject *socketstat_windows_error_text(int code)
{
    WCHAR text[512];
    DWORD length = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                  NULL, (DWORD)code, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                                  text, (DWORD)(sizeof(text) / sizeof(text[0])), NULL);
    if (length == 0)
        return PyUnicode_FromFormat("Windows error %d", code);
    while (length > 0 && (text[length - 1] == L'\n' || text[length - 1] == L'\r'
                          || text[length - 1] == L' ' || text[length - 1] == L'.'))
        length--;
    return PyUnicode_FromWideChar(text, (Py_ssize_t)length);
}

#endif /* SOCKETSTAT_WINDOWS_COMPAT_H */
