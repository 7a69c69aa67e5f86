from socketstat import TcpInfo


def limited(info: TcpInfo) -> int:
    cwnd_limited_ms: int = info.SndLimTimeCwnd
    return cwnd_limited_ms
