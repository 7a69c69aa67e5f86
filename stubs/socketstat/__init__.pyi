"""socketstat: everything the kernel knows about one socket."""

import sys

if sys.platform == "linux":
    from socketstat._linux import (
        MemInfo as MemInfo,
        SocketInfo as SocketInfo,
        SocketStat as SocketStat,
        TcpInfo as TcpInfo,
        TcpState as TcpState,
        socketstat as socketstat,
    )

__all__ = ["SocketInfo", "SocketStat", "TcpState", "socketstat"]
__version__: str
