"""zig's C compiler, from the ``ziglang`` package of the running interpreter.

The ziglang wheel carries clang plus the macOS SDK's libc/BSD headers
(``lib/libc/include/any-darwin-any``) and a text stub of libSystem
(``lib/libc/darwin/libSystem.tbd``), which is everything a macOS check needs.
Nothing is installed here: without ziglang, ZigNotFoundError says what to run.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Sequence

# The SDK headers move with the zig release: pin it (crosscheck.md, section 7).
ZIGLANG_REQUIREMENT = "ziglang==0.17.1"


class MissingToolError(RuntimeError):
    """Something the cross-check runs is not installed; the message says what to install."""


class ZigNotFoundError(MissingToolError):
    """The running interpreter cannot import ziglang."""


@lru_cache(maxsize=None)
def ziglang_dir() -> Path:
    """The installed ziglang package directory (holding the zig binary and lib/)."""
    spec = importlib.util.find_spec("ziglang")
    if spec is None or spec.origin is None:
        raise ZigNotFoundError(
            f"{sys.executable} cannot import ziglang, which the macOS cross-check needs: "
            f"run {sys.executable} -m pip install {ZIGLANG_REQUIREMENT}"
        )
    return Path(spec.origin).parent


def darwin_libsystem() -> Path:
    """libSystem.tbd of the SDK in ziglang: what a macOS binary may import from the OS."""
    path = ziglang_dir() / "lib" / "libc" / "darwin" / "libSystem.tbd"
    if not path.is_file():
        raise ZigNotFoundError(f"{path} is missing: is ziglang complete? ({ZIGLANG_REQUIREMENT})")
    return path


def cache_dir() -> Path:
    """zig's cache: $ZIG_GLOBAL_CACHE_DIR if set, else a per-user folder in the temp dir.

    Never the repository (nor shared/, which is read-only in CI). zig locks its cache,
    so concurrent runs may share it.
    """
    configured = os.environ.get("ZIG_GLOBAL_CACHE_DIR")
    if configured:
        return Path(configured)
    user = os.getuid() if hasattr(os, "getuid") else os.getpid()
    return Path(tempfile.gettempdir()) / f"socketstat-crosscheck-{user}" / "zig-cache"


def zig(tool: str, args: Sequence[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ziglang TOOL ARGS`` (cc, dlltool) in CWD; stdout and stderr together in
    ``.stdout``."""
    ziglang_dir()  # fail early, and clearly, without ziglang
    cache = str(cache_dir())
    env = dict(os.environ, ZIG_GLOBAL_CACHE_DIR=cache)
    env.setdefault("ZIG_LOCAL_CACHE_DIR", cache)  # else zig makes .zig-cache/ in cwd
    return subprocess.run(
        [sys.executable, "-m", "ziglang", tool, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
