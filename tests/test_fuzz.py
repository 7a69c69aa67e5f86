"""TcpInfo.from_bytes, the one decoder of bytes from outside the kernel, fuzzed with hypothesis:
any length from 0 to 600, any bytes, every kind of buffer; never a crash, ValueError exactly when
shorter than Linux 5.4's struct, every member as tests/uapi_tcp_info.py decodes it, the length
capped at the newest layout, to_dict() JSON-ready, and the caller's buffer left as it was.

A bounded run for CI (a few seconds); tests/fuzz_from_bytes.py is the long one (10^6 inputs) and
holds the oracle both use.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the Linux backend's TcpInfo.from_bytes", allow_module_level=True)

from hypothesis import HealthCheck, given, settings, strategies as st

from fuzz_from_bytes import BOUNDARIES, KINDS, MAX_LENGTH, OLDEST, PLAIN, REFUSED, check
from socketstat import TcpInfo

# No example database: CI's clone starts empty anyway, and the tests write nothing into the tree.
# No deadline: under .ci/sanitize every call is several times slower.
FUZZ = settings(max_examples=400, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

lengths = st.one_of(st.integers(0, MAX_LENGTH), st.sampled_from(BOUNDARIES))
raw_bytes = lengths.flatmap(lambda length: st.binary(min_size=length, max_size=length))


@FUZZ
@given(kind=st.sampled_from(sorted(KINDS)), raw=raw_bytes)
def test_any_input_decodes_as_the_uapi_layout_or_is_refused(kind: str, raw: bytes) -> None:
    check(kind, raw)


@FUZZ
@given(raw=raw_bytes)
def test_plain_bytes_are_refused_exactly_when_shorter_than_linux_5_4(raw: bytes) -> None:
    assert check("bytes", raw) == (len(raw) >= OLDEST)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_buffer_at_every_size_the_struct_has_had(kind: str) -> None:
    # The sizes hypothesis may not pick together with each kind: deterministic, both fills.
    _, policy = KINDS[kind]
    for length in BOUNDARIES:
        for raw in (bytes(range(256)) * 3)[:length], b"\xff" * length:
            decoded = check(kind, raw)
            if policy == PLAIN:
                assert decoded == (length >= OLDEST), (kind, length)
            elif policy == REFUSED:
                assert not decoded, (kind, length)


@pytest.mark.parametrize("not_a_buffer", ["x" * 300, 300, [0] * 300, None, object()],
                         ids=["str", "int", "list", "None", "object"])
def test_what_is_not_a_buffer_is_a_type_error(not_a_buffer: Any) -> None:
    with pytest.raises(TypeError):
        TcpInfo.from_bytes(not_a_buffer)
