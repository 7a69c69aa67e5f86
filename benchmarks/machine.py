"""What the figures were measured on: enough to tell two runs apart, nothing private."""

from __future__ import annotations

import gc
import importlib
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks import floor


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def cpu_model() -> str:
    text = _read("/proc/cpuinfo") or ""
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


def cython_version(module: ModuleType) -> str | None:
    """The Cython that generated the compiled module: its shared ABI module is named after it
    (``_cython_3_3_1``), so the version is in the binary even when Cython is not installed."""
    path = getattr(module, "__file__", None)
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    match = re.search(rb"_cython_(\d+)_(\d+)_(\w+?)[.\x00]", data)
    return ".".join(part.decode() for part in match.groups()) if match else None


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                                timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def vulnerabilities() -> dict[str, str]:
    """Spectre/Meltdown mitigations: they set the price of every syscall."""
    folder = Path("/sys/devices/system/cpu/vulnerabilities")
    found: dict[str, str] = {}
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            value = _read(str(entry))
            if value is not None:
                found[entry.name] = value
    return found


def describe(extension: ModuleType, package: ModuleType, psutil: ModuleType | None,
             compiler: str, root: Path) -> dict[str, Any]:
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    try:
        cython_installed: str | None = importlib.import_module("Cython").__version__
    except ImportError:
        cython_installed = None
    commit = _git(root, "rev-parse", "HEAD")
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": affinity,
        "kernel": platform.release(),
        "kernel_version": platform.version(),
        "machine": platform.machine(),
        "clocksource": _read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
        "cpufreq_governor": _read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
        "load_average_at_start": list(os.getloadavg()),
        "vulnerabilities": vulnerabilities(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "python_build": " ".join(platform.python_build()),
        "python_executable": sys.executable,
        "gil_switch_interval_s": sys.getswitchinterval(),
        "gc_enabled": gc.isenabled(),
        "cython_generated_by": cython_version(extension),
        "cython_installed": cython_installed,
        "socketstat_version": getattr(package, "__version__", None),
        "socketstat_module": getattr(extension, "__file__", None),
        "psutil_version": getattr(psutil, "__version__", None) if psutil else None,
        "cc": compiler,
        "git_commit": commit,
        "git_dirty": bool(status) if status is not None else None,
    }


def describe_with_floor(extension: ModuleType, package: ModuleType, psutil: ModuleType | None,
                        compiler: str, root: Path, floor_command: list[str]) -> dict[str, Any]:
    """describe(), plus the compiler's version and the command that built the C floor."""
    info = describe(extension, package, psutil, compiler, root)
    info["cc_version"] = floor.compiler_version(compiler)
    info["floor_build"] = " ".join(floor_command)
    return info
