"""What a sockets() call asks for, checked and normalised before any syscall: the same on every
platform, so a bad argument fails the same way everywhere and each backend receives only values
it can trust.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Iterable, NamedTuple, Union

from socketstat._common import AF_UNIX, TcpState

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

# pids and fds are C ints (pid_t, int).
_INT_MAX = 2**31 - 1

# The listings each kind names (psutil's vocabulary, plus the protocols sock_diag also dumps),
# each as (name, protocol, family). "all" is every protocol a listing can know.
_TCP = (("tcp4", "tcp", socket.AF_INET), ("tcp6", "tcp", socket.AF_INET6))
_UDP = (("udp4", "udp", socket.AF_INET), ("udp6", "udp", socket.AF_INET6))
_UDPLITE = (("udplite4", "udplite", socket.AF_INET), ("udplite6", "udplite", socket.AF_INET6))
_RAW = (("raw4", "raw", socket.AF_INET), ("raw6", "raw", socket.AF_INET6))
_MPTCP = (("mptcp4", "mptcp", socket.AF_INET), ("mptcp6", "mptcp", socket.AF_INET6))
_UNIX = (("unix", "unix", AF_UNIX),)

KINDS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "tcp": _TCP,
    "tcp4": _TCP[:1],
    "tcp6": _TCP[1:],
    "udp": _UDP,
    "udp4": _UDP[:1],
    "udp6": _UDP[1:],
    "inet": _TCP + _UDP,
    "inet4": _TCP[:1] + _UDP[:1],
    "inet6": _TCP[1:] + _UDP[1:],
    "unix": _UNIX,
    "all": _TCP + _UDP + _UDPLITE + _RAW + _MPTCP + _UNIX,
    "mptcp": _MPTCP,
    "raw": _RAW,
    "udplite": _UDPLITE,
}


class Listing(list):  # type: ignore[type-arg]  # typed in the stubs as list[SocketStat]
    """The sockets one sockets() call listed, in the order the kernel gave them.

    ``skipped`` names each listing the kernel could not give (its sock_diag module is absent,
    say) with the error it answered; asking for that listing alone raises the error instead.
    """

    skipped: dict[str, OSError]

    def __init__(self, records: Iterable[object] = (), skipped: dict[str, OSError] | None = None):
        super().__init__(records)
        self.skipped = {} if skipped is None else skipped


class Query(NamedTuple):
    """A sockets() call's arguments, checked. ``dumps`` holds only the listings that can match:
    an IPv6 address filter drops the IPv4 ones, a port or address filter drops Unix sockets."""

    dumps: tuple[tuple[str, str, int], ...]
    states: frozenset[TcpState] | None
    local_port: int | None
    remote_port: int | None
    local_network: Network | None
    remote_network: Network | None
    pid: int | None
    processes: bool
    details: bool
    netns: str | bytes | int | None


def parse(kind: object, states: object, local_port: object, remote_port: object,
          local_address: object, remote_address: object, pid: object, processes: object,
          details: object, netns: object) -> Query:
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, not {type(kind).__name__}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}; not {kind!r}")
    local_network = None if local_address is None else parse_network("local_address",
                                                                      local_address)
    remote_network = None if remote_address is None else parse_network("remote_address",
                                                                        remote_address)
    query = Query(
        dumps=KINDS[kind],
        states=_states(states),
        local_port=_port("local_port", local_port),
        remote_port=_port("remote_port", remote_port),
        local_network=local_network,
        remote_network=remote_network,
        pid=_pid(pid),
        processes=bool(processes),
        details=bool(details),
        netns=_netns(netns),
    )
    return _without_impossible_dumps(query)


def _without_impossible_dumps(query: Query) -> Query:
    dumps = query.dumps
    networks = [n for n in (query.local_network, query.remote_network) if n is not None]
    if networks or query.local_port is not None or query.remote_port is not None:
        dumps = tuple(dump for dump in dumps if dump[2] != AF_UNIX)
    if any(network.version == 6 for network in networks):
        # An IPv4 socket never has an IPv6 address (an IPv4 prefix, on the other hand, also
        # matches IPv6 sockets' v4-mapped addresses).
        dumps = tuple(dump for dump in dumps if dump[2] != socket.AF_INET)
    return query._replace(dumps=dumps)


def _states(states: object) -> frozenset[TcpState] | None:
    if states is None:
        return None
    if isinstance(states, TcpState):
        return frozenset((states,))
    if isinstance(states, (str, bytes)) or not hasattr(states, "__iter__"):
        raise TypeError(f"states must be an iterable of TcpState members, not "
                        f"{type(states).__name__}")
    members = frozenset(states)
    for member in members:
        if not isinstance(member, TcpState):
            raise TypeError(f"states must hold TcpState members, not {member!r} (a "
                            f"{type(member).__name__}): use e.g. TcpState.ESTABLISHED")
    return members


def _port(name: str, port: object) -> int | None:
    if port is None:
        return None
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"{name} must be an int, not {type(port).__name__}")
    if not 0 <= port <= 65535:
        raise ValueError(f"{name} must be a port number from 0 to 65535, not {port}")
    return int(port)


def parse_network(name: str, address: object) -> Network:
    """An address or prefix filter as a network; ValueError or TypeError naming ``name``."""
    if isinstance(address, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)):
        # An interface (an address with its prefix, itself an address subclass): its network.
        network: Network = address.network
    elif isinstance(address, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        network = ipaddress.ip_network(address)
    elif isinstance(address, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        network = address
    elif isinstance(address, str):
        try:
            network = ipaddress.ip_network(address, strict=False)
        except ValueError as error:
            raise ValueError(f"{name} must be an IP address or prefix such as '10.0.0.0/8' or "
                             f"'::1': {error}") from None
    else:
        raise TypeError(f"{name} must be a str or an ipaddress address or network, not "
                        f"{type(address).__name__}")
    if network.version == 6:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None and network.prefixlen >= 96:
            # ::ffff:a.b.c.d/N is the IPv4 prefix a.b.c.d/(N-96), which matches IPv4 sockets and
            # IPv6 sockets' v4-mapped addresses alike.
            return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network


def _pid(pid: object) -> int | None:
    if pid is None:
        return None
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise TypeError(f"pid must be an int, not {type(pid).__name__}")
    if not 0 < pid <= _INT_MAX:
        raise ValueError(f"pid must be a process id from 1 to {_INT_MAX}, not {pid}")
    return int(pid)


def _netns(netns: object) -> str | bytes | int | None:
    if netns is None:
        return None
    if isinstance(netns, bool):
        raise TypeError("netns must be a path or an open fd, not bool")
    if isinstance(netns, int):
        if not 0 <= netns <= _INT_MAX:
            raise ValueError(f"netns must be a path or an open fd (0 to {_INT_MAX}), not {netns}")
        return netns
    if isinstance(netns, (str, bytes, os.PathLike)):
        return os.fspath(netns)
    raise TypeError(f"netns must be a path (str, bytes, os.PathLike) or an open fd (int), not "
                    f"{type(netns).__name__}")
