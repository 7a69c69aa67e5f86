"""sockets(), tcp_info() and Sampler on macOS, against socketstat(fd), netstat and the sockets the
test opened. Written to run on a Mac; no Mac has run them yet (see README, macOS). Elsewhere they
skip: the listing's walk over pcblist_n answers runs on every OS in test_darwin_pcblist.py, and
test_typing_darwin.py type-checks this file under --platform darwin."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
from typing import Any, Literal

import pytest

if sys.platform != "darwin":
    pytest.skip("the macOS backend runs on macOS only", allow_module_level=True)

from conftest import loopback, settle, tcp_connection  # noqa: E402
from socketstat import TcpState, socketstat  # noqa: E402
from socketstat._darwin import (  # noqa: E402
    DarwinTcpState, Listing, Sampler, SocketStat, sockets, tcp_info,
)


def _listed(listing: Listing, sock: socket.socket) -> SocketStat:
    """The one listed record of ``sock``: the same hashed kernel address proc_pidfdinfo gives."""
    identity = socketstat(sock).socket_info.soi_so
    found = [stat for stat in listing if stat.socket_info.soi_so == identity]
    assert len(found) == 1, [stat.socket_info.local_address for stat in listing]
    return found[0]


def _tcp(family: socket.AddressFamily) -> Literal["tcp4", "tcp6"]:
    return "tcp6" if family == socket.AF_INET6 else "tcp4"


def test_own_connection_is_listed_with_its_pid(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        client.sendall(b"x" * 3000)
        settle(lambda: socketstat(server).unreceived)
        listing = sockets(_tcp(family), local_port=client.getsockname()[1])
        stat = _listed(listing, client)
        info = stat.socket_info
        assert os.getpid() in (info.last_pid, info.effective_pid)
        assert info.uid == os.getuid()
        assert stat.state is TcpState.ESTABLISHED
        assert info.local_address == client.getsockname()
        assert info.remote_address == client.getpeername()
        assert info.tcpsi_state is DarwinTcpState.ESTABLISHED
        direct = socketstat(client)
        assert info.tcpsi_tp == direct.socket_info.tcpsi_tp
        listed, fresh = stat.connection_info, direct.connection_info
        assert listed is not None and fresh is not None
        # What the tcpcb holds is what TCP_CONNECTION_INFO computes from it.
        assert listed.mss == fresh.mss and listed.tcpi_snd_cwnd == fresh.tcpi_snd_cwnd
        assert abs(listed.rtt - fresh.rtt) <= 0.005
        # The counters are not in the tcpcb: None, never 0.
        assert listed.bytes_sent is None and listed.tcpi_txbytes is None
        assert listed.tcpi_options is None and listed.retransmissions is None
        assert fresh.bytes_sent == 3000
        # The server end's queue, as netstat's Recv-Q.
        assert _listed(sockets(_tcp(family)), server).unreceived == 3000


def test_listener_accept_queue_and_states(family: socket.AddressFamily) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.bind((loopback(family), 0))
        listener.listen(5)
        port = listener.getsockname()[1]
        clients = [socket.create_connection((loopback(family), port)) for _ in range(2)]
        try:
            settle(lambda: socketstat(listener).accept_queue)
            listening = sockets("tcp", states={TcpState.LISTEN}, local_port=port)
            assert [s.state for s in listening] == [TcpState.LISTEN]
            stat = listening[0]
            assert (stat.accept_queue, stat.accept_queue_limit) == (2, 5)
            assert stat.socket_info.remote_address is None
            established = sockets("tcp", states={TcpState.ESTABLISHED}, remote_port=port)
            assert len(established) == 2
            assert sockets("tcp", states={TcpState.TIME_WAIT}, local_port=port) == []
        finally:
            for client in clients:
                client.close()


def test_filters(family: socket.AddressFamily) -> None:
    listener, client, server = tcp_connection(family)
    with listener, client, server:
        port = listener.getsockname()[1]
        mine = sockets("tcp", pid=os.getpid(), local_port=port)
        assert len(mine) == 2   # the listener and the accepted end
        assert sockets("tcp", local_address=loopback(family), local_port=port)
        other = "::2" if family == socket.AF_INET6 else "127.0.0.2"
        assert sockets("tcp", local_address=other, local_port=port) == []
        assert sockets("tcp4" if family == socket.AF_INET6 else "tcp6", local_port=port) == []
        with pytest.raises(ProcessLookupError):
            sockets("tcp", pid=2**31 - 1)


def test_udp_and_unix() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        stat = _listed(sockets("udp4", local_port=udp.getsockname()[1]), udp)
        assert stat.state is None and stat.connection_info is None
        assert stat.unreceived is None and stat.unsent == 0
    left, right = socket.socketpair()
    with left, right:
        listing = sockets("unix")
        if "unix" in listing.skipped:   # before macOS 13: no net.local.*.pcblist_n
            assert listing.skipped["unix"].errno == errno.ENOENT
            return
        stat = _listed(listing, left)
        assert stat.socket_info.local_address == "" and stat.unsent is None
        assert stat.socket_info.unsi_conn_pcb == socketstat(left).socket_info.unsi_conn_pcb


def test_against_netstat() -> None:
    netstat = shutil.which("netstat")
    if netstat is None:
        pytest.skip("no netstat")
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        client.sendall(b"n" * 2500)
        settle(lambda: socketstat(server).unreceived)
        output = subprocess.run([netstat, "-anv", "-p", "tcp"], capture_output=True, text=True,
                                check=True).stdout
        local = f"{server.getsockname()[0]}.{server.getsockname()[1]}"
        foreign = f"{client.getsockname()[0]}.{client.getsockname()[1]}"
        rows = [line.split() for line in output.splitlines()
                if len(line.split()) >= 6 and line.split()[3:5] == [local, foreign]]
        assert len(rows) == 1, output
        stat = _listed(sockets("tcp4"), server)
        assert int(rows[0][1]) == stat.unreceived == 2500
        assert int(rows[0][2]) == stat.unsent
        assert str(os.getpid()) in rows[0][6:]   # netstat -v: the pid column(s)


def test_bad_arguments_fail_as_on_linux() -> None:
    # Typed Any: the stubs refuse these, the point is what the running code does with them.
    kind: Any = "tcp7"
    states: Any = "LISTEN"
    netns: Any = "/var/run/netns/x"
    with pytest.raises(ValueError):
        sockets(kind)
    with pytest.raises(TypeError):
        sockets(states=states)
    with pytest.raises(ValueError):
        sockets(pid=0)
    with pytest.raises(ValueError, match="netns"):
        sockets(netns=netns)
    listing = sockets("mptcp")
    assert listing == [] or "mptcp4" in listing.skipped


# ---------------------------------------------------------------------------------------------


def test_tcp_info_is_the_connection_info() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        info = tcp_info(client)
        assert info.state is TcpState.ESTABLISHED and info.length in (104, 112)
        assert info.tcpi_txbytes == 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        with pytest.raises(OSError):
            tcp_info(udp)


def test_sampler_against_socketstat() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        sampler = Sampler(server)
        first = sampler.sample()
        client.sendall(b"s" * 4000)
        server.sendall(b"r" * 1000)
        settle(lambda: socketstat(server).unreceived)
        second = sampler.sample()
        stat = socketstat(server)
        assert second.unreceived == stat.unreceived == 4000
        assert second.unsent == stat.unsent
        assert second.not_yet_sent is None
        assert second.connection_info is not None and second.connection_info.tcpi_txbytes == 1000
        assert second.monotonic > first.monotonic
        delta = sampler.delta()
        assert delta.bytes_sent == 1000 and delta.bytes_received == 4000
        assert delta.bytes_acked is None and delta.delivery_rate is None
        assert delta.send_rate is not None and delta.send_rate > 0


def test_sampler_of_unix_and_udp_sockets() -> None:
    left, right = socket.socketpair()
    with left, right:
        right.sendall(b"u" * 10)
        sample = settle(lambda: Sampler(left).sample().unreceived)
        assert sample == 10
        assert Sampler(left).sample().unsent is None
        with pytest.raises(ValueError):
            unix = Sampler(left)
            unix.sample()
            unix.sample()
            unix.delta()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(b"d" * 300, udp.getsockname())
            sender.sendto(b"d" * 200, udp.getsockname())
            sampled = settle(lambda: Sampler(udp).sample().unreceived)
            assert sampled == 300   # SO_NREAD: the next datagram, as socketstat() says
            assert Sampler(udp).sample().unsent == 0
