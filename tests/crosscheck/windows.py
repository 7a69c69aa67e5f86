"""Check a Cython module against Windows' headers and import libraries, from Linux.

translate() (core.py) turns the .pyx into C with declcheck's assertions; build() compiles it
with zig's clang for ``<arch>-windows-gnu`` against mingw-w64's Windows headers in ziglang and
this interpreter's CPython headers, configured for Windows by shims/pyconfig-windows.h (a
Windows CPython's pyconfig.h is hand-written, not generated), with -Werror, then links a PE
.pyd against the Windows import libraries the module names (ws2_32, as setup.py links it), the
C runtime, an import library of python3XX.dll made from the host's C API plus the C API CPython
declares only for Windows, and the two math helpers a MinGW build takes from its static runtime
(shims/mingw-runtime.c): a function no DLL exports is an undefined symbol.

mingw-w64's headers are clean-room equivalents of the Windows SDK's that MSVC wheel builds use:
the names, types and values agree, but they are not the same files. Nothing runs: this proves
that the module compiles and links for Windows, not that it works.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Tuple

from . import pystubs
from .core import CFLAGS, HERE, CrossCheckError, Failure, check, python_include, run

PYCONFIG_SHIM = HERE / "shims" / "pyconfig-windows.h"

WINDOWS_ARCHS: Tuple[str, ...] = ("x86_64", "aarch64")
# The Windows libraries the module imports from, as setup.py's Extension(libraries=...) names
# them; kernel32 and the universal C runtime are what every extension links.
WINDOWS_LIBRARIES: Tuple[str, ...] = ("ws2_32",)
_SYSTEM_LIBRARIES = ("kernel32", "ucrtbase")

# PE: the machine of the COFF header, and IMAGE_FILE_DLL among its characteristics.
_PE_MACHINE: Mapping[str, int] = {"x86_64": 0x8664, "aarch64": 0xAA64}
_DLLTOOL_MACHINE: Mapping[str, str] = {"x86_64": "i386:x86-64", "aarch64": "arm64"}
_IMAGE_FILE_DLL = 0x2000

# The Windows versions the headers declare for, as setup.py's define_macros set them: Windows 10
# (_WIN32_WINNT_WIN10) and NTDDI_WIN10_RS5, the first to declare TCP_INFO_v1 (zig defines its own
# _WIN32_WINNT, undefined first).
WINDOWS_DEFINES: Tuple[str, ...] = ("-U_WIN32_WINNT", "-D_WIN32_WINNT=0x0A00", "-DNTDDI_VERSION=0x0A000006")

# PE code needs no -fPIC (clang rejects it for the target); mingw-w64 keeps __stack_chk_* in
# libmingwex, which a .pyd does not link, so no stack protector (MSVC's /GS is not this check's).
WINDOWS_CFLAGS: Tuple[str, ...] = tuple(flag for flag in CFLAGS if flag != "-fPIC") + ("-fno-stack-protector",)
# The static runtime a MinGW build links in and MSVC has as intrinsics (its comment says which).
MINGW_RUNTIME = HERE / "shims" / "mingw-runtime.c"


def target_triple(arch: str) -> str:
    if arch not in _PE_MACHINE:
        raise ValueError(f"unknown Windows architecture {arch!r}: use one of {', '.join(WINDOWS_ARCHS)}")
    return f"{arch}-windows-gnu"


def python_dll() -> str:
    """The DLL a Windows build of this CPython version exports its C API from."""
    return f"python{sys.version_info[0]}{sys.version_info[1]}.dll"


def build(c_file: Path, *, arch: str, include_dirs: Sequence[Path] = (), workdir: Path,
          libraries: Sequence[str] = WINDOWS_LIBRARIES) -> Path:
    """Compile C_FILE for ARCH's Windows and link it into a .pyd; return its path."""
    target = target_triple(arch)
    workdir = Path(workdir)
    obj = workdir / f"{c_file.stem}-{target}.o"
    run("compile", target, [
        "-target", target, *WINDOWS_CFLAGS, *WINDOWS_DEFINES,
        f"-I{python_include()}", "-include", str(PYCONFIG_SHIM),
        *(f"-I{Path(d).resolve()}" for d in include_dirs),
        "-c", str(c_file), "-o", str(obj),
    ], workdir)

    definitions = workdir / f"{c_file.stem}-{target}-c-api.def"
    pystubs.write_def(definitions, sorted({*pystubs.c_api_symbols(c_file), *pystubs.windows_only_symbols()}),
                      python_dll())
    import_library = workdir / f"{c_file.stem}-{target}-c-api.a"
    run("link", target, ["-d", str(definitions), "-l", str(import_library), "-m", _DLLTOOL_MACHINE[arch],
                         "-D", python_dll()], workdir, tool="dlltool")
    runtime = workdir / f"mingw-runtime-{target}.o"
    run("compile", target, ["-target", target, *WINDOWS_CFLAGS, "-c", str(MINGW_RUNTIME), "-o", str(runtime)],
        workdir)
    pyd = workdir / f"{c_file.stem}-{target}.pyd"
    run("link", target, ["-target", target, "-shared", "-nostdlib", "-Wl,--no-entry", str(obj), str(runtime),
                         str(import_library), *(f"-l{name}" for name in (*libraries, *_SYSTEM_LIBRARIES)),
                         "-o", str(pyd)], workdir)
    _expect_pe_dll(pyd, arch, target)
    return pyd


def check_windows(pyx_path: Path, *, archs: Sequence[str] = WINDOWS_ARCHS,
                  include_dirs: Sequence[Path] = (), workdir: Path,
                  cython_include_path: Optional[Sequence[Path]] = None,
                  libraries: Sequence[str] = WINDOWS_LIBRARIES) -> Dict[str, Path]:
    """Check that PYX_PATH compiles and links for Windows on each of ARCHS (in parallel), as
    check_darwin() does for macOS. Returns {arch: linked .pyd}; raises CrossCheckError."""
    return check(pyx_path, partial(build, libraries=libraries), archs=archs, include_dirs=include_dirs,
                 workdir=workdir, cython_include_path=cython_include_path)


def _expect_pe_dll(path: Path, arch: str, target: str) -> None:
    image = path.read_bytes()
    start = int.from_bytes(image[0x3C:0x40], "little") if image[:2] == b"MZ" else 0
    coff = image[start:start + 24]
    machine = int.from_bytes(coff[4:6], "little")
    characteristics = int.from_bytes(coff[22:24], "little")
    if coff[:4] != b"PE\0\0" or machine != _PE_MACHINE[arch] or not characteristics & _IMAGE_FILE_DLL:
        raise CrossCheckError([Failure("link", target, (), f"{path} is not a {arch} Windows DLL")])
