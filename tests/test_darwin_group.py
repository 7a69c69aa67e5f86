"""SamplerGroup on macOS: its columns against Sampler and socketstat(fd) read at the same
moment, deltas against known transfers, the columns macOS lacks, per-member errors. Runs on a Mac
only; test_typing_darwin.py type-checks it everywhere. What the group shares with Linux
(membership, views, resizing) is tested by test_group.py on Linux through the same code
(socketstat/_group.pxi)."""

from __future__ import annotations

import math
import socket
import sys

import pytest

if sys.platform != "darwin":
    pytest.skip("the macOS backend runs on macOS only", allow_module_level=True)

from conftest import settle, tcp_connection  # noqa: E402
from socketstat import SocketChangedError, socketstat  # noqa: E402
from socketstat._darwin import (  # noqa: E402
    Column, GroupStatus, Sampler, SamplerGroup, TcpConnectionInfo,
)


def _column(column: Column) -> list[int]:
    values: list[int] = memoryview(column).tolist()
    return values


def test_columns_equal_the_sampler_and_socketstat() -> None:
    client, server, listener = tcp_connection(socket.AF_INET)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    unix_a, unix_b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with client, server, listener, udp, unix_a, unix_b:
        udp.bind(("127.0.0.1", 0))
        client.sendall(b"x" * 1000)
        unix_b.sendall(b"y" * 300)
        settle(lambda: socketstat(server).unreceived == 1000 or None)
        group = SamplerGroup([client, server, udp, unix_a])
        sample = group.sample()
        assert _column(sample.status) == [GroupStatus.OK] * 4
        assert _column(sample.unreceived) == [0, 1000, 0, 300]
        assert _column(sample.has_unsent) == [1, 1, 1, 0]
        assert _column(sample.unsent)[3] == 0
        assert sample[3].unsent is None
        assert _column(sample.length)[2:] == [0, 0]
        for index, sock in enumerate((client, server)):
            info = sample[index].connection_info
            assert isinstance(info, TcpConnectionInfo)
            assert info.length == _column(sample.length)[index] == 112
            assert _column(sample.tcpi_txbytes)[index] == info.tcpi_txbytes
            assert _column(sample.tcpi_state)[index] == info.tcpi_state
            single = Sampler(sock).sample().connection_info
            assert single is not None and single.tcpi_rxbytes == info.tcpi_rxbytes
        assert sample.columns[-1].end == 112


def test_delta_counts_the_transfer_and_lacks_what_macos_does_not_count() -> None:
    client, server, listener = tcp_connection(socket.AF_INET)
    with client, server, listener:
        group = SamplerGroup([client, server])
        group.sample()
        client.sendall(b"z" * 5000)
        settle(lambda: socketstat(server).unreceived == 5000 or None)
        group.sample()
        delta = group.delta()
        assert _column(delta.status) == [GroupStatus.OK, GroupStatus.OK]
        assert _column(delta.bytes_sent)[0] == 5000
        assert _column(delta.bytes_received)[1] == 5000
        assert _column(delta.length) == [112, 112]
        assert delta.bytes_acked is None and delta.delivery_rate is None
        record = delta[0]
        assert record.bytes_sent == 5000 and record.bytes_acked is None
        assert record.segments_retransmitted == 0


def test_a_closed_member_is_marked_and_the_others_are_read() -> None:
    client, server, listener = tcp_connection(socket.AF_INET)
    with client, server, listener:
        spare = socket.socket()
        group = SamplerGroup([client, spare.fileno()])
        spare.close()
        sample = group.sample()
        assert _column(sample.status) == [GroupStatus.OK, GroupStatus.FAILED]
        with pytest.raises(OSError, match="TCP_CONNECTION_INFO"):
            sample[1]
        group.sample()
        assert math.isnan(memoryview(group.delta().elapsed)[1])


def test_a_reused_fd_is_marked_changed() -> None:
    client, server, listener = tcp_connection(socket.AF_INET)
    with client, server, listener:
        first, first_server, first_listener = tcp_connection(socket.AF_INET)
        number = first.fileno()
        group = SamplerGroup([number])
        group.sample()
        first.close()
        first_server.close()
        first_listener.close()
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with udp:
            if udp.fileno() != number:
                pytest.skip("the fd number was not reused")
            assert _column(group.sample().status) == [GroupStatus.CHANGED]
            current = group.current
            assert current is not None
            with pytest.raises(SocketChangedError):
                current[0]
