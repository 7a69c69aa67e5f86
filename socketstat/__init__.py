"""socketstat: everything the kernel knows about one socket.

    >>> from socketstat import socketstat
    >>> st = socketstat(sock)      # an int fd, or anything with fileno()
    >>> st.unreceived, st.unsent, st.connection_info.rtt

The names in ``__all__`` up to ``TcpState`` are the portable contract: the same names, types and
units on every platform. The rest are this platform's own records, in the kernel's units. The
backend for this operating system is a compiled extension, chosen here once.
"""

import sys

from socketstat._common import (
    SocketChangedError as SocketChangedError,
    SocketOwner as SocketOwner,
    TcpState as TcpState,
    unbuilt_backend,
)
from socketstat._contract import Address as Address

if sys.platform.startswith("linux"):
    try:
        from socketstat._linux import (
            Column as Column,
            GroupDelta as GroupDelta,
            GroupSample as GroupSample,
            GroupStatus as GroupStatus,
            Listing as Listing,
            LinuxTcpState as LinuxTcpState,
            MemInfo as MemInfo,
            Sample as Sample,
            SampleDelta as SampleDelta,
            Sampler as Sampler,
            SamplerGroup as SamplerGroup,
            SocketInfo as SocketInfo,
            SocketStat as SocketStat,
            TcpInfo as ConnectionInfo,
            TcpInfo as TcpInfo,
            socketstat as socketstat,
            sockets as sockets,
            tcp_info as tcp_info,
        )
    except ModuleNotFoundError as error:
        raise unbuilt_backend(error, "socketstat._linux") from None
    from socketstat._watch import SocketsSample as SocketsSample, SocketsSampler as SocketsSampler
    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "LinuxTcpState", "MemInfo", "Sample", "SampleDelta", "Sampler", "TcpInfo", "tcp_info",
        "sockets", "Listing", "SocketOwner", "SocketsSampler", "SocketsSample",
        "SamplerGroup", "GroupSample", "GroupDelta", "GroupStatus", "Column",
    ]
elif sys.platform == "darwin":
    try:
        from socketstat._darwin import (
            Column as Column,
            DarwinTcpState as DarwinTcpState,
            GroupDelta as GroupDelta,
            GroupSample as GroupSample,
            GroupStatus as GroupStatus,
            Listing as Listing,
            Sample as Sample,
            SampleDelta as SampleDelta,
            Sampler as Sampler,
            SamplerGroup as SamplerGroup,
            SockbufInfo as SockbufInfo,
            SocketInfo as SocketInfo,
            SocketStat as SocketStat,
            TcpConnectionFlags as TcpConnectionFlags,
            TcpConnectionInfo as ConnectionInfo,
            TcpConnectionInfo as TcpConnectionInfo,
            TcpConnectionOptions as TcpConnectionOptions,
            socketstat as socketstat,
            sockets as sockets,
            tcp_info as tcp_info,
        )
    except ModuleNotFoundError as error:
        raise unbuilt_backend(error, "socketstat._darwin") from None
    from socketstat._watch import SocketsSample as SocketsSample, SocketsSampler as SocketsSampler
    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "DarwinTcpState", "SockbufInfo", "TcpConnectionFlags", "TcpConnectionInfo",
        "TcpConnectionOptions", "Sample", "SampleDelta", "Sampler", "tcp_info",
        "sockets", "Listing", "SocketOwner", "SocketsSampler", "SocketsSample",
        "SamplerGroup", "GroupSample", "GroupDelta", "GroupStatus", "Column",
    ]
elif sys.platform.startswith("freebsd"):
    # No listing of every socket and no SamplerGroup here: socketstat(fd), tcp_info and Sampler.
    try:
        from socketstat._freebsd import (
            FreeBSDTcpState as FreeBSDTcpState,
            Sample as Sample,
            SampleDelta as SampleDelta,
            Sampler as Sampler,
            SocketInfo as SocketInfo,
            SocketStat as SocketStat,
            TcpInfo as ConnectionInfo,
            TcpInfo as TcpInfo,
            TcpInfoOptions as TcpInfoOptions,
            socketstat as socketstat,
            tcp_info as tcp_info,
        )
    except ModuleNotFoundError as error:
        raise unbuilt_backend(error, "socketstat._freebsd") from None
    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "FreeBSDTcpState", "TcpInfo", "TcpInfoOptions", "Sample", "SampleDelta", "Sampler",
        "tcp_info", "SocketOwner",
    ]
elif sys.platform == "win32":
    # Windows has socketstat(), tcp_info() and Sampler; listing every socket (sockets(),
    # SocketsSampler) and SamplerGroup are Linux's and macOS's.
    try:
        from socketstat._windows import (
            Sample as Sample,
            SampleDelta as SampleDelta,
            Sampler as Sampler,
            SocketInfo as SocketInfo,
            SocketStat as SocketStat,
            TcpInfo as ConnectionInfo,
            TcpInfo as TcpInfo,
            WindowsTcpState as WindowsTcpState,
            socketstat as socketstat,
            tcp_info as tcp_info,
        )
    except ModuleNotFoundError as error:
        raise unbuilt_backend(error, "socketstat._windows") from None
    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "WindowsTcpState", "Sample", "SampleDelta", "Sampler", "TcpInfo", "tcp_info",
        "SocketOwner",
    ]
else:
    raise ImportError("socketstat supports Linux, macOS, FreeBSD and Windows; this platform is "
                      f"{sys.platform!r}")

del sys, unbuilt_backend
__version__ = "0.1.0"
