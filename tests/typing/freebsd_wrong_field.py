from socketstat import tcp_info

# macOS's name: FreeBSD's struct tcp_info has tcpi_rtt.
print(tcp_info(3).tcpi_srtt)
