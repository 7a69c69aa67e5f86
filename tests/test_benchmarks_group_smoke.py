"""The group benchmark runs end to end with tiny counts, and its JSON holds every figure.

No timing is asserted: ``--quick`` figures mean nothing. What is checked is that every case ran
for every N and produced positive numbers, and that the saved run renders.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the group benchmark's floor is the Linux syscalls in C", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("cc") is None,
                                reason="the benchmark compiles its C floor with cc")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output = tmp_path_factory.mktemp("bench") / "group.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "group", "--quick", "--json", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    assert "SamplerGroup.sample() against the C loop" in completed.stdout
    loaded: dict[str, Any] = json.loads(output.read_text())
    return loaded


def test_every_case_ran_for_every_n(result: dict[str, Any]) -> None:
    assert [run["connections"] for run in result["runs"]] == [1, 10]
    for run in result["runs"]:
        assert run["floor_ns_per_socket"]["median"] > 0
        assert run["member_bytes"] > 0
        assert run["speedup_over_sampler_loop"]["median"] > 0
        assert len(run["cases"]) == 4
        for case in run["cases"].values():
            assert case["ns_per_socket"]["median"] > 0 and case["passes_per_batch"] >= 1
            assert case["ratio_to_floor"]["median"] > 0


def test_saved_run_renders(result: dict[str, Any], tmp_path: Path) -> None:
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(result))
    completed = subprocess.run([sys.executable, "-m", "benchmarks.report", str(saved),
                                "--markdown"], cwd=ROOT, capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "| 10 |" in completed.stdout
