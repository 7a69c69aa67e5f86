"""The macOS stubs, checked on any OS: mypy --strict --platform darwin over usage against the
installed package, wrong usages rejected, the macOS tests themselves, the stub against the
module's source (the rendered records and _darwin.pyx), and (on macOS) stubtest against the
compiled module."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import conftest

HERE = Path(__file__).parent / "typing"
SOURCE = Path(__file__).resolve().parents[1] / "socketstat" / "_darwin.pyx"
CODEGEN = SOURCE.parent / "codegen"


def mypy(*arguments: str, cwd: Path = Path("/")) -> subprocess.CompletedProcess[str]:
    # The installed package and its stubs (the wheel ships every platform's stub), not the source
    # tree, and no MYPYPATH pointing elsewhere.
    environment = dict(os.environ)
    environment.pop("MYPYPATH", None)
    return conftest.mypy(*arguments, cwd=cwd, environment=environment)


def test_darwin_usage_passes_strict() -> None:
    result = mypy("--strict", "--platform", "darwin", str(HERE / "darwin_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case, message", [
    ("darwin_wrong_none_check.py",
     'Item "None" of "TcpConnectionInfo | None" has no attribute "tcpi_srtt"'),
    ("darwin_wrong_field.py", '"TcpConnectionInfo" has no attribute "tcpi_rtt"'),
    ("darwin_wrong_fd.py", 'Argument 1 to "socketstat" has incompatible type "str"'),
    ("darwin_wrong_optional_as_int.py",
     'expression has type "int | None", variable has type "int"'),
    ("darwin_wrong_rto_as_float.py",
     'expression has type "float | None", variable has type "float"'),
    ("darwin_wrong_raw_state.py", 'Non-overlapping equality check'),
])
def test_darwin_wrong_usage_fails(case: str, message: str) -> None:
    result = mypy("--strict", "--platform", "darwin", str(HERE / case))
    assert result.returncode == 1, result.stdout + result.stderr
    assert message.lower() in result.stdout.lower(), result.stdout


def test_the_macos_tests_pass_strict_for_macos() -> None:
    # test_darwin.py runs on a Mac only; its types are checked everywhere.
    tests = Path(__file__).parent
    result = mypy("--strict", "--platform", "darwin", "test_darwin.py", "test_darwin_listing.py",
                  "test_darwin_group.py",
                  "conftest.py", cwd=tests)
    assert result.returncode == 0, result.stdout + result.stderr


def _stub_properties() -> dict[str, set[str]]:
    """{class: its @property names} of the installed socketstat/_darwin.pyi."""
    located = subprocess.run(
        [sys.executable, "-c", "import importlib.util; print(importlib.util.find_spec('socketstat').origin)"],
        capture_output=True, text=True, cwd="/", check=True)
    stub = Path(located.stdout.strip()).parent / "_darwin.pyi"
    assert stub.is_file(), f"the installed package lacks {stub.name}: setup.py ships stubs/socketstat/*"
    classes: dict[str, set[str]] = {}
    for node in ast.parse(stub.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {
                item.name for item in node.body
                if isinstance(item, ast.FunctionDef)
                and any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list)
            }
    return classes


def _rendered_records() -> str:
    """_darwin_records.pxi as the macOS build renders it (in a process of its own: render.py
    imports the tables under plain names)."""
    script = (f"import sys; sys.path.insert(0, {str(CODEGEN)!r}); import render; "
              "sys.stdout.write(render.render_pxi('darwin'))")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True).stdout


def _source_records() -> dict[str, tuple[set[str], list[str]]]:
    """{cdef class: (its property names, its _fields)} of _darwin.pyx and the records it includes."""
    if not SOURCE.is_file():
        pytest.skip("no source tree beside the tests")
    text = SOURCE.read_text(encoding="utf-8") + "\n" + _rendered_records()
    records: dict[str, tuple[set[str], list[str]]] = {}
    blocks = re.split(r"^cdef class (\w+):", text, flags=re.MULTILINE)
    for name, body in zip(blocks[1::2], blocks[2::2]):
        body = re.split(r"^\S", body, maxsplit=1, flags=re.MULTILINE)[0]  # up to the next top-level line
        properties = set(re.findall(r"@property\n\s+def (\w+)\(self\)", body))
        listed: list[str] = []
        for group in re.findall(r"_fields = \(([^)]*)\)", body):
            listed += re.findall(r'"(\w+)"', group)
        records[name] = (properties, listed)
    return records


def test_stub_matches_the_module_source() -> None:
    # stubtest needs the compiled module, hence a Mac; this catches drift on any OS. The portable
    # members are declared once, on the stub's base classes: the stub adds the rest.
    stub = _stub_properties()
    records = _source_records()
    assert set(records) == {"TcpConnectionInfo", "SockbufInfo", "SocketInfo", "SocketStat",
                            "Sample", "SampleDelta", "Sampler"}
    portable = {"TcpConnectionInfo": "PortableConnectionInfo", "SocketInfo": "PortableSocketInfo",
                "SocketStat": "PortableSocketStat"}
    for name, (properties, listed) in records.items():
        assert set(listed) <= properties, (name, set(listed) - properties)
        assert len(listed) == len(set(listed)), name
        own = properties - set(_contract_members(portable[name])) if name in portable else properties
        # The stub of SocketStat narrows these two portable members; the others declare them.
        narrowed = {"connection_info", "socket_info"}
        assert own - narrowed == stub[name] - narrowed, (name, own ^ stub[name])


def _contract_members(base: str) -> list[str]:
    """The portable properties of a base class in the installed socketstat/_contract.py."""
    located = subprocess.run(
        [sys.executable, "-c", "import importlib.util; print(importlib.util.find_spec('socketstat').origin)"],
        capture_output=True, text=True, cwd="/", check=True)
    tree = ast.parse((Path(located.stdout.strip()).parent / "_contract.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == base:
            return [item.name for item in node.body if isinstance(item, ast.FunctionDef)]
    raise AssertionError(f"{base} is not in socketstat/_contract.py")


@pytest.mark.skipif(sys.platform != "darwin", reason="needs the compiled macOS module")
def test_stubtest_against_the_built_module(tmp_path: Path) -> None:
    # The wheel ships the Linux and Windows stubs too; their modules cannot import here.
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("socketstat._linux\nsocketstat._windows\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "socketstat", "--allowlist", str(allowlist)],
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
