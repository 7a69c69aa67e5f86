"""Check a Cython module against the real macOS SDK headers, from Linux.

1. translate() (core.py): renders the module's generated records include, then Cython turns the
   .pyx into C on this machine, and declcheck.py appends a static assertion for every
   ``cdef extern`` declaration the project wrote.
2. build(): zig's clang compiles that C for ``<arch>-macos.<minimum>`` against the SDK headers
   in ziglang and this interpreter's CPython headers (through shims/pyconfig-darwin.h), with
   -Werror, then links a Mach-O dylib against libSystem.tbd and a stub of the CPython C API,
   so a function macOS does not export is an undefined symbol, as it would be on a Mac.

Nothing runs: this proves that the module compiles and links for macOS, not that it works.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Tuple

from . import pystubs, zigcc
from .core import CFLAGS, HERE, CrossCheckError, Failure, check, python_include, run

PYCONFIG_SHIM = HERE / "shims" / "pyconfig-darwin.h"

# The oldest macOS checked for by default: Apple silicon starts at 11.0; 10.13 is the floor of
# current python.org installers and of cibuildwheel's x86_64 wheels.
DARWIN_ARCHS: Tuple[str, ...] = ("aarch64", "x86_64")
MIN_MACOS: Mapping[str, str] = {"aarch64": "11.0", "x86_64": "10.13"}

# Mach-O header of what the link must produce: 64-bit magic, CPU type, MH_DYLIB.
_MACHO_MAGIC = 0xFEEDFACF
_MACHO_CPU = {"aarch64": 0x0100000C, "x86_64": 0x01000007}
_MH_DYLIB = 6

# Beyond the common flags: an API newer than the minimum macOS must not be used unguarded.
DARWIN_CFLAGS: Tuple[str, ...] = ("-Wunguarded-availability",)


def target_triple(arch: str, min_macos: Optional[str] = None) -> str:
    """zig's target for ARCH, for MIN_MACOS if given (Apple silicon: 11.0 at least)."""
    if arch not in MIN_MACOS:
        raise ValueError(f"unknown macOS architecture {arch!r}: use one of {', '.join(DARWIN_ARCHS)}")
    version = MIN_MACOS[arch]
    if min_macos is not None:
        version = min_macos if arch == "x86_64" else max(min_macos, version, key=_version_key)
    return f"{arch}-macos.{version}"


def _version_key(version: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def build(c_file: Path, *, arch: str, include_dirs: Sequence[Path] = (), workdir: Path,
          min_macos: Optional[str] = None) -> Path:
    """Compile C_FILE for ARCH's macOS and link it into a Mach-O dylib; return its path."""
    target = target_triple(arch, min_macos)
    workdir = Path(workdir)
    obj = workdir / f"{c_file.stem}-{target}.o"
    run("compile", target, [
        "-target", target, *CFLAGS, *DARWIN_CFLAGS,
        f"-I{python_include()}", "-include", str(PYCONFIG_SHIM),
        *(f"-I{Path(d).resolve()}" for d in include_dirs),
        "-c", str(c_file), "-o", str(obj),
    ], workdir)

    stub = workdir / f"{c_file.stem}-{target}-c-api.tbd"
    pystubs.write_tbd(stub, pystubs.c_api_symbols(c_file))
    dylib = workdir / f"{c_file.stem}-{target}.so"
    run("link", target, ["-target", target, "-shared", "-nostdlib", str(obj),
                         str(zigcc.darwin_libsystem()), str(stub), "-o", str(dylib)], workdir)
    _expect_macho(dylib, arch, target)
    return dylib


def check_darwin(pyx_path: Path, *, archs: Sequence[str] = DARWIN_ARCHS,
                 include_dirs: Sequence[Path] = (), workdir: Path,
                 cython_include_path: Optional[Sequence[Path]] = None,
                 min_macos: Optional[str] = None) -> Dict[str, Path]:
    """Check that PYX_PATH compiles and links for macOS on each of ARCHS (in parallel).

    INCLUDE_DIRS are C include directories, as setup.py passes them (socketstat/includes);
    the module's own directory comes first, as for a .c file generated beside the .pyx.
    Returns {arch: linked dylib}; raises CrossCheckError naming every failing step.
    """
    return check(pyx_path, partial(build, min_macos=min_macos), archs=archs, include_dirs=include_dirs,
                 workdir=workdir, cython_include_path=cython_include_path)


def _expect_macho(path: Path, arch: str, target: str) -> None:
    header = path.read_bytes()[:16]
    magic, cpu, _subtype, filetype = (int.from_bytes(header[i:i + 4], "little") for i in range(0, 16, 4))
    if (magic, cpu, filetype) != (_MACHO_MAGIC, _MACHO_CPU[arch], _MH_DYLIB):
        raise CrossCheckError([Failure("link", target, (), f"{path} is not a {arch} Mach-O dylib")])
