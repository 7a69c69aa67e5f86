"""socketstat as installed, never the source tree the benchmarks run from, and what they call on it.

Shared by run.py and the child processes it starts under strace (syscall_check.py) and valgrind
(callgrind.py). The entry points are typed with socketstat's own stubs (mypy run from the
repository root reads them from stubs/, pyproject.toml's mypy_path).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from socketstat import Sampler, SocketStat, TcpInfo

ROOT = Path(__file__).resolve().parent.parent

# The compiled module: the Cython that generated it is read from its binary, and an entry point
# the package does not re-export may still be there.
BACKEND = "socketstat._darwin" if sys.platform == "darwin" else "socketstat._linux"


SocketstatFunction: TypeAlias = "Callable[..., SocketStat]"


@dataclass(frozen=True)
class InstalledSocketstat:
    package: ModuleType
    backend: ModuleType
    socketstat: SocketstatFunction
    tcp_info: Callable[[int], TcpInfo] | None   # None: this build does not have it
    sampler_class: type[Sampler] | None         # None: this build does not have it
    sources: dict[str, str | None]     # the module each entry point came from, for the JSON


def import_installed_socketstat() -> InstalledSocketstat:
    """socketstat as installed, never the source tree this runs from.

    ``python -m benchmarks`` puts the repository root first on sys.path, where the unbuilt
    socketstat/ would shadow the installed package; the root is taken off sys.path first.
    """
    sys.path[:] = [entry for entry in sys.path
                   if Path(entry or os.getcwd()).resolve() != ROOT]
    try:
        package = importlib.import_module("socketstat")
    except ImportError as error:
        raise SystemExit(f"socketstat is not importable from {sys.executable}: {error}\n"
                         "install it first: python -m pip install .") from None
    location = Path(package.__file__ or "").resolve()
    if location.parent == ROOT / "socketstat":      # (a venv inside the repository is fine)
        raise SystemExit(f"socketstat was imported from the source tree ({location}), "
                         "not from an installed package")
    backend = importlib.import_module(BACKEND)
    sources: dict[str, str | None] = {"socketstat": package.__name__}
    optional: dict[str, Any] = {}
    for name in ("tcp_info", "Sampler"):
        module = next((module for module in (package, backend) if hasattr(module, name)), None)
        optional[name] = getattr(module, name) if module else None
        sources[name] = module.__name__ if module else None
    return InstalledSocketstat(package, backend, package.socketstat, optional["tcp_info"],
                               optional["Sampler"], sources)
