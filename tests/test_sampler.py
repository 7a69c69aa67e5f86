"""Sampler: the values socketstat() reports, re-read into storage allocated up front."""

from __future__ import annotations

import socket
import sys
import time
import tracemalloc

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("Sampler, Linux only for now", allow_module_level=True)

from conftest import fill_until_blocked, settle, tcp_connection
from socketstat import Sampler, SocketChangedError, TcpInfo, socketstat


# Members that move with the clock between two reads of an idle connection.
MOVING = {"tcpi_last_data_sent", "tcpi_last_data_recv", "tcpi_last_ack_recv", "tcpi_pacing_rate",
          "tcpi_busy_time", "tcpi_rwnd_limited", "tcpi_sndbuf_limited", "tcpi_rto", "tcpi_ato"}


def comparable(stat_like: object) -> dict[str, object]:
    info = getattr(stat_like, "connection_info")
    values = {name: getattr(stat_like, name) for name in ("unreceived", "unsent", "not_yet_sent")}
    if info is not None:
        values.update({name: getattr(info, name) for name in TcpInfo._fields if name not in MOVING})
    return values


def test_sample_equals_socketstat_for_the_same_moment(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family, receive_buffer=16384)
    with listener, client, server:
        fill_until_blocked(client)
        for sock in (client, server, listener):
            sampler = Sampler(sock)
            sample, stat = settle(lambda: (comparable(sampler.sample()), comparable(socketstat(sock))))
            assert sample == stat
            assert sampler.socket_info.local_address == sock.getsockname()


def test_sampler_on_udp_and_unix() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"k" * 321)
        sampler = Sampler(right)
        sample = sampler.sample()
        assert (sample.unreceived, sample.connection_info, sample.not_yet_sent) == (321, None, None)
        sampler.sample()
        with pytest.raises(ValueError, match="TCP"):
            sampler.delta()


def test_sample_allocates_nothing() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        client.sendall(b"x" * 10000)
        sampler = Sampler(client)
        for _ in range(100):
            sampler.sample()
        sample = sampler.sample
        tracemalloc.start()
        try:
            before = tracemalloc.take_snapshot()
            for _ in range(10000):
                sample()
            after = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
        grown = [stat for stat in after.compare_to(before, "filename") if stat.count_diff > 0
                 and "tracemalloc" not in str(stat.traceback)]
        # Not one block per sample: at most a handful from the interpreter itself.
        assert sum(stat.count_diff for stat in grown) < 10, grown


def test_samples_alternate_between_two_preallocated_records() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        sampler = Sampler(client)
        assert sampler.current is None and sampler.previous is None
        first = sampler.sample()
        second = sampler.sample()
        third = sampler.sample()
        assert third is first and second is not first
        assert third.connection_info is first.connection_info  # refilled in place, not replaced
        assert sampler.current is third and sampler.previous is second
        assert third.monotonic >= second.monotonic


def test_delta_counts_what_crossed_the_connection() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        sampler = Sampler(client)
        before = time.monotonic()
        sampler.sample()
        with pytest.raises(ValueError):
            sampler.delta()
        client.sendall(b"d" * 50000)
        received = 0
        while received < 50000:
            received += len(server.recv(65536))
        server.sendall(b"r" * 777)
        assert len(client.recv(1000)) == 777
        settle(lambda: socketstat(client).connection_info.tcpi_bytes_acked)  # type: ignore[union-attr]
        sampler.sample()
        after = time.monotonic()
        delta = sampler.delta()
        assert delta.bytes_acked == 50000
        assert delta.bytes_sent == 50000 + delta.bytes_retransmitted
        assert delta.bytes_received == 777
        assert 0 < delta.elapsed <= after - before
        assert delta.delivery_rate == pytest.approx(50000 / delta.elapsed)
        assert delta.segments_out > 0 and delta.segments_in > 0
        assert delta.to_dict()["bytes_acked"] == 50000


def test_closed_fd_under_a_sampler_is_ebadf() -> None:
    sock = socket.socket()
    sampler = Sampler(sock.fileno())
    sampler.sample()
    sock.close()
    with pytest.raises(OSError, match="TCP_INFO") as caught:
        sampler.sample()
    assert caught.value.errno == 9


def test_an_uninitialised_sampler_raises_instead_of_crashing() -> None:
    sampler = Sampler.__new__(Sampler)
    with pytest.raises(TypeError, match="Sampler\\(fd\\)"):
        sampler.sample()
    with pytest.raises(ValueError):
        sampler.delta()


def test_delta_refuses_counters_from_another_socket_on_a_reused_fd() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, server:
        client.sendall(b"x" * 100000)
        received = 0
        while received < 100000:
            received += len(server.recv(65536))
        settle(lambda: socketstat(client).connection_info.tcpi_bytes_acked)  # type: ignore[union-attr]
        fd = client.fileno()
        sampler = Sampler(fd)
        sampler.sample()
        client.close()
        # A new connection takes the lowest free fd number: the sampled one.
        fresh = socket.create_connection(listener.getsockname())
        try:
            assert fresh.fileno() == fd
            sampler.sample()
            with pytest.raises(SocketChangedError, match="counter went backwards"):
                sampler.delta()
        finally:
            fresh.close()
