"""Does the listing floor make the very syscalls sockets("tcp") makes? Checked with strace.

The parent runs ``python -m benchmarks.listing_syscall_check LIBRARY`` under strace (``-e
verbose=none``, so each request is shown as its bytes). The child opens a few loopback
connections and, for the full listing and a port-filtered one, calls socketstat.sockets() once
and the C floor once, each between marker syscalls (close() of a negative fd). The parent cuts the
trace at the markers and compares the two: the socket() call, every request byte for byte, each
receive's buffer size and flags, the close(). Runs of receives are compared by their call, not
their number: the table may change between the two listings.
"""

from __future__ import annotations

import re
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import listing_floor
from benchmarks.syscall_check import _mark, compare

TRACED = "socket,bind,connect,setsockopt,sendto,sendmsg,recvfrom,recvmsg,close"
_CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+)")
_RECEIVE = re.compile(r'^(\d+), (?:".*?"|\[.*\]|0x[0-9a-f]+)(?:\.\.\.)?, (\d+), (\w+)')


def normalise(line: str) -> str | None:
    """One traced call as compared: receives without their contents and byte counts."""
    match = _CALL.match(line)
    if not match:
        return None
    name, arguments, result = match.groups()
    if name in ("recvfrom", "recvmsg"):
        receive = _RECEIVE.match(arguments)
        return f"{name}({','.join(receive.groups())})" if receive else f"{name}(?)"
    return f"{name}({arguments})={result}"


def collapse(calls: list[str]) -> list[str]:
    """Consecutive identical receives as one: their number follows the table, not the code."""
    kept: list[str] = []
    for call in calls:
        if not (kept and call == kept[-1] and call.startswith(("recvfrom(", "recvmsg("))):
            kept.append(call)
    return kept


def _child(library_path: str) -> None:
    from benchmarks.installed import import_installed_socketstat
    api = import_installed_socketstat()
    sockets = getattr(api.package, "sockets")
    library = listing_floor.load(Path(library_path))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
    servers = [listener.accept()[0] for _ in clients]
    port = clients[0].getsockname()[1]
    plans: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ('sockets("tcp")', lambda: sockets("tcp"), lambda: library.list()),
        ('sockets("tcp", local_port=P)', lambda: sockets("tcp", local_port=port),
         lambda: library.list(sport=port)),
    ]
    for _, python, floor_call in plans:      # warm up: lazy imports, first-call work
        python()
        floor_call()
    for index, (key, python, floor_call) in enumerate(plans):
        print(f"{-2000 - 3 * index} {key}", file=sys.stderr)
        _mark(-2000 - 3 * index)
        python()
        _mark(-2001 - 3 * index)
        floor_call()
        _mark(-2002 - 3 * index)
    for sock in [*clients, *servers, listener]:
        sock.close()


def _judge(key: str, python_calls: list[str], floor_calls: list[str]) -> dict[str, Any]:
    return {
        "python": python_calls,
        "floor": floor_calls,
        "calls": len(python_calls),
        "floor_calls": len(floor_calls),
        "status": "same" if python_calls and collapse(python_calls) == collapse(floor_calls)
                  else "DIFFERENT",
    }


def check(python: str, library: Path, cwd: Path) -> dict[str, Any]:
    return compare(python, "benchmarks.listing_syscall_check", library, cwd, TRACED, normalise,
                   _judge, options=["-e", "verbose=none", "-xx", "-s", "4096"],
                   require_paths=True)


if __name__ == "__main__":
    _child(sys.argv[1])
