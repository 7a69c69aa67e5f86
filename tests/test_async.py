"""Event-loop connections name their socket: socketstat(), tcp_info() and Sampler take an asyncio
transport or StreamWriter, a trio SocketStream and an anyio socket stream, on real loopback
connections each framework opened itself, and read the same socket socketstat(fd) reads."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, loopback
from socketstat import Sampler, TcpState, socketstat, tcp_info

FAMILIES = [socket.AF_INET, socket.AF_INET6]
SENT = 7000  # bytes the client sends and the server leaves unread


def identity(stream_or_fd: Any) -> tuple[object, object]:
    """A connection's identity on every platform: its two addresses (Linux's cookie is Linux's)."""
    info = socketstat(stream_or_fd).socket_info
    return info.local_address, info.remote_address


def check_reads(stream: Any, raw: socket.socket | Any) -> None:
    """The stream's readings are the socket's: same connection, same figures."""
    fd = raw.fileno()
    assert identity(stream) == identity(fd) == (raw.getsockname(), raw.getpeername())
    assert tcp_info(stream).state is TcpState.ESTABLISHED
    sampler = Sampler(stream)
    first = sampler.sample()
    assert first.unsent == socketstat(fd).unsent
    sampler.sample()
    # Nothing sent meanwhile (None where the platform counts no acknowledged bytes).
    assert sampler.delta().bytes_acked in (0, None)


async def settled_unreceived(stream: Any, expected: int) -> int | None:
    deadline = time.monotonic() + 5
    while socketstat(stream).unreceived != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return socketstat(stream).unreceived


@pytest.mark.parametrize("family", FAMILIES, ids=["ipv4", "ipv6"])
def test_asyncio_streams_and_transports(family: socket.AddressFamily) -> None:
    async def main() -> None:
        accepted: asyncio.Queue[asyncio.StreamWriter] = asyncio.Queue()
        server = await asyncio.start_server(lambda r, w: accepted.put_nowait(w),
                                            loopback(family), 0)
        async with server:
            host, port = server.sockets[0].getsockname()[:2]
            reader, writer = await asyncio.open_connection(host, port)
            server_writer = await accepted.get()
            writer.write(b"x" * SENT)
            await writer.drain()
            assert await settled_unreceived(server_writer, SENT) == SENT
            for stream in (writer, writer.transport, server_writer, server_writer.transport):
                check_reads(stream, stream.get_extra_info("socket"))
            writer.close()
            await writer.wait_closed()
            # A closed transport keeps a socket object whose fd is -1: a clear error.
            with pytest.raises((ValueError, OSError)):
                socketstat(writer)
            server_writer.close()

    asyncio.run(main())


def test_trio_socket_stream() -> None:
    trio = pytest.importorskip("trio")

    async def main() -> None:
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        port = listeners[0].socket.getsockname()[1]
        client = await trio.open_tcp_stream("127.0.0.1", port)
        server = await listeners[0].accept()
        await client.send_all(b"x" * SENT)
        deadline = time.monotonic() + 5
        while socketstat(server).unreceived != SENT and time.monotonic() < deadline:
            await trio.sleep(0.01)
        assert socketstat(server).unreceived == SENT
        for stream in (client, server):
            check_reads(stream, stream.socket)
        await client.aclose()
        await server.aclose()
        await listeners[0].aclose()

    trio.run(main)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_anyio_socket_stream(backend: str) -> None:
    anyio = pytest.importorskip("anyio")
    pytest.importorskip(backend)

    async def main() -> None:
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        client = await anyio.connect_tcp("127.0.0.1", port)
        server = await listener.listeners[0].accept()
        await client.send(b"x" * SENT)
        deadline = time.monotonic() + 5
        while socketstat(server).unreceived != SENT and time.monotonic() < deadline:
            await anyio.sleep(0.01)
        assert socketstat(server).unreceived == SENT
        for stream in (client, server):
            check_reads(stream, stream.extra(anyio.abc.SocketAttribute.raw_socket))
        await client.aclose()
        await server.aclose()
        await listener.aclose()

    anyio.run(main, backend=backend)


def test_an_object_with_no_socket_is_a_type_error() -> None:
    class NotAStream:
        def get_extra_info(self, name: str, default: Any = None) -> Any:
            return default  # a transport that is not socket-backed (e.g. a pipe's)

    for thing in (object(), NotAStream(), "3"):
        with pytest.raises(TypeError, match="asyncio transport or StreamWriter"):
            socketstat(thing)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="asyncio transport or StreamWriter"):
            Sampler(thing)  # type: ignore[arg-type]


def test_event_loop_benchmark_runs(tmp_path: Path) -> None:
    """python -m benchmarks event_loop, small: it samples through StreamWriters and reports the
    loop's lag and what each tick held it (figures only: no timing is asserted)."""
    output = tmp_path / "loop.json"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "event_loop", "--connections", "3", "--seconds",
         "0.2", "--json", str(output)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "heartbeat lag" in completed.stdout
    (result,) = json.loads(output.read_text())
    assert result["connections"] == 3 and result["sampling"]["ticks"] > 0
    assert result["idle"]["wakes"] > 0 and result["sampling"]["per_sample_us"] > 0
