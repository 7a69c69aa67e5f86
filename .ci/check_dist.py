"""Checks what a built sdist and wheel contain, against the repository they were built from.

    python .ci/check_dist.py [--platform-tag TAG] DIST_FILE...     (.ci/wheel runs it)

The wheel must hold exactly: every pure-Python module of socketstat/, the compiled backend of its
platform (one file), the stubs of stubs/socketstat/ with py.typed, and the dist-info files with
both licences. Anything else fails, named: a .pyx, .pxi, .pxd, .c or .h, the field tables of
codegen/, a vendored library auditwheel grafted in. The sdist must hold every file a build reads
(the git-tracked socketstat/ and stubs/, setup.py, pyproject.toml, MANIFEST.in, README, licences)
and none of the build products (the Cython C, the rendered .pxi, compiled modules, copied stubs).
The expected sets come from the repository (git ls-files), so a module added to the package is
expected in both without editing this file.
"""

from __future__ import annotations

import argparse
import fnmatch
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent

# What the sdist adds of its own (setuptools' metadata) beside the repository's files.
SDIST_GENERATED = ["PKG-INFO", "setup.cfg", "socketstat.egg-info/*"]
SDIST_TOP = ["setup.py", "pyproject.toml", "MANIFEST.in", "README.md",
             "LICENSE-MIT.txt", "LICENSE-APACHE.txt"]
DIST_INFO = ["METADATA", "WHEEL", "RECORD", "entry_points.txt", "top_level.txt",
             "licenses/LICENSE-MIT.txt", "licenses/LICENSE-APACHE.txt"]
# Named in the failure when present: none of these may reach a wheel.
NEVER_IN_WHEEL = ["*.pyx", "*.pxi", "*.pxd", "*.c", "*.h", "*.in", "*/codegen/*",
                  "*/includes/*", "build/*", "*.egg-info/*", "*.libs/*"]


def tracked(*paths: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "--", *paths], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return out.split()


def report(name: str, unexpected: set[str], missing: set[str]) -> list[str]:
    problems = [f"{name}: unexpected {path}" for path in sorted(unexpected)]
    problems += [f"{name}: missing {path}" for path in sorted(missing)]
    return problems


def check_wheel(path: Path, platform_tag: str | None) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        names = {name for name in archive.namelist() if not name.endswith("/")}
    # socketstat-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl
    distribution, version, python_tag, abi_tag, tags = path.stem.split("-")
    problems = []
    if platform_tag is not None and platform_tag not in tags.split("."):
        problems.append(f"{path.name}: platform tag {tags}, expected {platform_tag}")
    # The backend of the wheel's platform (its tag's start: win_amd64, macosx_11_0_arm64,
    # manylinux_2_28_x86_64, musllinux_1_2_aarch64, freebsd_14_3_release_amd64).
    backend = next(name for prefix, name in (("win", "_windows"), ("macosx", "_darwin"),
                                             ("freebsd", "_freebsd"), ("", "_linux"))
                   if tags.startswith(prefix))
    extension = "pyd" if tags.startswith("win") else "so"
    compiled = [name for name in names if fnmatch.fnmatch(name, f"socketstat/{backend}.*.{extension}")]
    if len(compiled) != 1:
        problems.append(f"{path.name}: {len(compiled)} compiled {backend} modules: {compiled}")

    expected = set(compiled)
    expected |= {path for path in tracked("socketstat/*.py") if "/" not in path[len("socketstat/"):]}
    expected |= {f"socketstat/{PurePosixPath(stub).name}" for stub in tracked("stubs/socketstat")}
    dist_info = f"{distribution}-{version}.dist-info"
    expected |= {f"{dist_info}/{name}" for name in DIST_INFO}

    for name in sorted(names):
        for pattern in NEVER_IN_WHEEL:
            if fnmatch.fnmatch(name, pattern):
                problems.append(f"{path.name}: a build file or vendored library: {name}")
                break
    return problems + report(path.name, names - expected, expected - names)


def check_sdist(path: Path) -> list[str]:
    with tarfile.open(path) as archive:
        top = archive.getnames()[0].split("/")[0]
        names = {member.name[len(top) + 1:] for member in archive.getmembers() if member.isfile()}
    expected = set(tracked("socketstat", "stubs")) | set(SDIST_TOP)
    generated = {name for name in names
                 if any(fnmatch.fnmatch(name, pattern) for pattern in SDIST_GENERATED)}
    return report(path.name, names - expected - generated, expected - names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform-tag", help="the wheel's platform tag must include this one")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    problems = []
    for path in args.files:
        if path.name.endswith(".whl"):
            problems += check_wheel(path, args.platform_tag)
        elif path.name.endswith(".tar.gz"):
            problems += check_sdist(path)
        else:
            problems.append(f"{path}: neither a wheel nor an sdist")
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not problems:
        for path in args.files:
            print(f"check_dist: {path.name}: as expected")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
