"""What changes between listings: the same sockets() call repeated, each socket followed by its
identity() (Linux: its cookie; macOS: its hashed kernel address), as a Sampler follows one
socket."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

from socketstat._common import TcpState
from socketstat._query import parse

# Each platform's names: mypy --platform linux and --platform darwin check the module under each.
if sys.platform == "darwin":
    from socketstat._darwin import Listing, SampleDelta, SocketStat, sockets

    if TYPE_CHECKING:
        from socketstat._darwin import _AddressFilter, _Kind

    def identity(stat: SocketStat) -> int | None:
        """What follows a socket from one listing to the next: on macOS the socket's kernel
        address, hashed (soi_so, as netstat -A and lsof show it), unique among live sockets."""
        return stat.socket_info.soi_so or None
else:
    from socketstat._linux import (
        Listing,
        SampleDelta,
        SocketStat,
        _DestroyedSockets,
        _listed_delta,
        sockets,
    )

    if TYPE_CHECKING:
        from socketstat._linux import _AddressFilter, _Kind

    def identity(stat: SocketStat) -> int | None:
        """What follows a socket from one listing to the next: on Linux its cookie, which the
        kernel never reuses while it runs."""
        return stat.socket_info.cookie


class SocketsSample(NamedTuple):
    """One listing of a SocketsSampler, and what changed since the one before it.

    ``monotonic`` is the middle of the listing (time.monotonic()'s clock: the kernel walks its
    tables while the listing runs, so each socket was read at some moment within it), and
    ``elapsed`` the time since the previous listing's middle (None for the first). ``appeared``
    holds the sockets whose identity() the previous listing did not have (every socket, the first
    time), ``vanished`` the records of the previous listing's sockets gone since (closed, or no
    longer matching the filters): with ``final_stats``, a TCP connection's record as the kernel
    freed it, final tcp_info included, else its record from the previous listing. The kernel
    takes a connection out of its tables before it frees it and sends that record from a work
    queue, so a connection gone from a listing whose record has not come yet is reported one
    sample later, with the record if it came by then, else with its last listed one. ``deltas``
    maps the identity() of each TCP connection with tcp_info in the previous listing and in this one
    (or in its final record) to the SampleDelta Sampler.delta() would give for it.
    ``final_stats_lost`` says the kernel dropped some final records (its buffer overflowed).
    """

    monotonic: float
    elapsed: float | None
    sockets: Listing
    appeared: list[SocketStat]
    vanished: list[SocketStat]
    deltas: dict[int, SampleDelta]
    final_stats_lost: bool = False


class SocketsSampler:
    """Lists the same sockets again and again: ``sample()`` runs sockets() with the arguments
    given here and compares the result with the previous one's, socket by socket. The arguments
    are checked here, so a bad one fails at once rather than at the first sample().

    ``final_stats=True`` also subscribes to the kernel's record of each TCP socket it frees
    (sock_diag's destroy groups, open to unprivileged users), so that a connection that closed
    between two listings still gives its final figures, and one now in TIME_WAIT (which has no
    tcp_info) its last delta. Call close() (or use ``with``) to end the subscription.

    A SocketsSampler keeps the previous listing; share one between threads only under a lock.
    """

    def __init__(self, kind: _Kind = "inet", *, states: Iterable[TcpState] | None = None,
                 local_port: int | None = None, remote_port: int | None = None,
                 local_address: _AddressFilter | None = None,
                 remote_address: _AddressFilter | None = None, pid: int | None = None,
                 processes: bool = False, details: bool = False,
                 netns: str | bytes | os.PathLike[str] | os.PathLike[bytes] | int | None = None,
                 final_stats: bool = False) -> None:
        parse(kind, states, local_port, remote_port, local_address, remote_address, pid,
              processes, details, netns)
        self._kind: _Kind = kind
        self._filters: dict[str, Any] = dict(
            states=states, local_port=local_port, remote_port=remote_port,
            local_address=local_address, remote_address=remote_address, pid=pid,
            processes=processes, details=details, netns=netns)
        self._previous: dict[int, SocketStat] | None = None
        self._previous_monotonic = 0.0
        # Connections gone from the last listing whose final record had not come: the next
        # sample reports them (see SocketsSample).
        self._awaiting_final: dict[int, SocketStat] = {}
        self._destroyed = None
        if final_stats:
            if sys.platform == "darwin":
                raise ValueError("final_stats needs Linux's sock_diag destroy groups; macOS has "
                                 "no notice of a freed socket")
            else:
                self._destroyed = _DestroyedSockets(netns)

    def close(self) -> None:
        """End the final_stats subscription (the listings need nothing closed)."""
        if self._destroyed is not None:
            self._destroyed.close()

    def __enter__(self) -> SocketsSampler:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def sample(self) -> SocketsSample:
        """List now, and compare with the previous listing."""
        started = time.monotonic()
        listing = sockets(self._kind, **self._filters)
        now = (started + time.monotonic()) / 2
        # Drained after listing: a socket freed before the listing is missing from it and its
        # final record is here; one freed after it is in the listing, its record next time.
        finals: dict[int | None, SocketStat] = {}
        lost = False
        if self._destroyed is not None:
            freed, lost = self._destroyed.drain()
            finals = {identity(stat): stat for stat in freed}
        current = {key: stat for stat in listing if (key := identity(stat)) is not None}
        previous = self._previous
        if previous is None:
            sample = SocketsSample(now, None, listing, list(listing), [], {}, lost)
        else:
            elapsed = now - self._previous_monotonic
            deltas: dict[int, SampleDelta] = {}
            appeared = []
            for key, stat in current.items():
                if key not in previous:
                    appeared.append(stat)
            vanished = [finals.get(key, stat) for key, stat in self._awaiting_final.items()]
            awaiting: dict[int, SocketStat] = {}
            for key, stat in previous.items():
                if key in current:
                    continue
                if key in finals or self._destroyed is None or stat.connection_info is None:
                    vanished.append(finals.get(key, stat))
                else:
                    # A full TCP socket (listed with tcp_info): the kernel will send its record.
                    awaiting[key] = stat
            self._awaiting_final = awaiting
            for key, earlier in previous.items():
                later = current.get(key)
                if later is None or later.connection_info is None:
                    later = finals.get(key, later)
                if later is not None and sys.platform != "darwin":
                    # macOS lists no byte or segment counters (xtcpcb_n has none): no deltas.
                    delta = _listed_delta(later, earlier, elapsed)
                    if delta is not None:
                        deltas[key] = delta
            sample = SocketsSample(now, elapsed, listing, appeared, vanished, deltas, lost)
        self._previous = current
        self._previous_monotonic = now
        return sample
