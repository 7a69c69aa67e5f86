"""macOS pcblist_n answers built byte by byte, as the tests' independent source: each record
packed with ``struct`` from this file's own reading of xnu-11417.121.6 (bsd/netinet/in_pcb.h,
bsd/sys/socketvar.h, bsd/netinet/tcp_var.h, bsd/sys/unpcb.h: every struct under #pragma pack(4),
so the padding below is written out), and framed as bsd/netinet/in_pcblist.c get_pcblist_n
frames them: an xinpgen, per socket its records each rounded up to 8 bytes, a trailing xinpgen.
"""

from __future__ import annotations

import struct
from typing import Iterable, Mapping

XSO_SOCKET, XSO_RCVBUF, XSO_SNDBUF, XSO_STATS, XSO_INPCB, XSO_TCPCB = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20
XSO_UNPCB = 0x200
AF_UNIX, AF_INET, AF_INET6 = 1, 2, 30          # Darwin's numbers (bsd/sys/socket.h)
INP_IPV4, INP_IPV6 = 0x1, 0x2
SO_ACCEPTCONN = 0x2
SS_ISCONNECTED = 0x2

# (member, struct format) in declaration order; "pad" members are the pack(4) holes.
_LAYOUTS: dict[str, list[tuple[str, str]]] = {
    "xinpgen": [("xig_len", "I"), ("xig_count", "I"), ("xig_gen", "Q"), ("xig_sogen", "Q")],
    "xinpcb_n": [
        ("xi_len", "I"), ("xi_kind", "I"), ("xi_inpp", "Q"), ("inp_fport", "2s"),
        ("inp_lport", "2s"), ("inp_ppcb", "Q"), ("inp_gencnt", "Q"), ("inp_flags", "i"),
        ("inp_flow", "I"), ("inp_vflag", "B"), ("inp_ip_ttl", "B"), ("inp_ip_p", "B"),
        ("pad1", "x"), ("faddr", "16s"), ("laddr", "16s"), ("inp4_ip_tos", "B"), ("pad2", "3x"),
        ("inp6_hlim", "B"), ("pad3", "3x"), ("inp6_cksum", "i"), ("inp6_ifindex", "H"),
        ("inp6_hops", "h"), ("inp_flowhash", "I"), ("inp_flags2", "I")],
    "xsocket_n": [
        ("xso_len", "I"), ("xso_kind", "I"), ("xso_so", "Q"), ("so_type", "h"), ("pad1", "2x"),
        ("so_options", "I"), ("so_linger", "h"), ("so_state", "h"), ("so_pcb", "Q"),
        ("xso_protocol", "i"), ("xso_family", "i"), ("so_qlen", "h"), ("so_incqlen", "h"),
        ("so_qlimit", "h"), ("so_timeo", "h"), ("so_error", "H"), ("pad2", "2x"),
        ("so_pgid", "i"), ("so_oobmark", "I"), ("so_uid", "I"), ("so_last_pid", "i"),
        ("so_e_pid", "i"),
        # Appended in xnu-8792 (macOS 13): absent from the 76-byte record of older releases.
        ("so_gencnt", "Q"), ("so_flags", "I"), ("so_flags1", "I"), ("so_usecount", "i"),
        ("so_retaincnt", "i"), ("xso_filter_flags", "I")],
    "xsockbuf_n": [
        ("xsb_len", "I"), ("xsb_kind", "I"), ("sb_cc", "I"), ("sb_hiwat", "I"), ("sb_mbcnt", "I"),
        ("sb_mbmax", "I"), ("sb_lowat", "i"), ("sb_flags", "h"), ("sb_timeo", "h")],
    "xsockstat_n": [("xst_len", "I"), ("xst_kind", "I"), ("xst_tc_stats", "128s")],
    "xtcpcb_n": [
        ("xt_len", "I"), ("xt_kind", "I"), ("t_segq", "Q"), ("t_dupacks", "i"),
        ("t_timer", "16s"), ("t_state", "i"), ("t_flags", "I"), ("t_force", "i"),
        *((name, "I") for name in ("snd_una", "snd_max", "snd_nxt", "snd_up", "snd_wl1",
                                   "snd_wl2", "iss", "irs", "rcv_nxt", "rcv_adv", "rcv_wnd",
                                   "rcv_up", "snd_wnd", "snd_cwnd", "snd_ssthresh", "t_maxopd",
                                   "t_rcvtime", "t_starttime")),
        ("t_rtttime", "i"), ("t_rtseq", "I"), ("t_rxtcur", "i"), ("t_maxseg", "I"),
        ("t_srtt", "i"), ("t_rttvar", "i"), ("t_rxtshift", "i"), ("t_rttmin", "I"),
        ("t_rttupdated", "I"), ("max_sndwnd", "I"), ("t_softerror", "i"), ("t_oobflags", "b"),
        ("t_iobc", "b"), ("snd_scale", "B"), ("rcv_scale", "B"), ("request_r_scale", "B"),
        ("requested_s_scale", "B"), ("pad1", "2x"),
        *((name, "I") for name in ("ts_recent", "ts_recent_age", "last_ack_sent", "cc_send",
                                   "cc_recv", "snd_recover", "snd_cwnd_prev",
                                   "snd_ssthresh_prev"))],
    "xunpcb_n": [
        ("xunp_len", "I"), ("xunp_kind", "I"), ("xunp_unpp", "Q"), ("xunp_vnode", "Q"),
        ("xunp_ino", "Q"), ("xunp_conn", "Q"), ("xunp_refs", "Q"), ("xunp_reflink", "Q"),
        ("xunp_cc", "i"), ("xunp_mbcnt", "i"), ("xunp_flags", "i"), ("xunp_gencnt", "Q"),
        ("xu_addr", "256s"), ("xu_caddr", "256s")],
}

# What the sizes come to: the table in socketstat/includes/darwin_pcblist.h says the same.
SIZES = {"xinpgen": 24, "xinpcb_n": 104, "xsocket_n": 104, "xsockbuf_n": 32, "xsockstat_n": 136,
         "xtcpcb_n": 204, "xunpcb_n": 588}
XSOCKET_N_BEFORE_13 = 76
KINDS = {"xinpcb_n": XSO_INPCB, "xsocket_n": XSO_SOCKET, "xsockstat_n": XSO_STATS,
         "xtcpcb_n": XSO_TCPCB, "xunpcb_n": XSO_UNPCB}


def _format(layout: str) -> str:
    return "<" + "".join(fmt for _, fmt in _LAYOUTS[layout])


def pack(layout: str, length: int | None = None, /, **values: object) -> bytes:
    """One record of ``layout``, its unnamed members 0; ``length`` overrides the len member (a
    record of another length is cut or zero-padded to it), and the record is rounded up to 8."""
    names = [name for name, fmt in _LAYOUTS[layout] if not fmt.endswith("x")]
    unknown = set(values) - set(names)
    assert not unknown, f"{layout} has no {unknown}"
    size = struct.calcsize(_format(layout))
    assert size == SIZES[layout], (layout, size)
    length = size if length is None else length
    defaults: dict[str, object] = {name: 0 for name in names}
    for name, fmt in _LAYOUTS[layout]:
        if fmt.endswith("s"):
            defaults[name] = b""
    defaults[names[0]] = length
    if layout in KINDS:
        defaults[names[1]] = KINDS[layout]
    defaults.update(values)
    raw = struct.pack(_format(layout), *(defaults[name] for name in names))
    raw = raw[:length].ljust(length, b"\0")
    return raw.ljust((length + 7) & ~7, b"\0")


def port(number: int) -> bytes:
    return number.to_bytes(2, "big")


def ipv4(text: str) -> bytes:
    """The 16 bytes of an in_addr_4in6 holding an IPv4 address (in its last four)."""
    return bytes(12) + bytes(int(part) for part in text.split("."))


def sockaddr_un(path: str) -> bytes:
    encoded = path.encode()
    return bytes([2 + len(encoded) + 1, AF_UNIX]) + encoded + b"\0"


def timers(*values: int) -> bytes:
    return struct.pack("<4i", *(list(values) + [0, 0, 0, 0])[:4])


def inet_socket(*, gencnt: int = 1, family: int = AF_INET, protocol: int = 6,
                local: tuple[str, int] = ("127.0.0.1", 0), remote: tuple[str, int] = ("0.0.0.0", 0),
                vflag: int = INP_IPV4, laddr: bytes | None = None, faddr: bytes | None = None,
                socket: Mapping[str, object] = {}, rcv: Mapping[str, object] = {},
                snd: Mapping[str, object] = {}, tcp: Mapping[str, object] | None = None,
                stats: bool = True, socket_length: int | None = None) -> bytes:
    """One socket's records, in get_pcblist_n's order; ``tcp`` the xtcpcb_n's members (None: no
    tcpcb record, as for UDP and raw)."""
    records = [
        pack("xinpcb_n", inp_gencnt=gencnt, inp_lport=port(local[1]), inp_fport=port(remote[1]),
             inp_vflag=vflag, inp_ip_p=protocol,
             laddr=laddr if laddr is not None else ipv4(local[0]),
             faddr=faddr if faddr is not None else ipv4(remote[0])),
        pack("xsocket_n", socket_length, xso_protocol=protocol, xso_family=family,
             so_type=1 if protocol == 6 else 2, **socket),
        pack("xsockbuf_n", xsb_kind=XSO_RCVBUF, **rcv),
        pack("xsockbuf_n", xsb_kind=XSO_SNDBUF, **snd),
    ]
    if stats:
        records.append(pack("xsockstat_n"))
    if tcp is not None:
        records.append(pack("xtcpcb_n", **tcp))
    return b"".join(records)


def unix_socket(*, gencnt: int = 1, path: str = "", peer_path: str = "",
                socket: Mapping[str, object] = {}, rcv: Mapping[str, object] = {},
                snd: Mapping[str, object] = {}) -> bytes:
    return b"".join([
        pack("xunpcb_n", xunp_gencnt=gencnt,
             xu_addr=sockaddr_un(path) if path else b"",
             xu_caddr=sockaddr_un(peer_path) if peer_path else b""),
        pack("xsocket_n", xso_family=AF_UNIX, so_type=1, **socket),
        pack("xsockbuf_n", xsb_kind=XSO_RCVBUF, **rcv),
        pack("xsockbuf_n", xsb_kind=XSO_SNDBUF, **snd),
        pack("xsockstat_n"),
    ])


def answer(sockets: Iterable[bytes], *, generation: int = 10, trailer: bool = True) -> bytes:
    """A whole sysctl answer: header, the sockets, and the trailing header."""
    items = list(sockets)
    head = pack("xinpgen", xig_count=len(items), xig_gen=generation, xig_sogen=generation)
    tail = pack("xinpgen", xig_count=len(items), xig_gen=generation, xig_sogen=generation)
    return head + b"".join(items) + (tail if trailer else b"")
