"""The Prometheus exporter, scraped over HTTP on loopback as Prometheus would scrape it, the
exposition parsed with prometheus_client's own parser and the values compared with
socketstat(fd) read at the same moment (the connections are settled: nothing in flight)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import prometheus_client  # the test extra installs it, as socketstat[prometheus] does
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cli_helpers import COMMAND
from conftest import settle, tcp_connection
from socketstat import socketstat
from socketstat.prometheus import SocketCollector

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the scrape is checked against a Linux listing")

SENT = 5000  # bytes the client sends and the server leaves unread


def scrape(url: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """name -> {sorted labels: value}, from the text exposition format."""
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    series: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            series.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return series


def labels_of(sock: socket.socket) -> tuple[tuple[str, str], ...]:
    peer = sock.getpeername()
    return tuple(sorted({"local_port": str(sock.getsockname()[1]), "peer_address": peer[0],
                         "peer_port": str(peer[1]), "state": "ESTABLISHED"}.items()))


@pytest.fixture
def served() -> Iterator[tuple[Any, SocketCollector, str]]:
    registry = prometheus_client.CollectorRegistry()
    collector = SocketCollector()
    registry.register(collector)
    server, thread = prometheus_client.start_http_server(0, "127.0.0.1", registry)
    yield registry, collector, f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6], ids=["ipv4", "ipv6"])
def test_registered_sockets_scraped_over_http(served: Any, family: socket.AddressFamily) -> None:
    _, collector, url = served
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"x" * SENT)
        collector.add(client)
        collector.add(server)
        settle(lambda: (socketstat(server).unreceived, socketstat(client).unsent))
        series = scrape(url)
        for sock in (client, server):
            stat = socketstat(sock)
            info = stat.connection_info
            assert info is not None
            labels = labels_of(sock)
            assert series["socketstat_unreceived_bytes"][labels] == stat.unreceived
            assert series["socketstat_unsent_bytes"][labels] == stat.unsent
            assert series["socketstat_sent_bytes_total"][labels] == info.bytes_sent
            assert series["socketstat_received_bytes_total"][labels] == info.bytes_received
            assert series["socketstat_acked_bytes_total"][labels] == info.bytes_acked
            assert series["socketstat_retransmitted_segments_total"][labels] == \
                info.retransmissions
            assert series["socketstat_congestion_window_bytes"][labels] == \
                info.congestion_window
            assert series["socketstat_rto_seconds"][labels] == pytest.approx(info.rto)
            assert series["socketstat_rtt_seconds"][labels] > 0
        assert series["socketstat_unreceived_bytes"][labels_of(server)] == SENT
        assert series["socketstat_connections"][(("state", "ESTABLISHED"),)] == 2
        assert series["socketstat_connections_dropped"][()] == 0
        # A socket closed since it was added: its series end, the scrape goes on.
        collector.remove(client)
    series = scrape(url)
    # The server end was closed too: nothing left to read, no series (a family without samples
    # is not in the exposition at all).
    assert "socketstat_connections" not in series and "socketstat_unsent_bytes" not in series
    assert series["socketstat_connections_dropped"][()] == 0


def test_series_are_bounded_and_the_rest_counted(served: Any) -> None:
    registry, collector, url = served
    collector._max_series = 1
    pairs = [tcp_connection(socket.AF_INET) for _ in range(3)]
    try:
        for index, (_, client, server) in enumerate(pairs):
            client.sendall(b"y" * (1000 * (index + 1)))
            collector.add(server)
        settle(lambda: [socketstat(server).unreceived for _, _, server in pairs])
        series = scrape(url)
        # The connection with the most bytes queued is the one kept.
        assert list(series["socketstat_unreceived_bytes"].values()) == [3000]
        assert series["socketstat_connections_dropped"][()] == 2
        assert series["socketstat_connections"][(("state", "ESTABLISHED"),)] == 3
    finally:
        for trio in pairs:
            for sock in trio:
                sock.close()


def test_a_listing_of_this_process(served: Any) -> None:
    registry = prometheus_client.CollectorRegistry()
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        client.sendall(b"z" * SENT)
        registry.register(SocketCollector(listings=[{"pid": os.getpid(),
                                                     "local_address": "127.0.0.0/8"}]))
        settle(lambda: socketstat(server).unreceived)
        text = prometheus_client.generate_latest(registry).decode()
        series = {s.name: s for f in text_string_to_metric_families(text) for s in f.samples
                  if s.labels.get("local_port") == str(server.getsockname()[1])
                  and s.labels.get("peer_port") == str(client.getsockname()[1])}
        assert series["socketstat_unreceived_bytes"].value == SENT


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="max_series"):
        SocketCollector(max_series=-1)
    with pytest.raises(ValueError, match="kind"):
        SocketCollector(listings=[{"kind": "carrier pigeon"}])
    with pytest.raises(TypeError):
        SocketCollector(listings=[{"no_such_filter": 1}])


def test_export_command_serves_a_listing() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        client.sendall(b"w" * SENT)
        port = server.getsockname()[1]
        command = subprocess.Popen(
            [COMMAND, "export", "--listen", "127.0.0.1:0", "-t", "--sport", str(port)],
            stderr=subprocess.PIPE, text=True, cwd="/")
        try:
            assert command.stderr is not None
            line = command.stderr.readline()
            match = re.search(r"serving (http://\S+/metrics)", line)
            assert match, line
            settle(lambda: socketstat(server).unreceived)
            series = scrape(match.group(1))
            assert series["socketstat_unreceived_bytes"] == {labels_of(server): SENT}
        finally:
            command.terminate()
            command.wait(10)
            if command.stderr is not None:
                command.stderr.close()


def test_export_usage_errors() -> None:
    for arguments, message in ((["export"], "--listen"),
                               (["export", "--listen", "nowhere"], "invalid address"),
                               (["export", "--listen", "127.0.0.1:1", "--json"], "exporter")):
        result = subprocess.run([COMMAND, *arguments], capture_output=True, text=True,
                                cwd="/", timeout=60)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
