# SamplerGroup, what is macOS's own: a member's row, the loop over the members (Sampler's
# read_connection_info_into and read_queues, so a member costs exactly the syscalls
# Sampler.sample() issues: never proc_pidfdinfo), and a delta from tcp_connection_info's u64
# counters. Included by _darwin.pyx after the Sampler; the machinery every backend shares is
# _group.pxi, included at the end.

from libc.math cimport NAN
from libc.stdint cimport int64_t


cdef struct GroupRow:
    tcp_connection_info info   # getsockopt(TCP_CONNECTION_INFO) writes here; zeroed past `length`
    int64_t monotonic_ns       # socketstat_monotonic_ns() after the member's syscalls, as Sampler
    int unreceived             # FIONREAD or SO_NREAD
    int unsent                 # SO_NWRITE; 0 where has_unsent is 0
    uint32_t length            # bytes of info the kernel returned; 0: not TCP, or not OK
    int error                  # errno of the failed call (FAILED, CHANGED)
    uint8_t status             # GroupStatus
    uint8_t call               # the Call that failed, for the record's exception
    uint8_t has_unsent         # the member's nwrite, for the has_unsent column


cdef struct GroupMember:
    int fd
    bint tcp
    bint stream                # FIONREAD; else SO_NREAD (as Sampler._stream)
    bint nwrite                # SO_NWRITE; False for Unix sockets (as Sampler._nwrite)
    uint8_t taken              # samples read OK in a row, up to 2: a delta needs both


include "_darwin_group_columns.pxi"


cdef inline bint _contradicts(Call failed, int failure) noexcept nogil:
    # The answers _raise_read_error reports as SocketChangedError rather than as an OSError.
    return failed == CALL_TCP_CONNECTION_INFO and (failure == ENOPROTOOPT
                                                   or failure == EOPNOTSUPP)


cdef void _read_members(GroupMember *members, GroupRow *rows, Py_ssize_t count) noexcept nogil:
    """The loop: for every member, Sampler.sample()'s syscalls into its row. A member whose
    read fails is marked in its row and the loop goes on."""
    cdef Py_ssize_t index
    cdef GroupRow *row
    cdef int fd
    cdef int failure
    cdef size_t length
    cdef Call failed
    for index in range(count):
        fd = members[index].fd
        row = &rows[index]
        failure = 0
        failed = CALL_NONE
        length = 0
        if members[index].tcp:
            failure = read_connection_info_into(fd, &row.info, &length)
            if failure != 0:
                failed = CALL_TCP_CONNECTION_INFO
        if failed == CALL_NONE:
            failed = read_queues(fd, members[index].stream, members[index].nwrite,
                                 &row.unreceived, &row.unsent, &failure)
        row.monotonic_ns = darwin.socketstat_monotonic_ns()
        row.has_unsent = members[index].nwrite
        if failed == CALL_NONE:
            row.status = GROUP_OK
            row.length = <uint32_t>length
            row.error = 0
            if members[index].taken < 2:
                members[index].taken += 1
        else:
            # A row that holds a mix of two moments is never shown: only its error is.
            row.status = GROUP_CHANGED if _contradicts(failed, failure) else GROUP_FAILED
            row.length = 0
            row.error = failure
            row.call = failed
            members[index].taken = 0


cdef inline void _describe_member(GroupMember *member, SocketStat first) noexcept:
    # As the Sampler's constructor decides its calls.
    member.tcp = first._connection_info is not None
    member.stream = first._socket_info._info.soi_type == SOCK_STREAM
    member.nwrite = first._socket_info._info.soi_kind != darwin.SOCKINFO_UN


cdef inline uint8_t _member_delta(const GroupRow *later, const GroupRow *earlier,
                                  void **data, Py_ssize_t index) noexcept:
    # The counters Sampler.delta() checks and subtracts (_tcp_delta): u64 counters of one
    # connection never go back, so one that did was read from another socket on a reused fd.
    cdef const tcp_connection_info *now = &later.info
    cdef const tcp_connection_info *before = &earlier.info
    cdef uint32_t length = later.length if later.length < earlier.length else earlier.length
    cdef bint retransmitted_packets = length >= END_tcpi_txretransmitpackets
    cdef double elapsed
    cdef uint64_t sent, received
    if (now.tcpi_txbytes < before.tcpi_txbytes
            or now.tcpi_rxbytes < before.tcpi_rxbytes
            or now.tcpi_txretransmitbytes < before.tcpi_txretransmitbytes
            or now.tcpi_txpackets < before.tcpi_txpackets
            or now.tcpi_rxpackets < before.tcpi_rxpackets
            or (retransmitted_packets
                and now.tcpi_txretransmitpackets < before.tcpi_txretransmitpackets)):
        return GROUP_CHANGED
    elapsed = (later.monotonic_ns - earlier.monotonic_ns) / 1e9
    sent = now.tcpi_txbytes - before.tcpi_txbytes
    received = now.tcpi_rxbytes - before.tcpi_rxbytes
    (<uint32_t *>data[DELTA_length])[index] = length
    (<double *>data[DELTA_elapsed])[index] = elapsed
    (<uint64_t *>data[DELTA_bytes_sent])[index] = sent
    (<uint64_t *>data[DELTA_bytes_received])[index] = received
    (<uint64_t *>data[DELTA_bytes_retransmitted])[index] = (
        now.tcpi_txretransmitbytes - before.tcpi_txretransmitbytes)
    (<uint64_t *>data[DELTA_segments_out])[index] = now.tcpi_txpackets - before.tcpi_txpackets
    (<uint64_t *>data[DELTA_segments_in])[index] = now.tcpi_rxpackets - before.tcpi_rxpackets
    # 10.11 and 10.12 lack tcpi_txretransmitpackets: 0, and the length column says so.
    (<uint64_t *>data[DELTA_segments_retransmitted])[index] = (
        now.tcpi_txretransmitpackets - before.tcpi_txretransmitpackets
        if retransmitted_packets else 0)
    (<double *>data[DELTA_send_rate])[index] = _column_rate(sent, elapsed)
    (<double *>data[DELTA_receive_rate])[index] = _column_rate(received, elapsed)
    return GROUP_OK


cdef inline void _clear_delta_figures(void **data, Py_ssize_t index) noexcept:
    (<uint32_t *>data[DELTA_length])[index] = 0
    (<double *>data[DELTA_elapsed])[index] = NAN
    (<uint64_t *>data[DELTA_bytes_sent])[index] = 0
    (<uint64_t *>data[DELTA_bytes_received])[index] = 0
    (<uint64_t *>data[DELTA_bytes_retransmitted])[index] = 0
    (<uint64_t *>data[DELTA_segments_out])[index] = 0
    (<uint64_t *>data[DELTA_segments_in])[index] = 0
    (<uint64_t *>data[DELTA_segments_retransmitted])[index] = 0
    (<double *>data[DELTA_send_rate])[index] = NAN
    (<double *>data[DELTA_receive_rate])[index] = NAN


cdef Sample _row_sample(const GroupRow *row, const GroupMember *member):
    cdef Sample sample = Sample.__new__(Sample)
    sample._monotonic_ns = row.monotonic_ns
    sample._unreceived = row.unreceived
    sample._unsent = row.unsent
    sample._has_unsent = member.nwrite
    sample._connection_info = (tcp_connection_info_from_buffer(&row.info, row.length)
                               if member.tcp else None)
    return sample


cdef SampleDelta _column_delta(void **data, Py_ssize_t index):
    cdef SampleDelta delta = SampleDelta.__new__(SampleDelta)
    delta._elapsed = (<double *>data[DELTA_elapsed])[index]
    delta._bytes_sent = (<uint64_t *>data[DELTA_bytes_sent])[index]
    delta._bytes_received = (<uint64_t *>data[DELTA_bytes_received])[index]
    delta._bytes_retransmitted = (<uint64_t *>data[DELTA_bytes_retransmitted])[index]
    delta._segments_out = (<uint64_t *>data[DELTA_segments_out])[index]
    delta._segments_in = (<uint64_t *>data[DELTA_segments_in])[index]
    delta._segments_retransmitted = (
        (<uint64_t *>data[DELTA_segments_retransmitted])[index]
        if (<uint32_t *>data[DELTA_length])[index] >= END_tcpi_txretransmitpackets else None)
    return delta


include "_group.pxi"
