from socketstat import tcp_info

print(tcp_info(3).tcpi_no_such_field)
