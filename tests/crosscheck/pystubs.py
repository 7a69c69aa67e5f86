"""A link stub of the CPython C API, so that a macOS extension is linked for real.

setuptools links macOS extensions with ``-undefined dynamic_lookup``, which would
also accept a libSystem function that does not exist. The check links instead
against libSystem.tbd and this stub, so every symbol must come from one of them.

The stub lists the C-API names that the module or CPython's headers mention and
that the running interpreter exports (looked up with dlsym through ctypes). The
exported C API is the same on every platform for one CPython version, so the
host interpreter stands in for the macOS one; names the headers mention only for
other platforms are not exported here and drop out.
"""

from __future__ import annotations

import ctypes
import re
import sysconfig
from pathlib import Path

_C_API_NAME = re.compile(rb"\b_?Py[A-Za-z0-9_]*")


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
