"""Nothing grows with use: the process's resident memory and open fds stay flat over 10^5 calls of
each entry point and each error path (Linux: /proc/self/statm and /proc/self/fd).

RSS sees what tracemalloc cannot: memory taken from malloc directly, by the extension or by libc
on its behalf. No timing is asserted. (Not run by .ci/sanitize: ASan's allocator grows RSS.)
"""

from __future__ import annotations

import errno
import gc
import os
import socket
import sys
from typing import Any, Callable, Iterator, NamedTuple

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("RSS and fds from Linux's /proc/self", allow_module_level=True)

from conftest import tcp_connection
from socketstat import Sampler, SamplerGroup, SocketsSampler, TcpInfo, socketstat, tcp_info
from socketstat import sockets as listing  # the fixture below is named sockets

CALLS = 100_000
WARM_UP = 5_000  # freelists, caches and the allocator's arenas settle first
# A leak of one Python object a call is at least 16 bytes (pymalloc's smallest block; malloc's
# smallest chunk is 32), so 1.6 MB over CALLS. The bound, 1 MiB (10.5 bytes a call), is under
# any per-call leak and far above a run without one, where RSS moves by whole pages of pymalloc's
# 16 KiB pools if at all: 0 KiB in every case here on the project's 2-core machine.
BOUND = 1 << 20
PAGE = os.sysconf("SC_PAGE_SIZE")


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


class Sockets(NamedTuple):
    tcp: socket.socket      # an established connection's client end
    unix: socket.socket     # the accepted end of a Unix stream connection to an abstract name
    udp: socket.socket
    pipe: int               # a pipe's read end: not a socket
    closed: int             # a number no open fd has
    raw: bytes              # struct tcp_info as getsockopt gives it
    sampler: Sampler        # of tcp, sampled twice
    group: SamplerGroup     # of tcp, unix and udp, sampled twice


class RaisingFileno:
    def fileno(self) -> int:
        raise RuntimeError("no fd today")


@pytest.fixture(scope="module")
def sockets() -> Iterator[Sockets]:
    listener, client, server = tcp_connection(socket.AF_INET)
    client.sendall(b"x" * 1000)
    unix_listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix_listener.bind(f"\0socketstat-test-leaks-{os.getpid()}")
    unix_listener.listen()
    unix_client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix_client.connect(unix_listener.getsockname())
    unix_server, _ = unix_listener.accept()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    read, write = os.pipe()
    sampler = Sampler(client)
    sampler.sample()
    sampler.sample()
    group = SamplerGroup([client, unix_server, udp])
    group.sample()
    group.sample()
    closed = max(int(name) for name in os.listdir("/proc/self/fd")) + 100
    raw = client.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 512)
    try:
        yield Sockets(client, unix_server, udp, read, closed, raw, sampler, group)
    finally:
        for sock in (listener, client, server, unix_listener, unix_client, unix_server, udp):
            sock.close()
        os.close(read)
        os.close(write)


# The exception a call must raise, with its errno when it is an OSError; None for a success.
Expected = tuple[type[BaseException], int | None] | None
# id: (the call to repeat, made from the sockets; what it must do)
Case = tuple[Callable[[Sockets], Callable[[], object]], Expected]

ENTRY_POINTS: dict[str, Case] = {
    "socketstat(fd)": (lambda s: lambda: socketstat(s.tcp.fileno()), None),
    "socketstat(fd, details=True)": (lambda s: lambda: socketstat(s.tcp, details=True), None),
    "tcp_info(fd)": (lambda s: lambda: tcp_info(s.tcp.fileno()), None),
    "Sampler(fd).sample()": (lambda s: lambda: Sampler(s.tcp.fileno()).sample(), None),
    "Sampler.sample()": (lambda s: s.sampler.sample, None),
    "Sampler.delta()": (lambda s: s.sampler.delta, None),
    "TcpInfo.from_bytes(raw)": (lambda s: lambda: TcpInfo.from_bytes(s.raw), None),
    "to_dict()": (lambda s: socketstat(s.tcp, details=True).to_dict, None),
    "SamplerGroup.sample()": (lambda s: s.group.sample, None),
    "SamplerGroup.delta()": (lambda s: s.group.delta, None),
    "GroupSample[i], GroupDelta[i]": (lambda s: lambda: (s.group.sample()[0], s.group.delta()[0]),
                                      None),
    "memoryview(column) and release": (lambda s: lambda: memoryview(
        s.group.sample().tcpi_rtt).release(), None),
    "SamplerGroup add() and remove()": (lambda s: lambda: _add_remove(s.group, s.tcp), None),
    "SamplerGroup(socks)": (lambda s: lambda: SamplerGroup([s.tcp, s.unix, s.udp]).sample(), None),
    "socketstat(unix, details=True).to_dict()": (
        lambda s: lambda: socketstat(s.unix, details=True).to_dict(), None),
}

# Each bad fd goes to every call that takes one.
BAD_FDS: dict[str, tuple[Callable[[Sockets], object], Expected]] = {
    "closed fd": (lambda s: s.closed, (OSError, errno.EBADF)),
    "pipe": (lambda s: s.pipe, (OSError, errno.ENOTSOCK)),
    "str": (lambda s: "x", (TypeError, None)),
    "True": (lambda s: True, (TypeError, None)),
    "fileno() raises": (lambda s: RaisingFileno(), (RuntimeError, None)),
    "-1": (lambda s: -1, (ValueError, None)),
    "2**40": (lambda s: 2**40, (OverflowError, None)),  # 2**70 fails in the same call
}
TAKE_FDS: dict[str, Callable[[Any], object]] = {
    "socketstat": socketstat, "tcp_info": tcp_info, "Sampler": Sampler,
    "SamplerGroup.add": lambda fd: SamplerGroup().add(fd)}


def _add_remove(group: SamplerGroup, sock: socket.socket) -> None:
    # A member leaving and joining again (its storage reused, its identity re-read).
    group.remove(sock)
    group.add(sock)


def _with_bad_fd(call: Callable[[Any], object], bad: Callable[[Sockets], object]
                 ) -> Callable[[Sockets], Callable[[], object]]:
    def make(sockets: Sockets) -> Callable[[], object]:
        argument = bad(sockets)
        return lambda: call(argument)
    return make


def _while_viewed(sockets: Sockets) -> Callable[[], object]:
    view = memoryview(sockets.group.sample().unsent)

    def remove() -> None:
        assert view.obj is not None       # the view stays held by this closure
        sockets.group.remove(sockets.udp)
    return remove


ERROR_PATHS: dict[str, Case] = {
    f"{name}({bad_name})": (_with_bad_fd(call, bad), expected)
    for bad_name, (bad, expected) in BAD_FDS.items() for name, call in TAKE_FDS.items()
}
ERROR_PATHS.update({
    "tcp_info(udp)": (lambda s: lambda: tcp_info(s.udp), (OSError, errno.EOPNOTSUPP)),
    "TcpInfo.from_bytes(short)": (lambda s: lambda: TcpInfo.from_bytes(s.raw[:100]),
                                  (ValueError, None)),
    "Sampler.delta() before two samples": (lambda s: Sampler(s.tcp).delta, (ValueError, None)),
    "SamplerGroup.remove(not a member)": (lambda s: lambda: s.group.remove(s.closed),
                                          (KeyError, None)),
    "SamplerGroup.remove() while viewed": (lambda s: _while_viewed(s), (BufferError, None)),
    "GroupDelta[i] of a non-TCP member": (lambda s: lambda: s.group.delta()[2], (ValueError, None)),
})


def assert_flat(call: Callable[[], object], expected: Expected, calls: int = CALLS) -> None:
    if expected is None:
        def hammer(rounds: int) -> None:
            for _ in range(rounds):
                call()
    else:
        exception, number = expected
        with pytest.raises(exception) as caught:  # the path meant, not another error
            call()
        assert number is None or getattr(caught.value, "errno", None) == number, caught.value
        del caught

        def hammer(rounds: int) -> None:
            for _ in range(rounds):
                try:
                    call()
                except exception:
                    pass

    hammer(min(WARM_UP, calls))
    gc.collect()
    fds, memory, blocks = open_fds(), resident(), sys.getallocatedblocks()
    hammer(calls)
    gc.collect()
    grown, fds_after = resident() - memory, open_fds()
    assert fds_after == fds, f"{fds_after - fds} fds left open by {calls} calls"
    if grown >= BOUND:
        # The allocator can settle in one step after the warm-up (a group's storage is malloc's,
        # not pymalloc's, and where it lands depends on the tests before): a leak grows again
        # in the next round, a settling heap does not.
        memory = resident()
        hammer(calls)
        gc.collect()
        again = resident() - memory
        assert again < BOUND, (f"RSS grew by {grown // 1024} KiB over {calls} calls, then by "
                               f"{again // 1024} KiB over {calls} more")
    # Python objects kept alive by a call (a reference leaked): one per call would be `calls`.
    kept = sys.getallocatedblocks() - blocks
    assert kept < calls // 10, f"{kept} more Python memory blocks after {calls} calls"


@pytest.mark.parametrize("case", list(ENTRY_POINTS))
def test_entry_point_leaks_nothing(sockets: Sockets, case: str) -> None:
    make, expected = ENTRY_POINTS[case]
    assert_flat(make(sockets), expected)


@pytest.mark.parametrize("case", list(ERROR_PATHS))
def test_error_path_leaks_nothing(sockets: Sockets, case: str) -> None:
    make, expected = ERROR_PATHS[case]
    assert_flat(make(sockets), expected)


# Listings cost a kernel table walk each (milliseconds on a busy host), so fewer calls; a leak of
# their 32 KiB receive buffer or their cookie table would still be megabytes, a leaked fd is
# counted exactly, and a record leaked per call shows in the allocated-blocks count.
LISTING_CALLS = 1_000
LISTINGS: dict[str, Case] = {
    "sockets(tcp, local_port=, details=True)": (
        lambda s: lambda: listing("tcp", local_port=s.tcp.getsockname()[1], details=True), None),
    "sockets(unix, pid=self, processes=True)": (
        lambda s: lambda: listing("unix", pid=os.getpid(), processes=True), None),
    "sockets(netns=this namespace's path)": (
        lambda s: lambda: listing("tcp4", local_port=s.tcp.getsockname()[1],
                                  netns="/proc/self/ns/net"), None),
    "sockets(pid=no such process)": (lambda s: lambda: listing("unix", pid=2**31 - 1),
                                     (ProcessLookupError, errno.ESRCH)),
    "sockets(netns=closed fd)": (lambda s: lambda: listing("tcp", netns=s.closed),
                                 (OSError, errno.EBADF)),
    "sockets(netns=missing path)": (lambda s: lambda: listing("tcp", netns="/nonexistent"),
                                    (FileNotFoundError, errno.ENOENT)),
}


@pytest.mark.parametrize("case", list(LISTINGS))
def test_listing_leaks_nothing(sockets: Sockets, case: str) -> None:
    make, expected = LISTINGS[case]
    assert_flat(make(sockets), expected, LISTING_CALLS)


def test_sockets_sampler_leaks_nothing(sockets: Sockets) -> None:
    with SocketsSampler("tcp", local_port=sockets.tcp.getsockname()[1],
                        final_stats=True) as sampler:
        assert_flat(sampler.sample, None, LISTING_CALLS)
