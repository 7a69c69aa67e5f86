"""Compare two ``python -m benchmarks --json`` runs: ``python -m benchmarks.compare OLD NEW``.

Ratios to the floor are compared, not nanoseconds: the floor absorbs the machine's state, so two
runs' ratios are comparable where raw times on a shared VM are not. A change counts as real only
when the two runs' p25-p75 ranges of the ratio do not overlap.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = [f"{'case':<28} {'old ×floor':>10} {'new ×floor':>10} {'change':>8}  verdict"]
    for key in sorted(set(old["cases"]) | set(new["cases"])):
        before = old["cases"].get(key, {}).get("ratio_to_floor")
        after = new["cases"].get(key, {}).get("ratio_to_floor")
        if before is None or after is None:
            lines.append(f"{key:<28} {'-' if before is None else format(before['median'], '.3f'):>10} "
                         f"{'-' if after is None else format(after['median'], '.3f'):>10}")
            continue
        change = after["median"] / before["median"] - 1
        overlap = after["p25"] <= before["p75"] and before["p25"] <= after["p75"]
        verdict = "same (ranges overlap)" if overlap else ("SLOWER" if change > 0 else "faster")
        lines.append(f"{key:<28} {before['median']:>10.3f} {after['median']:>10.3f} "
                     f"{change * 100:>+7.1f}%  {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    arguments = parser.parse_args(argv)
    old = json.loads(arguments.old.read_text())
    new = json.loads(arguments.new.read_text())
    for label, run in (("old", old), ("new", new)):
        machine = run["machine"]
        print(f"{label}: commit {(machine.get('git_commit') or '?')[:12]}, {machine['cpu_model']}, "
              f"Linux {machine['kernel']}, Python {machine['python']}, {machine['time']}")
    print("\n".join(compare(old, new)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
