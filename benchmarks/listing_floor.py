"""The listing floor: benchmarks/listing_floor.c, compiled at run time with ``cc -O2``, via ctypes.

One ``FloorListing.list()`` is one whole sock_diag TCP listing in C (both families), timed inside
C; ctypes' own call overhead (about a microsecond) lies outside the timed region.
"""

from __future__ import annotations

import ctypes
import os
import shlex
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks import floor

SOURCE = Path(__file__).with_name("listing_floor.c")

INET_DIAG_INFO = 2
EXT_INFO = 1 << (INET_DIAG_INFO - 1)
# idiag_states as sockets()'s states=None sends it: every state but BOUND_INACTIVE (13), whose bit
# makes the kernel walk its bind table too (ss lists those only with -B).
DEFAULT_STATES = 0xFFFFFFFF & ~(1 << 13)


class ListingResult(ctypes.Structure):
    _fields_ = [
        ("wall_ns", ctypes.c_int64),
        ("cpu_ns", ctypes.c_int64),
        ("records", ctypes.c_int64),
        ("info_records", ctypes.c_int64),
        ("bytes", ctypes.c_int64),
        ("receives", ctypes.c_int64),
        ("syscalls", ctypes.c_int64),
        ("failed_step", ctypes.c_int32),
        ("failed_errno", ctypes.c_int32),
    ]


@dataclass(frozen=True)
class Listed:
    wall_ns: int
    cpu_ns: int
    records: int
    info_records: int
    bytes: int
    receives: int
    syscalls: int


@dataclass
class FloorListing:
    path: Path
    command: list[str]
    library: ctypes.CDLL

    def list(self, states: int = DEFAULT_STATES, sport: int = 0, bytecode: bytes = b"",
             ext: int = EXT_INFO, protocol: int = socket.IPPROTO_TCP) -> Listed:
        """One listing, as socketstat.sockets("tcp") makes it; its times and counts."""
        result = ListingResult()
        status = self.library.slf_list(protocol, ext, states, sport, bytecode or None,
                                       len(bytecode), ctypes.byref(result))
        if status != 0:
            error = result.failed_errno
            raise floor.FloorError(f"the listing floor failed at step {result.failed_step}: "
                                   f"{os.strerror(error)} (errno {error})")
        return Listed(result.wall_ns, result.cpu_ns, result.records, result.info_records,
                      result.bytes, result.receives, result.syscalls)


def build(directory: Path) -> FloorListing:
    cc = floor.compiler()
    if cc is None:
        raise floor.FloorError("no C compiler: the listing floor is compiled at run time; "
                               "install cc or set $CC")
    target = directory / "socketstat_listing_floor.so"
    command = shlex.split(cc) + ["-O2", "-shared", "-fPIC", "-Wall", "-o", str(target),
                                 str(SOURCE)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise floor.FloorError(f"compiling the listing floor failed: {shlex.join(command)}\n"
                               f"{result.stderr}")
    shown = ["listing_floor.c" if word == str(SOURCE) else
             target.name if word == str(target) else word for word in command]
    return load(target, shown)


def load(target: Path, command: list[str] | None = None) -> FloorListing:
    library = ctypes.CDLL(str(target))      # the GIL is released around each listing
    library.slf_list.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_uint32, ctypes.c_int,
                                 ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ListingResult)]
    library.slf_list.restype = ctypes.c_int
    return FloorListing(target, command or [], library)
