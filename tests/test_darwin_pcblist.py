"""The macOS listing's walk over pcblist_n answers (socketstat/includes/darwin_pcblist.h), on any
OS with a C compiler: the header is plain C, compiled here into a small program
(tests/shims/pcblist_walk.c) that walks answers this test builds byte by byte from its own
reading of xnu (darwin_pcblist.py): which sockets it keeps, what it leaves out and says, and the
filters sockets() applies in C. The same header is compiled into the macOS backend by the
cross-check, for both architectures, with its size and offset assertions."""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import darwin_pcblist as x

ROOT = Path(__file__).resolve().parents[1]
HEADER_DIR = ROOT / "socketstat" / "includes"
PROGRAM = Path(__file__).parent / "shims" / "pcblist_walk.c"

ANY_STATE = 0xFFFFFFFF
ESTABLISHED, LISTEN, CLOSED, TIME_WAIT = 4, 1, 0, 10

pytestmark = pytest.mark.skipif(not (HEADER_DIR / "darwin_pcblist.h").exists(),
                                reason="no source tree beside the tests")


@pytest.fixture(scope="module")
def walker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("no C compiler")
    binary = tmp_path_factory.mktemp("pcblist") / "pcblist_walk"
    subprocess.run([compiler, "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1",
                    "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                    f"-I{HEADER_DIR}", str(PROGRAM), "-o", str(binary)], check=True)
    return binary


def _network(address: str | None) -> list[str]:
    if address is None:
        return ["0", "0", "00"]
    network = ipaddress.ip_network(address, strict=False)
    return [str(network.version), str(network.prefixlen), network.network_address.packed.hex()]


def walk(walker: Path, tmp_path: Path, raw: bytes, *, unix: bool = False, tcp: bool = True,
         states: int = ANY_STATE, inet4: bool = True, inet6: bool = True, local_port: int = -1,
         remote_port: int = -1, pid: int = 0, local: str | None = None,
         remote: str | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(the sockets kept, what was left out)."""
    path = tmp_path / "answer.bin"
    path.write_bytes(raw)
    run = subprocess.run(
        [str(walker), str(path), str(int(unix)), str(int(tcp)), str(states), str(int(inet4)),
         str(int(inet6)), str(local_port), str(remote_port), str(pid), *_network(local),
         *_network(remote)], capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    return lines[:-1], lines[-1]


NOTHING_LEFT_OUT = {"unknown_length": 0, "unknown_kind": 0, "incomplete": 0, "stale": 0,
                    "truncated": 0}


def tcp_socket(lport: int, rport: int = 0, *, state: int = ESTABLISHED, **kwargs: Any) -> bytes:
    tcp = {"t_state": state, "t_srtt": 5 << 5, **kwargs.pop("tcp", {})}
    return x.inet_socket(local=("127.0.0.1", lport), remote=("127.0.0.1" if rport else "0.0.0.0",
                                                             rport), tcp=tcp, **kwargs)


def test_sizes_agree_with_the_header() -> None:
    # The header asserts its own table at compile time; this file's table was written apart.
    text = (HEADER_DIR / "darwin_pcblist.h").read_text()
    for name, size in x.SIZES.items():
        assert f"X({name}, {size})" in text, name


def test_every_socket_with_its_records(walker: Path, tmp_path: Path) -> None:
    raw = x.answer([
        tcp_socket(80, state=LISTEN, socket={"so_last_pid": 100, "so_e_pid": 100, "so_uid": 501}),
        tcp_socket(5000, 80, socket={"so_last_pid": 200, "so_e_pid": 300, "so_uid": 0},
                   rcv={"sb_cc": 12}, snd={"sb_cc": 34}),
    ])
    kept, left_out = walk(walker, tmp_path, raw)
    assert left_out == NOTHING_LEFT_OUT
    assert [(s["lport"], s["fport"], s["t_state"]) for s in kept] == [(80, 0, LISTEN),
                                                                      (5000, 80, ESTABLISHED)]
    assert (kept[1]["so_last_pid"], kept[1]["so_e_pid"], kept[1]["so_uid"]) == (200, 300, 0)
    assert (kept[1]["rcv_cc"], kept[1]["snd_cc"], kept[1]["t_srtt"]) == (12, 34, 5 << 5)
    assert all(s["stats"] for s in kept)


def test_empty_answer(walker: Path, tmp_path: Path) -> None:
    assert walk(walker, tmp_path, x.answer([])) == ([], NOTHING_LEFT_OUT)


def test_a_header_of_another_length_is_refused(walker: Path, tmp_path: Path) -> None:
    raw = bytearray(x.answer([tcp_socket(80)]))
    raw[0] = 32
    kept, result = walk(walker, tmp_path, bytes(raw))
    assert kept == [] and result == {"error": "header"}
    assert walk(walker, tmp_path, b"\x18\0\0")[1] == {"error": "header"}


def test_macos_12_socket_records_are_read(walker: Path, tmp_path: Path) -> None:
    # xsocket_n was 76 bytes (80 with its padding) before xnu-8792: the 384-byte items.
    item = tcp_socket(80, socket_length=x.XSOCKET_N_BEFORE_13, socket={"so_last_pid": 42})
    assert len(item) == 384 + 208
    kept, left_out = walk(walker, tmp_path, x.answer([item]))
    assert left_out == NOTHING_LEFT_OUT
    assert kept[0]["so_last_pid"] == 42


def test_a_record_of_unknown_length_is_never_read(walker: Path, tmp_path: Path) -> None:
    # A macOS that grew xsocket_n again: the socket is left out and counted, its neighbours read.
    raw = x.answer([tcp_socket(1), tcp_socket(2, socket_length=112, socket={"so_last_pid": 9}),
                    tcp_socket(3)])
    kept, left_out = walk(walker, tmp_path, raw)
    assert [s["lport"] for s in kept] == [1, 3]
    assert left_out == {**NOTHING_LEFT_OUT, "unknown_length": 1, "incomplete": 1}


def test_an_inpcb_of_unknown_length_drops_its_socket_only(walker: Path, tmp_path: Path) -> None:
    longer = x.pack("xinpcb_n", 112, inp_lport=x.port(2))
    second = tcp_socket(2)
    raw = x.answer([tcp_socket(1), longer + second[104:], tcp_socket(3)])
    kept, left_out = walk(walker, tmp_path, raw)
    assert [s["lport"] for s in kept] == [1, 3]
    assert left_out == {**NOTHING_LEFT_OUT, "unknown_length": 1, "incomplete": 1}


def test_an_unknown_kind_is_skipped_and_counted(walker: Path, tmp_path: Path) -> None:
    extra = x.pack("xsockbuf_n", xsb_kind=0x400)
    item = tcp_socket(1)
    raw = x.answer([item[:104] + extra + item[104:], tcp_socket(2)])
    kept, left_out = walk(walker, tmp_path, raw)
    assert [s["lport"] for s in kept] == [1, 2]
    assert left_out == {**NOTHING_LEFT_OUT, "unknown_kind": 1}


def test_a_missing_tcpcb_leaves_the_socket_out(walker: Path, tmp_path: Path) -> None:
    raw = x.answer([x.inet_socket(local=("127.0.0.1", 1)), tcp_socket(2)])
    kept, left_out = walk(walker, tmp_path, raw)
    assert [s["lport"] for s in kept] == [2]
    assert left_out == {**NOTHING_LEFT_OUT, "incomplete": 1}


def test_a_repeated_record_is_not_taken_for_the_next_socket(walker: Path, tmp_path: Path) -> None:
    item = tcp_socket(1)
    socket_record = item[104:208]
    kept, left_out = walk(walker, tmp_path, x.answer([item + socket_record, tcp_socket(2)]))
    assert [s["lport"] for s in kept] == [2]
    assert left_out["incomplete"] == 1


def test_sockets_freed_during_the_copy_are_dropped(walker: Path, tmp_path: Path) -> None:
    raw = x.answer([tcp_socket(1, gencnt=10), tcp_socket(2, gencnt=11), tcp_socket(3, gencnt=3)],
                   generation=10)
    kept, left_out = walk(walker, tmp_path, raw)
    assert [s["lport"] for s in kept] == [1, 3]
    assert left_out == {**NOTHING_LEFT_OUT, "stale": 1}


# Bytes cut off the end of two 592-byte TCP items; 1 to 4 would cut only the tcpcb's padding.
@pytest.mark.parametrize(("cut", "incomplete"), [(5, 1), (8, 1), (100, 1), (104 + 50, 1),
                                                 (592 - 4, 0)])
def test_a_truncated_answer_keeps_only_whole_sockets(walker: Path, tmp_path: Path, cut: int,
                                                     incomplete: int) -> None:
    whole = x.answer([tcp_socket(1), tcp_socket(2)], trailer=False)
    kept, left_out = walk(walker, tmp_path, whole[:len(whole) - cut])
    assert [s["lport"] for s in kept] == [1]
    assert left_out["truncated"] == 1
    assert left_out["incomplete"] == incomplete


def test_no_trailer_is_said(walker: Path, tmp_path: Path) -> None:
    kept, left_out = walk(walker, tmp_path, x.answer([tcp_socket(1)], trailer=False))
    assert [s["lport"] for s in kept] == [1]
    assert left_out == {**NOTHING_LEFT_OUT, "truncated": 1}


def test_a_record_longer_than_the_answer_is_not_read(walker: Path, tmp_path: Path) -> None:
    item = bytearray(tcp_socket(2))
    item[208:212] = (10_000).to_bytes(4, "little")   # the rcv xsockbuf_n claims 10,000 bytes
    kept, left_out = walk(walker, tmp_path, x.answer([tcp_socket(1), bytes(item)]))
    assert [s["lport"] for s in kept] == [1]
    assert left_out["truncated"] == 1


def test_udp_and_unix_answers(walker: Path, tmp_path: Path) -> None:
    udp = x.answer([x.inet_socket(protocol=17, local=("0.0.0.0", 53))])
    kept, left_out = walk(walker, tmp_path, udp, tcp=False)
    assert left_out == NOTHING_LEFT_OUT and kept[0]["lport"] == 53 and "t_state" not in kept[0]
    unix = x.answer([x.unix_socket(path="/tmp/a.sock", socket={"so_last_pid": 7})])
    kept, left_out = walk(walker, tmp_path, unix, unix=True, tcp=False)
    assert left_out == NOTHING_LEFT_OUT
    assert (kept[0]["path"], kept[0]["so_last_pid"]) == ("/tmp/a.sock", 7)


# ---------------------------------------------------------------------------------------------
# Filters


def _ports(kept: list[dict[str, Any]]) -> list[int]:
    return [s["lport"] for s in kept]


def test_states_filter(walker: Path, tmp_path: Path) -> None:
    raw = x.answer([tcp_socket(1, state=LISTEN), tcp_socket(2, 9, state=ESTABLISHED),
                    tcp_socket(3, 9, state=TIME_WAIT)])
    assert _ports(walk(walker, tmp_path, raw, states=1 << LISTEN)[0]) == [1]
    assert _ports(walk(walker, tmp_path, raw, states=(1 << ESTABLISHED) | (1 << TIME_WAIT))[0]) \
        == [2, 3]
    assert _ports(walk(walker, tmp_path, raw, states=0)[0]) == []


def test_states_of_sockets_without_tcp(walker: Path, tmp_path: Path) -> None:
    # As on Linux: connected counts as ESTABLISHED, listening as LISTEN, else CLOSED.
    raw = x.answer([x.inet_socket(protocol=17, local=("0.0.0.0", 1)),
                    x.inet_socket(protocol=17, local=("127.0.0.1", 2), remote=("127.0.0.1", 9),
                                  socket={"so_state": x.SS_ISCONNECTED})])
    assert _ports(walk(walker, tmp_path, raw, tcp=False, states=1 << CLOSED)[0]) == [1]
    assert _ports(walk(walker, tmp_path, raw, tcp=False, states=1 << ESTABLISHED)[0]) == [2]
    unix = x.answer([x.unix_socket(path="/l", socket={"so_options": x.SO_ACCEPTCONN}),
                     x.unix_socket(path="/c")])
    kept = walk(walker, tmp_path, unix, unix=True, tcp=False, states=1 << LISTEN)[0]
    assert [s["path"] for s in kept] == ["/l"]


def test_port_filters(walker: Path, tmp_path: Path) -> None:
    raw = x.answer([tcp_socket(80, state=LISTEN), tcp_socket(5000, 80), tcp_socket(80, 5000)])
    assert _ports(walk(walker, tmp_path, raw, local_port=80)[0]) == [80, 80]
    assert _ports(walk(walker, tmp_path, raw, remote_port=80)[0]) == [5000]
    assert _ports(walk(walker, tmp_path, raw, remote_port=0)[0]) == [80]
    assert _ports(walk(walker, tmp_path, raw, local_port=80, remote_port=5000)[0]) == [80]


def test_pid_filter_takes_last_or_effective_pid(walker: Path, tmp_path: Path) -> None:
    raw = x.answer([tcp_socket(1, socket={"so_last_pid": 10, "so_e_pid": 10}),
                    tcp_socket(2, socket={"so_last_pid": 20, "so_e_pid": 10}),
                    tcp_socket(3, socket={"so_last_pid": 30, "so_e_pid": 30})])
    assert _ports(walk(walker, tmp_path, raw, pid=10)[0]) == [1, 2]
    assert _ports(walk(walker, tmp_path, raw, pid=30)[0]) == [3]
    assert _ports(walk(walker, tmp_path, raw, pid=99)[0]) == []


def _v6(text: str) -> bytes:
    return ipaddress.IPv6Address(text).packed


def test_family_and_address_filters(walker: Path, tmp_path: Path) -> None:
    raw = x.answer([
        x.inet_socket(local=("10.1.2.3", 1), tcp={"t_state": ESTABLISHED}),
        x.inet_socket(local=("192.168.0.1", 2), remote=("10.9.9.9", 443),
                      tcp={"t_state": ESTABLISHED}),
        x.inet_socket(family=x.AF_INET6, vflag=x.INP_IPV6, local=("", 3), laddr=_v6("fd00::1"),
                      faddr=_v6("::"), tcp={"t_state": LISTEN}),
        # An AF_INET6 socket connected over IPv4: its PCB holds IPv4 (v4-mapped).
        x.inet_socket(family=x.AF_INET6, vflag=x.INP_IPV4, local=("10.1.2.4", 4),
                      tcp={"t_state": ESTABLISHED}),
        # A dual-stack wildcard listener: both flags, every address byte zero.
        x.inet_socket(family=x.AF_INET6, vflag=x.INP_IPV4 | x.INP_IPV6, local=("0.0.0.0", 5),
                      tcp={"t_state": LISTEN}),
    ])
    assert _ports(walk(walker, tmp_path, raw, inet6=False)[0]) == [1, 2]
    assert _ports(walk(walker, tmp_path, raw, inet4=False)[0]) == [3, 4, 5]
    assert _ports(walk(walker, tmp_path, raw, local="10.0.0.0/8")[0]) == [1, 4]
    assert _ports(walk(walker, tmp_path, raw, local="10.1.2.3")[0]) == [1]
    assert _ports(walk(walker, tmp_path, raw, remote="10.9.0.0/16")[0]) == [2]
    assert _ports(walk(walker, tmp_path, raw, local="fd00::/8")[0]) == [3]
    # The v4-mapped socket shows ::ffff:10.1.2.4, the wildcard one ::.
    assert _ports(walk(walker, tmp_path, raw, local="::ffff:0:0/96")[0]) == [4]
    assert _ports(walk(walker, tmp_path, raw, local="::/128")[0]) == [5]
    assert _ports(walk(walker, tmp_path, raw, local="0.0.0.0/0")[0]) == [1, 2, 4, 5]
