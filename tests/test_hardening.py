"""A hostile caller on Linux: allocation failures inside Sampler(), an fd closed and reused in
the middle of a call, threads sharing a Sampler, names that to_dict() must not confuse."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import textwrap
import threading
from pathlib import Path

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the Linux backend and an LD_PRELOAD shim", allow_module_level=True)

from conftest import tcp_connection
from socketstat import Sampler, SocketChangedError, socketstat

SHIM_SOURCE = Path(__file__).parent / "shims" / "swap_fd.c"


def run_python(code: str, environment: dict[str, str] | None = None) -> dict[str, object]:
    """Run code in a fresh interpreter (it may crash, which must not take the suite with it);
    the code prints one JSON object last."""
    merged = dict(os.environ, **(environment or {}))
    if environment and "LD_PRELOAD" in environment and os.environ.get("LD_PRELOAD"):
        # After what is preloaded already: the sanitizer stage's runtime must come first.
        merged["LD_PRELOAD"] = f"{os.environ['LD_PRELOAD']} {environment['LD_PRELOAD']}"
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, env=merged, cwd="/", timeout=120)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    outcome: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return outcome


# ---------------------------------------------------------------------------------------------
# Allocation failures in Sampler.__init__


def test_every_allocation_failure_in_sampler_init_leaves_a_usable_sampler() -> None:
    # CPython's own test hook fails the Nth allocation. Before the fix, re-initialising a UDP
    # Sampler with a TCP socket could leave it flagged TCP with no TcpInfo: the next sample()
    # had the kernel write over None and the process died.
    outcome = run_python("""
        import json, socket, _testcapi
        from socketstat import Sampler
        listener = socket.create_server(("127.0.0.1", 0))
        client = socket.create_connection(listener.getsockname())
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        seen = {"reinit": set(), "fresh": set()}
        def init_failing(sampler, start):
            # The Nth allocation from here on fails; the hook is off again before anything else.
            init = sampler.__init__
            try:
                _testcapi.set_nomemory(start, start + 1)
                try:
                    init(client)
                finally:
                    _testcapi.remove_mem_hooks()
            except (MemoryError, TypeError) as error:
                return type(error).__name__
            return "initialised"

        for start in range(80):
            sampler = Sampler(udp)
            outcome = init_failing(sampler, start)
            sample = sampler.sample()    # still the UDP socket, read right
            assert sample.connection_info is None and sampler.socket_info.type == socket.SOCK_DGRAM
            seen["reinit"].add(outcome)

            fresh = Sampler.__new__(Sampler)
            outcome = init_failing(fresh, start)
            try:
                sample = fresh.sample()
                assert outcome == "initialised" and sample.connection_info is not None
                assert sample.connection_info.tcpi_state == 1
            except TypeError as error:
                assert outcome == "MemoryError" and "never initialised" in str(error)
            seen["fresh"].add(outcome)
        print(json.dumps({key: sorted(value) for key, value in seen.items()}))
    """)
    # Both paths were really exercised: some allocations failed, and past them all succeeded.
    assert outcome == {"reinit": ["MemoryError", "TypeError"],
                       "fresh": ["MemoryError", "initialised"]}


def test_a_sampler_is_initialised_once() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        sampler = Sampler(client)
        with pytest.raises(TypeError, match="initialised once"):
            sampler.__init__(server)
        assert sampler.socket_info.local_address == client.getsockname()


# ---------------------------------------------------------------------------------------------
# An fd closed and reused during a call


@pytest.fixture(scope="module")
def swap_shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("shim") / "swap_fd.so"
    compiler = os.environ.get("CC") or sysconfig.get_config_var("CC").split()[0]
    subprocess.run([compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(SHIM_SOURCE),
                    "-ldl"], check=True)
    return library


SWAP_SCRIPT = """
    import json, os, socket
    from socketstat import Sampler, SocketChangedError, socketstat
    listener = socket.create_server(("127.0.0.1", 0))
    target = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    replacements = {{
        "unix": lambda: socket.socketpair()[0],
        "udp": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
        "listener": lambda: socket.create_server(("127.0.0.1", 0)),
    }}
    source = replacements[{source!r}]()
    sampler = Sampler(target) if {sampler!r} else None
    os.environ.update(SWAP_FD_CALL={call!r}, SWAP_FD_TARGET=str(target.fileno()),
                      SWAP_FD_SOURCE=str(source.fileno()), SWAP_FD_NTH="1", **{extra!r})
    try:
        record = sampler.sample() if sampler else socketstat(target)
        print(json.dumps({{"outcome": "record", "record": record.to_dict()}}, default=str))
    except SocketChangedError as error:
        print(json.dumps({{"outcome": "SocketChangedError", "message": str(error)}}))
"""


@pytest.mark.parametrize("call, extra, source, sampler, says", [
    # SO_PROTOCOL from the TCP socket, getsockname from a Unix one.
    ("getsockname", {}, "unix", False, "a Unix socket with protocol 6"),
    # TCP_INFO asked of a UDP socket that took the number.
    ("getsockopt", {"SWAP_FD_LEVEL": "6"}, "udp", False, "does not answer TCP_INFO"),
    # The peer read from another family's socket.
    ("getpeername", {}, "unix", False, "different families"),
    # SIOCINQ of a listener, after TCP_INFO of a connection.
    ("ioctl", {}, "listener", False, "answers as for a listener"),
    # A Sampler whose TCP socket was replaced by a UDP one, or by a listener.
    ("getsockopt", {"SWAP_FD_LEVEL": "6"}, "udp", True, "says the socket is not TCP"),
    ("ioctl", {}, "listener", True, "answers as for a listener"),
])
def test_a_socket_swapped_mid_call_raises_instead_of_a_chimera(
        swap_shim: Path, call: str, extra: dict[str, str], source: str, sampler: bool,
        says: str) -> None:
    outcome = run_python(SWAP_SCRIPT.format(call=call, extra=extra, source=source,
                                            sampler=sampler), {"LD_PRELOAD": str(swap_shim)})
    assert outcome["outcome"] == "SocketChangedError", outcome
    assert says in str(outcome["message"]) and "closed and its number reused" in str(
        outcome["message"])


def test_the_shim_changes_nothing_when_told_to_swap_nothing(swap_shim: Path) -> None:
    # The control: the same script with the shim loaded but pointed at no call.
    outcome = run_python(SWAP_SCRIPT.format(call="none", extra={}, source="udp", sampler=False),
                         {"LD_PRELOAD": str(swap_shim)})
    assert outcome["outcome"] == "record"


# ---------------------------------------------------------------------------------------------
# Threads


def test_threads_sharing_a_sampler_see_consistent_deltas() -> None:
    # With the GIL this holds because sample() never releases it; without (free-threaded
    # CPython) because sample() and delta() run in the Sampler's critical section. Before, a
    # shared loop could see negative elapsed or false "counter went backwards" errors there.
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        sampler = Sampler(client)
        sampler.sample()
        problems: list[str] = []
        stop = threading.Event()

        def work() -> None:
            for index in range(3000):
                if stop.is_set():
                    return
                try:
                    sampler.sample()
                    if index % 3 == 0:
                        client.send(b"x")   # counters move; the peer's buffer holds 4000 bytes
                    delta = sampler.delta()
                    if delta.elapsed < 0:
                        problems.append(f"elapsed {delta.elapsed}")
                except Exception as error:  # noqa: BLE001 - any exception is the failure
                    problems.append(repr(error))
                    stop.set()

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert problems == []


@pytest.mark.skipif(getattr(sys, "_is_gil_enabled", lambda: True)(),
                    reason="the GIL is enabled: this checks a free-threaded interpreter")
def test_importing_keeps_the_gil_disabled() -> None:
    # A module that does not declare free-threading support re-enables the GIL on import.
    result = subprocess.run([sys.executable, "-W", "error", "-c",
                             "import sys, socketstat; assert not sys._is_gil_enabled()"],
                            capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------------
# to_dict() that reads back unambiguously


def test_packet_socket_address_is_raw_not_an_abstract_name() -> None:
    # An AF_PACKET address starts with a NUL byte (its protocol, big-endian), which to_dict()
    # used to take for a Linux abstract Unix name.
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0)
    except PermissionError:
        pytest.skip("packet sockets need CAP_NET_RAW")
    with sock:
        sock.bind(("lo", 0))
        raw = socketstat(sock).socket_info.local_address
        assert isinstance(raw, bytes) and raw[:1] == b"\0"
        assert socketstat(sock).to_dict()["socket_info"]["local_address"] == {"raw_hex": raw.hex()}


def test_a_path_named_like_an_abstract_name_stays_distinct(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    with socket.socket(socket.AF_UNIX) as path_socket, socket.socket(socket.AF_UNIX) as abstract:
        path_socket.bind("@x" + os.urandom(3).hex())
        abstract.bind(b"\0" + path_socket.getsockname()[1:].encode())
        path_dict = socketstat(path_socket).to_dict()["socket_info"]["local_address"]
        abstract_dict = socketstat(abstract).to_dict()["socket_info"]["local_address"]
        assert path_dict == {"path": path_socket.getsockname()}
        assert abstract_dict == {"abstract": path_socket.getsockname()[1:]}
        assert path_dict != abstract_dict


def test_a_non_utf8_path_survives_json_and_reads_back(tmp_path: Path) -> None:
    name = os.fsdecode(b"sock-\xff\xfe")
    os.chdir(tmp_path)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(name)
        written = json.dumps(socketstat(sock).to_dict()).encode("utf-8")  # no lone surrogates
        address = json.loads(written)["socket_info"]["local_address"]
        assert address == {"path_hex": b"sock-\xff\xfe".hex()}
        assert bytes.fromhex(address["path_hex"]) == os.fsencode(sock.getsockname())


def test_a_sampler_refuses_pickling_without_pointing_at_a_to_dict_it_lacks() -> None:
    import pickle
    with socket.socket() as sock:
        with pytest.raises(TypeError, match="its samples' to_dict"):
            pickle.dumps(Sampler(sock))
