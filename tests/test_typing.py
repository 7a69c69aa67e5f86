"""The stubs, checked: the portable usage passes mypy --strict under every platform and wrong
usages fail under each; this platform's usage and stubtest against the compiled module; the
repository's own modules and tests pass mypy; every stub docstring is the runtime's."""

from __future__ import annotations

import ast
import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import prometheus_client
import pytest

import socketstat
from conftest import REPO, mypy

HERE = Path(__file__).parent / "typing"
OPTIONAL_DEPENDENCIES = [prometheus_client]  # the test extra installs them
PLATFORMS = ["linux", "darwin", "freebsd", "win32"]
LISTING_PLATFORMS = ["linux", "darwin"]  # the platforms with sockets() and SamplerGroup
INSTALLED = Path(socketstat.__file__).parent
BACKENDS = {"win32": "windows"}  # a platform's backend module, where not named as sys.platform


@pytest.mark.parametrize("platform", PLATFORMS)
def test_portable_usage_passes_strict_on_every_platform(platform: str) -> None:
    result = mypy("--strict", "--platform", platform, str(HERE / "portable_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("platform", LISTING_PLATFORMS)
def test_listing_usage_passes_strict_where_sockets_are_listed(platform: str) -> None:
    result = mypy("--strict", "--platform", platform, str(HERE / "listing_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("case, messages", [
    ("portable_wrong_none_check.py", ['Item "None" of', 'has no attribute "rtt"']),
    ("portable_wrong_field.py", ['has no attribute "srtt"']),
    ("portable_wrong_fd.py", ['Argument 1 to "socketstat" has incompatible type "str"']),
    ("portable_wrong_optional_as_int.py", ['expression has type "int | None", variable has type "int"']),
    ("portable_wrong_type.py", ['expression has type "float", variable has type "int"',
                                'has no attribute "FIN_WAIT1"']),
])
def test_wrong_portable_usage_fails_on_every_platform(platform: str, case: str,
                                                      messages: list[str]) -> None:
    result = mypy("--strict", "--platform", platform, str(HERE / case))
    assert result.returncode == 1, result.stdout + result.stderr
    for message in messages:
        assert message.lower() in result.stdout.lower(), result.stdout


def test_linux_usage_passes_strict() -> None:
    result = mypy("--strict", "--platform", "linux", str(HERE / "linux_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_windows_usage_passes_strict() -> None:
    result = mypy("--strict", "--platform", "win32", str(HERE / "windows_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case, message", [
    ("windows_wrong_optional_v1.py", 'expression has type "int | None", variable has type "int"'),
    ("windows_wrong_listing.py", 'Module "socketstat" has no attribute "sockets"'),
    ("linux_raw_member.py", 'has no attribute "tcpi_rtt"'),
])
def test_wrong_windows_usage_fails(case: str, message: str) -> None:
    result = mypy("--strict", "--platform", "win32", str(HERE / case))
    assert result.returncode == 1, result.stdout + result.stderr
    assert message.lower() in result.stdout.lower(), result.stdout


def test_the_windows_tests_pass_strict_for_windows() -> None:
    # test_windows.py runs on Windows only; its types are checked everywhere.
    tests = Path(__file__).parent
    result = mypy("--strict", "--platform", "win32", "test_windows.py", "conftest.py", cwd=tests)
    assert result.returncode == 0, result.stdout + result.stderr


def test_event_loop_streams_are_accepted_where_an_fd_is() -> None:
    # asyncio's StreamWriter and Transport, trio's SocketStream, anyio's SocketStream.
    result = mypy("--strict", "--platform", "linux", str(HERE / "linux_async_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_listing_states_are_typed() -> None:
    # A state by its name as a str is a mistake mypy catches (and sockets() refuses at run time).
    result = mypy("--strict", "--platform", "linux", str(HERE / "linux_wrong_states.py"))
    assert result.returncode == 1
    assert 'List item 0 has incompatible type "str"; expected "TcpState"' in result.stdout, \
        result.stdout


def test_wrong_group_usage_fails() -> None:
    result = mypy("--strict", "--platform", "linux", str(HERE / "linux_wrong_group.py"))
    assert result.returncode == 1
    assert 'Argument 1 to "add" of "SamplerGroup" has incompatible type "str"' in result.stdout, \
        result.stdout
    assert 'Value of type "Column" is not indexable' in result.stdout, result.stdout


def test_raw_members_are_per_platform() -> None:
    # A raw struct member through the portable names: fine for Linux, refused for macOS.
    result = mypy("--strict", "--platform", "linux", str(HERE / "linux_raw_member.py"))
    assert result.returncode == 0, result.stdout + result.stderr
    result = mypy("--strict", "--platform", "darwin", str(HERE / "linux_raw_member.py"))
    assert result.returncode == 1 and 'has no attribute "tcpi_rtt"' in result.stdout, result.stdout


def test_misspelled_linux_member_fails() -> None:
    result = mypy("--strict", "--platform", "linux", str(HERE / "linux_wrong_field.py"))
    assert result.returncode == 1
    assert '"TcpInfo" has no attribute "tcpi_no_such_field"' in result.stdout, result.stdout


def test_stubtest_against_the_built_module(tmp_path: Path) -> None:
    # The package ships every platform's stub (so mypy --platform darwin works anywhere); only
    # this platform's backend is built, so the others may be missing at run time: nothing else
    # is allowed.
    others = [f"socketstat._{BACKENDS.get(name, name)}" for name in PLATFORMS
              if not sys.platform.startswith(name)]
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("\n".join(others) + "\n")
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "socketstat",
                             "--allowlist", str(allowlist)],
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_the_repositorys_own_modules_pass_mypy(tmp_path: Path) -> None:
    # From the repository root, as a developer runs it: pyproject.toml's [tool.mypy] reads the
    # backends' types from stubs/. An interpreter without socketstat installed, so nothing
    # installed stands in for the source tree.
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    # The optional dependencies' own types (prometheus_client, for socketstat.prometheus), linked
    # into the bare interpreter: those, and not socketstat, are what it must see installed.
    site_packages = next((bare / "lib").glob("python*/site-packages"))
    for optional in OPTIONAL_DEPENDENCIES:
        assert optional.__file__ is not None
        (site_packages / optional.__name__).symlink_to(Path(optional.__file__).parent)
    modules = sorted(str(path.relative_to(REPO)) for path in (REPO / "socketstat").glob("*.py"))
    for platform in PLATFORMS:
        result = mypy("--platform", platform, *modules, cwd=REPO, python=str(bare / "bin/python"))
        assert result.returncode == 0, result.stdout + result.stderr


def test_tests_themselves_pass_strict() -> None:
    tests = Path(__file__).parent
    files = [path.name for path in sorted(tests.glob("test_*.py")) + [tests / "conftest.py"]]
    result = mypy("--strict", "--platform", sys.platform, *files, cwd=tests)
    assert result.returncode == 0, result.stdout + result.stderr


def _stub_docstrings(path: Path) -> dict[str, str]:
    """dotted name -> docstring for every documented class, function and method of a stub."""
    found: dict[str, str] = {}

    def walk(nodes: list[ast.stmt], prefix: str) -> None:
        for node in nodes:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                docstring = ast.get_docstring(node, clean=True)
                if docstring:
                    found[prefix + node.name] = docstring
                if isinstance(node, ast.ClassDef):
                    walk(node.body, f"{prefix}{node.name}.")
    walk(ast.parse(path.read_text()).body, "")
    return found


def _runtime_docstring(module: Any, dotted: str) -> str | None:
    target: Any = module
    for part in dotted.split("."):
        owner = target
        target = inspect.getattr_static(owner, part)
    if isinstance(target, (staticmethod, classmethod)):
        target = target.__func__
    if not target.__doc__:
        return None
    docstring = inspect.cleandoc(target.__doc__)
    # Cython's embedsignature puts the signature first unless the docstring already starts
    # with it: that line is the compiler's, not ours.
    first, _, rest = docstring.partition("\n")
    name = dotted.rsplit(".", 1)[-1]
    if re.match(rf"[\w.]*\b{name}\(", first) and rest.startswith("\n") \
            and not re.match(rf"[\w.]*\b{name}\(", rest.strip()):
        return rest.strip()
    return docstring


def test_every_stub_docstring_is_the_runtime_docstring() -> None:
    # The stub is what an IDE shows: it must say what the compiled module says, never drift.
    backend = sys.modules[socketstat.socketstat.__module__]
    stub = INSTALLED / f"{backend.__name__.rsplit('.', 1)[1]}.pyi"
    checked = 0
    for dotted, docstring in _stub_docstrings(stub).items():
        if dotted.startswith("_") or dotted.endswith("__init__"):
            continue
        runtime = _runtime_docstring(backend, dotted)
        assert runtime == docstring, dotted
        checked += 1
    assert checked > 100


def test_an_editable_install_is_typed(tmp_path: Path) -> None:
    # pip install -e . imports the package from the source tree: the stubs must be there too,
    # and mypy must be able to find the package (a .pth path, not an import hook).
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "*.so", "*.c", "*.pyi", "py.typed", "_*_records.pxi",
        "__pycache__", "*.egg-info"))
    shutil.copytree(REPO / "stubs", source / "stubs", dirs_exist_ok=True)
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True)
    python = str(environment / "bin" / "python")
    # Unoptimised and without debug information (CFLAGS come after the interpreter's): what is
    # tested is where the stubs land, and the extension's C compiles in a fifth of the time.
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", str(source)], check=True, capture_output=True,
                   env=dict(os.environ, CFLAGS="-O0 -g0"))
    assert (source / "socketstat" / "py.typed").is_file()
    result = mypy("--strict", str(HERE / "portable_usage.py"), python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    result = mypy("--strict", str(HERE / "portable_wrong_optional_as_int.py"), python=python)
    assert result.returncode == 1 and "int | None" in result.stdout, result.stdout
