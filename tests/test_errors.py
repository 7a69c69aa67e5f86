"""Bad input gets a clear exception and leaks nothing (Linux; the portable error table is in
test_contract.py)."""

from __future__ import annotations

import errno
import os
import socket
import sys
import tracemalloc
from typing import Any, Callable

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the Linux backend's own entry points (tcp_info, Sampler)", allow_module_level=True)

from socketstat import Sampler, socketstat, tcp_info

CALLS: list[Callable[[Any], object]] = [socketstat, tcp_info, Sampler]


class RaisingFileno:
    def fileno(self) -> int:
        raise RuntimeError("no fd today")


@pytest.mark.parametrize("call", CALLS)
def test_an_eventfd_is_not_a_socket(call: Callable[[Any], object]) -> None:
    # The portable error table is in test_contract.py; this is a Linux-only kind of fd.
    fd = os.eventfd(0)
    try:
        with pytest.raises(OSError) as caught:
            call(fd)
        assert caught.value.errno == errno.ENOTSOCK
    finally:
        os.close(fd)


def test_bad_input_leaks_neither_memory_nor_fds() -> None:
    read, write = os.pipe()
    closed = socket.socket()
    closed_fd = closed.fileno()
    closed.close()
    inputs: list[object] = ["x", -1, read, closed_fd, RaisingFileno(), 2**70]

    def hammer(rounds: int) -> None:
        for _ in range(rounds):
            for bad in inputs:
                for call in CALLS:
                    try:
                        call(bad)
                    except (TypeError, ValueError, OSError, RuntimeError, OverflowError):
                        pass

    try:
        fds_before = len(os.listdir("/proc/self/fd"))
        hammer(200)  # warm caches and freelists
        tracemalloc.start()
        first, _ = tracemalloc.get_traced_memory()
        hammer(2000)
        second, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert second - first < 64 * 1024, f"grew by {second - first} bytes"
        assert len(os.listdir("/proc/self/fd")) == fds_before
    finally:
        os.close(read)
        os.close(write)


def test_success_path_does_not_leak() -> None:
    with socket.socket() as sock:
        for _ in range(1000):
            socketstat(sock, details=True).to_dict()
        tracemalloc.start()
        first, _ = tracemalloc.get_traced_memory()
        for _ in range(20000):
            socketstat(sock, details=True)
        second, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert second - first < 64 * 1024, f"grew by {second - first} bytes"
