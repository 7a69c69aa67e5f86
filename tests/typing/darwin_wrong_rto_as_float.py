from socketstat import socketstat

info = socketstat(3).connection_info
if info is not None:
    # None while macOS's retransmit timer is not armed: not a float without a check.
    timeout: float = info.rto
