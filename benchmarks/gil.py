"""The GIL question, by measurement: the study behind socketstat holding the GIL.

socketstat(fd) HOLDS the GIL through its syscalls; this study is the measurement behind that
choice (see "Why the GIL is not released" in socketstat/_linux.pyx). Releasing it would let a
pure-Python CPU-bound thread run during the syscalls, but they never block, the release and retake
cost time on every call (ctypes_released minus ctypes_held in the main table), and the caller must
then wait to take the GIL back, which CPython hands over only every ``sys.getswitchinterval()``
(the convoy effect, bpo-7946): beside a CPU-bound thread, a releasing caller is starved. Each
scenario runs threads for a fixed window and counts what each got done:

* ``cpu_solo``: a pure-Python CPU-bound thread alone (work units of ~100 additions);
* ``<caller>_solo``: a thread calling one function in a loop, alone;
* ``cpu+<caller>``: both together: how much each keeps of its solo rate;
* ``2x<caller>``: two caller threads: does the pair get more done than one?

Callers: ``socketstat`` (the installed build) and, as references doing the same syscalls in C
through ctypes, ``floor_held`` (ctypes.PyDLL: the GIL kept, as socketstat does) and
``floor_released`` (ctypes.CDLL: the GIL released around the call, what a build with ``with
nogil:`` around the syscalls would do). The two references share the ctypes call overhead, so
they differ only in the GIL: their rows show what releasing it would cost socketstat's callers.
"""

from __future__ import annotations

import sys
import threading
import time
from time import perf_counter_ns
from collections.abc import Callable
from functools import partial
from typing import Any

from benchmarks import floor, stats
from benchmarks.installed import SocketstatFunction


class _Flag:
    __slots__ = ("stop",)

    def __init__(self) -> None:
        self.stop = False


def _cpu(flag: _Flag, go: threading.Event, counts: list[int], slot: int) -> None:
    go.wait()
    count = 0
    while not flag.stop:
        total = 0
        for value in range(100):
            total += value
        count += 1
    counts[slot] = count


def _caller(flag: _Flag, go: threading.Event, counts: list[int], slot: int,
            function: Callable[[int], object], argument: int, latencies: list[int]) -> None:
    clock = perf_counter_ns
    record = latencies.append
    go.wait()
    count = 0
    while not flag.stop:
        start = clock()
        function(argument)
        record(clock() - start)
        count += 1
    counts[slot] = count


Worker = tuple[str, Callable[..., None], tuple[Any, ...]]   # role, target, extra arguments


def _window(workers: list[Worker], seconds: float) -> dict[str, float]:
    """Run the workers together for about `seconds`; each role's rate, per second."""
    flag = _Flag()
    go = threading.Event()
    counts = [0] * len(workers)
    threads = [threading.Thread(target=target, args=(flag, go, counts, slot, *extra), daemon=True)
               for slot, (_, target, extra) in enumerate(workers)]
    for thread in threads:
        thread.start()
    time.sleep(0.005)
    start = time.perf_counter()
    go.set()
    time.sleep(seconds)
    flag.stop = True
    elapsed = time.perf_counter() - start
    for thread in threads:
        thread.join()
    rates: dict[str, float] = {}
    for (role, _, _), count in zip(workers, counts):
        rates[role] = rates.get(role, 0.0) + count / elapsed
    return rates


def _latency(values: list[int]) -> dict[str, float] | None:
    """Percentiles of one call's wall time as its caller saw it (two perf_counter_ns around it)."""
    if not values:
        return None
    return {"p50": stats.quantile(values, 0.5), "p90": stats.quantile(values, 0.9),
            "p99": stats.quantile(values, 0.99), "max": float(max(values)),
            "calls": len(values)}


def measure(socketstat: SocketstatFunction, library: floor.FloorLibrary, fd: int,
            window: float, windows: int) -> dict[str, Any]:
    callers: dict[str, tuple[Callable[[int], object], int]] = {
        "socketstat": (socketstat, fd),
        "floor_released": (partial(library.released.ssb_run, floor.SNAPSHOT, fd), 1),
        "floor_held": (partial(library.held.ssb_run, floor.SNAPSHOT, fd), 1),
    }
    cpu: Worker = ("cpu", _cpu, ())
    scenarios: dict[str, list[Worker]] = {"cpu_solo": [cpu]}
    latencies: dict[str, list[int]] = {}     # per-call latency of the caller, every window
    for name, (function, argument) in callers.items():
        for scenario in (f"{name}_solo", f"cpu+{name}", f"2x{name}"):
            latencies[scenario] = []
        alone_latencies = latencies[f"{name}_solo"]
        beside_latencies = latencies[f"cpu+{name}"]
        pair_latencies = latencies[f"2x{name}"]
        scenarios[f"{name}_solo"] = [("caller", _caller, (function, argument, alone_latencies))]
        scenarios[f"cpu+{name}"] = [cpu, ("caller", _caller,
                                          (function, argument, beside_latencies))]
        scenarios[f"2x{name}"] = [("caller", _caller, (function, argument, pair_latencies))] * 2

    samples: dict[str, dict[str, list[float]]] = {name: {} for name in scenarios}
    names = list(scenarios)
    if windows > 1:                                   # warm-up: one short window each
        for name in names:
            _window(scenarios[name], min(window, 0.02))
        for recorded in latencies.values():
            recorded.clear()
    for index in range(windows):
        rotated = names[index % len(names):] + names[:index % len(names)]
        for name in rotated:
            for role, per_second in _window(scenarios[name], window).items():
                samples[name].setdefault(role, []).append(per_second)

    def rate(name: str, role: str) -> float:
        return float(stats.summary(samples[name][role])["median"])

    result: dict[str, Any] = {
        "switch_interval_s": sys.getswitchinterval(),
        "window_s": window,
        "windows": windows,
        "cpu_unit": "one pure-Python loop of 100 additions",
        "cpu_solo_units_per_s": stats.summary(samples["cpu_solo"]["cpu"]),
        "callers": {},
    }
    cpu_solo = rate("cpu_solo", "cpu")
    for name in callers:
        solo = rate(f"{name}_solo", "caller")
        together_cpu = rate(f"cpu+{name}", "cpu")
        together_caller = rate(f"cpu+{name}", "caller")
        pair = rate(f"2x{name}", "caller")
        result["callers"][name] = {
            "solo_calls_per_s": stats.summary(samples[f"{name}_solo"]["caller"]),
            "solo_ns_per_call": 1e9 / solo if solo else None,
            "solo_latency_ns": _latency(latencies[f"{name}_solo"]),
            "with_cpu_thread": {
                "cpu_units_per_s": stats.summary(samples[f"cpu+{name}"]["cpu"]),
                "caller_calls_per_s": stats.summary(samples[f"cpu+{name}"]["caller"]),
                "cpu_kept": together_cpu / cpu_solo if cpu_solo else None,
                "caller_kept": together_caller / solo if solo else None,
                "caller_ns_per_call": 1e9 / together_caller if together_caller else None,
                "caller_latency_ns": _latency(latencies[f"cpu+{name}"]),
            },
            "two_threads": {
                "calls_per_s": stats.summary(samples[f"2x{name}"]["caller"]),
                "speedup_vs_one": pair / solo if solo else None,
            },
        }
    return result
