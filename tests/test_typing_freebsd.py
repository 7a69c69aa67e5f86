"""The FreeBSD stubs, checked on any OS: mypy --strict --platform freebsd over usage against the
installed package, wrong usages rejected, and the FreeBSD tests themselves."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

import conftest

HERE = Path(__file__).parent / "typing"


def mypy(*arguments: str, cwd: Path = Path("/")) -> subprocess.CompletedProcess[str]:
    # The installed package and its stubs (the wheel ships every platform's stub), not the source
    # tree, and no MYPYPATH pointing elsewhere.
    environment = dict(os.environ)
    environment.pop("MYPYPATH", None)
    return conftest.mypy(*arguments, cwd=cwd, environment=environment)


def test_freebsd_usage_passes_strict() -> None:
    result = mypy("--strict", "--platform", "freebsd", str(HERE / "freebsd_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case, message", [
    ("freebsd_wrong_field.py", '"TcpInfo" has no attribute "tcpi_srtt"'),
    ("freebsd_wrong_optional_as_int.py",
     'expression has type "int | None", variable has type "int"'),
])
def test_wrong_freebsd_usage_fails(case: str, message: str) -> None:
    result = mypy("--strict", "--platform", "freebsd", str(HERE / case))
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout, result.stdout


def test_the_freebsd_names_are_freebsds_only() -> None:
    # The FreeBSD backend's own record names are not exported elsewhere, and sockets() is not
    # exported on FreeBSD.
    result = mypy("--strict", "--platform", "linux", str(HERE / "freebsd_usage.py"))
    assert result.returncode == 1 and 'has no attribute "FreeBSDTcpState"' in result.stdout
    result = mypy("--strict", "--platform", "freebsd", str(HERE / "listing_usage.py"))
    assert result.returncode == 1 and 'has no attribute "sockets"' in result.stdout


def test_the_freebsd_tests_pass_strict() -> None:
    tests = Path(__file__).parent
    result = mypy("--strict", "--platform", "freebsd", "test_freebsd.py",
                  "test_freebsd_header.py", "freebsd_tcp_info.py", cwd=tests)
    assert result.returncode == 0, result.stdout + result.stderr
