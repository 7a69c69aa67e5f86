# SamplerGroup, what is Linux's own: a member's row, the loop over the members (Sampler's
# read_tcp_info_into and read_queues, so a member costs exactly the syscalls Sampler.sample()
# issues), and a delta from tcp_info's u64 byte counters. Included by _linux.pyx after the
# Sampler; the machinery every backend shares is _group.pxi, included at the end.

from libc.math cimport NAN
from libc.stdint cimport int64_t


cdef struct GroupRow:
    socketstat_tcp_info info   # getsockopt(TCP_INFO) writes here; zeroed past `length`
    int64_t monotonic_ns       # CLOCK_MONOTONIC after the member's syscalls, as Sampler
    Queues queues
    uint32_t length            # bytes of info the kernel returned; 0: not TCP, or not OK
    int error                  # errno of the failed call (FAILED, CHANGED)
    uint8_t status             # GroupStatus
    uint8_t call               # the Call that failed, for the record's exception


cdef struct GroupMember:
    int fd
    bint tcp
    uint8_t taken              # samples read OK in a row, up to 2: a delta needs both


include "_linux_group_columns.pxi"


cdef inline bint _contradicts(Call failed, int failure) noexcept nogil:
    # The answers _raise_read_error reports as SocketChangedError rather than as an OSError.
    return ((failed == CALL_SIOCINQ and failure == EINVAL)
            or (failed == CALL_TCP_INFO and (failure == EOPNOTSUPP or failure == ENOPROTOOPT)))


cdef inline int64_t _monotonic_ns() noexcept nogil:
    cdef timespec now
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1000000000LL + now.tv_nsec


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
            failure = read_tcp_info_into(fd, &row.info, &length)
            if failure != 0:
                failed = CALL_TCP_INFO
        if failed == CALL_NONE:
            failed = read_queues(fd, &row.info if members[index].tcp else NULL, &row.queues,
                                 &failure)
        row.monotonic_ns = _monotonic_ns()
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
    member.tcp = first._connection_info is not None


cdef inline uint8_t _member_delta(const GroupRow *later, const GroupRow *earlier,
                                  void **data, Py_ssize_t index) noexcept:
    # Every supported kernel (5.4+) returns the four byte counters (4.19 and older).
    cdef const socketstat_tcp_info *now = &later.info
    cdef const socketstat_tcp_info *before = &earlier.info
    cdef double elapsed
    cdef uint64_t acked, sent, received
    if (now.tcpi_bytes_acked < before.tcpi_bytes_acked
            or now.tcpi_bytes_sent < before.tcpi_bytes_sent
            or now.tcpi_bytes_received < before.tcpi_bytes_received
            or now.tcpi_bytes_retrans < before.tcpi_bytes_retrans):
        return GROUP_CHANGED       # u64 counters never wrap
    elapsed = (later.monotonic_ns - earlier.monotonic_ns) / 1e9
    acked = now.tcpi_bytes_acked - before.tcpi_bytes_acked
    sent = now.tcpi_bytes_sent - before.tcpi_bytes_sent
    received = now.tcpi_bytes_received - before.tcpi_bytes_received
    (<double *>data[DELTA_elapsed])[index] = elapsed
    (<uint64_t *>data[DELTA_bytes_acked])[index] = acked
    (<uint64_t *>data[DELTA_bytes_sent])[index] = sent
    (<uint64_t *>data[DELTA_bytes_received])[index] = received
    (<uint64_t *>data[DELTA_bytes_retransmitted])[index] = (
        now.tcpi_bytes_retrans - before.tcpi_bytes_retrans)
    (<uint32_t *>data[DELTA_segments_out])[index] = now.tcpi_segs_out - before.tcpi_segs_out
    (<uint32_t *>data[DELTA_segments_in])[index] = now.tcpi_segs_in - before.tcpi_segs_in
    (<uint32_t *>data[DELTA_segments_retransmitted])[index] = (
        now.tcpi_total_retrans - before.tcpi_total_retrans)
    (<double *>data[DELTA_delivery_rate])[index] = _column_rate(acked, elapsed)
    (<double *>data[DELTA_send_rate])[index] = _column_rate(sent, elapsed)
    (<double *>data[DELTA_receive_rate])[index] = _column_rate(received, elapsed)
    return GROUP_OK


cdef inline void _clear_delta_figures(void **data, Py_ssize_t index) noexcept:
    (<double *>data[DELTA_elapsed])[index] = NAN
    (<uint64_t *>data[DELTA_bytes_acked])[index] = 0
    (<uint64_t *>data[DELTA_bytes_sent])[index] = 0
    (<uint64_t *>data[DELTA_bytes_received])[index] = 0
    (<uint64_t *>data[DELTA_bytes_retransmitted])[index] = 0
    (<uint32_t *>data[DELTA_segments_out])[index] = 0
    (<uint32_t *>data[DELTA_segments_in])[index] = 0
    (<uint32_t *>data[DELTA_segments_retransmitted])[index] = 0
    (<double *>data[DELTA_delivery_rate])[index] = NAN
    (<double *>data[DELTA_send_rate])[index] = NAN
    (<double *>data[DELTA_receive_rate])[index] = NAN


cdef Sample _row_sample(const GroupRow *row, const GroupMember *member):
    cdef Sample sample = Sample.__new__(Sample)
    sample._monotonic_ns = row.monotonic_ns
    sample._queues = row.queues
    sample._connection_info = (tcp_info_from_buffer(&row.info, row.length)
                               if member.tcp else None)
    return sample


cdef SampleDelta _column_delta(void **data, Py_ssize_t index):
    cdef SampleDelta delta = SampleDelta.__new__(SampleDelta)
    delta._elapsed = (<double *>data[DELTA_elapsed])[index]
    delta._bytes_acked = (<uint64_t *>data[DELTA_bytes_acked])[index]
    delta._bytes_sent = (<uint64_t *>data[DELTA_bytes_sent])[index]
    delta._bytes_received = (<uint64_t *>data[DELTA_bytes_received])[index]
    delta._bytes_retransmitted = (<uint64_t *>data[DELTA_bytes_retransmitted])[index]
    delta._segments_out = (<uint32_t *>data[DELTA_segments_out])[index]
    delta._segments_in = (<uint32_t *>data[DELTA_segments_in])[index]
    delta._segments_retransmitted = (<uint32_t *>data[DELTA_segments_retransmitted])[index]
    return delta


include "_group.pxi"
