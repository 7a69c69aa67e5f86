"""python -m socketstat, or the `socketstat` command: list the kernel's sockets as ss does, with
typed JSON, filters, per-connection rates and a live view (socketstat._cli); `socketstat demo`
opens a loopback connection of its own and shows what socketstat reads (socketstat._cli_demo).
"""

from __future__ import annotations

import sys

# Listing every socket (sockets()) is Linux's and macOS's: refused plainly on Windows, and this
# module's types are checked for those platforms only (the assert: mypy skips the rest of the
# module under --platform win32).
if sys.platform == "win32":
    raise ImportError("socketstat.__main__ lists sockets with sockets(), which Windows lacks; on "
                      "Windows socketstat has socketstat(), tcp_info() and Sampler")
assert sys.platform != "win32"

from socketstat._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
