"""socketstat: everything the kernel knows about one socket."""

import sys

from socketstat._common import (
    SocketChangedError as SocketChangedError,
    SocketOwner as SocketOwner,
    TcpState as TcpState,
)
from socketstat._contract import Address as Address

if sys.platform == "linux":
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
    from socketstat._watch import (
        SocketsSample as SocketsSample,
        SocketsSampler as SocketsSampler,
    )

    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "LinuxTcpState", "MemInfo", "Sample", "SampleDelta", "Sampler", "TcpInfo", "tcp_info",
        "sockets", "Listing", "SocketOwner", "SocketsSampler", "SocketsSample",
        "SamplerGroup", "GroupSample", "GroupDelta", "GroupStatus", "Column",
    ]
elif sys.platform == "darwin":
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
    from socketstat._watch import (
        SocketsSample as SocketsSample,
        SocketsSampler as SocketsSampler,
    )

    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "DarwinTcpState", "SockbufInfo", "TcpConnectionFlags", "TcpConnectionInfo",
        "TcpConnectionOptions", "Sample", "SampleDelta", "Sampler", "tcp_info",
        "sockets", "Listing", "SocketOwner", "SocketsSampler", "SocketsSample",
        "SamplerGroup", "GroupSample", "GroupDelta", "GroupStatus", "Column",
    ]
elif sys.platform.startswith("freebsd"):
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

    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "FreeBSDTcpState", "TcpInfo", "TcpInfoOptions", "Sample", "SampleDelta", "Sampler",
        "tcp_info", "SocketOwner",
    ]
elif sys.platform == "win32":
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

    __all__ = [
        "socketstat", "SocketStat", "SocketInfo", "ConnectionInfo", "TcpState", "Address",
        "SocketChangedError",
        "WindowsTcpState", "Sample", "SampleDelta", "Sampler", "TcpInfo", "tcp_info",
        "SocketOwner",
    ]

__version__: str
