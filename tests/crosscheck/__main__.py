"""python -m tests.crosscheck MODULE.pyx: check a Cython module against macOS, per architecture.

Prints one line per architecture (and the tools' output for a failure). Exit status: 0 if
every architecture passed, 1 if any failed, 2 if the check could not run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

from .darwin import (
    DARWIN_ARCHS,
    CrossCheckError,
    build_each,
    c_include_dirs,
    require_toolchain,
    target_triple,
    translate,
)
from .zigcc import MissingToolError


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.crosscheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("pyx", type=Path, help="the module, e.g. socketstat/_darwin.pyx")
    parser.add_argument("--arch", action="append", choices=DARWIN_ARCHS,
                        help="check only this architecture (repeatable; default: all)")
    parser.add_argument("-I", dest="include_dirs", action="append", type=Path,
                        help="a C include directory (default: includes/ beside the module, if any)")
    parser.add_argument("--cython-include", action="append", type=Path,
                        help="where Cython looks for cimported .pxd files (default: above the package)")
    parser.add_argument("--min-macos", help="the oldest macOS to check for, e.g. 12.0")
    parser.add_argument("--keep", type=Path, help="write the C, objects and dylibs here and keep them")
    args = parser.parse_args(argv)

    if not args.pyx.is_file():
        parser.error(f"{args.pyx} does not exist")
    try:
        require_toolchain()
    except MissingToolError as error:
        print(f"crosscheck: {error}", file=sys.stderr)
        return 2
    include_dirs = args.include_dirs
    if include_dirs is None:
        include_dirs = [d for d in [args.pyx.parent / "includes"] if d.is_dir()]
    archs = args.arch or list(DARWIN_ARCHS)

    with tempfile.TemporaryDirectory(prefix="socketstat-crosscheck-") as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            translation = translate(args.pyx, workdir=workdir, cython_include_path=args.cython_include)
        except CrossCheckError as error:
            print(f"FAIL cython {args.pyx}\n{error}")
            return 1
        results = build_each(translation.c_file, archs=archs, include_dirs=c_include_dirs(args.pyx, include_dirs),
                             workdir=workdir, min_macos=args.min_macos)

    for arch, result in results.items():
        target = target_triple(arch, args.min_macos)
        if isinstance(result, CrossCheckError):
            print(f"FAIL {target:<19} {args.pyx} ({result.failures[0].stage})\n{result}\n")
        else:
            print(f"PASS {target:<19} {args.pyx} ({translation.declarations} declarations asserted)")
    return 1 if any(isinstance(result, CrossCheckError) for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
