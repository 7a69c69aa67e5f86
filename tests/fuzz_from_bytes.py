"""Fuzzes TcpInfo.from_bytes, the one decoder of bytes from outside the kernel: random lengths
(0 to 600, and every size struct tcp_info has had, plus or minus one), random bytes, and every
kind of buffer a caller may pass.

    python tests/fuzz_from_bytes.py [--inputs 1000000] [--seed N]

As a script it has tests/, not the source tree, on sys.path, so it tests the installed package
(pip install .); .ci/sanitize runs 10^5 inputs of it under the ASan build. Every input is checked
against tests/uapi_tcp_info.py's independent decode (the oracle tests/test_fuzz.py drives with
hypothesis); the first departure prints a reproducer and exits 1. The seed is printed first:
--seed with it replays the same inputs, to reproduce a crash.
"""

from __future__ import annotations

import argparse
import array
import faulthandler
import json
import os
import random
import re
import sys
import time
from typing import Any, Callable

from socketstat import TcpInfo
from uapi_tcp_info import SIZE, SIZES_BY_RELEASE, decode

KERNEL = tuple(int(part) for part in re.findall(r"\d+", os.uname().release)[:2])
MEMBERS = [name for name in TcpInfo._fields if name.startswith("tcpi_")]
OLDEST = SIZES_BY_RELEASE["5.4"]  # the shortest struct from_bytes takes (232 bytes)
MAX_LENGTH = 600
# Every size struct tcp_info has had, its neighbours, and the ends of the range.
BOUNDARIES = sorted({0, 1, MAX_LENGTH} | {size + step for size in SIZES_BY_RELEASE.values()
                                         for step in (-1, 0, 1)})

# What from_bytes must do with each kind of buffer.
PLAIN = "plain"      # 1-D, C-contiguous, unsigned bytes: ValueError below OLDEST, decoded above
REFUSED = "refused"  # a clean exception, never a record (a record would be of bytes not in order)
EITHER = "either"    # other item formats and shapes: a clean exception, or a record of the bytes


def _strided(raw: bytes) -> memoryview:
    # Every other byte of a buffer twice as long: holds raw in order, but not contiguously.
    spread = bytearray(2 * len(raw))
    spread[::2] = raw
    return memoryview(spread)[::2]


def _offset(raw: bytes) -> memoryview:
    # A contiguous window into a larger buffer, with other bytes on both sides.
    return memoryview(b"\xa5" * 3 + raw + b"\x5a" * 5)[3:3 + len(raw)]


def _two_dimensional(raw: bytes) -> memoryview:
    if len(raw) < 2:
        return memoryview(raw)  # no empty dimension in a shape
    even = raw[:len(raw) // 2 * 2]
    return memoryview(even).cast("B", (2, len(even) // 2))


def _array(typecode: str) -> Callable[[bytes], array.array[int]]:
    def make(raw: bytes) -> array.array[int]:
        items = array.array(typecode)
        items.frombytes(raw[:len(raw) // items.itemsize * items.itemsize])
        return items
    return make


# name: (how to make the object from random bytes, what from_bytes must do with it)
KINDS: dict[str, tuple[Callable[[bytes], Any], str]] = {
    "bytes": (bytes, PLAIN),
    "bytearray": (bytearray, PLAIN),
    "memoryview": (memoryview, PLAIN),
    "read-only memoryview of a bytearray": (lambda raw: memoryview(bytearray(raw)).toreadonly(),
                                            PLAIN),
    "memoryview window": (_offset, PLAIN),
    "array('B')": (_array("B"), PLAIN),
    "non-contiguous memoryview": (_strided, REFUSED),
    "array('b')": (_array("b"), EITHER),
    "array('H')": (_array("H"), EITHER),
    "array('I')": (_array("I"), EITHER),
    "array('Q')": (_array("Q"), EITHER),
    "memoryview cast to 'I'": (lambda raw: memoryview(raw[:len(raw) // 4 * 4]).cast("I"), EITHER),
    "2-D memoryview": (_two_dimensional, EITHER),
}


def check(kind: str, raw: bytes) -> bool:
    """One input through from_bytes; raises AssertionError on any departure from the contract.
    True when it gave a record, False when it refused the input."""
    make, policy = KINDS[kind]
    source = make(raw)
    with memoryview(source) as view:
        held = view.tobytes()  # the bytes in logical order, as a decoder must read them
    references = sys.getrefcount(source)
    record: TcpInfo | None = None
    try:
        record = TcpInfo.from_bytes(source)
    except (ValueError, TypeError, BufferError) as error:
        if policy == PLAIN:
            assert type(error) is ValueError and len(held) < OLDEST, (
                f"{kind} of {len(held)} bytes: {error!r}")
    kept = sys.getrefcount(source) - references
    _left_as_it_was(source, held, kept)
    if record is None:
        return False
    assert policy != REFUSED, f"{kind} of {len(held)} bytes gave a record"
    assert len(held) >= OLDEST, f"{kind} of {len(held)} bytes gave a record"
    expected = decode(held, KERNEL)
    wrong = {name: (getattr(record, name), expected[name]) for name in MEMBERS
             if getattr(record, name) != expected[name]}
    assert not wrong, f"{kind} of {len(held)} bytes, (from_bytes, uapi) differ: {wrong}"
    assert record.length == min(len(held), SIZE), (kind, len(held), record.length)
    as_dict = record.to_dict()
    assert json.loads(json.dumps(as_dict, allow_nan=False)) == as_dict
    # to_json() writes every member from C (the times' floats too): byte for byte json's text.
    assert record.to_json() == json.dumps(as_dict, separators=(",", ":")), (kind, len(held))
    return True


def _left_as_it_was(source: Any, held: bytes, references_kept: int) -> None:
    # from_bytes changes no byte of its argument, and keeps neither a reference to it nor the
    # buffer it exported.
    assert references_kept == 0, f"from_bytes kept {references_kept} references to its argument"
    with memoryview(source) as view:
        assert view.tobytes() == held, "from_bytes changed the bytes it was given"
    if isinstance(source, memoryview):
        source.release()  # BufferError while an export is held
    elif isinstance(source, (bytearray, array.array)):
        source.append(0)  # resizing: BufferError while an export is held
        source.pop()


PLAIN_KINDS = [kind for kind, (_, policy) in KINDS.items() if policy == PLAIN]
OTHER_KINDS = [kind for kind, (_, policy) in KINDS.items() if policy != PLAIN]


def random_input(rng: random.Random) -> tuple[str, bytes]:
    # Mostly the buffers from_bytes decodes; a quarter of the others, which it must refuse.
    kind = rng.choice(PLAIN_KINDS if rng.random() < 0.75 else OTHER_KINDS)
    length = rng.choice(BOUNDARIES) if rng.random() < 0.25 else rng.randint(0, MAX_LENGTH)
    fill = rng.random()
    if fill < 0.8:
        raw = rng.randbytes(length)
    elif fill < 0.9:
        raw = bytes([rng.choice((0x00, 0xFF))]) * length   # every member at its limit
    else:
        raw = bytes(rng.choices((0, 0, 0, 0xFF, rng.randrange(256)), k=length))  # sparse
    return kind, raw


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--inputs", type=int, default=1_000_000, help="inputs to try (1000000)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (a new one by default)")
    options = parser.parse_args(arguments)
    seed = options.seed if options.seed is not None else int.from_bytes(os.urandom(8), "little")
    print(f"fuzz_from_bytes: {options.inputs} inputs, seed {seed}, the {'.'.join(map(str, KERNEL))} "
          f"kernel's layout, {sys.modules[TcpInfo.__module__].__file__}", flush=True)
    rng = random.Random(seed)
    decoded = 0
    started = time.perf_counter()
    for number in range(options.inputs):
        kind, raw = random_input(rng)
        try:
            decoded += check(kind, raw)
        except AssertionError as error:
            print(f"fuzz_from_bytes: input {number} (seed {seed}) failed: {error}\n"
                  f"  kind {kind!r}, {len(raw)} bytes: {raw.hex()}", file=sys.stderr)
            return 1
    elapsed = time.perf_counter() - started
    print(f"fuzz_from_bytes: {options.inputs} inputs passed ({decoded} decoded, "
          f"{options.inputs - decoded} refused) in {elapsed:.1f} s "
          f"({elapsed / max(options.inputs, 1) * 1e6:.1f} us each)")
    return 0


if __name__ == "__main__":
    faulthandler.enable()
    sys.exit(main())
