from socketstat import socketstat

# tcpi_rtt is Linux's name; macOS's struct tcp_connection_info has tcpi_srtt.
info = socketstat(3).connection_info
if info is not None:
    print(info.tcpi_rtt)
