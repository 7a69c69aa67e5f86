"""Running the installed `socketstat` command as a user does: in a pipe, or in a pseudo-terminal
whose screen the test reads and whose keys it types."""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any, Callable

# The console script beside this interpreter (the venv's bin/), as pip installed it.
COMMAND = str(Path(sys.executable).parent / "socketstat")
if not os.path.exists(COMMAND):  # pragma: no cover - an interpreter without the entry point
    COMMAND = shutil.which("socketstat") or COMMAND


def run(*arguments: str, check: bool = False, **options: Any) -> subprocess.CompletedProcess[str]:
    """The command run to its end, from /, its output captured as text."""
    return subprocess.run([COMMAND, *arguments], capture_output=True, text=True, cwd="/",
                          timeout=120, check=check, **options)


def table(text: str) -> list[list[str]]:
    """A table's rows (header dropped), cells split on blanks: addresses hold none with -n."""
    lines = text.splitlines()
    assert lines and lines[0].startswith(("State", "Netid")), text
    return [line.split() for line in lines[1:] if line.strip()]


_CSI = re.compile(r"\x1b\[([0-9;?>]*)([ -/]*)([@-~])")
_OTHER_ESCAPE = re.compile(r"\x1b(\][^\x07\x1b]*(\x07|\x1b\\)|[()*+][0-9A-Za-z]|[=>78MDEc])")


class Screen:
    """Just enough of a VT100/xterm to read what curses drew: the cursor moves, erasures and
    scrolling ncurses issues for TERM=xterm; attributes and modes are ignored."""

    def __init__(self, rows: int, columns: int) -> None:
        self.rows, self.columns = rows, columns
        self.grid = [[" "] * columns for _ in range(rows)]
        self.row = self.column = 0
        self.top, self.bottom = 0, rows - 1
        self.last = " "
        self.pending = ""
        self.clears = 0  # how many times the whole screen was erased (ED 2)

    def resize(self, rows: int, columns: int) -> None:
        grid = [[" "] * columns for _ in range(rows)]
        for y in range(min(rows, self.rows)):
            grid[y][:min(columns, self.columns)] = self.grid[y][:min(columns, self.columns)]
        self.grid, self.rows, self.columns = grid, rows, columns
        self.top, self.bottom = 0, rows - 1
        self.row, self.column = min(self.row, rows - 1), min(self.column, columns - 1)

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.grid)

    def feed(self, data: str) -> None:
        data = self.pending + data
        self.pending = ""
        index = 0
        while index < len(data):
            char = data[index]
            if char == "\x1b":
                match = _CSI.match(data, index) or _OTHER_ESCAPE.match(data, index)
                if match is None:
                    if len(data) - index < 32:   # cut in the middle: wait for the rest
                        self.pending = data[index:]
                        return
                    index += 1
                    continue
                if match.re is _CSI:
                    self.csi(match.group(1), match.group(3))
                elif match.group(0) in ("\x1bM",):
                    self.reverse_index()
                elif match.group(0) in ("\x1bD", "\x1bE"):
                    self.line_feed()
                index = match.end()
                continue
            if char == "\r":
                self.column = 0
            elif char == "\n":
                self.line_feed()
            elif char == "\b":
                self.column = max(0, self.column - 1)
            elif char == "\t":
                self.column = min(self.columns - 1, (self.column // 8 + 1) * 8)
            elif char >= " ":
                self.put(char)
            index += 1

    def put(self, char: str) -> None:
        if self.column >= self.columns:
            self.column = 0
            self.line_feed()
        self.grid[self.row][self.column] = char
        self.column += 1
        self.last = char

    def line_feed(self) -> None:
        if self.row == self.bottom:
            del self.grid[self.top]
            self.grid.insert(self.bottom, [" "] * self.columns)
        else:
            self.row = min(self.rows - 1, self.row + 1)

    def reverse_index(self) -> None:
        if self.row == self.top:
            del self.grid[self.bottom]
            self.grid.insert(self.top, [" "] * self.columns)
        else:
            self.row = max(0, self.row - 1)

    def csi(self, parameters: str, final: str) -> None:
        if parameters.startswith(("?", ">")):
            return  # private modes: the alternate screen, the cursor's visibility
        numbers = [int(part) if part else 0 for part in parameters.split(";")] if parameters \
            else []
        first = numbers[0] if numbers else 0
        count = max(1, first)
        if final in "Hf":
            self.row = min(self.rows - 1, max(1, first) - 1)
            second = numbers[1] if len(numbers) > 1 else 0
            self.column = min(self.columns - 1, max(1, second) - 1)
        elif final == "A":
            self.row = max(0, self.row - count)
        elif final == "B":
            self.row = min(self.rows - 1, self.row + count)
        elif final == "C":
            self.column = min(self.columns - 1, self.column + count)
        elif final == "D":
            self.column = max(0, self.column - count)
        elif final == "G":
            self.column = min(self.columns - 1, count - 1)
        elif final == "d":
            self.row = min(self.rows - 1, count - 1)
        elif final == "K":
            line = self.grid[self.row]
            # The cursor may stand just past the last column, a character away from wrapping.
            span = {0: range(self.column, self.columns),
                    1: range(0, min(self.column + 1, self.columns))}.get(
                first, range(self.columns))
            for x in span:
                line[x] = " "
        elif final == "J":
            rows = {0: range(self.row + 1, self.rows), 1: range(0, self.row)}.get(
                first, range(self.rows))
            for y in rows:
                self.grid[y] = [" "] * self.columns
            if first == 2:
                self.clears += 1
            if first == 0:
                self.csi("0", "K")
            elif first == 1:
                self.csi("1", "K")
        elif final == "X":
            for x in range(self.column, min(self.columns, self.column + count)):
                self.grid[self.row][x] = " "
        elif final == "b":
            for _ in range(count):
                self.put(self.last)
        elif final == "@":
            line = self.grid[self.row]
            line[self.column:self.column] = [" "] * count
            del line[self.columns:]
        elif final == "P":
            line = self.grid[self.row]
            del line[self.column:self.column + count]
            line.extend([" "] * (self.columns - len(line)))
        elif final in "LM":
            for _ in range(count):
                if final == "L":
                    del self.grid[self.bottom]
                    self.grid.insert(self.row, [" "] * self.columns)
                else:
                    del self.grid[self.row]
                    self.grid.insert(self.bottom, [" "] * self.columns)
        elif final == "r":
            # As xterm: a bottom past the screen (written for a size before a resize) is its
            # last row; a region of less than two rows is ignored.
            top = max(1, first) - 1
            second = numbers[1] if len(numbers) > 1 else 0
            bottom = min(second or self.rows, self.rows) - 1
            if bottom > top:
                self.top, self.bottom = top, bottom
                self.row = self.column = 0
        elif final == "S":
            for _ in range(count):
                del self.grid[self.top]
                self.grid.insert(self.bottom, [" "] * self.columns)
        elif final == "T":
            for _ in range(count):
                del self.grid[self.bottom]
                self.grid.insert(self.top, [" "] * self.columns)


class Terminal:
    """The command on a pseudo-terminal of ``rows`` x ``columns``, as its controlling terminal
    (so Ctrl-C typed there interrupts it, as in a shell). What it writes there is
    emulated, so ``screen`` is what a user would see."""

    def __init__(self, *arguments: str, rows: int = 30, columns: int = 150) -> None:
        self.master, self.slave = os.openpty()
        self.emulated = Screen(rows, columns)
        self.resize(rows, columns)
        self.modes_before = termios.tcgetattr(self.slave)
        environment = {name: value for name, value in os.environ.items()
                       if name not in ("LINES", "COLUMNS")}
        environment["TERM"] = "xterm"
        slave = self.slave

        def controlling_terminal() -> None:
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [COMMAND, *arguments], stdin=slave, stdout=slave, stderr=slave, cwd="/",
            env=environment, preexec_fn=controlling_terminal, close_fds=True)
        self.raw = b""

    def resize(self, rows: int, columns: int) -> None:
        # The kernel signals SIGWINCH to the terminal's foreground process group.
        self.read(0)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.emulated.resize(rows, columns)

    @property
    def screen(self) -> str:
        """The screen as it shows now, one line per row."""
        return self.emulated.text()

    def read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every slave end closed
                time.sleep(timeout)
                return
            self.raw += data
            self.emulated.feed(data.decode("utf-8", "replace"))

    def wait_for(self, pattern: str, *, timeout: float = 30.0) -> str:
        """Read until ``pattern`` (a regular expression) shows on the screen; the screen."""
        return self.wait_until(lambda text: re.search(pattern, text) is not None, repr(pattern),
                               timeout=timeout)

    def wait_until(self, condition: Callable[[str], bool], what: str, *,
                   timeout: float = 30.0) -> str:
        """Read until ``condition`` holds of the screen; the screen.

        What the command writes arrives in pieces, a frame of curses too: its first line (the
        header) can show while the rest is still on its way. So wait for everything the test
        then reads, not for one line of it."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen
            if condition(text):
                return text
            if time.monotonic() > deadline or self.process.poll() is not None and not \
                    select.select([self.master], [], [], 0)[0]:
                raise AssertionError(f"{what} never shown; screen:\n{text[-3000:]}")
            self.read(0.1)

    def type(self, keys: bytes) -> None:
        self.read(0)
        os.write(self.master, keys)

    def finish(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read(0.1)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            raise AssertionError(f"still running; screen:\n{self.screen[-3000:]}")
        self.read(0.2)
        return self.process.returncode

    @property
    def modes_after(self) -> list[Any]:
        return termios.tcgetattr(self.slave)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)
