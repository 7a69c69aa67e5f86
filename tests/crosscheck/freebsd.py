"""Check a Cython module against FreeBSD's headers and libc, from Linux.

translate() (core.py) turns the .pyx into C with declcheck's assertions; build() compiles it
with zig's clang for ``<arch>-freebsd.<release>`` against the FreeBSD headers in ziglang
(lib/libc/include/generic-freebsd and the per-architecture ones) and this interpreter's CPython
headers (shims/pyconfig-freebsd.h adds what FreeBSD's CPython defines), with -Werror, then links
an ELF shared object with ``-z defs`` against FreeBSD's libc of that release (zig's link stubs
carry each release's symbol list) and a stub of the CPython C API: a function FreeBSD's libc does
not export is an undefined symbol, as the real dynamic linker would find it.

Nothing runs: this proves that the module compiles and links for FreeBSD, not that it works.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Tuple

from . import pystubs
from .core import CFLAGS, HERE, CrossCheckError, Failure, check, python_include, run

PYCONFIG_SHIM = HERE / "shims" / "pyconfig-freebsd.h"

FREEBSD_ARCHS: Tuple[str, ...] = ("x86_64", "aarch64")
# The oldest release checked for by default: FreeBSD 14.0 (13.x reached its end of life in
# April 2026). zig links against that release's libc symbol list and defines its
# __FreeBSD_version; the headers are one generic set (FreeBSD 14's).
MIN_FREEBSD = "14.0"

# ELF header of what the link must produce: 64-bit, little-endian, ET_DYN, the machine.
_ELF_MACHINE: Mapping[str, int] = {"x86_64": 62, "aarch64": 183}
_ET_DYN = 3


def target_triple(arch: str, min_freebsd: Optional[str] = None) -> str:
    if arch not in _ELF_MACHINE:
        raise ValueError(f"unknown FreeBSD architecture {arch!r}: use one of {', '.join(FREEBSD_ARCHS)}")
    return f"{arch}-freebsd.{min_freebsd or MIN_FREEBSD}"


def build(c_file: Path, *, arch: str, include_dirs: Sequence[Path] = (), workdir: Path,
          min_freebsd: Optional[str] = None) -> Path:
    """Compile C_FILE for ARCH's FreeBSD and link it into an ELF shared object; return its path."""
    target = target_triple(arch, min_freebsd)
    workdir = Path(workdir)
    obj = workdir / f"{c_file.stem}-{target}.o"
    run("compile", target, [
        "-target", target, *CFLAGS,
        f"-I{python_include()}", "-include", str(PYCONFIG_SHIM),
        *(f"-I{Path(d).resolve()}" for d in include_dirs),
        "-c", str(c_file), "-o", str(obj),
    ], workdir)

    # A shared object may leave symbols undefined; -z defs refuses, so each must come from
    # libc or from the C API stub, a library built for the target with that name.
    stub_dir = workdir / f"c-api-{target}"
    stub_dir.mkdir(exist_ok=True)
    stub_source = stub_dir / "c_api.c"
    stub_source.write_text(pystubs.c_source(pystubs.c_api_symbols(c_file)), encoding="ascii")
    run("link", target, ["-target", target, "-shared", "-fPIC", "-nostdlib", "-fno-sanitize=undefined",
                         "-w", str(stub_source), "-Wl,-soname,libpython-crosscheck-stub.so",
                         "-o", str(stub_dir / "libpython-crosscheck-stub.so")], workdir)
    shared_object = workdir / f"{c_file.stem}-{target}.so"
    run("link", target, ["-target", target, "-shared", "-nostdlib", str(obj), f"-L{stub_dir}",
                         "-lpython-crosscheck-stub", "-lc", "-Wl,-z,defs", "-o", str(shared_object)],
        workdir)
    _expect_elf(shared_object, arch, target)
    return shared_object


def check_freebsd(pyx_path: Path, *, archs: Sequence[str] = FREEBSD_ARCHS,
                  include_dirs: Sequence[Path] = (), workdir: Path,
                  cython_include_path: Optional[Sequence[Path]] = None,
                  min_freebsd: Optional[str] = None) -> Dict[str, Path]:
    """Check that PYX_PATH compiles and links for FreeBSD on each of ARCHS (in parallel), as
    check_darwin() does for macOS. Returns {arch: linked .so}; raises CrossCheckError."""
    return check(pyx_path, partial(build, min_freebsd=min_freebsd), archs=archs, include_dirs=include_dirs,
                 workdir=workdir, cython_include_path=cython_include_path)


def _expect_elf(path: Path, arch: str, target: str) -> None:
    header = path.read_bytes()[:20]
    kind, machine = int.from_bytes(header[16:18], "little"), int.from_bytes(header[18:20], "little")
    if header[:6] != b"\x7fELF\x02\x01" or (kind, machine) != (_ET_DYN, _ELF_MACHINE[arch]):
        raise CrossCheckError([Failure("link", target, (), f"{path} is not a {arch} ELF shared object")])
