"""The README's main job, and what an unbuilt source tree says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO


def test_main_job_shows_a_live_connection() -> None:
    result = subprocess.run([sys.executable, "-m", "socketstat", "--json", "--ipv6"],
                            capture_output=True, text=True, check=True, cwd="/")
    ends = json.loads(result.stdout)
    client = ends["client"]
    assert client["connection_info"]["tcpi_state"] == "ESTABLISHED"
    assert client["socket_info"]["family"] == "AF_INET6"
    assert client["unsent"] > 0  # the peer does not read
    assert ends["server (accepted, not reading)"]["unreceived"] > 0
    assert ends["listener"]["accept_queue_limit"] > 0
    text = subprocess.run([sys.executable, "-m", "socketstat"], capture_output=True, text=True,
                          check=True, cwd="/").stdout
    assert text.count("SocketStat {") == 3 and "tcpi_state: LISTEN," in text


@pytest.mark.parametrize("arguments", [[], ["--json"]], ids=["text", "json"])
def test_a_reader_that_leaves_early_gets_no_traceback(arguments: list[str]) -> None:
    """`socketstat | head -1`: the reader closes its end before the output is all written."""
    # The read end is closed before the command starts, so its writes fail with EPIPE every
    # time; a real `head -1` races the writer and may leave only after the last write.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "socketstat", *arguments], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, cwd="/")
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 1  # what Python exits with on EPIPE, as its docs advise


def test_unbuilt_source_tree_says_what_to_run(tmp_path: Path) -> None:
    shutil.copytree(REPO / "socketstat", tmp_path / "socketstat",
                    ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"))
    result = subprocess.run([sys.executable, "-c", "import socketstat"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode != 0
    assert "unbuilt source tree" in result.stderr and "pip install" in result.stderr
