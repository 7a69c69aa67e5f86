"""Shared helpers: real sockets on loopback, and the check that tests import the installed package."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

import socketstat

REPO = Path(__file__).resolve().parents[1]

T = TypeVar("T")

# mypy's cache, kept for this test session only (nothing stale from an earlier build can be read):
# with it, a run after the first skips re-analysing typeshed and the package's stubs, 0.3 s of
# CPU instead of 2.7 s here, over some 80 runs.
_MYPY_CACHE = Path(tempfile.mkdtemp(prefix="socketstat-mypy-cache-"))
atexit.register(shutil.rmtree, _MYPY_CACHE, ignore_errors=True)


def mypy(*arguments: str, cwd: Path = Path("/"), python: str = sys.executable,
         environment: dict[str, str] | None = None, timeout: float = 600
         ) -> subprocess.CompletedProcess[str]:
    """Run mypy ARGUMENTS in CWD against PYTHON's packages. Run outside the repository root, so
    mypy sees the installed package and its stubs, not the source tree. One cache per interpreter,
    directory and option set (the files checked vary; a platform is a different analysis)."""
    options = [argument for argument in arguments if argument.startswith("-")]
    if "--platform" in arguments:
        options.append(arguments[arguments.index("--platform") + 1])
    key = hashlib.sha256(repr((python, str(cwd), options)).encode()).hexdigest()[:16]
    variables = dict(environment if environment is not None else os.environ,
                     MYPY_CACHE_DIR=str(_MYPY_CACHE / key))
    return subprocess.run([sys.executable, "-m", "mypy", "--python-executable", python, *arguments],
                          capture_output=True, text=True, cwd=cwd, env=variables, timeout=timeout)


def pytest_configure(config: pytest.Config) -> None:
    # Tests must exercise the built, installed package: a source-tree import would test nothing.
    location = Path(socketstat.__file__).resolve()
    if REPO / "socketstat" in location.parents:
        raise pytest.UsageError(f"socketstat imported from the source tree ({location}); "
                                "install it (pip install .) and run pytest from the tests")


def loopback(family: socket.AddressFamily) -> str:
    return "::1" if family == socket.AF_INET6 else "127.0.0.1"


def tcp_connection(family: socket.AddressFamily, *, receive_buffer: int | None = None
                   ) -> tuple[socket.socket, socket.socket, socket.socket]:
    """(listener, client, accepted server end) of a TCP connection on loopback."""
    listener = socket.socket(family, socket.SOCK_STREAM)
    if receive_buffer is not None:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    listener.bind((loopback(family), 0))
    listener.listen(7)
    client = socket.create_connection(listener.getsockname()[:2])
    server, _ = listener.accept()
    return listener, client, server


@pytest.fixture(params=[socket.AF_INET, socket.AF_INET6], ids=["ipv4", "ipv6"])
def family(request: pytest.FixtureRequest) -> socket.AddressFamily:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def tcp(family: socket.AddressFamily) -> Iterator[tuple[socket.socket, socket.socket, socket.socket]]:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        yield listener, client, server


def fill_until_blocked(sender: socket.socket, limit: int = 8 << 20) -> int:
    """Send until the peer (which does not read) stops taking data; returns the bytes sent."""
    sender.setblocking(False)
    sent = 0
    chunk = b"x" * 65536
    try:
        while sent < limit:
            sent += sender.send(chunk)
    except BlockingIOError:
        pass
    sender.setblocking(True)
    return sent


def settle(read: Callable[[], T], *, attempts: int = 150, pause: float = 0.02) -> T:
    """Read until two consecutive reads agree: loopback has delivered and acknowledged."""
    previous = read()
    for _ in range(attempts):
        time.sleep(pause)
        current = read()
        if current == previous:
            return current
        previous = current
    raise AssertionError(f"value never settled; last {previous!r}")


def ss_line(sock: socket.socket) -> str:
    """The one `ss -tinmeOH` line for this connected TCP socket (iproute2)."""
    local = sock.getsockname()
    peer = sock.getpeername()

    def endpoint(address: tuple[str, int] | tuple[str, int, int, int]) -> str:
        host = f"[{address[0]}]" if ":" in address[0] else address[0]
        return f"{host}:{address[1]}"

    result = subprocess.run(
        ["ss", "-tinmeOH", "state", "all", "src", endpoint(local), "dst", endpoint(peer)],
        check=True, capture_output=True, text=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    return lines[0]
