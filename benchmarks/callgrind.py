"""User-space instructions per call, under valgrind's callgrind (``--callgrind``).

Wall time on a shared VM wobbles; instruction counts do not. Callgrind sees only user space, so
this counts exactly what socketstat adds on top of the kernel's work: the floor's figure is the
libc wrappers and the loop, socketstat's is that plus the interpreter, argument parsing, the
records and their allocation. The child runs each batch between client requests in floor.c
(CALLGRIND_ZERO_STATS / START_INSTRUMENTATION ... DUMP_STATS_AT), one dump per batch.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import cases as cases_module, floor
from benchmarks.installed import import_installed_socketstat
from benchmarks.sockets import open_all


def _child(library_path: str, n: int) -> None:
    api = import_installed_socketstat()
    floor_library = floor.load(Path(library_path))
    library = floor_library.released
    kinds, _ = open_all()
    found, _ = cases_module.cases(api, kinds, None, "not under valgrind", floor_library)
    for floor_key, spec in cases_module.floors(kinds).items():
        fd = kinds[spec.kind].fd
        library.ssb_run(spec.path, fd, 10)
        library.ssb_callgrind_start()
        library.ssb_run(spec.path, fd, n)
        library.ssb_callgrind_stop(f"floor:{floor_key}".encode())
    for case in found:
        batch = case.make()
        batch(10)
        library.ssb_callgrind_start()
        batch(n)
        library.ssb_callgrind_stop(f"case:{case.key}".encode())


def measure(python: str, library: Path, cwd: Path, n: int) -> dict[str, Any]:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return {"status": "skipped", "reason": "valgrind is not installed"}
    with tempfile.TemporaryDirectory(prefix="socketstat-callgrind-") as folder:
        output = Path(folder) / "callgrind.out"
        command = [valgrind, "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={output}", python, "-m", "benchmarks.callgrind",
                   str(library), str(n)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=1800)
        if result.returncode != 0:
            return {"status": "failed", "reason": result.stderr[-1000:]}
        per_call: dict[str, dict[str, float]] = {"floors": {}, "cases": {}}
        for dump in sorted(Path(folder).glob("callgrind.out*")):
            text = dump.read_text(errors="replace")
            label = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.MULTILINE)
            # "summary:" is written before the counts and may read 0; "totals:" is the sum.
            total = re.search(r"^totals:\s+(\d+)", text, re.MULTILINE)
            if not label or not total:
                continue
            group, _, key = label.group(1).partition(":")
            per_call["floors" if group == "floor" else "cases"][key] = int(total.group(1)) / n
    return {"status": "ok", "calls_per_batch": n, "instructions_per_call": per_call,
            "note": "user-space instructions (Ir) only; the kernel's share is not counted"}


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
