"""socketstat's cross-check: does a Cython module compile and link for macOS, from Linux?

    python -m tests.crosscheck socketstat/_darwin.pyx     # from the repository root

Needs ``pip install ziglang==0.17.1 'Cython>=3.0'`` in the running interpreter (zig's clang, with
the macOS SDK's headers and libSystem.tbd) and this Python's C headers. For each of aarch64-macos.11.0 and x86_64-macos.10.13 it
cythonizes the module, appends a static assertion per ``cdef extern`` declaration
(declcheck.py), compiles with -Werror against the SDK headers and links a Mach-O dylib against
libSystem and the CPython C API only. Writing declarations it can check:

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

from .darwin import (
    DARWIN_ARCHS,
    CrossCheckError,
    Failure,
    Translation,
    build,
    check_darwin,
    require_toolchain,
    translate,
)
from .zigcc import ZIGLANG_REQUIREMENT, MissingToolError, ZigNotFoundError

__all__ = [
    "DARWIN_ARCHS",
    "ZIGLANG_REQUIREMENT",
    "CrossCheckError",
    "Failure",
    "MissingToolError",
    "Translation",
    "ZigNotFoundError",
    "build",
    "check_darwin",
    "require_toolchain",
    "translate",
]
