"""The FreeBSD backend's tables and the FreeBSD tests' independent decoder against FreeBSD's real
headers, on any OS: C11 assertions compiled with zig (the ziglang wheel ships FreeBSD's libc
headers) for amd64 and arm64. The backend's own extern declarations are asserted by the project's
cross-check; this checks what the tests rely on: each member's offset and size, the constants,
the state and option numbers, and that the field table lists exactly the header's members the
decoder reads, in struct order."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from freebsd_tcp_info import (
    BASE_END, FIONREAD, FIONSPACE, FIONWRITE, LAYOUT, MEMBERS, SIZE, SO_LISTENINCQLEN,
    SO_LISTENQLEN, SO_LISTENQLIMIT, TCP_INFO,
)

CODEGEN = REPO / "socketstat" / "codegen"
TARGETS = ["x86_64-freebsd", "aarch64-freebsd"]
FORMAT_SIZES = {"B": 1, "I": 4, "Q": 8}


def load_table() -> Any:
    sys.path.insert(0, str(CODEGEN))
    try:
        spec = importlib.util.spec_from_file_location("socketstat_codegen_freebsd",
                                                      CODEGEN / "freebsd.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(CODEGEN))


def test_the_table_lists_the_decoders_members_in_struct_order() -> None:
    table = load_table()
    assert [field.name for field in table.TCP_INFO_MEMBERS] == MEMBERS
    # Exactly the members FreeBSD 14.0 added are gated on the running kernel.
    gated = {field.name for field in table.TCP_INFO_MEMBERS if field.valid}
    assert gated == {name for name, _, offset in LAYOUT if offset >= BASE_END}
    assert table.END_MEMBERS[0] == "tcpi_snd_zerowin"


def header_assertions() -> str:
    table = load_table()
    lines = ["#include <sys/types.h>", "#include <sys/socket.h>", "#include <sys/ioctl.h>",
             "#include <netinet/in.h>", "#include <netinet/tcp.h>",
             "#include <netinet/tcp_fsm.h>", "#include <stddef.h>", ""]

    def check(condition: str, message: str) -> None:
        lines.append(f'_Static_assert({condition}, "{message}");')

    for name, form, offset in LAYOUT:
        check(f"offsetof(struct tcp_info, {name}) == {offset}", f"{name} at {offset}")
        check(f"sizeof(((struct tcp_info *)0)->{name}) == {FORMAT_SIZES[form]}",
              f"{name} is {FORMAT_SIZES[form]} bytes")
    check(f"sizeof(struct tcp_info) >= {SIZE}", "the struct holds every decoded member")
    for constant, value in [("TCP_INFO", TCP_INFO), ("FIONREAD", FIONREAD),
                            ("FIONWRITE", FIONWRITE), ("FIONSPACE", FIONSPACE),
                            ("SO_LISTENQLEN", SO_LISTENQLEN),
                            ("SO_LISTENINCQLEN", SO_LISTENINCQLEN),
                            ("SO_LISTENQLIMIT", SO_LISTENQLIMIT)]:
        check(f"{constant} == {value:#x}", f"{constant} is {value:#x}")
    for state in table.FREEBSD_TCP_STATE.members:
        check(f"{state.c_name} == {state.value}", f"{state.c_name} is {state.value}")
    for option in table.TCP_INFO_OPTIONS.members:
        c_name = option.c_name or f"TCPI_OPT_{option.name}"
        check(f"{c_name} == {option.value}", f"{c_name} is {option.value}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("target", TARGETS)
def test_the_decoder_and_the_tables_match_the_real_header(target: str, tmp_path: Path) -> None:
    if importlib.util.find_spec("ziglang") is None:
        pytest.skip("ziglang (FreeBSD's headers and a compiler for them) is not installed")
    source = tmp_path / "freebsd_header.c"
    source.write_text(header_assertions())
    result = subprocess.run(
        [sys.executable, "-m", "ziglang", "cc", "-target", target, "-std=c11", "-Werror",
         "-fno-sanitize=undefined", "-c", str(source), "-o", str(tmp_path / "check.o")],
        capture_output=True, text=True,
        env={"ZIG_GLOBAL_CACHE_DIR": str(tmp_path / "zig-cache"), "PATH": "/usr/bin:/bin",
             "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_a_wrong_offset_fails_the_check(tmp_path: Path) -> None:
    # The check can fail: a planted mistake in the decoder's layout is caught.
    if importlib.util.find_spec("ziglang") is None:
        pytest.skip("ziglang is not installed")
    source = tmp_path / "wrong.c"
    source.write_text(header_assertions().replace(
        "offsetof(struct tcp_info, tcpi_snd_una) == 176",
        "offsetof(struct tcp_info, tcpi_snd_una) == 172"))
    result = subprocess.run(
        [sys.executable, "-m", "ziglang", "cc", "-target", TARGETS[0], "-std=c11",
         "-fno-sanitize=undefined", "-c", str(source), "-o", str(tmp_path / "wrong.o")],
        capture_output=True, text=True,
        env={"ZIG_GLOBAL_CACHE_DIR": str(tmp_path / "zig-cache"), "PATH": "/usr/bin:/bin",
             "HOME": str(tmp_path)})
    assert result.returncode != 0
    assert "static assertion failed" in result.stderr and "tcpi_snd_una" in result.stderr
