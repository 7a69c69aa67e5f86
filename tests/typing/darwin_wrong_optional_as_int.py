from socketstat import socketstat

info = socketstat(3).connection_info
if info is not None:
    # None before macOS 10.13: not an int without a check.
    retransmitted: int = info.tcpi_txretransmitpackets
