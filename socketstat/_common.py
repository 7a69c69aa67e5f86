"""What every backend shares at run time: the portable TcpState, SocketOwner, and the dump,
address and pickling rules of the records.

Each record class lists its attributes once, in ``_fields`` (generated from the field tables in
socketstat/codegen/: the portable members first, then the record's own); the dump walks that
list, and each record's to_dict() is generated from the same table, so the dump, the dict and
the class cannot disagree.
"""

from __future__ import annotations

import enum
import os
import socket
import sys
from typing import Any, NamedTuple, NoReturn


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


class SocketOwner(NamedTuple):
    """A process file descriptor that holds a socket (found in ``/proc/<pid>/fd``); one socket
    may have several, across processes (fork, SCM_RIGHTS) and within one (dup)."""

    pid: int
    fd: int
    name: str  # the process's command name (/proc/<pid>/comm), "" if it exited meanwhile


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


# Windows' socket module has no AF_UNIX, though Windows 10 1803 has the family (1, as elsewhere).
AF_UNIX: int = getattr(socket, "AF_UNIX", 1)


def plain_address(family: object, address: object) -> Any:
    """An address as JSON-ready data, its form decided by the socket's family (never guessed
    from the bytes), so that each form reads back unambiguously:

    - AF_INET, AF_INET6: ``[host, port]`` or ``[host, port, flowinfo, scope_id]``;
    - AF_UNIX: ``{"path": name}``, or ``{"abstract": name}`` for a Linux abstract name (the bytes
      after its leading NUL); a name that is not UTF-8 is ``{"path_hex": ...}`` or
      ``{"abstract_hex": ...}`` instead, so the text always survives ``.encode()``;
    - any other family: ``{"raw_hex": ...}``, the address bytes after the family;
    - no address: None.
    """
    if address is None:
        return None
    if family in (socket.AF_INET, socket.AF_INET6):
        return list(address)  # type: ignore[call-overload]
    if family == AF_UNIX:
        if isinstance(address, bytes):
            return _named("abstract", address[1:])
        return _named("path", os.fsencode(str(address)))
    return {"raw_hex": bytes(address).hex() if isinstance(address, bytes) else str(address)}


def _named(kind: str, name: bytes) -> dict[str, str]:
    try:
        return {kind: name.decode("utf-8")}
    except UnicodeDecodeError:
        return {f"{kind}_hex": name.hex()}


def stream_socket(stream: object) -> Any:
    """The socket behind an event loop's connection object, by each framework's documented way
    to reach it: an asyncio transport's or StreamWriter's get_extra_info("socket"), a trio
    SocketStream's .socket, an anyio socket stream's extra(SocketAttribute.raw_socket). None for
    anything else, and for a transport that has no socket (closed, or not socket-backed)."""
    get_extra_info = getattr(stream, "get_extra_info", None)
    if callable(get_extra_info):
        return get_extra_info("socket")
    inner = getattr(stream, "socket", None)
    if inner is not None and hasattr(inner, "fileno"):
        return inner
    anyio = sys.modules.get("anyio")  # an anyio stream exists only once anyio is imported
    if anyio is not None and callable(getattr(stream, "extra", None)):
        return stream.extra(anyio.abc.SocketAttribute.raw_socket, None)  # type: ignore[attr-defined]
    return None


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


class SocketChangedError(OSError):
    """The fd named another socket part-way through a call: it was closed and its number reused
    (by another thread, or a library that does not own it). The answers read so far contradict
    each other, so no record is returned: a record mixing two sockets would be worse than none."""
