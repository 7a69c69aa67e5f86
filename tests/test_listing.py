"""socketstat.sockets(): every socket of a network namespace, listed through sock_diag.

Real sockets on loopback in known states, each listed record checked against socketstat(fd) of
the same socket (matched by cookie), against ss(8) from iproute2, and against what the test set
up; every filter shown to include and to exclude; other users, processes and namespaces from
child processes. The IPv4 sockets sit on 127/8 addresses drawn at random per test, so exact set
comparisons are not disturbed by whatever else the host runs.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("sockets(): the Linux sock_diag listing", allow_module_level=True)

from conftest import settle
from listing_helpers import (
    DUMPS,
    IPPROTO_MPTCP,
    IPPROTO_UDPLITE,
    SsInet,
    absent_dumps,
    agree,
    comparable,
    cookie,
    disagreements,
    inode,
    ip_in,
    kernel_config,
    readable_errno,
    ss_inet,
    ss_unix,
    ss_unix_name,
    unique_loopback,
    wait_for,
)
from socketstat import (
    SocketInfo,
    SocketOwner,
    SocketsSampler,
    SocketStat,
    TcpState,
    sockets,
    socketstat,
)

# The dumps each kind makes (the spec's table).
KIND_DUMPS = {
    "tcp": {"tcp4", "tcp6"}, "tcp4": {"tcp4"}, "tcp6": {"tcp6"},
    "udp": {"udp4", "udp6"}, "udp4": {"udp4"}, "udp6": {"udp6"},
    "inet": {"tcp4", "tcp6", "udp4", "udp6"}, "inet4": {"tcp4", "udp4"}, "inet6": {"tcp6", "udp6"},
    "unix": {"unix"}, "mptcp": {"mptcp4", "mptcp6"}, "raw": {"raw4", "raw6"},
    "udplite": {"udplite4", "udplite6"}, "all": set(DUMPS),
}


def dump_of(record: SocketStat) -> str:
    """Which dump a listed record came from, by its own family, type and protocol."""
    info = record.socket_info
    if info.family == socket.AF_UNIX:
        return "unix"
    suffix = "4" if info.family == socket.AF_INET else "6"
    if info.type == socket.SOCK_RAW:
        return "raw" + suffix
    name = {socket.IPPROTO_TCP: "tcp", socket.IPPROTO_UDP: "udp", IPPROTO_UDPLITE: "udplite",
            IPPROTO_MPTCP: "mptcp"}[info.protocol]
    return name + suffix


def by_cookie(listing: list[SocketStat]) -> dict[int, SocketStat]:
    found: dict[int, SocketStat] = {}
    for record in listing:
        key = record.socket_info.cookie
        assert key is not None, record
        assert key not in found, f"cookie {key} listed twice"
        found[key] = record
    return found


def thread_netns() -> str:
    return os.readlink("/proc/thread-self/ns/net")


# ---------------------------------------------------------------------------------------------
# The zoo: sockets in known states


@dataclass
class Entry:
    name: str
    dump: str                  # which sock_diag dump lists it: "tcp4", "udp6", "unix", ...
    filed: TcpState            # the state the kernel files it under (what states= selects)
    cookie: int
    local: Any
    remote: Any
    sock: socket.socket | None  # None: no fd (TIME_WAIT, a request sock, an unaccepted child)

    @property
    def state(self) -> TcpState | None:
        """What SocketStat.state says: TCP and MPTCP only."""
        return self.filed if self.dump.startswith(("tcp", "mptcp")) else None


def peer(sock: socket.socket) -> Any:
    try:
        return sock.getpeername()
    except OSError:
        return None


def tcp_state(sock: socket.socket) -> TcpState | None:
    info = socketstat(sock).connection_info
    return None if info is None else info.state


class Zoo:
    """One socket in each state the brief names, on two random 127/8 addresses (A: servers,
    B: clients), ::1, and Unix names in a fresh directory."""

    def __init__(self, stack: ExitStack) -> None:
        self.entries: dict[str, Entry] = {}
        self.stack = stack
        base = unique_loopback().rsplit(".", 1)[0]
        self.net = f"{base}.0/24"
        self.a, self.b = f"{base}.10", f"{base}.20"
        self.directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sst")))
        self._tcp()
        self._udp()
        self._unix()
        self._mptcp()

    def keep(self, sock: socket.socket) -> socket.socket:
        return self.stack.enter_context(sock)

    def add(self, name: str, sock: socket.socket, dump: str, filed: TcpState) -> None:
        self.entries[name] = Entry(name, dump, filed, cookie(sock), sock.getsockname(), peer(sock),
                                   sock)

    def client(self, address: tuple[str, int], family: socket.AddressFamily = socket.AF_INET,
               source: str | None = None) -> socket.socket:
        sock = self.keep(socket.socket(family, socket.SOCK_STREAM))
        sock.bind((self.b if source is None else source, 0))
        sock.connect(address)
        return sock

    def _tcp(self) -> None:
        a, b = self.a, self.b
        listener = self.keep(socket.create_server((a, 0), backlog=8))
        self.port = listener.getsockname()[1]
        client = self.keep(socket.socket())
        client.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 600)
        client.bind((b, 0))
        client.connect((a, self.port))
        server = self.keep(listener.accept()[0])
        client.sendall(b"c" * 1000)  # unread both ways
        server.sendall(b"s" * 500)
        self.add("listener", listener, "tcp4", TcpState.LISTEN)
        self.add("client", client, "tcp4", TcpState.ESTABLISHED)
        self.add("server", server, "tcp4", TcpState.ESTABLISHED)

        fin_client = self.client((a, self.port))
        fin_server = self.keep(listener.accept()[0])
        fin_client.sendall(b"f" * 7)
        fin_client.shutdown(socket.SHUT_WR)
        assert wait_for(lambda: (tcp_state(fin_client), tcp_state(fin_server)),
                        (TcpState.FIN_WAIT_2, TcpState.CLOSE_WAIT)) == (
            TcpState.FIN_WAIT_2, TcpState.CLOSE_WAIT)
        self.add("fin_wait_2", fin_client, "tcp4", TcpState.FIN_WAIT_2)
        self.add("close_wait", fin_server, "tcp4", TcpState.CLOSE_WAIT)

        # TIME_WAIT: the active closer, once the peer closed too. The timewait sock inherits the
        # socket's cookie (inet_twsk_alloc copies sk_cookie), so it is matched as before.
        tw_client = socket.socket()
        tw_client.bind((b, 0))
        tw_client.connect((a, self.port))
        tw_server = listener.accept()[0]
        entry = Entry("time_wait", "tcp4", TcpState.TIME_WAIT, cookie(tw_client),
                      tw_client.getsockname(), tw_client.getpeername(), None)
        tw_client.close()
        assert wait_for(lambda: tcp_state(tw_server), TcpState.CLOSE_WAIT) is TcpState.CLOSE_WAIT
        tw_server.close()
        local = f"{entry.local[0]}:{entry.local[1]}"
        assert wait_for(lambda: [r.state for r in ss_inet("t", "src", local).values()],
                        ["TIME_WAIT"]) == ["TIME_WAIT"]
        self.entries["time_wait"] = entry

        # SYN_SENT: a listener with backlog 0 whose accept queue is full drops further SYNs
        # (tcp_conn_request: sk_acceptq_is_full -> drop), so the next client keeps retrying.
        full = self.keep(socket.create_server((a, 0), backlog=0))
        self.full_port = full.getsockname()[1]
        queued = self.client((a, self.full_port))
        assert wait_for(lambda: socketstat(full).accept_queue, 1) == 1
        syn_sent = self.keep(socket.socket())
        syn_sent.bind((b, 0))
        syn_sent.setblocking(False)
        assert syn_sent.connect_ex((a, self.full_port)) == errno.EINPROGRESS
        assert wait_for(lambda: tcp_state(syn_sent), TcpState.SYN_SENT) is TcpState.SYN_SENT
        self.add("full_listener", full, "tcp4", TcpState.LISTEN)
        self.add("queued_client", queued, "tcp4", TcpState.ESTABLISHED)
        self.add("syn_sent", syn_sent, "tcp4", TcpState.SYN_SENT)
        self.entries["syn_sent"].remote = (a, self.full_port)  # getpeername: ENOTCONN as yet
        # The child waiting in the accept queue has no fd (inode 0): its cookie from ss.
        child = ss_inet("t", "src", f"{a}:{self.full_port}", "dst",
                        f"{queued.getsockname()[0]}:{queued.getsockname()[1]}")
        assert len(child) == 1, child
        (child_cookie, line), = child.items()
        self.entries["queued_child"] = Entry("queued_child", "tcp4", TcpState.ESTABLISHED,
                                             child_cookie, line.local, line.peer, None)

        # SYN_RECEIVED: with TCP_DEFER_ACCEPT the listener drops the handshake's bare ACK and
        # keeps the request sock (NEW_SYN_RECV) until data comes; the client is ESTABLISHED.
        deferring = self.keep(socket.socket())
        deferring.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 60)
        deferring.bind((a, 0))
        deferring.listen(4)
        self.defer_port = deferring.getsockname()[1]
        deferred = self.client((a, self.defer_port))
        self.add("defer_listener", deferring, "tcp4", TcpState.LISTEN)
        self.add("deferred_client", deferred, "tcp4", TcpState.ESTABLISHED)

        def requests() -> list[SsInet]:
            return [line for line in ss_inet("t", "src", f"{a}:{self.defer_port}").values()
                    if line.state == "SYN_RECEIVED"]

        assert wait_for(lambda: len(requests()), 1) == 1
        request = requests()
        self.entries["request"] = Entry("request", "tcp4", TcpState.SYN_RECEIVED, request[0].cookie,
                                        request[0].local, request[0].peer, None)

        listener6 = self.keep(socket.create_server(("::1", 0), family=socket.AF_INET6))
        self.port6 = listener6.getsockname()[1]
        client6 = self.client(("::1", self.port6), socket.AF_INET6, source="::1")
        server6 = self.keep(listener6.accept()[0])
        client6.sendall(b"6" * 300)
        self.add("listener6", listener6, "tcp6", TcpState.LISTEN)
        self.add("client6", client6, "tcp6", TcpState.ESTABLISHED)
        self.add("server6", server6, "tcp6", TcpState.ESTABLISHED)

        dual = self.keep(socket.socket(socket.AF_INET6, socket.SOCK_STREAM))
        dual.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        dual.bind(("::", 0))
        dual.listen(4)
        self.dual_port = dual.getsockname()[1]
        mapped_client = self.client((a, self.dual_port))
        mapped_server = self.keep(dual.accept()[0])
        assert mapped_server.getsockname()[0] == f"::ffff:{a}"
        self.add("dual_listener", dual, "tcp6", TcpState.LISTEN)
        self.add("mapped_client", mapped_client, "tcp4", TcpState.ESTABLISHED)
        self.add("mapped_server", mapped_server, "tcp6", TcpState.ESTABLISHED)

        assert wait_for(lambda: (socketstat(server).unreceived, socketstat(client).unreceived,
                                 socketstat(server6).unreceived), (1000, 500, 300)) == (1000, 500, 300)

    def _udp(self) -> None:
        receiver = self.keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        receiver.bind((self.a, 0))
        sender = self.keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        sender.bind((self.b, 0))
        sender.connect(receiver.getsockname())
        sender.send(b"1" * 100)
        sender.send(b"2" * 200)
        udp6 = self.keep(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
        udp6.bind(("::1", 0))
        self.add("udp_receiver", receiver, "udp4", TcpState.CLOSED)
        self.add("udp_sender", sender, "udp4", TcpState.ESTABLISHED)
        self.add("udp6", udp6, "udp6", TcpState.CLOSED)
        assert wait_for(lambda: socketstat(receiver).unreceived, 100) == 100
        try:
            lite = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, IPPROTO_UDPLITE)
        except OSError:  # a kernel without UDP-Lite: nothing to list
            return
        self.keep(lite).bind((self.a, 0))
        self.add("udplite", lite, "udplite4", TcpState.CLOSED)

    def _unix(self) -> None:
        path = str(self.directory / "stream")
        listener = self.keep(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        listener.bind(path)
        listener.listen(4)
        client = self.keep(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        client.connect(path)
        server = self.keep(listener.accept()[0])
        client.sendall(b"u" * 10)
        abstract = self.keep(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
        abstract.bind(b"\0socketstat-listing-" + os.urandom(6).hex().encode())
        left, right = socket.socketpair()
        self.keep(left), self.keep(right)
        left.sendall(b"p" * 3)
        dgram_path = str(self.directory / "dgram")
        receiver = self.keep(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
        receiver.bind(dgram_path)
        sender = self.keep(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
        sender.connect(dgram_path)
        sender.send(b"12345")
        self.add("unix_listener", listener, "unix", TcpState.LISTEN)
        self.add("unix_client", client, "unix", TcpState.ESTABLISHED)
        self.add("unix_server", server, "unix", TcpState.ESTABLISHED)
        self.add("unix_abstract", abstract, "unix", TcpState.CLOSED)
        self.add("unix_pair_left", left, "unix", TcpState.ESTABLISHED)
        self.add("unix_pair_right", right, "unix", TcpState.ESTABLISHED)
        # connect() of a datagram socket files both ends ESTABLISHED on current kernels (ss
        # shows it); the receiver's state is taken from ss rather than assumed.
        self.add("unix_dgram_receiver", receiver, "unix",
                 TcpState(ss_unix()[inode(receiver)].state))
        self.add("unix_dgram_sender", sender, "unix", TcpState.ESTABLISHED)

    def _mptcp(self) -> None:
        try:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
        except OSError:  # net.mptcp.enabled=0 or no MPTCP in this kernel
            return
        self.keep(listener).bind((self.a, 0))
        listener.listen(4)
        client = self.keep(socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP))
        client.bind((self.b, 0))
        client.connect(listener.getsockname())
        server = self.keep(listener.accept()[0])
        self.add("mptcp_listener", listener, "mptcp4", TcpState.LISTEN)
        self.add("mptcp_client", client, "mptcp4", TcpState.ESTABLISHED)
        self.add("mptcp_server", server, "mptcp4", TcpState.ESTABLISHED)

    def with_fd(self) -> list[Entry]:
        return [entry for entry in self.entries.values() if entry.sock is not None]

    def cookies(self) -> set[int]:
        return {entry.cookie for entry in self.entries.values()}

    def listed(self, listing: list[SocketStat]) -> set[str]:
        """The zoo's names among a listing's records."""
        names = {entry.cookie: entry.name for entry in self.entries.values()}
        return {names[key] for record in listing
                if (key := record.socket_info.cookie) is not None and key in names}


@pytest.fixture
def zoo() -> Iterator[Zoo]:
    with ExitStack() as stack:
        yield Zoo(stack)


# ---------------------------------------------------------------------------------------------
# Each record against socketstat(fd) of the same socket


def test_every_record_matches_socketstat_of_the_same_socket(zoo: Zoo) -> None:
    def read() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        listed = by_cookie(sockets("all", details=True))
        pairs = {}
        for entry in zoo.with_fd():
            assert entry.cookie in listed, f"{entry.name} not listed"
            record = listed[entry.cookie]
            own = socketstat(entry.sock, details=True)  # type: ignore[arg-type]
            assert own.socket_info.cookie == entry.cookie
            left, right = comparable(record.to_dict(), own.to_dict(), own.socket_info.protocol,
                                     own.socket_info.family)
            if entry.name == "syn_sent":
                # getpeername() fails before the handshake; the kernel's record has the
                # destination already (see test_records_carry_the_state_and_identity...).
                left.pop("socket_info.remote_address"), right.pop("socket_info.remote_address")
            if entry.dump.startswith("mptcp"):
                # Spec: a listed MPTCP socket has no tcp_info (its INFO is mptcp_info); the fd
                # path reads its first subflow's. The spec does not say what an MPTCP record's
                # queues are (sock_diag gives memory for them, not bytes): None is allowed, a
                # figure must agree with the fd path.
                left = {k: v for k, v in left.items() if not k.startswith("connection_info")}
                right = {k: v for k, v in right.items() if not k.startswith("connection_info")}
                for key in ("unreceived", "unsent", "accept_queue", "accept_queue_limit"):
                    if left.get(key) is None:
                        left.pop(key, None), right.pop(key, None)
            pairs[entry.name] = (left, right)
        return pairs

    assert disagreements(agree(read)) == {}, "{name: {field: (listed, fd path)}}"


def test_a_listing_is_a_list_of_records_with_skipped(zoo: Zoo) -> None:
    listing = sockets("all", processes=True)
    assert isinstance(listing, list) and type(listing).__name__ == "Listing"
    assert isinstance(listing.skipped, dict)
    assert all(type(record) is SocketStat for record in listing)
    ours = [record.to_dict() for record in listing if record.socket_info.cookie in zoo.cookies()]
    assert len(ours) == len(zoo.entries)
    assert json.loads(json.dumps(ours)) == ours
    me = {"pid": os.getpid(), "fd": zoo.entries["client"].sock.fileno(),  # type: ignore[union-attr]
          "name": Path("/proc/self/comm").read_text().strip()}
    client = next(data for data in ours if data["socket_info"]["cookie"] == zoo.entries["client"].cookie)
    assert client["socket_info"]["processes"] == [me]
    assert client["state"] == "ESTABLISHED"


def test_records_carry_the_state_and_identity_the_test_set_up(zoo: Zoo) -> None:
    listed = by_cookie(sockets("all", details=True))
    for entry in zoo.entries.values():
        record = listed[entry.cookie]
        info = record.socket_info
        assert record.state is entry.state, entry.name
        assert info.local_address == entry.local, entry.name
        assert info.remote_address == entry.remote, entry.name
        assert dump_of(record) == entry.dump, entry.name
        assert info.processes is None, entry.name  # not asked for
        if entry.sock is not None:
            assert info.inode == inode(entry.sock), entry.name
            assert info.uid == os.fstat(entry.sock.fileno()).st_uid == os.getuid(), entry.name
            assert info.family == entry.sock.family and info.type == entry.sock.type, entry.name


def test_tcp_queues_and_tcp_info(zoo: Zoo) -> None:
    listed = by_cookie(sockets("tcp", details=True))

    def get(name: str) -> SocketStat:
        return listed[zoo.entries[name].cookie]

    assert (get("server").unreceived, get("client").unreceived) == (1000, 500)
    # Bytes waiting to be read, as SIOCINQ counts them: the peer's FIN is not a byte, though
    # sock_diag's rqueue (rcv_nxt - copied_seq) counts it (ss shows 8).
    assert (get("close_wait").unreceived, get("fin_wait_2").unreceived) == (7, 0)
    assert get("server6").unreceived == 300
    for name in ("client", "server", "close_wait", "fin_wait_2", "client6", "server6",
                 "mapped_server", "syn_sent"):
        info = get(name).connection_info
        assert info is not None, name
        assert info.state is zoo.entries[name].filed, name
        assert get(name).receive_queue_memory is None, name
    listener = get("listener")
    assert (listener.unreceived, listener.unsent) == (0, 0)
    assert (listener.accept_queue, listener.accept_queue_limit) == (0, 8)
    full = get("full_listener")
    assert (full.accept_queue, full.accept_queue_limit) == (1, 0)
    client = get("client").connection_info
    assert client is not None
    assert client.tcpi_bytes_acked == 1001 and client.tcpi_bytes_received == 500
    # SYN_SENT: nothing to send yet. The SYN occupies a sequence number (sock_diag's wqueue,
    # write_seq - snd_una, is 1 and ss shows it) but is not a byte: SIOCOUTQ says 0.
    assert get("syn_sent").unsent == 0
    assert get("client").socket_info.congestion_control == zoo.entries["client"].sock.getsockopt(  # type: ignore[union-attr]
        socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode()
    meminfo = get("client").socket_info.meminfo
    assert meminfo is not None
    assert meminfo.rcvbuf == zoo.entries["client"].sock.getsockopt(  # type: ignore[union-attr]
        socket.SOL_SOCKET, socket.SO_RCVBUF)


def test_details_only_when_asked(zoo: Zoo) -> None:
    listed = by_cookie(sockets("tcp4", local_address=zoo.b))
    info = listed[zoo.entries["client"].cookie].socket_info
    assert (info.meminfo, info.congestion_control) == (None, None)
    assert info.cookie == zoo.entries["client"].cookie and info.inode is not None


def test_time_wait_request_and_unaccepted_child_records(zoo: Zoo) -> None:
    listed = by_cookie(sockets("tcp4", local_address=zoo.net, processes=True))
    tw = listed[zoo.entries["time_wait"].cookie]
    assert tw.state is TcpState.TIME_WAIT
    assert tw.connection_info is None
    assert tw.socket_info.inode is None
    assert tw.socket_info.processes == ()
    assert tw.socket_info.timer == "time_wait"
    assert tw.socket_info.timer_expires is not None and 0 <= tw.socket_info.timer_expires <= 60
    request = listed[zoo.entries["request"].cookie]
    assert request.state is TcpState.SYN_RECEIVED
    assert request.connection_info is None  # a request sock has no tcp_info
    assert request.socket_info.inode is None
    assert request.socket_info.processes == ()
    assert request.socket_info.timer == "retransmit"  # the SYN-ACK's
    # The kernel's minimal records say uid 0 for both (inet_twsk_diag_fill, inet_req_diag_fill):
    # a placeholder, like their inode 0, not root's uid.
    assert (tw.socket_info.uid, request.socket_info.uid) == (None, None)
    child = listed[zoo.entries["queued_child"].cookie]
    assert child.state is TcpState.ESTABLISHED
    assert child.socket_info.inode is None  # not accepted: no file yet
    assert child.socket_info.processes == ()
    assert child.connection_info is not None  # a full socket, unlike a request sock


def test_timers_and_shutdown(zoo: Zoo) -> None:
    # Until the server's 500 bytes are acknowledged, its retransmit timer runs: settle first.
    wait_for(lambda: by_cookie(sockets("tcp4", local_address=zoo.a))[zoo.entries["server"].cookie]
             .socket_info.timer, None)
    listed = by_cookie(sockets("tcp4", local_address=zoo.net))

    def get(name: str) -> SocketInfo:
        return listed[zoo.entries[name].cookie].socket_info

    keepalive = get("client")
    assert keepalive.timer == "keepalive"
    assert keepalive.timer_expires is not None and 0 < keepalive.timer_expires <= 600
    assert get("server").timer is None and get("server").timer_expires is None
    syn_sent = get("syn_sent")
    assert syn_sent.timer == "retransmit"
    assert syn_sent.timer_retransmits is not None and syn_sent.timer_retransmits >= 0
    assert (get("fin_wait_2").shutdown, get("close_wait").shutdown, get("server").shutdown) == (
        2, 1, 0)


def test_zero_window_probe_timer() -> None:
    from conftest import fill_until_blocked
    address = unique_loopback()
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.bind((address, 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client, listener.accept()[0] as server:
            fill_until_blocked(client)

            def read() -> tuple[str | None, str | None, bool]:
                record = by_cookie(sockets("tcp4", remote_address=address))[cookie(client)]
                line = ss_inet("t", "src", f"{client.getsockname()[0]}:{client.getsockname()[1]}")
                return (record.socket_info.timer, line[cookie(client)].timer[0]  # type: ignore[index]
                        if line[cookie(client)].timer else None, (record.unsent or 0) > 0)

            # Until the peer's zero window is acknowledged the retransmit timer runs; a loaded
            # host can hold that state for a while, so wait for the probe timer itself.
            expected = ("zero_window_probe", "zero_window_probe", True)
            assert wait_for(read, expected) == expected


def test_cgroup_id_is_the_cgroup_directorys_inode(zoo: Zoo) -> None:
    mounts = [line.split() for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    cgroup2 = [fields[4] for fields in mounts if fields[fields.index("-") + 1] == "cgroup2"]
    paths = [line.split(":", 2)[2] for line in Path("/proc/self/cgroup").read_text().splitlines()
             if line.startswith("0::")]
    if not cgroup2 or not paths:
        pytest.skip("no cgroup v2 hierarchy here")
    expected = os.stat(cgroup2[0] + paths[0].rstrip("/") if paths[0] != "/" else cgroup2[0]).st_ino
    listed = by_cookie(sockets("tcp4", local_address=zoo.a))
    assert listed[zoo.entries["server"].cookie].socket_info.cgroup_id == expected


# ---------------------------------------------------------------------------------------------
# Against ss(8)


def test_tcp_records_against_ss(zoo: Zoo) -> None:
    tcp = [entry for entry in zoo.entries.values() if entry.dump.startswith("tcp")]

    def read() -> dict[str, tuple[tuple[object, ...], tuple[object, ...]]]:
        listed = by_cookie(sockets("tcp", details=True))
        lines = ss_inet("ti", f"( src {zoo.a} or dst {zoo.a} or sport = :{zoo.port6} "
                              f"or dport = :{zoo.port6} or sport = :{zoo.dual_port} )")
        ours: dict[str, tuple[object, ...]] = {}
        theirs: dict[str, tuple[object, ...]] = {}
        for entry in tcp:
            record, line = listed[entry.cookie], lines[entry.cookie]
            info, tcpi = record.socket_info, record.connection_info
            queues = ((record.accept_queue, record.accept_queue_limit) if record.state is TcpState.LISTEN
                      else (record.unreceived, record.unsent))
            ours[entry.name] = (
                record.state.value if record.state else None, queues, info.inode or 0,
                info.local_address[:2], info.remote_address[:2] if info.remote_address else None,  # type: ignore[index]
                info.timer, info.timer_retransmits if info.timer else None, info.shutdown,
                None if tcpi is None or "rtt" not in line.fields else round(tcpi.tcpi_rtt / 1000, 3),
                None if tcpi is None or "cwnd" not in line.fields else tcpi.tcpi_snd_cwnd)
            # ss prints sock_diag's raw queues, which count a received FIN and our own SYN as
            # one sequence number each; socketstat counts bytes (as SIOCINQ/SIOCOUTQ do).
            fin = 1 if line.state in ("CLOSE_WAIT", "LAST_ACK", "CLOSING") else 0
            syn = 1 if line.state == "SYN_SENT" else 0
            # ss writes the dual-stack wildcard "::" as "*".
            local = ("::", line.local[1]) if line.local[0] == "*" else line.local
            theirs[entry.name] = (
                line.state, (line.recv_q - fin, line.send_q - syn), line.inode, local, line.peer,
                line.timer[0] if line.timer else None, line.timer[1] if line.timer else None,
                line.shutdown,
                round(float(line.fields["rtt"].split("/")[0]), 3) if "rtt" in line.fields else None,
                int(line.fields["cwnd"]) if "cwnd" in line.fields else None)
        return {name: (ours[name], theirs[name]) for name in ours}

    assert disagreements(agree(read)) == {}, "{name: {index: (listed, ss)}}"


def test_udp_records_against_ss(zoo: Zoo) -> None:
    udp = [e for e in zoo.entries.values() if e.dump.startswith("udp") and e.dump != "udplite4"]

    def read() -> dict[str, tuple[tuple[object, ...], tuple[object, ...]]]:
        listed = by_cookie(sockets("udp", details=True))
        lines = ss_inet("um", f"( src {zoo.a} or src {zoo.b} or src [::1] )")
        ours: dict[str, tuple[object, ...]] = {}
        theirs: dict[str, tuple[object, ...]] = {}
        for entry in udp:
            record, line = listed[entry.cookie], lines[entry.cookie]
            meminfo = record.socket_info.meminfo
            ours[entry.name] = (record.receive_queue_memory, record.unsent, record.socket_info.inode,
                                meminfo.rmem_alloc if meminfo else None)
            theirs[entry.name] = (line.recv_q, line.send_q, line.inode,
                                  int(line.fields["skmem"].split(",")[0].lstrip("(r")))
        return {name: (ours[name], theirs[name]) for name in ours}

    assert disagreements(agree(read)) == {}, "{name: {index: (listed, ss)}}"
    listed = by_cookie(sockets("udp"))
    receiver = listed[zoo.entries["udp_receiver"].cookie]
    # Spec: UDP's rqueue is receive-buffer memory, so unreceived is None and the memory has its
    # own name; two datagrams (100 + 200 bytes) take more than their payload.
    assert receiver.unreceived is None and receiver.state is None
    assert receiver.receive_queue_memory is not None and receiver.receive_queue_memory > 300
    assert receiver.connection_info is None


def test_unix_records_against_ss(zoo: Zoo) -> None:
    unix = [entry for entry in zoo.entries.values() if entry.dump == "unix"]

    def read() -> dict[str, tuple[tuple[object, ...], tuple[object, ...]]]:
        listed = by_cookie(sockets("unix"))
        lines = ss_unix()
        ours: dict[str, tuple[object, ...]] = {}
        theirs: dict[str, tuple[object, ...]] = {}
        for entry in unix:
            record = listed[entry.cookie]
            info = record.socket_info
            assert info.inode == inode(entry.sock)  # type: ignore[arg-type]
            line = lines[info.inode]
            if entry.filed is TcpState.LISTEN:
                ours[entry.name] = ("LISTEN", record.unreceived, record.unsent)
                theirs[entry.name] = (line.state, 0, 0)  # spec: a Unix listener's queues are 0/0
            else:
                ours[entry.name] = (entry.filed.value, record.unreceived, record.unsent)
                theirs[entry.name] = (line.state, line.recv_q, line.send_q)
            ours[entry.name] += (ss_unix_name(info.local_address), info.peer_inode or 0,
                                 {socket.SOCK_STREAM: "u_str", socket.SOCK_DGRAM: "u_dgr"}[
                                    socket.SocketKind(info.type)],
                                 info.shutdown)
            theirs[entry.name] += (line.local, line.peer_inode, line.netid, line.shutdown)
        return {name: (ours[name], theirs[name]) for name in ours}

    assert disagreements(agree(read)) == {}, "{name: {index: (listed, ss)}}"


def test_unix_names_and_peers(zoo: Zoo) -> None:
    listed = by_cookie(sockets("unix"))
    for entry in zoo.entries.values():
        if entry.dump != "unix":
            continue
        sock = entry.sock
        assert sock is not None
        info = listed[entry.cookie].socket_info
        assert info.local_address == sock.getsockname(), entry.name
        assert info.remote_address == peer(sock), entry.name
        assert (info.family, info.type, info.protocol) == (socket.AF_UNIX, sock.type, 0)
    pairs = [("unix_client", "unix_server"), ("unix_pair_left", "unix_pair_right"),
             ("unix_dgram_sender", "unix_dgram_receiver")]
    for one, other in pairs:
        assert listed[zoo.entries[one].cookie].socket_info.peer_inode == inode(
            zoo.entries[other].sock), one  # type: ignore[arg-type]
    assert listed[zoo.entries["unix_listener"].cookie].socket_info.peer_inode is None
    assert listed[zoo.entries["unix_server"].cookie].unreceived == 10
    assert listed[zoo.entries["unix_pair_right"].cookie].unreceived == 3
    assert listed[zoo.entries["unix_dgram_receiver"].cookie].unreceived == 5


def test_mptcp_records(zoo: Zoo) -> None:
    if "mptcp_client" not in zoo.entries:
        pytest.skip("this kernel refuses MPTCP sockets")
    if "mptcp4" in absent_dumps():
        pytest.skip("this kernel has MPTCP sockets but no mptcp_diag")
    entries = [zoo.entries[name] for name in ("mptcp_listener", "mptcp_client", "mptcp_server")]
    lines = ss_inet("M", "src", zoo.a)
    lines.update(ss_inet("M", "dst", zoo.a))
    listed = by_cookie(sockets("mptcp"))
    for entry in entries:
        record, line = listed[entry.cookie], lines[entry.cookie]
        assert record.state is entry.filed and line.state == entry.filed.value, entry.name
        assert record.socket_info.protocol == IPPROTO_MPTCP and record.socket_info.type == socket.SOCK_STREAM
        assert record.connection_info is None  # spec: mptcp_info is not tcp_info
        assert record.socket_info.inode == line.inode == inode(entry.sock)  # type: ignore[arg-type]
        assert record.socket_info.local_address == entry.local
    # Unread data: an MPTCP socket's idiag_rqueue is receive-buffer *memory* (mptcp_diag.c:
    # sk_rmem_alloc_get), not the byte count SIOCINQ gives; `unreceived` must not pass it off as
    # bytes.
    client, server = (zoo.entries[name].sock for name in ("mptcp_client", "mptcp_server"))
    client.sendall(b"m" * 1234)  # type: ignore[union-attr]
    assert wait_for(lambda: socketstat(server).unreceived, 1234) == 1234  # type: ignore[arg-type]
    record = by_cookie(sockets("mptcp"))[zoo.entries["mptcp_server"].cookie]
    assert record.unreceived in (None, 1234)


def test_raw_sockets_where_the_kernel_lists_them() -> None:
    absent = absent_dumps()
    if "raw4" in absent:
        pytest.skip(f"this kernel has no raw_diag (raw4: {readable_errno(absent['raw4'])}); "
                    "test_absent_dumps_are_skipped_and_named covers that")
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as raw:
        record = by_cookie(sockets("raw"))[cookie(raw)]
        assert record.socket_info.type == socket.SOCK_RAW
        assert record.socket_info.protocol == socket.IPPROTO_ICMP
        assert record.state is None and record.unreceived is None and record.connection_info is None


# ---------------------------------------------------------------------------------------------
# Filters: each shown to include what it should and exclude what it should


def expected(zoo: Zoo, keep: Callable[[Entry], bool]) -> set[str]:
    return {entry.name for entry in zoo.entries.values() if keep(entry)}


STATE_SETS = [
    {TcpState.LISTEN}, {TcpState.ESTABLISHED}, {TcpState.TIME_WAIT}, {TcpState.SYN_SENT},
    {TcpState.CLOSE_WAIT, TcpState.FIN_WAIT_2}, {TcpState.CLOSED},
    {TcpState.SYN_RECEIVED, TcpState.LAST_ACK, TcpState.CLOSING},
    set(TcpState),
]


@pytest.mark.parametrize("states", STATE_SETS, ids=lambda s: "+".join(sorted(x.name for x in s)))
def test_states_filter(zoo: Zoo, states: set[TcpState]) -> None:
    listing = sockets("all", states=states)
    assert zoo.listed(listing) == expected(zoo, lambda e: e.filed in states)
    for record in listing:
        assert record.state is None or record.state in states, record


def test_states_accepts_any_iterable_and_none_means_every_state(zoo: Zoo) -> None:
    everything = zoo.listed(sockets("all"))
    assert everything == set(zoo.entries)
    assert zoo.listed(sockets("all", states=None)) == everything
    generator = (state for state in (TcpState.LISTEN,))
    assert zoo.listed(sockets("all", states=generator)) == expected(
        zoo, lambda e: e.filed is TcpState.LISTEN)
    assert zoo.listed(sockets("all", states=frozenset())) == set()


def test_a_bound_only_tcp_socket_is_listed_only_when_closed_is_asked_for() -> None:
    """states=None lists what ss -a and psutil list; a bound-only TCP socket (kernel state
    BOUND_INACTIVE, 6.8+, dumped as CLOSE) costs a walk of the bind table and is listed only
    when CLOSED is among the states, as ss lists it only with -B."""
    release = tuple(int(part) for part in os.uname().release.split(".")[:2])
    with socket.socket() as bound, socket.socket(socket.AF_INET6) as bound6:
        bound.bind(("127.0.0.1", 0))
        bound6.bind(("::1", 0))
        keys = {cookie(bound): bound, cookie(bound6): bound6}
        assert not keys.keys() & by_cookie(sockets("tcp")).keys()
        assert not keys.keys() & by_cookie(sockets("tcp", states={TcpState.LISTEN,
                                                                  TcpState.SYN_SENT})).keys()
        for states in ({TcpState.CLOSED}, set(TcpState)):
            listed = by_cookie(sockets("tcp", states=states))
            if release < (6, 8):  # no BOUND_INACTIVE: the kernel cannot list them
                assert not keys.keys() & listed.keys()
                continue
            for key, sock in keys.items():
                record = listed[key]
                assert record.state is TcpState.CLOSED
                assert record.socket_info.local_address == sock.getsockname()
                assert record.socket_info.remote_address is None


def test_port_filters(zoo: Zoo) -> None:
    port = zoo.port
    local = sockets("all", local_port=port)
    assert zoo.listed(local) == expected(zoo, lambda e: e.dump != "unix" and e.local[1] == port)
    assert {"listener", "server", "close_wait"} <= zoo.listed(local)
    assert all(record.socket_info.local_address[1] == port for record in local)  # type: ignore[index]
    remote = sockets("all", remote_port=port)
    assert zoo.listed(remote) == expected(zoo, lambda e: e.remote is not None and e.dump != "unix"
                                          and e.remote[1] == port)
    assert {"client", "fin_wait_2", "time_wait"} <= zoo.listed(remote)
    assert all(record.socket_info.remote_address[1] == port for record in remote)  # type: ignore[index]
    client_port = zoo.entries["client"].local[1]
    both = sockets("tcp", local_port=port, remote_port=client_port)
    assert zoo.listed(both) == {"server"}
    assert zoo.listed(sockets("tcp", local_port=client_port, remote_port=port)) == {"client"}
    six = sockets("tcp6", local_port=zoo.port6)
    assert zoo.listed(six) == {"listener6", "server6"}
    assert zoo.listed(sockets("tcp4", local_port=zoo.port6)) == set()


ADDRESS_CASES: list[tuple[str, Callable[[Zoo], dict[str, Any]]]] = [
    ("exact-local", lambda z: {"local_address": z.a}),
    ("exact-remote", lambda z: {"remote_address": z.b}),
    ("address-object", lambda z: {"local_address": ipaddress.IPv4Address(z.b)}),
    ("cidr-both", lambda z: {"local_address": z.net}),
    ("cidr-object", lambda z: {"remote_address": ipaddress.IPv4Network(z.net)}),
    ("cidr-only-b", lambda z: {"local_address": z.b.rsplit(".", 1)[0] + ".16/28"}),
    ("cidr-miss", lambda z: {"local_address": z.b.rsplit(".", 1)[0] + ".128/25"}),
    ("ipv6-exact", lambda z: {"local_address": "::1"}),
    ("ipv6-prefix", lambda z: {"remote_address": "::1/128"}),
    ("ipv6-object", lambda z: {"local_address": ipaddress.IPv6Network("::/127")}),
    ("v4-mapped-exact", lambda z: {"local_address": f"::ffff:{z.a}"}),
    ("v4-mapped-prefix", lambda z: {"remote_address": f"::ffff:{z.b.rsplit('.', 1)[0]}.0/120"}),
    ("both-addresses", lambda z: {"local_address": z.a, "remote_address": f"{z.b}/32"}),
    ("address-and-port", lambda z: {"local_address": z.net, "local_port": z.port}),
]


@pytest.mark.parametrize("case", ADDRESS_CASES, ids=[name for name, _ in ADDRESS_CASES])
def test_address_filters(zoo: Zoo, case: tuple[str, Callable[[Zoo], dict[str, Any]]]) -> None:
    filters = case[1](zoo)

    def matches(local: Any, remote: Any, family: int) -> bool:
        if family == socket.AF_UNIX:
            return False  # spec: Unix sockets never match a port or address filter
        for name, address in (("local", local), ("remote", remote)):
            wanted = filters.get(f"{name}_address")
            if wanted is not None and (address is None or not ip_in(address, str(wanted))):
                return False
            port = filters.get(f"{name}_port")
            if port is not None and (address is None or address[1] != port):
                return False
        return True

    listing = sockets("all", **filters)
    want = expected(zoo, lambda e: matches(e.local, e.remote, socket.AF_UNIX if e.dump == "unix"
                                           else socket.AF_INET))
    assert zoo.listed(listing) == want
    for record in listing:
        info = record.socket_info
        assert matches(info.local_address, info.remote_address, info.family), record
    if case[0] in ("exact-local", "cidr-both", "v4-mapped-exact"):
        # An IPv4 address or prefix also matches the v4-mapped IPv6 socket (and v4-mapped IPv6
        # is treated as IPv4: it matches plain IPv4 sockets too).
        assert {"mapped_server", "server"} <= want
    if case[0] in ("exact-remote", "v4-mapped-prefix"):
        assert {"mapped_server", "server", "mapped_client"} & want >= {"mapped_server", "server"}
    if case[0] == "cidr-miss":
        assert want == set()
    if case[0].startswith("ipv6"):
        assert want and all(zoo.entries[name].dump.endswith("6") for name in want)
        assert "mapped_server" not in want  # ::ffff:a is not in ::1/128


def test_unix_sockets_never_match_a_port_or_address(zoo: Zoo) -> None:
    assert sockets("unix", local_port=zoo.port) == []
    assert sockets("unix", remote_port=0) == []
    assert sockets("unix", local_address="0.0.0.0/0") == []
    assert sockets("unix", remote_address="::/0") == []
    assert not [r for r in sockets("all", local_address="0.0.0.0/0")
                if r.socket_info.family == socket.AF_UNIX]


@pytest.mark.parametrize("kind", sorted(KIND_DUMPS))
def test_kinds(zoo: Zoo, kind: Any) -> None:
    absent = absent_dumps()
    wanted = KIND_DUMPS[kind]
    if wanted <= set(absent):
        pytest.skip(f"every dump of {kind!r} is absent here; see test_absent_dumps_are_skipped_and_named")
    listing = sockets(kind)
    assert zoo.listed(listing) == expected(zoo, lambda e: e.dump in wanted)
    assert {dump_of(record) for record in listing} <= wanted
    assert set(listing.skipped) == wanted & set(absent)


def test_no_cookie_is_listed_twice_even_while_sockets_come_and_go() -> None:
    address = unique_loopback()
    stop = threading.Event()
    errors: list[BaseException] = []

    def churn() -> None:
        try:
            with socket.create_server((address, 0), backlog=64) as listener:
                while not stop.is_set():
                    pairs = [(socket.create_connection(listener.getsockname()), listener.accept()[0])
                             for _ in range(20)]
                    for one, other in pairs:
                        one.close()
                        other.close()
        except BaseException as error:  # noqa: BLE001  reported below
            errors.append(error)

    thread = threading.Thread(target=churn)
    thread.start()
    try:
        for _ in range(20):
            for kind in ("tcp4", "all"):
                listing = sockets(kind)
                cookies = [record.socket_info.cookie for record in listing]
                assert len(cookies) == len(set(cookies)), kind
    finally:
        stop.set()
        thread.join()
    assert not errors, errors


# ---------------------------------------------------------------------------------------------
# Bad arguments: a TypeError or ValueError naming the argument, before any syscall


BAD: list[tuple[dict[str, Any], Any, str]] = [
    ({"kind": "tcp5"}, ValueError, "kind"),
    ({"kind": "sctp"}, ValueError, "kind"),
    ({"kind": ""}, ValueError, "kind"),
    ({"kind": 6}, (TypeError, ValueError), "kind"),
    ({"local_port": -1}, ValueError, "local_port"),
    ({"local_port": 65536}, ValueError, "local_port"),
    ({"remote_port": 2**70}, ValueError, "remote_port"),
    ({"local_port": "80"}, TypeError, "local_port"),
    ({"remote_port": True}, TypeError, "remote_port"),
    ({"remote_port": 80.0}, TypeError, "remote_port"),
    ({"local_address": "10.0.0.300"}, ValueError, "local_address"),
    ({"remote_address": "10.0.0.0/33"}, ValueError, "remote_address"),
    ({"local_address": "::1/129"}, ValueError, "local_address"),
    ({"local_address": "localhost"}, ValueError, "local_address"),
    ({"remote_address": 167772160}, TypeError, "remote_address"),
    ({"local_address": b"127.0.0.1"}, TypeError, "local_address"),
    ({"states": ["ESTABLISHED"]}, TypeError, "states"),
    ({"states": [1]}, TypeError, "states"),
    ({"states": "LISTEN"}, TypeError, "states"),
    ({"states": 1024}, TypeError, "states"),
    ({"pid": 0}, ValueError, "pid"),
    ({"pid": -1}, ValueError, "pid"),
    ({"pid": "1"}, TypeError, "pid"),
    ({"pid": True}, TypeError, "pid"),
    ({"pid": 1.0}, TypeError, "pid"),
    ({"netns": 1.5}, TypeError, "netns"),
    ({"netns": object()}, TypeError, "netns"),
    ({"netns": ["/proc/self/ns/net"]}, TypeError, "netns"),
]


@pytest.mark.parametrize("arguments, error, name", BAD, ids=[
    ",".join(f"{key}={value!r}" for key, value in arguments.items()) for arguments, _, _ in BAD])
def test_bad_filter_values_name_the_argument(arguments: dict[str, Any], error: Any, name: str,
                                             tmp_path: Path) -> None:
    arguments = dict(arguments)
    kind = arguments.pop("kind", "inet")
    with pytest.raises(error, match=name):
        sockets(kind, **arguments)
    # Checked before any syscall: with a namespace path that does not exist (and a process that
    # does not exist), the argument's error comes first, not FileNotFoundError.
    if "netns" not in arguments:
        arguments["netns"] = str(tmp_path / "no-such-netns")
    with pytest.raises(error, match=name):
        sockets(kind, **arguments)
    before = thread_netns()
    with pytest.raises(error, match=name):
        sockets(kind, **arguments)
    assert thread_netns() == before


def test_numbers_beyond_a_c_int_name_the_argument_too() -> None:
    # Not an OverflowError from the C conversion: the spec promises ValueError/TypeError naming
    # the argument for invalid values (a pid that large may also be "no such process").
    for huge in (2**31, 2**40):
        with pytest.raises(ValueError, match="netns"):
            sockets("tcp", netns=huge)
        with pytest.raises((ValueError, ProcessLookupError)) as caught:
            sockets("tcp", pid=huge)
        assert caught.type is ProcessLookupError or "pid" in str(caught.value)


def test_an_address_with_a_netmask_is_taken_or_refused_by_name() -> None:
    # ipaddress.IPv4Interface is an IPv4Address subclass; the spec does not say what it means.
    # Whatever sockets() decides, a refusal names the argument.
    for value in (ipaddress.ip_interface("127.0.0.1/8"), ipaddress.ip_interface("::1/64")):
        try:
            sockets("tcp", local_address=value)
        except ValueError as error:
            assert "local_address" in str(error), error


def test_every_valid_kind_is_accepted_and_nothing_else() -> None:
    absent = set(absent_dumps())
    kind: Any
    for kind, dumps in KIND_DUMPS.items():
        if dumps <= absent:
            continue
        assert isinstance(sockets(kind, local_port=1), list), kind
    for wrong in ("TCP", "tcp ", "ipv4", "unix4", "dccp"):
        with pytest.raises(ValueError, match="kind"):
            sockets(wrong)  # type: ignore[arg-type]


def test_an_ipv6_only_filter_lists_no_ipv4_socket_and_the_reverse(zoo: Zoo) -> None:
    assert all(r.socket_info.family == socket.AF_INET6 for r in sockets("inet", local_address="::1"))
    plain_v4 = sockets("inet", remote_address=zoo.b)
    assert plain_v4 and all(ip_in(r.socket_info.remote_address, zoo.b) for r in plain_v4)
    assert not sockets("inet6", remote_address=zoo.b, local_address="::1")


# ---------------------------------------------------------------------------------------------
# A user without privileges


def run_forked(child: Callable[[], object], timeout: float = 60) -> Any:
    """Run child() in a forked process; return what it returned (through JSON on a pipe)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        status = 1
        try:
            os.close(read_end)
            try:
                result: object = {"result": child()}
            except BaseException as error:  # noqa: BLE001  sent to the parent
                result = {"error": f"{type(error).__name__}: {error}"}
            with os.fdopen(write_end, "w") as pipe:
                json.dump(result, pipe)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        ready, _, _ = select.select([pipe], [], [], timeout)
        if not ready:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("child did not answer")
        data = json.loads(pipe.read() or "{}")
    os.waitpid(pid, 0)
    assert "error" not in data, data["error"]
    return data["result"]


def test_an_unprivileged_user_sees_every_socket_with_tcp_info(zoo: Zoo) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to drop to uid 65534")
    parent = os.getpid()
    zoo_fds = [entry.sock.fileno() for entry in zoo.with_fd()]  # type: ignore[union-attr]

    def child() -> object:
        for fd in zoo_fds:  # the parent's sockets stay open; the child holds none of them
            os.close(fd)
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        assert "CapEff:\t0000000000000000" in Path("/proc/self/status").read_text()
        own = socket.socket()
        own.bind((zoo.b, 0))
        own.listen()
        listing = sockets("tcp4", local_address=zoo.net, processes=True)
        try:
            sockets("tcp4", pid=parent)
            denied = "no error"
        except PermissionError as error:
            denied = "PermissionError"
            assert "pid" in str(error) or str(parent) in str(error) or error.errno == errno.EACCES
        return {
            "records": {str(r.socket_info.cookie): [
                r.state.value if r.state else None, r.connection_info is not None,
                r.unreceived, r.socket_info.uid,
                [list(owner) for owner in r.socket_info.processes or ()]] for r in listing},
            "own": [cookie(own), own.fileno(), os.getpid(),
                    Path("/proc/self/comm").read_text().strip()],
            "denied": denied,
        }

    result = run_forked(child)
    records = result["records"]
    root_view = by_cookie(sockets("tcp4", local_address=zoo.net))
    own_cookie, own_fd, child_pid, child_comm = result["own"]
    assert str(own_cookie) in records  # the child's own listener
    for entry in zoo.entries.values():
        if not entry.dump.startswith("tcp4"):
            continue
        state, has_tcp_info, unreceived, uid, owners = records[str(entry.cookie)]
        record = root_view[entry.cookie]
        assert state == entry.filed.value, entry.name
        assert has_tcp_info == (entry.name not in ("time_wait", "request")), entry.name
        assert unreceived == record.unreceived, entry.name
        assert owners == [], entry.name  # root's /proc/<pid>/fd is unreadable: none visible
        if entry.sock is not None:
            assert uid == 0, entry.name
    assert records[str(own_cookie)][4] == [[child_pid, own_fd, child_comm]]
    assert records[str(own_cookie)][3] == 65534
    assert result["denied"] == "PermissionError"


# ---------------------------------------------------------------------------------------------
# Processes


HOLDER = textwrap.dedent("""
    import ctypes, json, os, socket, struct, sys
    ctypes.CDLL(None).prctl(15, b"sockholder", 0, 0, 0)  # PR_SET_NAME
    def cookie(s):
        return struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, 57, 8))[0]
    inherited = socket.socket(fileno=int(sys.argv[1]))
    listener = socket.create_server((sys.argv[2], 0))
    duplicate = os.dup(listener.fileno())
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((sys.argv[2], 0))
    left, right = socket.socketpair()
    print(json.dumps({
        "listener": [cookie(listener), listener.fileno(), duplicate],
        "udp": [cookie(udp), udp.fileno()],
        "pair": [[cookie(left), left.fileno()], [cookie(right), right.fileno()]],
        "inherited": [cookie(inherited), inherited.fileno()],
    }), flush=True)
    sys.stdin.read()
""")


@pytest.fixture
def holder() -> Iterator[tuple[subprocess.Popen[str], dict[str, Any], socket.socket, str]]:
    address = unique_loopback()
    shared = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    shared.bind((address, 0))
    with shared, subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(shared.fileno()), address],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, pass_fds=[shared.fileno()]
    ) as child:
        try:
            assert child.stdout is not None
            ready, _, _ = select.select([child.stdout], [], [], 30)
            assert ready, "the holder process did not start"
            yield child, json.loads(child.stdout.readline()), shared, address
        finally:
            child.kill()


def test_pid_lists_exactly_the_sockets_that_process_holds(
        holder: tuple[subprocess.Popen[str], dict[str, Any], socket.socket, str]) -> None:
    child, held, shared, _ = holder
    name = Path(f"/proc/{child.pid}/comm").read_text().strip()
    assert name == "sockholder"
    expected_owners = {
        held["listener"][0]: {(child.pid, held["listener"][1], name), (child.pid, held["listener"][2], name)},
        held["udp"][0]: {(child.pid, held["udp"][1], name)},
        held["pair"][0][0]: {(child.pid, held["pair"][0][1], name)},
        held["pair"][1][0]: {(child.pid, held["pair"][1][1], name)},
        held["inherited"][0]: {(child.pid, held["inherited"][1], name)},
    }
    listing = sockets("all", pid=child.pid)
    assert set(by_cookie(listing)) == set(expected_owners)
    for record in listing:
        owners = record.socket_info.processes
        assert owners is not None
        assert all(isinstance(owner, SocketOwner) for owner in owners)
        key = record.socket_info.cookie
        assert key is not None
        assert {owner for owner in owners if owner.pid == child.pid} == expected_owners[key], record
    # The other filters still apply.
    assert set(by_cookie(sockets("tcp", pid=child.pid))) == {held["listener"][0]}
    assert set(by_cookie(sockets("unix", pid=child.pid))) == {held["pair"][0][0], held["pair"][1][0]}
    assert set(by_cookie(sockets("tcp6", pid=child.pid))) == set()


def test_processes_names_every_fd_holding_the_socket(
        holder: tuple[subprocess.Popen[str], dict[str, Any], socket.socket, str]) -> None:
    child, held, shared, address = holder
    me = (os.getpid(), shared.fileno(), Path("/proc/self/comm").read_text().strip())
    listed = by_cookie(sockets("inet4", local_address=address, processes=True))
    assert set(listed) == {held["listener"][0], held["udp"][0], held["inherited"][0]}
    assert set(listed[held["listener"][0]].socket_info.processes) == {  # type: ignore[arg-type]
        (child.pid, held["listener"][1], "sockholder"), (child.pid, held["listener"][2], "sockholder")}
    assert set(listed[held["inherited"][0]].socket_info.processes) == {  # type: ignore[arg-type]
        me, (child.pid, held["inherited"][1], "sockholder")}
    assert listed[held["udp"][0]].socket_info.processes == ((child.pid, held["udp"][1], "sockholder"),)
    # Not asked: None, on the listing as on socketstat(fd).
    plain = by_cookie(sockets("inet4", local_address=address))
    assert all(record.socket_info.processes is None for record in plain.values())
    assert socketstat(shared).socket_info.processes is None


def test_pid_of_no_process_is_process_lookup_error() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with pytest.raises(ProcessLookupError):
        sockets("inet", pid=gone.pid)
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    with pytest.raises(ProcessLookupError):
        sockets("inet", pid=pid_max + 1)


def test_pid_of_a_process_without_sockets_is_empty() -> None:
    with subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                          stdin=subprocess.PIPE) as child:
        try:
            assert sockets("all", pid=child.pid) == []
        finally:
            child.kill()


# ---------------------------------------------------------------------------------------------
# Network namespaces


NETNS_CHILD = textwrap.dedent("""
    import ctypes, fcntl, json, os, socket, struct, sys
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET (os.unshare only from Python 3.12)
        print(json.dumps({"error": os.strerror(ctypes.get_errno())}), flush=True)
        sys.exit(0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # ip link set lo up
        flags = struct.unpack_from("16sh", fcntl.ioctl(s, 0x8913, struct.pack("16sh22x", b"lo", 0)))[1]
        fcntl.ioctl(s, 0x8914, struct.pack("16sh22x", b"lo", flags | 1))
    def cookie(s):
        return struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, 57, 8))[0]
    listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    print(json.dumps({"cookies": {"listener": cookie(listener), "client": cookie(client),
                                  "server": cookie(server)},
                      "netns": os.readlink("/proc/self/ns/net")}), flush=True)
    sys.stdin.read()
""")


@pytest.fixture
def netns_child() -> Iterator[tuple[int, dict[str, Any], socket.socket]]:
    # Our own listener on the port the child uses in its namespace: the same port, unseen there.
    with socket.create_server(("127.0.0.1", 0)) as ours, subprocess.Popen(
            [sys.executable, "-c", NETNS_CHILD, str(ours.getsockname()[1])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            ready, _, _ = select.select([child.stdout], [], [], 30)
            assert ready, "the namespace child did not start"
            told = json.loads(child.stdout.readline())
            if "error" in told:
                pytest.skip(f"unshare(CLONE_NEWNET) refused: {told['error']}")
            yield child.pid, told, ours
        finally:
            child.kill()


def test_netns_lists_the_other_namespace_and_leaves_the_thread_in_its_own(
        netns_child: tuple[int, dict[str, Any], socket.socket], tmp_path: Path) -> None:
    pid, told, ours = netns_child
    path = f"/proc/{pid}/ns/net"
    assert os.readlink(path) == told["netns"] != thread_netns()
    ours_cookie = cookie(ours)
    before = thread_netns()
    expected_cookies = set(told["cookies"].values())
    fd = os.open(path, os.O_RDONLY)
    try:
        for netns in (path, Path(path), fd):
            listing = sockets("tcp", netns=netns)
            assert thread_netns() == before, netns
            # A fresh namespace holds the child's three sockets and nothing else.
            assert set(by_cookie(listing)) == expected_cookies, netns
            assert ours_cookie not in by_cookie(listing)
            port = ours.getsockname()[1]
            assert {r.socket_info.cookie for r in sockets("tcp4", local_port=port, netns=netns)} == {
                told["cookies"]["listener"], told["cookies"]["server"]}
        # The fd is the caller's: still open, still the namespace.
        assert os.readlink(f"/proc/self/fd/{fd}") == told["netns"]
    finally:
        os.close(fd)
    # And our own namespace afterwards still shows our socket, not the child's.
    mine = by_cookie(sockets("tcp4", local_port=ours.getsockname()[1]))
    assert ours_cookie in mine and not expected_cookies & set(mine)
    if shutil.which("nsenter"):
        there = ss_inet("t", "sport", "=", f":{ours.getsockname()[1]}")
        assert ours_cookie in there
        result = subprocess.run(["nsenter", f"--net={path}", "ss", "-taeOH"],
                                check=True, capture_output=True, text=True)
        assert {int(word[3:], 16) for word in result.stdout.split() if word.startswith("sk:")} == \
            expected_cookies


def test_a_failing_netns_leaves_the_thread_where_it_was(tmp_path: Path) -> None:
    before = thread_netns()
    regular = tmp_path / "not-a-namespace"
    regular.write_text("")
    with socket.create_server(("127.0.0.1", 0)) as ours:
        for netns, error in ((str(tmp_path / "missing"), FileNotFoundError),
                             (str(regular), OSError), ("/proc/self/ns/uts", OSError)):
            with pytest.raises(error):
                sockets("tcp", netns=netns)
            assert thread_netns() == before, netns
            assert cookie(ours) in by_cookie(sockets("tcp4", local_port=ours.getsockname()[1]))


def test_a_closed_netns_fd_is_ebadf_not_the_callers_namespace() -> None:
    before = thread_netns()
    closed = os.open("/proc/self/ns/net", os.O_RDONLY)
    os.close(closed)
    # The lowest free fd number: whatever sockets() opens first would get it.
    with pytest.raises(OSError) as caught:
        sockets("tcp", netns=closed)
    assert caught.value.errno == errno.EBADF
    assert thread_netns() == before


def test_netns_from_another_thread(netns_child: tuple[int, dict[str, Any], socket.socket]) -> None:
    pid, told, _ = netns_child
    seen: list[object] = []

    def work() -> None:
        before = thread_netns()
        try:
            seen.append(set(by_cookie(sockets("tcp", netns=f"/proc/{pid}/ns/net"))))
        except BaseException as error:  # noqa: BLE001
            seen.append(error)
        seen.append(thread_netns() == before)

    main_before = thread_netns()
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [set(told["cookies"].values()), True]
    assert thread_netns() == main_before


# ---------------------------------------------------------------------------------------------
# Absent protocol modules


def test_absent_dumps_are_skipped_and_named() -> None:
    # Our own sock_diag request tells which dumps this kernel answers. Where a module is missing
    # (raw_diag is not built into this kernel: CONFIG_INET_RAW_DIAG is not set, and it has no
    # loadable modules) the listing must go on and name it in .skipped. On a kernel where every
    # dump answers, .skipped must be empty, and the absent path is still covered by the explicit
    # prediction below wherever /proc/config.gz says a diag module is not built.
    absent = absent_dumps()
    for option, names in (("INET_RAW_DIAG", ("raw4", "raw6")), ("INET_MPTCP_DIAG", ("mptcp4", "mptcp6")),
                          ("INET_UDP_DIAG", ("udp4", "udp6", "udplite4", "udplite6"))):
        if kernel_config(option) == "n":
            assert set(names) <= set(absent), option
    listing = sockets("all")
    assert set(listing.skipped) == set(absent)
    for name, error in listing.skipped.items():
        assert isinstance(error, OSError), name
        assert error.errno == absent[name], (name, error)
    assert set(sockets("inet").skipped) == KIND_DUMPS["inet"] & set(absent)
    # Asking for only absent dumps: an empty listing naming them, or the kernel's error.
    for kind in ("raw", "mptcp", "udplite"):
        missing = KIND_DUMPS[kind] & set(absent)
        if not missing:
            assert sockets(kind).skipped == {}, kind
            continue
        try:
            result = sockets(kind)
        except OSError as error:
            assert error.errno in {absent[name] for name in missing}, (kind, error)
        else:
            assert set(result.skipped) == missing, kind
            if missing == KIND_DUMPS[kind]:
                assert result == [], kind


# ---------------------------------------------------------------------------------------------
# SocketsSampler


def linger_close(*socks: socket.socket) -> None:
    """Close with an RST: no TIME_WAIT, the sockets are gone from the next listing."""
    for sock in socks:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()


def test_sockets_sampler_deltas_appeared_and_vanished() -> None:
    address = unique_loopback()
    size = 3_000_000
    with socket.create_server((address, 0)) as listener:
        first_client = socket.socket()
        first_client.bind((address, 0))
        first_client.connect(listener.getsockname())
        first_server = listener.accept()[0]
        sampler = SocketsSampler("tcp4", local_address=address)
        first = sampler.sample()
        assert first.elapsed is None
        assert {cookie(first_client), cookie(first_server), cookie(listener)} <= {
            r.socket_info.cookie for r in first.sockets}

        receiver = threading.Thread(target=receive_exactly, args=(first_server, size))
        receiver.start()
        first_client.sendall(b"d" * size)
        receiver.join()
        assert wait_for(lambda: socketstat(first_client).connection_info.bytes_acked,  # type: ignore[union-attr]
                        size + 1) == size + 1  # the data and the SYN
        second = sampler.sample()
        assert second.elapsed is not None and second.elapsed > 0
        assert second.elapsed == pytest.approx(second.monotonic - first.monotonic)
        sent = second.deltas[cookie(first_client)]
        received = second.deltas[cookie(first_server)]
        assert sent.bytes_acked >= size and received.bytes_received >= size
        assert sent.bytes_acked == size and received.bytes_received == size  # nothing else moved
        assert second.appeared == [] and second.vanished == []

        gone = {cookie(first_client), cookie(first_server)}
        linger_close(first_client, first_server)
        new_client = socket.socket()
        new_client.bind((address, 0))
        new_client.connect(listener.getsockname())
        new_server = listener.accept()[0]
        with new_client, new_server:
            third = sampler.sample()
            assert {r.socket_info.cookie for r in third.vanished} == gone
            assert {r.socket_info.cookie for r in third.appeared} == {cookie(new_client),
                                                                     cookie(new_server)}
            assert not gone & set(third.deltas)
            assert cookie(new_client) not in third.deltas  # not in the previous sample
            assert {r.socket_info.cookie for r in third.sockets} == {
                cookie(listener), cookie(new_client), cookie(new_server)}
            assert set(third.deltas) <= {cookie(listener)}


def test_final_stats_give_a_closed_connection_its_last_figures() -> None:
    # A connection that sends, then closes between two listings: its final tcp_info comes from
    # the kernel's destroy multicast, so the server end (freed once the close completes) is
    # vanished with the figures it ended with, and the client end, now in TIME_WAIT without
    # tcp_info, still gets the delta of its last interval.
    address = unique_loopback()
    size = 200_000
    with socket.create_server((address, 0)) as listener, \
            SocketsSampler("tcp4", local_address=address, final_stats=True) as sampler:
        client = socket.socket()
        client.bind((address, 0))
        client.connect(listener.getsockname())
        server = listener.accept()[0]
        client_cookie, server_cookie = cookie(client), cookie(server)
        client_address = client.getsockname()
        sampler.sample()
        receiver = threading.Thread(target=receive_exactly, args=(server, size))
        receiver.start()
        client.sendall(b"f" * size)
        receiver.join()
        client.close()  # the client closes first: it is the end that waits in TIME_WAIT
        assert server.recv(1) == b""
        server.close()

        acked = 0
        final = None
        for _ in range(100):
            tick = sampler.sample()
            assert not tick.final_stats_lost
            if client_cookie in tick.deltas:
                acked += tick.deltas[client_cookie].bytes_acked
            listed = {r.socket_info.cookie: r for r in tick.sockets}
            if client_cookie in listed:
                assert listed[client_cookie].state is TcpState.TIME_WAIT
                assert listed[client_cookie].connection_info is None
            final = next((r for r in tick.vanished if r.socket_info.cookie == server_cookie),
                         final)
            if final is not None and acked:
                break
            threading.Event().wait(0.05)
        assert final is not None, "the server end never vanished"
        assert final.state is TcpState.CLOSED
        assert final.connection_info is not None  # the kernel's last tcp_info, not the listing's
        received = final.connection_info.bytes_received
        assert received is not None and received >= size
        assert final.socket_info.remote_address == client_address
        assert acked >= size  # from the client's final tcp_info: TIME_WAIT has none


def receive_exactly(sock: socket.socket, size: int) -> None:
    while size:
        data = sock.recv(min(size, 1 << 20))
        assert data
        size -= len(data)


# ---------------------------------------------------------------------------------------------
# Hundreds of sockets


def test_three_hundred_connections_listed_and_matched() -> None:
    address = unique_loopback()
    count = 300
    with ExitStack() as stack:
        listener = stack.enter_context(socket.create_server((address, 0), backlog=count))
        clients, servers = [], []
        for index in range(count):
            client = stack.enter_context(socket.socket())
            client.bind((address, 0))
            client.connect(listener.getsockname())
            server = stack.enter_context(listener.accept()[0])
            client.sendall(b"h" * (index + 1))  # a different unread count on each server end
            clients.append(client)
            servers.append(server)
        everything = [listener] + clients + servers
        keys = {cookie(sock): sock for sock in everything}

        def unread() -> list[int | None]:
            listed = by_cookie(sockets("tcp4", local_address=address))
            return [listed[cookie(server)].unreceived for server in servers]

        assert wait_for(unread, list(range(1, count + 1))) == list(range(1, count + 1))

        def both() -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
            listed = by_cookie(sockets("tcp4", local_address=address, details=True))
            assert set(listed) == set(keys)
            return {key: comparable(listed[key].to_dict(), socketstat(sock, details=True).to_dict(),
                                    socket.IPPROTO_TCP, socket.AF_INET)
                    for key, sock in keys.items()}

        assert disagreements(agree(both)) == {}, "{cookie: {field: (listed, fd path)}}"
        listed = by_cookie(sockets("tcp4", local_address=address))
        own = keys
        lines = ss_inet("t", "src", address)
        assert set(lines) == set(own)
        assert all(lines[key].recv_q == (listed[key].unreceived if listed[key].state is not TcpState.LISTEN
                                          else listed[key].accept_queue) for key in lines)
        # The filters are exact at this size too.
        assert set(by_cookie(sockets("tcp4", remote_address=address))) == {
            cookie(sock) for sock in clients + servers}
        assert set(by_cookie(sockets("tcp4", local_address=address, states=[TcpState.LISTEN]))) == {
            cookie(listener)}
