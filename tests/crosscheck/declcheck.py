"""Cythonize a module and append its ``cdef extern`` declarations as C11 static assertions.

Cython trusts extern declarations: it emits no struct definitions and no prototypes, and it
copies a name into its C only where the code uses it. So a misspelled member that is declared
but unused, a ``uint32_t`` declared as ``uint16_t`` or a wrong prototype compiles silently.
This script runs Cython's own front end (cimports, ctypedefs and C names resolve exactly as in
the real build), writes the module's C as usual and appends one block of assertions. Compiled
against the target's headers, that block fails on every declaration the headers disagree with.

Checked, for each declaration in the project's .pyx/.pxd files (Cython's bundled libc/posix/
cpython .pxd files are approximate on purpose and are left out):

  struct/union member  exists; an integer has the header's size and signedness (a bit-field
                       counts as its declared type); a floating type is the same type; an array
                       has the same length, then its element is checked; a pointer is a pointer,
                       then its pointee (``void *`` accepts any); a struct/union is the same type
  ctypedef             an integer or floating typedef has the size and signedness, or the type,
                       that Cython was told
  constant, variable   exists; an integer constant's value fits the declared type; an integer
                       variable has the size and signedness
  function             exists and has the header's prototype (not checked for a function-like
                       macro); its address is kept, so the link fails if no library exports it

Also refused: the module's code turning an extern struct into a Python dict. Cython does that
silently when the code reads a member the declaration lacks (``info.tcpi_rto_ms``), which defers
the typo to an AttributeError at run time. ``# declcheck: skip`` on the line allows a deliberate
conversion.

``# declcheck: skip`` on the line that declares a name reduces it to an existence check.

Usage: python declcheck.py MODULE.pyx -o OUT.c [-I CYTHON_INCLUDE_DIR ...]
Run it as its own process: it hooks Cython's code generation to see the analysed module.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import Cython

# Cython's compiler internals carry no type annotations: handle them as Any.
Main: Any = importlib.import_module("Cython.Compiler.Main")
ModuleNode: Any = importlib.import_module("Cython.Compiler.ModuleNode")

SKIP_MARK = "declcheck: skip"
CYTHON_TREE = Path(Cython.__file__).resolve().parent
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

PRELUDE = r"""
/* ==== declcheck: the module's cdef extern declarations, asserted against the headers ==== */
/* 2 * size + signedness of an integer expression, 0 for anything else. _Generic sees a
   bit-field as its declared type (clang), so bit-fields need no special case. */
#define DECLCHECK_INT(x) _Generic((x), \
    _Bool: 2 * (int)sizeof(_Bool), \
    char: 2 * (int)sizeof(char) + ((char)-1 < 0), \
    signed char: 2 * (int)sizeof(signed char) + 1, \
    unsigned char: 2 * (int)sizeof(unsigned char), \
    short: 2 * (int)sizeof(short) + 1, \
    unsigned short: 2 * (int)sizeof(unsigned short), \
    int: 2 * (int)sizeof(int) + 1, \
    unsigned int: 2 * (int)sizeof(unsigned int), \
    long: 2 * (int)sizeof(long) + 1, \
    unsigned long: 2 * (int)sizeof(unsigned long), \
    long long: 2 * (int)sizeof(long long) + 1, \
    unsigned long long: 2 * (int)sizeof(unsigned long long), \
    default: 0)
#define DECLCHECK_FLOAT(x) _Generic((x), float: 1, double: 2, long double: 3, default: 0)
#define DECLCHECK_IS_ARRAY(x) (!__builtin_types_compatible_p(__typeof__(x), __typeof__(1 ? (x) : (x))))
#define DECLCHECK_IS_POINTER(x) (!DECLCHECK_IS_ARRAY(x) && __builtin_classify_type(x) == 5)
#define DECLCHECK_FITS(x, T) (((x) < 0) == (((T)(x)) < 0) && (long long)(T)(x) == (long long)(x))
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wsign-compare"
#pragma clang diagnostic ignored "-Wtautological-compare"
"""

POSTLUDE = "#pragma clang diagnostic pop\n"


def c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def strip_qualifiers(ctype: Any) -> Any:
    while ctype.is_cv_qualified:
        ctype = ctype.cv_base_type
    return ctype


class Assertions:
    """The C block for one module: one or more checks per declaration."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.declarations = 0
        self.structs: set[int] = set()  # id() of each extern struct/union type checked
        self._names = 0
        self._sources: dict[str, List[str]] = {}

    # -- where a declaration comes from --------------------------------------------------------
    def _source_lines(self, filename: str) -> List[str]:
        if filename not in self._sources:
            self._sources[filename] = Path(filename).read_text(encoding="utf-8").splitlines()
        return self._sources[filename]

    @staticmethod
    def in_project(entry: Any) -> bool:
        """Declared in a file of the project, not in Cython's own tree or generated code."""
        filename = getattr(entry.pos[0], "filename", None) if entry.pos else None
        return filename is not None and not Path(filename).resolve().is_relative_to(CYTHON_TREE)

    def skipped(self, pos: Any) -> bool:
        """True if the source line at POS (a Cython position) carries ``# declcheck: skip``."""
        line = pos[1]
        lines = self._source_lines(pos[0].filename)
        return 0 < line <= len(lines) and SKIP_MARK in lines[line - 1]

    # -- emitting ------------------------------------------------------------------------------
    def require(self, condition: str, message: str) -> None:
        self.lines.append(f"_Static_assert({condition}, {c_string(message)});")

    def value(self, expr: str, ctype: Any, what: str) -> None:
        """Assert that the lvalue EXPR (a member, or an array element) has the declared CTYPE."""
        ctype = strip_qualifiers(ctype)
        decl = ctype.empty_declaration_code()
        kind = ctype.resolve() if ctype.is_typedef else ctype
        said = f"{what} declared as '{decl}'"
        if kind.is_int or kind.is_enum:
            # Named, so that a failed assertion quotes a name rather than the _Generic expansion.
            self._names += 1
            header = f"declcheck{self._names}"
            self.lines.append(f"enum {{ {header} = DECLCHECK_INT({expr}) }};")
            self.require(f"{header} != 0", f"{said}: not an integer in the header")
            self.require(f"{header} == 0 || {header} / 2 == sizeof({decl})", f"{said}: size differs from the header")
            self.require(f"{header} == 0 || {header} % 2 == (({decl})-1 < 0)",
                         f"{said}: signedness differs from the header")
        elif kind.is_float:
            self.require(f"DECLCHECK_FLOAT({expr}) == DECLCHECK_FLOAT(({decl})0)",
                         f"{said}: not that floating type in the header")
        elif kind.is_struct_or_union:
            self.require(f"__builtin_types_compatible_p(__typeof__({expr}), {decl})",
                         f"{said}: the header's type is a different one")
        elif kind.is_array:
            self.require(f"DECLCHECK_IS_ARRAY({expr})", f"{said}: not an array in the header")
            if kind.size is not None:
                self.require(f"!DECLCHECK_IS_ARRAY({expr}) || sizeof({expr}) / sizeof(({expr})[0]) == {kind.size}",
                             f"{said}: array length differs from the header")
            self.value(f"({expr})[0]", kind.base_type, f"{what}[0]")
        elif kind.is_ptr:
            self.require(f"DECLCHECK_IS_POINTER({expr})", f"{said}: not a pointer in the header")
            target = strip_qualifiers(kind.base_type)
            if target.is_cfunction:
                self.require(f"__builtin_types_compatible_p(__typeof__({expr}), {decl})",
                             f"{said}: the header's function pointer type differs")
            elif not target.is_void and not target.is_pyobject:
                self.value(f"(*({expr}))", target, f"*{what}")
        else:
            self.exists(expr, what)

    def exists(self, expr: str, what: str) -> None:
        # _Generic with only a default accepts any expression: a bit-field, a struct, an array.
        self.require(f"_Generic(({expr}), default: 1)", f"{what}: missing from the header")

    def struct(self, ctype: Any) -> None:
        self.structs.add(id(ctype))
        name = ctype.empty_declaration_code()
        for member in ctype.scope.var_entries:
            self.declarations += 1
            expr = f"((({name} *)0)->{member.cname})"
            what = f"{position(member.pos)}: {ctype.name}.{member.name}"
            if self.skipped(member.pos):
                self.exists(expr, what)
            else:
                self.value(expr, member.type, what)

    def typedef(self, entry: Any) -> None:
        ctype = entry.type
        base = strip_qualifiers(ctype.typedef_base_type)
        if not (base.is_int or base.is_float):
            return
        self.declarations += 1
        said = f"{position(entry.pos)}: ctypedef {entry.name}"
        if self.skipped(entry.pos):
            self.require(f"sizeof({ctype.empty_declaration_code()}) != 0", f"{said}: missing from the header")
        else:
            self.value(f"(({ctype.empty_declaration_code()})0)", base, said)

    def function(self, entry: Any) -> None:
        self.declarations += 1
        cname = entry.cname
        what = f"{position(entry.pos)}: {entry.name}"
        # A function-like macro has no type or address; its being defined is all there is to check.
        guarded = _IDENTIFIER.match(cname) is not None
        if guarded:
            self.lines.append(f"#if !defined({cname})")
        if not self.skipped(entry.pos):
            self.require(f"__builtin_types_compatible_p(__typeof__({cname}), {entry.type.declaration_code('')})",
                         f"{what}: prototype differs from the header, declared as "
                         f"'{entry.type.declaration_code(entry.name)}'")
        # Keep the address: with a real link, a function no library exports is an undefined symbol.
        self._names += 1
        self.lines.append(f"static void (*const declcheck{self._names})(void) __attribute__((used)) = "
                          f"(void (*)(void))&{cname};")
        if guarded:
            self.lines.append("#endif")

    def constant(self, entry: Any) -> None:
        self.declarations += 1
        expr = f"({entry.cname})"
        ctype = strip_qualifiers(entry.type)
        kind = ctype.resolve() if ctype.is_typedef else ctype
        what = f"{position(entry.pos)}: {entry.name}"
        if self.skipped(entry.pos):
            self.exists(expr, what)
        elif kind.is_int or kind.is_enum:
            decl = ctype.empty_declaration_code()
            self.require(f"__builtin_choose_expr(__builtin_constant_p{expr}, DECLCHECK_FITS({expr}, {decl}), "
                         f"DECLCHECK_INT({expr}) == DECLCHECK_INT(({decl})0))",
                         f"{what} declared as '{decl}': the header's value does not fit it, "
                         "or its variable has another size or signedness")
        else:
            self.value(expr, ctype, what)

    def text(self) -> str:
        return "".join([PRELUDE, *(line + "\n" for line in self.lines), POSTLUDE,
                        f"/* declcheck: {self.declarations} declarations checked */\n"])


def position(pos: Any) -> str:
    """FILE:LINE of a Cython position, FILE relative to the working directory if inside it."""
    path = Path(pos[0].filename).resolve()
    cwd = Path.cwd()
    shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
    return f"{shown}:{pos[1]}"


def structs_to_python(module: Any, structs: set[int]) -> List[Tuple[Any, str]]:
    """(position, message) wherever the module's code turns one of STRUCTS into a Python object.

    STRUCTS holds the id() of the extern struct types; a message names the member looked up.
    """
    def walk(node: Any) -> Iterator[Any]:
        yield node
        for attr in node.child_attrs:
            child = getattr(node, attr, None)
            for item in child if isinstance(child, list) else [child]:
                if hasattr(item, "child_attrs"):
                    yield from walk(item)

    def converted(node: Any) -> Any:
        if type(node).__name__ != "CoerceToPyTypeNode":
            return None
        ctype = strip_qualifiers(node.arg.type)
        return ctype if id(ctype) in structs else None

    found = []
    explained = set()
    nodes = list(walk(module))
    for node in nodes:
        ctype = converted(getattr(node, "obj", None)) if type(node).__name__ == "AttributeNode" else None
        if ctype is not None:
            explained.add(id(node.obj))
            found.append((node.pos, f"struct {ctype.name} has no declared member '{node.attribute}', so "
                                    "Cython turns the struct into a Python dict and looks the name up at "
                                    "run time: declare the member, or correct the name"))
    for node in nodes:
        ctype = converted(node)
        if ctype is not None and id(node) not in explained:
            found.append((node.pos, f"struct {ctype.name} is turned into a Python dict here; "
                                    f"mark the line '# {SKIP_MARK}' if that is meant"))
    return found


def scopes_of(module_scope: Any) -> Iterator[Any]:
    """The module's scope and every scope it reaches: cimported modules and their packages."""
    seen = set()
    pending = [module_scope, *module_scope.context.modules.values()]
    while pending:
        scope = pending.pop()
        if id(scope) in seen:
            continue
        seen.add(id(scope))
        yield scope
        pending.extend(getattr(scope, "cimported_modules", ()))
        pending.extend(getattr(scope, "module_entries", {}).values())


def assertions_for(module_scope: Any) -> Assertions:
    checks = Assertions()
    seen = set()
    for scope in scopes_of(module_scope):
        for entry in list(scope.entries.values()):
            ctype = entry.type
            if not entry.in_cinclude or id(entry) in seen or ctype is None or not checks.in_project(entry):
                continue
            seen.add(id(entry))
            if entry.is_type:
                if ctype.is_struct_or_union and ctype.scope is not None and id(ctype) not in seen:
                    seen.add(id(ctype))
                    checks.struct(ctype)
                elif ctype.is_typedef and ctype.typedef_is_external:
                    checks.typedef(entry)
            elif ctype.is_cfunction:
                checks.function(entry)
            elif entry.cname:
                checks.constant(entry)
    return checks


def cythonize(pyx: Path, c_file: Path, include_path: List[str]) -> Any:
    """Run Cython on PYX, writing C_FILE; return the analysed module tree, or None on errors."""
    captured: List[Any] = []
    generate = ModuleNode.ModuleNode.process_implementation

    def capture(node: Any, options: Any, result: Any) -> Any:
        captured.append(node)
        return generate(node, options, result)

    ModuleNode.ModuleNode.process_implementation = capture
    try:
        options = Main.CompilationOptions(Main.default_options, include_path=include_path,
                                          output_file=str(c_file))
        result = Main.compile(str(pyx), options)
    finally:
        ModuleNode.ModuleNode.process_implementation = generate
    if result.num_errors or not captured:
        return None
    return captured[0]


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pyx", type=Path)
    parser.add_argument("-o", dest="output", type=Path, required=True, help="the C file to write")
    parser.add_argument("-I", dest="include_path", action="append", default=[],
                        help="a directory Cython searches for cimported .pxd files")
    args = parser.parse_args(argv)
    module = cythonize(args.pyx, args.output, args.include_path)
    if module is None:
        print(f"declcheck: Cython failed on {args.pyx}", file=sys.stderr)
        return 1
    checks = assertions_for(module.scope)
    refused = [(pos, message) for pos, message in structs_to_python(module, checks.structs)
               if not checks.skipped(pos)]
    for pos, message in refused:
        print(f"{position(pos)}: {message}", file=sys.stderr)
    if refused:
        return 1
    with args.output.open("a", encoding="utf-8") as out:
        out.write(checks.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
