"""What every backend shares at run time: the portable TcpState, and the dump, dict and pickling
rules of the records.

Each record class lists its attributes once, in ``_fields`` (generated from the field tables in
socketstat/codegen/: the portable members first, then the record's own); the helpers below walk
that list, so the dump, the dict and the class cannot disagree.
"""

from __future__ import annotations

import enum
from typing import Any, NoReturn


class TcpState(enum.Enum):
    """A TCP connection's state by its RFC 793 name, the same on every platform.

    The values are the names, so a state is never mistaken for one kernel's number; each
    backend's raw member (``tcpi_state``) keeps the kernel's own numbering.
    """

    CLOSED = "CLOSED"
    LISTEN = "LISTEN"
    SYN_SENT = "SYN_SENT"
    SYN_RECEIVED = "SYN_RECEIVED"
    ESTABLISHED = "ESTABLISHED"
    FIN_WAIT_1 = "FIN_WAIT_1"
    FIN_WAIT_2 = "FIN_WAIT_2"
    CLOSE_WAIT = "CLOSE_WAIT"
    CLOSING = "CLOSING"
    LAST_ACK = "LAST_ACK"
    TIME_WAIT = "TIME_WAIT"


_PLAIN_TYPES = (int, float, str, type(None))


def _is_record(value: object) -> bool:
    # Plain values first: a failed attribute lookup on int or None costs an exception.
    return type(value) not in _PLAIN_TYPES and hasattr(type(value), "_fields")


def format_record(record: object, indent: str = "") -> str:
    """A nested, one-field-per-line dump in the spirit of Rust's ``{:#?}``."""
    inner = indent + "    "
    lines = [f"{type(record).__name__} {{"]
    for name in type(record)._fields:  # type: ignore[attr-defined]
        lines.append(f"{inner}{name}: {_format_value(getattr(record, name), inner)},")
    lines.append(f"{indent}}}")
    return "\n".join(lines)


def _format_value(value: object, indent: str) -> str:
    if _is_record(value):
        return format_record(value, indent)
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, float):
        return f"{value:.6f}"
    return repr(value)


def record_to_dict(record: object) -> dict[str, Any]:
    """Plain JSON-ready data: enums by name, nested records as dicts, abstract Unix names as '@name'."""
    return {name: _plain(getattr(record, name)) for name in type(record)._fields}  # type: ignore[attr-defined]


def _plain(value: object) -> Any:
    if type(value) in _PLAIN_TYPES:
        return value
    if _is_record(value):
        return record_to_dict(value)
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        # Linux abstract Unix socket names start with a NUL byte; ss(8) writes them as '@name'.
        return "@" + value[1:].decode("utf-8", "backslashreplace") if value[:1] == b"\0" else value.hex()
    return value


def refuse_pickle(record: object) -> NoReturn:
    raise TypeError(
        f"{type(record).__name__} is a snapshot of live kernel state and is not picklable; "
        "pickle record.to_dict() instead"
    )


def unbuilt_backend(error: ModuleNotFoundError, backend: str) -> ImportError:
    """What ``import socketstat`` says when the compiled backend is missing: an unbuilt source
    tree, most likely; any other missing module is re-raised as it was."""
    if error.name != backend:
        return error
    return ImportError(
        f"socketstat's compiled backend {backend} is missing: this looks like an unbuilt source "
        "tree. Install the package (python -m pip install .) and import it from outside the "
        "source directory."
    )
