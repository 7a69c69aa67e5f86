"""The shape of socketstat's field tables: each record's members, declared once.

A table row is everything the generated code needs about one attribute of a record: its name,
the type the stubs give it, its docstring and unit, and, for a member of a C struct, the C type
Cython is told and the kernel or OS version that added it. render.py turns the rows into the
Cython properties and ``_fields`` (``*.pxi`` at build time), the ``.pyi`` stubs and the README's
field reference. The C headers stay hand-written: they are the ABI, checked against the kernel's
and the SDK's by the tests and the macOS cross-check.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One attribute of a record.

    ``expr`` is the Cython expression the property returns; a struct member without one reads
    ``self._info.<c_path>``, guarded by ``valid`` when the kernel may not have filled it.
    """

    name: str
    pytype: str
    doc: str
    unit: str = ""
    expr: str = ""
    # Struct members only.
    ctype: str = ""          # the type Cython is told; "" for an attribute that is not a member
    since: str = ""          # the kernel or OS version that added the member
    c_path: str = ""         # where the member lives in the struct, if not at the top as `name`
    valid: str = ""          # a Cython condition under which the member was filled
    nested_ctype: str = ""   # also a member of the nested struct c_path names (another layout)

    def member_expr(self) -> str:
        return f"self._info.{self.c_path or self.name}"

    def getter(self) -> str:
        value = self.expr or self.member_expr()
        return f"({value} if {self.valid} else None)" if self.valid else value


@dataclass(frozen=True)
class Portable:
    """One member of the portable contract: the same name, type and unit on every platform."""

    name: str
    pytype: str
    doc: str
    unit: str
    linux: str               # what the Linux backend fills it from
    darwin: str              # what the macOS backend fills it from
    freebsd: str = ""        # what the FreeBSD backend fills it from (its records only)
    windows: str = ""        # what the Windows backend fills it from (its records only)

    @property
    def docstring(self) -> str:
        sources = [("Linux", self.linux), ("macOS", self.darwin), ("FreeBSD", self.freebsd),
                   ("Windows", self.windows)]
        return " ".join([sentence(self.doc, self.unit),
                         *(f"{platform}: {source}." for platform, source in sources if source)])


@dataclass(frozen=True)
class Constant:
    """One member of an enumeration of kernel numbers (states, option bits)."""

    name: str
    value: int               # the number, for the stubs
    c_name: str = ""         # the header's constant the backend takes the value from, if any
    portable: str = ""       # the TcpState member a state number reads as
    note: str = ""           # why, when the name alone does not say


@dataclass(frozen=True)
class Enumeration:
    """An IntEnum or IntFlag of one OS's numbers, rendered into the backend and its stub."""

    name: str
    base: str                # "IntEnum" or "IntFlag"
    doc: str
    members: tuple[Constant, ...]


@dataclass(frozen=True)
class Record:
    """A record class: its portable members (contract order), then its own."""

    name: str
    doc: str
    base: str                # the version of the original layout: its members need no "since" note
    portable: tuple[tuple[Portable, str], ...]   # (contract member, this backend's expression)
    fields: tuple[Field, ...]

    def docstring(self, field: Field) -> str:
        since = field.since if field.since and field.since != self.base else ""
        return sentence(field.doc, field.unit, since)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(p.name for p, _ in self.portable) + tuple(f.name for f in self.fields)

    @property
    def members(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.ctype)


def computed(name: str, pytype: str, doc: str, expr: str, unit: str = "") -> Field:
    """An attribute a record computes from what its backend read (``expr``), with no C struct
    member behind it."""
    return Field(name, pytype, doc, unit, expr=expr)


def sentence(doc: str, unit: str = "", since: str = "") -> str:
    """A docstring from a table row: what it is, its unit, and since when it exists."""
    text = doc + (f", {unit}" if unit else "") + (f"; {since}" if since else "")
    return text if text.endswith(".") else text + "."


def portable(rows: tuple[Portable, ...], expressions: dict[str, str]) -> tuple[tuple[Portable, str], ...]:
    """A record's portable rows, in contract order, each with this backend's expression; a row
    the backend does not compute is a KeyError at render time, never a silent gap."""
    return tuple((row, expressions[row.name]) for row in rows)


@dataclass(frozen=True)
class Column:
    """One column of a SamplerGroup: a C array with one item per member, exported through the
    buffer protocol. ``field`` names and documents it (the stub's property); ``read`` is the
    Cython expression that reads the member's value from its row ``row`` (a sample column), or
    "" for one that delta() computes; ``end`` is the Cython expression for the bytes of
    tcp_info the kernel must have returned for the value to be present ("" for a column that
    does not come from tcp_info)."""

    field: Field
    read: str = ""
    end: str = ""

    @property
    def format(self) -> str:
        """The buffer protocol's format code of the C type (struct module syntax, native)."""
        return FORMATS[self.field.ctype]


# The format code of each C type a column holds (the struct module's native codes, which
# memoryview and numpy.asarray read: B uint8, H uint16, I uint32, Q uint64, i int32, q int64,
# d double).
FORMATS = {"uint8_t": "B", "uint16_t": "H", "uint32_t": "I", "uint64_t": "Q", "int": "i",
           "int64_t": "q", "double": "d"}
