from socketstat import ConnectionInfo


def smoothed(info: ConnectionInfo) -> float:
    return info.srtt
