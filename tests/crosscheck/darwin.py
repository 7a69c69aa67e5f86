"""Check a Cython module against the real macOS SDK headers, from Linux.

1. translate(): renders the module's generated records include (socketstat/codegen/render.py),
   then Cython turns the .pyx into C on this machine, and declcheck.py appends a static
   assertion for every ``cdef extern`` declaration the project wrote.
2. build(): zig's clang compiles that C for ``<arch>-macos.<minimum>`` against the SDK headers
   in ziglang and this interpreter's CPython headers (through shims/pyconfig-darwin.h), with
   -Werror, then links a Mach-O dylib against libSystem.tbd and a stub of the CPython C API,
   so a function macOS does not export is an undefined symbol, as it would be on a Mac.

Nothing runs: this proves that the module compiles and links for macOS, not that it works.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import pystubs, zigcc

HERE = Path(__file__).resolve().parent
DECLCHECK = HERE / "declcheck.py"
PYCONFIG_SHIM = HERE / "shims" / "pyconfig-darwin.h"

# The oldest macOS checked for by default: Apple silicon starts at 11.0; 10.13 is the floor of
# current python.org installers and of cibuildwheel's x86_64 wheels.
DARWIN_ARCHS: Tuple[str, ...] = ("aarch64", "x86_64")
MIN_MACOS: Mapping[str, str] = {"aarch64": "11.0", "x86_64": "10.13"}

# Mach-O header of what the link must produce: 64-bit magic, CPU type, MH_DYLIB.
_MACHO_MAGIC = 0xFEEDFACF
_MACHO_CPU = {"aarch64": 0x0100000C, "x86_64": 0x01000007}
_MH_DYLIB = 6

# As setup.py's developer build (SOCKETSTAT_WERROR=1): the compiler's default warnings, as
# errors. Plus: an API newer than the minimum macOS must not be used unguarded. -O0 and no
# UBSan because nothing runs (zig would otherwise link its UBSan runtime).
CFLAGS: Tuple[str, ...] = (
    "-fPIC", "-O0", "-DNDEBUG", "-fno-sanitize=undefined", "-fno-color-diagnostics",
    "-Werror", "-Wunguarded-availability",
)


@dataclass(frozen=True)
class Failure:
    """One step that failed: what ran, for which target, and everything it printed."""

    stage: str  # "cython", "compile" or "link"
    target: str  # a zig target such as "aarch64-macos.11.0"; "" for the Cython step
    command: Tuple[str, ...]
    output: str

    def __str__(self) -> str:
        where = f" for {self.target}" if self.target else ""
        return f"{self.stage} failed{where}\n$ {' '.join(self.command)}\n{self.output.rstrip()}"


class CrossCheckError(Exception):
    """The module does not compile or link for macOS; ``str()`` carries the tools' output."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        self.failures = tuple(failures)
        super().__init__("\n\n".join(str(failure) for failure in self.failures))

    @property
    def output(self) -> str:
        return "\n".join(failure.output for failure in self.failures)


@dataclass(frozen=True)
class Translation:
    c_file: Path
    declarations: int  # how many extern declarations declcheck turned into assertions


def require_toolchain() -> None:
    """Raise MissingToolError unless ziglang, Cython and this Python's headers are all there."""
    zigcc.ziglang_dir()
    if importlib.util.find_spec("Cython") is None:
        raise zigcc.MissingToolError(f"{sys.executable} cannot import Cython, which the cross-check runs: "
                                     f"run {sys.executable} -m pip install 'Cython>=3.0'")
    _python_include()


def package_root(path: Path) -> Path:
    """The directory above PATH's package, from which ``cimport pkg.sub.mod`` resolves."""
    directory = path.resolve().parent
    while any((directory / f"__init__{ext}").exists() for ext in (".py", ".pxd", ".pyx")):
        directory = directory.parent
    return directory


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


def translate(pyx_path: Path, *, workdir: Path,
              cython_include_path: Optional[Sequence[Path]] = None) -> Translation:
    """Cythonize PYX_PATH into WORKDIR and append declcheck's assertions; return the C file.

    CYTHON_INCLUDE_PATH defaults to the directory above the module's package, so that
    ``from socketstat.includes cimport darwin`` resolves as in the real build.
    """
    require_toolchain()
    pyx_path = Path(pyx_path).resolve()
    render_records(pyx_path)
    roots = [Path(p).resolve() for p in cython_include_path] if cython_include_path else [package_root(pyx_path)]
    c_file = Path(workdir) / f"{pyx_path.stem}.c"
    command = [sys.executable, str(DECLCHECK), str(pyx_path), "-o", str(c_file)]
    for root in roots:
        command += ["-I", str(root)]
    # From the first root, Cython's and declcheck's messages name files relative to the project.
    run = subprocess.run(command, cwd=roots[0], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=False)
    if run.returncode != 0:
        raise CrossCheckError([Failure("cython", "", tuple(command), run.stdout)])
    tail = c_file.read_text(encoding="utf-8")[-200:]
    declarations = int(tail.rsplit("/* declcheck: ", 1)[1].split()[0])
    return Translation(c_file, declarations)


def render_records(pyx_path: Path) -> None:
    """Render the includes a module's build generates, as setup.py does before Cython runs:
    socketstat/_<os>_records.pxi from codegen/<os>_records.pxi.in beside the module, and
    SamplerGroup's _<os>_group_columns.pxi (a module without such a template, like the fixture,
    needs nothing). Run in its own process:
    render.py imports its tables under plain names (contract, darwin, linux, model)."""
    codegen = pyx_path.parent / "codegen"
    os_name = pyx_path.stem.lstrip("_")
    if not (codegen / "render.py").is_file() or not (codegen / f"{os_name}_records.pxi.in").is_file():
        return
    command = [sys.executable, "-c",
               f"import sys; sys.path.insert(0, {str(codegen)!r}); import render; "
               f"render.write_pxi({os_name!r}); render.write_group_pxi({os_name!r})"]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if run.returncode != 0:
        raise CrossCheckError([Failure("cython", "", tuple(command), run.stdout)])


def build(c_file: Path, *, arch: str, include_dirs: Sequence[Path] = (), workdir: Path,
          min_macos: Optional[str] = None) -> Path:
    """Compile C_FILE for ARCH's macOS and link it into a Mach-O dylib; return its path."""
    target = target_triple(arch, min_macos)
    workdir = Path(workdir)
    obj = workdir / f"{c_file.stem}-{target}.o"
    compile_command = [
        "-target", target, *CFLAGS,
        f"-I{_python_include()}", "-include", str(PYCONFIG_SHIM),
        *(f"-I{Path(d).resolve()}" for d in include_dirs),
        "-c", str(c_file), "-o", str(obj),
    ]
    _run("compile", target, compile_command, workdir)

    stub = workdir / f"{c_file.stem}-{target}-c-api.tbd"
    pystubs.write_tbd(stub, pystubs.c_api_symbols(c_file))
    dylib = workdir / f"{c_file.stem}-{target}.so"
    _run("link", target, ["-target", target, "-shared", "-nostdlib", str(obj),
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
    translation = translate(pyx_path, workdir=workdir, cython_include_path=cython_include_path)
    results = build_each(translation.c_file, archs=archs, include_dirs=c_include_dirs(pyx_path, include_dirs),
                         workdir=workdir, min_macos=min_macos)
    failures = [failure for result in results.values() if isinstance(result, CrossCheckError)
                for failure in result.failures]
    if failures:
        raise CrossCheckError(failures)
    return {arch: result for arch, result in results.items() if isinstance(result, Path)}


def build_each(c_file: Path, *, archs: Sequence[str], include_dirs: Sequence[Path], workdir: Path,
               min_macos: Optional[str] = None) -> Dict[str, Union[Path, CrossCheckError]]:
    """build() for each of ARCHS, in parallel: {arch: the dylib, or the CrossCheckError raised}."""
    def one(arch: str) -> Union[Path, CrossCheckError]:
        try:
            return build(c_file, arch=arch, include_dirs=include_dirs, workdir=workdir, min_macos=min_macos)
        except CrossCheckError as error:
            return error

    with ThreadPoolExecutor(max_workers=max(1, len(archs))) as pool:
        return dict(zip(archs, pool.map(one, archs)))


def c_include_dirs(pyx_path: Path, include_dirs: Sequence[Path]) -> List[Path]:
    """The module's directory (where setuptools writes the .c), then INCLUDE_DIRS."""
    return [Path(pyx_path).resolve().parent, *include_dirs]


def _python_include() -> Path:
    include = Path(sysconfig.get_paths()["include"])
    if not (include / "Python.h").is_file():
        raise zigcc.MissingToolError(f"no Python.h in {include}: install this Python's development headers")
    return include


def _run(stage: str, target: str, args: List[str], workdir: Path) -> None:
    run = zigcc.zig_cc(args, cwd=workdir)
    if run.returncode != 0:
        raise CrossCheckError([Failure(stage, target, ("zig", "cc", *args), run.stdout)])


def _expect_macho(path: Path, arch: str, target: str) -> None:
    header = path.read_bytes()[:16]
    magic, cpu, _subtype, filetype = (int.from_bytes(header[i:i + 4], "little") for i in range(0, 16, 4))
    if (magic, cpu, filetype) != (_MACHO_MAGIC, _MACHO_CPU[arch], _MH_DYLIB):
        raise CrossCheckError([Failure("link", target, (), f"{path} is not a {arch} Mach-O dylib")])
