"""python -m socketstat, or the `socketstat` command: list the kernel's sockets as ss does, with
typed JSON, filters, per-connection rates and a live view (socketstat._cli); `socketstat demo`
opens a loopback connection of its own and shows what socketstat reads (socketstat._cli_demo).

Listing every socket is Linux's and macOS's: elsewhere (FreeBSD) the command says so and exits 2,
before importing the listing backend this platform does not build.
"""

from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    if not (sys.platform == "darwin" or sys.platform.startswith("linux")):
        print(f"socketstat: the command lists the kernel's sockets, which socketstat does on Linux "
              f"and macOS only, not on {sys.platform}; from Python, socketstat.socketstat(fd), "
              "tcp_info(fd) and Sampler(fd) read one socket here", file=sys.stderr)
        return 2
    from socketstat._cli import main as listing_main

    return listing_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
