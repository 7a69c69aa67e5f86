"""``socketstat export``: a listing's figures served to Prometheus, for sidecar use.

    socketstat export --listen 127.0.0.1:9101 [what to list, filters: as for socketstat]

Each scrape of http://ADDRESS:PORT/metrics lists the sockets again (SocketCollector, from the
``socketstat[prometheus]`` extra) and answers with one series per connection.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

# Listing every socket (sockets()) is Linux's and macOS's: refused plainly on Windows, and this
# module's types are checked for those platforms only (the assert: mypy skips the rest of the
# module under --platform win32).
if sys.platform == "win32":
    raise ImportError("socketstat._cli_export lists sockets with sockets(), which Windows lacks; on "
                      "Windows socketstat has socketstat(), tcp_info() and Sampler")
assert sys.platform != "win32"

from socketstat import _cli

PROG = "socketstat export"


def _listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")  # [::1]:9101
    if not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"invalid address {text!r}: HOST:PORT, e.g. "
                                         "127.0.0.1:9101 (port 0: any free one)")
    return host, int(port)


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.exit(1)


def main(arguments: list[str]) -> int:
    parser = _cli.build_parser()
    parser.prog = PROG
    parser.usage = f"{PROG} --listen HOST:PORT [-tuxwM] [-46] [-l | -a] [filters]"
    parser.description = ("Serve the figures of the sockets a listing finds to Prometheus: "
                          "every scrape lists again.")
    served = parser.add_argument_group("export")
    served.add_argument("--listen", metavar="HOST:PORT", type=_listen, required=True,
                        help="where to serve /metrics (port 0: any free one, printed)")
    served.add_argument("--max-series", metavar="N", type=int, default=1000,
                        help="the most connections exposed per scrape (default 1000)")
    args = parser.parse_args(arguments)
    if args.watch is not None or args.json or args.ndjson:
        parser.error("--watch, --json and --ndjson are the listing's, not the exporter's")
    try:
        from prometheus_client import CollectorRegistry, start_http_server

        from socketstat.prometheus import SocketCollector
    except ImportError:
        _fail("needs prometheus_client: pip install 'socketstat[prometheus]'")
    the_plan = _cli.plan(args)
    filters = {name: value for name, value in the_plan.filters.items() if value is not None}
    listings = [dict(kind=source.kind, states=source.states, **filters)
                for source in the_plan.sources]
    registry = CollectorRegistry()
    try:
        registry.register(SocketCollector(listings=listings, max_series=args.max_series))
        server, thread = start_http_server(args.listen[1], args.listen[0], registry)
    except (OSError, ValueError, TypeError) as error:
        _fail(str(error))
    host = args.listen[0]
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"{PROG}: serving http://{shown}:{server.server_port}/metrics\n")
    sys.stderr.flush()
    try:
        thread.join()
    except KeyboardInterrupt:
        server.shutdown()
    return 0
