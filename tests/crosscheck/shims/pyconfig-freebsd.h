/* pyconfig.h for checking a CPython extension against FreeBSD's headers from a Linux host.
 *
 * Passed with `-include`, before the module's first line: it includes the host's pyconfig.h
 * (found through -I<python include dir>), whose sizes are FreeBSD's too on the same
 * architecture (LP64 both), and adds what a FreeBSD build of CPython defines beyond it. When
 * Python.h later includes "pyconfig.h", that file's include guard skips it.
 */
#include <pyconfig.h>

#ifndef Py_PYCONFIG_H
#  error "the host pyconfig.h has no Py_PYCONFIG_H include guard: it would be read twice"
#endif

/* CPython's configure.ac defines __BSD_VISIBLE on FreeBSD, as _XOPEN_SOURCE (which the host
 * pyconfig.h defines too) would otherwise hide the BSD interfaces: <sys/filio.h>'s FIONWRITE
 * and FIONSPACE, the SO_LISTENQ* options, struct tcp_info. */
#ifndef __BSD_VISIBLE
#  define __BSD_VISIBLE 1
#endif
