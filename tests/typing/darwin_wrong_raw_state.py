from socketstat import DarwinTcpState, socketstat

# The portable state is a TcpState by name, never a kernel number: compare it with TcpState.
info = socketstat(3).connection_info
if info is not None and info.state == DarwinTcpState.ESTABLISHED:
    print("established")
