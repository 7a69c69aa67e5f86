"""An independent reading of FreeBSD's struct tcp_info and the constants the FreeBSD tests use,
written from <netinet/tcp.h>, <sys/filio.h> and <sys/socket.h> (FreeBSD 14 and the 15-era header
zig ships agree on every offset here). test_freebsd_header.py compiles these offsets and values
against the real header on any OS; test_freebsd.py decodes raw getsockopt(TCP_INFO) bytes with
them on FreeBSD."""

from __future__ import annotations

import struct
from typing import Any

TCP_INFO = 32
# _IOR('f', n, int): IOC_OUT | sizeof(int) << 16 | 'f' << 8 | n.
FIONREAD = 0x4004667F
FIONWRITE = 0x40046677
FIONSPACE = 0x40046676
SO_LISTENQLIMIT = 0x1011
SO_LISTENQLEN = 0x1012
SO_LISTENINCQLEN = 0x1013

# (member, struct format, offset), in struct order; the two 4-bit window-scale fields share the
# byte at 6, tcpi_snd_wscale in its low bits (little-endian ABIs: amd64, arm64).
LAYOUT = [
    ("tcpi_state", "B", 0), ("tcpi_options", "B", 5), ("tcpi_rto", "I", 8),
    ("tcpi_snd_mss", "I", 16), ("tcpi_rcv_mss", "I", 20), ("tcpi_last_data_recv", "I", 52),
    ("tcpi_rtt", "I", 68), ("tcpi_rttvar", "I", 72), ("tcpi_snd_ssthresh", "I", 76),
    ("tcpi_snd_cwnd", "I", 80), ("tcpi_rcv_space", "I", 96), ("tcpi_snd_wnd", "I", 100),
    ("tcpi_snd_nxt", "I", 108), ("tcpi_rcv_nxt", "I", 112), ("tcpi_toe_tid", "I", 116),
    ("tcpi_snd_rexmitpack", "I", 120), ("tcpi_rcv_ooopack", "I", 124),
    ("tcpi_snd_zerowin", "I", 128),
    # FreeBSD 14.0, in what was padding.
    ("tcpi_delivered_ce", "I", 132), ("tcpi_received_ce", "I", 136),
    ("tcpi_total_tlp", "I", 164), ("tcpi_total_tlp_bytes", "Q", 168),
    ("tcpi_snd_una", "I", 176), ("tcpi_snd_max", "I", 180), ("tcpi_rcv_numsacks", "I", 184),
    ("tcpi_rcv_adv", "I", 188), ("tcpi_dupacks", "I", 192),
]
WSCALE_OFFSET = 6
BASE_END = 132           # the end of tcpi_snd_zerowin: what every release fills
ADDED_IN_14 = [name for name, _, offset in LAYOUT if offset >= BASE_END]
# The members in struct order, the bit-fields after tcpi_options.
MEMBERS = (["tcpi_state", "tcpi_options", "tcpi_snd_wscale", "tcpi_rcv_wscale"]
           + [name for name, _, offset in LAYOUT if offset >= 8])
SIZE = 196               # through tcpi_dupacks


def decode(raw: bytes, *, kernel_14: bool) -> dict[str, Any]:
    """Each member from a struct tcp_info prefix; None beyond it, and for the members 14.0 added
    when the kernel that filled ``raw`` is older (its padding reads 0 there)."""
    padded = raw[:SIZE].ljust(SIZE, b"\0")
    values: dict[str, Any] = {}
    for name, form, offset in LAYOUT:
        end = offset + struct.calcsize(form)
        present = len(raw) >= end and (kernel_14 or offset < BASE_END)
        values[name] = struct.unpack_from("=" + form, padded, offset)[0] if present else None
    scales = padded[WSCALE_OFFSET]
    values["tcpi_snd_wscale"] = scales & 0x0F
    values["tcpi_rcv_wscale"] = scales >> 4
    return {name: values[name] for name in MEMBERS}
