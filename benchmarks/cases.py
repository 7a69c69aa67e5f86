"""What is timed: socketstat's paths, what people write today, psutil, and the floor for each.

Each case is a factory for a batch function ``run(n) -> elapsed ns``: a plain ``for`` loop over
``itertools.repeat`` (as timeit does) around ``n`` calls, timed with ``time.perf_counter_ns``
(CLOCK_MONOTONIC, the clock the C floor reads). The loop's own cost is measured as its own row.
"""

from __future__ import annotations

import fcntl
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from time import perf_counter_ns
from types import ModuleType
from typing import TYPE_CHECKING, Any

from benchmarks import floor
from benchmarks.installed import InstalledSocketstat, SocketstatFunction
from benchmarks.sockets import SocketKind

if TYPE_CHECKING:
    from socketstat import Sampler

Batch = Callable[[int], int]

# <linux/sockios.h>: SIOCINQ = FIONREAD, SIOCOUTQ = TIOCOUTQ.
SIOCINQ = 0x541B
SIOCOUTQ = 0x5411
TCP_INFO = getattr(socket, "TCP_INFO", 11)


@dataclass
class Floor:
    """One C loop: a syscall path on one socket kind."""
    key: str            # "snapshot/tcp4"
    path: int           # floor.SNAPSHOT, ...
    kind: str           # "tcp4"
    label: str


@dataclass
class Case:
    key: str            # "socketstat/tcp4"
    label: str          # what the row shows
    kind: str           # socket kind
    floor: str | None   # Floor.key
    make: Callable[[], Batch]
    target: float | None = None     # the ratio to the floor we aim for (reported, not asserted)
    note: str = ""


# ---------------------------------------------------------------------------------------------
# socketstat

def _socketstat(function: SocketstatFunction, fd: int) -> Batch:
    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            function(fd)
        return perf_counter_ns() - start
    return run


def _socketstat_object(function: SocketstatFunction, sock: socket.socket) -> Batch:
    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            function(sock)
        return perf_counter_ns() - start
    return run


def _socketstat_details(function: SocketstatFunction, fd: int) -> Batch:
    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            function(fd, details=True)
        return perf_counter_ns() - start
    return run


def _socketstat_fields(function: SocketstatFunction, fd: int) -> Batch:
    """A monitoring loop's usual reads: the queues, RTT, cwnd, retransmissions. connection_info is
    None for a socket that is not TCP, so typed code checks it first, and so does this loop."""
    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            stat = function(fd)
            info = stat.connection_info
            if info is not None:
                (stat.unreceived, stat.unsent, info.tcpi_rtt, info.tcpi_snd_cwnd,
                 info.tcpi_total_retrans)
        return perf_counter_ns() - start
    return run


def _socketstat_dumped(function: SocketstatFunction, fd: int, as_json: bool) -> Batch:
    # Two loops rather than a method looked up per call: the loop is what is measured.
    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        if as_json:
            for _ in calls:
                function(fd).to_json()
        else:
            for _ in calls:
                function(fd).to_dict()
        return perf_counter_ns() - start
    return run


def _tcp_info(function: Callable[[int], object], fd: int) -> Batch:
    function(fd)

    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            function(fd)
        return perf_counter_ns() - start
    return run


def _sampler(sampler_class: type[Sampler], fd: int) -> Batch:
    sample = sampler_class(fd).sample
    sample()

    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            sample()
        return perf_counter_ns() - start
    return run


def _ctypes_snapshot(function: Callable[[int, int, int], int], fd: int) -> Batch:
    """One floor iteration per ctypes call: CDLL releases the GIL around it, PyDLL does not."""
    path = floor.SNAPSHOT

    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            function(path, fd, 1)
        return perf_counter_ns() - start
    return run


def _loop_only() -> Batch:
    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            pass
        return perf_counter_ns() - start
    return run


# ---------------------------------------------------------------------------------------------
# What people write today: getsockopt(TCP_INFO) + struct.unpack + fcntl.ioctl + getsockname/peername

# struct tcp_info (include/uapi/linux/tcp.h, 6.18), member by member; the two bitfield bytes are
# unpacked whole and split afterwards, as hand-written code does.
TCP_INFO_MEMBERS: list[tuple[str, str]] = (
    [(name, "B") for name in ("tcpi_state", "tcpi_ca_state", "tcpi_retransmits", "tcpi_probes",
                              "tcpi_backoff", "tcpi_options", "tcpi_wscale", "tcpi_flags")]
    + [(name, "I") for name in (
        "tcpi_rto", "tcpi_ato", "tcpi_snd_mss", "tcpi_rcv_mss", "tcpi_unacked", "tcpi_sacked",
        "tcpi_lost", "tcpi_retrans", "tcpi_fackets", "tcpi_last_data_sent", "tcpi_last_ack_sent",
        "tcpi_last_data_recv", "tcpi_last_ack_recv", "tcpi_pmtu", "tcpi_rcv_ssthresh", "tcpi_rtt",
        "tcpi_rttvar", "tcpi_snd_ssthresh", "tcpi_snd_cwnd", "tcpi_advmss", "tcpi_reordering",
        "tcpi_rcv_rtt", "tcpi_rcv_space", "tcpi_total_retrans")]
    + [(name, "Q") for name in ("tcpi_pacing_rate", "tcpi_max_pacing_rate", "tcpi_bytes_acked",
                                "tcpi_bytes_received")]
    + [(name, "I") for name in ("tcpi_segs_out", "tcpi_segs_in", "tcpi_notsent_bytes",
                                "tcpi_min_rtt", "tcpi_data_segs_in", "tcpi_data_segs_out")]
    + [(name, "Q") for name in ("tcpi_delivery_rate", "tcpi_busy_time", "tcpi_rwnd_limited",
                                "tcpi_sndbuf_limited")]
    + [("tcpi_delivered", "I"), ("tcpi_delivered_ce", "I"), ("tcpi_bytes_sent", "Q"),
       ("tcpi_bytes_retrans", "Q"), ("tcpi_dsack_dups", "I"), ("tcpi_reord_seen", "I"),
       ("tcpi_rcv_ooopack", "I"), ("tcpi_snd_wnd", "I"), ("tcpi_rcv_wnd", "I"),
       ("tcpi_rehash", "I"), ("tcpi_total_rto", "H"), ("tcpi_total_rto_recoveries", "H"),
       ("tcpi_total_rto_time", "I")]
    + [(name, "I") for name in ("tcpi_received_ce", "tcpi_delivered_e1_bytes",
                                "tcpi_delivered_e0_bytes", "tcpi_delivered_ce_bytes",
                                "tcpi_received_e1_bytes", "tcpi_received_e0_bytes",
                                "tcpi_received_ce_bytes")]
    + [("tcpi_accecn_fail_mode", "H"), ("tcpi_accecn_opt_seen", "H")]
)
TCP_INFO_SIZE = 280
assert struct.calcsize("=" + "".join(code for _, code in TCP_INFO_MEMBERS)) == TCP_INFO_SIZE


def tcp_info_struct(kernel_length: int) -> tuple[struct.Struct, tuple[str, ...]]:
    """The longest member prefix the kernel fills: careful hand-written code does this once."""
    names: list[str] = []
    codes = "="
    for name, code in TCP_INFO_MEMBERS:
        if struct.calcsize(codes + code) > kernel_length:
            break
        names.append(name)
        codes += code
    return struct.Struct(codes), tuple(names)


def handrolled_parts(sock: socket.socket) -> tuple[Callable[[], dict[str, Any]],
                                                   Callable[[], dict[str, Any]]]:
    """The full read and the TCP_INFO-only read, as people write them today."""
    getsockopt = sock.getsockopt
    kernel_length = len(getsockopt(socket.IPPROTO_TCP, TCP_INFO, TCP_INFO_SIZE))
    layout, names = tcp_info_struct(kernel_length)
    unpack = layout.unpack_from
    integer = struct.Struct("i").unpack
    zero = bytes(4)
    ioctl = fcntl.ioctl

    def read_tcp_info() -> dict[str, Any]:
        info = dict(zip(names, unpack(getsockopt(socket.IPPROTO_TCP, TCP_INFO, TCP_INFO_SIZE))))
        wscale = info.pop("tcpi_wscale")
        info["tcpi_snd_wscale"] = wscale & 0xF
        info["tcpi_rcv_wscale"] = wscale >> 4
        return info

    def read_all() -> dict[str, Any]:
        info = read_tcp_info()
        return {
            "unreceived": integer(ioctl(sock, SIOCINQ, zero))[0],
            "unsent": integer(ioctl(sock, SIOCOUTQ, zero))[0],
            "not_yet_sent": info.get("tcpi_notsent_bytes"),
            "connection_info": info,
            "local_address": sock.getsockname(),
            "remote_address": sock.getpeername(),
        }
    return read_all, read_tcp_info


def _handrolled_batch(function: Callable[[], dict[str, Any]]) -> Batch:
    function()

    def run(n: int) -> int:
        calls = repeat(None, n)
        start = perf_counter_ns()
        for _ in calls:
            function()
        return perf_counter_ns() - start
    return run


# ---------------------------------------------------------------------------------------------
# psutil

def psutil_lookup(psutil: ModuleType, sock: socket.socket) -> Callable[[], tuple[Any, Any, Any]]:
    """The same socket's state and addresses, found among this process's TCP connections."""
    process = psutil.Process()
    connections = getattr(process, "net_connections", None) or process.connections
    local = sock.getsockname()[:2]

    def lookup() -> tuple[Any, Any, Any]:
        for connection in connections(kind="tcp"):
            if tuple(connection.laddr) == local:
                return connection.status, connection.laddr, connection.raddr
        raise LookupError(f"psutil did not list the socket bound to {local}")
    lookup()
    return lookup


# ---------------------------------------------------------------------------------------------

def floors(kinds: dict[str, SocketKind]) -> dict[str, Floor]:
    wanted = [
        ("snapshot/tcp4", floor.SNAPSHOT, "tcp4", "SO_PROTOCOL, getsockname, TCP_INFO, SIOCINQ, SIOCOUTQ, getpeername"),
        ("snapshot/tcp6", floor.SNAPSHOT, "tcp6", "same as snapshot/tcp4"),
        ("snapshot/udp4", floor.SNAPSHOT, "udp4", "SO_PROTOCOL, getsockname, SO_TYPE, SIOCINQ, SIOCOUTQ, getpeername"),
        ("snapshot/unix_stream", floor.SNAPSHOT, "unix_stream", "same as snapshot/udp4"),
        ("snapshot_details/tcp4", floor.SNAPSHOT_DETAILS, "tcp4", "snapshot + SO_COOKIE, SO_MEMINFO, fstat, TCP_CONGESTION"),
        ("tcp_info/tcp4", floor.TCP_INFO, "tcp4", "TCP_INFO"),
        ("sampler/tcp4", floor.SAMPLER, "tcp4", "TCP_INFO, SIOCINQ, SIOCOUTQ + clock_gettime (vDSO)"),
    ]
    return {key: Floor(key, path, kind, label) for key, path, kind, label in wanted if kind in kinds}


def cases(api: InstalledSocketstat, kinds: dict[str, SocketKind], psutil: ModuleType | None,
          psutil_note: str, library: floor.FloorLibrary | None = None
          ) -> tuple[list[Case], dict[str, str]]:
    """The cases this machine and this build can run, and the others with the reason."""
    found: list[Case] = []
    skipped: dict[str, str] = {}

    def add(key: str, label: str, kind: str, floor_key: str | None, make: Callable[[], Batch],
            target: float | None = None, note: str = "") -> None:
        if kind not in kinds:
            skipped[key] = f"no {kind} socket on this machine"
            return
        found.append(Case(key, label, kind, floor_key, make, target, note))

    for kind in ("tcp4", "tcp6", "udp4", "unix_stream"):
        if kind not in kinds:
            skipped[f"socketstat/{kind}"] = f"no {kind} socket on this machine"
            continue
        fd = kinds[kind].fd
        add(f"socketstat/{kind}", "socketstat(fd)", kind, f"snapshot/{kind}",
            lambda fd=fd: _socketstat(api.socketstat, fd), 1.10)   # type: ignore[misc]
    if "tcp4" not in kinds:
        return found, skipped
    tcp4 = kinds["tcp4"]
    fd = tcp4.fd
    add("socketstat_details/tcp4", "socketstat(fd, details=True)", "tcp4",
        "snapshot_details/tcp4", lambda: _socketstat_details(api.socketstat, fd))
    add("socketstat_sock/tcp4", "socketstat(sock)", "tcp4", "snapshot/tcp4",
        lambda: _socketstat_object(api.socketstat, tcp4.sock),
        note="socket object: fileno() per call")
    add("socketstat_fields/tcp4", "socketstat(fd) + 5 fields", "tcp4", "snapshot/tcp4",
        lambda: _socketstat_fields(api.socketstat, fd),
        note="reads unreceived, unsent, tcpi_rtt, tcpi_snd_cwnd, tcpi_total_retrans "
             "(connection_info checked for None, as typed code must)")
    add("socketstat_to_dict/tcp4", "socketstat(fd).to_dict()", "tcp4", "snapshot/tcp4",
        lambda: _socketstat_dumped(api.socketstat, fd, False),
        note="every field decoded, like the hand-rolled dict")
    add("socketstat_to_json/tcp4", "socketstat(fd).to_json()", "tcp4", "snapshot/tcp4",
        lambda: _socketstat_dumped(api.socketstat, fd, True),
        note="the same data as JSON text, written from C")
    tcp_info, sampler_class = api.tcp_info, api.sampler_class
    if tcp_info is not None:
        add("tcp_info/tcp4", "socketstat.tcp_info(fd)", "tcp4", "tcp_info/tcp4",
            lambda: _tcp_info(tcp_info, fd))
    else:
        skipped["tcp_info/tcp4"] = "socketstat.tcp_info is not in this build"
    if sampler_class is not None:
        add("sampler/tcp4", "Sampler(fd).sample()", "tcp4", "sampler/tcp4",
            lambda: _sampler(sampler_class, fd), 1.05)
    else:
        skipped["sampler/tcp4"] = "socketstat.Sampler is not in this build"
    read_all, read_tcp_info = handrolled_parts(tcp4.sock)
    add("handrolled/tcp4", "stdlib getsockopt+struct+ioctl", "tcp4", "snapshot/tcp4",
        lambda: _handrolled_batch(read_all),
        note="what people write today; 5 syscalls (no SO_PROTOCOL), a dict of the same data")
    add("handrolled_tcp_info/tcp4", "stdlib getsockopt+struct (TCP_INFO)", "tcp4",
        "tcp_info/tcp4", lambda: _handrolled_batch(read_tcp_info),
        note="TCP_INFO alone into a dict, as people write it today")
    if psutil is None:
        skipped["psutil/tcp4"] = psutil_note
    else:
        try:
            lookup = psutil_lookup(psutil, tcp4.sock)
        except Exception as error:     # psutil.AccessDenied, LookupError...
            skipped["psutil/tcp4"] = f"psutil failed: {type(error).__name__}: {error}"
        else:
            add("psutil/tcp4", "psutil net_connections(kind='tcp')", "tcp4", "snapshot/tcp4",
                lambda: _handrolled_batch(lookup),   # type: ignore[arg-type]
                note=psutil_note)
    if library is not None:
        add("ctypes_released/tcp4", "ctypes floor call, GIL released", "tcp4", "snapshot/tcp4",
            lambda: _ctypes_snapshot(library.released.ssb_run, fd),
            note="ctypes.CDLL: one floor iteration per call; minus the next row: the GIL's price")
        add("ctypes_held/tcp4", "ctypes floor call, GIL held", "tcp4", "snapshot/tcp4",
            lambda: _ctypes_snapshot(library.held.ssb_run, fd),
            note="ctypes.PyDLL: the same call without releasing the GIL")
    add("loop/tcp4", "empty Python loop (per iteration)", "tcp4", None, _loop_only,
        note="the for-loop share of every Python row")
    return found, skipped
