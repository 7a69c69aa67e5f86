/* pyconfig.h for checking a CPython extension against the macOS SDK from a Linux host.
 *
 * Passed with `-include`, before the module's first line. It includes the host's pyconfig.h
 * (found through -I<python include dir>) and undoes what a macOS build of CPython would not
 * define; when Python.h later includes "pyconfig.h", that file's include guard skips it.
 * Every other CPython header is platform independent, and Python.h's pymacconfig.h re-derives
 * SIZEOF_LONG, SIZEOF_SIZE_T and the like for __APPLE__ targets.
 */
#include <pyconfig.h>

#ifndef Py_PYCONFIG_H
#  error "the host pyconfig.h has no Py_PYCONFIG_H include guard: it would be read twice"
#endif

/* CPython's configure.ac sets define_xopen_source=no for Darwin: a macOS pyconfig.h defines
 * none of these, and they change what <sys/cdefs.h> and the socket headers expose. */
#undef _POSIX_C_SOURCE
#undef _XOPEN_SOURCE
#undef _XOPEN_SOURCE_EXTENDED

/* Defined by CPython on every platform (AC_USE_SYSTEM_EXTENSIONS); keep it explicit: it is
 * what makes TCP_CONNECTION_INFO, SO_NWRITE and <sys/proc_info.h> visible. */
#ifndef _DARWIN_C_SOURCE
#  define _DARWIN_C_SOURCE 1
#endif
