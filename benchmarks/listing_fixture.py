"""N established TCP/IPv4 loopback connections, held by two child processes, for the listing runs.

One process may not hold both ends of 10,000 connections here (hard RLIMIT_NOFILE 20,000, no
CAP_SYS_RESOURCE to raise it), so the server ends live in one child (it listens, accepts and
writes 100 bytes on every accepted socket, which its peer never reads) and the client ends in a
second child; the benchmark process itself holds none of them. Each child raises its soft
RLIMIT_NOFILE to the hard limit, sets SO_LINGER {1, 0} on every socket (so teardown resets the
connections instead of leaving 2N sockets in TIME_WAIT for the next, larger run to list), arms
``alarm(timeout)`` and exits when its stdin reaches end of file: when the benchmark closes the
pipe, or dies.

This file is also the children's program: ``python listing_fixture.py server COUNT TIMEOUT`` and
``python listing_fixture.py client PORT COUNT TIMEOUT`` (it imports nothing from the package).
"""

from __future__ import annotations

import os
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

PAYLOAD = b"x" * 100
HOST = "127.0.0.1"
LINGER_RESET = struct.pack("ii", 1, 0)      # struct linger {l_onoff 1, l_linger 0}: close = RST
SPARE_FDS = 64                              # stdio, the listener, the interpreter's own files


class FixtureError(RuntimeError):
    pass


def raise_fd_limit() -> int:
    """Soft RLIMIT_NOFILE up to the hard limit; the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def max_connections() -> int:
    """The most connections the fixture can hold: one end of each per child."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        return 1 << 20
    return max(0, hard - SPARE_FDS)


class Connections:
    """``with Connections(n) as held:``: n established loopback connections until the block ends.

    ``server_port`` is the listener's port (shared by the listener and the n accepted sockets);
    ``client_port`` is the local port of one client socket (no other fixture socket has it).
    """

    def __init__(self, count: int, timeout_s: float = 600.0, setup_timeout_s: float = 120.0):
        if count < 1:
            raise ValueError("count must be positive")
        if count > max_connections():
            raise FixtureError(f"{count} connections need {count + SPARE_FDS} fds per process; "
                               f"the hard RLIMIT_NOFILE allows {max_connections()}")
        self.count = count
        self.timeout_s = timeout_s
        self.setup_timeout_s = setup_timeout_s
        self.server_port = 0
        self.client_port = 0
        self.setup_s = 0.0
        self._children: list[subprocess.Popen[str]] = []

    def _spawn(self, *arguments: str) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *arguments,
             str(max(1, round(self.timeout_s)))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            close_fds=True)
        self._children.append(child)
        return child

    def _line(self, child: subprocess.Popen[str], deadline: float, expect: str) -> list[str]:
        assert child.stdout is not None
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([child.stdout], [], [], max(0.0, remaining))
        line = child.stdout.readline() if ready else ""
        words = line.split()
        if not words or words[0] != expect:
            role = str(child.args[2])    # type: ignore[index]
            errors = self.close()
            why = "timed out" if not ready else f"said {line.strip()!r}"
            raise FixtureError(f"fixture child {role!r} {why} instead of {expect!r}"
                               f"{': ' + errors[role][-2000:] if errors.get(role) else ''}")
        return words[1:]

    def __enter__(self) -> Connections:
        started = time.monotonic()
        deadline = started + self.setup_timeout_s
        server = self._spawn("server", str(self.count))
        self.server_port = int(self._line(server, deadline, "port")[0])
        client = self._spawn("client", str(self.server_port), str(self.count))
        self.client_port = int(self._line(client, deadline, "ready")[0])
        self._line(server, deadline, "ready")
        self.setup_s = time.monotonic() - started
        return self

    def close(self) -> dict[str, str]:
        """End of file on the children's stdin: they close their sockets (RST) and exit.

        Returns what each child wrote to stderr, by role."""
        for child in self._children:
            if child.stdin is not None and not child.stdin.closed:
                try:
                    child.stdin.close()
                except OSError:
                    pass
        for child in self._children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        errors: dict[str, str] = {}
        for child in self._children:
            if child.stderr is not None:
                errors[str(child.args[2])] = child.stderr.read().strip()  # type: ignore[index]
            for stream in (child.stdout, child.stderr):
                if stream is not None:
                    stream.close()
        self._children = []
        return errors

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------
# The children

def _wait_for_eof() -> None:
    """Block until the parent closes our stdin (or dies); alarm() bounds the wait."""
    while os.read(0, 4096):
        pass


def _server(count: int) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, 0))
    listener.listen(min(count, socket.SOMAXCONN))
    print("port", listener.getsockname()[1], flush=True)
    held = []
    for _ in range(count):
        connection, _ = listener.accept()
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
        connection.sendall(PAYLOAD)
        held.append(connection)
    print("ready", len(held), flush=True)
    _wait_for_eof()
    for connection in held:
        connection.close()
    listener.close()


def _client(port: int, count: int) -> None:
    held = []
    for _ in range(count):
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
        connection.connect((HOST, port))
        held.append(connection)
    # Wait until the server's 100 bytes have arrived everywhere: the listing must see them.
    waiting = select.poll()
    for connection in held:
        waiting.register(connection, select.POLLIN)
    pending = len(held)
    stop = time.monotonic() + 30.0
    while pending and time.monotonic() < stop:
        for fd, _ in waiting.poll(1000):
            waiting.unregister(fd)
            pending -= 1
    print("ready", held[0].getsockname()[1], flush=True)
    _wait_for_eof()
    for connection in held:
        connection.close()


def _child(arguments: list[str]) -> None:
    role, *numbers = arguments
    timeout = int(numbers[-1])
    signal.alarm(timeout)       # SIGALRM's default action ends the process: a bounded fixture
    raise_fd_limit()
    if role == "server":
        _server(int(numbers[0]))
    elif role == "client":
        _client(int(numbers[0]), int(numbers[1]))
    else:
        raise SystemExit(f"unknown role {role!r}")


if __name__ == "__main__":
    _child(sys.argv[1:])
