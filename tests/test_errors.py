"""Linux-only kinds of bad fd (the portable error table is in test_contract.py, leaks are
measured in test_leaks.py)."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any, Callable

import pytest

# Before the imports below, which name what only this platform builds.
if sys.platform != "linux":
    pytest.skip("the Linux backend's own entry points (tcp_info, Sampler)", allow_module_level=True)

from socketstat import Sampler, socketstat, tcp_info

CALLS: list[Callable[[Any], object]] = [socketstat, tcp_info, Sampler]


@pytest.mark.parametrize("call", CALLS)
def test_an_eventfd_is_not_a_socket(call: Callable[[Any], object]) -> None:
    # The portable error table is in test_contract.py; this is a Linux-only kind of fd.
    fd = os.eventfd(0)
    try:
        with pytest.raises(OSError) as caught:
            call(fd)
        assert caught.value.errno == errno.ENOTSOCK
    finally:
        os.close(fd)
