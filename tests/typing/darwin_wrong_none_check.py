from socketstat import socketstat

# connection_info is None for anything but TCP: using it unchecked must be an error.
print(socketstat(3).connection_info.tcpi_srtt)
