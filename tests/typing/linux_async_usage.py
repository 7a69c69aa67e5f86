"""Event-loop connections on Linux: asyncio, trio and anyio streams name their socket to
socketstat(), tcp_info() and Sampler (mypy --strict, with trio and anyio installed)."""

import asyncio

import anyio.abc
import trio

from socketstat import Sampler, socketstat, tcp_info


async def sample(writer: asyncio.StreamWriter, trio_stream: trio.SocketStream,
                 anyio_stream: anyio.abc.SocketStream) -> float:
    rtt: float = tcp_info(writer).rtt + tcp_info(writer.transport).rtt
    rtt += tcp_info(trio_stream).rtt + tcp_info(anyio_stream).rtt
    unsent: int | None = socketstat(trio_stream).unsent
    sampler = Sampler(anyio_stream)
    return rtt + sampler.sample().unsent + (unsent or 0)
