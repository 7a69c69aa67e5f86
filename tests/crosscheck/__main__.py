"""python -m tests.crosscheck MODULE.pyx: check a Cython module against macOS, FreeBSD or Windows,
per architecture.

The OS is the module's (_darwin.pyx, _freebsd.pyx, _windows.pyx), or --os. Prints one line per
architecture (and the tools' output for a failure). Exit status: 0 if every architecture passed,
1 if any failed, 2 if the check could not run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from . import darwin, freebsd, windows
from .core import CrossCheckError, build_each, c_include_dirs, require_toolchain, translate
from .zigcc import MissingToolError

OPERATING_SYSTEMS: Dict[str, Sequence[str]] = {
    "darwin": darwin.DARWIN_ARCHS,
    "freebsd": freebsd.FREEBSD_ARCHS,
    "windows": windows.WINDOWS_ARCHS,
}


def _builder(os_name: str, args: argparse.Namespace) -> Tuple["partial[Path]", Callable[[str], str]]:
    """The OS's build(c_file, arch=, include_dirs=, workdir=), and its target of an arch."""
    if os_name == "darwin":
        return (partial(darwin.build, min_macos=args.min_macos),
                partial(darwin.target_triple, min_macos=args.min_macos))
    if os_name == "freebsd":
        return (partial(freebsd.build, min_freebsd=args.min_freebsd),
                partial(freebsd.target_triple, min_freebsd=args.min_freebsd))
    return partial(windows.build), windows.target_triple


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.crosscheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("pyx", type=Path, help="the module, e.g. socketstat/_darwin.pyx")
    parser.add_argument("--os", choices=sorted(OPERATING_SYSTEMS),
                        help="the OS to check for (default: the one the module's name says)")
    parser.add_argument("--arch", action="append",
                        help="check only this architecture (repeatable; default: all the OS's)")
    parser.add_argument("-I", dest="include_dirs", action="append", type=Path,
                        help="a C include directory (default: includes/ beside the module, if any)")
    parser.add_argument("--cython-include", action="append", type=Path,
                        help="where Cython looks for cimported .pxd files (default: above the package)")
    parser.add_argument("--min-macos", help="macOS: the oldest macOS to check for, e.g. 12.0")
    parser.add_argument("--min-freebsd", help=f"FreeBSD: the release to check for (default {freebsd.MIN_FREEBSD})")
    parser.add_argument("--keep", type=Path, help="write the C, objects and binaries here and keep them")
    args = parser.parse_args(argv)

    if not args.pyx.is_file():
        parser.error(f"{args.pyx} does not exist")
    os_name = args.os or args.pyx.stem.lstrip("_")
    if os_name not in OPERATING_SYSTEMS:
        parser.error(f"which OS is {args.pyx.name} for? name it with --os")
    known_archs = OPERATING_SYSTEMS[os_name]
    archs = args.arch or list(known_archs)
    unknown = [arch for arch in archs if arch not in known_archs]
    if unknown:
        parser.error(f"{os_name} architectures are {', '.join(known_archs)}, not {', '.join(unknown)}")
    try:
        require_toolchain()
    except MissingToolError as error:
        print(f"crosscheck: {error}", file=sys.stderr)
        return 2
    include_dirs = args.include_dirs
    if include_dirs is None:
        include_dirs = [d for d in [args.pyx.parent / "includes"] if d.is_dir()]

    with tempfile.TemporaryDirectory(prefix="socketstat-crosscheck-") as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            translation = translate(args.pyx, workdir=workdir, cython_include_path=args.cython_include)
        except CrossCheckError as error:
            print(f"FAIL cython {args.pyx}\n{error}")
            return 1
        directories = c_include_dirs(args.pyx, include_dirs)
        build, target_of = _builder(os_name, args)
        results = build_each(archs, lambda arch: build(translation.c_file, arch=arch, include_dirs=directories,
                                                       workdir=workdir))

    for arch, result in results.items():
        target = target_of(arch)
        if isinstance(result, CrossCheckError):
            print(f"FAIL {target:<21} {args.pyx} ({result.failures[0].stage})\n{result}\n")
        else:
            print(f"PASS {target:<21} {args.pyx} ({translation.declarations} declarations asserted)")
    return 1 if any(isinstance(result, CrossCheckError) for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
