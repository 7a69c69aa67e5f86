from socketstat import tcp_info

# tcpi_rcv_wnd arrived in Linux 6.2, after the oldest supported kernel: it is Optional.
window: int = tcp_info(3).tcpi_rcv_wnd
