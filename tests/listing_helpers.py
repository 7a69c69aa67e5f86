"""Independent sources for test_listing: SO_COOKIE read raw, ss(8) output parsed, and a minimal
sock_diag request of our own that tells which dumps this kernel answers."""

from __future__ import annotations

import errno
import ipaddress
import os
import random
import re
import socket
import struct
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

T = TypeVar("T")

SO_COOKIE = 57  # include/uapi/asm-generic/socket.h
SO_MEMINFO = 55
NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLMSG_ERROR, NLMSG_DONE = 2, 3
INET_DIAG_REQ_PROTOCOL = 3
IPPROTO_UDPLITE = 136
IPPROTO_MPTCP = 262

# Every dump a kind="all" listing makes, as (family, protocol) — the names the spec gives.
DUMPS: dict[str, tuple[int, int]] = {
    "tcp4": (socket.AF_INET, socket.IPPROTO_TCP), "tcp6": (socket.AF_INET6, socket.IPPROTO_TCP),
    "udp4": (socket.AF_INET, socket.IPPROTO_UDP), "udp6": (socket.AF_INET6, socket.IPPROTO_UDP),
    "udplite4": (socket.AF_INET, IPPROTO_UDPLITE), "udplite6": (socket.AF_INET6, IPPROTO_UDPLITE),
    "raw4": (socket.AF_INET, socket.IPPROTO_RAW), "raw6": (socket.AF_INET6, socket.IPPROTO_RAW),
    "mptcp4": (socket.AF_INET, IPPROTO_MPTCP), "mptcp6": (socket.AF_INET6, IPPROTO_MPTCP),
    "unix": (socket.AF_UNIX, 0),
}

# tcp_info members (and the portable figures derived from them) that move with the clock alone.
MOVING = {"tcpi_last_data_sent", "tcpi_last_data_recv", "tcpi_last_ack_recv", "tcpi_pacing_rate",
          "tcpi_busy_time", "tcpi_rwnd_limited", "tcpi_sndbuf_limited", "tcpi_rto", "tcpi_ato",
          "rto",
          # includes the RTO recovery under way (tcp_get_info adds now - rto_stamp): SYN_SENT
          "tcpi_total_rto_time"}


def cookie(sock: socket.socket) -> int:
    """SO_COOKIE, read raw: the key every listed record is matched by."""
    return struct.unpack("Q", sock.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]  # type: ignore[no-any-return]


def inode(sock: socket.socket) -> int:
    return os.fstat(sock.fileno()).st_ino


def unique_loopback() -> str:
    """A 127/8 address no other test (or concurrent run) uses: filters on it see only ours."""
    return "127.{}.{}.{}".format(*(random.randint(1, 254) for _ in range(3)))


# ---------------------------------------------------------------------------------------------
# Our own sock_diag probe: does this kernel answer a dump for (family, protocol)?


def dump_error(name: str) -> int | None:
    """The errno the kernel answers a dump request for DUMPS[name] with, None if it answers.

    A missing handler (module absent or not built: CONFIG_INET_RAW_DIAG=n here) shows up as
    ENOENT, either in NLMSG_ERROR or in NLMSG_DONE's payload (kernels since 6.9 answer inet
    dumps this way)."""
    family, protocol = DUMPS[name]
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG) as nl:
        if family == socket.AF_UNIX:
            # struct unix_diag_req: family, protocol, pad, states, ino, show, cookie[2]
            body = struct.pack("=BBHIIIII", family, 0, 0, 0xFFFFFFFF, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF)
        else:
            # struct inet_diag_req_v2 (+ raw protocol in the pad byte) + INET_DIAG_REQ_PROTOCOL
            body = struct.pack("=BBBBI", family, protocol & 0xFF if protocol < 256 else 0, 0,
                               socket.IPPROTO_RAW if protocol == socket.IPPROTO_RAW else 0,
                               0xFFFFFFFF)
            body += bytes(40) + struct.pack("=II", 0xFFFFFFFF, 0xFFFFFFFF)
            if protocol > 255:
                body += struct.pack("=HHI", 8, INET_DIAG_REQ_PROTOCOL, protocol)
        nl.send(struct.pack("=IHHII", 16 + len(body), SOCK_DIAG_BY_FAMILY, 0x301, 1, 0) + body)
        while True:
            data = nl.recv(1 << 16)
            offset = 0
            while offset + 16 <= len(data):
                length, kind = struct.unpack_from("=IH", data, offset)
                if kind in (NLMSG_ERROR, NLMSG_DONE):
                    code = struct.unpack_from("=i", data, offset + 16)[0] if length >= 20 else 0
                    return -code if code < 0 else None
                offset += (length + 3) & ~3


def absent_dumps() -> dict[str, int]:
    return {name: error for name in DUMPS if (error := dump_error(name)) is not None}


def kernel_config(option: str) -> str | None:
    """The value of CONFIG_<option> in /proc/config.gz: 'y', 'm', 'n' (is not set), or None if
    the running kernel does not publish its configuration."""
    import gzip
    try:
        with gzip.open("/proc/config.gz", "rt") as config:
            text = config.read()
    except OSError:
        return None
    if re.search(rf"^# CONFIG_{option} is not set$", text, re.M):
        return "n"
    match = re.search(rf"^CONFIG_{option}=(\S+)$", text, re.M)
    return match.group(1) if match else "n"


# ---------------------------------------------------------------------------------------------
# ss(8) from iproute2


SS_STATES = {"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECEIVED",
             "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2", "TIME-WAIT": "TIME_WAIT",
             "UNCONN": "CLOSED", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
             "LISTEN": "LISTEN", "CLOSING": "CLOSING"}
# ss's timer names (ss.c tmr_name[]) and socketstat's.
SS_TIMERS = {"on": "retransmit", "keepalive": "keepalive", "timewait": "time_wait",
             "persist": "zero_window_probe"}
# ss -e prints the shutdown mask as an arrow: bit 1 (receive shut) blanks '<', bit 2 '>'.
SS_SHUTDOWN = {"<->": 0, "-->": 1, "<--": 2, "---": 3}


@dataclass
class SsInet:
    state: str
    recv_q: int
    send_q: int
    local: tuple[str, int]
    peer: tuple[str, int] | None
    inode: int
    cookie: int
    fields: dict[str, str] = field(default_factory=dict)
    timer: tuple[str, int] | None = None  # (socketstat timer name, retransmits)
    shutdown: int | None = None
    line: str = ""


def _endpoint(text: str) -> tuple[str, int] | None:
    host, _, port = text.rpartition(":")
    if port == "*":
        return None
    host = host.strip("[]")
    if "%" in host:
        host = host.split("%")[0]
    return host, int(port)


def ss_inet(options: str, *filter_expression: str) -> dict[int, SsInet]:
    """`ss -<options>aeOH [filter]` (options: "ti", "u", "M", ...) as records keyed by cookie."""
    result = subprocess.run(["ss", f"-{options}aeOH", *filter_expression],
                            check=True, capture_output=True, text=True)
    records: dict[int, SsInet] = {}
    for line in result.stdout.splitlines():
        if not line.strip():
            continue
        parts = line.split()
        if parts[0] not in SS_STATES:  # an ss given several protocols prints a Netid column
            parts = parts[1:]
        state, recv_q, send_q, local, peer = parts[:5]
        named = dict(re.findall(r"(?:^|\s)([a-z_]+):(\S+)", line))
        timer = re.search(r"timer:\((\w+),[^,]*,(\d+)\)", line)
        shutdown = next((SS_SHUTDOWN[token] for token in parts if token in SS_SHUTDOWN), None)
        local_endpoint = _endpoint(local)
        assert local_endpoint is not None, line
        record = SsInet(SS_STATES[state], int(recv_q), int(send_q), local_endpoint,
                        _endpoint(peer), int(named["ino"]), int(named["sk"], 16), named,
                        (SS_TIMERS.get(timer.group(1), timer.group(1)), int(timer.group(2)))
                        if timer else None, shutdown, line)
        records[record.cookie] = record
    return records


@dataclass
class SsUnix:
    netid: str
    state: str
    recv_q: int
    send_q: int
    local: str  # "*" unnamed, "@name" abstract, or the path
    inode: int
    peer_inode: int
    shutdown: int | None
    line: str


def ss_unix() -> dict[int, SsUnix]:
    """`ss -xaeOH` keyed by socket inode (ss prints no cookie for Unix sockets)."""
    result = subprocess.run(["ss", "-xaeOH"], check=True, capture_output=True, text=True)
    records: dict[int, SsUnix] = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) < 8:
            continue
        netid, state, recv_q, send_q, local, local_inode, _peer, peer_inode = parts[:8]
        shutdown = next((SS_SHUTDOWN[token] for token in parts[8:] if token in SS_SHUTDOWN), None)
        records[int(local_inode)] = SsUnix(netid, SS_STATES[state], int(recv_q), int(send_q),
                                           local, int(local_inode), int(peer_inode), shutdown, line)
    return records


def ss_unix_name(address: object) -> str:
    """How ss prints a Unix socket's own name."""
    if address in ("", None):
        return "*"
    if isinstance(address, bytes):
        return "@" + address[1:].decode()
    return str(address)


# ---------------------------------------------------------------------------------------------
# Comparing a listed record with socketstat(fd, details=True) of the same socket


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in ("connection_info", "socket_info", "meminfo"):
            flat[prefix + key] = "present"
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


# What the spec says both paths fill for every socket (None on both sides allowed, e.g. a
# listener's remote_address): these must agree even when one side is None.
BOTH_FILL = {"socket_info.family", "socket_info.type", "socket_info.protocol",
             "socket_info.local_address", "socket_info.remote_address", "socket_info.inode",
             "socket_info.cookie", "socket_info.uid", "state", "unsent", "accept_queue_limit",
             "accept_queue", "unreceived", "connection_info"}
# Spec'd differences, per protocol: UDP-like listings leave unreceived None (rqueue is memory),
# a Unix listener's accept queue is not read on the fd path.
NOT_COMPARED = {"receive_queue_memory", "socket_info.processes"}


def comparable(listed: dict[str, Any], own: dict[str, Any], protocol: int, family: int
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two records restricted to what both must agree on: every key the spec says both fill,
    and every other key both filled (a figure one path leaves None is not compared)."""
    a, b = flatten(listed), flatten(own)
    udp_like = (protocol in (socket.IPPROTO_UDP, IPPROTO_UDPLITE)
                or listed["socket_info"]["type"] == "SOCK_RAW")
    left: dict[str, Any] = {}
    right: dict[str, Any] = {}
    for key in sorted(set(a) | set(b)):
        name = key.rsplit(".", 1)[-1]
        if key in NOT_COMPARED or name in MOVING:
            continue
        if udp_like and key == "unreceived":
            continue
        if family == socket.AF_UNIX and key in ("accept_queue", "accept_queue_limit"):
            continue
        must = key in BOTH_FILL
        if must or (a.get(key) is not None and b.get(key) is not None):
            left[key], right[key] = a.get(key), b.get(key)
    return left, right


def ip_in(address: object, network: str) -> bool:
    """Whether a listed (host, port, ...) address lies in network, v4-mapped IPv6 as IPv4."""
    assert isinstance(address, tuple), address
    host = ipaddress.ip_address(address[0])
    if isinstance(host, ipaddress.IPv6Address) and host.ipv4_mapped is not None:
        host = host.ipv4_mapped
    net = ipaddress.ip_network(network, strict=False)
    if isinstance(net, ipaddress.IPv6Network) and net.prefixlen >= 96 and \
            net.network_address.ipv4_mapped is not None:
        net = ipaddress.ip_network(f"{net.network_address.ipv4_mapped}/{net.prefixlen - 96}")
    return host.version == net.version and host in net


def readable_errno(error: int) -> str:
    return errno.errorcode.get(error, str(error))


def wait_for(read: Callable[[], T], expected: object, *, timeout: float = 10.0) -> T:
    """Poll read() until it returns expected (a delayed ACK may hold a state back ~40 ms);
    returns the last value read, for the caller's assert to show."""
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.01)
        value = read()
    return value


K = TypeVar("K")


def agree(read: Callable[[], dict[K, tuple[Any, Any]]], *, attempts: int = 100,
          pause: float = 0.02) -> dict[K, tuple[Any, Any]]:
    """Re-read until each key's two sides (a listed record and an independent source) have agreed
    at one moment: values that move on their own (a SYN retransmitted, memory reclaimed on a
    loaded machine) need only one moment of agreement, while a wrong figure never agrees.
    Returns per key the agreeing pair, or the last pair read."""
    result: dict[K, tuple[Any, Any]] = {}
    for _ in range(attempts):
        for key, pair in read().items():
            if key not in result or result[key][0] != result[key][1]:
                result[key] = pair
        if all(left == right for left, right in result.values()):
            break
        time.sleep(pause)
    return result


def disagreements(pairs: dict[K, tuple[Any, Any]]) -> dict[K, Any]:
    """Per key, what differs: {field: (left, right)} for dicts, else the two values."""
    found: dict[K, Any] = {}
    for key, (left, right) in pairs.items():
        if left == right:
            continue
        if isinstance(left, dict) and isinstance(right, dict):
            found[key] = {name: (left.get(name), right.get(name)) for name in left.keys() | right.keys()
                          if left.get(name) != right.get(name)}
        elif isinstance(left, tuple) and isinstance(right, tuple) and len(left) == len(right):
            found[key] = {index: (a, b) for index, (a, b) in enumerate(zip(left, right)) if a != b}
        else:
            found[key] = (left, right)
    return found
