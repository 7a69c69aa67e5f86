"""The macOS cross-check (tests/crosscheck/): the fixture backend compiles and links for both
macOS architectures, every deliberately broken variant of it fails naming what is wrong, and
socketstat/_darwin.pyx passes once it exists.

Needs ziglang and Cython in the test environment (pip install ziglang==0.17.1 'Cython>=3.0'):
without them these tests skip, except under CI (CI set and not "false"), where they fail.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import NamedTuple, Tuple

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURE = TESTS / "crosscheck" / "fixtures" / "darwinfix"
DARWIN_BACKEND = ROOT / "socketstat" / "_darwin.pyx"
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")


def _load_crosscheck() -> ModuleType:
    """Import tests/crosscheck by path: independent of pytest's import mode and of sys.path."""
    name = "socketstat_crosscheck"
    if name not in sys.modules:
        package = TESTS / "crosscheck"
        spec = importlib.util.spec_from_file_location(
            name, package / "__init__.py", submodule_search_locations=[str(package)])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


crosscheck = _load_crosscheck()


@pytest.fixture(scope="session")
def toolchain() -> None:
    """ziglang, Cython and Python.h must be there: a skip on a developer machine, a failure in CI."""
    try:
        crosscheck.require_toolchain()
    except crosscheck.MissingToolError as error:
        if IN_CI:
            pytest.fail(f"CI is set, so the macOS cross-check must not be skipped: {error}")
        pytest.skip(str(error))


def test_fixture_compiles_and_links_for_both_archs(toolchain: None, tmp_path: Path) -> None:
    built = crosscheck.check_darwin(FIXTURE / "_darwin.pyx", include_dirs=[FIXTURE / "includes"],
                                    workdir=tmp_path)
    assert sorted(built) == sorted(crosscheck.DARWIN_ARCHS)
    assert all(path.stat().st_size > 0 for path in built.values())


@pytest.mark.skipif(not DARWIN_BACKEND.exists(), reason="socketstat/_darwin.pyx is not written yet")
def test_socketstat_darwin_backend(toolchain: None, tmp_path: Path) -> None:
    built = crosscheck.check_darwin(DARWIN_BACKEND, include_dirs=[ROOT / "socketstat" / "includes"],
                                    workdir=tmp_path)
    assert sorted(built) == sorted(crosscheck.DARWIN_ARCHS)


class Broken(NamedTuple):
    edits: Tuple[Tuple[str, str, str], ...]  # (file in the fixture, regex, replacement)
    stage: str  # where it must fail: "cython", "compile" or "link"
    names: Tuple[str, ...]  # what the failure output must mention


PXD = "includes/darwin.pxd"
PYX = "_darwin.pyx"
MISSING_FUNCTION = '''
cdef extern from *:
    """
    int proc_pidfdinfo_self(int fd, int flavor, void *buffer, int buffersize);
    """
    int proc_pidfdinfo_self(int fd, int flavor, void *buffer, int buffersize)
'''

BROKEN = {
    "misspelled-field": Broken(
        ((PXD, r"\btcpi_srtt\b", "tcpi_srttt"), (PYX, r"\btcpi_srtt\b", "tcpi_srttt")),
        "compile", ("no member named 'tcpi_srttt'",)),
    "misspelled-unused-field": Broken(
        ((PXD, r"uint32_t tcpi_rttvar\b", "uint32_t tcpi_rtvar"),), "compile", ("tcpi_rtvar",)),
    "misspelled-constant": Broken(
        ((PXD, r"\bSO_NWRITE\b", "SO_NWRITTEN"), (PYX, r"\bSO_NWRITE\b", "SO_NWRITTEN")),
        "compile", ("SO_NWRITTEN",)),
    "misspelled-unused-constant": Broken(
        ((PXD, r"enum: INI_IPV6\b", "enum: INI_IPV66"),), "compile", ("INI_IPV66",)),
    "uint32-member-declared-uint16": Broken(
        ((PXD, r"uint32_t tcpi_snd_cwnd\b", "uint16_t tcpi_snd_cwnd"),
         (PXD, r"cimport uint8_t,", "cimport uint8_t, uint16_t,")),
        "compile", ("tcpi_snd_cwnd", "size differs")),
    "int-member-declared-unsigned": Broken(
        ((PXD, r"int insi_fport\b", "unsigned int insi_fport"),),
        "compile", ("insi_fport", "signedness differs")),
    "unused-member-wrong-type": Broken(
        ((PXD, r"uint64_t tcpi_rxoutoforderbytes\b", "uint32_t tcpi_rxoutoforderbytes"),),
        "compile", ("tcpi_rxoutoforderbytes", "size differs")),
    "bit-field-wrong-type": Broken(
        ((PXD, r"uint32_t tcpi_tfo_syn_data_acked\b", "uint8_t tcpi_tfo_syn_data_acked"),),
        "compile", ("tcpi_tfo_syn_data_acked", "size differs")),
    "struct-declared-as-typedef": Broken(
        ((PXD, r"\n    struct tcp_connection_info:", "\n    ctypedef struct tcp_connection_info:"),),
        "compile", ("tcp_connection_info",)),
    "wrong-prototype": Broken(
        ((PXD, r"void \*buffer, int buffersize\)", "void *buffer, size_t buffersize)"),),
        "compile", ("proc_pidfdinfo", "prototype differs")),
    "function-libsystem-lacks": Broken(
        ((PXD, r"\Z", MISSING_FUNCTION),
         (PYX, r"darwin\.proc_pidfdinfo\(darwin\.getpid\(\), fd,", "darwin.proc_pidfdinfo_self(fd,")),
        "link", ("_proc_pidfdinfo_self",)),
    "unused-function-libsystem-lacks": Broken(
        ((PXD, r"\Z", MISSING_FUNCTION),), "link", ("_proc_pidfdinfo_self",)),
    # Cython itself would defer this one to run time: it turns the struct into a dict.
    "field-missing-from-pxd": Broken(
        ((PYX, r"info\.tcpi_rto\b", "info.tcpi_rto_ms"),), "cython", ("no declared member 'tcpi_rto_ms'",)),
}


def _broken_fixture(directory: Path, edits: Tuple[Tuple[str, str, str], ...]) -> Path:
    """A copy of the fixture package in DIRECTORY with EDITS applied; each must match."""
    package = directory / FIXTURE.name
    shutil.copytree(FIXTURE, package)
    for relative, pattern, replacement in edits:
        path = package / relative
        text, count = re.subn(pattern, lambda _: replacement, path.read_text())
        assert count, f"{pattern!r} no longer matches {relative}: update the test"
        path.write_text(text)
    return package


# One architecture per case, alternating, which halves the time; the intact fixture is checked
# on both, and a declaration is wrong or right on both.
CASES = [(case, crosscheck.DARWIN_ARCHS[i % 2]) for i, case in enumerate(sorted(BROKEN))]


@pytest.mark.parametrize(("case", "arch"), CASES)
def test_broken_declaration_fails(toolchain: None, tmp_path: Path, case: str, arch: str) -> None:
    broken = BROKEN[case]
    package = _broken_fixture(tmp_path, broken.edits)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(crosscheck.CrossCheckError) as raised:
        crosscheck.check_darwin(package / "_darwin.pyx", archs=[arch], include_dirs=[package / "includes"],
                                workdir=work)
    [failure] = raised.value.failures
    assert failure.stage == broken.stage, str(raised.value)
    assert failure.target.startswith(arch if broken.stage != "cython" else ""), str(raised.value)
    for name in broken.names:
        assert name in failure.output, str(raised.value)


def test_cli_prints_one_line_per_arch(toolchain: None, capsys: pytest.CaptureFixture[str]) -> None:
    main = importlib.import_module(f"{crosscheck.__name__}.__main__").main
    status = main([str(FIXTURE / "_darwin.pyx")])
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert [line.split()[:2] for line in lines] == [
        ["PASS", "aarch64-macos.11.0"], ["PASS", "x86_64-macos.10.13"]]


def test_missing_ziglang_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    crosscheck.zigcc.ziglang_dir.cache_clear()
    try:
        with pytest.raises(crosscheck.ZigNotFoundError, match=r"pip install ziglang==0\.17\.1"):
            crosscheck.zigcc.ziglang_dir()
    finally:
        crosscheck.zigcc.ziglang_dir.cache_clear()
