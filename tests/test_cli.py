"""The `socketstat` command, run as a user runs it (the installed entry point, in a subprocess):
the table against ss, JSON against sockets(), the filters, --watch's stream and live view,
Unix-tool behaviour (pipes, exit statuses, one-line errors); `socketstat demo`; and what an
unbuilt source tree says."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from cli_helpers import COMMAND, Terminal, run, table
from conftest import REPO, settle
from listing_helpers import cookie, unique_loopback

import socketstat

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="listing sockets is Linux-only (sock_diag)")
# Where sockets() does not exist (FreeBSD) the command refuses before parsing its arguments
# (test_freebsd.py checks that).
listing_only = pytest.mark.skipif(not (sys.platform.startswith("linux") or sys.platform == "darwin"),
                                  reason="the command lists sockets: Linux and macOS only")
LINGER_RESET = struct.pack("ii", 1, 0)


class Loopback:
    """A listener on a loopback address no other test uses, a client, and the accepted end:
    filters on that address see these sockets only."""

    def __init__(self) -> None:
        self.address = unique_loopback()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((self.address, 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.client = socket.create_connection((self.address, self.port))
        self.server, _ = self.listener.accept()
        self.sockets = [self.listener, self.client, self.server]

    def connect(self) -> tuple[socket.socket, socket.socket]:
        client = socket.create_connection((self.address, self.port))
        server, _ = self.listener.accept()
        self.sockets += [client, server]
        return client, server

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    held = Loopback()
    try:
        yield held
    finally:
        held.close()


def endpoint(address: tuple[str, int]) -> str:
    return f"{address[0]}:{address[1]}"


# ---------------------------------------------------------------------------------------------
# The table

def ss_rows(*arguments: str) -> set[tuple[str, ...]]:
    """ss's rows as (state, recv-q, send-q, local, peer)."""
    result = subprocess.run(["ss", "-nH", *arguments], capture_output=True, text=True,
                            check=True)
    return {tuple(line.split()[:5]) for line in result.stdout.splitlines() if line.strip()}


@linux_only
def test_table_matches_ss(loopback: Loopback) -> None:
    loopback.client.sendall(b"x" * 3000)      # queued at the server end, which does not read
    loopback.server.sendall(b"y" * 100)
    waiting = socket.create_connection((loopback.address, loopback.port))
    loopback.sockets.append(waiting)           # not accepted: the accept queue's Recv-Q is 1
    held = os.getpid()

    def both() -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
        ours = {tuple(row[:5]) for row in
                table(run("-tan", "--src", loopback.address, check=True).stdout)
                + table(run("-tan", "--dst", loopback.address, check=True).stdout)}
        theirs = ss_rows("-ta", "src", loopback.address) | ss_rows("-ta", "dst",
                                                                     loopback.address)
        return ours, theirs

    ours, theirs = settle(both)
    assert ours == theirs
    states = sorted(row[0] for row in ours)
    assert states == ["ESTAB"] * 4 + ["LISTEN"]
    server = (endpoint(loopback.server.getsockname()), endpoint(loopback.server.getpeername()))
    assert ("ESTAB", "3000", "0", *server) in ours
    assert ("LISTEN", "1", "8", f"{loopback.address}:{loopback.port}", "0.0.0.0:*") in ours
    # -p: name(pid,fd) of every holder; this process holds all of them.
    rows = table(run("-tanp", "--src", loopback.address, check=True).stdout)
    by_local = {row[3]: row for row in rows if row[0] == "LISTEN"}
    assert by_local[f"{loopback.address}:{loopback.port}"][5].endswith(
        f"({held},{loopback.listener.fileno()})")


@linux_only
def test_default_and_state_selection(loopback: Loopback) -> None:
    """ss's default (SS_CONN): neither LISTEN nor CLOSED, TIME_WAIT or SYN_RECV; -l, -a and
    --state change it."""
    client, server = loopback.connect()
    client.close()          # the active closer: FIN_WAIT_2, then TIME_WAIT when the server
    server.close()          # closes too
    # Bound, neither listening nor connecting: ss shows it only with -B (iproute2 6.8+), we
    # only for --state closed (on 6.8+ kernels, which can list it).
    bound = socket.socket()
    bound.bind((loopback.address, 0))

    def states(*arguments: str) -> list[str]:
        rows = table(run("-n", *arguments, "--dst", loopback.address, check=True).stdout
                     ) + table(run("-n", *arguments, "--src", loopback.address,
                                   check=True).stdout)
        return sorted(row[0] for row in rows)

    settle(lambda: states("-a"))
    everything = states("-a")
    assert "TIME-WAIT" in everything and "LISTEN" in everything
    assert states() == ["ESTAB", "ESTAB"]
    assert states("-l") == ["LISTEN"]
    assert states("--state", "time-wait") == ["TIME-WAIT"]
    assert states("--state", "TIME_WAIT", "--state", "listen") == ["LISTEN", "TIME-WAIT"]
    assert states("--state", "bucket") == ["TIME-WAIT"]
    assert states("--state", "connected") == ["ESTAB", "ESTAB", "TIME-WAIT"]
    assert states("--state", "synchronized") == ["ESTAB", "ESTAB", "TIME-WAIT"]
    release = tuple(int(part) for part in os.uname().release.split(".")[:2])
    bound_only = ["UNCONN"] if release >= (6, 8) else []
    assert states("--state", "big") == sorted(["ESTAB", "ESTAB", "LISTEN"] + bound_only)
    assert states("--state", "all") == sorted(everything + bound_only)
    assert states("--state", "closed") == bound_only
    bound.close()
    # What ss lists for the same sockets, state by state.
    ss_states = sorted(row[0] for row in ss_rows("-t", "dst", loopback.address)
                       | ss_rows("-t", "src", loopback.address))
    assert ss_states == ["ESTAB", "ESTAB"]


@linux_only
def test_port_filters_and_families(loopback: Loopback) -> None:
    client_port = loopback.client.getsockname()[1]
    rows = table(run("-tan", "--sport", str(loopback.port), "--src", loopback.address,
                     check=True).stdout)
    assert sorted(row[0] for row in rows) == ["ESTAB", "LISTEN"]
    rows = table(run("-tn", "--dport", str(loopback.port), check=True).stdout)
    assert [row[3] for row in rows if row[4] == f"{loopback.address}:{loopback.port}"] == [
        endpoint(loopback.client.getsockname())]
    rows = table(run("-tn", "--sport", str(client_port), "--dst", f"{loopback.address}/32",
                     check=True).stdout)
    assert len(rows) == 1
    assert table(run("-tn6", "--src", loopback.address, check=True).stdout) == []
    assert len(table(run("-tn4", "--src", loopback.address, check=True).stdout)) == 1


@linux_only
def test_udp_recv_q_is_receive_memory_and_unix_states() -> None:
    address = unique_loopback()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        receiver.bind((address, 0))
        sender.sendto(b"z" * 500, receiver.getsockname())

        def udp_rows() -> list[list[str]]:
            return table(run("-uln", "--src", address, check=True).stdout)

        ours = settle(udp_rows)
        assert len(ours) == 1 and ours[0][0] == "UNCONN"
        memory = socketstat.sockets("udp", local_address=address)[0].receive_queue_memory
        assert memory is not None and int(ours[0][1]) == memory > 500
        assert {tuple(row[:5]) for row in ours} == ss_rows("-ul", "src", address)
    name = f"\0socketstat-cli-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(name)
        listener.listen(1)
        mine = f"@{name[1:]}"
        rows = table(run("-xl", check=True).stdout)
        assert [row[0] for row in rows if row[3] == mine] == ["LISTEN"]
        rows = table(run("-x", check=True).stdout)          # connected only: not a listener
        assert mine not in [row[3] for row in rows]
        rows = table(run("-xtuan", check=True).stdout.replace("Netid", "State", 1))
        assert ["u_str", "LISTEN"] in [row[:2] for row in rows if row[4:5] == [mine]]


@linux_only
def test_columns_and_no_escape_codes(loopback: Loopback) -> None:
    loopback.client.sendall(b"x" * 2000)
    result = run("-tnimep", "--src", loopback.address, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].replace(" Address:Port", "").split()
    for title in ("RTT/RTTvar", "Cwnd", "Retrans", "Delivery", "Acked", "Received", "Rmem",
                  "Rbuf", "Uid", "Inode", "Cookie", "Cgroup", "Process"):
        assert title in header, header
    assert "\x1b" not in result.stdout
    rows = {row[3]: dict(zip(header, row)) for row in table(result.stdout) if row[0] == "ESTAB"}
    row = rows[endpoint(loopback.server.getsockname())]
    assert row["Cookie"] == str(cookie(loopback.server))
    assert row["Inode"] == str(os.fstat(loopback.server.fileno()).st_ino)
    assert row["Uid"] == str(os.getuid())
    assert row["Received"].endswith("kB")   # 2000 bytes, read for a human: 2.0kB
    assert row["RTT/RTTvar"].count("/") == 1 and row["RTT/RTTvar"].endswith("s")


# ---------------------------------------------------------------------------------------------
# JSON

STABLE = ("state", "unreceived", "unsent", "accept_queue_limit")


def stable(document: dict[str, Any]) -> tuple[Any, ...]:
    info = document["socket_info"]
    return (*(document[name] for name in STABLE), info["local_address"],
            info["remote_address"], info["inode"], info["family"])


@linux_only
@pytest.mark.parametrize("form", ["--json", "-j", "--ndjson"])
def test_json_is_to_dict_of_the_listing(loopback: Loopback, form: str) -> None:
    loopback.client.sendall(b"x" * 1234)

    def both() -> tuple[dict[int | None, tuple[Any, ...]], dict[int | None, tuple[Any, ...]]]:
        output = run("-ta", form, "--src", loopback.address, check=True).stdout
        if form == "--ndjson":
            documents = [json.loads(line) for line in output.splitlines()]
        else:
            assert output.count("\n") == 1
            documents = json.loads(output)
        listed = socketstat.sockets("tcp", local_address=loopback.address)
        for document, record in zip(documents, listed):
            assert list(document) == list(record.to_dict())          # same keys, same order
            assert list(document["socket_info"]) == list(record.to_dict()["socket_info"])
        return ({d["socket_info"]["cookie"]: stable(d) for d in documents},
                {r.socket_info.cookie: stable(r.to_dict()) for r in listed})

    ours, theirs = settle(both)
    assert ours == theirs and len(ours) == 2
    server = ours[cookie(loopback.server)]
    assert server[:3] == ("ESTABLISHED", 1234, 0)


@linux_only
def test_json_of_many_is_one_document() -> None:
    """More records than one write chunk: still one valid list, every socket once."""
    address = unique_loopback()
    with socket.socket() as listener:
        listener.bind((address, 0))
        listener.listen(600)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(300)]
        try:
            output = run("-ta", "--json", "--src", address, check=True).stdout
            documents = json.loads(output)
            assert len(documents) >= 301
            assert len({d["socket_info"]["cookie"] for d in documents}) == len(documents)
            lines = run("-ta", "--ndjson", "--src", address, check=True).stdout.splitlines()
            assert len(lines) >= 301 and all(json.loads(line) for line in lines)
        finally:
            for client in clients:
                client.close()


@linux_only
def test_nothing_listed_is_an_empty_document() -> None:
    assert run("--json", "--sport", "1", "--src", unique_loopback(), check=True).stdout == "[]\n"
    assert run("--ndjson", "--sport", "1", "--src", unique_loopback(), check=True).stdout == ""


# ---------------------------------------------------------------------------------------------
# --watch

class Traffic:
    """The client sends, the server reads, until stopped: rates to see."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client, self.server = client, server
        self.running = True
        self.thread = threading.Thread(target=self.pump, daemon=True)
        self.thread.start()

    def pump(self) -> None:
        self.server.setblocking(False)
        while self.running:
            try:
                self.client.sendall(b"x" * 20000)
                time.sleep(0.005)
                while True:
                    self.server.recv(1 << 20)
            except BlockingIOError:
                continue
            except OSError:
                return

    def stop(self) -> None:
        self.running = False
        self.thread.join()


@linux_only
def test_watch_streams_rates_new_and_closed(loopback: Loopback) -> None:
    traffic = Traffic(loopback.client, loopback.server)
    process = subprocess.Popen([COMMAND, "--watch", "0.2", "--count", "400", "-ta", "--src",
                                loopback.address], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd="/")
    assert process.stdout is not None
    try:
        events: list[dict[str, Any]] = []
        late_client = late_server = None
        new_cookie: int | None = None
        deadline = time.monotonic() + 60
        seen: set[str] = set()
        while time.monotonic() < deadline and not {"new", "closed", "rate"} <= seen:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            event = json.loads(line)
            events.append(event)
            if event["refresh"] == 2 and late_client is None:
                late_client, late_server = loopback.connect()
            if late_server is not None and new_cookie is None:
                new_cookie = cookie(late_server)
            if event["event"] == "new" and event["socket"]["socket_info"]["cookie"] == \
                    new_cookie:
                seen.add("new")
                # Reset, not closed: no TIME_WAIT left behind to keep matching.
                assert late_server is not None
                late_server.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
                late_server.close()
            if event["event"] == "closed" and \
                    event["socket"]["socket_info"]["cookie"] == new_cookie:
                seen.add("closed")
            delta = event["delta"]
            if event["socket"]["socket_info"]["cookie"] == cookie(loopback.server) and delta \
                    and delta["bytes_received"] > 0:
                seen.add("rate")
                assert delta["receive_rate"] > 0 and delta["retransmit_rate"] is not None
        assert {"new", "closed", "rate"} <= seen, events[-5:]
        first = [event for event in events if event["refresh"] == 1]
        assert {event["event"] for event in first} == {"update"}
        assert all(event["delta"] is None and event["elapsed"] is None for event in first)
        assert set(events[-1]) == {"refresh", "monotonic", "elapsed", "event", "socket", "delta"}
        record = socketstat.sockets("tcp", local_address=loopback.address)[0]
        assert list(events[-1]["socket"]) == list(record.to_dict())
        # Ctrl-C ends the stream quietly.
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
        assert process.stderr is not None and process.stderr.read() == ""
    finally:
        traffic.stop()
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()


@linux_only
def test_watch_count_stops(loopback: Loopback) -> None:
    result = run("--watch", "0.1", "--count", "3", "--src", loopback.address, check=True)
    refreshes = [json.loads(line)["refresh"] for line in result.stdout.splitlines()]
    assert refreshes == [1, 2, 3]   # one connected socket at this address, once per refresh


# ---------------------------------------------------------------------------------------------
# The live view, in a pseudo-terminal

@linux_only
def test_live_view_keys_resize_and_quit(loopback: Loopback) -> None:
    traffic = Traffic(loopback.client, loopback.server)
    terminal = Terminal("--watch", "0.3", "-ta", "--src", loopback.address)
    try:
        screen = terminal.wait_for(r"refresh=2\b")
        assert "sort=Send/s:desc" in screen
        for title in ("State", "Send/s", "Recv/s", "Acked/s", "Retr/s", "RTT", "Recv-Q"):
            assert title in screen
        assert endpoint(loopback.server.getsockname()) in screen
        assert f"{loopback.address}:{loopback.port}" in screen
        terminal.type(b">")
        terminal.wait_for(r"sort=Recv/s:desc")
        terminal.type(b"r")
        terminal.wait_for(r"sort=Recv/s:asc")
        terminal.type(b"<<")
        terminal.wait_for(r"sort=Peer Address:Port:asc")
        terminal.type(b"\x1bOC")  # the right arrow, as xterm sends it in keypad mode
        # A key's frame is drawn on a cleared screen, header first, and may reach the screen in
        # pieces: wait for its rows too, one for each socket --src matches (not the client's,
        # whose local address the kernel chose).
        shown = [sock for sock in loopback.sockets if sock.getsockname()[0] == loopback.address]

        def rows(screen: str) -> list[str]:
            return [line for line in screen.splitlines() if loopback.address in line]

        def drawn(screen: str) -> bool:
            return "sort=Send/s:asc" in screen and len(rows(screen)) == len(shown)

        screen = terminal.wait_until(drawn, f"sort=Send/s:asc with {len(shown)} rows")
        # Sorted ascending by Send/s: the listener (no rate, "-") first, the sender last.
        assert "LISTEN" in rows(screen)[0]
        # The view repaints it all for the new size, from a cleared screen: until then the
        # screen is the old frame cut to 90 columns by the terminal, not drawn by the view.
        clears = terminal.emulated.clears
        terminal.resize(12, 90)
        screen = terminal.wait_until(
            lambda screen: terminal.emulated.clears > clears and drawn(screen),
            "the frame redrawn at 12x90")
        assert max(len(line) for line in screen.splitlines()) <= 90
        terminal.type(b"q")
        assert terminal.finish() == 0
        assert terminal.modes_after == terminal.modes_before
        assert "Traceback" not in terminal.screen
    finally:
        traffic.stop()
        terminal.close()


@linux_only
def test_live_view_ctrl_c_restores_the_terminal(loopback: Loopback) -> None:
    terminal = Terminal("--watch", "0.2", "-ta", "--src", loopback.address)
    try:
        terminal.wait_for(r"refresh=1\b")
        terminal.type(b"\x03")    # the terminal's VINTR: SIGINT to the foreground
        assert terminal.finish() == 130
        assert terminal.modes_after == terminal.modes_before
        assert b"Traceback" not in terminal.raw
    finally:
        terminal.close()


@linux_only
def test_live_view_count_ends_it() -> None:
    terminal = Terminal("--watch", "0.1", "--count", "2", "--src", unique_loopback())
    try:
        assert terminal.finish() == 0
        assert "refresh=2" in terminal.screen
        assert terminal.modes_after == terminal.modes_before
    finally:
        terminal.close()


# ---------------------------------------------------------------------------------------------
# Unix-tool behaviour

@listing_only
@pytest.mark.parametrize("arguments", [
    ["demo"], ["demo", "--json"],
    pytest.param(["-ta"], marks=linux_only), pytest.param(["-ta", "--json"], marks=linux_only),
    pytest.param(["-ta", "--ndjson"], marks=linux_only),
    pytest.param(["--watch", "0.1", "--count", "2", "-ta"], marks=linux_only),
], ids=["demo", "demo-json", "table", "json", "ndjson", "watch"])
def test_a_reader_that_leaves_early_gets_no_traceback(arguments: list[str]) -> None:
    """`socketstat | head -1`: the reader closes its end before the output is all written."""
    # The read end is closed before the command starts, so its writes fail with EPIPE every
    # time; a real `head -1` races the writer and may leave only after the last write.
    read_end, write_end = os.pipe()
    os.close(read_end)
    # A listener of our own: -ta always has something to write.
    with socket.create_server(("127.0.0.1", 0)):
        try:
            result = subprocess.run([COMMAND, *arguments], stdout=write_end,
                                    stderr=subprocess.PIPE, text=True, cwd="/", timeout=120)
        finally:
            os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 1  # what Python exits with on EPIPE, as its docs advise


@linux_only
def test_head_ends_quietly() -> None:
    with socket.create_server(("127.0.0.1", 0)):
        result = subprocess.run(f"{COMMAND} -tan | head -1", shell=True, capture_output=True,
                                text=True, cwd="/", timeout=120)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("State")


USAGE_ERRORS = [
    (["--state", "bogus"], "argument --state: unknown state 'bogus'"),
    (["--sport", "http"], "argument --sport: invalid port 'http'"),
    (["--sport", "65536"], "argument --sport: invalid port '65536'"),
    (["--dport", "-1"], "argument --dport: expected one argument"),
    (["--dport", "1.5"], "argument --dport: invalid port '1.5'"),
    (["--src", "300.1.1.1"], "argument --src: invalid address or prefix '300.1.1.1'"),
    (["--dst", "10.0.0.0/33"], "argument --dst: invalid address or prefix '10.0.0.0/33'"),
    (["--pid", "0"], "argument --pid: invalid number '0'"),
    (["--pid", "abc"], "argument --pid: invalid number 'abc'"),
    (["--watch", "0"], "argument --watch: invalid interval '0'"),
    (["--watch", "soon"], "argument --watch: invalid interval 'soon'"),
    (["--watch", "1", "--count", "0"], "argument --count: invalid number '0'"),
    (["--count", "3"], "argument --count: only with --watch"),
    (["--json", "--watch", "1"], "argument --json: not with --watch"),
    (["--json", "--ndjson"], "argument --ndjson: not allowed with argument -j/--json"),
    (["-l", "-a"], "argument -a/--all: not allowed with argument -l/--listening"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["extra"], "unrecognized arguments: extra"),
]


@listing_only
@pytest.mark.parametrize("arguments, message", USAGE_ERRORS,
                         ids=[" ".join(case[0]) for case in USAGE_ERRORS])
def test_usage_errors_say_one_line_and_exit_2(arguments: list[str], message: str) -> None:
    result = run(*arguments)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"socketstat: {message}"), result.stderr


@linux_only
def test_errors_of_the_listing_say_one_line_and_exit_2(tmp_path: Path) -> None:
    pid = 1
    while True:  # a pid nobody has
        pid += 7919
        if not os.path.exists(f"/proc/{pid}"):
            break
    cases = [
        (["--pid", str(pid)], f"socketstat: no process with pid {pid}"),
        (["--netns", str(tmp_path / "absent")],
         f"socketstat: cannot enter network namespace {tmp_path / 'absent'}: No such file"),
        (["--netns", "/etc/hostname"],
         "socketstat: cannot enter network namespace /etc/hostname: Invalid argument"),
    ]
    for arguments, message in cases:
        result = run(*arguments)
        assert result.returncode == 2, result
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(message), result


@linux_only
def test_netns_without_the_privilege() -> None:
    """setns() needs CAP_SYS_ADMIN: run without it (setpriv drops it from the bounding set,
    so even root lacks it), the command says so in one line."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    result = subprocess.run(["setpriv", "--bounding-set=-sys_admin", COMMAND, "--netns",
                             "/proc/self/ns/net"], capture_output=True, text=True, cwd="/",
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "socketstat: cannot enter network namespace /proc/self/ns/net: Operation not permitted")
    assert result.stderr.count("\n") == 1


@linux_only
def test_netns_of_our_own_namespace_lists_the_same(loopback: Loopback) -> None:
    if os.geteuid() != 0:
        pytest.skip("setns() needs CAP_SYS_ADMIN")
    plain = run("-tan", "--src", loopback.address, check=True).stdout
    entered = run("-tan", "--src", loopback.address, "--netns", "/proc/self/ns/net",
                  check=True).stdout
    assert table(plain) == table(entered) and len(table(plain)) == 2


@linux_only
def test_exit_status() -> None:
    nowhere = unique_loopback()
    assert run("--src", nowhere).returncode == 0
    assert run("--src", nowhere, "--exit-status").returncode == 1
    assert run("--src", nowhere, "--exit-status", "--json").returncode == 1
    with socket.create_server((nowhere, 0)):
        assert run("-l", "--src", nowhere, "--exit-status").returncode == 0


@listing_only
def test_help_shows_examples_and_keys() -> None:
    result = run("--help", check=True)
    assert "examples:" in result.stdout and "socketstat -tlp" in result.stdout
    assert "q quits" in result.stdout and "r reverses" in result.stdout
    assert "receive_queue_memory" in result.stdout          # what Recv-Q is for UDP
    assert "socketstat demo" in result.stdout


@listing_only
def test_help_wraps_to_the_terminal_width() -> None:
    """The options' help is wrapped to COLUMNS as shutil.get_terminal_size() would read it
    (the command reads the width itself rather than import shutil at every start)."""
    for columns, wrapped in (("40", True), ("200", False)):
        text = run("--help", check=True, env={**os.environ, "COLUMNS": columns}).stdout
        state = text[text.index("  --state STATE"):]
        assert ("group (repeatable;" in state.splitlines()[1]) is wrapped, state[:200]


# ---------------------------------------------------------------------------------------------
# socketstat demo

@listing_only
def test_demo_shows_a_live_connection() -> None:
    result = run("demo", "--json", "--ipv6", check=True)
    ends = json.loads(result.stdout)
    client = ends["client"]
    assert client["connection_info"]["tcpi_state"] == "ESTABLISHED"
    assert client["socket_info"]["family"] == "AF_INET6"
    assert client["unsent"] > 0  # the peer does not read
    assert ends["server (accepted, not reading)"]["unreceived"] > 0
    assert ends["listener"]["accept_queue_limit"] > 0
    text = run("demo", check=True).stdout
    if sys.platform.startswith("linux"):
        # Each end also as the listing finds it: the same socket, by its cookie.
        for name in ("client", "server (accepted, not reading)", "listener"):
            listed = ends["listed"][name]
            assert listed["socket_info"]["cookie"] == ends[name]["socket_info"]["cookie"]
            assert listed["state"] == ends[name]["state"]
        assert listed["socket_info"]["processes"][0]["pid"] > 0
        assert text.count("SocketStat {") == 6 and text.count("as listed by sockets(") == 3
    else:
        assert text.count("SocketStat {") == 3
    assert "tcpi_state: LISTEN," in text


@listing_only
def test_python_dash_m_is_the_command() -> None:
    result = subprocess.run([sys.executable, "-m", "socketstat", "--help"], capture_output=True,
                            text=True, check=True, cwd="/")
    assert result.stdout == run("--help", check=True).stdout


def test_unbuilt_source_tree_says_what_to_run(tmp_path: Path) -> None:
    shutil.copytree(REPO / "socketstat", tmp_path / "socketstat",
                    ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"))
    result = subprocess.run([sys.executable, "-c", "import socketstat"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode != 0
    assert "unbuilt source tree" in result.stderr and "pip install" in result.stderr

