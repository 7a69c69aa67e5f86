"""SamplerGroup's column tables, what the backends share: the status enumeration and the rules
that turn a record's rows into columns. Each backend's table (linux.py, darwin.py) lists its own
columns with these; render.py renders group_columns.pxi.in and the stubs' group classes from
them, once per backend.
"""

from __future__ import annotations

from model import FORMATS, Column, Constant, Enumeration, Field, Record

GROUP_STATUS = Enumeration(
    "GroupStatus", "IntEnum",
    "What a SamplerGroup holds for a member: the values of a GroupSample's or GroupDelta's "
    "``status`` column.",
    (
        Constant("OK", 0, note="read (for a delta: both samples read, counters consistent)"),
        Constant("FAILED", 1, note="a syscall failed: errno says which error, the record raises it"),
        Constant("CHANGED", 2, note="the fd names another socket now: the record raises "
                 "SocketChangedError"),
        Constant("NOT_SAMPLED", 3, note="no value yet: added since the last sample(), or (delta) "
                 "fewer than two samples read since it was added or last failed"),
        Constant("NOT_TCP", 4, note="delta only: the member is not TCP, which alone keeps counters"),
    ),
)


def with_format(doc: str, ctype: str) -> str:
    return f"{doc} [format {FORMATS[ctype]!r}, {ctype}]"


def member_column(name: str, ctype: str, doc: str, unit: str = "", read: str = "") -> Column:
    """A column read from the member's row (``row.<name>`` unless ``read`` says otherwise)."""
    return Column(Field(name, "Column", with_format(doc, ctype), unit, ctype=ctype),
                  read or f"row.{name}")


def status_columns(monotonic_doc: str) -> tuple[Column, ...]:
    """The first columns of every GroupSample: status, errno and the clock."""
    return (
        member_column("status", "uint8_t", "GroupStatus: OK, FAILED, CHANGED or NOT_SAMPLED; "
                      "the other columns of a member not OK are absent"),
        member_column("errno", "int", "the errno of the member's failed syscall (FAILED, "
                      "CHANGED), else 0", read="row.error"),
        member_column("monotonic_ns", "int64_t", monotonic_doc, "nanoseconds"),
    )


def delta_columns(sample_delta: Record, segments_ctype: str, extra: tuple[Column, ...] = (),
                  ends: dict[str, str] | None = None) -> tuple[Column, ...]:
    """GroupDelta's columns: status, errno, the backend's ``extra`` ones, then each of the
    SampleDelta's figures the backend computes (``ends``: a figure's Column.end, for one that
    only some samples hold). A figure the backend never has (its SampleDelta property is always
    None) gets no column: delta_record() makes it a property that is None, as on the record."""
    ends = ends or {}
    columns = [
        Column(Field("status", "Column", with_format(
            "GroupStatus: OK, FAILED or CHANGED (the newest sample's, or a counter went "
            "backwards), NOT_SAMPLED, NOT_TCP", "uint8_t"), ctype="uint8_t")),
        Column(Field("errno", "Column", with_format(
            "the errno of the newest sample's failed syscall (FAILED, CHANGED), else 0", "int"),
            ctype="int")),
        *extra,
    ]
    for field in sample_delta.fields:
        if field.expr == "None":
            continue
        if field.pytype.startswith("float"):
            ctype, doc = "double", f"{field.doc}; NaN where the status is not OK"
        else:
            ctype = segments_ctype if field.unit == "segments" else "uint64_t"
            doc = f"{field.doc}; 0 where the status is not OK"
        columns.append(Column(Field(field.name, "Column", with_format(doc, ctype), field.unit,
                                    ctype=ctype), end=ends.get(field.name, "")))
    return tuple(columns)


def sample_record(columns: tuple[Column, ...], base: str) -> Record:
    """GroupSample for the stubs: each column a property."""
    return Record("GroupSample", "", base, (), tuple(column.field for column in columns))


def delta_record(sample_delta: Record, columns: tuple[Column, ...]) -> Record:
    """GroupDelta for the stubs and properties: a column per figure, in the SampleDelta's order,
    and None (``expr``) for a figure the backend never has."""
    by_name = {column.field.name: column.field for column in columns}
    figures = {field.name for field in sample_delta.fields}
    fields = [column.field for column in columns if column.field.name not in figures]
    for field in sample_delta.fields:
        fields.append(by_name[field.name] if field.name in by_name else
                      Field(field.name, "None", f"{field.doc} (no column)", field.unit,
                            expr="None"))
    return Record("GroupDelta", "", "", (), tuple(fields))
