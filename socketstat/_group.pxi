# SamplerGroup: many sockets sampled by one C loop, into storage allocated when they are added;
# the results as columns, one C array per figure, that memoryview and numpy.asarray read without
# a copy. What every backend shares: membership, storage, the Column buffers, the critical
# sections, the views-versus-resize rule and the per-member errors. Included by each backend's
# _<os>_group.pxi after what is the OS's own:
#
#   struct GroupRow      one member's sample: at least monotonic_ns, length, error, status, call
#   struct GroupMember   how a member is read: at least fd, tcp, taken
#   _read_members()      the loop: for every member, exactly the syscalls Sampler.sample() issues
#   _describe_member()   a new member's read plan, from the socketstat() add() makes
#   _member_delta()      a member's delta figures from its two rows, or GROUP_CHANGED
#   _clear_delta_figures(), _row_sample(), _column_delta(), _raise_read_error()
#   the columns          _<os>_group_columns.pxi, rendered from the OS's tables
#
# Storage. The loop writes each member's sample into its row, one array of rows per sample, two
# in turn (the newest and the one before, for delta()); nothing else happens per member, so the
# loop costs what the same syscalls cost in C. A column is copied out of the rows (its generated
# fill) when it is asked for, and by every sample() while a buffer of it is exported, so a held
# memoryview or NumPy array always shows the newest sample: a sample() costs one pass over the
# rows per column being viewed, nothing for the others. delta() computes its columns at once.
#
# Views and membership. add() and remove() move or reallocate the columns, so while any buffer
# of the group's columns is exported they raise BufferError (as bytearray refuses to resize
# while viewed): a view never outlives its memory.


from cpython.buffer cimport PyBUF_FORMAT, PyBUF_WRITABLE


@cython.final
@cython.no_gc_clear  # its group stays alive while it is, so no buffer outlives the storage
cdef class Column:
    """One figure of every member of a SamplerGroup: a read-only, contiguous C array exported
    through the buffer protocol (``memoryview(column)``, ``numpy.asarray(column)``: no copy),
    one item per member, in the group's order. Its ``format`` is the struct module's native
    code: B uint8, H uint16, I uint32, Q uint64, i int32, q int64, d double. While a buffer of
    any column is exported, the group refuses add() and remove() (BufferError)."""

    cdef SamplerGroup _group
    cdef bint _delta
    cdef int _index
    cdef Py_ssize_t _shape            # members, while exported (membership cannot change)
    cdef Py_ssize_t _itemsize
    cdef bytes _format
    cdef readonly str name
    cdef readonly object end
    cdef readonly str unit

    def __init__(self):
        raise TypeError("Columns are made by SamplerGroup, not directly")

    @property
    def format(self):
        """The items' format code (the struct module's native syntax)."""
        return self._format.decode("ascii")

    @property
    def itemsize(self):
        """Bytes per item."""
        return self._itemsize

    def __len__(self):
        return 0 if self._group is None else len(self._group)

    def __getbuffer__(self, Py_buffer *buffer, int flags):
        if self._group is None:
            raise BufferError("this Column was not made by a SamplerGroup")
        if flags & PyBUF_WRITABLE:
            raise BufferError(f"column {self.name} is read-only")
        with cython.critical_section(self._group):
            buffer.buf = self._group._export(self._delta, self._index)
            self._shape = self._group._count
        buffer.obj = self
        buffer.len = self._shape * self._itemsize
        buffer.readonly = 1
        buffer.itemsize = self._itemsize
        buffer.format = <char *>self._format if flags & PyBUF_FORMAT else NULL
        buffer.ndim = 1
        buffer.shape = &self._shape
        buffer.strides = &self._itemsize
        buffer.suboffsets = NULL
        buffer.internal = NULL

    def __releasebuffer__(self, Py_buffer *buffer):
        # (The group is alive: this column holds it, and no_gc_clear keeps it held.)
        with cython.critical_section(self._group):
            self._group._unexport(self._delta, self._index)

    def __repr__(self):
        return (f"<Column {self.name} format={self.format!r} unit={self.unit!r} of "
                f"{len(self)} members>")

    def __reduce__(self):
        raise TypeError("a Column is a view of a SamplerGroup's storage and is not picklable; "
                        "pickle memoryview(column).tolist() instead")


cdef Column _new_column(SamplerGroup group, bint delta, int index, tuple layout):
    cdef Column column = Column.__new__(Column)
    column._group = group
    column._delta = delta
    column._index = index
    column.name, code, column._itemsize, column.end, column.unit = layout
    column._format = code.encode("ascii")
    return column


@cython.final
cdef class SamplerGroup:
    """Samples many sockets at once: one C loop over the members, issuing for each exactly the
    syscalls Sampler.sample() issues (Sampler says which), into storage allocated when members
    are added; sample() allocates nothing. The results are columns (GroupSample, GroupDelta):
    one contiguous C array per figure, read through the buffer protocol without a copy, plus a
    record per member.

    Members are int fds, objects with ``fileno()`` or event loops' streams (kept referenced,
    so a socket is not closed under the group; an int fd must stay open and not be reused).
    Each one's identity is read once, by the socketstat() call add() makes. A member whose
    read fails (its fd was closed, or now names another socket) is marked in the status and
    errno columns, and the others are read. remove() moves the last member into the removed
    one's place.

    While a buffer of any column is exported (a memoryview or NumPy array of it is alive),
    add() and remove() raise BufferError: release the views first. Threads may share a group:
    every method is atomic with respect to the others (a critical section on the group, as
    for Sampler); the GIL is held through the loop.
    """

    cdef GroupMember *_members
    cdef GroupRow *_rows[2]
    cdef int _newest                  # which of _rows holds the newest sample
    cdef void *_sample_data[SAMPLE_COLUMNS]
    cdef void *_delta_data[DELTA_COLUMNS]
    cdef uint8_t *_delta_calls        # the Call behind a FAILED or CHANGED delta
    cdef uint64_t _filled[SAMPLE_COLUMNS]          # the _generation each column was filled at
    cdef Py_ssize_t _sample_exports[SAMPLE_COLUMNS]
    cdef Py_ssize_t _exports          # buffers exported, every column
    cdef uint64_t _generation         # 1 + the samples and membership changes so far
    cdef Py_ssize_t _count
    cdef Py_ssize_t _capacity
    cdef int _samples_taken           # up to 2: delta() needs two
    cdef list _sources                # what add() was given, by index
    cdef list _socket_infos           # by index
    cdef dict _by_fd                  # fd -> index
    cdef dict _by_object              # id(source) -> fd, for sources that are not ints
    cdef GroupSample _sample
    cdef GroupDelta _delta

    def __cinit__(self):
        cdef GroupSample sample = GroupSample.__new__(GroupSample)
        cdef GroupDelta delta = GroupDelta.__new__(GroupDelta)
        self._generation = 1
        self._sources = []
        self._socket_infos = []
        self._by_fd = {}
        self._by_object = {}
        sample._group = self
        sample._columns = tuple([_new_column(self, False, index, layout)
                                 for index, layout in enumerate(_SAMPLE_LAYOUT)])
        delta._group = self
        delta._columns = tuple([_new_column(self, True, index, layout)
                                for index, layout in enumerate(_DELTA_LAYOUT)])
        self._sample = sample
        self._delta = delta
        self._grow(8)     # so that a column's buffer is never NULL, even with no members

    def __init__(self, socks=()):
        for sock in socks:
            self.add(sock)

    def __dealloc__(self):
        cdef int index
        PyMem_Free(self._members)
        PyMem_Free(self._rows[0])
        PyMem_Free(self._rows[1])
        PyMem_Free(self._delta_calls)
        for index in range(SAMPLE_COLUMNS):
            PyMem_Free(self._sample_data[index])
        for index in range(DELTA_COLUMNS):
            PyMem_Free(self._delta_data[index])

    # -- membership ---------------------------------------------------------------------------

    def __len__(self):
        with cython.critical_section(self):
            return self._count

    def __iter__(self):
        """The members as they were added (an fd or the object), in column order."""
        with cython.critical_section(self):
            return iter(list(self._sources))

    def __contains__(self, sock):
        with cython.critical_section(self):
            return self._find(sock) >= 0

    def index(self, sock):
        """Where a member's values are in the columns; KeyError if it is not a member."""
        with cython.critical_section(self):
            return self._index(sock)

    def socket_info(self, sock):
        """A member's identity, read once by add()."""
        with cython.critical_section(self):
            return self._socket_infos[self._index(sock)]

    def add(self, sock):
        """Add a socket (an int fd or an object with fileno()): reads its identity now and
        allocates its storage. Raises what socketstat(sock) raises for a bad fd (TypeError,
        ValueError, OSError), ValueError if its fd is already a member, and BufferError while
        a column is viewed; the group is unchanged then."""
        cdef int descriptor = _descriptor(sock)
        cdef SocketStat first = socketstat(descriptor)
        with cython.critical_section(self):
            if descriptor in self._by_fd:
                raise ValueError(f"fd {descriptor} is already a member of this group")
            self._refuse_while_viewed("add")
            if self._count == self._capacity:
                self._grow(max(8, 2 * self._capacity))
            try:
                self._sources.append(sock)
                self._socket_infos.append(first._socket_info)
                self._by_fd[descriptor] = self._count
                if type(sock) is not int:
                    self._by_object[id(sock)] = descriptor
            except BaseException:
                # (MemoryError) The group as it was: the lists and dicts without the member.
                del self._sources[self._count:]
                del self._socket_infos[self._count:]
                self._by_fd.pop(descriptor, None)
                if type(sock) is not int:
                    self._by_object.pop(id(sock), None)
                raise
            _describe_member(&self._members[self._count], first)
            self._members[self._count].fd = descriptor
            self._members[self._count].taken = 0
            _unsampled_row(&self._rows[0][self._count])
            _unsampled_row(&self._rows[1][self._count])
            self._clear_delta(self._count, GROUP_NOT_SAMPLED)
            self._count += 1
            self._generation += 1

    def remove(self, sock):
        """Remove a member, by the object or fd it was added as (or its fd): KeyError if it is
        not one, BufferError while a column is viewed. The last member takes its place."""
        cdef Py_ssize_t index
        cdef Py_ssize_t last
        cdef int column
        cdef Py_ssize_t size
        with cython.critical_section(self):
            index = self._index(sock)
            self._refuse_while_viewed("remove")
            last = self._count - 1
            del self._by_fd[self._members[index].fd]
            if type(self._sources[index]) is not int:
                del self._by_object[id(self._sources[index])]
            if index != last:
                self._members[index] = self._members[last]
                self._rows[0][index] = self._rows[0][last]
                self._rows[1][index] = self._rows[1][last]
                self._delta_calls[index] = self._delta_calls[last]
                for column in range(DELTA_COLUMNS):
                    size = _DELTA_LAYOUT[column][2]
                    memcpy(<char *>self._delta_data[column] + index * size,
                           <char *>self._delta_data[column] + last * size, size)
                self._sources[index] = self._sources[last]
                self._socket_infos[index] = self._socket_infos[last]
                self._by_fd[self._members[index].fd] = index
            del self._sources[last]
            del self._socket_infos[last]
            self._count = last
            self._generation += 1

    cdef Py_ssize_t _find(self, object sock) except -2:
        # The member's index, or -1. A member object is found by identity even once closed
        # (its fileno() is -1 then); anything else by its fd.
        cdef object descriptor = None
        if type(sock) is not int:
            descriptor = self._by_object.get(id(sock))
        if descriptor is None:
            descriptor = _descriptor(sock)
        return self._by_fd.get(descriptor, -1)

    cdef Py_ssize_t _index(self, object sock) except -1:
        cdef Py_ssize_t index = self._find(sock)
        if index < 0:
            raise KeyError(sock)
        return index

    cdef int _refuse_while_viewed(self, str what) except -1:
        if self._exports:
            raise BufferError(f"cannot {what} a member while {self._exports} buffer(s) of the "
                              "group's columns are exported: release the memoryviews and arrays "
                              "first")
        return 0

    cdef int _grow(self, Py_ssize_t capacity) except -1:
        # Each array is reallocated on its own; one that fails leaves the others larger, which
        # is harmless, and the capacity as it was.
        cdef int index
        _grow_array(<void **>&self._members, capacity, sizeof(GroupMember))
        _grow_array(<void **>&self._rows[0], capacity, sizeof(GroupRow))
        _grow_array(<void **>&self._rows[1], capacity, sizeof(GroupRow))
        _grow_array(<void **>&self._delta_calls, capacity, sizeof(uint8_t))
        for index in range(SAMPLE_COLUMNS):
            _grow_array(&self._sample_data[index], capacity, _SAMPLE_LAYOUT[index][2])
        for index in range(DELTA_COLUMNS):
            _grow_array(&self._delta_data[index], capacity, _DELTA_LAYOUT[index][2])
        self._capacity = capacity
        return 0

    # -- the columns' buffers -----------------------------------------------------------------

    cdef void *_export(self, bint delta, int index) noexcept:
        # A sample column is copied out of the rows when it is stale; while exported, every
        # sample() refreshes it.
        self._exports += 1
        if delta:
            return self._delta_data[index]
        self._sample_exports[index] += 1
        self._fill(index)
        return self._sample_data[index]

    cdef void _unexport(self, bint delta, int index) noexcept:
        self._exports -= 1
        if not delta:
            self._sample_exports[index] -= 1

    cdef inline void _fill(self, int index) noexcept:
        if self._filled[index] != self._generation:
            _SAMPLE_FILLS[index](self._sample_data[index], self._rows[self._newest], self._count)
            self._filled[index] = self._generation

    # -- sampling -----------------------------------------------------------------------------

    def sample(self):
        """Read every member now into the older of the group's two samples, and return the
        GroupSample (the same object every time, refilled in place). A member whose read
        failed is marked (status FAILED or CHANGED, errno), never raised."""
        cdef int index
        with cython.critical_section(self):
            _read_members(self._members, self._rows[1 - self._newest], self._count)
            self._newest = 1 - self._newest
            self._generation += 1
            if self._samples_taken < 2:
                self._samples_taken += 1
            if self._exports:
                for index in range(SAMPLE_COLUMNS):
                    if self._sample_exports[index]:
                        self._fill(index)
            return self._sample

    @property
    def current(self):
        """The GroupSample, or None before the first sample()."""
        with cython.critical_section(self):
            return self._sample if self._samples_taken >= 1 else None

    def delta(self):
        """Compute, for every member, what changed between its two newest samples, and return
        the GroupDelta (the same object every time, refilled in place). Raises ValueError
        before two sample() calls; a member without a delta is marked in the status column."""
        with cython.critical_section(self):
            if self._samples_taken < 2:
                raise ValueError("delta() needs two samples; call sample() twice first")
            self._compute_delta()
            return self._delta

    cdef void _compute_delta(self) noexcept:
        cdef const GroupRow *later = self._rows[self._newest]
        cdef const GroupRow *earlier = self._rows[1 - self._newest]
        cdef Py_ssize_t index
        cdef uint8_t status
        for index in range(self._count):
            if later[index].status != GROUP_OK:
                self._clear_delta(index, later[index].status)
                (<int *>self._delta_data[DELTA_errno])[index] = later[index].error
                self._delta_calls[index] = later[index].call
                continue
            if not self._members[index].tcp:
                self._clear_delta(index, GROUP_NOT_TCP)
                continue
            if self._members[index].taken < 2:
                self._clear_delta(index, GROUP_NOT_SAMPLED)
                continue
            status = _member_delta(&later[index], &earlier[index], self._delta_data, index)
            if status != GROUP_OK:
                # A counter went backwards: the fd names another socket (as Sampler.delta()).
                self._clear_delta(index, status)
                continue
            (<uint8_t *>self._delta_data[DELTA_status])[index] = GROUP_OK
            (<int *>self._delta_data[DELTA_errno])[index] = 0
            self._delta_calls[index] = CALL_NONE

    cdef void _clear_delta(self, Py_ssize_t index, uint8_t status) noexcept:
        # A member without a delta: its status, zero counts and NaN times and rates.
        (<uint8_t *>self._delta_data[DELTA_status])[index] = status
        (<int *>self._delta_data[DELTA_errno])[index] = 0
        _clear_delta_figures(self._delta_data, index)
        self._delta_calls[index] = CALL_NONE

    # -- records ------------------------------------------------------------------------------

    cdef Sample _sample_record(self, Py_ssize_t index):
        cdef const GroupRow *row
        with cython.critical_section(self):
            if index < 0 or index >= self._count:
                raise IndexError(f"member index {index} out of range for {self._count} members")
            row = &self._rows[self._newest][index]
            if row.status == GROUP_NOT_SAMPLED:
                raise ValueError(f"member {index} was added after the last sample()")
            if row.status != GROUP_OK:
                _raise_read_error(<Call>row.call, row.error)
            return _row_sample(row, &self._members[index])

    cdef SampleDelta _delta_record(self, Py_ssize_t index):
        cdef uint8_t status
        with cython.critical_section(self):
            if index < 0 or index >= self._count:
                raise IndexError(f"member index {index} out of range for {self._count} members")
            status = (<uint8_t *>self._delta_data[DELTA_status])[index]
            if status == GROUP_FAILED or (status == GROUP_CHANGED
                                          and self._delta_calls[index] != CALL_NONE):
                _raise_read_error(<Call>self._delta_calls[index],
                                  (<int *>self._delta_data[DELTA_errno])[index])
            if status == GROUP_CHANGED:
                _raise_changed("a counter went backwards", "between the two samples")
            if status == GROUP_NOT_TCP:
                raise ValueError(f"member {index} has no delta: only TCP keeps byte counters")
            if status != GROUP_OK:
                raise ValueError(f"member {index} has no delta: it needs two samples in a row")
            return _column_delta(self._delta_data, index)

    def __reduce__(self):
        raise TypeError("a SamplerGroup reads live fds of this process and is not picklable")

    def __repr__(self):
        return f"<SamplerGroup of {len(self)} members>"


cdef inline double _column_rate(uint64_t count, double elapsed) noexcept:
    return count / elapsed if elapsed > 0 else NAN


cdef inline void _unsampled_row(GroupRow *row) noexcept:
    memset(row, 0, sizeof(GroupRow))
    row.status = GROUP_NOT_SAMPLED


cdef int _grow_array(void **array, Py_ssize_t count, size_t itemsize) except -1:
    cdef void *grown = PyMem_Realloc(array[0], count * itemsize)
    if grown == NULL:
        raise MemoryError()
    array[0] = grown
    return 0
