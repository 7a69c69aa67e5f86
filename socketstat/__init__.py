"""socketstat: everything the kernel knows about one socket.

    >>> from socketstat import socketstat
    >>> st = socketstat(sock)      # an int fd, or anything with fileno()
    >>> st.unreceived, st.unsent, st.connection_info.tcpi_rtt

The backend for this operating system is a compiled extension, chosen here once.
"""

import sys

if sys.platform.startswith("linux"):
    _backend_name = "socketstat._linux"
elif sys.platform == "darwin":
    _backend_name = "socketstat._darwin"
else:
    raise ImportError(
        f"socketstat supports Linux and macOS; this platform is {sys.platform!r}"
    )

try:
    if _backend_name == "socketstat._linux":
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
    else:
        from socketstat._darwin import (  # type: ignore[no-redef]
            SockbufInfo as SockbufInfo,
            SocketInfo as SocketInfo,
            SocketStat as SocketStat,
            TcpConnectionFlags as TcpConnectionFlags,
            TcpConnectionInfo as TcpConnectionInfo,
            TcpConnectionOptions as TcpConnectionOptions,
            TcpState as TcpState,
            socketstat as socketstat,
        )
except ModuleNotFoundError as error:
    if error.name != _backend_name:
        raise
    raise ImportError(
        f"socketstat's compiled backend {_backend_name} is missing: this looks like an unbuilt "
        "source tree. Install the package (python -m pip install .) and import it from outside "
        "the source directory."
    ) from None

__all__ = ["SocketInfo", "SocketStat", "TcpState", "socketstat"]
__version__ = "0.1.0"
