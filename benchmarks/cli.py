"""Command-line pieces shared by the benchmark entry points (run.py and listing.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

_WHERE = "Run from the repository root; measures the INSTALLED socketstat."


def argument_parser(prog: str, description: str,
                    epilog: str | None = None) -> argparse.ArgumentParser:
    """A parser for a benchmark that measures the installed socketstat; --help shows defaults."""
    return argparse.ArgumentParser(
        prog=prog, description=f"{description} {_WHERE}", epilog=epilog,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """--json PATH and --markdown: where every figure goes and how the tables are printed."""
    parser.add_argument("--json", metavar="PATH", type=Path, help="write every figure as JSON")
    parser.add_argument("--markdown", action="store_true",
                        help="print README-ready markdown tables instead of plain text")


def print_result(arguments: argparse.Namespace, result: dict[str, Any],
                 text: Callable[[dict[str, Any]], str],
                 markdown: Callable[[dict[str, Any]], str]) -> None:
    """Print the result as text, or as markdown with --markdown; write it to --json PATH if given."""
    print(markdown(result) if arguments.markdown else text(result))
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nJSON written to {arguments.json}", file=sys.stderr)
