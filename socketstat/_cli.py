"""The ``socketstat`` command: ss's job, with typed JSON, filters, per-connection rates and a live
view. Everything it lists comes from sockets() (and SocketsSampler for --watch); this module only
turns arguments into those calls and records into text or JSON.

    socketstat [options]           list sockets, like ss
    socketstat demo [options]      the loopback demonstration (socketstat._cli_demo)
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import json
import math
import os
import socket
import sys
import time
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple, NoReturn, Sequence, TextIO

from socketstat._common import AF_UNIX, TcpState
from socketstat._query import parse_network

# Each platform's names: mypy --platform linux and --platform darwin check the module under each.
if sys.platform == "darwin":
    from socketstat._darwin import Listing, SampleDelta, SocketStat, _json_text, sockets

    if TYPE_CHECKING:
        from socketstat._darwin import _Kind
else:
    from socketstat._linux import Listing, SampleDelta, SocketStat, _json_text, sockets

    if TYPE_CHECKING:
        from socketstat._linux import _Kind
from socketstat._watch import SocketsSample, SocketsSampler, identity

PROG = "socketstat"

EXAMPLES = """\
examples:
  socketstat                        established TCP connections (what `ss -t` shows)
  socketstat -tlp                   TCP listeners and the processes holding them
  socketstat -tuan                  every TCP and UDP socket, ports as numbers
  socketstat -ti --dport 443        tcp_info columns (rtt, cwnd, retransmits, rates) for :443 peers
  socketstat --state time-wait --dst 10.0.0.0/8
  socketstat -ta --json | jq '.[] | select(.unsent > 0)'
  socketstat -t --ndjson --pid 1234 one JSON object per line for process 1234's sockets
  socketstat --watch 1              live view (sortable; keys below)
  socketstat --watch 2 --count 5 --ndjson > rates.ndjson
  socketstat demo                   a loopback connection of its own, read both ways
  socketstat export --listen 127.0.0.1:9101 -t --sport 443
                                    serve those sockets' figures to Prometheus (an extra)

states (--state, repeatable, any case, '-' or '_'): established, syn-sent, syn-received
  (syn-recv), fin-wait-1, fin-wait-2, time-wait, closed (close, unconn), close-wait, last-ack,
  listen, closing; groups as in ss: all, connected (all but listen and closed), synchronized
  (connected but syn-sent), bucket (syn-received, time-wait), big (all but bucket).
  UDP, raw and Unix sockets count as established when connected, closed when not. A TCP
  socket that is bound but neither listening nor connecting (Linux 6.8+) is closed: shown by
  --state closed (and the groups holding it: all, big), not by -a or -l, as ss shows it only
  with -B.

columns: Recv-Q / Send-Q are bytes queued (TCP: unread / unacknowledged; a listener: accept
  queue / its limit). For UDP and raw sockets Recv-Q is the receive buffer memory the queued
  datagrams hold (receive_queue_memory), as ss shows it. Table figures are rounded for reading
  (1.2ms, 3.4MB/s); --json and --ndjson give the exact values, the keys of to_dict().

--watch: re-lists every SECONDS and shows, per connection (matched by its cookie), the rates
  since the previous listing: Send/s, Recv/s, Acked/s (bytes per second), Retr/s (segments
  retransmitted per second), RTT now; new connections are marked +, closed ones -. On a
  terminal this is a full-screen view; keys: < > (or left/right arrows) sort by the previous /
  next column, r reverses the order, q quits. Otherwise (or with --ndjson) it prints one JSON
  object per connection per refresh:
    {"refresh": N, "monotonic": T, "elapsed": S|null, "event": "new"|"update"|"closed",
     "socket": <to_dict()>, "delta": <SampleDelta.to_dict() + "retransmit_rate">|null}
  ("update" for every socket of the first refresh; "closed" also when a socket stops matching.)

macOS: the same listing from the kernel's pcblist_n tables. Empty there ("-"): Delivery (no
  delivery rate), the -m memory columns, Inode, Cookie and Cgroup of -e (Uid is shown), and every
  --watch rate but RTT (the tables have no byte or segment counters); Cwnd is in bytes (Linux:
  segments, as ss), -p shows the pid that last used the socket, "(pid)", a Unix socket's and its
  peer's ids are their hashed kernel addresses (Linux: inodes); --netns is Linux's.

exit status: 0 success; 1 with --exit-status when no socket matched; 2 bad usage or an error
  (unknown state, bad port or prefix, a netns that cannot be entered); 130 on Ctrl-C.
"""


class UsageError(Exception):
    """A user's mistake that only shows once the listing runs: one line, exit status 2."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse makes a formatter for every add_argument() and asks shutil for the terminal's
    width, and importing shutil (with the compression modules it imports) was ~8 ms of every
    command's start here: the same width, as shutil.get_terminal_size() reads it, without it."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: the mistake and where to read more.
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


# ---------------------------------------------------------------------------------------------
# Arguments

_STATE_NAMES: dict[str, frozenset[TcpState]] = {
    state.name.lower(): frozenset((state,)) for state in TcpState}
_STATE_NAMES.update({
    "estab": _STATE_NAMES["established"],
    "syn_recv": _STATE_NAMES["syn_received"],
    "syn_rcv": _STATE_NAMES["syn_received"],
    "close": _STATE_NAMES["closed"],
    "unconn": _STATE_NAMES["closed"],
    "fin_wait1": _STATE_NAMES["fin_wait_1"],
    "fin_wait2": _STATE_NAMES["fin_wait_2"],
})
_ALL = frozenset(TcpState)
_STATE_NAMES.update({
    "all": _ALL,
    "connected": _ALL - {TcpState.LISTEN, TcpState.CLOSED},
    "synchronized": _ALL - {TcpState.LISTEN, TcpState.CLOSED, TcpState.SYN_SENT},
    "bucket": frozenset((TcpState.SYN_RECEIVED, TcpState.TIME_WAIT)),
    "big": _ALL - {TcpState.SYN_RECEIVED, TcpState.TIME_WAIT},
})
# What ss lists when no state is asked for (its SS_CONN): neither listening nor closed sockets,
# and not the kernel's minisockets (TIME_WAIT, SYN_RECV request sockets) either.
DEFAULT_STATES = _ALL - {TcpState.LISTEN, TcpState.CLOSED, TcpState.TIME_WAIT,
                         TcpState.SYN_RECEIVED}
LISTENING_STATES = frozenset((TcpState.LISTEN, TcpState.CLOSED))
# ss -l shows unconnected UDP and raw sockets (CLOSED) but no bound-only TCP ones: asking TCP
# for CLOSED would also make the kernel walk its bind table for sockets not shown.
_TCP_LIKE = ("tcp", "mptcp")
_TCP_LISTENING_STATES = frozenset((TcpState.LISTEN,))


def _state(text: str) -> frozenset[TcpState]:
    states = _STATE_NAMES.get(text.strip().lower().replace("-", "_"))
    if states is None:
        raise argparse.ArgumentTypeError(
            f"unknown state {text!r}; one of {', '.join(sorted(_STATE_NAMES))}")
    return states


def _port(text: str) -> int:
    try:
        port = int(text, 10)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: a number from 0 to 65535")
    return port


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    address = text.strip()
    if address.startswith("[") and "]" in address:  # [::1] or [::1]/128, as ss prints them
        address = address[1:].replace("]", "", 1)
    try:
        return parse_network("address", address)  # sockets()'s own reading of it
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid address or prefix {text!r}: e.g. 10.0.0.0/8, 127.0.0.1, ::1, fd00::/8"
        ) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}: a whole number above 0")
    return value


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.05 <= value <= 86400:  # NaN fails too
        raise argparse.ArgumentTypeError(
            f"invalid interval {text!r}: seconds, from 0.05 to 86400")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, formatter_class=_Formatter, epilog=EXAMPLES,
        usage="%(prog)s [-tuxwM] [-46] [-l | -a] [-pimen] [filters] [-j | --ndjson] "
              "[--watch SECONDS [--count N]]\n       %(prog)s demo [--json] [--ipv6] [--bytes N]\n"
              "       %(prog)s export --listen HOST:PORT [what to list] [filters]",
        description="List the kernel's sockets as ss does, from socketstat.sockets(): a table, "
                    "or exact JSON (-j, --ndjson), or per-connection rates (--watch).")
    kinds = parser.add_argument_group("what to list (default: TCP)")
    kinds.add_argument("-t", "--tcp", action="store_true", help="TCP sockets")
    kinds.add_argument("-u", "--udp", action="store_true", help="UDP sockets")
    kinds.add_argument("-x", "--unix", action="store_true", help="Unix domain sockets")
    kinds.add_argument("-w", "--raw", action="store_true", help="raw sockets")
    kinds.add_argument("-M", "--mptcp", action="store_true", help="MPTCP sockets")
    kinds.add_argument("-4", "--ipv4", action="store_true", help="IPv4 sockets only")
    kinds.add_argument("-6", "--ipv6", action="store_true", help="IPv6 sockets only")
    states = parser.add_argument_group(
        "states (default: connected ones, as ss: not listening, closed, TIME_WAIT or SYN_RECV)")
    which = states.add_mutually_exclusive_group()
    which.add_argument("-l", "--listening", action="store_true",
                       help="listening sockets only (and unconnected UDP/raw/Unix ones)")
    which.add_argument("-a", "--all", action="store_true", help="sockets in every state (as ss -a: no bound-only TCP ones)")
    states.add_argument("--state", metavar="STATE", action="append", type=_state, default=[],
                        help="only this state or group (repeatable; replaces -l/-a)")
    filters = parser.add_argument_group("filters")
    filters.add_argument("--sport", metavar="PORT", type=_port, help="local port")
    filters.add_argument("--dport", metavar="PORT", type=_port, help="peer's port")
    filters.add_argument("--src", metavar="ADDR[/PREFIX]", type=_network,
                         help="local address or prefix (10.0.0.0/8, ::1)")
    filters.add_argument("--dst", metavar="ADDR[/PREFIX]", type=_network,
                         help="peer's address or prefix")
    filters.add_argument("--pid", metavar="PID", type=_positive_int,
                         help="only the sockets process PID holds")
    filters.add_argument("--netns", metavar="PATH",
                         help="list another network namespace (/run/netns/NAME, "
                              "/proc/PID/ns/net; needs CAP_SYS_ADMIN)")
    columns = parser.add_argument_group("columns")
    columns.add_argument("-p", "--processes", action="store_true",
                         help="the processes holding each socket: name(pid,fd)")
    columns.add_argument("-i", "--info", action="store_true",
                         help="tcp_info: rtt/rttvar, cwnd (segments), retransmits, delivery "
                              "rate, bytes acked and received")
    columns.add_argument("-m", "--memory", action="store_true",
                         help="socket memory (skmem): rmem, rcvbuf, wmem, sndbuf, queued, drops")
    columns.add_argument("-e", "--extended", action="store_true",
                         help="uid, inode, cookie, cgroup id")
    columns.add_argument("-n", "--numeric", action="store_true",
                         help="ports as numbers (default: service names from /etc/services)")
    output = parser.add_argument_group("machine output (exact figures, to_dict()'s keys)")
    form = output.add_mutually_exclusive_group()
    form.add_argument("-j", "--json", action="store_true",
                      help="one JSON document: a list of to_dict() objects")
    form.add_argument("--ndjson", action="store_true",
                      help="one JSON object per line, written as listed")
    watch = parser.add_argument_group("watching")
    watch.add_argument("--watch", metavar="SECONDS", type=_interval,
                       help="re-list every SECONDS with per-connection rates (see below)")
    watch.add_argument("--count", metavar="N", type=_positive_int,
                       help="stop after N refreshes (with --watch)")
    parser.add_argument("--exit-status", action="store_true",
                        help="exit 1 when no socket matched (like grep -q)")
    return parser


# NamedTuples rather than dataclasses: importing dataclasses (and inspect, which it imports) cost
# ~20 ms of every command's start here, a tenth of what listing 20,000 sockets costs.
class Source(NamedTuple):
    """One sockets() call of a listing: a kind, the states asked of the kernel, and for Unix
    sockets the state they are shown in (records of non-TCP sockets carry no state)."""

    kind: _Kind
    states: frozenset[TcpState] | None
    unix_state: TcpState | None = None


class Plan(NamedTuple):
    sources: tuple[Source, ...]
    families: frozenset[int] | None  # kept families for kinds sockets() cannot split by family
    filters: dict[str, Any]
    several_protocols: bool


_UNIX_STATES = (TcpState.ESTABLISHED, TcpState.CLOSED, TcpState.LISTEN)


def plan(args: argparse.Namespace) -> Plan:
    """The sockets() calls the arguments ask for."""
    protocols = [name for name in ("tcp", "udp", "unix", "raw", "mptcp") if getattr(args, name)]
    if not protocols:
        protocols = ["tcp"]
    if args.state:
        states: frozenset[TcpState] | None = frozenset().union(*args.state)
    elif args.all:
        states = None
    elif args.listening:
        states = LISTENING_STATES
    else:
        states = DEFAULT_STATES
    v4, v6 = args.ipv4, args.ipv6
    suffix = "4" if v4 and not v6 else "6" if v6 and not v4 else ""
    families = None
    if suffix:
        families = frozenset((socket.AF_INET if suffix == "4" else socket.AF_INET6,))
    sources: list[Source] = []
    for protocol in protocols:
        asked = states
        if states is LISTENING_STATES and protocol in _TCP_LIKE:
            asked = _TCP_LISTENING_STATES
        if protocol in ("tcp", "udp"):
            sources.append(Source(protocol + suffix, asked))  # type: ignore[arg-type]
        elif protocol == "unix":
            if suffix:
                continue  # -4/-6 ask for IP sockets only, as in ss
            for state in _UNIX_STATES:
                if states is None or state in states:
                    sources.append(Source("unix", frozenset((state,)), state))
        else:
            sources.append(Source(protocol, asked))  # type: ignore[arg-type]
    filters = dict(local_port=args.sport, remote_port=args.dport, local_address=args.src,
                   remote_address=args.dst, pid=args.pid, processes=args.processes,
                   details=args.memory, netns=args.netns)
    return Plan(tuple(sources), families, filters, len(protocols) > 1)


def _error_text(error: BaseException, args: argparse.Namespace) -> str:
    """One line for what went wrong with the listing a user asked for."""
    if isinstance(error, ProcessLookupError):
        return f"no process with pid {args.pid}"
    if isinstance(error, OSError) and args.netns is not None and (
            "setns" in str(error) or getattr(error, "filename", None) == args.netns):
        reason = error.strerror or str(error)
        return f"cannot enter network namespace {args.netns}: {reason}"
    if isinstance(error, PermissionError) and args.pid is not None:
        return f"cannot read the sockets of pid {args.pid}: {error.strerror}"
    if isinstance(error, OSError):
        return str(error)
    return str(error)


def _listings(the_plan: Plan) -> Iterator[tuple[Source, Listing]]:
    for source in the_plan.sources:
        yield source, sockets(source.kind, states=source.states, **the_plan.filters)


def list_sockets(the_plan: Plan) -> Iterator[tuple[SocketStat, TcpState | None]]:
    """Every record of the plan's calls, with the state each is shown in."""
    for source, listing in _listings(the_plan):
        yield from _kept(the_plan, source, listing)


def list_records(the_plan: Plan) -> Iterator[SocketStat]:
    """list_sockets()'s records alone, for JSON: a listing nothing filters further (the common
    case) is passed on whole, without a look at each record."""
    for source, listing in _listings(the_plan):
        if the_plan.families is None:
            yield from listing
        else:
            yield from (record for record, _ in _kept(the_plan, source, listing))


def _kept(the_plan: Plan, source: Source, records: Iterable[SocketStat]
          ) -> Iterator[tuple[SocketStat, TcpState | None]]:
    families = the_plan.families
    for record in records:
        if families is not None and record.socket_info.family not in families:
            continue
        state = record.state
        if state is None:
            state = source.unix_state
        yield record, state


# ---------------------------------------------------------------------------------------------
# Human-readable figures

def _scaled(value: float, units: Sequence[str], step: float) -> str:
    if value == 0:
        return "0"
    index = 0
    while abs(value) >= 999.5 and index < len(units) - 1:
        value /= step
        index += 1
    text = f"{value:.1f}" if abs(value) < 9.95 and index else f"{value:.0f}"
    return text + units[index]


def human_bytes(value: float | None) -> str:
    if value is None:
        return "-"
    return _scaled(value, ("B", "kB", "MB", "GB", "TB", "PB"), 1000)


def human_rate(value: float | None) -> str:
    if value is None:
        return "-"
    return _scaled(value, ("B/s", "kB/s", "MB/s", "GB/s", "TB/s"), 1000)


def human_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    if value < 1e-3:
        return f"{value * 1e6:.0f}us"
    if value < 1:
        milliseconds = value * 1e3
        return f"{milliseconds:.1f}ms" if milliseconds < 9.95 else f"{milliseconds:.0f}ms"
    return f"{value:.1f}s" if value < 9.95 else f"{value:.0f}s"


def human_count(value: float | None) -> str:
    if value is None:
        return "-"
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"


# ---------------------------------------------------------------------------------------------
# Table

SS_STATE = {
    TcpState.ESTABLISHED: "ESTAB", TcpState.SYN_SENT: "SYN-SENT",
    TcpState.SYN_RECEIVED: "SYN-RECV", TcpState.FIN_WAIT_1: "FIN-WAIT-1",
    TcpState.FIN_WAIT_2: "FIN-WAIT-2", TcpState.TIME_WAIT: "TIME-WAIT",
    TcpState.CLOSED: "UNCONN", TcpState.CLOSE_WAIT: "CLOSE-WAIT", TcpState.LAST_ACK: "LAST-ACK",
    TcpState.LISTEN: "LISTEN", TcpState.CLOSING: "CLOSING",
}
_NETID = {socket.IPPROTO_TCP: "tcp", socket.IPPROTO_UDP: "udp", 136: "udplite", 262: "mptcp"}
_UNIX_NETID: dict[int, str] = {socket.SOCK_STREAM: "u_str", socket.SOCK_DGRAM: "u_dgr",
               socket.SOCK_SEQPACKET: "u_seq"}


def netid(record: SocketStat) -> str:
    info = record.socket_info
    if info.family == AF_UNIX:
        return _UNIX_NETID.get(int(info.type), "u_???")
    if info.type == socket.SOCK_RAW:
        return "raw"
    return _NETID.get(info.protocol, str(info.protocol))


def shown_state(record: SocketStat, state: TcpState | None) -> TcpState:
    """The state a row shows: TCP's own; a datagram socket is ESTABLISHED when connected."""
    if state is not None:
        return state
    return TcpState.CLOSED if record.socket_info.remote_address is None else TcpState.ESTABLISHED


class _Services:
    """Port numbers to service names, as ss shows them unless -n.

    /etc/services is read once, here: getservbyport() would read it again for every port it
    does not know, i.e. for nearly every ephemeral port of a busy machine."""

    def __init__(self, numeric: bool) -> None:
        self.numeric = numeric
        self.names: dict[tuple[int, str], str] = {}
        if not numeric:
            self.names = _read_services("/etc/services")

    def __call__(self, port: int, protocol: str) -> str:
        if port == 0:
            return "*"
        if self.numeric:
            return str(port)
        return self.names.get((port, protocol)) or str(port)


def _read_services(path: str) -> dict[tuple[int, str], str]:
    names: dict[tuple[int, str], str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as services:
            for line in services:
                fields = line.split("#", 1)[0].split()
                if len(fields) < 2 or "/" not in fields[1]:
                    continue
                number, _, protocol = fields[1].partition("/")
                if number.isdigit():
                    names.setdefault((int(number), protocol), fields[0])
    except OSError:
        pass
    return names


def _unix_name(address: object) -> str:
    if isinstance(address, bytes):
        return "@" + address[1:].decode("utf-8", "backslashreplace")
    if not address:
        return "*"
    return str(address)


def endpoint(record: SocketStat, remote: bool, services: _Services) -> str:
    info = record.socket_info
    address = info.remote_address if remote else info.local_address
    if info.family == AF_UNIX:
        own, peer = _unix_ids(record)
        if remote:
            name = _unix_name(address) if address is not None else "*"
            return f"{name} {peer if peer else '*'}"
        return f"{_unix_name(address)} {own if own is not None else '*'}"
    protocol = "udp" if info.protocol in (socket.IPPROTO_UDP, 136) else "tcp"
    if not isinstance(address, tuple):
        if info.family == socket.AF_INET6:
            return "[::]:*"
        return "0.0.0.0:*" if info.family == socket.AF_INET else "*"
    host = str(address[0])
    if info.family == socket.AF_INET6:
        scope = address[3] if len(address) == 4 else 0
        host = f"[{host.split('%')[0]}]"
        if scope:
            try:
                host += "%" + socket.if_indextoname(scope)
            except OSError:
                host += f"%{scope}"
    return f"{host}:{services(int(address[1]), protocol)}"


def queues(record: SocketStat, state: TcpState) -> tuple[int | None, int | None]:
    """Recv-Q and Send-Q as ss shows them."""
    if state is TcpState.LISTEN and record.accept_queue is not None:
        return record.accept_queue, record.accept_queue_limit
    received = record.unreceived
    if received is None:
        received = _receive_memory(record)
    return received, record.unsent


class Column(NamedTuple):
    title: str
    right: bool  # numbers are right-aligned


def table_columns(args: argparse.Namespace, several_protocols: bool) -> list[Column]:
    columns = [Column("State", False), Column("Recv-Q", True), Column("Send-Q", True),
               Column("Local Address:Port", False), Column("Peer Address:Port", False)]
    if several_protocols:
        columns.insert(0, Column("Netid", False))
    if args.info:
        columns += [Column("RTT/RTTvar", True), Column("Cwnd", True), Column("Retrans", True),
                    Column("Delivery", True), Column("Acked", True), Column("Received", True)]
    if args.memory:
        columns += [Column(title, True) for title in
                    ("Rmem", "Rbuf", "Wmem", "Wbuf", "Queued", "Drops")]
    if args.extended:
        columns += [Column(title, True) for title in ("Uid", "Inode", "Cookie", "Cgroup")]
    if args.processes:
        columns.append(Column("Process", False))
    return columns


def _text(value: object) -> str:
    return "-" if value is None else str(value)


# What differs by platform: macOS lists no buffer memory, delivery rate, inode, cookie or cgroup,
# and names a socket's process by pid alone (so_last_pid), not by /proc's (name, pid, fd).
if sys.platform == "darwin":
    def _unix_ids(record: SocketStat) -> tuple[int | None, int | None]:
        # A Unix socket and its peer by their hashed kernel addresses (soi_so, unsi_conn_so),
        # which match across the two ends as ss's inodes do on Linux.
        info = record.socket_info
        return info.soi_so or None, info.unsi_conn_so or None

    def _receive_memory(record: SocketStat) -> int | None:
        return None

    def _window_and_delivery(record: SocketStat) -> list[str]:
        info = record.connection_info
        assert info is not None
        return [str(info.congestion_window), "-"]  # macOS's tcpi_snd_cwnd is bytes already

    def _memory_cells(record: SocketStat) -> list[str]:
        return ["-"] * 6

    def _extended_cells(record: SocketStat) -> list[str]:
        return [_text(record.socket_info.uid), "-", "-", "-"]

    def owners(record: SocketStat) -> str:
        pid = record.socket_info.last_pid
        return "" if pid is None else f"({pid})"
else:
    def _unix_ids(record: SocketStat) -> tuple[int | None, int | None]:
        info = record.socket_info
        return info.inode, info.peer_inode

    def _receive_memory(record: SocketStat) -> int | None:
        return record.receive_queue_memory

    def _window_and_delivery(record: SocketStat) -> list[str]:
        info = record.connection_info
        assert info is not None
        return [str(info.tcpi_snd_cwnd), human_rate(info.tcpi_delivery_rate)]  # segments, as ss

    def _memory_cells(record: SocketStat) -> list[str]:
        memory = record.socket_info.meminfo
        if memory is None:
            return ["-"] * 6
        return [human_bytes(memory.rmem_alloc), human_bytes(memory.rcvbuf),
                human_bytes(memory.wmem_alloc), human_bytes(memory.sndbuf),
                human_bytes(memory.wmem_queued), _text(memory.drops)]

    def _extended_cells(record: SocketStat) -> list[str]:
        info = record.socket_info
        return [_text(info.uid), _text(info.inode), _text(info.cookie), _text(info.cgroup_id)]

    def owners(record: SocketStat) -> str:
        processes = record.socket_info.processes
        if not processes:
            return ""
        return ",".join(f"{owner.name}({owner.pid},{owner.fd})" for owner in processes)


def table_row(record: SocketStat, state: TcpState | None, args: argparse.Namespace,
              several_protocols: bool, services: _Services) -> list[str]:
    shown = shown_state(record, state)
    received, unsent = queues(record, shown)
    row = [SS_STATE[shown], _text(received), _text(unsent), endpoint(record, False, services),
           endpoint(record, True, services)]
    if several_protocols:
        row.insert(0, netid(record))
    if args.info:
        info = record.connection_info
        if info is None:
            row += ["-"] * 6
        else:
            window, delivery = _window_and_delivery(record)
            row += [f"{human_seconds(info.rtt)}/{human_seconds(info.rtt_variance)}",
                    window, _text(info.retransmissions), delivery,
                    human_bytes(info.bytes_acked), human_bytes(info.bytes_received)]
    if args.memory:
        row += _memory_cells(record)
    if args.extended:
        row += _extended_cells(record)
    if args.processes:
        row.append(owners(record))
    return row


def format_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Iterator[str]:
    widths = [len(column.title) for column in columns]
    for row in rows:
        for index, cell in enumerate(row):
            if len(cell) > widths[index]:
                widths[index] = len(cell)
    last = len(columns) - 1

    def line(cells: Sequence[str]) -> str:
        parts = []
        for index, (column, cell) in enumerate(zip(columns, cells)):
            if column.right:
                parts.append(cell.rjust(widths[index]))
            elif index == last:
                parts.append(cell)
            else:
                parts.append(cell.ljust(widths[index]))
        return " ".join(parts).rstrip() + "\n"

    yield line([column.title for column in columns])
    for row in rows:
        yield line(row)


# ---------------------------------------------------------------------------------------------
# JSON

# Compact separators: the output is for programs (jq pretty-prints), and ~10% fewer bytes. The
# records write their own JSON (to_json(): to_dict()'s keys and values, without the dicts, at
# about a sixth of json.dumps(to_dict())'s cost); the watch stream's envelope goes through json.
_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
_CHUNK = 256  # records per write: few write() calls, little memory held


def write_json(out: TextIO, records: Iterable[SocketStat], lines: bool) -> int:
    """--json (one list) or --ndjson (one object per line); returns how many were written.

    Written in chunks of _CHUNK records, so a reader sees whole lines as they come (--ndjson),
    as ASCII bytes straight to the stream's binary buffer where it has one (stdout does)."""
    count = 0
    chunk: list[SocketStat] = []
    out.flush()
    binary: IO[bytes] | None = getattr(out, "buffer", None)

    def write(data: bytes) -> None:
        if binary is not None:
            binary.write(data)
        else:
            out.write(data.decode("ascii"))

    if not lines:
        write(b"[")
    for record in records:
        chunk.append(record)
        if len(chunk) == _CHUNK:
            write((b"," if count and not lines else b"") + _json_text(chunk, lines))
            count += len(chunk)
            chunk = []
    if chunk:
        write((b"," if count and not lines else b"") + _json_text(chunk, lines))
        count += len(chunk)
    if not lines:
        write(b"]\n")
    if binary is not None:
        binary.flush()
    out.flush()
    return count


# ---------------------------------------------------------------------------------------------
# Watch

def delta_dict(delta: SampleDelta | None) -> dict[str, Any] | None:
    if delta is None:
        return None
    result = delta.to_dict()
    elapsed = delta.elapsed
    retransmitted = delta.segments_retransmitted
    result["retransmit_rate"] = (retransmitted / elapsed if retransmitted is not None
                                 and elapsed > 0 else None)
    return result


class Refresh(NamedTuple):
    """One refresh of --watch over every source: SocketsSample's parts, merged."""

    number: int
    monotonic: float
    elapsed: float | None
    current: list[tuple[SocketStat, TcpState | None]]
    appeared: set[int]
    vanished: list[tuple[SocketStat, TcpState | None]]
    deltas: dict[int, SampleDelta]


class Watcher:
    """One SocketsSampler per source of the plan; ``refresh()`` samples them all."""

    def __init__(self, the_plan: Plan) -> None:
        self.plan = the_plan
        self.samplers = [(source, SocketsSampler(source.kind, states=source.states,
                                                 **the_plan.filters))
                         for source in the_plan.sources]
        self.number = 0

    def refresh(self) -> Refresh:
        self.number += 1
        samples: list[tuple[Source, SocketsSample]] = [
            (source, sampler.sample()) for source, sampler in self.samplers]
        monotonic = sum(sample.monotonic for _, sample in samples) / len(samples)
        elapsed_values = [sample.elapsed for _, sample in samples if sample.elapsed is not None]
        elapsed = sum(elapsed_values) / len(elapsed_values) if elapsed_values else None
        current: list[tuple[SocketStat, TcpState | None]] = []
        vanished: list[tuple[SocketStat, TcpState | None]] = []
        appeared: set[int] = set()
        deltas: dict[int, SampleDelta] = {}
        for source, sample in samples:
            current.extend(_kept(self.plan, source, sample.sockets))
            vanished.extend(_kept(self.plan, source, sample.vanished))
            if sample.elapsed is not None:
                appeared.update(key for stat in sample.appeared
                                if (key := identity(stat)) is not None)
            deltas.update(sample.deltas)
        return Refresh(self.number, monotonic, elapsed, current, appeared, vanished, deltas)


def stream_events(out: TextIO, refresh: Refresh) -> int:
    """--watch without a terminal: one JSON line per connection; returns the sockets listed."""
    head = {"refresh": refresh.number, "monotonic": refresh.monotonic,
            "elapsed": refresh.elapsed}
    lines = []
    for record, _ in refresh.current:
        key = identity(record)
        event = "new" if key in refresh.appeared else "update"
        delta = refresh.deltas.get(key) if key is not None else None
        lines.append(_encode({**head, "event": event, "socket": record.to_dict(),
                              "delta": delta_dict(delta)}))
    for record, _ in refresh.vanished:
        lines.append(_encode({**head, "event": "closed", "socket": record.to_dict(),
                              "delta": None}))
    if lines:
        out.write("\n".join(lines) + "\n")
    out.flush()
    return len(refresh.current)


def watch(args: argparse.Namespace, the_plan: Plan) -> int:
    """Returns how many sockets matched over the whole run."""
    watcher = Watcher(the_plan)
    if not args.ndjson and sys.stdout.isatty() and sys.stdin.isatty():
        from socketstat import _cli_live

        result = _cli_live.run(watcher, args)
        if result is not None:
            return result
        # No usable terminal description (TERM unset or unknown): stream instead.
    matched = 0
    interval: float = args.watch
    started = time.monotonic()
    while True:
        refresh = watcher.refresh()
        matched += stream_events(sys.stdout, refresh)
        if args.count is not None and refresh.number >= args.count:
            return matched
        next_at = started + refresh.number * interval
        time.sleep(max(0.0, next_at - time.monotonic()))


# ---------------------------------------------------------------------------------------------
# main

def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["demo"]:
        from socketstat import _cli_demo

        return _cli_demo.main(arguments[1:])
    if arguments[:1] == ["export"]:
        from socketstat import _cli_export

        return _cli_export.main(arguments[1:])
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.count is not None and args.watch is None:
        parser.error("argument --count: only with --watch")
    if args.watch is not None and args.json:
        parser.error("argument --json: not with --watch (--ndjson streams each refresh)")
    the_plan = plan(args)
    try:
        matched = _run(args, the_plan)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (socketstat | head): as the Python docs advise (signal module, "Note
        # on SIGPIPE"), point stdout at /dev/null so the flush at exit cannot fail again, and
        # exit 1 as an uncaught EPIPE would, without the traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, TypeError, UsageError) as error:
        _fail(_error_text(error, args))
    return 1 if args.exit_status and matched == 0 else 0


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()
    raise SystemExit(2)


def _run(args: argparse.Namespace, the_plan: Plan) -> int:
    if args.watch is not None:
        return watch(args, the_plan)
    out = sys.stdout
    if args.json or args.ndjson:
        # The listing holds every record until the output ends; the collector would walk them
        # again and again while to_dict() allocates, for nothing: nothing here makes cycles.
        gc.disable()
        return write_json(out, list_records(the_plan), args.ndjson)
    records = list(list_sockets(the_plan))
    services = _Services(args.numeric)
    rows = [table_row(record, state, args, the_plan.several_protocols, services)
            for record, state in records]
    lines = format_table(table_columns(args, the_plan.several_protocols), rows)
    _write_lines(out, lines)
    return len(records)


def _write_lines(out: TextIO, lines: Iterable[str]) -> None:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == 512:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))
    out.flush()

