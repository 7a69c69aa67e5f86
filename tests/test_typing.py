"""The stubs, checked: mypy --strict over usage against the installed package, wrong usages
rejected, and stubtest against the compiled module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "typing"


def mypy(*arguments: str, cwd: Path = Path("/")) -> subprocess.CompletedProcess[str]:
    # Run outside the repository root, so mypy sees the installed package and its stubs, not
    # the source tree.
    environment = dict(os.environ, MYPY_CACHE_DIR=os.devnull)
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", *arguments],
                          capture_output=True, text=True, cwd=cwd, env=environment)


def test_usage_passes_strict() -> None:
    result = mypy("--strict", "--platform", "linux", str(HERE / "linux_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case, message", [
    ("linux_wrong_none_check.py", 'Item "None" of "TcpInfo | None" has no attribute "tcpi_rtt"'),
    ("linux_wrong_field.py", '"TcpInfo" has no attribute "tcpi_no_such_field"'),
    ("linux_wrong_fd.py", 'Argument 1 to "socketstat" has incompatible type "str"'),
    ("linux_wrong_optional_as_int.py", 'incompatible types in assignment'),
])
def test_wrong_usage_fails(case: str, message: str) -> None:
    result = mypy("--strict", "--platform", "linux", str(HERE / case))
    assert result.returncode == 1, result.stdout + result.stderr
    assert message.lower() in result.stdout.lower(), result.stdout


def test_stubtest_against_the_built_module(tmp_path: Path) -> None:
    # The package ships every platform's stub (so mypy --platform darwin works anywhere); only
    # this platform's backend is built, so the other is allowed to be missing at run time.
    other = "socketstat._darwin" if sys.platform == "linux" else "socketstat._linux"
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text(other + "\n")
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "socketstat",
                             "--allowlist", str(allowlist)],
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_tests_themselves_pass_strict() -> None:
    tests = Path(__file__).parent
    files = [path.name for path in sorted(tests.glob("test_*.py")) + [tests / "conftest.py"]]
    result = mypy("--strict", "--platform", "linux", *files, cwd=tests)
    assert result.returncode == 0, result.stdout + result.stderr
