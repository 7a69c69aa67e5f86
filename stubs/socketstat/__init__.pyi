"""socketstat: everything the kernel knows about one socket."""

import sys

if sys.platform == "linux":
    from socketstat._linux import (
        MemInfo as MemInfo,
        Sample as Sample,
        SampleDelta as SampleDelta,
        Sampler as Sampler,
        SocketInfo as SocketInfo,
        SocketStat as SocketStat,
        TcpInfo as TcpInfo,
        TcpState as TcpState,
        socketstat as socketstat,
        tcp_info as tcp_info,
    )
elif sys.platform == "darwin":
    from socketstat._darwin import (
        SockbufInfo as SockbufInfo,
        SocketInfo as SocketInfo,
        SocketStat as SocketStat,
        TcpConnectionFlags as TcpConnectionFlags,
        TcpConnectionInfo as TcpConnectionInfo,
        TcpConnectionOptions as TcpConnectionOptions,
        TcpState as TcpState,
        socketstat as socketstat,
    )

__all__ = ["SocketInfo", "SocketStat", "TcpState", "socketstat"]
__version__: str
