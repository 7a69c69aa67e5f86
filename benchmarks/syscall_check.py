"""Does the floor make the very syscalls socketstat makes? Checked with strace, when installed.

The parent runs ``python -m benchmarks.syscall_check LIBRARY`` under strace. The child opens the
sockets and, for each path, calls socketstat once and the C floor once, each between marker
syscalls (close() of a negative fd); the parent cuts the trace at the markers and compares the two
sequences, normalised to the syscall, its symbolic arguments and its lengths.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import floor
from benchmarks.cases import handrolled_parts
from benchmarks.installed import import_installed_socketstat
from benchmarks.sockets import open_all

TRACED = "getsockopt,getsockname,getpeername,ioctl,fstat,newfstatat,statx,close"
_MARKER = re.compile(r"^close\((-\d+)\)")
_CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+)(?:\s+(\w+))?")


def _split_arguments(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    quoted = False
    for char in text:
        if char == '"' and not current.endswith("\\"):
            quoted = not quoted
        if not quoted:
            if char in "[{(":
                depth += 1
            elif char in "]})":
                depth -= 1
            elif char == "," and depth == 0:
                parts.append(current.strip())
                current = ""
                continue
        current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def normalise(line: str) -> str | None:
    """'getsockopt(3, SOL_SOCKET, SO_PROTOCOL, [6], [4]) = 0' -> 'getsockopt(3,SOL_SOCKET,SO_PROTOCOL,[4])=0'.

    Kept: the fd, symbolic constants, and lengths ([4], [128 => 16]); dropped: buffer contents.
    """
    match = _CALL.match(line)
    if not match:
        return None
    name, arguments, result, error = match.groups()
    kept: list[str] = []
    parts = _split_arguments(arguments)
    for index, part in enumerate(parts):
        if index == 0 or re.fullmatch(r"[A-Z_][A-Z0-9_|]*", part):
            kept.append(part)
        elif index == len(parts) - 1 and re.fullmatch(r"\[\d+( => \d+)?\]", part):
            kept.append(part)
    name = "fstat" if name in ("newfstatat", "statx") else name
    return f"{name}({','.join(kept)})={result}{' ' + error if error else ''}"


def _child(library_path: str) -> None:
    api = import_installed_socketstat()
    library = ctypes.CDLL(library_path)
    library.ssb_run.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int64]
    library.ssb_run.restype = ctypes.c_int64
    kinds, _ = open_all()
    # (case key, one call given the fd, the floor path doing the same syscalls or -1, fd)
    plans: list[tuple[str, Callable[[int], object], int, int]] = []
    socketstat = api.socketstat
    for kind in kinds.values():
        plans.append((f"socketstat/{kind.name}", socketstat, floor.SNAPSHOT, kind.fd))
    if "tcp4" in kinds:
        fd = kinds["tcp4"].fd
        plans.append(("socketstat_details/tcp4", lambda fd: socketstat(fd, details=True),
                      floor.SNAPSHOT_DETAILS, fd))
        if api.tcp_info is not None:
            plans.append(("tcp_info/tcp4", api.tcp_info, floor.TCP_INFO, fd))
        if api.sampler_class is not None:
            sampler = api.sampler_class(fd)
            plans.append(("sampler/tcp4", lambda fd: sampler.sample(), floor.SAMPLER, fd))
        read_all, read_tcp_info = handrolled_parts(kinds["tcp4"].sock)
        plans.append(("handrolled/tcp4", lambda fd: read_all(), -1, fd))
        plans.append(("handrolled_tcp_info/tcp4", lambda fd: read_tcp_info(), -1, fd))
    for _, function, path, fd in plans:     # warm up: lazy imports, first-call work
        function(fd)
        if path >= 0:
            library.ssb_run(path, fd, 1)
    for index, (key, function, path, fd) in enumerate(plans):
        print(f"{-1000 - 3 * index} {key}", file=sys.stderr)
        _mark(-1000 - 3 * index)
        function(fd)
        _mark(-1001 - 3 * index)
        if path >= 0:
            library.ssb_run(path, fd, 1)
        _mark(-1002 - 3 * index)


def _mark(number: int) -> None:
    try:
        os.close(number)
    except OSError:
        pass


class TraceSkipped(Exception):
    """strace is not installed or the traced run failed; the message says which."""


def traced_segments(python: str, module: str, library: Path, cwd: Path, traced: str,
                    normalise: Callable[[str], str | None], options: Sequence[str] = (),
                    ) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Run ``python -m MODULE LIBRARY`` under strace and cut its trace at the markers.

    strace traces the syscalls named in ``traced`` (plus ``options``, e.g. ``-e verbose=none``).
    The child prints "NUMBER KEY" lines to stderr and makes a marker syscall (close() of the
    negative fd NUMBER, see _mark) before each stretch of calls. Returns (the keys by marker
    number, the calls after each marker up to the next one, each passed through ``normalise``
    and kept unless it returns None). Raises TraceSkipped if strace is missing or the run fails.
    """
    strace = shutil.which("strace")
    if strace is None:
        raise TraceSkipped("strace is not installed")
    with tempfile.TemporaryDirectory(prefix="socketstat-strace-") as folder:
        trace = Path(folder) / "trace"
        command = [strace, "-qq", "-e", f"trace={traced}", "-e", "signal=none", *options,
                   "-o", str(trace), python, "-m", module, str(library)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120)
        if result.returncode != 0 or not trace.exists():
            raise TraceSkipped(f"strace run failed ({result.returncode}): {result.stderr[-500:]}")
        lines = trace.read_text().splitlines()
    keys: dict[int, str] = {}
    for line in result.stderr.splitlines():
        number, _, key = line.partition(" ")
        if number.lstrip("-").isdigit():
            keys[int(number)] = key
    segments: dict[int, list[str]] = {}
    current: int | None = None
    for line in lines:
        marker = _MARKER.match(line)
        if marker:
            current = int(marker.group(1))
            segments[current] = []
        elif current is not None:
            call = normalise(line)
            if call is not None:
                segments[current].append(call)
    return keys, segments


def compare(python: str, module: str, library: Path, cwd: Path, traced: str,
            normalise: Callable[[str], str | None],
            judge: Callable[[str, list[str], list[str]], dict[str, Any]],
            options: Sequence[str] = (), require_paths: bool = False) -> dict[str, Any]:
    """The check's result: each key the child printed, judged on its Python and floor calls.

    The child marks each key's Python call with the number it printed and the floor call that
    follows with that number minus one (see _child). ``judge(key, python_calls, floor_calls)``
    returns the key's entry, whose "status" is "DIFFERENT" when the two differ. With
    ``require_paths``, a trace that yields no key at all counts as DIFFERENT too.
    """
    try:
        keys, segments = traced_segments(python, module, library, cwd, traced, normalise, options)
    except TraceSkipped as skipped:
        return {"status": "skipped", "reason": str(skipped)}
    paths = {key: judge(key, segments.get(start, []), segments.get(start - 1, []))
             for start, key in keys.items()}
    different = [key for key, entry in paths.items() if entry["status"] == "DIFFERENT"]
    return {"status": "DIFFERENT" if different or (require_paths and not paths) else "same",
            "different": different, "paths": paths}


def _judge(key: str, python_calls: list[str], floor_calls: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"python": python_calls, "calls": len(python_calls)}
    if key.startswith("handrolled"):
        entry["status"] = "reference"
    else:
        entry["floor"] = floor_calls
        entry["status"] = "same" if python_calls == floor_calls else "DIFFERENT"
    return entry


def check(python: str, library: Path, cwd: Path) -> dict[str, Any]:
    return compare(python, "benchmarks.syscall_check", library, cwd, TRACED, normalise, _judge)


if __name__ == "__main__":
    _child(sys.argv[1])
