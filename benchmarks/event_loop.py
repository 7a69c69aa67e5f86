"""What sampling its connections costs an asyncio event loop: ``python -m benchmarks event_loop``.

N loopback connections opened by asyncio itself, a Sampler on each client end (built from the
StreamWriter). A heartbeat task sleeps 1 ms at a time and records how late it wakes: the loop's
lag, what every other task on the loop feels. Run for a few seconds without sampling, then with
a task that samples every connection every TICK ms, in the loop, between awaits (sample() never
blocks: three non-blocking syscalls into preallocated storage). Reported: the time each tick's
sampling held the loop, per sample, and the heartbeat's lag without and with it (medians, p99).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import TYPE_CHECKING, Any

from benchmarks.installed import import_installed_socketstat

if TYPE_CHECKING:
    from socketstat import Sampler


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _heartbeat(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append(time.perf_counter() - before - 0.001)


async def _sample_every(samplers: list[Sampler], tick: float, held: list[float],
                        stop: asyncio.Event) -> None:
    while not stop.is_set():
        await asyncio.sleep(tick)
        start = time.perf_counter()
        for sampler in samplers:
            sampler.sample()
        held.append(time.perf_counter() - start)


async def _measure(connections: int, seconds: float, tick: float) -> dict[str, Any]:
    server = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    writers = [(await asyncio.open_connection("127.0.0.1", port))[1] for _ in range(connections)]
    sampler_class = import_installed_socketstat().sampler_class
    assert sampler_class is not None, "this socketstat has no Sampler"
    samplers = [sampler_class(writer) for writer in writers]
    result: dict[str, Any] = {"connections": connections, "tick_ms": tick * 1e3}
    for phase in ("idle", "sampling"):
        lags: list[float] = []
        held: list[float] = []
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_heartbeat(lags, stop))]
        if phase == "sampling":
            tasks.append(asyncio.create_task(_sample_every(samplers, tick, held, stop)))
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*tasks)
        result[phase] = {"lag_median_us": statistics.median(lags) * 1e6,
                         "lag_p99_us": _quantile(lags, 0.99) * 1e6, "wakes": len(lags)}
        if held:
            result[phase].update(
                ticks=len(held), held_median_us=statistics.median(held) * 1e6,
                held_p99_us=_quantile(held, 0.99) * 1e6,
                per_sample_us=statistics.median(held) * 1e6 / connections)
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks event_loop",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--seconds", type=float, default=3.0, help="per phase")
    parser.add_argument("--tick", type=float, default=10.0, help="sampling interval, ms")
    parser.add_argument("--json", help="also write the results here")
    arguments = parser.parse_args(argv)
    results = [asyncio.run(_measure(count, arguments.seconds, arguments.tick / 1e3))
               for count in arguments.connections]
    print(f"asyncio loop, a 1 ms heartbeat; every connection sampled every {arguments.tick:g} ms "
          f"for {arguments.seconds:g} s (medians, p99)\n")
    print("| connections | loop held per tick µs (p99) | per sample µs | heartbeat lag idle µs "
          "(p99) | heartbeat lag sampling µs (p99) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        idle, sampling = result["idle"], result["sampling"]
        print(f"| {result['connections']:,} | {sampling['held_median_us']:,.0f} "
              f"({sampling['held_p99_us']:,.0f}) | {sampling['per_sample_us']:.2f} | "
              f"{idle['lag_median_us']:,.0f} ({idle['lag_p99_us']:,.0f}) | "
              f"{sampling['lag_median_us']:,.0f} ({sampling['lag_p99_us']:,.0f}) |")
    if arguments.json:
        with open(arguments.json, "w") as out:
            json.dump(results, out, indent=1)
    return 0
