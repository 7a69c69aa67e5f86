"""The cross-check (tests/crosscheck/) for macOS, FreeBSD and Windows: each OS's fixture backend
compiles and links for both of its architectures, every deliberately broken variant of it fails
naming what is wrong, socketstat/_darwin.pyx passes (its struct declarations generated from
socketstat/codegen/darwin.py included: a wrong row there fails too), and that table lists every
member of the SDK's structs; the FreeBSD and Windows backends likewise.

Needs ziglang and Cython in the test environment (pip install ziglang==0.17.1 'Cython>=3.0'):
without them these tests skip, except under CI (CI set and not "false"), where they fail.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple, Tuple

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the cross-check runs on a Linux host", allow_module_level=True)


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
            pytest.fail(f"CI is set, so the cross-check must not be skipped: {error}")
        pytest.skip(str(error))


def test_fixture_compiles_and_links_for_both_archs(toolchain: None, tmp_path: Path) -> None:
    built = crosscheck.check_darwin(FIXTURE / "_darwin.pyx", include_dirs=[FIXTURE / "includes"],
                                    workdir=tmp_path)
    assert sorted(built) == sorted(crosscheck.DARWIN_ARCHS)
    assert all(path.stat().st_size > 0 for path in built.values())


def _source_package(directory: Path) -> Path:
    """A copy of the socketstat source package in DIRECTORY, without build products: what a fresh
    clone holds."""
    package = directory / "socketstat"
    shutil.copytree(ROOT / "socketstat", package, ignore=shutil.ignore_patterns(
        "*.so", "*.c", "*.pyi", "py.typed", "_*_records.pxi", "_*_group_columns.pxi",
        "__pycache__"))
    return package


@pytest.mark.skipif(not DARWIN_BACKEND.exists(), reason="no source tree beside the tests")
@pytest.mark.parametrize("os_name", ["darwin", "freebsd", "windows"])
def test_socketstat_backend_from_a_fresh_tree(toolchain: None, tmp_path: Path, os_name: str) -> None:
    # translate() renders _<os>_records.pxi (and _<os>_group_columns.pxi where the OS has
    # SamplerGroup) from the tables, as setup.py does; then every architecture of the OS.
    package = _source_package(tmp_path)
    if not (package / f"_{os_name}.pyx").exists():
        pytest.skip(f"no _{os_name}.pyx yet")
    work = tmp_path / "work"
    work.mkdir()
    check = getattr(crosscheck, f"check_{os_name}")
    built = check(package / f"_{os_name}.pyx", include_dirs=[package / "includes"], workdir=work)
    assert sorted(built) == sorted(getattr(crosscheck, f"{os_name.upper()}_ARCHS"))
    assert (package / f"_{os_name}_records.pxi").is_file()


# A wrong row in the macOS table: the declarations generated from it are cross-checked too.
BROKEN_TABLE = {
    "member-type": ((r'tcpi\("tcpi_snd_cwnd", "uint32_t"', 'tcpi("tcpi_snd_cwnd", "uint16_t"'),
                    "compile", ("tcpi_snd_cwnd", "size differs")),
    "bit-field-type": ((r'return tcpi\(name, "uint32_t"', 'return tcpi(name, "uint8_t"'),
                       "compile", ("tcpi_tfo_syn_data_acked", "size differs")),
    # sockets() writes every sockbuf_info member by name: Cython finds the true name missing.
    "sockbuf-member-name": ((r'sbi\("sbi_lowat"', 'sbi("sbi_lowwat"'), "cython", ("sbi_lowat",)),
}


@pytest.mark.skipif(not DARWIN_BACKEND.exists(), reason="no source tree beside the tests")
@pytest.mark.parametrize(("case", "arch"), [(case, crosscheck.DARWIN_ARCHS[i % 2])
                                            for i, case in enumerate(sorted(BROKEN_TABLE))])
def test_broken_table_row_fails(toolchain: None, tmp_path: Path, case: str, arch: str) -> None:
    (pattern, replacement), stage, names = BROKEN_TABLE[case]
    package = _source_package(tmp_path)
    table = package / "codegen" / "darwin.py"
    text, count = re.subn(pattern, lambda _: replacement, table.read_text())
    assert count == 1, f"{pattern!r} no longer matches codegen/darwin.py: update the test"
    table.write_text(text)
    failure = _single_failure(package, arch, tmp_path)
    assert failure.stage == stage, str(failure)
    for name in names:
        assert name in failure.output, str(failure)


# A wrong row in the private pcblist_n layout (includes/darwin_pcblist.h, declared from xnu, not
# in the SDK): its own assertions, or declcheck's of darwin.pxd, fail the cross-check build.
BROKEN_PCBLIST = {
    "offset": ("X(xtcpcb_n, t_srtt, 136)", "X(xtcpcb_n, t_srtt, 140)", "t_srtt is at 140"),
    "size": ("X(xsocket_n, 104)", "X(xsocket_n, 96)", "sizeof(struct xsocket_n) is 96"),
    "member-type": ("    uint32_t sb_hiwat;", "    uint16_t sb_hiwat;",
                    "sb_hiwat declared as 'uint32_t': size differs"),
}


@pytest.mark.skipif(not DARWIN_BACKEND.exists(), reason="no source tree beside the tests")
@pytest.mark.parametrize(("case", "arch"), [(case, crosscheck.DARWIN_ARCHS[i % 2])
                                            for i, case in enumerate(sorted(BROKEN_PCBLIST))])
def test_broken_pcblist_layout_fails(toolchain: None, tmp_path: Path, case: str, arch: str) -> None:
    old, new, message = BROKEN_PCBLIST[case]
    package = _source_package(tmp_path)
    header = package / "includes" / "darwin_pcblist.h"
    text = header.read_text()
    assert text.count(old) == 1, f"{old!r} no longer matches darwin_pcblist.h: update the test"
    header.write_text(text.replace(old, new))
    failure = _single_failure(package, arch, tmp_path)
    assert failure.stage == "compile", str(failure)
    assert message in failure.output, str(failure)


# A wrong row in the FreeBSD or Windows table: its declarations are asserted against that OS's
# headers too (a 32-bit member declared 64-bit).
BROKEN_OTHER_TABLE = {"freebsd": ('tcpi("tcpi_snd_cwnd", "uint32_t"', 'tcpi("tcpi_snd_cwnd", "uint64_t"',
                                  "tcpi_snd_cwnd", "aarch64"),
                      "windows": ('member("Cwnd", "uint32_t"', 'member("Cwnd", "uint64_t"', "Cwnd", "x86_64")}


@pytest.mark.parametrize("os_name", sorted(BROKEN_OTHER_TABLE))
def test_broken_freebsd_or_windows_table_row_fails(toolchain: None, tmp_path: Path, os_name: str) -> None:
    old, new, member, arch = BROKEN_OTHER_TABLE[os_name]
    package = _source_package(tmp_path)
    if not (package / f"_{os_name}.pyx").exists():
        pytest.skip(f"no _{os_name}.pyx yet")
    table = package / "codegen" / f"{os_name}.py"
    assert table.read_text().count(old) == 1, f"codegen/{os_name}.py changed: update the test"
    table.write_text(table.read_text().replace(old, new))
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(crosscheck.CrossCheckError) as raised:
        getattr(crosscheck, f"check_{os_name}")(package / f"_{os_name}.pyx", archs=[arch],
                                                include_dirs=[package / "includes"], workdir=work)
    [failure] = raised.value.failures
    assert failure.stage == "compile", str(failure)
    assert member in failure.output and "size differs" in failure.output, str(failure)


def test_windows_check_builds_as_setup_py_does() -> None:
    # The cross-check compiles and links as setup.py's Windows extension: the same header versions
    # (define_macros) and the same import libraries.
    windows_module = importlib.import_module(f"{crosscheck.__name__}.windows")
    setup = (ROOT / "setup.py").read_text()
    macros = dict(re.findall(r'\("(_WIN32_WINNT|NTDDI_VERSION)", "(0x[0-9A-Fa-f]+)"\)', setup))
    assert [f"-D{name}={value}" for name, value in macros.items()] == [
        flag for flag in windows_module.WINDOWS_DEFINES if flag.startswith("-D")]
    libraries = re.search(r'libraries = (\[.*?\]) if platform == "windows"', setup)
    assert libraries and json.loads(libraries.group(1)) == list(windows_module.WINDOWS_LIBRARIES)


def _single_failure(package: Path, arch: str, tmp_path: Path) -> Any:
    """Check a broken copy of the backend for one architecture: it must fail, at one step."""
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(crosscheck.CrossCheckError) as raised:
        crosscheck.check_darwin(package / "_darwin.pyx", archs=[arch], include_dirs=[package / "includes"],
                                workdir=work)
    [failure] = raised.value.failures
    return failure


def _table_members() -> dict[str, list[str]]:
    """{record: its struct members, in table order} of socketstat/codegen/darwin.py (imported in
    a process of its own: the tables import each other under plain names)."""
    codegen = ROOT / "socketstat" / "codegen"
    script = (f"import sys, json; sys.path.insert(0, {str(codegen)!r}); import darwin; "
              "print(json.dumps({r.name: [f.name for f in r.members] for r in darwin.RECORDS}))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    members: dict[str, list[str]] = json.loads(run.stdout)
    return members


def _sdk_members(header: str, struct: str) -> list[str]:
    """The named members of STRUCT in the SDK header that ziglang ships, in order (padding left
    out)."""
    text = (crosscheck.zigcc.ziglang_dir() / "lib" / "libc" / "include" / "any-darwin-any" / header).read_text()
    body = text[text.index(f"struct {struct} {{"):]
    body = body[body.index("{") + 1:body.index("};")]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    body = re.sub(r"^\s*#.*$", "", body, flags=re.M)
    names = re.findall(r"(\w+)\s*(?::\s*\d+\s*)?(?:__attribute__\(\(.*?\)\)\s*)?[,;]", body)
    return [name for name in names if not name.startswith("__")]


@pytest.mark.skipif(not DARWIN_BACKEND.exists(), reason="no source tree beside the tests")
def test_tables_list_every_sdk_member_in_order(toolchain: None) -> None:
    # The cross-check proves each declared member right; this proves none is missing, so a member
    # a newer SDK adds shows up here. Read independently of the table: the SDK's own header.
    table = _table_members()
    assert table["TcpConnectionInfo"] == _sdk_members("netinet/tcp.h", "tcp_connection_info")
    assert table["SockbufInfo"] == _sdk_members("sys/proc_info.h", "sockbuf_info")


def _table_constants() -> dict[str, int]:
    """{C constant: the number the stubs give it} for every darwin.py enumeration member."""
    codegen = ROOT / "socketstat" / "codegen"
    script = (f"import sys, json; sys.path.insert(0, {str(codegen)!r}); import darwin; "
              "print(json.dumps({m.c_name: m.value for e in (darwin.DARWIN_TCP_STATE, "
              "darwin.TCP_CONNECTION_OPTIONS, darwin.TCP_CONNECTION_FLAGS) for m in e.members}))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    constants: dict[str, int] = json.loads(run.stdout)
    return constants


@pytest.mark.skipif(not DARWIN_BACKEND.exists(), reason="no source tree beside the tests")
def test_stub_numbers_are_the_sdks(toolchain: None) -> None:
    # The backend takes each enum value from the SDK's constant; the stubs need the number
    # written down, and it must be the SDK's (read from its headers, not from the table).
    headers = crosscheck.zigcc.ziglang_dir() / "lib" / "libc" / "include" / "any-darwin-any"
    text = (headers / "sys/proc_info.h").read_text() + (headers / "netinet/tcp.h").read_text()
    for name, value in _table_constants().items():
        match = re.search(rf"^#define\s+{name}\s+(0x[0-9a-fA-F]+|\d+)", text, flags=re.M)
        assert match, f"{name} is not #defined in the SDK"
        assert int(match.group(1), 0) == value, name


# What Sampler.sample() may call, read from the C that Cython generates for macOS: the body of
# Sampler._sample and of every module function it reaches. strace is Linux-only; this shows the
# cost discipline on the code that a Mac compiles: no proc_pidfdinfo, no sysctl, no allocation.
_MODULE_FUNCTION = re.compile(r"\b(__pyx_f_10socketstat_7_darwin_\w+)\s*\(")
_SYSTEM_CALLS = {"getsockopt", "ioctl", "proc_pidfdinfo", "proc_pidinfo", "sysctlbyname",
                 "getsockname", "getpeername", "fstat", "clock_gettime", "mach_absolute_time",
                 "socketstat_monotonic_ns", "malloc", "PyMem_Malloc", "PyObject_Malloc"}


def _function_body(c_source: str, name: str) -> str:
    match = re.search(rf"^static [^;{{]*\b{name}\([^;{{]*\)\s*{{", c_source, flags=re.M)
    assert match, f"no definition of {name} in the generated C"
    depth, index = 1, match.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(c_source[index], 0)
        index += 1
    return c_source[match.end():index]


def _reached_calls(c_source: str, start: str) -> tuple[set[str], str]:
    """(the system calls named in START and the module functions it reaches, their bodies)."""
    seen, todo, bodies = set(), [start], []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        body = _function_body(c_source, name)
        bodies.append(body)
        todo += _MODULE_FUNCTION.findall(body)
    text = "\n".join(bodies)
    return {call for call in _SYSTEM_CALLS if re.search(rf"\b{call}\s*\(", text)}, text


@pytest.mark.skipif(not DARWIN_BACKEND.exists(), reason="no source tree beside the tests")
def test_sampler_and_group_issue_only_their_calls(toolchain: None, tmp_path: Path) -> None:
    package = _source_package(tmp_path)
    translation = crosscheck.translate(package / "_darwin.pyx", workdir=tmp_path)
    c_source = translation.c_file.read_text()
    calls, text = _reached_calls(c_source, "__pyx_f_10socketstat_7_darwin_7Sampler__sample")
    assert calls == {"getsockopt", "ioctl", "socketstat_monotonic_ns"}, calls
    for option in ("TCP_CONNECTION_INFO", "FIONREAD", "SO_NREAD", "SO_NWRITE"):
        assert re.search(rf"\b{option}\b", text), option
    # The same reading finds what socketstat() calls, so an empty answer is not the reading's.
    calls, _ = _reached_calls(c_source, "__pyx_f_10socketstat_7_darwin_read_snapshot")
    assert "proc_pidfdinfo" in calls and "getsockopt" in calls
    # SamplerGroup.sample()'s loop issues, per member, what Sampler.sample() issues: the same
    # calls, through the same read functions.
    calls, text = _reached_calls(c_source, "__pyx_f_10socketstat_7_darwin__read_members")
    assert calls == {"getsockopt", "ioctl", "socketstat_monotonic_ns"}, calls
    for option in ("TCP_CONNECTION_INFO", "FIONREAD", "SO_NREAD", "SO_NWRITE"):
        assert re.search(rf"\b{option}\b", text), option
    sampler = set(_MODULE_FUNCTION.findall(_function_body(
        c_source, "__pyx_f_10socketstat_7_darwin_7Sampler__sample")))
    loop = set(_MODULE_FUNCTION.findall(_function_body(
        c_source, "__pyx_f_10socketstat_7_darwin__read_members")))
    reads = {"__pyx_f_10socketstat_7_darwin_read_connection_info_into",
             "__pyx_f_10socketstat_7_darwin_read_queues"}
    assert reads <= loop, loop
    assert "__pyx_f_10socketstat_7_darwin_read_queues" in sampler, sampler
    # tcp_info() is one getsockopt.
    calls, _ = _reached_calls(c_source, "__pyx_f_10socketstat_7_darwin_read_connection_info")
    assert calls == {"getsockopt"}
    assert "__pyx_f_10socketstat_7_darwin_read_connection_info_into" in _MODULE_FUNCTION.findall(
        _function_body(c_source, "__pyx_f_10socketstat_7_darwin_read_connection_info"))


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


def _broken_fixture(directory: Path, edits: Tuple[Tuple[str, str, str], ...],
                    fixture: Path = FIXTURE) -> Path:
    """A copy of a fixture package in DIRECTORY with EDITS applied; each must match."""
    package = directory / fixture.name
    shutil.copytree(fixture, package)
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
def test_broken_declaration_fails(broken_fixture_failures: dict[tuple[str, str], Any], case: str,
                                  arch: str) -> None:
    _expect_failure(broken_fixture_failures[("darwin", case)], BROKEN[case], arch)


def _expect_failure(outcome: Any, broken: Broken, arch: str) -> None:
    """OUTCOME, the CrossCheckError a broken fixture's check raised, names what BROKEN says at the
    step it says; anything else (no error, another exception) fails here."""
    if not isinstance(outcome, crosscheck.CrossCheckError):
        raise AssertionError(f"the broken fixture did not fail the cross-check: {outcome!r}")
    [failure] = outcome.failures
    assert failure.stage == broken.stage, str(failure)
    assert failure.target.startswith(arch if broken.stage != "cython" else ""), str(failure)
    for name in broken.names:
        assert name in failure.output, str(failure)


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


# FreeBSD and Windows: the same proof on each OS's fixture, with the mistakes a Linux or macOS
# habit makes there (a Linux constant, long as 64 bits on Windows, a library not linked).
FREEBSD_FIXTURE = TESTS / "crosscheck" / "fixtures" / "freebsdfix"
WINDOWS_FIXTURE = TESTS / "crosscheck" / "fixtures" / "windowsfix"


def test_freebsd_fixture_compiles_and_links_for_both_archs(toolchain: None, tmp_path: Path) -> None:
    built = crosscheck.check_freebsd(FREEBSD_FIXTURE / "_freebsd.pyx",
                                     include_dirs=[FREEBSD_FIXTURE / "includes"], workdir=tmp_path)
    assert sorted(built) == sorted(crosscheck.FREEBSD_ARCHS)
    for path in built.values():
        assert path.read_bytes()[:4] == b"\x7fELF"


def test_windows_fixture_compiles_and_links_for_both_archs(toolchain: None, tmp_path: Path) -> None:
    built = crosscheck.check_windows(WINDOWS_FIXTURE / "_windows.pyx",
                                     include_dirs=[WINDOWS_FIXTURE / "includes"], workdir=tmp_path)
    assert sorted(built) == sorted(crosscheck.WINDOWS_ARCHS)
    for path in built.values():
        image = path.read_bytes()
        # The .pyd imports its C API from the Python DLL and Winsock from ws2_32, and exports
        # the module's init function.
        assert image[:2] == b"MZ"
        assert f"python{sys.version_info[0]}{sys.version_info[1]}.dll".encode() in image
        assert b"WS2_32.dll" in image and b"PyInit__windows" in image


def _verbatim_function(prototype: str) -> str:
    """A pxd block declaring a C function by its own prototype (no header declares it)."""
    return f'''
cdef extern from *:
    """
    {prototype};
    """
    {prototype.replace("(void)", "()")}
'''


FREEBSD_PXD = "includes/freebsd.pxd"
FREEBSD_PYX = "_freebsd.pyx"
BROKEN_FREEBSD = {
    "misspelled-field": Broken(
        ((FREEBSD_PXD, r"\btcpi_snd_una\b", "tcpi_snd_unack"), (FREEBSD_PYX, r"\btcpi_snd_una\b", "tcpi_snd_unack")),
        "compile", ("no member named 'tcpi_snd_unack'",)),
    "uint64-member-declared-uint32": Broken(
        ((FREEBSD_PXD, r"uint64_t tcpi_total_tlp_bytes\b", "uint32_t tcpi_total_tlp_bytes"),),
        "compile", ("tcpi_total_tlp_bytes", "size differs")),
    "bit-field-wrong-type": Broken(
        ((FREEBSD_PXD, r"uint8_t tcpi_snd_wscale\b", "uint32_t tcpi_snd_wscale"),),
        "compile", ("tcpi_snd_wscale", "size differs")),
    "linux-constant": Broken(
        ((FREEBSD_PXD, r"enum: FIONWRITE\b", "enum: SIOCOUTQ"), (FREEBSD_PYX, r"freebsd\.FIONWRITE\b", "freebsd.SIOCOUTQ")),
        "compile", ("SIOCOUTQ",)),
    "wrong-prototype": Broken(
        ((FREEBSD_PXD, r"int getosreldate\(\)", "long getosreldate()"),),
        "compile", ("getosreldate", "prototype differs")),
    "function-libc-lacks": Broken(
        ((FREEBSD_PXD, r"\Z", _verbatim_function("int epoll_create1(int flags)")),),
        "link", ("epoll_create1",)),
    "field-missing-from-pxd": Broken(
        ((FREEBSD_PYX, r"info\.tcpi_rto\b", "info.tcpi_rto_us"),), "cython", ("no declared member 'tcpi_rto_us'",)),
}

WINDOWS_PXD = "includes/windows.pxd"
WINDOWS_PYX = "_windows.pyx"
BROKEN_WINDOWS = {
    "misspelled-field": Broken(
        ((WINDOWS_PXD, r"ULONG RttUs\n        ULONG SndLimTransRwin", "ULONG RttUsec\n        ULONG SndLimTransRwin"),
         (WINDOWS_PYX, r"info\.RttUs\b", "info.RttUsec")),
        "compile", ("no member named 'RttUsec'",)),
    "uint64-member-declared-uint32": Broken(
        ((WINDOWS_PXD, r"ULONG64 BytesOut\b", "ULONG BytesOut"),), "compile", ("BytesOut", "size differs")),
    "long-as-64-bits": Broken(
        ((WINDOWS_PXD, r"ctypedef unsigned long DWORD\b", "ctypedef unsigned long long DWORD"),),
        "compile", ("DWORD",)),
    "constant-past-int": Broken(
        ((WINDOWS_PXD, r"const DWORD SIO_TCP_INFO\b", "enum: SIO_TCP_INFO #"),),
        "compile", ("SIO_TCP_INFO", "does not fit")),
    "version-1-member-in-version-0": Broken(
        ((WINDOWS_PXD, r"ULONG Cwnd\n", "ULONG Cwnd\n        ULONG SndLimTransCwnd\n"),),
        "compile", ("SndLimTransCwnd",)),
    "wrong-prototype": Broken(
        ((WINDOWS_PXD, r"SOCKET s, long cmd", "SOCKET s, int cmd"),), "compile", ("ioctlsocket", "prototype differs")),
    "function-not-in-linked-libraries": Broken(
        ((WINDOWS_PXD, r"\Z", _verbatim_function(
            "unsigned long GetTcpTable2(void *table, unsigned long *size, int order)")),),
        "link", ("GetTcpTable2",)),
    "field-missing-from-pxd": Broken(
        ((WINDOWS_PYX, r"info\.State\b", "info.Status"),), "cython", ("no declared member 'Status'",)),
}


OTHER_OS = {"freebsd": (FREEBSD_FIXTURE, FREEBSD_PYX, BROKEN_FREEBSD, crosscheck.FREEBSD_ARCHS),
            "windows": (WINDOWS_FIXTURE, WINDOWS_PYX, BROKEN_WINDOWS, crosscheck.WINDOWS_ARCHS)}


FIXTURE_CASES = [("darwin", case, arch) for case, arch in CASES] + [
    (os_name, case, archs[i % 2]) for os_name, (_, _, broken, archs) in OTHER_OS.items()
    for i, case in enumerate(sorted(broken))]


@pytest.fixture(scope="session")
def broken_fixture_failures(toolchain: None, tmp_path_factory: pytest.TempPathFactory
                            ) -> dict[tuple[str, str], Any]:
    """Every broken fixture of every OS checked for its one architecture, two at a time: each
    check is a Cython run then one compile, single-threaded, and these machines have two cores.
    {(os, case): the CrossCheckError raised, or whatever else came out}."""
    oses = {"darwin": (FIXTURE, "_darwin.pyx", BROKEN), **{
        os_name: (fixture, pyx, cases) for os_name, (fixture, pyx, cases, _) in OTHER_OS.items()}}

    def one(item: tuple[str, str, str]) -> tuple[tuple[str, str], Any]:
        os_name, case, arch = item
        fixture, pyx, cases = oses[os_name]
        directory = tmp_path_factory.mktemp(f"{os_name}-{case}")
        try:
            package = _broken_fixture(directory, cases[case].edits, fixture)
            work = directory / "work"
            work.mkdir()
            getattr(crosscheck, f"check_{os_name}")(package / pyx, archs=[arch],
                                                    include_dirs=[package / "includes"], workdir=work)
            return (os_name, case), None
        except Exception as error:  # noqa: BLE001 (each test judges its own outcome)
            return (os_name, case), error

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, FIXTURE_CASES))


@pytest.mark.parametrize(("os_name", "case", "arch"), [item for item in FIXTURE_CASES if item[0] != "darwin"])
def test_broken_freebsd_or_windows_declaration_fails(broken_fixture_failures: dict[tuple[str, str], Any],
                                                     os_name: str, case: str, arch: str) -> None:
    _expect_failure(broken_fixture_failures[(os_name, case)], OTHER_OS[os_name][2][case], arch)


def test_cli_names_the_os_from_the_module(toolchain: None, capsys: pytest.CaptureFixture[str]) -> None:
    main = importlib.import_module(f"{crosscheck.__name__}.__main__").main
    assert main([str(FREEBSD_FIXTURE / "_freebsd.pyx"), "--arch", "aarch64"]) == 0
    assert main([str(WINDOWS_FIXTURE / "_windows.pyx"), "--arch", "x86_64"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["PASS", "aarch64-freebsd.14.0"], ["PASS", "x86_64-windows-gnu"]]
