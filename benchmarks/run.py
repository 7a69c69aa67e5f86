"""socketstat's benchmark: per-call cost of each path against the floor, from one run.

Run from the repository root, against the installed package:

    python -m benchmarks                  # the table (about a minute)
    python -m benchmarks --markdown       # the same, as README-ready markdown
    python -m benchmarks --json out.json  # every figure, to compare across commits
    python -m benchmarks --quick          # tiny counts: a smoke test, not a measurement

How the timing is kept honest on a noisy shared VM:
  * the floor is the very syscalls socketstat() makes in socketstat/_linux.pyx, in a C loop
    compiled here with cc -O2 (benchmarks/floor.c), timed inside C, on the same fd; strace
    checks, when installed, that both issue the same calls;
  * every batch is about --batch-ms long; each repeat runs, for every case in turn (rotated from
    repeat to repeat), floor, Python, floor; the ratio is taken per repeat against the mean of the
    two floor batches beside it, so slow drift of the machine cancels, and its size is reported;
  * medians and p25-p75 over the repeats; never a mean, never a minimum;
  * the garbage collector stays on (it is part of what users pay); nothing is pinned unless
    --pin says so; machine, kernel, mitigations, clock source and load are recorded.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

if __name__ == "__main__" and not __package__:
    # python benchmarks/run.py: make the package importable, as python -m benchmarks does.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import (callgrind, cases as cases_module, cli, floor, gil, machine, report,
                        sockets, stats, syscall_check)
from benchmarks.installed import ROOT, InstalledSocketstat, import_installed_socketstat
from benchmarks.sockets import SocketKind

SCHEMA = 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = cli.argument_parser(
        "python -m benchmarks",
        "Per-call cost of socketstat against the floor (the same syscalls in C), what people "
        "write today (getsockopt + struct + ioctl) and psutil, on one machine in one run.",
        epilog="The listing benchmark (socketstat.sockets() over N connections against the same "
               "sock_diag dump in C, pyroute2, psutil and ss) is separate: "
               "python -m benchmarks listing --help.")
    parser.add_argument("--quick", action="store_true",
                        help="tiny counts: checks that every case runs; the figures mean nothing")
    cli.add_output_arguments(parser)
    parser.add_argument("--repeats", type=int, default=41, help="batches per case")
    parser.add_argument("--batch-ms", type=float, default=5.0,
                        help="target wall time of one batch; calls per batch are calibrated to it")
    parser.add_argument("--gil-window-ms", type=float, default=200.0,
                        help="length of one window of the GIL study")
    parser.add_argument("--gil-windows", type=int, default=7, help="windows per GIL scenario")
    parser.add_argument("--no-gil", action="store_true", help="skip the GIL study")
    parser.add_argument("--no-psutil", action="store_true", help="skip psutil even if importable")
    parser.add_argument("--no-syscall-check", action="store_true",
                        help="skip the strace comparison of socketstat's and the floor's syscalls")
    parser.add_argument("--callgrind", action="store_true",
                        help="also count user-space instructions per call under valgrind")
    parser.add_argument("--callgrind-calls", type=int, default=2000,
                        help="calls per batch under callgrind")
    parser.add_argument("--pin", type=int, metavar="CPU",
                        help="pin this process to one CPU (the GIL study then shares it)")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.repeats = min(arguments.repeats, 3)
        arguments.batch_ms = min(arguments.batch_ms, 0.2)
        arguments.gil_window_ms = min(arguments.gil_window_ms, 10.0)
        arguments.gil_windows = 1
        arguments.callgrind_calls = min(arguments.callgrind_calls, 20)
    if arguments.repeats < 1 or arguments.batch_ms <= 0 or arguments.gil_windows < 1:
        parser.error("--repeats, --batch-ms and --gil-windows must be positive")
    return arguments


def _calibrate(batch: Callable[[int], int], target_ns: float) -> int:
    """Calls per batch so that one batch takes about target_ns."""
    n = 1
    while True:
        elapsed = batch(n)
        if elapsed >= target_ns / 8 or n >= 1 << 24:
            break
        n *= 4
    return max(1, min(1 << 24, round(n * target_ns / max(elapsed, 1))))


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    api = import_installed_socketstat()

    psutil: ModuleType | None = None
    if arguments.no_psutil:
        psutil_note = "--no-psutil"
    else:
        try:
            psutil = importlib.import_module("psutil")     # optional dependency
            psutil_note = f"psutil {psutil.__version__}: Process().net_connections(kind='tcp')"
        except ImportError:
            psutil_note = "psutil is not installed (optional: pip install psutil)"
    if arguments.pin is not None:
        os.sched_setaffinity(0, {arguments.pin})

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="socketstat-bench-") as folder:
        library = floor.build_or_report(floor.build, folder)
        if library is None:
            return 2
        shown = ["floor.c" if word == str(floor.SOURCE) else
                 library.path.name if word == str(library.path) else word
                 for word in library.command]
        info = machine.describe_with_floor(api.backend, api.package, psutil, library.compiler,
                                           ROOT, shown)
        kinds, skipped = sockets.open_all()
        try:
            result = _run(arguments, api, library, kinds, skipped, psutil, psutil_note, info,
                          started)
        finally:
            for kind in kinds.values():
                kind.close()

    cli.print_result(arguments, result, report.text, report.markdown)
    return 0


def _run(arguments: argparse.Namespace, api: InstalledSocketstat, library: floor.FloorLibrary,
         kinds: dict[str, SocketKind], skipped: dict[str, str], psutil: ModuleType | None,
         psutil_note: str, info: dict[str, Any], started: float) -> dict[str, Any]:
    floors = cases_module.floors(kinds)
    found, case_skipped = cases_module.cases(api, kinds, psutil, psutil_note, library)
    skipped = {**{f"socketstat/{kind}": reason for kind, reason in skipped.items()},
               **case_skipped}

    floor_calls = {key: library.count(spec.path, kinds[spec.kind].fd) for key, spec in floors.items()}

    check: dict[str, Any] = {"status": "skipped", "reason": "--no-syscall-check"}
    if not arguments.no_syscall_check:
        check = syscall_check.check(sys.executable, library.path, ROOT)

    target_ns = arguments.batch_ms * 1e6
    batches: dict[str, cases_module.Batch] = {}
    for case in found:
        try:
            batches[case.key] = case.make()
        except Exception as error:   # a build's new API may not behave as the suite expects
            skipped[case.key] = f"failed to set up: {type(error).__name__}: {error}"
    found = [case for case in found if case.key in batches]

    def floor_batch(key: str) -> cases_module.Batch:
        spec = floors[key]
        fd = kinds[spec.kind].fd
        return lambda n: library.run(spec.path, fd, n)

    # Warm up (caches, freelists, branch predictors, CPU clocks), then calibrate each side.
    warm_ns = min(target_ns * 10, 50e6)
    calls: dict[str, int] = {}
    floor_calls_per_batch: dict[str, int] = {}
    for case in found:
        batch = batches[case.key]
        batch(max(1, _calibrate(batch, warm_ns)))
        calls[case.key] = _calibrate(batch, target_ns)
        if case.floor:
            floor_batch(case.floor)(max(1, _calibrate(floor_batch(case.floor), warm_ns)))
            floor_calls_per_batch[case.key] = _calibrate(floor_batch(case.floor), target_ns)

    # The measurement: per repeat, every case in a rotated order, each as floor, Python, floor.
    python_ns: dict[str, list[float]] = {case.key: [] for case in found}
    floor_ns: dict[str, list[float]] = {case.key: [] for case in found}
    ratios: dict[str, list[float]] = {case.key: [] for case in found}
    floor_series: dict[str, list[float]] = {key: [] for key in floors}   # in time order
    for repeat in range(arguments.repeats):
        shift = repeat % len(found)
        for case in found[shift:] + found[:shift]:
            n = calls[case.key]
            if case.floor:
                run_floor = floor_batch(case.floor)
                floor_n = floor_calls_per_batch[case.key]
                before = run_floor(floor_n) / floor_n
                python = batches[case.key](n) / n
                after = run_floor(floor_n) / floor_n
                floor_ns[case.key] += [before, after]
                floor_series[case.floor] += [before, after]
                ratios[case.key].append(python / ((before + after) / 2))
            else:
                python = batches[case.key](n) / n
            python_ns[case.key].append(python)

    results: dict[str, Any] = {}
    for case in found:
        entry: dict[str, Any] = {
            "label": case.label,
            "socket": case.kind,
            "floor": case.floor,
            "calls_per_batch": calls[case.key],
            "ns": stats.summary(python_ns[case.key]),
            "note": case.note,
        }
        traced = check.get("paths", {}).get(case.key)
        if traced:
            entry["syscalls"] = traced["calls"]
        elif case.floor and case.key.split("/")[0].startswith(("socketstat", "tcp_info",
                                                                "sampler", "ctypes")):
            entry["syscalls"] = floor_calls[case.floor]     # the same calls as its floor
        if case.floor:
            entry["floor_ns"] = stats.summary(floor_ns[case.key])
            entry["floor_calls_per_batch"] = floor_calls_per_batch[case.key]
            entry["ratio_to_floor"] = stats.summary(ratios[case.key])
        if case.target is not None:
            entry["target_ratio_to_floor"] = case.target
            entry["target_met"] = entry["ratio_to_floor"]["median"] <= case.target
        results[case.key] = entry

    floor_results: dict[str, Any] = {}
    for key, spec in floors.items():
        series = floor_series[key]
        if not series:
            continue
        floor_results[key] = {
            "label": spec.label,
            "socket": spec.kind,
            "path": floor.PATH_NAMES[spec.path],
            "syscalls": floor_calls[key],
            "ns": stats.summary(series),
            "drift": stats.drift(series),
        }

    headline: dict[str, Any] = {}

    def paired(name: str, slower: str, faster: str, target: float | None, meaning: str) -> None:
        if slower in python_ns and faster in python_ns:
            values = [a / b for a, b in zip(python_ns[slower], python_ns[faster])]
            headline[name] = {"of": slower, "over": faster, "meaning": meaning,
                              "ratio": stats.summary(values)}
            if target is not None:
                headline[name]["target"] = target
                headline[name]["target_met"] = headline[name]["ratio"]["median"] >= target

    paired("socketstat_speedup_over_handrolled", "handrolled/tcp4", "socketstat/tcp4", 1.8,
           "hand-rolled stdlib time / socketstat(fd) time (>1: socketstat faster)")
    paired("to_dict_speedup_over_handrolled", "handrolled/tcp4", "socketstat_to_dict/tcp4", None,
           "hand-rolled stdlib time / socketstat(fd).to_dict() time")
    paired("tcp_info_speedup_over_handrolled", "handrolled_tcp_info/tcp4", "tcp_info/tcp4", None,
           "getsockopt+struct.unpack time / socketstat.tcp_info(fd) time")
    paired("socketstat_speedup_over_psutil", "psutil/tcp4", "socketstat/tcp4", None,
           "psutil net_connections lookup time / socketstat(fd) time")

    gil_release: dict[str, Any] | None = None
    if "ctypes_released/tcp4" in python_ns and "ctypes_held/tcp4" in python_ns:
        gil_release = {
            "meaning": "ns per call that releasing and retaking the GIL adds, uncontended: "
                       "ctypes CDLL minus PyDLL calling the same C function, paired per repeat",
            "ns": stats.summary([released - held for released, held in
                                 zip(python_ns["ctypes_released/tcp4"],
                                     python_ns["ctypes_held/tcp4"])]),
        }

    gil_result: dict[str, Any] = {"status": "skipped", "reason": "--no-gil",
                                  "uncontended_release_cost": gil_release}
    if not arguments.no_gil and "tcp4" in kinds:
        gil_result = gil.measure(api.socketstat, library, kinds["tcp4"].fd,
                                 arguments.gil_window_ms / 1e3, arguments.gil_windows)
        gil_result["status"] = "ok"
        gil_result["uncontended_release_cost"] = gil_release
        if "socketstat/tcp4" in results:
            gil_result["socketstat_single_thread_ns"] = results["socketstat/tcp4"]["ns"]["median"]

    callgrind_result: dict[str, Any] = {"status": "skipped", "reason": "not asked (--callgrind)"}
    if arguments.callgrind:
        if library.callgrind:
            callgrind_result = callgrind.measure(sys.executable, library.path, ROOT,
                                                 arguments.callgrind_calls)
        else:
            callgrind_result = {"status": "skipped", "reason": "valgrind/callgrind.h not found"}

    info["load_average_at_end"] = list(os.getloadavg())
    return {
        "schema": SCHEMA,
        "tool": "socketstat benchmarks (python -m benchmarks)",
        "argv": sys.argv[1:],
        "quick": arguments.quick,
        "settings": {
            "repeats": arguments.repeats,
            "batch_ms": arguments.batch_ms,
            "scheme": "per repeat, each case in rotated order as floor, Python, floor batches; "
                      "ratio per repeat = Python / mean of the two floor batches",
            "timer": "time.perf_counter_ns / clock_gettime(CLOCK_MONOTONIC)",
            "gc": "enabled" if gc.isenabled() else "disabled",
            "pinned_cpu": arguments.pin,
        },
        "machine": info,
        "api": api.sources,
        "sockets": {name: kind.label for name, kind in kinds.items()},
        "floors": floor_results,
        "cases": results,
        "skipped": skipped,
        "headline": headline,
        "gil": gil_result,
        "syscall_check": check,
        "callgrind": callgrind_result,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
