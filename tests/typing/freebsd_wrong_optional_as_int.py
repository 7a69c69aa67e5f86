from socketstat import tcp_info

# A member FreeBSD 14.0 added in the padding may be None (a kernel older than 14).
una: int = tcp_info(3).tcpi_snd_una
