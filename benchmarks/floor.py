"""The floor: benchmarks/floor.c, compiled here at run time with ``cc -O2`` and loaded via ctypes.

Both loaders are kept: ``CDLL`` releases the GIL around each call (the batch timings, and the GIL
study's "released" reference) and ``PyDLL`` keeps it, as socketstat does (the GIL study's "held"
reference).
"""

from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

SOURCE = Path(__file__).with_name("floor.c")

Library = TypeVar("Library")

# enum ssb_path in floor.c
SNAPSHOT = 0
SNAPSHOT_DETAILS = 1
TCP_INFO = 2
SAMPLER = 3

PATH_NAMES = {
    SNAPSHOT: "snapshot",
    SNAPSHOT_DETAILS: "snapshot_details",
    TCP_INFO: "tcp_info",
    SAMPLER: "sampler",
}


class FloorError(RuntimeError):
    pass


@dataclass
class FloorLibrary:
    path: Path
    compiler: str
    command: list[str]
    callgrind: bool
    released: ctypes.CDLL     # calls release the GIL
    held: ctypes.PyDLL        # calls keep the GIL

    def run(self, path: int, fd: int, n: int) -> int:
        """Nanoseconds for n iterations of one syscall path on fd, timed inside C."""
        elapsed: int = self.released.ssb_run(path, fd, n)
        if elapsed < 0:
            raise FloorError(self._failure(path, fd))
        return elapsed

    def count(self, path: int, fd: int) -> int:
        """Syscalls one iteration of the path issues on fd."""
        calls: int = self.released.ssb_count(path, fd)
        if calls < 0:
            raise FloorError(self._failure(path, fd))
        return calls

    def group_batch(self, fds: list[int], *, release_gil: bool = True) -> Callable[[int], int]:
        """run(passes) -> nanoseconds of ssb_group_run over fds (SamplerGroup.sample()'s floor),
        its rows allocated here, once; through CDLL (the GIL released around each batch) or
        PyDLL (held)."""
        array = (ctypes.c_int * len(fds))(*fds)
        rows = ctypes.create_string_buffer(self.released.ssb_group_row_size() * max(1, len(fds)))
        function = (self.released if release_gil else self.held).ssb_group_run

        def run(passes: int) -> int:
            elapsed: int = function(array, len(fds), rows, passes)
            if elapsed < 0:
                raise FloorError(self._failure(SAMPLER, fds[0]))
            return elapsed
        return run

    def _failure(self, path: int, fd: int) -> str:
        step = self.released.ssb_failed_call()
        error = self.released.ssb_failed_error()
        return (f"floor path {PATH_NAMES.get(path, path)} failed on fd {fd} at step {step}: "
                f"{os.strerror(error)} (errno {error})")


def _declare(library: ctypes.CDLL) -> None:
    library.ssb_run.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64]
    library.ssb_run.restype = ctypes.c_int64
    library.ssb_count.argtypes = [ctypes.c_int, ctypes.c_int]
    library.ssb_count.restype = ctypes.c_int
    library.ssb_failed_call.argtypes = []
    library.ssb_failed_call.restype = ctypes.c_int
    library.ssb_failed_error.argtypes = []
    library.ssb_failed_error.restype = ctypes.c_int
    library.ssb_callgrind_start.argtypes = []
    library.ssb_callgrind_start.restype = None
    library.ssb_callgrind_stop.argtypes = [ctypes.c_char_p]
    library.ssb_callgrind_stop.restype = None
    library.ssb_group_row_size.argtypes = []
    library.ssb_group_row_size.restype = ctypes.c_size_t
    library.ssb_group_run.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.c_int, ctypes.c_void_p,
                                      ctypes.c_int64]
    library.ssb_group_run.restype = ctypes.c_int64
    library.ssb_has_callgrind.argtypes = []
    library.ssb_has_callgrind.restype = ctypes.c_int


def compiler() -> str | None:
    """$CC if set, else cc: the first word must be on PATH."""
    command = os.environ.get("CC", "cc")
    words = shlex.split(command)
    return command if words and shutil.which(words[0]) else None


def compiler_version(command: str) -> str:
    try:
        output = subprocess.run(shlex.split(command) + ["--version"], capture_output=True,
                                text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as error:
        return f"unknown ({error})"
    return output.splitlines()[0] if output else "unknown"


def build(directory: Path) -> FloorLibrary:
    """Compile floor.c into directory and load it twice (CDLL and PyDLL)."""
    cc = compiler()
    if cc is None:
        raise FloorError("no C compiler: the floor is compiled at run time; install cc or set $CC")
    callgrind = Path("/usr/include/valgrind/callgrind.h").exists()
    target = directory / "socketstat_floor.so"
    command = shlex.split(cc) + ["-O2", "-shared", "-fPIC", "-Wall", "-o", str(target), str(SOURCE)]
    if callgrind:
        command.insert(-1, "-DSSB_CALLGRIND")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise FloorError(f"compiling the floor failed: {shlex.join(command)}\n{result.stderr}")
    return load(target, cc, command, callgrind)


def build_or_report(build: Callable[[Path], Library], folder: str) -> Library | None:
    """build(Path(folder)); None, the error printed to stderr, if it raises FloorError."""
    try:
        return build(Path(folder))
    except FloorError as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def load(target: Path, cc: str = "", command: list[str] | None = None,
         callgrind: bool = False) -> FloorLibrary:
    """Load a compiled floor twice: through CDLL (GIL released) and PyDLL (GIL held)."""
    released = ctypes.CDLL(str(target))
    held = ctypes.PyDLL(str(target))
    _declare(released)
    _declare(held)
    return FloorLibrary(target, cc, command or [], callgrind, released, held)
