from socketstat import socketstat

info = socketstat(0).connection_info
if info is not None:
    rtt_us: int = info.tcpi_rtt
