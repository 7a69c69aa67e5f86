"""python -m socketstat, or the `socketstat` command: list the kernel's sockets as ss does, with
typed JSON, filters, per-connection rates and a live view (socketstat._cli); `socketstat demo`
opens a loopback connection of its own and shows what socketstat reads (socketstat._cli_demo).
"""

from __future__ import annotations

from socketstat._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
