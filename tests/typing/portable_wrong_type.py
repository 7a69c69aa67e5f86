from socketstat import ConnectionInfo, TcpState


def check(info: ConnectionInfo) -> bool:
    rtt_us: int = info.rtt
    return info.state == TcpState.FIN_WAIT1
