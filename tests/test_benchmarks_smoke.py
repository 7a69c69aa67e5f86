"""The benchmark suite runs end to end with tiny counts, and its JSON holds every figure.

No timing is asserted: ``--quick`` figures mean nothing. What is checked is that each case ran and
produced positive numbers, that each socketstat path found in the installed build was measured,
and that the C floor still makes the syscalls socketstat makes (when strace is installed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import mypy

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the benchmark floor is the Linux syscalls in C", allow_module_level=True)


ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="the benchmark's floor is Linux syscalls"),
    pytest.mark.skipif(shutil.which("cc") is None,
                       reason="the benchmark compiles its C floor with cc"),
]

# Cases every Linux machine runs; tcp6 needs an IPv6 loopback and psutil is optional.
ALWAYS = [
    "socketstat/tcp4", "socketstat/udp4", "socketstat/unix_stream", "socketstat_details/tcp4",
    "socketstat_sock/tcp4", "socketstat_fields/tcp4", "socketstat_to_dict/tcp4",
    "socketstat_to_json/tcp4", "handrolled/tcp4", "handrolled_tcp_info/tcp4", "loop/tcp4",
]
MAY_BE_SKIPPED = ["socketstat/tcp6", "psutil/tcp4"]
OPTIONAL_API = {"tcp_info": "tcp_info/tcp4", "Sampler": "sampler/tcp4"}


@pytest.fixture(scope="module")
def json_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench") / "quick.json"


@pytest.fixture(scope="module")
def result(json_path: Path) -> dict[str, Any]:
    output = json_path
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Per call" in completed.stdout
    loaded: dict[str, Any] = json.loads(output.read_text())
    return loaded


@pytest.fixture(scope="module")
def installed_api(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bool]:
    """Which optional entry points the installed socketstat has, asked away from the source tree."""
    script = (
        "import json, socketstat, socketstat._linux as backend\n"     # this module is Linux-only
        "print(json.dumps({name: hasattr(socketstat, name) or hasattr(backend, name)\n"
        f"                  for name in {sorted(OPTIONAL_API)!r}}}))\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               cwd=tmp_path_factory.mktemp("elsewhere"), timeout=120)
    assert completed.returncode == 0, completed.stderr
    found: dict[str, bool] = json.loads(completed.stdout)
    return found


def _positive_summary(summary: dict[str, Any]) -> None:
    assert summary["samples"] > 0
    assert 0 < summary["min"] <= summary["p25"] <= summary["median"] <= summary["p75"]
    assert summary["mad"] >= 0


def test_every_case_has_positive_figures(result: dict[str, Any]) -> None:
    cases = result["cases"]
    for key in ALWAYS:
        assert key in cases, f"{key} missing; skipped: {result['skipped'].get(key)}"
    for key in MAY_BE_SKIPPED:
        assert key in cases or key in result["skipped"], key
    for key, case in cases.items():
        _positive_summary(case["ns"])
        assert case["calls_per_batch"] >= 1
        if case["floor"] is not None:
            assert case["floor"] in result["floors"], key
            _positive_summary(case["floor_ns"])
            _positive_summary(case["ratio_to_floor"])


def test_floors_are_measured(result: dict[str, Any]) -> None:
    assert {"snapshot/tcp4", "snapshot/udp4", "snapshot/unix_stream",
            "snapshot_details/tcp4", "tcp_info/tcp4"} <= set(result["floors"])
    for floor in result["floors"].values():
        assert floor["syscalls"] >= 1
        _positive_summary(floor["ns"])
    assert result["floors"]["snapshot/tcp4"]["syscalls"] == 6
    assert result["floors"]["snapshot/udp4"]["syscalls"] == 6
    assert result["floors"]["snapshot_details/tcp4"]["syscalls"] == 10


def test_optional_paths_are_measured_when_the_build_has_them(
        result: dict[str, Any], installed_api: dict[str, bool]) -> None:
    for name, key in OPTIONAL_API.items():
        assert (result["api"][name] is not None) == installed_api[name], name
        if installed_api[name]:
            assert key in result["cases"], f"{key}: {result['skipped'].get(key)}"
        else:
            assert key in result["skipped"]


def test_headline_and_gil_figures(result: dict[str, Any]) -> None:
    headline = result["headline"]["socketstat_speedup_over_handrolled"]
    _positive_summary(headline["ratio"])
    gil = result["gil"]
    assert gil["status"] == "ok"
    assert gil["cpu_solo_units_per_s"]["median"] > 0
    assert gil["socketstat_single_thread_ns"] > 0
    for caller in ("socketstat", "floor_released", "floor_held"):
        figures = gil["callers"][caller]
        assert figures["solo_calls_per_s"]["median"] > 0
        assert figures["two_threads"]["calls_per_s"]["median"] > 0
        # A number, not a speed: --quick measures one 10 ms window, in which a loaded machine (or a
        # free-threaded interpreter's scheduling) may give the CPU thread no turn at all.
        assert figures["with_cpu_thread"]["cpu_units_per_s"]["median"] >= 0


def test_machine_is_described(result: dict[str, Any]) -> None:
    machine = result["machine"]
    for key in ("cpu_model", "kernel", "python", "cc", "socketstat_module"):
        assert machine[key], key
    # the installed package, not the source tree the benchmark ran from
    assert Path(machine["socketstat_module"]).resolve().parent != ROOT / "socketstat"


def test_floor_mirrors_socketstat_syscalls(result: dict[str, Any]) -> None:
    """If this fails, socketstat/_linux.pyx changed its syscalls: update benchmarks/floor.c."""
    check = result["syscall_check"]
    if check["status"] == "skipped":
        pytest.skip(check["reason"])
    assert check["status"] == "same", json.dumps(
        {key: check["paths"][key] for key in check["different"]}, indent=1)


def test_saved_run_renders_as_markdown_and_compares(result: dict[str, Any], json_path: Path) -> None:
    outputs = []
    for command in (["benchmarks.report", str(json_path), "--markdown"],
                    ["benchmarks.compare", str(json_path), str(json_path)],
                    ["benchmarks", "--help"]):
        completed = subprocess.run([sys.executable, "-m", *command], cwd=ROOT,
                                   capture_output=True, text=True, timeout=120)
        assert completed.returncode == 0, completed.stderr
        outputs.append(completed.stdout)
    assert "| socketstat(fd) | tcp4 |" in outputs[0]
    assert "socketstat/tcp4" in outputs[1]
    assert "--json" in outputs[2]


def test_benchmarks_pass_mypy_strict() -> None:
    # From the repository root, as developers run it; the suite imports no socketstat module
    # statically (benchmarks/installed.py says why), so the source tree's state does not matter.
    completed = mypy("--strict", "benchmarks", cwd=ROOT)
    assert completed.returncode == 0, completed.stdout + completed.stderr
