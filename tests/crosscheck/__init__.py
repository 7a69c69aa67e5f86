"""socketstat's cross-check: does a Cython module compile and link for macOS, FreeBSD and
Windows, from Linux?

    python -m tests.crosscheck socketstat/_darwin.pyx     # from the repository root
    python -m tests.crosscheck socketstat/_freebsd.pyx
    python -m tests.crosscheck socketstat/_windows.pyx

Needs ``pip install ziglang==0.17.1 'Cython>=3.0'`` in the running interpreter (zig's clang, with
the macOS SDK's libc headers and libSystem.tbd, FreeBSD's headers and libc symbol lists,
mingw-w64's Windows headers and import libraries) and this Python's C headers. For each target
(aarch64-macos.11.0 and x86_64-macos.10.13; x86_64 and aarch64 FreeBSD 14.0; x86_64 and aarch64
windows-gnu) it cythonizes the module, appends a static assertion per ``cdef extern`` declaration
(declcheck.py), compiles with -Werror against that OS's headers and links the binary Python
would load (a Mach-O dylib, an ELF .so with -z defs, a PE .pyd) against the OS's libraries and
the CPython C API only. Writing declarations it can check:

* a struct the header declares only by tag is ``cdef struct`` (``struct`` in an extern block);
  a C typedef is ``ctypedef struct``: Cython emits the name as written.
* an anonymous union or struct member gets a name through its C type, e.g.
  ``ctypedef union soi_proto_t "__typeof__(((struct socket_info *)0)->soi_proto)":``
  (or a typedef in a shim header); two anonymous members are two types, even if alike.
* members, constants and prototypes as the header has them: integer size and signedness,
  ``const`` in prototypes. Bit-fields and function-like macros need nothing special.
* ``# declcheck: skip`` on a declaring line reduces that name to an existence check.
* reading a member the .pxd lacks is an error here, not a run-time AttributeError.
"""

from .core import CrossCheckError, Failure, Translation, require_toolchain, translate
from .darwin import DARWIN_ARCHS, build, check_darwin
from .freebsd import FREEBSD_ARCHS, check_freebsd
from .windows import WINDOWS_ARCHS, check_windows
from .zigcc import ZIGLANG_REQUIREMENT, MissingToolError, ZigNotFoundError

__all__ = [
    "DARWIN_ARCHS",
    "FREEBSD_ARCHS",
    "WINDOWS_ARCHS",
    "ZIGLANG_REQUIREMENT",
    "CrossCheckError",
    "Failure",
    "MissingToolError",
    "Translation",
    "ZigNotFoundError",
    "build",
    "check_darwin",
    "check_freebsd",
    "check_windows",
    "require_toolchain",
    "translate",
]
