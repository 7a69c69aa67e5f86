# The records' JSON for the command's --json and --ndjson, shared by the POSIX backends: included
# by _linux.pyx and _darwin.pyx after their records (it calls SocketStat's C method).


def _json_text(list records, bint lines):
    """The records' to_json() texts as one ASCII bytes object, written into one buffer: one per
    line (each line ended) when ``lines``, else comma-separated (a JSON list's inside). What the
    command's --json and --ndjson write, without a str per record or a decode and re-encode."""
    cdef _JsonWriter out = _JsonWriter()
    cdef Py_ssize_t index
    for index in range(len(records)):
        if index and not lines:
            out.raw(b",", 1)
        (<SocketStat?>records[index])._json_into(out)
        if lines:
            out.raw(b"\n", 1)
    return out.data()
