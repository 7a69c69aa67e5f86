"""The listing benchmark runs end to end at N=20 (python -m benchmarks listing --quick).

No timing is asserted: ``--quick`` figures mean nothing. What is checked is that the fixture held
its connections, that the C floor listed them, that every case ran or says why not, and that a
saved run renders and compares.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

if sys.platform != "linux":
    pytest.skip("the listing benchmark's floor is a Linux sock_diag dump in C",
                allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
N = 20      # what --quick holds

pytestmark = pytest.mark.skipif(shutil.which("cc") is None,
                                reason="the listing benchmark compiles its C floor with cc")

SOCKETSTAT_CASES = ["socketstat", "socketstat_one_field", "socketstat_to_dict",
                    "socketstat_to_json", "socketstat_filtered", "socketstat_processes"]
# socketstat_command: the installed console script, socketstat -tai --json > /dev/null
OPTIONAL_CASES = ["pyroute2", "psutil", "ss", "socketstat_command"]


@pytest.fixture(scope="module")
def json_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("listing") / "quick.json"


@pytest.fixture(scope="module")
def result(json_path: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "listing", "--quick", "--json", str(json_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert f"N = {N} connections" in completed.stdout
    loaded: dict[str, Any] = json.loads(json_path.read_text())
    return loaded


@pytest.fixture(scope="module")
def has_sockets(tmp_path_factory: pytest.TempPathFactory) -> bool:
    """Whether the installed socketstat has sockets(), asked away from the source tree."""
    completed = subprocess.run(
        [sys.executable, "-c", "import socketstat; print(hasattr(socketstat, 'sockets'))"],
        cwd=tmp_path_factory.mktemp("elsewhere"), capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip() == "True"


def _positive(summary: dict[str, Any]) -> None:
    assert summary["samples"] > 0
    assert 0 < summary["min"] <= summary["median"] <= summary["max"]


def test_the_fixture_and_the_floor(result: dict[str, Any]) -> None:
    (run,) = result["runs"]
    assert run["connections"] == N
    assert run["sockets_in_table"] >= 2 * N
    dump = run["floor_dump"]
    # every established socket carries tcp_info; the floor walked several messages
    assert dump["info_records"] >= 2 * N
    assert dump["recv_calls"] >= 2       # at least one per family
    cases = run["cases"]
    assert cases["floor"]["records"] >= 2 * N     # (other processes' sockets come and go)
    assert run["table_records"]["min"] <= run["table_records"]["max"]
    assert 1 <= cases["floor_filtered"]["records"] < 2 * N


def test_every_case_ran_or_says_why(result: dict[str, Any], has_sockets: bool) -> None:
    (run,) = result["runs"]
    cases, skipped = run["cases"], run["skipped"]
    for key in OPTIONAL_CASES:
        assert key in cases or skipped.get(key), key
    for key in SOCKETSTAT_CASES:
        assert (key in cases) == has_sockets, skipped.get(key)
    for key, case in cases.items():
        _positive(case["wall_ns"])
        assert case["rounds"] >= 1
        if case["floor"] is not None:
            _positive(case["ratio_to_floor"])
    if has_sockets:
        assert cases["socketstat"]["records"] >= 2 * N
        assert 1 <= cases["socketstat_filtered"]["records"] < 2 * N
        assert "pyroute2_over_socketstat" in run["comparisons"] or "pyroute2" in skipped
        assert cases["socketstat_to_json"]["records"] >= 2 * N
    if "socketstat_command" in cases and "ss" in cases:
        comparison = run["comparisons"]["command_over_ss"]
        assert comparison["target"] == 1.0 and comparison["target_bound"] == "≤"
        assert comparison["target_met"] == (comparison["wall"]["median"] <= 1.0)
    for key in ("pyroute2", "psutil", "socketstat_command"):    # the same table, another way
        if key in cases:
            assert cases[key]["records"] >= 2 * N


def test_saved_run_renders_and_compares(result: dict[str, Any], json_path: Path) -> None:
    outputs = []
    for command in (["benchmarks.report", str(json_path), "--markdown"],
                    ["benchmarks.compare", str(json_path), str(json_path)],
                    ["benchmarks", "listing", "--help"]):
        completed = subprocess.run([sys.executable, "-m", *command], cwd=ROOT,
                                   capture_output=True, text=True, timeout=120)
        assert completed.returncode == 0, completed.stderr
        outputs.append(completed.stdout)
    assert f"**N = {N} connections" in outputs[0]
    assert f"floor/{N}" in outputs[1]
    assert "--connections" in outputs[2]


def test_floor_mirrors_the_listing_syscalls(result: dict[str, Any], has_sockets: bool) -> None:
    """If this fails, sockets() changed its request: update benchmarks/listing_floor.c."""
    check = result["syscall_check"]
    if check["status"] == "skipped":
        assert not has_sockets or "strace" in check["reason"], check["reason"]
        pytest.skip(check["reason"])
    assert check["status"] == "same", json.dumps(
        {key: check["paths"][key] for key in check["different"]}, indent=1)
