"""Each record's members are declared once, in socketstat/codegen's tables: prove the C header,
the table, the built records and the installed stubs agree, and that every returned value has
the type the stubs promise."""

from __future__ import annotations

import ast
import enum
import importlib.util
import json
import re
import socket
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest

import socketstat
from conftest import REPO, tcp_connection
from socketstat import MemInfo, Sample, SampleDelta, Sampler, SocketInfo, SocketStat, TcpInfo
from socketstat._common import plain_address

if sys.platform != "linux":
    pytest.skip("the Linux backend's records", allow_module_level=True)

PACKAGE = Path(socketstat.__file__).parent  # the installed copy, stubs included


def codegen(name: str) -> Any:
    """One of socketstat/codegen's modules, imported from the repository by path."""
    directory = REPO / "socketstat" / "codegen"
    sys.path.insert(0, str(directory))
    try:
        spec = importlib.util.spec_from_file_location(name, directory / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(directory))


def header_members(struct: str) -> list[str]:
    """Member names of ``struct <name> {...};`` in linux_tcp_info.h, union members included."""
    header = (REPO / "socketstat/includes/linux_tcp_info.h").read_text()
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    body = header[header.index(f"struct {struct} {{") + len(f"struct {struct} {{"):]
    depth, end = 1, 0
    for end, character in enumerate(body):
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth == 0:
            break
    members: list[str] = []
    for declaration in re.sub(r"\b(union|struct)\s*\{|\}", "", body[:end]).split(";"):
        for part in declaration.split(","):
            if part.strip():
                members.append(part.split(":")[0].split()[-1])
    return members


def stub_classes(path: Path) -> dict[str, dict[str, str]]:
    """class name -> {property name: annotation source}, base classes' properties included."""
    tree = ast.parse(path.read_text())
    classes: dict[str, dict[str, str]] = {}
    if path.name != "_contract.py":
        classes.update(stub_classes(path.with_name("_contract.py")))
    for node in ast.walk(tree):  # _contract.py declares its classes under TYPE_CHECKING
        if isinstance(node, ast.ClassDef):
            properties: dict[str, str] = {}
            for base in node.bases:
                if isinstance(base, ast.Name):
                    properties.update(classes.get(base.id, {}))
            properties.update({
                item.name: ast.unparse(item.returns)
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.returns is not None
                and any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list)
            })
            classes[node.name] = properties
    return classes


STUBS = stub_classes(PACKAGE / "_linux.pyi")


def test_tcp_info_members_agree_everywhere() -> None:
    linux = codegen("linux")
    contract = codegen("contract")
    table = [field.name for field in linux.TCP_INFO.members]
    top_level = [field.name for field in linux.TCP_INFO.members
                 if not field.c_path or field.nested_ctype]
    nested = [field.c_path.split(".")[1] for field in linux.TCP_INFO.members if field.c_path]
    assert header_members("socketstat_tcp_info") == top_level + ["tcpi_tail_7_0"]
    assert sorted(header_members("socketstat_tcp_info_tail_7_0")) == sorted(nested)
    portable = [row.name for row in contract.CONNECTION_INFO]
    assert list(TcpInfo._fields) == portable + table
    stub = STUBS["TcpInfo"]
    assert [name for name in stub if name.startswith("tcpi_")] == table


@pytest.mark.parametrize("record", [TcpInfo, MemInfo, SocketInfo, SocketStat, Sample, SampleDelta])
def test_stub_properties_are_exactly_the_record_fields(record: type) -> None:
    stub = STUBS[record.__name__]
    listed = set(getattr(record, "_fields"))
    extras = {"length"} if record is TcpInfo else set()
    assert set(stub) == listed | extras
    for name in listed | extras:
        assert isinstance(getattr(record, name), (property, types.GetSetDescriptorType,
                                                  types.MemberDescriptorType)), name


def resolve(annotation: str) -> Any:
    namespace = {name: getattr(socketstat, name) for name in socketstat.__all__}
    namespace.update(socket=socket, typing=typing, Any=Any, Address=tuple | str | bytes)
    return runtime_types(eval(annotation, namespace))  # noqa: S307 - our own stub text


def runtime_types(annotation: Any) -> Any:
    # What isinstance() can check: a union's members, a generic's origin (tuple[X, ...] -> tuple).
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return tuple(runtime_types(member) for member in typing.get_args(annotation))
    return typing.get_origin(annotation) or annotation


def assert_matches_stub(record: object) -> None:
    for name, annotation in STUBS[type(record).__name__].items():
        value = getattr(record, name)
        expected = resolve(annotation)
        assert isinstance(value, expected), f"{type(record).__name__}.{name} = {value!r} is not {annotation}"
        if value is not None and hasattr(type(value), "_fields"):
            assert_matches_stub(value)


def test_returned_values_have_their_annotated_types() -> None:
    listener, client, server = tcp_connection(socket.AF_INET6)
    with listener, client, server:
        client.sendall(b"x" * 5000)
        for sock in (listener, client, server):
            assert_matches_stub(socketstat.socketstat(sock, details=True))
            assert_matches_stub(socketstat.socketstat(sock))
        sampler = Sampler(client)
        assert_matches_stub(sampler.sample())
        assert_matches_stub(sampler.sample())
        assert_matches_stub(sampler.delta())
    left, right = socket.socketpair()
    with left, right:
        assert_matches_stub(socketstat.socketstat(left, details=True))


def test_repr_and_to_dict_follow_the_field_lists() -> None:
    listener, client, server = tcp_connection(socket.AF_INET)
    with listener, client, server:
        stat = socketstat.socketstat(client, details=True)
        text = repr(stat)
        data = stat.to_dict()
        json.dumps(data)  # plain data
        assert list(data) == list(SocketStat._fields)
        connection = data["connection_info"]
        assert list(connection) == list(TcpInfo._fields)
        assert connection["state"] == connection["tcpi_state"] == "ESTABLISHED"
        assert data["socket_info"]["local_address"] == list(client.getsockname())
        assert data["socket_info"]["family"] == "AF_INET"
        # repr: one line per field, in order, state and family by name, ports in host order.
        positions = [text.index(f"\n        {name}: ") for name in TcpInfo._fields]
        assert "\n        state: ESTABLISHED," in text
        assert positions == sorted(positions)
        assert "tcpi_state: ESTABLISHED," in text
        assert f"local_address: {client.getsockname()!r}," in text
        assert text.startswith("SocketStat {\n    state: ESTABLISHED,\n    unreceived: ")
        assert text.endswith("\n}")


def walked_dict(record: Any) -> Any:
    """The oracle for the generated to_dict(): every attribute in _fields read through Python's
    own attribute lookup and made plain by its value's type, as the hand-written rule was."""
    if record is None or isinstance(record, (int, float, str)) and not isinstance(record, enum.Enum):
        return record
    if isinstance(record, enum.Enum):
        return record.name
    if isinstance(record, socketstat.SocketOwner):
        return {"pid": record.pid, "fd": record.fd, "name": record.name}
    if isinstance(record, tuple):
        return [walked_dict(item) for item in record]
    fields = type(record)._fields
    plain = {}
    for name in fields:
        value = getattr(record, name)
        if name in ("local_address", "remote_address"):
            plain[name] = plain_address(record.family, value)
        else:
            plain[name] = walked_dict(value)
    return plain


def test_generated_to_dict_and_to_json_equal_a_walk_of_the_fields(tmp_path: Path) -> None:
    listener, client, server = tcp_connection(socket.AF_INET6)
    datagram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with listener, client, server, datagram, unix:
        client.sendall(b"x" * 1000)
        datagram.bind(("127.0.0.1", 0))
        datagram.sendto(b"y" * 10, datagram.getsockname())
        unix.bind(str(tmp_path / "socket"))
        unix.listen()
        records: list[Any] = [socketstat.socketstat(sock, details=details)
                              for sock in (listener, client, server, datagram, unix)
                              for details in (False, True)]
        records += socketstat.sockets("all", processes=True, details=True)
        sampler = Sampler(client)
        records += [sampler.sample(), sampler.sample(), sampler.delta()]
        for record in records:
            assert record.to_dict() == walked_dict(record), record
            # to_json() writes the same data itself: byte for byte what json would.
            assert record.to_json() == json.dumps(record.to_dict(), separators=(",", ":"))


def test_unknown_tcp_state_stays_an_int_and_has_no_portable_name() -> None:
    raw = bytearray(280)
    raw[0] = 200
    record = TcpInfo.from_bytes(bytes(raw))
    assert record.tcpi_state == 200 and type(record.tcpi_state) is int
    assert record.state is None
    assert record.to_dict()["tcpi_state"] == 200 and record.to_dict()["state"] is None


@pytest.mark.parametrize("number, raw_name, portable", [
    (1, "ESTABLISHED", "ESTABLISHED"), (2, "SYN_SENT", "SYN_SENT"), (3, "SYN_RECV", "SYN_RECEIVED"),
    (4, "FIN_WAIT1", "FIN_WAIT_1"), (5, "FIN_WAIT2", "FIN_WAIT_2"), (6, "TIME_WAIT", "TIME_WAIT"),
    (7, "CLOSE", "CLOSED"), (8, "CLOSE_WAIT", "CLOSE_WAIT"), (9, "LAST_ACK", "LAST_ACK"),
    (10, "LISTEN", "LISTEN"), (11, "CLOSING", "CLOSING"), (12, "NEW_SYN_RECV", "SYN_RECEIVED"),
    (13, "BOUND_INACTIVE", "CLOSED"),
])
def test_every_linux_state_has_its_portable_name(number: int, raw_name: str, portable: str) -> None:
    # include/net/tcp_states.h numbering, written here independently of the backend's enum.
    raw = bytearray(280)
    raw[0] = number
    record = TcpInfo.from_bytes(bytes(raw))
    assert record.tcpi_state is socketstat.LinuxTcpState[raw_name]
    assert record.state is socketstat.TcpState[portable]


def test_stubs_ship_inside_the_package() -> None:
    package = Path(socketstat.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "__init__.pyi").is_file()
    assert sys.platform != "linux" or (package / "_linux.pyi").is_file()
