"""What the cross-check does the same for every target OS: Cython's C with declcheck's assertions
(translate), the failure it reports (CrossCheckError), and building one C file for several targets
in parallel (build_each). Each OS's module (darwin.py, freebsd.py, windows.py) says how to compile
and link for it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import zigcc

HERE = Path(__file__).resolve().parent
DECLCHECK = HERE / "declcheck.py"

# The C flags every target compiles with, as setup.py's developer build (SOCKETSTAT_WERROR=1):
# the compiler's default warnings, as errors. -O0 and no UBSan because nothing runs (zig would
# otherwise link its UBSan runtime).
CFLAGS = ("-fPIC", "-O0", "-DNDEBUG", "-fno-sanitize=undefined", "-fno-color-diagnostics", "-Werror")


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
    """The module does not compile or link for a target; ``str()`` carries the tools' output."""

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
    python_include()


def package_root(path: Path) -> Path:
    """The directory above PATH's package, from which ``cimport pkg.sub.mod`` resolves."""
    directory = path.resolve().parent
    while any((directory / f"__init__{ext}").exists() for ext in (".py", ".pxd", ".pyx")):
        directory = directory.parent
    return directory


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


Builder = Callable[[str], Path]


def build_each(archs: Sequence[str], build: Builder) -> Dict[str, Union[Path, CrossCheckError]]:
    """BUILD(arch) for each of ARCHS, in parallel: {arch: its binary, or the CrossCheckError}."""
    def one(arch: str) -> Union[Path, CrossCheckError]:
        try:
            return build(arch)
        except CrossCheckError as error:
            return error

    with ThreadPoolExecutor(max_workers=max(1, len(archs))) as pool:
        return dict(zip(archs, pool.map(one, archs)))


def check(pyx_path: Path, build: Callable[..., Path], *, archs: Sequence[str],
          include_dirs: Sequence[Path], workdir: Path,
          cython_include_path: Optional[Sequence[Path]]) -> Dict[str, Path]:
    """Translate PYX_PATH, then BUILD(c_file, arch=, include_dirs=, workdir=) it for each of ARCHS
    in parallel. INCLUDE_DIRS are C include directories, as setup.py passes them
    (socketstat/includes); the module's own directory comes first, as for a .c file generated
    beside the .pyx. Returns {arch: binary}; raises one CrossCheckError naming every failing step."""
    translation = translate(pyx_path, workdir=workdir, cython_include_path=cython_include_path)
    directories = c_include_dirs(pyx_path, include_dirs)
    results = build_each(archs, lambda arch: build(translation.c_file, arch=arch, include_dirs=directories,
                                                   workdir=workdir))
    failures = [failure for result in results.values() if isinstance(result, CrossCheckError)
                for failure in result.failures]
    if failures:
        raise CrossCheckError(failures)
    return {arch: result for arch, result in results.items() if isinstance(result, Path)}


def c_include_dirs(pyx_path: Path, include_dirs: Sequence[Path]) -> List[Path]:
    """The module's directory (where setuptools writes the .c), then INCLUDE_DIRS."""
    return [Path(pyx_path).resolve().parent, *include_dirs]


def python_include() -> Path:
    include = Path(sysconfig.get_paths()["include"])
    if not (include / "Python.h").is_file():
        raise zigcc.MissingToolError(f"no Python.h in {include}: install this Python's development headers")
    return include


def run(stage: str, target: str, args: List[str], workdir: Path, tool: str = "cc") -> None:
    """``zig TOOL ARGS`` in WORKDIR; a CrossCheckError for STAGE and TARGET if it fails."""
    completed = zigcc.zig(tool, args, cwd=workdir)
    if completed.returncode != 0:
        raise CrossCheckError([Failure(stage, target, ("zig", tool, *args), completed.stdout)])


