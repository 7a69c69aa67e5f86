"""struct tcp_info as include/uapi/linux/tcp.h lays it out (Linux 6.18, and 7.0's re-cut last
four bytes), written down here by offset, independently of socketstat's header and field table,
so tests can read raw getsockopt bytes themselves."""

from __future__ import annotations

import struct

# (member, byte offset, struct format) for every member outside the two bitfield bytes.
PLAIN_MEMBERS: list[tuple[str, int, str]] = [
    ("tcpi_state", 0, "B"), ("tcpi_ca_state", 1, "B"), ("tcpi_retransmits", 2, "B"),
    ("tcpi_probes", 3, "B"), ("tcpi_backoff", 4, "B"), ("tcpi_options", 5, "B"),
    ("tcpi_rto", 8, "I"), ("tcpi_ato", 12, "I"), ("tcpi_snd_mss", 16, "I"),
    ("tcpi_rcv_mss", 20, "I"), ("tcpi_unacked", 24, "I"), ("tcpi_sacked", 28, "I"),
    ("tcpi_lost", 32, "I"), ("tcpi_retrans", 36, "I"), ("tcpi_fackets", 40, "I"),
    ("tcpi_last_data_sent", 44, "I"), ("tcpi_last_ack_sent", 48, "I"),
    ("tcpi_last_data_recv", 52, "I"), ("tcpi_last_ack_recv", 56, "I"), ("tcpi_pmtu", 60, "I"),
    ("tcpi_rcv_ssthresh", 64, "I"), ("tcpi_rtt", 68, "I"), ("tcpi_rttvar", 72, "I"),
    ("tcpi_snd_ssthresh", 76, "I"), ("tcpi_snd_cwnd", 80, "I"), ("tcpi_advmss", 84, "I"),
    ("tcpi_reordering", 88, "I"), ("tcpi_rcv_rtt", 92, "I"), ("tcpi_rcv_space", 96, "I"),
    ("tcpi_total_retrans", 100, "I"), ("tcpi_pacing_rate", 104, "Q"),
    ("tcpi_max_pacing_rate", 112, "Q"), ("tcpi_bytes_acked", 120, "Q"),
    ("tcpi_bytes_received", 128, "Q"), ("tcpi_segs_out", 136, "I"), ("tcpi_segs_in", 140, "I"),
    ("tcpi_notsent_bytes", 144, "I"), ("tcpi_min_rtt", 148, "I"),
    ("tcpi_data_segs_in", 152, "I"), ("tcpi_data_segs_out", 156, "I"),
    ("tcpi_delivery_rate", 160, "Q"), ("tcpi_busy_time", 168, "Q"),
    ("tcpi_rwnd_limited", 176, "Q"), ("tcpi_sndbuf_limited", 184, "Q"),
    ("tcpi_delivered", 192, "I"), ("tcpi_delivered_ce", 196, "I"),
    ("tcpi_bytes_sent", 200, "Q"), ("tcpi_bytes_retrans", 208, "Q"),
    ("tcpi_dsack_dups", 216, "I"), ("tcpi_reord_seen", 220, "I"),
    ("tcpi_rcv_ooopack", 224, "I"), ("tcpi_snd_wnd", 228, "I"), ("tcpi_rcv_wnd", 232, "I"),
    ("tcpi_rehash", 236, "I"), ("tcpi_total_rto", 240, "H"),
    ("tcpi_total_rto_recoveries", 242, "H"), ("tcpi_total_rto_time", 244, "I"),
    ("tcpi_received_ce", 248, "I"), ("tcpi_delivered_e1_bytes", 252, "I"),
    ("tcpi_delivered_e0_bytes", 256, "I"), ("tcpi_delivered_ce_bytes", 260, "I"),
    ("tcpi_received_e1_bytes", 264, "I"), ("tcpi_received_e0_bytes", 268, "I"),
    ("tcpi_received_ce_bytes", 272, "I"),
]
# The last four bytes: two u16 on 6.18; one u32 of bit-fields from 7.0 (ecn_mode:2,
# accecn_opt_seen:2, accecn_fail_mode:4, options2:24).
TAIL_OFFSET = 276
SIZE = 280
# The kernel's struct sizes at the releases that grew it.
SIZES_BY_RELEASE = {"2.6": 104, "3.15": 120, "4.6": 160, "4.10": 192, "5.4": 232, "6.7": 248, "6.18": 280}


def decode(raw: bytes, kernel: tuple[int, ...]) -> dict[str, int | None]:
    """Every member the bytes cover, read as ``kernel`` lays them out; None for the rest (GCC
    little-endian bitfield order)."""
    values: dict[str, int | None] = {}
    for name, offset, fmt in PLAIN_MEMBERS:
        end = offset + struct.calcsize(fmt)
        values[name] = struct.unpack_from("<" + fmt, raw, offset)[0] if len(raw) >= end else None
    wscale, flags = raw[6], raw[7]
    values["tcpi_snd_wscale"] = wscale & 0x0F
    values["tcpi_rcv_wscale"] = wscale >> 4
    values["tcpi_delivery_rate_app_limited"] = flags & 0x01
    values["tcpi_fastopen_client_fail"] = (flags >> 1) & 0x03
    tail = struct.unpack_from("<I", raw, TAIL_OFFSET)[0] if len(raw) >= SIZE else None
    values["tcpi_ecn_mode"] = values["tcpi_options2"] = None
    if tail is None:
        values["tcpi_accecn_fail_mode"] = values["tcpi_accecn_opt_seen"] = None
    elif kernel >= (7, 0):
        values["tcpi_ecn_mode"] = tail & 0x3
        values["tcpi_accecn_opt_seen"] = (tail >> 2) & 0x3
        values["tcpi_accecn_fail_mode"] = (tail >> 4) & 0xF
        values["tcpi_options2"] = tail >> 8
    else:
        values["tcpi_accecn_fail_mode"] = tail & 0xFFFF
        values["tcpi_accecn_opt_seen"] = tail >> 16
    return values
