"""The macOS stubs, checked on any OS: mypy --strict --platform darwin over usage against the
installed package, wrong usages rejected, the stub against the module's source, and (on macOS)
stubtest against the compiled module."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "typing"
SOURCE = Path(__file__).resolve().parents[1] / "socketstat" / "_darwin.pyx"


def mypy(*arguments: str, cwd: Path = Path("/")) -> subprocess.CompletedProcess[str]:
    # Run outside the repository root, so mypy sees the installed package and its stubs (the
    # wheel ships every platform's stub), not the source tree.
    environment = dict(os.environ, MYPY_CACHE_DIR=os.devnull)
    environment.pop("MYPYPATH", None)
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", *arguments],
                          capture_output=True, text=True, cwd=cwd, env=environment)


def test_darwin_usage_passes_strict() -> None:
    result = mypy("--strict", "--platform", "darwin", str(HERE / "darwin_usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case, message", [
    ("darwin_wrong_none_check.py",
     'Item "None" of "TcpConnectionInfo | None" has no attribute "tcpi_srtt"'),
    ("darwin_wrong_field.py", '"TcpConnectionInfo" has no attribute "tcpi_rtt"'),
    ("darwin_wrong_fd.py", 'Argument 1 to "socketstat" has incompatible type "str"'),
    ("darwin_wrong_optional_as_int.py", 'incompatible types in assignment'),
])
def test_darwin_wrong_usage_fails(case: str, message: str) -> None:
    result = mypy("--strict", "--platform", "darwin", str(HERE / case))
    assert result.returncode == 1, result.stdout + result.stderr
    assert message.lower() in result.stdout.lower(), result.stdout


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


def _source_records() -> dict[str, tuple[set[str], list[str]]]:
    """{cdef class: (its property names, _fields + _derived_fields)} of _darwin.pyx."""
    if not SOURCE.is_file():
        pytest.skip("no source tree beside the tests")
    text = SOURCE.read_text(encoding="utf-8")
    records: dict[str, tuple[set[str], list[str]]] = {}
    blocks = re.split(r"^cdef class (\w+):", text, flags=re.MULTILINE)
    for name, body in zip(blocks[1::2], blocks[2::2]):
        body = re.split(r"^\S", body, maxsplit=1, flags=re.MULTILINE)[0]  # up to the next top-level line
        properties = set(re.findall(r"@property\n\s+def (\w+)\(self\)", body))
        properties |= set(re.findall(r"^\s+cdef readonly .* (\w+)\s*$", body, flags=re.MULTILINE))
        listed: list[str] = []
        for group in re.findall(r"_(?:derived_)?fields = \(([^)]*)\)", body):
            listed += re.findall(r'"(\w+)"', group)
        records[name] = (properties, listed)
    return records


def test_stub_matches_the_module_source() -> None:
    # stubtest needs the compiled module, hence a Mac; this catches drift on any OS.
    stub = _stub_properties()
    records = _source_records()
    assert set(records) == {"TcpConnectionInfo", "SockbufInfo", "SocketInfo", "SocketStat"}
    for name, (properties, listed) in records.items():
        assert properties == stub[name], (name, properties ^ stub[name])
        assert set(listed) <= properties, (name, set(listed) - properties)
        assert len(listed) == len(set(listed)), name


def test_connection_fields_are_the_declared_struct_in_order() -> None:
    # darwin.pxd declares struct tcp_connection_info from the SDK (the cross-check asserts each
    # member against <netinet/tcp.h>); the record must list every member, in that order.
    pxd = SOURCE.parent / "includes" / "darwin.pxd"
    if not pxd.is_file():
        pytest.skip("no source tree beside the tests")
    text = pxd.read_text(encoding="utf-8")
    block = text[text.index("struct tcp_connection_info:"):]
    block = block[:block.index("\n\n")]
    members = re.findall(r"^\s+u?int\d+_t (\w+)", block, flags=re.MULTILINE)
    _, listed = _source_records()["TcpConnectionInfo"]
    assert listed[:len(members)] == members


@pytest.mark.skipif(sys.platform != "darwin", reason="needs the compiled macOS module")
def test_stubtest_against_the_built_module(tmp_path: Path) -> None:
    # The wheel ships the Linux stub too; its module cannot import here.
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("socketstat._linux\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "socketstat", "--allowlist", str(allowlist)],
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stdout + result.stderr
