"""The group benchmark: ``SamplerGroup.sample()`` over N connections, per socket, against its floor.

Run from the repository root, against the installed package:

    python -m benchmarks group                  # N = 1, 10, 100, 1,000, 10,000
    python -m benchmarks group --markdown       # README-ready tables
    python -m benchmarks group --json out.json  # every figure
    python -m benchmarks group --callgrind      # also user-space instructions per socket
    python -m benchmarks group --quick          # tiny N and counts: a smoke test

For each N, N established TCP/IPv4 loopback connections: the client ends are opened here (they
are what is sampled), the server ends are held by a child process (benchmarks/listing_fixture.py's
server, which writes 100 bytes on each, never read), so 10,000 connections take 10,000 fds here,
under the hard RLIMIT_NOFILE of 20,000. Then, in one run, in an order rotated from round to
round, each case reads every client end:

  * the floor: floor.c's ssb_group_run, the sampler's syscalls (getsockopt(TCP_INFO),
    ioctl(SIOCINQ), ioctl(SIOCOUTQ), and clock_gettime, as SamplerGroup reads the clock per
    member) for every fd into that fd's row of an array, compiled with cc -O2, timed inside C,
    called through ctypes.CDLL (the GIL released around the batch);
  * the same floor through ctypes.PyDLL (the GIL held): its ratio to the CDLL floor is what
    releasing the GIL once per batch costs (SamplerGroup holds it);
  * ``SamplerGroup.sample()`` (no column viewed: the loop alone), and with three columns held as
    memoryviews (each refreshed by every sample());
  * a Python loop of ``Sampler.sample()`` over one Sampler per connection, what users write today.

Every case but the floor runs as floor, case, floor: its ratio to the floor is taken per round
against the two floor batches beside it. Medians and p25-p75 over the rounds, never means; the
figure is nanoseconds per socket (a batch's time over passes × N). Memory per member is
tracemalloc's count of what ``SamplerGroup(clients)`` holds (the C storage comes from
PyMem_Realloc, which tracemalloc traces), over N. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from itertools import repeat
from pathlib import Path
from time import perf_counter_ns
from typing import TYPE_CHECKING, Any

if __name__ == "__main__" and not __package__:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import cli, floor, listing_fixture, machine, report, stats
from benchmarks.installed import ROOT, import_installed_socketstat

if TYPE_CHECKING:
    from socketstat import Sampler, SamplerGroup

SCHEMA = 1
TOOL = "socketstat group benchmark (python -m benchmarks group)"
DEFAULT_COUNTS = (1, 10, 100, 1_000, 10_000)
TARGET_RATIO_TO_FLOOR = 1.02       # for N >= 10 (the issue); reported, never asserted
VIEWED = ("unsent", "tcpi_rtt", "tcpi_bytes_acked")
Batch = Callable[[int], int]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = cli.argument_parser(
        "python -m benchmarks group",
        "Per-socket cost of SamplerGroup.sample() over N loopback connections against the same "
        "syscalls in a C loop over the same fds, and a Python loop of Sampler.sample().")
    parser.add_argument("--connections", default=",".join(map(str, DEFAULT_COUNTS)),
                        help="comma-separated N")
    parser.add_argument("--repeats", type=int, default=15, help="rounds per N")
    parser.add_argument("--batch-ms", type=float, default=20.0,
                        help="target wall time of one batch; passes per batch are calibrated")
    parser.add_argument("--callgrind", action="store_true",
                        help="also count user-space instructions per socket under valgrind")
    parser.add_argument("--quick", action="store_true",
                        help="N = 1 and 10, tiny counts: checks that every case runs")
    cli.add_output_arguments(parser)
    arguments = parser.parse_args(argv)
    arguments.counts = [int(word) for word in arguments.connections.split(",") if word]
    if arguments.quick:
        arguments.counts = [1, 10]
        arguments.repeats = min(arguments.repeats, 3)
        arguments.batch_ms = min(arguments.batch_ms, 0.5)
    if not arguments.counts or min(arguments.counts) < 1 or arguments.repeats < 1:
        parser.error("--connections and --repeats must be positive")
    return arguments


class Clients:
    """``with Clients(n) as clients:``: n established loopback connections, the client ends here
    (``clients.socks``), the server ends in listing_fixture.py's server child."""

    def __init__(self, count: int):
        self.count = count
        self.socks: list[socket.socket] = []
        self._server: subprocess.Popen[str] | None = None

    def __enter__(self) -> Clients:
        listing_fixture.raise_fd_limit()
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if self.count + listing_fixture.SPARE_FDS > soft:
            raise listing_fixture.FixtureError(
                f"{self.count} connections need {self.count + listing_fixture.SPARE_FDS} fds "
                f"here; RLIMIT_NOFILE allows {soft}")
        self._server = subprocess.Popen(
            [sys.executable, str(Path(listing_fixture.__file__).resolve()), "server",
             str(self.count), "600"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._server.stdout is not None
        words = self._server.stdout.readline().split()
        if words[:1] != ["port"]:
            self.close()
            raise listing_fixture.FixtureError(f"the fixture's server said {words!r}")
        address = (listing_fixture.HOST, int(words[1]))
        try:
            for _ in range(self.count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self.socks.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, listing_fixture.LINGER_RESET)
                sock.connect(address)
            if self._server.stdout.readline().split()[:1] != ["ready"]:
                raise listing_fixture.FixtureError("the fixture's server did not accept them all")
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        for sock in self.socks:
            sock.close()
        self.socks = []
        if self._server is not None:
            if self._server.stdin is not None:
                self._server.stdin.close()
            self._server.wait(timeout=60)
            if self._server.stdout is not None:
                self._server.stdout.close()
            self._server = None

    def __exit__(self, *exception: object) -> None:
        self.close()


def _group_batch(group: SamplerGroup) -> Batch:
    sample = group.sample

    def run(passes: int) -> int:
        calls = repeat(None, passes)
        start = perf_counter_ns()
        for _ in calls:
            sample()
        return perf_counter_ns() - start
    return run


def _sampler_loop_batch(samplers: list[Sampler]) -> Batch:
    samples = [sampler.sample for sampler in samplers]

    def run(passes: int) -> int:
        calls = repeat(None, passes)
        start = perf_counter_ns()
        for _ in calls:
            for sample in samples:
                sample()
        return perf_counter_ns() - start
    return run


def _calibrate(batch: Batch, target_ns: float) -> int:
    passes = 1
    while True:
        elapsed = batch(passes)
        if elapsed >= target_ns / 4 or passes >= 1 << 22:
            return max(1, round(passes * target_ns / max(elapsed, 1)))
        passes *= 4


def member_bytes(api_group: type[SamplerGroup], socks: list[socket.socket]) -> float:
    """What a SamplerGroup of these sockets holds, per member, by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        group = api_group(socks)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del group
    return held / len(socks)


def measure_n(library: floor.FloorLibrary, group_class: type[SamplerGroup],
              sampler_class: type[Sampler], socks: list[socket.socket], repeats: int,
              target_ns: float) -> dict[str, Any]:
    count = len(socks)
    fds = [sock.fileno() for sock in socks]
    group = group_class(socks)
    viewed_group = group_class(socks)
    viewed_group.sample()
    views = [memoryview(getattr(viewed_group.current, name)) for name in VIEWED]
    samplers = [sampler_class(sock) for sock in socks]
    floor_batch = library.group_batch(fds)
    cases: dict[str, Batch] = {
        "SamplerGroup.sample()": _group_batch(group),
        f"SamplerGroup.sample(), {len(VIEWED)} columns viewed": _group_batch(viewed_group),
        "Python loop of Sampler.sample()": _sampler_loop_batch(samplers),
        "C floor, GIL held (ctypes.PyDLL)": library.group_batch(fds, release_gil=False),
    }
    passes = {name: _calibrate(batch, target_ns) for name, batch in cases.items()}
    floor_passes = _calibrate(floor_batch, target_ns)
    per_socket: dict[str, list[float]] = {name: [] for name in cases}
    ratios: dict[str, list[float]] = {name: [] for name in cases}
    floors: list[float] = []
    names = list(cases)
    for round_index in range(repeats):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            before = floor_batch(floor_passes) / (floor_passes * count)
            value = cases[name](passes[name]) / (passes[name] * count)
            after = floor_batch(floor_passes) / (floor_passes * count)
            floors += [before, after]
            per_socket[name].append(value)
            ratios[name].append(value / ((before + after) / 2))
    group_ns = per_socket["SamplerGroup.sample()"]
    loop_ns = per_socket["Python loop of Sampler.sample()"]
    for view in views:
        view.release()
    return {
        "connections": count,
        "floor_ns_per_socket": stats.summary(floors),
        "floor_drift": stats.drift(floors),
        "cases": {name: {"ns_per_socket": stats.summary(per_socket[name]),
                         "ratio_to_floor": stats.summary(ratios[name]),
                         "passes_per_batch": passes[name]} for name in names},
        "speedup_over_sampler_loop": stats.summary([loop / grouped for loop, grouped
                                                    in zip(loop_ns, group_ns)]),
        "member_bytes": member_bytes(group_class, socks),
    }


def _callgrind_child(library_path: str, count: int, passes: int) -> None:
    """Under valgrind: instructions of the floor, SamplerGroup.sample() and the Sampler loop
    over `count` connections, both ends held here (so no fixture child runs under valgrind)."""
    api = import_installed_socketstat()
    library = floor.load(Path(library_path))
    group_class = api.package.SamplerGroup
    assert api.sampler_class is not None
    with socket.create_server(("127.0.0.1", 0), backlog=count) as listener:
        clients = [socket.create_connection(listener.getsockname()) for _ in range(count)]
        servers = [listener.accept()[0] for _ in range(count)]
        batches = {"floor": library.group_batch([sock.fileno() for sock in clients]),
                   "group": _group_batch(group_class(clients)),
                   "sampler_loop": _sampler_loop_batch([api.sampler_class(sock)
                                                        for sock in clients])}
        for label, batch in batches.items():
            batch(2)
            library.released.ssb_callgrind_start()
            batch(passes)
            library.released.ssb_callgrind_stop(label.encode())
        for sock in clients + servers:
            sock.close()


def callgrind(library: floor.FloorLibrary, count: int, passes: int) -> dict[str, Any]:
    import re
    import shutil
    valgrind = shutil.which("valgrind")
    if valgrind is None or not library.callgrind:
        return {"status": "skipped", "reason": "valgrind or valgrind/callgrind.h not found"}
    with tempfile.TemporaryDirectory(prefix="socketstat-group-callgrind-") as folder:
        output = Path(folder) / "callgrind.out"
        command = [valgrind, "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={output}", sys.executable, "-m", "benchmarks.group",
                   "--callgrind-child", str(library.path), str(count), str(passes)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1800)
        if result.returncode != 0:
            return {"status": "failed", "reason": result.stderr[-1000:]}
        per_socket: dict[str, float] = {}
        for dump in sorted(Path(folder).glob("callgrind.out*")):
            text = dump.read_text(errors="replace")
            label = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.MULTILINE)
            total = re.search(r"^totals:\s+(\d+)", text, re.MULTILINE)
            if label and total:
                per_socket[label.group(1)] = int(total.group(1)) / (passes * count)
    return {"status": "ok", "connections": count, "passes": passes,
            "instructions_per_socket": per_socket,
            "note": "user-space instructions (Ir) only; the kernel's share is not counted"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--callgrind-child"]:
        _callgrind_child(argv[1], int(argv[2]), int(argv[3]))
        return 0
    arguments = _arguments(argv)
    api = import_installed_socketstat()
    group_class = getattr(api.package, "SamplerGroup", None)
    if group_class is None or api.sampler_class is None:
        raise SystemExit("this socketstat build has no SamplerGroup or Sampler")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="socketstat-bench-") as folder:
        library = floor.build_or_report(floor.build, folder)
        if library is None:
            return 2
        info = machine.describe_with_floor(api.backend, api.package, None, library.compiler,
                                           ROOT, library.command)
        runs: list[dict[str, Any]] = []
        for count in arguments.counts:
            with Clients(count) as clients:
                runs.append(measure_n(library, group_class, api.sampler_class, clients.socks,
                                      arguments.repeats, arguments.batch_ms * 1e6))
        counted: dict[str, Any] = {"status": "skipped", "reason": "not asked (--callgrind)"}
        if arguments.callgrind:
            counted = callgrind(library, 100, 20 if arguments.quick else 200)
    info["load_average_at_end"] = list(os.getloadavg())
    result = {
        "schema": SCHEMA, "tool": TOOL, "argv": argv, "quick": arguments.quick,
        "settings": {"repeats": arguments.repeats, "batch_ms": arguments.batch_ms, "gc": "on",
                     "target_ratio_to_floor": TARGET_RATIO_TO_FLOOR},
        "machine": info, "runs": runs, "callgrind": counted,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    cli.print_result(arguments, result, text, markdown)
    return 0


def _tables(result: dict[str, Any]) -> list[tuple[str, report.Table]]:
    header = ["N", "floor ns/socket", "SamplerGroup ns/socket", "× floor",
              f"{len(VIEWED)} viewed × floor", "Sampler loop × floor", "speed-up over loop",
              "C floor, GIL held × released", "bytes/member"]
    rows = []
    for run in result["runs"]:
        cases = run["cases"]
        group = cases["SamplerGroup.sample()"]
        viewed = cases[f"SamplerGroup.sample(), {len(VIEWED)} columns viewed"]
        loop = cases["Python loop of Sampler.sample()"]
        rows.append([
            f"{run['connections']:,}", f"{run['floor_ns_per_socket']['median']:,.0f}",
            f"{group['ns_per_socket']['median']:,.0f}",
            f"{group['ratio_to_floor']['median']:.3f} ({report._range(group['ratio_to_floor'], lambda v: f'{v:.3f}')})",
            f"{viewed['ratio_to_floor']['median']:.3f}",
            f"{loop['ratio_to_floor']['median']:.3f}",
            f"{run['speedup_over_sampler_loop']['median']:.2f}×",
            f"{cases['C floor, GIL held (ctypes.PyDLL)']['ratio_to_floor']['median']:.3f}",
            f"{run['member_bytes']:,.0f}",
        ])
    tables = [("Per socket, SamplerGroup.sample() against the C loop of the same syscalls",
               (header, rows, "r" * len(header)))]
    counted = result["callgrind"]
    if counted.get("status") == "ok":
        per = counted["instructions_per_socket"]
        tables.append((f"User-space instructions per socket (callgrind, N = "
                       f"{counted['connections']})",
                       (["case", "instructions/socket"],
                        [[name, f"{value:,.0f}"] for name, value in per.items()], "lr")))
    return tables


def _header(result: dict[str, Any]) -> list[str]:
    machine_info = result["machine"]
    settings = result["settings"]
    lines = [report.machine_line(machine_info, "group benchmark"),
             f"{settings['repeats']} rounds per N of ~{settings['batch_ms']:g} ms batches, each "
             "case between two floor batches; medians (p25–p75); ratios paired per round",
             f"clock source {machine_info['clocksource']}, "
             f"{report.conditions(machine_info, settings)}"]
    return lines + report.quick_note(result)


def _footer(result: dict[str, Any]) -> list[str]:
    lines = [f"target: SamplerGroup ≤ {result['settings']['target_ratio_to_floor']}× the floor "
             "for N ≥ 10, flat in N (reported, not asserted)",
             "floor: ssb_group_run in floor.c, the sampler's 3 syscalls + clock_gettime per "
             "socket into per-socket rows, through ctypes.CDLL (GIL released around the batch); "
             "the same through ctypes.PyDLL (GIL held) shows what releasing it once per batch "
             "costs",
             "bytes/member: tracemalloc of SamplerGroup(socks) over N (C storage, identity, "
             "bookkeeping)"]
    if result["callgrind"].get("status") not in ("ok", None):
        lines.append(f"callgrind {result['callgrind']['status']}: {result['callgrind']['reason']}")
    lines.append(f"elapsed {result['elapsed_s']} s")
    return lines


def text(result: dict[str, Any]) -> str:
    return report.render_text(_header(result), _tables(result), _footer(result))


def markdown(result: dict[str, Any]) -> str:
    return report.render_markdown(f"python -m benchmarks group {' '.join(result['argv'])}",
                                  _header(result), _tables(result), _footer(result))


if __name__ == "__main__":
    sys.exit(main())
