"""Wrong: a column is a buffer of numbers, not a list of records, and add() takes an fd."""

import socket

from socketstat import SamplerGroup


def wrong(sock: socket.socket) -> int:
    group = SamplerGroup([sock])
    group.add("eth0")
    batch = group.sample()
    return batch.tcpi_rtt[0].rtt
