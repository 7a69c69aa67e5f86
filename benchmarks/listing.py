"""The listing benchmark: ``socketstat.sockets("tcp")`` over N connections, against its floor.

Run from the repository root, against the installed package:

    python -m benchmarks listing                  # N = 100, 1,000, 10,000 (under ~3 minutes)
    python -m benchmarks listing --markdown       # README-ready tables
    python -m benchmarks listing --json out.json  # every figure (python -m benchmarks.compare
                                                  # and python -m benchmarks.report read it)
    python -m benchmarks listing --quick          # tiny N: a smoke test, not a measurement

For each N, a fixture (benchmarks/listing_fixture.py) holds N established TCP/IPv4 loopback
connections in two child processes (2N sockets, 100 unread bytes on each client end); then, in
one run, rotated from round to round, each case lists the TCP table:

  * the floor: the same sock_diag dump in C (benchmarks/listing_floor.c: AF_INET then AF_INET6,
    IPPROTO_TCP, idiag_ext INET_DIAG_INFO, every state, a fixed 32 KiB buffer, every header and
    attribute walked, tcp_info copied out), compiled here with cc -O2 and timed inside C;
  * ``list(socketstat.sockets("tcp"))``, one field of every record, ``to_dict()`` and
    ``to_json()`` of every record, and ``sockets("tcp", local_port=P)`` for a port only one
    socket has, against the same floor filtered the same way;
  * ``socketstat -tai --json > /dev/null``: the installed console script (beside
    sys.executable), a subprocess, against ``ss -tin`` (the target: no slower than it);
  * what people use today: pyroute2's ``DiagSocket.get_sock_stats()`` (the same request: both
    families, every state, INET_DIAG_INFO, which is then read from every message),
    ``psutil.net_connections("tcp")`` and ``ss -tin > /dev/null`` (a subprocess).

Every Python case is timed with perf_counter_ns (wall) and thread_time_ns (CPU of this thread,
which includes the kernel's dump: it runs inside recv); each sample includes freeing what the
call built. The two subprocesses (ss, socketstat's command) are timed from Python (wall,
fork/exec included) and by the child's rusage (CPU). Every case but the floors runs as floor,
case, floor: the ratio to the floor is taken per round against the two floor listings beside
it. Medians and p25-p75, never means. The garbage collector stays on; gc.collect() runs before
each sample so that one case's garbage is not collected in another's timing. Slow cases
(pyroute2 at 10,000) run fewer rounds: each case gets about --budget-s per N, within
--min-repeats..--repeats rounds; the samples are counted in the JSON.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter_ns, thread_time_ns
from types import ModuleType
from typing import TYPE_CHECKING, Any

if __name__ == "__main__" and not __package__:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import cli, floor, listing_floor, listing_syscall_check, machine, report, stats
from benchmarks.installed import ROOT, import_installed_socketstat
from benchmarks.listing_fixture import Connections, FixtureError, max_connections

if TYPE_CHECKING:
    from socketstat import SocketStat

SCHEMA = 1
TOOL = "socketstat listing benchmark (python -m benchmarks listing)"
DEFAULT_CONNECTIONS = (100, 1_000, 10_000)

# What socketstat.sockets("tcp") asks the kernel for (states=None: what ss -a lists), and so what
# the floor and pyroute2 ask for too, so that all three list the same sockets.
STATES = listing_floor.DEFAULT_STATES
EXT = listing_floor.EXT_INFO

TARGET_RATIO_TO_FLOOR = 1.5
# (slower case, target speedup of socketstat over it: time of the other / time of socketstat)
TARGET_SPEEDUPS = {"pyroute2": 50.0, "psutil": 10.0, "ss": 1.0}
# socketstat -tai --json time / ss -tin time: at most this (the issue: no slower than ss -tin)
TARGET_COMMAND_OVER_SS = 1.0
COMMAND_ARGS = ("-tai", "--json")

SocketsFunction = Callable[..., "list[SocketStat]"]


@dataclass(frozen=True)
class Sample:
    wall_ns: int
    cpu_ns: int
    records: int


@dataclass
class ListingCase:
    key: str
    label: str
    run: Callable[[], Sample]
    floor: str | None           # the key of the floor case run beside it
    note: str = ""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = cli.argument_parser(
        "python -m benchmarks listing",
        "Cost of listing every TCP socket: socketstat.sockets('tcp') against the same sock_diag "
        "dump in C, pyroute2, psutil and ss, over N loopback connections held by two child "
        "processes.")
    parser.add_argument("--connections", default=",".join(map(str, DEFAULT_CONNECTIONS)),
                        help="comma-separated connection counts N (2N sockets each)")
    parser.add_argument("--quick", action="store_true",
                        help="N=20 and tiny counts: checks that every case runs")
    cli.add_output_arguments(parser)
    parser.add_argument("--repeats", type=int, default=15, help="most rounds per case and N")
    parser.add_argument("--min-repeats", type=int, default=4, help="fewest rounds per case and N")
    parser.add_argument("--budget-s", type=float, default=3.0,
                        help="about how long each case may take per N (rounds are fitted to it)")
    parser.add_argument("--fixture-timeout-s", type=float, default=600.0,
                        help="the fixture's children end themselves after this (alarm)")
    parser.add_argument("--no-pyroute2", action="store_true", help="skip pyroute2")
    parser.add_argument("--no-psutil", action="store_true", help="skip psutil")
    parser.add_argument("--no-ss", action="store_true", help="skip ss -tin")
    parser.add_argument("--no-command", action="store_true",
                        help="skip socketstat -tai --json (the installed console script)")
    parser.add_argument("--no-syscall-check", action="store_true",
                        help="skip the strace comparison of sockets()'s and the floor's syscalls")
    arguments = parser.parse_args(argv)
    try:
        arguments.connections = [int(word) for word in arguments.connections.split(",") if word]
    except ValueError:
        parser.error("--connections takes comma-separated integers")
    if arguments.quick:
        arguments.connections = [20]
        arguments.repeats = min(arguments.repeats, 2)
        arguments.min_repeats = 1
        arguments.budget_s = min(arguments.budget_s, 0.05)
    if (not arguments.connections or min(arguments.connections) < 1 or arguments.repeats < 1
            or arguments.min_repeats < 1 or arguments.budget_s <= 0):
        parser.error("--connections, --repeats, --min-repeats and --budget-s must be positive")
    arguments.min_repeats = min(arguments.min_repeats, arguments.repeats)
    return arguments


# ---------------------------------------------------------------------------------------------
# The cases

def _timed(call: Callable[[], int]) -> Callable[[], Sample]:
    def run() -> Sample:
        wall = perf_counter_ns()
        cpu = thread_time_ns()
        records = call()
        cpu = thread_time_ns() - cpu
        wall = perf_counter_ns() - wall
        return Sample(wall, cpu, records)
    return run


def _floor_case(library: listing_floor.FloorListing, sport: int = 0) -> Callable[[], Sample]:
    def run() -> Sample:
        listed = library.list(states=STATES, sport=sport, ext=EXT)
        return Sample(listed.wall_ns, listed.cpu_ns, listed.records)
    return run


def _socketstat_cases(sockets: SocketsFunction, client_port: int) -> list[ListingCase]:
    def listing() -> int:
        return len(list(sockets("tcp")))

    def one_field() -> int:
        records = sockets("tcp")
        total = 0
        for record in records:
            unsent = record.unsent
            if unsent is not None:
                total += unsent
        return len(records)

    def to_dict() -> int:
        return len([record.to_dict() for record in sockets("tcp")])

    def to_json() -> int:
        return len([record.to_json() for record in sockets("tcp")])

    def filtered() -> int:
        return len(list(sockets("tcp", local_port=client_port)))

    def processes() -> int:
        return len(list(sockets("tcp", processes=True)))

    return [
        ListingCase("socketstat", 'list(sockets("tcp"))', _timed(listing), "floor",
                    "details=False, the default: a record per socket, its tcp_info copied in "
                    "(fields are converted when read)"),
        ListingCase("socketstat_one_field", 'sum of .unsent over sockets("tcp")',
                    _timed(one_field), "floor",
                    "one field read from every record"),
        ListingCase("socketstat_to_dict", 'to_dict() of every record of sockets("tcp")',
                    _timed(to_dict), "floor", "every field of every record decoded"),
        ListingCase("socketstat_to_json", 'to_json() of every record of sockets("tcp")',
                    _timed(to_json), "floor",
                    "every record written as JSON text: json.dumps(to_dict(), "
                    "separators=(',', ':')), without the dicts"),
        ListingCase("socketstat_filtered", 'list(sockets("tcp", local_port=P))',
                    _timed(filtered), "floor_filtered",
                    "P = one client end's port: one socket matches"),
        ListingCase("socketstat_processes", 'list(sockets("tcp", processes=True))',
                    _timed(processes), "floor",
                    "the owning (pid, fd) of every socket, from /proc/*/fd: what psutil also "
                    "does"),
    ]


def _pyroute2_case(diag: Any) -> ListingCase:
    def run() -> int:
        count = 0
        for family in (socket.AF_INET, socket.AF_INET6):
            for message in diag.get_sock_stats(family=family, states=STATES,
                                               protocol=socket.IPPROTO_TCP, extensions=EXT):
                message.get_attr("INET_DIAG_INFO")
                count += 1
        return count
    return ListingCase("pyroute2", "pyroute2 DiagSocket.get_sock_stats", _timed(run), "floor",
                       "both families, every state, INET_DIAG_INFO read from every message; "
                       "one DiagSocket reused across listings")


def _psutil_case(psutil: ModuleType) -> ListingCase:
    def run() -> int:
        return len(psutil.net_connections("tcp"))
    return ListingCase("psutil", 'psutil.net_connections("tcp")', _timed(run), "floor",
                       f"psutil {psutil.__version__}: /proc/net/tcp{{,6}} and every "
                       "/proc/PID/fd it may read (no tcp_info)")


def _subprocess(command: list[str], records: int) -> Callable[[], Sample]:
    """``command > /dev/null``: wall from here, fork/exec included; CPU the child's rusage."""
    def run() -> Sample:
        wall = perf_counter_ns()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = perf_counter_ns() - wall
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
        return Sample(wall, round((usage.ru_utime + usage.ru_stime) * 1e9), records)
    return run


def _ss_case(ss: str, records: int) -> ListingCase:
    return ListingCase("ss", "ss -tin > /dev/null", _subprocess([ss, "-tin"], records), "floor",
                       "a subprocess from Python: wall includes fork/exec; CPU is the child's "
                       "(rusage, 1 ms granularity at worst); ss's default states (no listeners, "
                       "no TIME_WAIT)")


def _command_case(command: Path, records: int) -> ListingCase:
    return ListingCase("socketstat_command", f"socketstat {' '.join(COMMAND_ARGS)} > /dev/null",
                       _subprocess([str(command), *COMMAND_ARGS], records), "floor",
                       f"the installed console script ({command}), a subprocess as ss is: wall "
                       "includes fork/exec and the interpreter's start-up and imports; CPU is "
                       "the child's (rusage); -a: every state, so more records than ss -tin")


def _ss_records(ss: str) -> int:
    """Sockets ss -tin prints: its -i lines are indented, the socket lines are not."""
    output = subprocess.run([ss, "-tinH"], capture_output=True, text=True, check=True).stdout
    return sum(1 for line in output.splitlines() if line and not line[0].isspace())


def _command_records(command: Path) -> int:
    """Records socketstat -tai --json writes: the length of its JSON list."""
    output = subprocess.run([str(command), *COMMAND_ARGS], capture_output=True, text=True,
                            check=True).stdout
    listed = json.loads(output)
    if not isinstance(listed, list):
        raise ValueError(f"{command} {' '.join(COMMAND_ARGS)} did not write a JSON list")
    return len(listed)


# ---------------------------------------------------------------------------------------------
# The measurement

def _measure(cases: list[ListingCase], floors: dict[str, ListingCase], repeats: int,
             min_repeats: int, budget_s: float,
             skipped: dict[str, str]) -> tuple[dict[str, list[Sample]],
                                               dict[str, list[tuple[float, float]]],
                                               dict[str, list[int]]]:
    """Samples per case, the (wall, CPU) ratio to the floor beside it per round, and the rounds
    each case ran in. A case that fails its first run is dropped, with the reason in skipped
    (and from ``cases``); a floor that fails ends the run."""
    cost: dict[str, int] = {}
    for case in list(floors.values()) + list(cases):   # warm-up: first calls, caches; the cost
        gc.collect()
        try:
            cost[case.key] = max(1, case.run().wall_ns)
        except Exception as error:      # an optional tool may not behave as expected here
            if case.key in floors:
                raise
            skipped[case.key] = f"failed: {type(error).__name__}: {error}"
            cases.remove(case)
    everything = list(floors.values()) + cases
    rounds_wanted = {key: max(min_repeats, min(repeats, int(budget_s * 1e9 / value)))
                     for key, value in cost.items()}
    samples: dict[str, list[Sample]] = {case.key: [] for case in everything}
    ratios: dict[str, list[tuple[float, float]]] = {case.key: [] for case in cases}
    rounds: dict[str, list[int]] = {case.key: [] for case in everything}
    for round_index in range(max(rounds_wanted.values())):
        shift = round_index % len(everything)
        for case in everything[shift:] + everything[:shift]:
            if round_index >= rounds_wanted[case.key]:
                continue
            if case.floor is None:
                gc.collect()
                samples[case.key].append(case.run())
            else:
                beside = floors[case.floor]
                gc.collect()
                before = beside.run()
                gc.collect()
                sample = case.run()
                gc.collect()
                after = beside.run()
                samples[case.key].append(sample)
                samples[beside.key] += [before, after]
                ratios[case.key].append((
                    sample.wall_ns / ((before.wall_ns + after.wall_ns) / 2),
                    sample.cpu_ns / max(1.0, (before.cpu_ns + after.cpu_ns) / 2)))
            rounds[case.key].append(round_index)
    return samples, ratios, rounds


def _paired(samples: dict[str, list[Sample]], rounds: dict[str, list[int]], slower: str,
            faster: str) -> tuple[list[float], list[float]]:
    """slower / faster per round in which both ran (wall, CPU)."""
    if slower not in samples or faster not in samples:
        return [], []
    by_round = dict(zip(rounds[faster], samples[faster]))
    wall: list[float] = []
    cpu: list[float] = []
    for index, sample in zip(rounds[slower], samples[slower]):
        other = by_round.get(index)
        if other is not None:
            wall.append(sample.wall_ns / other.wall_ns)
            if other.cpu_ns > 0:
                cpu.append(sample.cpu_ns / other.cpu_ns)
    return wall, cpu


@dataclass(frozen=True)
class Comparison:
    """A ratio paired per round: the time of ``of`` / the time of ``over``."""
    name: str
    of: str
    over: str
    target: float | None
    meaning: str
    # How the median is held to the target: "≥" (at least: a speedup), ">" (strictly above:
    # faster than), "≤" (at most: no slower than).
    bound: str = "≥"
    label: str = ""             # the table's row; "<of> / <over>" when empty
    target_note: str = ""       # shown beside the target

    def met(self, median: float) -> bool:
        assert self.target is not None
        if self.bound == "≤":
            return median <= self.target
        if self.bound == ">":
            return median > self.target
        return median >= self.target


COMPARISONS: list[Comparison] = [
    Comparison("pyroute2_over_socketstat", "pyroute2", "socketstat", TARGET_SPEEDUPS["pyroute2"],
               "pyroute2 time / socketstat time: socketstat's speedup"),
    Comparison("psutil_over_socketstat", "psutil", "socketstat", TARGET_SPEEDUPS["psutil"],
               "psutil.net_connections time / socketstat time: socketstat's speedup"),
    # "faster than ss" is a strict inequality; the other speedups are "at least".
    Comparison("ss_over_socketstat", "ss", "socketstat", TARGET_SPEEDUPS["ss"],
               "ss -tin time / socketstat time: socketstat's speedup (above 1: faster than ss)",
               bound=">"),
    Comparison("command_over_ss", "socketstat_command", "ss", TARGET_COMMAND_OVER_SS,
               "socketstat -tai --json time / ss -tin time, both subprocesses to /dev/null "
               "(at most 1: the command is no slower than ss)",
               bound="≤", label="socketstat -tai --json / ss -tin",
               target_note="issue: no slower than ss -tin"),
    Comparison("psutil_over_socketstat_processes", "psutil", "socketstat_processes", None,
               "psutil.net_connections time / sockets('tcp', processes=True) time: both "
               "attribute every socket to its processes"),
    Comparison("full_over_filtered", "socketstat", "socketstat_filtered", None,
               "sockets('tcp') / sockets('tcp', local_port=P): what a filter matching one "
               "socket saves"),
    Comparison("floor_full_over_filtered", "floor", "floor_filtered", None,
               "the same for the C floor: the kernel's table walk is what remains"),
    Comparison("one_field_over_listing", "socketstat_one_field", "socketstat", None,
               "one field of every record / the listing alone: what reading one field adds"),
    Comparison("to_dict_over_listing", "socketstat_to_dict", "socketstat", None,
               "to_dict() of every record / the listing alone: what decoding everything costs"),
    Comparison("to_json_over_listing", "socketstat_to_json", "socketstat", None,
               "to_json() of every record / the listing alone: what writing everything as JSON "
               "costs"),
    Comparison("to_json_over_to_dict", "socketstat_to_json", "socketstat_to_dict", None,
               "to_json() of every record / to_dict() of every record: JSON text against dicts"),
]


def _run_one(count: int, arguments: argparse.Namespace, library: listing_floor.FloorListing,
             sockets: SocketsFunction | None, sockets_note: str, pyroute2: ModuleType | None,
             pyroute2_note: str, psutil: ModuleType | None, psutil_note: str,
             ss: str | None, ss_note: str, to_json_note: str, command: Path | None,
             command_note: str) -> dict[str, Any]:
    skipped: dict[str, str] = {}
    with Connections(count, timeout_s=arguments.fixture_timeout_s) as held:
        floors = {
            "floor": ListingCase("floor", "C floor: the same dump (listing_floor.c)",
                                 _floor_case(library), None,
                                 "AF_INET + AF_INET6 dumps, INET_DIAG_INFO, 32 KiB buffer"),
            "floor_filtered": ListingCase("floor_filtered", "C floor, id.idiag_sport = P",
                                          _floor_case(library, held.client_port), None,
                                          "the kernel's cheapest port filter"),
        }
        first = library.list(states=STATES, ext=EXT)
        if first.records < 2 * count:
            raise FixtureError(f"the fixture should hold {2 * count} TCP sockets; the dump "
                               f"found {first.records}")
        cases: list[ListingCase] = []
        if sockets is not None:
            cases += _socketstat_cases(sockets, held.client_port)
            if to_json_note:
                cases = [case for case in cases if case.key != "socketstat_to_json"]
                skipped["socketstat_to_json"] = to_json_note
        else:
            for key in ("socketstat", "socketstat_one_field", "socketstat_to_dict",
                        "socketstat_to_json", "socketstat_filtered", "socketstat_processes"):
                skipped[key] = sockets_note
        diag: Any = None
        if pyroute2 is not None:
            try:
                diag = pyroute2.DiagSocket()
                diag.bind()
            except Exception as error:
                skipped["pyroute2"] = f"DiagSocket failed: {type(error).__name__}: {error}"
            else:
                cases.append(_pyroute2_case(diag))
        else:
            skipped["pyroute2"] = pyroute2_note
        if psutil is not None:
            cases.append(_psutil_case(psutil))
        else:
            skipped["psutil"] = psutil_note
        if ss is not None:
            try:
                cases.append(_ss_case(ss, _ss_records(ss)))
            except (OSError, subprocess.CalledProcessError) as error:
                skipped["ss"] = f"ss -tinH failed: {error}"
        else:
            skipped["ss"] = ss_note
        if command is not None:
            try:
                cases.append(_command_case(command, _command_records(command)))
            except (OSError, subprocess.CalledProcessError, ValueError) as error:
                skipped["socketstat_command"] = (f"socketstat {' '.join(COMMAND_ARGS)} failed: "
                                                 f"{error}")
        else:
            skipped["socketstat_command"] = command_note
        try:
            samples, ratios, rounds = _measure(cases, floors, arguments.repeats,
                                               arguments.min_repeats, arguments.budget_s,
                                               skipped)
        finally:
            if diag is not None:
                diag.close()
        setup_s = held.setup_s
        ports = {"server": held.server_port, "client": held.client_port}

    in_table = first.records
    table = [sample.records for sample in samples["floor"]]
    results: dict[str, Any] = {}
    for case in list(floors.values()) + cases:
        series = samples[case.key]
        wall = stats.summary([s.wall_ns for s in series])
        cpu = stats.summary([s.cpu_ns for s in series])
        entry: dict[str, Any] = {
            "connections": count,
            "label": case.label,
            "records": series[0].records,
            "rounds": len(rounds[case.key]),
            "wall_ns": wall,
            "cpu_ns": cpu,
            "wall_us_per_socket": wall["median"] / in_table / 1e3,
            "cpu_us_per_socket": cpu["median"] / in_table / 1e3,
            "floor": case.floor,
            "note": case.note,
        }
        if case.floor is not None:
            entry["ratio_to_floor"] = stats.summary([wall_ratio for wall_ratio, _ in
                                                     ratios[case.key]])
            entry["cpu_ratio_to_floor"] = stats.summary([cpu_ratio for _, cpu_ratio in
                                                         ratios[case.key]])
        if case.key == "socketstat":
            entry["target_ratio_to_floor"] = TARGET_RATIO_TO_FLOOR
            entry["target_met"] = entry["ratio_to_floor"]["median"] <= TARGET_RATIO_TO_FLOOR
            entry["cpu_target_met"] = (entry["cpu_ratio_to_floor"]["median"]
                                       <= TARGET_RATIO_TO_FLOOR)
        results[case.key] = entry

    comparisons: dict[str, Any] = {}
    for spec in COMPARISONS:
        wall_values, cpu_values = _paired(samples, rounds, spec.of, spec.over)
        if not wall_values:
            continue
        comparison: dict[str, Any] = {"connections": count, "of": spec.of, "over": spec.over,
                                      "meaning": spec.meaning, "wall": stats.summary(wall_values),
                                      "cpu": stats.summary(cpu_values) if cpu_values else None}
        if spec.target is not None:
            comparison["target"] = spec.target
            comparison["target_bound"] = spec.bound
            comparison["target_met"] = spec.met(comparison["wall"]["median"])
        comparisons[spec.name] = comparison

    return {
        "connections": count,
        "sockets_in_table": in_table,
        "other_tcp_sockets": in_table - 2 * count - 1,
        # What the floor's listings found over the run: other processes' sockets come and go.
        "table_records": {"min": min(table), "max": max(table)},
        "load_average_after": list(os.getloadavg()),
        "fixture_setup_s": round(setup_s, 2),
        "ports": ports,
        "floor_dump": {"records": first.records, "info_records": first.info_records,
                       "bytes": first.bytes, "recv_calls": first.receives,
                       "syscalls": first.syscalls},
        "cases": results,
        "comparisons": comparisons,
        "skipped": skipped,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    arguments = _arguments(argv)
    api = import_installed_socketstat()
    started = time.perf_counter()

    sockets: SocketsFunction | None = getattr(api.package, "sockets", None)
    sockets_note = "" if sockets is not None else "socketstat.sockets is not in this build"

    def optional(name: str, disabled: bool, hint: str) -> tuple[ModuleType | None, str]:
        if disabled:
            return None, f"--no-{name}"
        try:
            module = importlib.import_module(name)
        except ImportError:
            return None, f"{name} is not installed (optional: {hint})"
        return module, f"{name} {getattr(module, '__version__', '?')}"

    pyroute2, pyroute2_note = optional("pyroute2", arguments.no_pyroute2, "pip install pyroute2")
    psutil, psutil_note = optional("psutil", arguments.no_psutil, "pip install psutil")
    ss = None if arguments.no_ss else shutil.which("ss")
    ss_note = "--no-ss" if arguments.no_ss else ("" if ss else "ss (iproute2) is not installed")
    ss_version = ""
    if ss is not None:
        ss_version = subprocess.run([ss, "-V"], capture_output=True, text=True).stdout.strip()
    socketstat_class = getattr(api.package, "SocketStat", None)
    to_json_note = ("" if sockets is None or hasattr(socketstat_class, "to_json")
                    else "SocketStat.to_json is not in this build")
    # The console script pip installed beside this interpreter (bin/ or Scripts/).
    command: Path | None = None
    command_note = "--no-command"
    if not arguments.no_command:
        found = Path(sys.executable).with_name("socketstat")
        if found.is_file() and os.access(found, os.X_OK):
            command, command_note = found, ""
        else:
            command_note = (f"{found} is not there (socketstat's console script, installed with "
                            "the package)")

    limit = max_connections()
    runs: list[dict[str, Any]] = []
    too_many: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="socketstat-listing-") as folder:
        library = floor.build_or_report(listing_floor.build, folder)
        if library is None:
            return 2
        info = machine.describe_with_floor(api.backend, api.package, psutil, library.command[0],
                                           ROOT, library.command)
        info["pyroute2_version"] = getattr(pyroute2, "__version__", None) if pyroute2 else None
        info["ss_version"] = ss_version or None
        info["socketstat_command"] = str(command) if command is not None else None
        check: dict[str, Any] = {"status": "skipped", "reason": "--no-syscall-check"}
        if sockets is None:
            check = {"status": "skipped", "reason": sockets_note}
        elif not arguments.no_syscall_check:
            check = listing_syscall_check.check(sys.executable, library.path, ROOT)
        for count in arguments.connections:
            if count > limit:
                too_many[str(count)] = (f"{count} connections need more fds than the hard "
                                        f"RLIMIT_NOFILE allows one process ({limit} usable)")
                continue
            print(f"listing benchmark: {count} connections...", file=sys.stderr, flush=True)
            runs.append(_run_one(count, arguments, library, sockets, sockets_note, pyroute2,
                                 pyroute2_note, psutil, psutil_note, ss, ss_note,
                                 to_json_note, command, command_note))
    info["load_average_at_end"] = list(os.getloadavg())

    result = {
        "schema": SCHEMA,
        "tool": TOOL,
        "argv": argv,
        "quick": arguments.quick,
        "settings": {
            "connections": arguments.connections,
            "repeats": arguments.repeats,
            "min_repeats": arguments.min_repeats,
            "budget_s": arguments.budget_s,
            "states": f"{STATES:#x}",
            "idiag_ext": f"{EXT:#x}",
            "scheme": "per round, every case in rotated order; each non-floor case as floor, "
                      "case, floor; ratio per round = case / mean of the two floor listings",
            "timer": "wall: time.perf_counter_ns / CLOCK_MONOTONIC; CPU: time.thread_time_ns / "
                     "CLOCK_THREAD_CPUTIME_ID (ss and socketstat's command: the child's "
                     "rusage)",
            "gc": "enabled, gc.collect() before each sample",
        },
        "machine": info,
        "api": {"sockets": "socketstat.sockets" if sockets is not None else None},
        "runs": runs,
        # Flat, as python -m benchmarks.compare reads it: "<case>/<N>" -> ratio_to_floor.
        "cases": {f"{key}/{run['connections']}": case
                  for run in runs for key, case in run["cases"].items()},
        "syscall_check": check,
        "skipped": {**{f"N={count}": why for count, why in too_many.items()},
                    **{key: why for run in runs for key, why in run["skipped"].items()}},
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    cli.print_result(arguments, result, text, markdown)
    return 0


# ---------------------------------------------------------------------------------------------
# The report

def _ms(ns: float) -> str:
    value = ns / 1e6
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}" if value < 10 else f"{value:.1f}"


def _us(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _times(summary: dict[str, float] | None, with_range: bool = True) -> str:
    if summary is None:
        return "-"
    median = summary["median"]
    shown = f"{median:,.0f}×" if median >= 100 else f"{median:.2f}×" if median < 10 \
        else f"{median:.1f}×"
    if not with_range:
        return shown
    low, high = summary["p25"], summary["p75"]
    if median >= 10:
        return f"{shown} ({low:.0f}–{high:.0f})"
    return f"{shown} ({low:.2f}–{high:.2f})"


def _header_lines(result: dict[str, Any]) -> list[str]:
    info = result["machine"]
    settings = result["settings"]
    lines = [
        f"{report.machine_line(info, 'listing benchmark')}, {info['cc_version']}; "
        f"pyroute2 {info.get('pyroute2_version') or '-'}, "
        f"psutil {info.get('psutil_version') or '-'}, {info.get('ss_version') or 'no ss'}",
        f"each case at most {settings['repeats']} and at least {settings['min_repeats']} rounds "
        f"(~{settings['budget_s']:g} s per case per N), rotated; every non-floor listing between "
        "two C-floor listings; medians and p25–p75; ratios paired per round",
        report.conditions(info, settings),
    ]
    return lines + report.quick_note(result)


def tables(result: dict[str, Any]) -> list[tuple[str, report.Table]]:
    found: list[tuple[str, report.Table]] = []
    runs = result["runs"]
    for run in runs:
        rows = []
        for key, case in run["cases"].items():
            verdict = ""
            if "target_ratio_to_floor" in case:
                verdict = (f"≤{case['target_ratio_to_floor']:.1f}× "
                          f"{'met' if case['target_met'] else 'NOT met'} "
                          f"(CPU: {'met' if case['cpu_target_met'] else 'NOT met'})")
            rows.append([
                case["label"], f"{case['records']:,}", str(case["rounds"]),
                _ms(case["wall_ns"]["median"]),
                f"{_ms(case['wall_ns']['p25'])}–{_ms(case['wall_ns']['p75'])}",
                _us(case["wall_us_per_socket"]), _us(case["cpu_us_per_socket"]),
                _times(case.get("ratio_to_floor")),
                _times(case.get("cpu_ratio_to_floor"), with_range=False),
                verdict,
            ])
        title = (f"N = {run['connections']:,} connections: {run['sockets_in_table']:,} TCP "
                 f"sockets in the table (µs/socket = time / that count)")
        found.append((title, (
            ["case", "records", "rounds", "median ms", "p25–p75 ms", "µs/socket",
             "CPU µs/socket", "× C floor (p25–p75)", "CPU × floor", "target"], rows,
            "lrrrrrrrrl")))

    rows = []
    for spec in COMPARISONS:
        cells = []
        last: dict[str, Any] | None = None
        for run in runs:
            comparison = run["comparisons"].get(spec.name)
            cells.append(_times(comparison["wall"]) if comparison else "-")
            last = comparison or last
        if last is None:
            continue
        verdict = ""
        if spec.target is not None:
            note = f" ({spec.target_note})" if spec.target_note else ""
            verdict = (f"{spec.bound}{spec.target:g}×{note} "
                       f"{'met' if last['target_met'] else 'NOT met'}")
        rows.append([spec.label or f"{spec.of} / {spec.over}", *cells,
                     _times(last["cpu"], with_range=False), verdict])
    if rows:
        largest = f"N={runs[-1]['connections']:,}" if runs else ""
        found.append(("Time ratios, paired per round (wall; CPU and target at the largest N)", (
            ["ratio", *[f"N={run['connections']:,}" for run in runs], f"CPU {largest}",
             f"target ({largest})"], rows, "l" + "r" * (len(runs) + 1) + "l")))

    rows = []
    keys: list[str] = []
    for run in runs:
        keys += [key for key in run["cases"] if key not in keys]
    pairs = list(zip(runs, runs[1:]))
    for key in keys:
        label = next(run["cases"][key]["label"] for run in runs if key in run["cases"])
        cells = []
        for run in runs:
            case = run["cases"].get(key)
            cells.append(f"{_us(case['wall_us_per_socket'])} / {_us(case['cpu_us_per_socket'])}"
                         if case else "-")
        for smaller, larger in pairs:
            cells.append(_marginal(smaller, larger, key))
        rows.append([label, *cells])
    if rows:
        found.append(("Scaling: µs per socket in the table, wall / CPU (medians); marginal: "
                      "what each added socket cost between two N (the slope, without the fixed "
                      "cost of walking the kernel's hash tables)", (
            ["case", *[f"N={run['connections']:,} ({run['sockets_in_table']:,})" for run in runs],
             *[f"marginal {smaller['connections']:,}→{larger['connections']:,}"
               for smaller, larger in pairs]],
            rows, "l" + "r" * (len(runs) + len(pairs)))))
    return found


def _marginal(smaller: dict[str, Any], larger: dict[str, Any], key: str) -> str:
    """(time at the larger N - time at the smaller) / (sockets added), wall / CPU, in µs."""
    before, after = smaller["cases"].get(key), larger["cases"].get(key)
    added = larger["sockets_in_table"] - smaller["sockets_in_table"]
    if before is None or after is None or added <= 0:
        return "-"
    wall = (after["wall_ns"]["median"] - before["wall_ns"]["median"]) / added / 1e3
    cpu = (after["cpu_ns"]["median"] - before["cpu_ns"]["median"]) / added / 1e3
    return f"{_us(wall)} / {_us(cpu)}"


def _footer_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for run in result["runs"]:
        low, high = run["table_records"]["min"], run["table_records"]["max"]
        if high - low > max(10, 0.01 * run["sockets_in_table"]):
            lines.append(f"WARNING N={run['connections']:,}: the TCP table changed during the "
                         f"run ({low:,}–{high:,} sockets): other processes were opening and "
                         "closing connections; these figures are not clean")
        if run["other_tcp_sockets"] > max(100, 0.05 * 2 * run["connections"]):
            lines.append(f"WARNING N={run['connections']:,}: {run['other_tcp_sockets']:,} TCP "
                         "sockets on the host besides the fixture's")
    for run in result["runs"]:
        dump = run["floor_dump"]
        lines.append(
            f"N={run['connections']:,}: fixture set up in {run['fixture_setup_s']} s; "
            f"{run['other_tcp_sockets']:,} other TCP sockets on the host; the floor's dump: "
            f"{dump['records']:,} records ({dump['info_records']:,} with tcp_info), "
            f"{dump['bytes']:,} bytes in {dump['recv_calls']} recv, "
            f"{dump['syscalls']} syscalls")
    check = result.get("syscall_check") or {"status": "skipped", "reason": "not in this run"}
    if check["status"] == "same":
        lines.append("strace: the floor makes the very syscalls sockets() makes, request bytes "
                     "included (" + ", ".join(check["paths"]) + ")")
    elif check["status"] == "DIFFERENT":
        lines.append("strace: THE FLOOR DIFFERS from sockets() on " + ", ".join(check["different"])
                     + ": listing_floor.c no longer mirrors _linux_diag.pxi; see syscall_check "
                     "in the JSON")
    else:
        lines.append(f"strace check skipped: {check.get('reason')}")
    for key, why in result["skipped"].items():
        lines.append(f"skipped {key}: {why}")
    notes: dict[str, str] = {}
    for run in result["runs"]:
        for case in run["cases"].values():
            if case["note"]:
                notes[case["label"]] = case["note"]
    lines += [f"note: {label}: {note}" for label, note in notes.items()]
    lines.append(f"elapsed {result['elapsed_s']} s")
    return lines


def text(result: dict[str, Any]) -> str:
    return report.render_text(_header_lines(result), tables(result), _footer_lines(result))


def markdown(result: dict[str, Any]) -> str:
    return report.render_markdown(f"python -m benchmarks listing {' '.join(result['argv'])}",
                                  _header_lines(result), tables(result), _footer_lines(result))


if __name__ == "__main__":
    sys.exit(main())
