"""repr and to_dict for socketstat's records, shared by every backend.

Each record class lists its attributes once, in ``_fields`` (the C struct's members, in struct
order) and ``_derived_fields`` (the portable view computed from them); these two helpers walk
those lists, so the dump, the dict and the class cannot disagree.
"""

from __future__ import annotations

import enum
from typing import Any


def _fields_of(record: object) -> tuple[str, ...]:
    cls = type(record)
    return tuple(getattr(cls, "_fields", ())) + tuple(getattr(cls, "_derived_fields", ()))


_PLAIN_TYPES = (int, float, str, type(None))


def is_record(value: object) -> bool:
    # Plain values first: a failed attribute lookup on int or None costs an exception.
    return type(value) not in _PLAIN_TYPES and hasattr(type(value), "_fields")


def format_record(record: object, indent: str = "") -> str:
    """A nested, one-field-per-line dump in the spirit of Rust's ``{:#?}``."""
    inner = indent + "    "
    lines = [f"{type(record).__name__} {{"]
    for name in _fields_of(record):
        lines.append(f"{inner}{name}: {_format_value(getattr(record, name), inner)},")
    lines.append(f"{indent}}}")
    return "\n".join(lines)


def _format_value(value: object, indent: str) -> str:
    if is_record(value):
        return format_record(value, indent)
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, float):
        return f"{value:.6f}"
    return repr(value)


def record_to_dict(record: object) -> dict[str, Any]:
    """Plain JSON-ready data: enums by name, nested records as dicts, abstract Unix names as '@name'."""
    return {name: _plain(getattr(record, name)) for name in _fields_of(record)}


def _plain(value: object) -> Any:
    if type(value) in _PLAIN_TYPES:
        return value
    if is_record(value):
        return record_to_dict(value)
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        # Linux abstract Unix socket names start with a NUL byte; ss(8) writes them as '@name'.
        return "@" + value[1:].decode("utf-8", "backslashreplace") if value[:1] == b"\0" else value.hex()
    return value
