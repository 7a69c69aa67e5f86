"""Bad input gets a clear exception, never a crash, a partial object or a leak."""

from __future__ import annotations

import errno
import os
import socket
import tracemalloc
from typing import Any, Callable

import pytest

from socketstat import (MemInfo, Sample, SampleDelta, Sampler, SocketInfo, SocketStat, TcpInfo,
                        socketstat, tcp_info)

CALLS: list[Callable[[Any], object]] = [socketstat, tcp_info, Sampler]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("bad", ["3", 3.0, None, b"3", object()])
def test_not_an_int_and_no_fileno_is_a_type_error(call: Callable[[Any], object], bad: object) -> None:
    with pytest.raises(TypeError):
        call(bad)


@pytest.mark.parametrize("call", CALLS)
def test_negative_fd_is_a_value_error(call: Callable[[Any], object]) -> None:
    with pytest.raises(ValueError):
        call(-1)


@pytest.mark.parametrize("call", CALLS)
def test_huge_fd_is_an_overflow_not_a_crash(call: Callable[[Any], object]) -> None:
    with pytest.raises((OverflowError, ValueError)):
        call(2**70)


@pytest.mark.parametrize("call", CALLS)
def test_closed_fd_is_ebadf_naming_the_syscall(call: Callable[[Any], object]) -> None:
    sock = socket.socket()
    fd = sock.fileno()
    sock.close()
    with pytest.raises(OSError) as caught:
        call(fd)
    assert caught.value.errno == errno.EBADF
    assert "originated from getsockopt" in str(caught.value)


@pytest.mark.parametrize("call", CALLS)
def test_closed_socket_object_is_a_value_error(call: Callable[[Any], object]) -> None:
    # socket.fileno() returns -1 once closed; that is a negative fd.
    sock = socket.socket()
    sock.close()
    with pytest.raises(ValueError):
        call(sock)


def not_sockets() -> list[tuple[str, Callable[[], tuple[int, list[int]]]]]:
    def pipe() -> tuple[int, list[int]]:
        read, write = os.pipe()
        return read, [read, write]

    def regular_file() -> tuple[int, list[int]]:
        fd = os.open(__file__, os.O_RDONLY)
        return fd, [fd]

    def eventfd() -> tuple[int, list[int]]:
        fd = os.eventfd(0)
        return fd, [fd]

    return [("pipe", pipe), ("file", regular_file), ("eventfd", eventfd)]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("kind, opener", not_sockets(), ids=[name for name, _ in not_sockets()])
def test_not_a_socket_is_enotsock(call: Callable[[Any], object], kind: str,
                                  opener: Callable[[], tuple[int, list[int]]]) -> None:
    fd, to_close = opener()
    try:
        with pytest.raises(OSError) as caught:
            call(fd)
        assert caught.value.errno == errno.ENOTSOCK
        assert "originated from getsockopt" in str(caught.value)
    finally:
        for each in to_close:
            os.close(each)


class RaisingFileno:
    def fileno(self) -> int:
        raise RuntimeError("no fd today")


class BadFileno:
    def fileno(self) -> str:
        return "seven"


@pytest.mark.parametrize("call", CALLS)
def test_fileno_that_raises_passes_its_exception_through(call: Callable[[Any], object]) -> None:
    with pytest.raises(RuntimeError, match="no fd today"):
        call(RaisingFileno())
    with pytest.raises(TypeError):
        call(BadFileno())


@pytest.mark.parametrize("record", [TcpInfo, SocketStat, SocketInfo, MemInfo, Sample, SampleDelta])
def test_records_cannot_be_built_half_way(record: Any) -> None:
    with pytest.raises(TypeError):
        record()
    # Bypassing __init__ gives an empty record: it must still print and convert, never crash.
    empty = record.__new__(record)
    repr(empty)
    empty.to_dict()


def test_records_refuse_pickling_and_say_what_to_do() -> None:
    import pickle
    with socket.socket() as sock:
        stat = socketstat(sock)
        with pytest.raises(TypeError, match="to_dict"):
            pickle.dumps(stat)


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
