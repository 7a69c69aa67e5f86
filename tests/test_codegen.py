"""The generated files: what is committed is what socketstat/codegen/render.py renders from the
field tables, and the build's rendering of each backend's records is well-formed."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import REPO, mypy

RENDER = REPO / "socketstat" / "codegen" / "render.py"


def load_render() -> Any:
    spec = importlib.util.spec_from_file_location("socketstat_codegen_render", RENDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_generated_files_are_fresh() -> None:
    # The stubs, socketstat/_contract.py and the README's field reference.
    result = subprocess.run([sys.executable, str(RENDER), "--check"], capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_backend_renders_every_table_row() -> None:
    render = load_render()
    for name, backend in render.BACKENDS.items():
        text = render.render_pxi(name)
        for record in backend.RECORDS:
            assert f"cdef class {record.name}:" in text, (name, record.name)
            for field in record.field_names:
                assert f"    def {field}(self):" in text, (name, record.name, field)


def test_the_freshness_check_catches_a_hand_edit(tmp_path: Path) -> None:
    # A copy of what render.py reads and writes, with one stub docstring edited by hand.
    shutil.copytree(REPO / "socketstat" / "codegen", tmp_path / "socketstat" / "codegen")
    shutil.copytree(REPO / "stubs", tmp_path / "stubs")
    shutil.copy(REPO / "socketstat" / "_contract.py", tmp_path / "socketstat")
    shutil.copy(REPO / "README.md", tmp_path)
    stub = tmp_path / "stubs" / "socketstat" / "_linux.pyi"
    stub.write_text(stub.read_text().replace("smoothed RTT", "smoothed rtt"))
    result = subprocess.run([sys.executable, str(tmp_path / "socketstat/codegen/render.py"),
                             "--check"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "-        \"\"\"smoothed rtt" in result.stdout, result.stdout


def test_the_tables_and_renderer_pass_mypy_strict() -> None:
    # They import each other by plain names (render.py puts their folder on sys.path).
    modules = [arg for path in sorted(RENDER.parent.glob("*.py")) for arg in ("-m", path.stem)]
    result = mypy("--strict", *modules, cwd=RENDER.parent)
    assert result.returncode == 0, result.stdout + result.stderr
