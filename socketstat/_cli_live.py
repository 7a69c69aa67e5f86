"""socketstat --watch on a terminal: a full-screen view of the connections and their rates,
drawn with curses (standard library). Imported only when it is shown.

Keys: < or left arrow, > or right arrow: sort by the previous / next column; r: reverse the
order; q: quit. The terminal is restored by curses.wrapper on every exit, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import curses
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

# Listing every socket (sockets()) is Linux's and macOS's: refused plainly on Windows, and this
# module's types are checked for those platforms only (the assert: mypy skips the rest of the
# module under --platform win32).
if sys.platform == "win32":
    raise ImportError("socketstat._cli_live lists sockets with sockets(), which Windows lacks; on "
                      "Windows socketstat has socketstat(), tcp_info() and Sampler")
assert sys.platform != "win32"

from socketstat._cli import (
    SS_STATE,
    Refresh,
    Watcher,
    _Services,
    endpoint,
    human_rate,
    human_seconds,
    owners,
    queues,
    shown_state,
)
from socketstat._watch import identity

if TYPE_CHECKING:
    from socketstat import SampleDelta, SocketStat
    from socketstat._common import TcpState


@dataclass(frozen=True)
class LiveColumn:
    title: str
    width: int
    right: bool
    text: Callable[[Row], str]
    key: Callable[[Row], Any]


@dataclass
class Row:
    mark: str  # "+" new, "-" closed, " " otherwise
    record: SocketStat
    state: TcpState
    delta: SampleDelta | None
    local: str
    peer: str
    process: str

    @property
    def rtt(self) -> float | None:
        info = self.record.connection_info
        return None if info is None else info.rtt

    def rate(self, name: str) -> float | None:
        delta = self.delta
        if delta is None:
            return None
        if name == "retransmits":
            retransmitted = delta.segments_retransmitted
            if retransmitted is None or delta.elapsed <= 0:
                return None
            return retransmitted / delta.elapsed
        value: float | None = getattr(delta, name)
        return value


def _number(value: float | None) -> float:
    return -1.0 if value is None else value


def _retransmits(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value else "0"


COLUMNS = [
    LiveColumn("", 1, False, lambda row: row.mark, lambda row: row.mark),
    LiveColumn("State", 10, False, lambda row: SS_STATE[row.state],
               lambda row: SS_STATE[row.state]),
    LiveColumn("Local Address:Port", 24, False, lambda row: row.local, lambda row: row.local),
    LiveColumn("Peer Address:Port", 24, False, lambda row: row.peer, lambda row: row.peer),
    LiveColumn("Send/s", 9, True, lambda row: human_rate(row.rate("send_rate")),
               lambda row: _number(row.rate("send_rate"))),
    LiveColumn("Recv/s", 9, True, lambda row: human_rate(row.rate("receive_rate")),
               lambda row: _number(row.rate("receive_rate"))),
    LiveColumn("Acked/s", 9, True, lambda row: human_rate(row.rate("delivery_rate")),
               lambda row: _number(row.rate("delivery_rate"))),
    LiveColumn("Retr/s", 7, True, lambda row: _retransmits(row.rate("retransmits")),
               lambda row: _number(row.rate("retransmits"))),
    LiveColumn("RTT", 7, True, lambda row: human_seconds(row.rtt),
               lambda row: _number(row.rtt)),
    LiveColumn("Recv-Q", 8, True, lambda row: str(queues(row.record, row.state)[0] or 0),
               lambda row: queues(row.record, row.state)[0] or 0),
    LiveColumn("Send-Q", 8, True, lambda row: str(queues(row.record, row.state)[1] or 0),
               lambda row: queues(row.record, row.state)[1] or 0),
]
PROCESS = LiveColumn("Process", 20, False, lambda row: row.process, lambda row: row.process)
DEFAULT_SORT = "Send/s"


class View:
    def __init__(self, watcher: Watcher, args: argparse.Namespace) -> None:
        self.watcher = watcher
        self.args = args
        self.columns = COLUMNS + ([PROCESS] if args.processes else [])
        self.sort = [column.title for column in self.columns].index(DEFAULT_SORT)
        self.descending = True
        self.services = _Services(args.numeric)
        self.refresh: Refresh | None = None
        self.rows: list[Row] = []
        self.matched = 0

    def rows_of(self, refresh: Refresh) -> list[Row]:
        rows = []
        for record, state in refresh.current:
            key = identity(record)
            mark = "+" if key in refresh.appeared else " "
            delta = refresh.deltas.get(key) if key is not None else None
            rows.append(self.row(mark, record, state, delta))
        for record, state in refresh.vanished:
            rows.append(self.row("-", record, state, None))
        return rows

    def row(self, mark: str, record: SocketStat, state: TcpState | None,
            delta: SampleDelta | None) -> Row:
        return Row(mark, record, shown_state(record, state), delta,
                   endpoint(record, False, self.services), endpoint(record, True, self.services),
                   owners(record) if self.args.processes else "")

    def take(self) -> None:
        refresh = self.watcher.refresh()
        self.refresh = refresh
        self.rows = self.rows_of(refresh)
        self.matched += len(refresh.current)

    def sorted_rows(self) -> list[Row]:
        column = self.columns[self.sort]
        # Closed connections stay last, whatever the order.
        live = [row for row in self.rows if row.mark != "-"]
        closed = [row for row in self.rows if row.mark == "-"]
        live.sort(key=column.key, reverse=self.descending)
        return live + closed

    def key(self, key: int) -> bool:
        """Handle a key; False to quit."""
        if key in (ord("q"), ord("Q")):
            return False
        if key in (ord(">"), ord("."), curses.KEY_RIGHT):
            self.sort = (self.sort + 1) % len(self.columns)
        elif key in (ord("<"), ord(","), curses.KEY_LEFT):
            self.sort = (self.sort - 1) % len(self.columns)
        elif key in (ord("r"), ord("R")):
            self.descending = not self.descending
        return True

    def draw(self, screen: Any) -> None:
        screen.erase()
        height, width = screen.getmaxyx()
        refresh = self.refresh
        if refresh is None:
            return
        new = sum(1 for row in self.rows if row.mark == "+")
        closed = sum(1 for row in self.rows if row.mark == "-")
        order = "v" if self.descending else "^"
        header = (f"socketstat --watch {self.args.watch:g}s  refresh={refresh.number}  "
                  f"sockets={len(refresh.current)}  new={new}  closed={closed}  "
                  f"sort={self.columns[self.sort].title}:"
                  f"{'desc' if self.descending else 'asc'}")
        keys = "keys: < > sort column   r reverse   q quit"
        self.put(screen, 0, header, width, curses.A_BOLD)
        self.put(screen, 1, keys, width, 0)
        titles = []
        for index, column in enumerate(self.columns):
            title = column.title + (order if index == self.sort else "")
            titles.append(self.cell(title, column))
        self.put(screen, 3, " ".join(titles), width, curses.A_REVERSE)
        line = 4
        for row in self.sorted_rows():
            if line >= height:
                break
            text = " ".join(self.cell(column.text(row), column) for column in self.columns)
            attribute = curses.A_BOLD if row.mark == "+" else curses.A_DIM if row.mark == "-" else 0
            self.put(screen, line, text, width, attribute)
            line += 1
        screen.noutrefresh()
        curses.doupdate()

    @staticmethod
    def cell(text: str, column: LiveColumn) -> str:
        if len(text) > column.width and column is not PROCESS:
            text = text[: column.width - 1] + "~"
        return text.rjust(column.width) if column.right else text.ljust(column.width)

    @staticmethod
    def put(screen: Any, line: int, text: str, width: int, attribute: int) -> None:
        height, _ = screen.getmaxyx()
        if line >= height or width <= 1:
            return
        try:
            # One column short of the edge: writing the last cell of a line moves the cursor
            # past it, which curses reports as an error on the bottom line.
            screen.addnstr(line, 0, text, width - 1, attribute)
        except curses.error:
            pass


def _loop(screen: Any, view: View) -> None:
    try:
        curses.curs_set(0)
    except curses.error:
        pass
    screen.keypad(True)
    interval: float = view.args.watch
    count: int | None = view.args.count
    started = time.monotonic()
    view.take()
    view.draw(screen)
    while True:
        refresh = view.refresh
        assert refresh is not None
        next_at = started + refresh.number * interval
        remaining = next_at - time.monotonic()
        if remaining <= 0:
            if count is not None and refresh.number >= count:
                return
            view.take()
            view.draw(screen)
            continue
        screen.timeout(max(1, int(remaining * 1000)))
        key = screen.getch()
        if key == -1:
            continue
        if key == curses.KEY_RESIZE:
            curses.update_lines_cols()
        elif not view.key(key):
            return
        screen.clear()  # repaint it all on the next draw: nothing left of the old layout
        view.draw(screen)


def run(watcher: Watcher, args: argparse.Namespace) -> int | None:
    """The live view until q, --count refreshes or Ctrl-C (KeyboardInterrupt, re-raised after
    the terminal is restored); the sockets matched over the run, or None when this terminal
    cannot be drawn on (no usable TERM)."""
    try:
        curses.setupterm()
    except curses.error:
        return None
    view = View(watcher, args)
    curses.wrapper(_loop, view)
    return view.matched
