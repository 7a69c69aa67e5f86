"""Per-connection socket figures for Prometheus (the ``socketstat[prometheus]`` extra).

``SocketCollector`` is a prometheus_client collector: on each scrape it reads the sockets an
application registered (``socketstat(fd)`` each), or lists sockets (``sockets(kind, **filters)``,
e.g. ``pid=os.getpid()`` for all of this process's), and exposes one series per connection::

    from prometheus_client import REGISTRY, start_http_server
    from socketstat.prometheus import SocketCollector

    collector = SocketCollector()            # or SocketCollector(listings=[{"pid": os.getpid()}])
    REGISTRY.register(collector)
    collector.add(sock)                      # a socket, an fd, a StreamWriter...
    start_http_server(9101, addr="127.0.0.1")

Names follow Prometheus' conventions: base units (bytes, seconds), ``_total`` for counters.
Labels are bounded: ``local_port``, ``peer_address``, ``peer_port``, ``state`` (no addresses of
the local end, no pid, no cookie). At most ``max_series`` connections are exposed per scrape,
those with the most bytes queued first; the others are counted in
``socketstat_connections_dropped``, and every connection in ``socketstat_connections`` by state,
so totals stay right when series are dropped.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Iterable, Iterator

# Listing every socket (sockets()) is Linux's and macOS's: refused plainly on Windows, and this
# module's types are checked for those platforms only (the assert: mypy skips the rest of the
# module under --platform win32).
if sys.platform == "win32":
    raise ImportError("socketstat.prometheus lists sockets with sockets(), which Windows lacks; on "
                      "Windows socketstat has socketstat(), tcp_info() and Sampler")
assert sys.platform != "win32"

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from socketstat import SocketStat, socketstat, sockets
from socketstat._contract import Socketlike
from socketstat._query import parse

# parse()'s arguments as sockets()'s defaults give them.
_QUERY_DEFAULTS: dict[str, Any] = dict(
    states=None, local_port=None, remote_port=None, local_address=None, remote_address=None,
    pid=None, processes=False, details=False, netns=None)

LABELS = ("local_port", "peer_address", "peer_port", "state")

# (name, documentation, unit or "", the figure from a record, kind): gauges are figures now,
# counters only grow over a connection's life (bytes, retransmitted segments).
_FIGURES: tuple[tuple[str, str, str, Any, str], ...] = (
    ("unreceived", "Bytes received and not yet read by the application", "bytes",
     lambda stat, info: stat.unreceived, "gauge"),
    ("unsent", "Bytes written and not yet acknowledged by the peer", "bytes",
     lambda stat, info: stat.unsent, "gauge"),
    ("rtt", "Smoothed round-trip time", "seconds", lambda stat, info: info and info.rtt, "gauge"),
    ("rtt_variance", "Round-trip time variation", "seconds",
     lambda stat, info: info and info.rtt_variance, "gauge"),
    ("rto", "Retransmission timeout", "seconds", lambda stat, info: info and info.rto, "gauge"),
    ("congestion_window", "Congestion window", "bytes",
     lambda stat, info: info and info.congestion_window, "gauge"),
    ("sent", "Bytes sent over the connection's life, retransmissions included", "bytes",
     lambda stat, info: info and info.bytes_sent, "counter"),
    ("received", "Bytes received over the connection's life", "bytes",
     lambda stat, info: info and info.bytes_received, "counter"),
    ("acked", "Bytes the peer acknowledged over the connection's life", "bytes",
     lambda stat, info: info and info.bytes_acked, "counter"),
    ("retransmitted_segments", "Segments retransmitted over the connection's life", "",
     lambda stat, info: info and info.retransmissions, "counter"),
)


class SocketCollector(Collector):
    """Reads its sockets at every scrape and yields their figures as metric families.

    ``socks``: sockets to follow (anything ``socketstat()`` takes; ``add()``/``remove()`` later).
    ``listings``: instead, or as well, the keyword arguments of ``sockets()`` calls made at each
    scrape (``[{"pid": os.getpid()}]``: every TCP socket of this process; ``kind`` defaults to
    ``"tcp"``), checked here as ``sockets()`` checks them. ``max_series``: the most connections exposed per scrape. ``namespace``: the
    metric names' prefix. A registered socket that was closed is dropped at the next scrape.
    """

    def __init__(self, socks: Iterable[Socketlike] = (), *,
                 listings: Iterable[dict[str, Any]] = (), max_series: int = 1000,
                 namespace: str = "socketstat") -> None:
        if isinstance(max_series, bool) or not isinstance(max_series, int) or max_series < 0:
            raise ValueError(f"max_series must be an int >= 0, not {max_series!r}")
        self._lock = threading.Lock()
        self._socks: list[Socketlike] = list(socks)
        self._listings = [{"kind": "tcp", **listing} for listing in listings]
        for listing in self._listings:
            arguments = dict(listing)
            parse(arguments.pop("kind"), **_QUERY_DEFAULTS | arguments)
        self._max_series = max_series
        self._namespace = namespace

    def add(self, sock: Socketlike) -> None:
        with self._lock:
            self._socks.append(sock)

    def remove(self, sock: Socketlike) -> None:
        """Stop following ``sock``; ValueError if it was not added."""
        with self._lock:
            self._socks.remove(sock)

    def _records(self) -> list[SocketStat]:
        with self._lock:
            socks = list(self._socks)
        records = []
        gone = []
        for sock in socks:
            try:
                records.append(socketstat(sock))
            except (OSError, ValueError):
                gone.append(sock)  # closed since it was added: its series end here
        if gone:
            with self._lock:
                self._socks = [sock for sock in self._socks if sock not in gone]
        for listing in self._listings:
            arguments = dict(listing)
            records.extend(sockets(arguments.pop("kind"), **arguments))
        return records

    def collect(self) -> Iterator[Metric]:
        records = self._records()
        prefix = self._namespace
        states = GaugeMetricFamily(f"{prefix}_connections", "Connections read, by state",
                                   labels=("state",))
        by_state: dict[str, int] = {}
        for stat in records:
            name = stat.state.name if stat.state is not None else "NONE"
            by_state[name] = by_state.get(name, 0) + 1
        for name, count in sorted(by_state.items()):
            states.add_metric((name,), count)
        yield states
        # The connections with the most bytes queued first: those are the ones worth a series.
        records.sort(key=lambda stat: (stat.unsent or 0) + (stat.unreceived or 0), reverse=True)
        kept, dropped = records[:self._max_series], len(records) - self._max_series
        yield GaugeMetricFamily(f"{prefix}_connections_dropped",
                                f"Connections read but not exposed (over max_series="
                                f"{self._max_series})", value=max(dropped, 0))
        families = []
        for name, documentation, unit, _, kind in _FIGURES:
            family_class = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            families.append(family_class(f"{prefix}_{name}", documentation, labels=LABELS,
                                         unit=unit))
        for stat in kept:
            labels = _labels(stat)
            info = stat.connection_info
            for family, (_, _, _, figure, _) in zip(families, _FIGURES):
                value = figure(stat, info)
                if value is not None:
                    family.add_metric(labels, value)
        yield from families


def _labels(stat: SocketStat) -> tuple[str, str, str, str]:
    identity = stat.socket_info
    local, remote = identity.local_address, identity.remote_address
    local_port = str(local[1]) if isinstance(local, tuple) else ""
    peer_address, peer_port = ("", "")
    if isinstance(remote, tuple):
        peer_address, peer_port = remote[0], str(remote[1])
    elif isinstance(remote, str):
        peer_address = remote  # a Unix socket's peer path
    return (local_port, peer_address, peer_port,
            stat.state.name if stat.state is not None else "")
