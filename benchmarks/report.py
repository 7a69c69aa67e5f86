"""The run's figures as plain-text tables (the default) or README-ready markdown (--markdown)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Table = tuple[list[str], list[list[str]], str]      # header, rows, alignment ("l"/"r" per column)


def _ns(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if abs(value) < 100 else f"{value:,.0f}"


def _range(summary: dict[str, float], format_value: Callable[[float], str] = _ns,
           separator: str = "–") -> str:
    return f"{format_value(summary['p25'])}{separator}{format_value(summary['p75'])}"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}×"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _signed_percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:+.1f}%"


def header_lines(result: dict[str, Any]) -> list[str]:
    machine = result["machine"]
    settings = result["settings"]
    lines = [
        f"{machine_line(machine, 'benchmark')}, Cython {machine['cython_generated_by'] or '?'}, "
        f"{machine['cc_version']}",
        f"{settings['repeats']} repeats of ~{settings['batch_ms']:g} ms batches per case, each as "
        "C floor / Python / C floor; medians and p25–p75; ratios paired per repeat",
        f"clock source {machine['clocksource']}, {conditions(machine, settings)}",
    ]
    return lines + quick_note(result)


def machine_line(machine: dict[str, Any], benchmark: str) -> str:
    """'socketstat VERSION BENCHMARK: CPU, N CPUs, Linux KERNEL, Python VERSION'."""
    return (f"socketstat {machine['socketstat_version']} {benchmark}: {machine['cpu_model']}, "
            f"{machine['cpu_count']} CPUs, Linux {machine['kernel']}, Python {machine['python']}")


def conditions(machine: dict[str, Any], settings: dict[str, Any]) -> str:
    """The load before and after, the GC setting and the commit measured."""
    return (f"load {machine['load_average_at_start'][0]:.2f} "
            f"→ {machine['load_average_at_end'][0]:.2f}, GC {settings['gc']}, "
            f"commit {(machine['git_commit'] or '?')[:12]}"
            f"{' (dirty)' if machine['git_dirty'] else ''}")


def quick_note(result: dict[str, Any]) -> list[str]:
    """The header line that says a --quick run's figures mean nothing (none otherwise)."""
    if result["quick"]:
        return ["--quick: tiny counts; these figures check that every case runs and mean nothing"]
    return []


def tables(result: dict[str, Any]) -> list[tuple[str, Table]]:
    found: list[tuple[str, Table]] = []

    rows = []
    for key, case in result["cases"].items():
        ratio = case.get("ratio_to_floor")
        target = ""
        if "target_ratio_to_floor" in case:
            target = (f"≤{case['target_ratio_to_floor']:.2f}× "
                      f"{'met' if case['target_met'] else 'NOT met'}")
        rows.append([
            case["label"], case["socket"], str(case.get("syscalls", "-")),
            _ns(case["ns"]["median"]), _range(case["ns"]),
            _ns(case["floor_ns"]["median"]) if ratio else "-",
            f"{_times(ratio['median'])} ({_range(ratio, lambda v: f'{v:.2f}')})" if ratio else "-",
            target,
        ])
    found.append(("Per call", (
        ["case", "socket", "syscalls", "median ns", "p25–p75 ns", "floor ns",
         "× floor (p25–p75)", "target"], rows, "llrrrrrl")))

    rows = []
    for key, spec in result["floors"].items():
        rows.append([key, spec["label"], str(spec["syscalls"]), _ns(spec["ns"]["median"]),
                     _range(spec["ns"]), _signed_percent(spec["drift"])])
    found.append(("The floor: the same syscalls in a C loop (cc -O2), same fd", (
        ["floor", "syscalls issued", "calls", "median ns", "p25–p75 ns", "drift"], rows,
        "llrrrr")))

    rows = []
    for spec in result["headline"].values():
        line = [f"{spec['of']} / {spec['over']}", _times(spec["ratio"]["median"]),
                _range(spec["ratio"], lambda v: f"{v:.2f}")]
        if "target" in spec:
            line.append(f"≥{spec['target']:.1f}× {'met' if spec['target_met'] else 'NOT met'}")
        else:
            line.append("")
        rows.append(line)
    if rows:
        found.append(("Against what people use today (time ratio, paired per repeat)", (
            ["ratio", "median", "p25–p75", "target"], rows, "lrrl")))

    gil = result["gil"]
    if gil.get("status") == "ok":
        rows = []
        for name, spec in gil["callers"].items():
            with_cpu = spec["with_cpu_thread"]
            latency = with_cpu["caller_latency_ns"] or {}
            rows.append([
                name, _ns(spec["solo_ns_per_call"]), _percent(with_cpu["cpu_kept"]),
                _percent(with_cpu["caller_kept"]), _ns(with_cpu["caller_ns_per_call"]),
                f"{_ns(latency.get('p50'))} / {_ns(latency.get('p99'))} / "
                f"{_ns(latency.get('max'))}",
                _times(spec["two_threads"]["speedup_vs_one"]),
            ])
        title = (f"GIL: a caller thread in a loop, alone, beside a pure-Python CPU-bound thread, "
                 f"and twice (switch interval {gil['switch_interval_s'] * 1e3:g} ms, "
                 f"{gil['windows']} × {gil['window_s'] * 1e3:g} ms windows, medians)")
        found.append((title, (
            ["caller", "alone ns/call", "CPU thread keeps", "caller keeps",
             "caller ns/call beside it", "one call p50 / p99 / max ns beside it",
             "2 callers vs 1"], rows, "lrrrrrr")))

    callgrind = result["callgrind"]
    if callgrind.get("status") == "ok":
        counts = callgrind["instructions_per_call"]
        rows = []
        ordered = [key for key in result["cases"] if key in counts["cases"]]
        ordered += [key for key in counts["cases"] if key not in ordered]
        for key in ordered:
            instructions = counts["cases"][key]
            case = result["cases"].get(key, {})
            floor_key = case.get("floor")
            floor_count = counts["floors"].get(floor_key) if floor_key else None
            rows.append([key, f"{instructions:,.0f}",
                         f"{floor_count:,.0f}" if floor_count is not None else "-",
                         f"{instructions - floor_count:,.0f}" if floor_count is not None else "-"])
        found.append(("User-space instructions per call (callgrind; the kernel's are not counted)",
                      (["case", "instructions", "floor's", "added by Python"], rows, "lrrr")))
    return found


def footer_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    release = result["gil"].get("uncontended_release_cost")
    if release:
        ns = release["ns"]
        line = (f"GIL release + retake around one call, uncontended: {_ns(ns['median'])} ns "
                f"(p25–p75 {_range(ns)}; ctypes CDLL − PyDLL, paired per repeat")
        counts = result["callgrind"].get("instructions_per_call", {}).get("cases", {})
        if "ctypes_released/tcp4" in counts and "ctypes_held/tcp4" in counts:
            line += (f"; {counts['ctypes_released/tcp4'] - counts['ctypes_held/tcp4']:,.0f} "
                     "instructions by callgrind")
        lines.append(line + ")")
    check = result["syscall_check"]
    if check["status"] == "same":
        counts = ", ".join(f"{key} {entry['calls']}" for key, entry in check["paths"].items())
        lines.append(f"strace: the floor issues the very syscalls socketstat does ({counts}).")
    elif check["status"] == "DIFFERENT":
        lines.append("strace: THE FLOOR DIFFERS from socketstat on " + ", ".join(check["different"])
                     + ": the floor no longer mirrors _linux.pyx; see syscall_check in the JSON.")
    else:
        lines.append(f"strace check skipped: {check.get('reason')}")
    for key, reason in result["skipped"].items():
        lines.append(f"skipped {key}: {reason}")
    notes = [f"{case['label']}: {case['note']}" for case in result["cases"].values() if case["note"]]
    lines += [f"note: {note}" for note in notes]
    lines.append(f"elapsed {result['elapsed_s']} s")
    return lines


def _render_text(table: Table) -> list[str]:
    header, rows, align = table
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) if kind == "l" else cell.rjust(width)
                         for cell, width, kind in zip(cells, widths, align)).rstrip()
    return [line(header), "  ".join("-" * width for width in widths), *map(line, rows)]


def _render_markdown(table: Table) -> list[str]:
    header, rows, align = table
    rule = ["---:" if kind == "r" else "---" for kind in align]
    return ["| " + " | ".join(cells) + " |" for cells in [header, rule, *rows]]


def render_text(header: list[str], found: list[tuple[str, Table]], footer: list[str]) -> str:
    """A report as plain text: header lines, each titled table, footer lines."""
    lines = list(header)
    for title, table in found:
        lines += ["", title, *_render_text(table)]
    lines += ["", *footer]
    return "\n".join(lines)


def render_markdown(command: str, header: list[str], found: list[tuple[str, Table]],
                    footer: list[str]) -> str:
    """A report as README-ready markdown, headed by the command that measured it."""
    lines = [f"<!-- measured by: {command} -->"]
    lines += [f"{line}  " for line in header]
    for title, table in found:
        lines += ["", f"**{title}**", "", *_render_markdown(table)]
    lines += [""] + [f"- {line}" for line in footer]
    return "\n".join(lines)


def text(result: dict[str, Any]) -> str:
    return render_text(header_lines(result), tables(result), footer_lines(result))


def markdown(result: dict[str, Any]) -> str:
    return render_markdown(f"python -m benchmarks {' '.join(result['argv'])}",
                           header_lines(result), tables(result), footer_lines(result))


def main(argv: list[str] | None = None) -> int:
    """Re-render a saved run (the per-call suite's, the listing or the group benchmark's):
    python -m benchmarks.report RUN.json [--markdown]."""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=main.__doc__)
    parser.add_argument("run", type=Path, help="a file written by python -m benchmarks "
                                               "[listing|group] --json")
    parser.add_argument("--markdown", action="store_true", help="markdown instead of plain text")
    arguments = parser.parse_args(argv)
    result = json.loads(arguments.run.read_text())
    if result.get("tool") == "socketstat listing benchmark (python -m benchmarks listing)":
        from benchmarks import listing
        print(listing.markdown(result) if arguments.markdown else listing.text(result))
        return 0
    if result.get("tool") == "socketstat group benchmark (python -m benchmarks group)":
        from benchmarks import group
        print(group.markdown(result) if arguments.markdown else group.text(result))
        return 0
    print(markdown(result) if arguments.markdown else text(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
