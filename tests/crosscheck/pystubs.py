"""Link stubs of the CPython C API, so that an extension is linked for real for each target.

setuptools links macOS extensions with ``-undefined dynamic_lookup`` and an ELF shared object
may leave any symbol undefined, which would also accept an OS function that does not exist. The
check links instead against the OS's libraries and one of these stubs (a Mach-O text stub, a
C source to build for an ELF target, a Windows module-definition file for an import library),
so every symbol must come from one of them.

The stub lists the C-API names that the module or CPython's headers mention and
that the running interpreter exports (looked up with dlsym through ctypes). The
exported C API is the same on every platform for one CPython version, so the
host interpreter stands in for the macOS one; names the headers mention only for
other platforms are not exported here and drop out, except Windows' own C API, which
windows_only_symbols() reads from the headers.
"""

from __future__ import annotations

import ctypes
import re
import sysconfig
from pathlib import Path
from typing import List

_C_API_NAME = re.compile(rb"\b_?Py[A-Za-z0-9_]*")
_DECLARED = re.compile(r"PyAPI_(?:FUNC|DATA)\(.*?\)\s*(\w+)")
_CONDITION = re.compile(r"^\s*#\s*(if|ifdef|ifndef|else|elif|endif)\b(.*)$")


def c_api_symbols(c_source: Path) -> list[str]:
    """The C-API names used by C_SOURCE or CPython's headers that this interpreter exports."""
    names = set(_C_API_NAME.findall(c_source.read_bytes()))
    for header in Path(sysconfig.get_paths()["include"]).rglob("*.h"):
        names.update(_C_API_NAME.findall(header.read_bytes()))
    interpreter = ctypes.CDLL(None)  # this process: libpython, or a static python executable
    exported = []
    for name in sorted(n.decode() for n in names):
        try:
            interpreter[name]  # dlsym; unlike getattr, not cached on the object
        except AttributeError:
            continue
        exported.append(name)
    if "Py_IsInitialized" not in exported:
        raise RuntimeError("this Python interpreter does not export its C API; cannot write the link stub")
    return exported


def write_tbd(path: Path, symbols: list[str]) -> None:
    """Write a TAPI v4 text stub that exports SYMBOLS for both macOS architectures."""
    targets = "[ x86_64-macos, arm64-macos ]"
    listed = ", ".join("_" + name for name in symbols)  # Mach-O C symbols carry a leading underscore
    path.write_text(
        "--- !tapi-tbd\n"
        "tbd-version:     4\n"
        f"targets:         {targets}\n"
        "install-name:    '@rpath/libpython-crosscheck-stub.dylib'\n"
        "exports:\n"
        f"  - targets:         {targets}\n"
        f"    symbols:         [ {listed} ]\n"
        "...\n",
        encoding="ascii",
    )


def c_source(symbols: List[str]) -> str:
    """C defining each of SYMBOLS, to build into a stub library for an ELF target (a data
    symbol defined as a function links the same: only its name is resolved)."""
    return "".join(f"void {name}(void) {{}}\n" for name in symbols)


def windows_only_symbols() -> List[str]:
    """The C API CPython declares only for Windows (under ``#ifdef MS_WINDOWS`` in its headers:
    PyErr_SetFromWindowsErr and the like), which the host interpreter does not export."""
    names = set()
    for header in Path(sysconfig.get_paths()["include"]).rglob("*.h"):
        stack: List[bool] = []  # for each open #if: is it MS_WINDOWS-only?
        for line in header.read_text(encoding="utf-8", errors="replace").splitlines():
            condition = _CONDITION.match(line)
            if condition:
                directive, rest = condition.groups()
                if directive in ("if", "ifdef", "ifndef"):
                    stack.append(directive != "ifndef" and re.fullmatch(
                        r"\s*(defined\s*\(?\s*)?MS_WINDOWS\s*\)?\s*(/[*/].*)?", rest) is not None)
                elif directive in ("else", "elif") and stack:
                    stack[-1] = False
                elif directive == "endif" and stack:
                    stack.pop()
            elif any(stack):
                names.update(_DECLARED.findall(line))
    return sorted(names)


def write_def(path: Path, symbols: List[str], dll: str) -> None:
    """Write a module-definition file: DLL exports SYMBOLS (``zig dlltool`` makes it an import
    library). No DATA marks: CPython's headers import data through __declspec(dllimport), which
    references __imp_<name>, made for every export."""
    path.write_text(f"LIBRARY {dll}\nEXPORTS\n" + "".join(f"    {name}\n" for name in symbols),
                    encoding="ascii")
