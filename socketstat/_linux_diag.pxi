# Every socket at once: sockets() over NETLINK_SOCK_DIAG (sock_diag(7)), included by _linux.pyx.
#
# One dump request per (family, protocol), answered by the kernel in chunks of at most 32 KiB
# (af_netlink.c caps a dump skb at SKB_WITH_OVERHEAD(32768)), each chunk a run of messages: an
# inet_diag_msg or unix_diag_msg and its rtattrs. The records are filled straight from them into
# the classes socketstat(fd) returns; what a record does not read stays C numbers until asked for.

from cpython.mem cimport PyMem_Calloc  # PyMem_Malloc and PyMem_Free: _posix.pxi
from cpython.exc cimport PyErr_CheckSignals

import ipaddress as _ipaddress
import struct as _struct

from socketstat._common import SocketOwner
from socketstat._query import Listing, parse as _parse_query


cdef enum:
    # Bytes one recv() needs for a whole dump chunk; a bigger chunk would be a kernel that
    # changed the cap, and is reported (MSG_TRUNC), never half-read.
    CHUNK_SIZE = 32768
    # What a request is at most: header, inet_diag_req_v2, a bytecode of two address and two
    # port conditions, the protocol attribute.
    REQUEST_SIZE = 512

# Protocol numbers (include/uapi/linux/in.h) and what each listing's records say.
cdef enum:
    PROTOCOL_TCP = 6
    PROTOCOL_UDP = 17
    PROTOCOL_UDPLITE = 136
    PROTOCOL_RAW = 255
    PROTOCOL_MPTCP = 262

cdef dict _PROTOCOLS = {"tcp": PROTOCOL_TCP, "udp": PROTOCOL_UDP, "udplite": PROTOCOL_UDPLITE,
                        "raw": PROTOCOL_RAW, "mptcp": PROTOCOL_MPTCP, "unix": 0}

# Errors a dump request answers when the kernel cannot give that listing: no sock_diag handler
# for the protocol (ENOENT, after request_module failed), or a request an older kernel does not
# understand (EINVAL, e.g. INET_DIAG_REQ_PROTOCOL before 5.9).
cdef frozenset _UNAVAILABLE = frozenset({_errno.ENOENT, _errno.EINVAL, _errno.EOPNOTSUPP,
                                         _errno.EPROTONOSUPPORT, _errno.EAFNOSUPPORT})


# ---------------------------------------------------------------------------------------------
# De-duplication: a dump is not a snapshot (the kernel resumes each chunk by hash bucket and
# position, and never sets NLM_F_DUMP_INTR), so a socket can come twice; its cookie says so.

cdef struct CookieSet:
    uint64_t *slots      # open addressing; 0 marks an empty slot
    size_t mask
    size_t count


cdef int cookie_set_init(CookieSet *cookies) except -1:
    cookies.slots = <uint64_t *>PyMem_Calloc(1024, sizeof(uint64_t))
    if cookies.slots == NULL:
        raise MemoryError()
    cookies.mask = 1023
    cookies.count = 0
    return 0


cdef inline size_t _cookie_slot(uint64_t cookie, size_t mask) noexcept nogil:
    # Cookies are sequential counters: a multiplicative hash spreads them over the table.
    return <size_t>((cookie * 0x9E3779B97F4A7C15ULL) >> 20) & mask


cdef int cookie_set_add(CookieSet *cookies, uint64_t cookie) except -1:
    """1 when the cookie is new (and now remembered), 0 when it was seen already."""
    cdef size_t index
    cdef size_t old_size
    cdef uint64_t *old
    if cookie == 0:
        return 1
    if (cookies.count + 1) * 2 > cookies.mask + 1:
        old = cookies.slots
        old_size = cookies.mask + 1
        cookies.slots = <uint64_t *>PyMem_Calloc(old_size * 2, sizeof(uint64_t))
        if cookies.slots == NULL:
            cookies.slots = old
            raise MemoryError()
        cookies.mask = old_size * 2 - 1
        for index in range(old_size):
            if old[index] != 0:
                _cookie_insert(cookies, old[index])
        PyMem_Free(old)
    index = _cookie_slot(cookie, cookies.mask)
    while cookies.slots[index] != 0:
        if cookies.slots[index] == cookie:
            return 0
        index = (index + 1) & cookies.mask
    cookies.slots[index] = cookie
    cookies.count += 1
    return 1


cdef inline void _cookie_insert(CookieSet *cookies, uint64_t cookie) noexcept nogil:
    cdef size_t index = _cookie_slot(cookie, cookies.mask)
    while cookies.slots[index] != 0:
        index = (index + 1) & cookies.mask
    cookies.slots[index] = cookie


# ---------------------------------------------------------------------------------------------
# Requests

cdef uint32_t _states_mask(object states):
    # idiag_states: one bit per kernel state number; each portable state stands for every kernel
    # state that reads as it (SYN_RECEIVED includes request sockets, CLOSED bound-inactive ones).
    # None asks for what ss -a and psutil show: every state but BOUND_INACTIVE, whose bit makes
    # the kernel walk its bind table as well (inet_diag.c, 6.8+), ~40% more kernel time; ss
    # lists those sockets only with -B. A states set holding CLOSED asks for them.
    cdef uint32_t mask = 0
    if states is None:
        return 0xFFFFFFFF & ~(1u << <int>LinuxTcpState.BOUND_INACTIVE)
    for number, portable_state in _PORTABLE_TCP_STATES.items():
        if portable_state in states:
            mask |= 1u << <int>number
    return mask


cdef bytes _bytecode(object query, int family):
    """The INET_DIAG_REQ_BYTECODE program for what the request's own fields cannot say: address
    prefixes, and a port of 0 (the request's port fields take 0 as "any"). Every condition
    must hold: each jumps past itself when true, past the program's end + 4 (reject) when not
    (inet_diag.c, inet_diag_bc_run and inet_diag_bc_audit)."""
    cdef list conditions = []
    for code, network in ((INET_DIAG_BC_S_COND, query.local_network),
                          (INET_DIAG_BC_D_COND, query.remote_network)):
        if network is None:
            continue
        # struct inet_diag_hostcond: family, prefix_len, int port (-1: any), then the address.
        # An AF_INET condition also matches an AF_INET6 socket's v4-mapped address.
        conditions.append((code, _struct.pack(
            "=BBxxi", _socket.AF_INET if network.version == 4 else _socket.AF_INET6,
            network.prefixlen, -1) + network.network_address.packed))
    for code, port in ((INET_DIAG_BC_S_LE, query.local_port),
                       (INET_DIAG_BC_D_LE, query.remote_port)):
        if port == 0:
            # port <= 0: the operand is the next op's "no" field.
            conditions.append((code, _struct.pack("=BBH", 0, 0, 0)))
    if not conditions:
        return None
    cdef list program = []
    cdef size_t remaining = sum(4 + len(operand) for _, operand in conditions)
    for code, operand in conditions:
        program.append(_struct.pack("=BBH", code, 4 + len(operand), remaining + 4) + operand)
        remaining -= 4 + len(operand)
    return b"".join(program)


cdef size_t _put_attribute(char *request, size_t offset, int kind, const void *payload,
                           size_t length) noexcept:
    cdef rtattr *attribute = <rtattr *>(request + offset)
    attribute.rta_len = RTA_LENGTH(length)
    attribute.rta_type = kind
    memcpy(request + offset + RTA_LENGTH(0), payload, length)
    return offset + RTA_ALIGN(attribute.rta_len)


cdef size_t _inet_request(char *request, object query, int family, int protocol) except 0:
    cdef nlmsghdr *header = <nlmsghdr *>request
    cdef inet_diag_req_v2 *body = <inet_diag_req_v2 *>(request + NLMSG_HDRLEN)
    cdef size_t length = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(inet_diag_req_v2))
    cdef uint32_t extended_protocol = protocol
    cdef bytes program = _bytecode(query, family)
    memset(request, 0, REQUEST_SIZE)
    body.sdiag_family = family
    body.sdiag_protocol = protocol & 0xFF
    if protocol == PROTOCOL_TCP:
        body.idiag_ext = 1 << (INET_DIAG_INFO - 1)
        if query.details:
            body.idiag_ext |= (1 << (INET_DIAG_SKMEMINFO - 1)) | (1 << (INET_DIAG_CONG - 1))
    elif query.details:
        body.idiag_ext = 1 << (INET_DIAG_SKMEMINFO - 1)
    if protocol == PROTOCOL_RAW:
        body.pad = PROTOCOL_RAW  # sdiag_raw_protocol: IPPROTO_RAW lists every raw socket
    body.idiag_states = _states_mask(query.states)
    # Non-zero ports are compared before anything else is done for a socket (inet_diag.c,
    # udp_diag.c, raw_diag.c): the cheapest filter the kernel has.
    if query.local_port:
        body.id.idiag_sport = htons(query.local_port)
    if query.remote_port:
        body.id.idiag_dport = htons(query.remote_port)
    body.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE
    body.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE
    if program is not None:
        length = _put_attribute(request, length, INET_DIAG_REQ_BYTECODE, <const char *>program,
                                len(program))
    if protocol > 0xFF:
        length = _put_attribute(request, length, SOCKETSTAT_INET_DIAG_REQ_PROTOCOL,
                                &extended_protocol, sizeof(uint32_t))
    header.nlmsg_len = length
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY
    header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP
    header.nlmsg_seq = 1
    return length


cdef size_t _unix_request(char *request, object query) except 0:
    cdef nlmsghdr *header = <nlmsghdr *>request
    cdef unix_diag_req *body = <unix_diag_req *>(request + NLMSG_HDRLEN)
    memset(request, 0, REQUEST_SIZE)
    body.sdiag_family = AF_UNIX
    body.udiag_states = _states_mask(query.states)
    body.udiag_show = (UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN
                       | SOCKETSTAT_UDIAG_SHOW_UID)
    if query.details:
        body.udiag_show |= UDIAG_SHOW_MEMINFO
    header.nlmsg_len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(unix_diag_req))
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY
    header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP
    header.nlmsg_seq = 1
    return header.nlmsg_len


# ---------------------------------------------------------------------------------------------
# Records from messages

cdef inline bint _ipv6_needs_scope(const uint32_t *address) noexcept:
    # getsockname() gives a scope id only to link-local unicast (fe80::/10) and interface- or
    # link-local multicast (ff01::/16, ff02::/16) addresses (ipv6_iface_scope_id()).
    cdef const uint8_t *octets = <const uint8_t *>address
    return ((octets[0] == 0xFE and (octets[1] & 0xC0) == 0x80)
            or (octets[0] == 0xFF and ((octets[1] & 0x0F) == 1 or (octets[1] & 0x0F) == 2)))


cdef void _inet_sockaddr(sockaddr_storage *storage, socklen_t *length, int family, uint16_t port,
                         const uint32_t *address, uint32_t interface) noexcept:
    # The address getsockname()/getpeername() would give, from the message's (network-order)
    # port and address.
    cdef sockaddr_in *v4
    cdef sockaddr_in6 *v6
    if family == AF_INET:
        v4 = <sockaddr_in *>storage
        memset(v4, 0, sizeof(sockaddr_in))
        v4.sin_family = AF_INET
        v4.sin_port = port
        memcpy(&v4.sin_addr, address, 4)
        length[0] = sizeof(sockaddr_in)
    else:
        v6 = <sockaddr_in6 *>storage
        memset(v6, 0, sizeof(sockaddr_in6))
        v6.sin6_family = AF_INET6
        v6.sin6_port = port
        memcpy(&v6.sin6_addr, address, 16)
        v6.sin6_scope_id = interface if _ipv6_needs_scope(address) else 0
        length[0] = sizeof(sockaddr_in6)


cdef MemInfo _meminfo_from(const void *payload, size_t length):
    cdef MemInfo meminfo = MemInfo.__new__(MemInfo)
    meminfo._count = min(length // sizeof(uint32_t), <size_t>SK_MEMINFO_VARS)
    memcpy(meminfo._values, payload, meminfo._count * sizeof(uint32_t))
    return meminfo


@cython.final
@cython.auto_pickle(False)
cdef class _Lister:
    """One sockets() call: the records listed so far and what decides which to keep."""

    cdef list records
    cdef CookieSet cookies
    cdef dict owners          # inode -> tuple of SocketOwner; None unless asked for
    cdef bint only_owned      # pid=: keep only the sockets in owners
    cdef bint closed_peers    # keep a closed TCP socket's peer (a destroyed socket's last word)
    cdef dict unix_by_inode   # for naming each Unix socket's peer

    def __cinit__(self):
        cookie_set_init(&self.cookies)
        self.records = []
        self.unix_by_inode = {}

    def __dealloc__(self):
        PyMem_Free(self.cookies.slots)

    cdef inline bint _keep(self, SocketInfo info, uint64_t cookie, uint64_t inode) except -1:
        if not cookie_set_add(&self.cookies, cookie):
            return False
        if self.owners is None:
            return True
        owners = self.owners.get(inode, ()) if inode else ()
        if self.only_owned and not owners:
            return False
        info._processes = owners
        return True

    cdef int add_inet(self, const inet_diag_msg *message, const char *attributes,
                      size_t attributes_length, int protocol) except -1:
        cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
        cdef SocketStat stat
        cdef TcpInfo tcp = None
        cdef const rtattr *attribute
        cdef size_t offset = 0
        cdef size_t payload_length
        cdef const char *payload
        cdef uint64_t cookie = message.id.idiag_cookie[0] | (
            <uint64_t>message.id.idiag_cookie[1] << 32)
        cdef bint tcp_like = protocol == PROTOCOL_TCP or protocol == PROTOCOL_MPTCP
        cdef bint full_socket = False   # TIME_WAIT and request sockets are not (see below)
        cdef bint listening = message.idiag_state == TCP_LISTEN
        cdef int state = message.idiag_state
        if not self._keep(info, cookie, message.idiag_inode):
            return 0

        info._protocol = protocol
        info._type = SOCK_STREAM if tcp_like else SOCK_RAW if protocol == PROTOCOL_RAW else SOCK_DGRAM
        info._cookie = cookie
        info._has = HAS_COOKIE
        if message.idiag_inode:
            info._inode = message.idiag_inode
            info._has |= HAS_INODE
        if protocol == PROTOCOL_TCP:
            info._timer = message.idiag_timer
            info._timer_expires = message.idiag_expires
            info._timer_retransmits = message.idiag_retrans
            info._has |= HAS_TIMER
        _inet_sockaddr(&info._local, &info._local_length, message.idiag_family,
                       message.id.idiag_sport, message.id.idiag_src, message.id.idiag_if)
        info._remote_length = 0
        # getpeername() answers ENOTCONN for a closed TCP socket, so a listing shows no peer.
        if (not listening
                and not (tcp_like and message.idiag_state == TCP_CLOSE and not self.closed_peers)
                and (message.id.idiag_dport or message.id.idiag_dst[0] or message.id.idiag_dst[1]
                     or message.id.idiag_dst[2] or message.id.idiag_dst[3])):
            _inet_sockaddr(&info._remote, &info._remote_length, message.idiag_family,
                           message.id.idiag_dport, message.id.idiag_dst, message.id.idiag_if)

        # Attributes: each optional, unknown ones skipped (the kernel appends new ones).
        while offset + sizeof(rtattr) <= attributes_length:
            attribute = <const rtattr *>(attributes + offset)
            if attribute.rta_len < sizeof(rtattr) or attribute.rta_len > attributes_length - offset:
                break
            payload = attributes + offset + RTA_LENGTH(0)
            payload_length = attribute.rta_len - RTA_LENGTH(0)
            if attribute.rta_type == INET_DIAG_INFO:
                # TCP's is struct tcp_info of the running kernel's size; MPTCP's is mptcp_info.
                if protocol == PROTOCOL_TCP:
                    tcp = tcp_info_from_buffer(payload, payload_length)
            elif attribute.rta_type == INET_DIAG_SKMEMINFO:
                info._meminfo = _meminfo_from(payload, payload_length)
            elif attribute.rta_type == INET_DIAG_CONG:
                info._congestion_control = payload[:strnlen(payload, payload_length)].decode(
                    "ascii", "replace")
            elif attribute.rta_type == INET_DIAG_SHUTDOWN and payload_length >= 1:
                info._shutdown = (<const uint8_t *>payload)[0]
                info._has |= HAS_SHUTDOWN
                full_socket = True
            elif attribute.rta_type == SOCKETSTAT_INET_DIAG_CGROUP_ID and payload_length >= 8:
                memcpy(&info._cgroup_id, payload, 8)
                info._has |= HAS_CGROUP_ID
            elif attribute.rta_type == INET_DIAG_PROTOCOL and payload_length >= 1:
                info._protocol = (<const uint8_t *>payload)[0]
            offset += RTA_ALIGN(attribute.rta_len)

        if full_socket or not tcp_like:
            # Every full socket's message carries INET_DIAG_SHUTDOWN; the minimal ones of
            # TIME_WAIT and request sockets do not, and hold uid 0 for want of an owner
            # (inet_twsk_diag_fill, inet_req_diag_fill).
            info._uid = message.idiag_uid
            info._has |= HAS_UID

        stat = SocketStat.__new__(SocketStat)
        stat._socket_info = info
        stat._connection_info = tcp
        stat._tcp_state = state if tcp_like else -1
        stat._receive_memory = -1
        stat._queues.listening = listening
        if listening or (protocol == PROTOCOL_TCP and (state == TCP_SYN_SENT
                                                        or state == TCP_SYN_RECV)):
            # A listener's rqueue and wqueue are its accept queue and its limit, in tcp_info too.
            # While the handshake runs, SIOCINQ and SIOCOUTQ answer 0 (tcp_ioctl(), tcp_inq()),
            # where rqueue and wqueue would count the SYN.
            stat._queues.unreceived = 0
            stat._queues.unsent = 0
        elif protocol == PROTOCOL_TCP:
            # rcv_nxt - copied_seq and write_seq - snd_una (tcp_diag_get_info): what SIOCINQ and
            # SIOCOUTQ compute, except that SIOCINQ does not count a received FIN as a byte
            # (tcp_inq() subtracts it once the peer has closed).
            stat._queues.unreceived = message.idiag_rqueue
            if message.idiag_rqueue and (state == TCP_CLOSE_WAIT or state == TCP_LAST_ACK
                                         or state == TCP_CLOSING):
                stat._queues.unreceived -= 1
            stat._queues.unsent = message.idiag_wqueue
        else:
            # Datagram sockets' rqueue is receive-buffer memory, not SIOCINQ's next datagram;
            # their wqueue is sk_wmem_alloc, SIOCOUTQ's own figure (udp_diag.c, raw_diag.c). An
            # MPTCP socket's are both memory (mptcp_diag.c).
            stat._receive_memory = message.idiag_rqueue
            stat._queues.unsent = message.idiag_wqueue
            stat._unsent_unknown = protocol == PROTOCOL_MPTCP
        self.records.append(stat)
        return 0

    cdef int add_unix(self, const unix_diag_msg *message, const char *attributes,
                      size_t attributes_length) except -1:
        cdef SocketInfo info = SocketInfo.__new__(SocketInfo)
        cdef SocketStat stat
        cdef const rtattr *attribute
        cdef const unix_diag_rqlen *queues = NULL
        cdef size_t offset = 0
        cdef size_t payload_length
        cdef const char *payload
        cdef sockaddr_un *name = <sockaddr_un *>&info._local
        cdef uint64_t cookie = message.udiag_cookie[0] | (<uint64_t>message.udiag_cookie[1] << 32)
        if not self._keep(info, cookie, message.udiag_ino):
            return 0

        info._type = message.udiag_type
        info._protocol = 0
        info._cookie = cookie
        info._inode = message.udiag_ino
        info._has = HAS_COOKIE | HAS_INODE
        # An unbound socket's name is its family alone, as getsockname() gives it.
        info._local.ss_family = AF_UNIX
        info._local_length = sizeof(sa_family_t)
        info._remote_length = 0
        while offset + sizeof(rtattr) <= attributes_length:
            attribute = <const rtattr *>(attributes + offset)
            if attribute.rta_len < sizeof(rtattr) or attribute.rta_len > attributes_length - offset:
                break
            payload = attributes + offset + RTA_LENGTH(0)
            payload_length = attribute.rta_len - RTA_LENGTH(0)
            if attribute.rta_type == UNIX_DIAG_NAME:
                # sun_path's bytes as bound (an abstract name starts with NUL), unix/diag.c.
                payload_length = min(payload_length, sizeof(name.sun_path))
                memcpy(name.sun_path, payload, payload_length)
                info._local_length = SUN_PATH_OFFSET + payload_length
            elif attribute.rta_type == UNIX_DIAG_PEER and payload_length >= 4:
                memcpy(&info._peer_inode, payload, 4)
                info._has |= HAS_PEER_INODE
            elif attribute.rta_type == UNIX_DIAG_RQLEN and payload_length >= sizeof(unix_diag_rqlen):
                queues = <const unix_diag_rqlen *>payload
            elif attribute.rta_type == UNIX_DIAG_MEMINFO:
                info._meminfo = _meminfo_from(payload, payload_length)
            elif attribute.rta_type == UNIX_DIAG_SHUTDOWN and payload_length >= 1:
                info._shutdown = (<const uint8_t *>payload)[0]
                info._has |= HAS_SHUTDOWN
            elif attribute.rta_type == SOCKETSTAT_UNIX_DIAG_UID and payload_length >= 4:
                memcpy(&info._uid, payload, 4)
                info._has |= HAS_UID
            offset += RTA_ALIGN(attribute.rta_len)

        stat = SocketStat.__new__(SocketStat)
        stat._socket_info = info
        stat._tcp_state = -1
        stat._receive_memory = -1
        stat._queues.listening = message.udiag_state == TCP_LISTEN
        if queues != NULL and not stat._queues.listening:
            # unix_inq_len() and unix_outq_len(): what SIOCINQ and SIOCOUTQ return.
            stat._queues.unreceived = queues.udiag_rqueue
            stat._queues.unsent = queues.udiag_wqueue
        self.records.append(stat)
        self.unix_by_inode[message.udiag_ino] = info
        return 0

    cdef void name_unix_peers(self):
        # A Unix socket's peer name is the peer's own name, which its own message carries; a peer
        # outside the listing leaves it unknown (None).
        cdef SocketInfo info
        cdef SocketInfo peer
        for info in self.unix_by_inode.values():
            if info._has & HAS_PEER_INODE:
                peer = self.unix_by_inode.get(info._peer_inode)
                if peer is not None:
                    memcpy(&info._remote, &peer._local, peer._local_length)
                    info._remote_length = peer._local_length

    cdef int walk(self, const char *chunk, size_t length, int protocol, int *error) except -1:
        """The messages of one chunk: 1 after the dump's last, 0 when more follow. ``error`` gets
        the errno of an NLMSG_ERROR or a failed NLMSG_DONE."""
        cdef const nlmsghdr *header
        cdef size_t offset = 0
        cdef size_t body_length
        cdef size_t fixed
        while offset + sizeof(nlmsghdr) <= length:
            header = <const nlmsghdr *>(chunk + offset)
            if header.nlmsg_len < sizeof(nlmsghdr) or header.nlmsg_len > length - offset:
                raise OSError(_errno.EPROTO, f"a sock_diag message of {header.nlmsg_len} bytes "
                              f"in a chunk of {length - offset} (originated from recv())")
            body_length = header.nlmsg_len - NLMSG_HDRLEN
            if header.nlmsg_type == NLMSG_DONE:
                # Its payload, when present, is the dump's final status (netlink_dump_done()).
                if body_length >= sizeof(int) and (<const int *>(chunk + offset + NLMSG_HDRLEN))[0] < 0:
                    error[0] = -(<const int *>(chunk + offset + NLMSG_HDRLEN))[0]
                return 1
            if header.nlmsg_type == NLMSG_ERROR:
                if body_length >= sizeof(nlmsgerr):
                    error[0] = -(<const nlmsgerr *>(chunk + offset + NLMSG_HDRLEN)).error
                return 1
            if header.nlmsg_type == SOCK_DIAG_BY_FAMILY:
                fixed = NLMSG_ALIGN(sizeof(unix_diag_msg) if protocol == 0 else sizeof(inet_diag_msg))
                if body_length >= fixed:
                    if protocol == 0:
                        self.add_unix(<const unix_diag_msg *>(chunk + offset + NLMSG_HDRLEN),
                                      chunk + offset + NLMSG_HDRLEN + fixed, body_length - fixed)
                    else:
                        self.add_inet(<const inet_diag_msg *>(chunk + offset + NLMSG_HDRLEN),
                                      chunk + offset + NLMSG_HDRLEN + fixed, body_length - fixed,
                                      protocol)
            offset += NLMSG_ALIGN(header.nlmsg_len)
        return 0


cdef int _dump(int netlink, _Lister lister, const char *request, size_t request_length,
               int protocol, char *chunk) except -1:
    """Send one dump request and read its answer to the end: 0, or the errno the kernel
    answered the request with (the listing is not available)."""
    cdef ssize_t received
    cdef int error = 0
    cdef int finished = 0
    cdef ssize_t sent
    with nogil:
        sent = send(netlink, request, request_length, 0)
    if sent < 0:
        _raise_errno(errno, "send() of a sock_diag request")
    while not finished:
        # The GIL is let go while the kernel builds each chunk (its table walk is most of a
        # listing's time); the messages are then read with it held.
        with nogil:
            received = recv(netlink, chunk, CHUNK_SIZE, MSG_TRUNC)
        if received < 0:
            if errno == EINTR:
                PyErr_CheckSignals()
                continue
            _raise_errno(errno, "recv() of a sock_diag answer")
        if received > CHUNK_SIZE:
            raise OSError(_errno.EMSGSIZE, f"a sock_diag chunk of {received} bytes exceeds the "
                          f"{CHUNK_SIZE}-byte buffer (originated from recv(MSG_TRUNC))")
        finished = lister.walk(chunk, received, protocol, &error)
        PyErr_CheckSignals()
    return error


cdef int _open_diag_socket(object netns) except -1:
    """A NETLINK_SOCK_DIAG socket, created inside ``netns`` when one is given: the namespace a
    dump lists is the socket's (inet_diag.c uses sock_net(skb->sk)). setns() moves only this
    thread, which is moved back before returning, on error too."""
    cdef int target = -1
    cdef int home = -1
    cdef int netlink
    cdef int error
    if netns is None:
        netlink = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)
        if netlink < 0:
            _raise_unavailable(errno)
        return netlink
    if isinstance(netns, int):
        # A copy, so that a closed fd fails here, naming netns, instead of its number being
        # reused by the open() below and the caller's own namespace listed in silence.
        try:
            target = _os.dup(netns)
        except OSError as failure:
            raise OSError(failure.errno, f"{failure.strerror}: netns={netns} is not an open fd "
                          f"(originated from dup({netns}))") from None
    else:
        target = _os.open(netns, _os.O_RDONLY | _os.O_CLOEXEC)
    try:
        home = _os.open("/proc/thread-self/ns/net", _os.O_RDONLY | _os.O_CLOEXEC)
        if setns(target, CLONE_NEWNET) != 0:
            _raise_errno(errno, f"setns({netns!r}, CLONE_NEWNET)")
        netlink = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)
        error = errno
        if setns(home, CLONE_NEWNET) != 0:
            # Cannot happen for a namespace this thread was in a moment ago, short of the
            # kernel running out of memory; the thread must not go on unnoticed in another one.
            error = errno
            if netlink >= 0:
                close(netlink)
            raise SystemError(f"socketstat could not return this thread to its own network "
                              f"namespace after listing {netns!r}: {_os.strerror(error)}")
        if netlink < 0:
            _raise_unavailable(error)
        return netlink
    finally:
        if home >= 0:
            _os.close(home)
        _os.close(target)


cdef object _raise_unavailable(int error):
    if error in (_errno.EPROTONOSUPPORT, _errno.EAFNOSUPPORT):
        raise OSError(error, f"{_os.strerror(error)}: NETLINK_SOCK_DIAG is unavailable here (a "
                      "kernel without CONFIG_INET_DIAG, WSL1, gVisor), so sockets() cannot list "
                      "(originated from socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG))")
    _raise_errno(error, "socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG)")


# ---------------------------------------------------------------------------------------------
# Processes: sock_diag knows no pids. A socket fd is a /proc/<pid>/fd/<n> link to
# "socket:[<inode>]", so the owners of every socket come from one walk of /proc (as ss -p and
# psutil find them); /proc/<pid>/fd of another user's process is unreadable unprivileged.

cdef object _socket_inode(const char *link, ssize_t length):
    # "socket:[12345]" -> 12345; None for any other link.
    cdef uint64_t inode = 0
    cdef ssize_t index
    if length < 10 or memcmp(link, b"socket:[", 8) != 0 or link[length - 1] != c']':
        return None
    for index in range(8, length - 1):
        if link[index] < c'0' or link[index] > c'9':
            return None
        inode = inode * 10 + (link[index] - c'0')
    return inode


cdef str _command_name(int pid):
    try:
        with open(f"/proc/{pid}/comm", "rb") as comm:
            return _os.fsdecode(comm.read().rstrip(b"\n"))
    except OSError:
        return ""  # it exited meanwhile


cdef int _process_sockets(int pid, dict owners, bint must_read) except -1:
    """Add each socket fd of ``pid`` to ``owners`` (inode -> list of SocketOwner). An
    unreadable or vanished process is skipped, unless ``must_read``."""
    cdef char path[64]
    cdef char link[64]
    cdef int directory
    cdef DIR *listing
    cdef dirent *entry
    cdef ssize_t length
    cdef str name = None
    snprintf(path, sizeof(path), "/proc/%d/fd", pid)
    directory = open_path(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directory < 0:
        if must_read:
            if errno == ENOENT:
                raise ProcessLookupError(_errno.ESRCH, f"pid {pid}: no such process (originated "
                                         f"from open('/proc/{pid}/fd'))")
            _raise_errno(errno, f"open('/proc/{pid}/fd')")
        return 0
    listing = fdopendir(directory)
    if listing == NULL:
        close(directory)
        raise MemoryError()
    try:
        while True:
            entry = readdir(listing)
            if entry == NULL:
                break
            if entry.d_name[0] == c'.':
                continue
            length = readlinkat(directory, entry.d_name, link, sizeof(link))
            if length <= 0:
                continue
            inode = _socket_inode(link, length)
            if inode is None:
                continue
            if name is None:
                name = _command_name(pid)
            owners.setdefault(inode, []).append(SocketOwner(pid, int(entry.d_name), name))
    finally:
        closedir(listing)
    return 0


cdef dict _socket_owners(object pid):
    """inode -> tuple of SocketOwner, for one process or every one this user may inspect."""
    cdef dict owners = {}
    if pid is not None:
        _process_sockets(pid, owners, True)
    else:
        for entry in _os.listdir("/proc"):
            if entry.isdigit():
                _process_sockets(int(entry), owners, False)
    return {inode: tuple(found) for inode, found in owners.items()}


# ---------------------------------------------------------------------------------------------

def sockets(kind="inet", *, states=None, local_port=None, remote_port=None, local_address=None,
            remote_address=None, pid=None, processes=False, details=False, netns=None):
    """Every socket of a kind in this network namespace, from the kernel's sock_diag tables:
    a Listing (a list) of the SocketStat records socketstat(fd) returns, with the sockets' TCP
    statistics, queues, cookies, inodes and owners' uids, de-duplicated by cookie.

    ``kind``: "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "inet" (TCP and UDP), "inet4",
    "inet6", "unix", "mptcp", "raw", "udplite" or "all". A listing the kernel cannot give (its
    module is absent) is left out and named in the result's ``skipped``, unless nothing could be
    listed, which raises its OSError.

    The kernel applies ``states`` (TcpState members; UDP, raw and Unix sockets count as
    ESTABLISHED when connected, CLOSED when not, LISTEN when listening; None lists what ss -a
    lists, every state but bound-only TCP sockets, which a set holding CLOSED asks for: the
    kernel (6.8+) then walks its bind table too), ``local_port`` and
    ``remote_port``, and ``local_address`` and ``remote_address`` (an address or a prefix,
    "10.0.0.0/8", "::1"; an IPv4 one also matches v4-mapped IPv6 sockets) before it copies a
    socket; a Unix socket never matches a port or address. ``pid`` keeps only that process's
    sockets; ``processes=True`` names every process fd holding each socket (a walk of /proc that
    costs more than the listing). ``details=True`` adds the memory accounting and the congestion
    control's name. ``netns`` (a path such as /proc/<pid>/ns/net or /run/netns/NAME, or an open
    fd of one) lists that network namespace instead (CAP_SYS_ADMIN over it).

    Raises TypeError or ValueError for a bad argument before any syscall, ProcessLookupError for
    a ``pid`` that does not exist, and OSError naming the call that failed.
    """
    query = _parse_query(kind, states, local_port, remote_port, local_address, remote_address,
                         pid, processes, details, netns)
    cdef _Lister lister = _Lister()
    cdef dict skipped = {}
    cdef char request[REQUEST_SIZE]
    cdef size_t request_length
    cdef int protocol
    cdef int netlink
    cdef int error
    cdef char *chunk
    cdef bint listed_any = False
    if not query.dumps:
        return Listing()
    if query.pid is not None or query.processes:
        lister.owners = _socket_owners(query.pid)
        lister.only_owned = query.pid is not None

    chunk = <char *>PyMem_Malloc(CHUNK_SIZE)  # only what recv() writes is read
    if chunk == NULL:
        raise MemoryError()
    netlink = -1
    try:
        netlink = _open_diag_socket(query.netns)
        for name, protocol_name, family in query.dumps:
            protocol = _PROTOCOLS[protocol_name]
            if protocol == 0:
                request_length = _unix_request(request, query)
            else:
                request_length = _inet_request(request, query, family, protocol)
            error = _dump(netlink, lister, request, request_length, protocol, chunk)
            if error == 0:
                listed_any = True
            elif error in _UNAVAILABLE:
                skipped[name] = OSError(error, f"{_os.strerror(error)}: the kernel gives no "
                                        f"{name} listing (originated from a sock_diag dump "
                                        f"request for {name})")
            else:
                _raise_errno(error, f"a sock_diag dump request for {name}")
    finally:
        if netlink >= 0:
            close(netlink)
        PyMem_Free(chunk)
    if not listed_any:
        raise next(iter(skipped.values()))
    lister.name_unix_peers()
    return Listing(lister.records, skipped)


# ---------------------------------------------------------------------------------------------
# The last word of closed connections: sock_diag multicasts a TCP socket's final inet_diag_msg
# and tcp_info when the kernel frees it (SKNLGRP_INET_TCP_DESTROY, INET6_TCP_DESTROY;
# sock_diag.c, sock_diag_broadcast_destroy), which a listing can no longer see. Unprivileged
# users may subscribe (NL_CFG_F_NONROOT_RECV). A connection that enters TIME_WAIT is freed then,
# its place taken by a TIME_WAIT socket with the same cookie.

@cython.final
@cython.auto_pickle(False)
cdef class _DestroyedSockets:
    """A subscription to the TCP destroy groups, read without blocking by drain()."""

    cdef int _fd

    def __cinit__(self):
        self._fd = -1

    def __init__(self, netns=None):
        # Joined by bind() with the groups' bits, as ss -E does: on this kernel setsockopt(
        # NETLINK_ADD_MEMBERSHIP) on an unbound socket was accepted and delivered nothing.
        cdef sockaddr_nl address
        cdef int size = 1 << 20   # room for thousands of messages between two drains
        cdef int netlink = _open_diag_socket(netns)
        memset(&address, 0, sizeof(address))
        address.nl_family = AF_NETLINK
        address.nl_groups = ((1 << (SKNLGRP_INET_TCP_DESTROY - 1))
                             | (1 << (SKNLGRP_INET6_TCP_DESTROY - 1)))
        if bind(netlink, <sockaddr *>&address, sizeof(address)) != 0:
            error = errno
            close(netlink)
            _raise_errno(error, "bind() to the sock_diag TCP destroy groups")
        # SO_RCVBUF is capped by net.core.rmem_max; a smaller buffer only loses more, and says so.
        setsockopt(netlink, SOL_SOCKET, SO_RCVBUF, &size, sizeof(int))
        self._fd = netlink

    def __dealloc__(self):
        if self._fd >= 0:
            close(self._fd)

    def drain(self):
        """(the final SocketStat of each TCP socket freed since the last call, whether some were
        lost because the socket's buffer overflowed meanwhile)."""
        cdef _Lister lister = _Lister()
        cdef char *chunk
        cdef ssize_t received
        cdef int error = 0
        cdef bint lost = False
        lister.closed_peers = True
        if self._fd < 0:
            raise ValueError("the destroy subscription is closed")
        chunk = <char *>PyMem_Malloc(CHUNK_SIZE)  # only what recv() writes is read
        if chunk == NULL:
            raise MemoryError()
        try:
            while True:
                received = recv(self._fd, chunk, CHUNK_SIZE, MSG_DONTWAIT | MSG_TRUNC)
                if received < 0:
                    if errno == EINTR:
                        PyErr_CheckSignals()
                        continue
                    if errno == ENOBUFS:
                        lost = True   # the kernel dropped messages; the socket goes on
                        continue
                    if errno == EAGAIN:
                        break
                    _raise_errno(errno, "recv() from the sock_diag destroy groups")
                if received > CHUNK_SIZE:
                    lost = True
                    continue
                lister.walk(chunk, received, PROTOCOL_TCP, &error)
        finally:
            PyMem_Free(chunk)
        return lister.records, lost

    def close(self):
        if self._fd >= 0:
            close(self._fd)
            self._fd = -1
