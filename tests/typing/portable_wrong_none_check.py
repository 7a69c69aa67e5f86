from socketstat import socketstat

rtt = socketstat(0).connection_info.rtt
