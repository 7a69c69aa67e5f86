"""SamplerGroup: many sockets read by one loop, the results as columns read without a copy.

Every figure is checked against Sampler and socketstat() read at the same, settled moment, and
every delta against the bytes the test transferred. No timing is asserted.
"""

from __future__ import annotations

import errno
import gc
import math
import os
import pickle
import re
import shutil
import socket
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("SamplerGroup, Linux only for now (as Sampler)", allow_module_level=True)

from conftest import fill_until_blocked, settle, tcp_connection
from socketstat import (
    Column,
    GroupDelta,
    GroupSample,
    GroupStatus,
    Sampler,
    SamplerGroup,
    SocketChangedError,
    TcpInfo,
    socketstat,
)

# Members that move with the clock between two reads of an idle connection (as test_sampler).
MOVING = {"tcpi_last_data_sent", "tcpi_last_data_recv", "tcpi_last_ack_recv", "tcpi_pacing_rate",
          "tcpi_busy_time", "tcpi_rwnd_limited", "tcpi_sndbuf_limited", "tcpi_rto", "tcpi_ato"}
TCP_FIELDS = [name for name in TcpInfo._fields if name.startswith("tcpi_")]


def values(batch: GroupSample, index: int) -> dict[str, object]:
    """Member ``index``'s figures as the columns give them, None where marked absent."""
    length = memoryview(batch.length)[index]
    found: dict[str, object] = {
        name: memoryview(getattr(batch, name))[index]
        for name in ("status", "unreceived", "unsent", "listening")}
    for name in TCP_FIELDS:
        column: Column = getattr(batch, name)
        assert column.end is not None
        found[name] = memoryview(column)[index] if length >= column.end else None
    return found


def expected(stat: Any) -> dict[str, object]:
    """The same figures from a Sampler's Sample or a SocketStat."""
    info = stat.connection_info
    found: dict[str, object] = {"status": GroupStatus.OK, "unreceived": stat.unreceived,
                                "unsent": stat.unsent,
                                "listening": int(info is not None and info.tcpi_state == 10)}
    for name in TCP_FIELDS:
        found[name] = None if info is None else getattr(info, name)
    return found


def without_moving(found: dict[str, object]) -> dict[str, object]:
    return {name: value for name, value in found.items() if name not in MOVING}


def transfer(sender: socket.socket, receiver: socket.socket, count: int) -> None:
    """Send count bytes, read them at the other end, and wait until they are acknowledged."""
    sender.sendall(b"t" * count)
    received = 0
    while received < count:
        received += len(receiver.recv(1 << 20))
    settle(lambda: socketstat(sender).connection_info.tcpi_bytes_acked)  # type: ignore[union-attr]


@pytest.fixture
def loopback_pairs() -> Iterator[list[socket.socket]]:
    """Three TCP/IPv4 connections, their six ends."""
    opened: list[socket.socket] = []
    ends: list[socket.socket] = []
    for _ in range(3):
        listener, client, server = tcp_connection(socket.AF_INET)
        opened += [listener, client, server]
        ends += [client, server]
    try:
        yield ends
    finally:
        for sock in opened:
            sock.close()


def test_columns_equal_sampler_and_socketstat_at_the_same_moment(
        family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family, receive_buffer=16384)
    with listener, client, server:
        fill_until_blocked(client)
        members = [client, server, listener]
        group = SamplerGroup(members)
        samplers = [Sampler(sock) for sock in members]

        def read() -> tuple[list[dict[str, object]], ...]:
            batch = group.sample()
            return ([without_moving(values(batch, i)) for i in range(len(members))],
                    [without_moving(expected(sampler.sample())) for sampler in samplers],
                    [without_moving(expected(socketstat(sock))) for sock in members])

        columns, sampled, stats = settle(read)
        assert columns == sampled == stats
        assert columns[2]["listening"] == 1 and columns[0]["unsent"] > 0  # type: ignore[operator]
        assert [group.index(sock) for sock in members] == [0, 1, 2]
        assert list(group) == members
        for sock in members:
            assert group.socket_info(sock).local_address == sock.getsockname()


def test_records_are_the_samplers(tcp: tuple[socket.socket, socket.socket, socket.socket]
                                  ) -> None:
    listener, client, server = tcp
    client.sendall(b"r" * 4321)
    group = SamplerGroup([server])
    sampler = Sampler(server)
    settle(lambda: (group.sample()[0].unreceived, sampler.sample().unreceived))
    record, sample = group.sample()[0], sampler.sample()
    assert record.unreceived == sample.unreceived == 4321
    assert record.connection_info is not None and sample.connection_info is not None
    assert (record.connection_info.tcpi_bytes_received
            == sample.connection_info.tcpi_bytes_received == 4321)
    assert record.connection_info.length == sample.connection_info.length
    assert math.isclose(record.monotonic, memoryview(group.sample().monotonic_ns)[0] / 1e9,
                        abs_tol=10.0)


def test_deltas_equal_the_bytes_transferred(family: socket.AddressFamily) -> None:
    transfers = [(50_000, 777), (123_456, 0), (1, 99_999)]
    connections = [tcp_connection(family) for _ in transfers]
    try:
        clients = [client for _, client, _ in connections]
        servers = [server for _, _, server in connections]
        group = SamplerGroup(clients + servers)
        group.sample()
        for (sent, answered), client, server in zip(transfers, clients, servers):
            transfer(client, server, sent)
            transfer(server, client, answered)
        group.sample()
        delta = group.delta()
        assert memoryview(delta.status).tolist() == [GroupStatus.OK] * 6
        acked = memoryview(delta.bytes_acked).tolist()
        received_bytes = memoryview(delta.bytes_received).tolist()
        elapsed = memoryview(delta.elapsed).tolist()
        rates = memoryview(delta.delivery_rate).tolist()
        for index, (sent, answered) in enumerate(transfers):
            assert acked[index] == sent and received_bytes[index] == answered
            assert acked[3 + index] == answered and received_bytes[3 + index] == sent
            record = delta[index]
            assert (record.bytes_acked, record.bytes_received) == (sent, answered)
            assert record.elapsed == elapsed[index] > 0
            assert rates[index] == pytest.approx(sent / elapsed[index])
            assert record.delivery_rate == pytest.approx(rates[index])
            assert memoryview(delta.bytes_sent)[index] == (
                sent + memoryview(delta.bytes_retransmitted)[index])
            assert memoryview(delta.segments_out)[index] > 0
    finally:
        for sockets in connections:
            for sock in sockets:
                sock.close()


# A child that samples the same five members once as a group and once with a Sampler each,
# between marker writes that strace shows.
SYSCALLS_CHILD = """
import os, socket
from socketstat import Sampler, SamplerGroup
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
server, _ = listener.accept()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
left, right = socket.socketpair()
members = [client, server, listener, udp, left]
group = SamplerGroup(members)
samplers = [Sampler(member) for member in members]
mark = os.open(os.devnull, os.O_WRONLY)
os.write(mark, b"group")
group.sample()
os.write(mark, b"samplers")
for sampler in samplers:
    sampler.sample()
os.write(mark, b"end")
"""


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace shows the syscalls issued")
def test_the_loop_issues_exactly_the_samplers_syscalls(tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    subprocess.run(["strace", "-qq", "-e", "trace=getsockopt,ioctl,write", "-o", str(trace),
                    sys.executable, "-c", SYSCALLS_CHILD], check=True, cwd=tmp_path, timeout=120)
    calls: dict[str, list[str]] = {"group": [], "samplers": []}
    phase = None
    for line in trace.read_text().splitlines():
        marker = re.match(r'write\(\d+, "(\w+)"', line)
        if marker:
            phase = marker.group(1) if marker.group(1) in calls else None
        elif phase is not None:
            # The call, its fd and request, without the buffers' contents (the state moves).
            call = re.match(r"(\w+)\((\d+), (\w+)(?:, (\w+))?", line)
            assert call is not None, line
            calls[phase].append(" ".join(part for part in call.groups() if part))
    assert calls["group"] == calls["samplers"]
    # TCP_INFO + SIOCINQ + SIOCOUTQ for the two ends, TCP_INFO alone for the listener, the two
    # ioctls for the UDP socket and the Unix one.
    assert len(calls["group"]) == 3 + 3 + 1 + 2 + 2, calls["group"]


def test_columns_are_read_without_a_copy_through_numpy(
        tcp: tuple[socket.socket, socket.socket, socket.socket]) -> None:
    numpy = pytest.importorskip("numpy", reason="numpy (the test extra) shows zero-copy reads")
    listener, client, server = tcp
    group = SamplerGroup([client, server, listener])
    batch = group.sample()
    unreceived = numpy.asarray(batch.unreceived)
    rtt = numpy.asarray(batch.tcpi_rtt)
    acked = numpy.asarray(batch.tcpi_bytes_acked)
    view = memoryview(batch.unreceived)
    assert (unreceived.dtype, rtt.dtype, acked.dtype) == (numpy.int32, numpy.uint32, numpy.uint64)
    assert not unreceived.flags.writeable and unreceived.flags.c_contiguous
    # The array is the column's own memory: the one memoryview of it refers to the Column...
    assert view.obj is batch.unreceived and view.readonly
    assert numpy.shares_memory(unreceived, numpy.asarray(batch.unreceived))
    # ...and the next sample() refills it in place, seen through the array already held.
    assert unreceived.tolist() == [0, 0, 0]
    client.sendall(b"z" * 2500)
    settle(lambda: (group.sample(), unreceived.tolist())[1])
    assert unreceived.tolist() == [0, 2500, 0]
    delta = group.delta()
    rates = numpy.asarray(delta.receive_rate)
    assert rates.dtype == numpy.float64 and rates.shape == (3,)
    assert numpy.asarray(delta.status).tolist() == [GroupStatus.OK] * 3
    # Absence is a mask, never a 0: the lengths against each column's end.
    assert (numpy.asarray(batch.length) >= batch.tcpi_rcv_wnd.end).all()


def test_sample_allocates_nothing(loopback_pairs: list[socket.socket]) -> None:
    group = SamplerGroup(loopback_pairs)
    held = memoryview(group.sample().tcpi_rtt)   # a viewed column is refilled by each sample
    sample = group.sample
    for _ in range(100):
        sample()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        blocks = sys.getallocatedblocks()
        for _ in range(10000):
            sample()
        grown_blocks = sys.getallocatedblocks() - blocks
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = [stat for stat in after.compare_to(before, "filename") if stat.count_diff > 0
             and "tracemalloc" not in str(stat.traceback)]
    # Not one block per sample (nor per member): at most a handful from the interpreter.
    assert sum(stat.count_diff for stat in grown) < 10, grown
    assert grown_blocks < 10
    held.release()


def test_udp_and_unix_members_have_queues_and_no_tcp_columns() -> None:
    left, right = socket.socketpair()
    udp_in = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    unix_listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener, client, server = tcp_connection(socket.AF_INET)
    with left, right, udp_in, udp_out, unix_listener, listener, client, server:
        udp_in.bind(("127.0.0.1", 0))
        udp_out.sendto(b"u" * 99, udp_in.getsockname())
        left.sendall(b"k" * 321)
        unix_listener.bind(f"\0socketstat-test-group-{os.getpid()}")
        unix_listener.listen()
        members = [right, udp_in, unix_listener, client]
        group = SamplerGroup(members)
        batch = settle(lambda: memoryview(group.sample().unreceived).tolist())
        assert batch == [321, 99, 0, 0]
        batch_ = group.sample()
        assert memoryview(batch_.status).tolist() == [GroupStatus.OK] * 4
        assert memoryview(batch_.length).tolist()[:3] == [0, 0, 0]
        assert memoryview(batch_.listening).tolist() == [0, 0, 1, 0]
        for index in range(3):
            assert values(batch_, index)["tcpi_rtt"] is None      # absent, not 0
            assert batch_[index].connection_info is None
        assert values(batch_, 3)["tcpi_rtt"] is not None
        assert batch_[0].unreceived == 321 and batch_[0].not_yet_sent is None
        delta = group.delta()
        assert memoryview(delta.status).tolist() == [GroupStatus.NOT_TCP] * 3 + [GroupStatus.OK]
        assert math.isnan(memoryview(delta.elapsed)[0])
        with pytest.raises(ValueError, match="TCP"):
            delta[1]


def test_a_closed_member_is_marked_and_the_others_are_read(
        loopback_pairs: list[socket.socket]) -> None:
    doomed = socket.socket()
    fd = doomed.fileno()
    group = SamplerGroup([loopback_pairs[0], fd, loopback_pairs[1]])
    group.sample()
    doomed.close()
    batch = group.sample()
    assert memoryview(batch.status).tolist() == [GroupStatus.OK, GroupStatus.FAILED,
                                                 GroupStatus.OK]
    assert memoryview(batch.errno).tolist() == [0, errno.EBADF, 0]
    assert memoryview(batch.length).tolist()[1] == 0
    with pytest.raises(OSError, match="TCP_INFO") as caught:
        batch[1]
    assert caught.value.errno == errno.EBADF
    assert batch[0].connection_info is not None and batch[2].connection_info is not None
    delta = group.delta()
    assert memoryview(delta.status).tolist() == [GroupStatus.OK, GroupStatus.FAILED,
                                                 GroupStatus.OK]
    assert memoryview(delta.errno)[1] == errno.EBADF
    with pytest.raises(OSError) as raised:
        delta[1]
    assert raised.value.errno == errno.EBADF
    group.remove(fd)
    assert len(group) == 2


def test_a_reused_fd_is_marked_changed(loopback_pairs: list[socket.socket]) -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, server:
        transfer(client, server, 100_000)
        fd = client.fileno()
        group = SamplerGroup([loopback_pairs[0], fd])
        group.sample()
        group.sample()
        client.close()
        # The lowest free number is the member's: a UDP socket answers TCP_INFO with EOPNOTSUPP.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            assert udp.fileno() == fd
            batch = group.sample()
            assert memoryview(batch.status).tolist() == [GroupStatus.OK, GroupStatus.CHANGED]
            assert memoryview(batch.errno)[1] == errno.EOPNOTSUPP
            with pytest.raises(SocketChangedError, match="not TCP"):
                batch[1]
            delta = group.delta()
            assert memoryview(delta.status)[1] == GroupStatus.CHANGED
            with pytest.raises(SocketChangedError):
                delta[1]
        # A new connection on the number: two samples of it make a delta again.
        fresh = socket.create_connection(listener.getsockname())
        with fresh:
            assert fresh.fileno() == fd
            group.sample()
            group.sample()
            first = group.delta()
            assert memoryview(first.status)[1] == GroupStatus.OK   # two good samples of it


def test_counters_going_backwards_mark_the_delta_changed() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, server:
        transfer(client, server, 100_000)
        fd = client.fileno()
        group = SamplerGroup([fd])
        group.sample()
        client.close()
        fresh = socket.create_connection(listener.getsockname())
        with fresh:
            assert fresh.fileno() == fd
            group.sample()
            delta = group.delta()
            assert memoryview(delta.status).tolist() == [GroupStatus.CHANGED]
            assert memoryview(delta.bytes_acked).tolist() == [0]
            with pytest.raises(SocketChangedError, match="counter went backwards"):
                delta[0]


def test_membership_changes_refuse_while_a_view_is_held(
        loopback_pairs: list[socket.socket]) -> None:
    group = SamplerGroup(loopback_pairs[:3])
    batch = group.sample()
    view = memoryview(batch.tcpi_bytes_received)
    with pytest.raises(BufferError, match="release"):
        group.add(loopback_pairs[3])
    with pytest.raises(BufferError):
        group.remove(loopback_pairs[0])
    assert list(group) == loopback_pairs[:3] and len(view) == 3
    group.sample()
    delta_view = memoryview(group.delta().bytes_acked)
    view.release()
    with pytest.raises(BufferError):
        group.add(loopback_pairs[3])
    delta_view.release()
    # Views released: the group grows past its first allocation and shrinks again.
    extra = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(20)]
    try:
        for sock in extra:
            group.add(sock)
        group.add(loopback_pairs[3])
        assert len(group) == 24
        group.remove(loopback_pairs[0])          # the last member takes its place
        assert group.index(loopback_pairs[3]) == 0
        batch = group.sample()
        assert len(memoryview(batch.unreceived)) == 23
        assert memoryview(batch.status).tolist() == [GroupStatus.OK] * 23
        assert batch[0].connection_info is not None
        for sock in extra:
            group.remove(sock)
        assert list(group) == [loopback_pairs[3], loopback_pairs[1], loopback_pairs[2]]
    finally:
        for sock in extra:
            sock.close()


def test_a_view_keeps_the_storage_of_a_dropped_group_alive(
        loopback_pairs: list[socket.socket]) -> None:
    group = SamplerGroup(loopback_pairs)
    view = memoryview(group.sample().tcpi_snd_mss)
    expected_values = view.tolist()
    del group
    gc.collect()
    assert view.tolist() == expected_values          # still the group's memory, still alive
    view.release()


def test_members_added_since_the_last_sample_are_marked(
        loopback_pairs: list[socket.socket]) -> None:
    group = SamplerGroup(loopback_pairs[:1])
    assert group.current is None
    group.sample()
    group.add(loopback_pairs[1])
    batch = group.current
    assert batch is not None
    assert memoryview(batch.status).tolist() == [GroupStatus.OK, GroupStatus.NOT_SAMPLED]
    with pytest.raises(ValueError, match="after the last sample"):
        batch[1]
    group.sample()
    delta = group.delta()
    assert memoryview(delta.status).tolist() == [GroupStatus.OK, GroupStatus.NOT_SAMPLED]
    with pytest.raises(ValueError, match="two samples"):
        delta[1]


def test_remove_by_object_fd_or_a_closed_object() -> None:
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
    try:
        group = SamplerGroup([socks[0], socks[1].fileno(), socks[2]])
        assert socks[0] in group and socks[1] in group and socks[1].fileno() in group
        group.remove(socks[0].fileno())                # an object member, by its fd
        socks[2].close()
        group.remove(socks[2])                          # closed: found by identity
        group.remove(socks[1])                          # an fd member, by its object
        assert len(group) == 0 and list(group) == []
        with pytest.raises(KeyError):
            group.remove(socks[0])
    finally:
        for sock in socks:
            sock.close()


def test_bad_input_is_refused_and_leaves_the_group_as_it_was(
        loopback_pairs: list[socket.socket]) -> None:
    group = SamplerGroup(loopback_pairs[:2])
    read, write = os.pipe()
    try:
        with pytest.raises(TypeError):
            group.add("not an fd")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            group.add(True)
        with pytest.raises(ValueError):
            group.add(-1)
        with pytest.raises(OverflowError):
            group.add(2**40)
        with pytest.raises(OSError) as caught:
            group.add(read)
        assert caught.value.errno == errno.ENOTSOCK
        with pytest.raises(ValueError, match="already a member"):
            group.add(loopback_pairs[0].fileno())
        with pytest.raises(KeyError):
            group.remove(loopback_pairs[2])
        with pytest.raises(KeyError):
            group.index(12345)
        with pytest.raises(TypeError):
            group.remove("x")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            SamplerGroup(5)  # type: ignore[arg-type]
        with pytest.raises(OSError):
            SamplerGroup([loopback_pairs[2], read])
        assert list(group) == loopback_pairs[:2]
        with pytest.raises(ValueError, match="two samples"):
            group.delta()
        batch = group.sample()
        with pytest.raises(IndexError):
            batch[2]
        with pytest.raises(IndexError):
            batch[-1]
        assert memoryview(batch.status).tolist() == [GroupStatus.OK] * 2
    finally:
        os.close(read)
        os.close(write)


def test_objects_not_made_by_a_group_raise_instead_of_crashing() -> None:
    empty = SamplerGroup.__new__(SamplerGroup)
    assert len(empty) == 0 and len(memoryview(empty.sample().tcpi_rtt)) == 0
    for kind in (Column, GroupSample, GroupDelta):
        with pytest.raises(TypeError):
            kind()
    with pytest.raises(BufferError):
        memoryview(Column.__new__(Column))
    with pytest.raises(TypeError):
        GroupSample.__new__(GroupSample)[0]
    assert "0 members" in repr(GroupSample.__new__(GroupSample))
    with pytest.raises(TypeError):
        GroupDelta.__new__(GroupDelta)[0]


def test_nothing_is_picklable(loopback_pairs: list[socket.socket]) -> None:
    group = SamplerGroup(loopback_pairs[:1])
    batch = group.sample()
    for thing in (group, batch, batch.tcpi_rtt):
        with pytest.raises(TypeError, match="not picklable"):
            pickle.dumps(thing)


def test_columns_describe_themselves(loopback_pairs: list[socket.socket]) -> None:
    batch = SamplerGroup(loopback_pairs).sample()
    names = [column.name for column in batch.columns]
    assert all(getattr(batch, name) is column for name, column in zip(names, batch.columns))
    assert set(TCP_FIELDS) <= set(names)               # every tcp_info member is a column
    for column in batch.columns:
        view = memoryview(column)
        assert (view.format, view.itemsize, len(view)) == (column.format, column.itemsize, 6)
        assert view.ndim == 1 and view.c_contiguous
    assert batch.tcpi_rtt.unit == "microseconds" and batch.tcpi_rtt.end == 104
    # A 7.0 member is absent before 7.0 whatever the length.
    release = tuple(int(part) for part in os.uname().release.split(".")[:2])
    assert (batch.tcpi_ecn_mode.end == 280) == (release >= (7, 0))
    assert "tcpi_rtt" in repr(batch.tcpi_rtt) and "6 members" in repr(batch)


def test_threads_share_a_group(loopback_pairs: list[socket.socket]) -> None:
    group = SamplerGroup(loopback_pairs[:4])
    group.sample()
    errors: list[BaseException] = []
    spare = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(4)]

    def sampling() -> None:
        try:
            for _ in range(2000):
                batch = group.sample()
                with memoryview(batch.tcpi_rtt):
                    pass
                group.delta()
        except BaseException as error:      # a BufferError from add() is the other thread's
            errors.append(error)

    def churning() -> None:
        for _ in range(500):
            for sock in spare:
                try:
                    group.add(sock)
                except (BufferError, ValueError):
                    pass  # viewed; or still a member, its remove() having met a view
            for sock in spare:
                try:
                    group.remove(sock)
                except (BufferError, KeyError):
                    pass

    threads = [threading.Thread(target=sampling) for _ in range(3)]
    threads.append(threading.Thread(target=churning))
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        for sock in spare:
            if sock in group:
                group.remove(sock)
        assert list(group) == loopback_pairs[:4]
        assert memoryview(group.sample().status).tolist() == [GroupStatus.OK] * 4
    finally:
        for sock in spare:
            sock.close()
