"""The list of fields is declared in several places (C header, pxd, pyx, stubs, repr, to_dict):
prove they agree, and that every returned value has the type the stubs promise."""

from __future__ import annotations

import ast
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

STUBS = Path(socketstat.__file__).parent / "_linux.pyi"  # the installed copy


def header_members() -> list[str]:
    header = (REPO / "socketstat/includes/linux_tcp_info.h").read_text()
    body = header[header.index("struct socketstat_tcp_info {"):header.index("};")]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    members: list[str] = []
    for declaration in body.split(";")[:-1]:
        declaration = declaration.split("{")[-1]
        for part in declaration.split(","):
            name = part.split(":")[0].split()[-1]
            members.append(name)
    return members


def pxd_members() -> list[str]:
    pxd = (REPO / "socketstat/includes/linux.pxd").read_text()
    block = pxd[pxd.index("struct socketstat_tcp_info:"):]
    block = block[:block.index("\n\n")]
    return re.findall(r"^\s+u?int\d+_t (\w+)$", block, flags=re.M)


def stub_classes() -> dict[str, dict[str, str]]:
    """class name -> {property name: annotation source} from the installed stub."""
    tree = ast.parse(STUBS.read_text())
    classes: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {
                item.name: ast.unparse(item.returns)
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.returns is not None
                and any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list)
            }
    return classes


def test_tcp_info_members_agree_everywhere() -> None:
    members = header_members()
    assert len(members) == 70
    assert pxd_members() == members
    assert list(TcpInfo._fields) == members
    stub = stub_classes()["TcpInfo"]
    assert [name for name in stub if name.startswith("tcpi_")] == members
    assert [name for name in stub if not name.startswith("tcpi_") and name != "length"] == list(
        TcpInfo._derived_fields)


@pytest.mark.parametrize("record", [TcpInfo, MemInfo, SocketInfo, SocketStat, Sample, SampleDelta])
def test_stub_properties_are_exactly_the_record_fields(record: type) -> None:
    stub = stub_classes()[record.__name__]
    listed = set(getattr(record, "_fields")) | set(getattr(record, "_derived_fields", ()))
    extras = {"length"} if record is TcpInfo else set()
    assert set(stub) == listed | extras
    for name in listed | extras:
        assert isinstance(getattr(record, name), (property, types.GetSetDescriptorType,
                                                  types.MemberDescriptorType)), name


def resolve(annotation: str) -> Any:
    namespace = {name: getattr(socketstat, name) for name in socketstat.__all__ if hasattr(socketstat, name)}
    namespace.update(vars(socketstat._linux), socket=socket, typing=typing, Any=Any)
    namespace["_Address"] = tuple | str | bytes
    return eval(annotation, namespace)  # noqa: S307 - our own stub text


def assert_matches_stub(record: object) -> None:
    for name, annotation in stub_classes()[type(record).__name__].items():
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
        assert list(connection) == list(TcpInfo._fields) + list(TcpInfo._derived_fields)
        assert connection["tcpi_state"] == "ESTABLISHED"
        assert data["socket_info"]["local_address"] == list(client.getsockname())
        assert data["socket_info"]["family"] == "AF_INET"
        # repr: one line per field, in order, state and family by name, ports in host order.
        positions = [text.index(f"\n        {name}: ") for name in TcpInfo._fields]
        assert positions == sorted(positions)
        assert "tcpi_state: ESTABLISHED," in text
        assert f"local_address: {client.getsockname()!r}," in text
        assert text.startswith("SocketStat {\n    unreceived: ")
        assert text.endswith("\n}")


def test_unknown_tcp_state_stays_an_int() -> None:
    raw = bytearray(280)
    raw[0] = 200
    record = TcpInfo.from_bytes(bytes(raw))
    assert record.tcpi_state == 200 and type(record.tcpi_state) is int
    assert record.to_dict()["tcpi_state"] == 200


def test_stubs_ship_inside_the_package() -> None:
    package = Path(socketstat.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "__init__.pyi").is_file()
    assert sys.platform != "linux" or (package / "_linux.pyi").is_file()
