"""Order statistics for batches of timings: medians and quartiles, never means."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile with linear interpolation between order statistics (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict[str, Any]:
    """median, p25, p75, MAD (median absolute deviation), min, max and the sample count."""
    median = statistics.median(values)
    return {
        "median": median,
        "p25": quantile(values, 0.25),
        "p75": quantile(values, 0.75),
        "mad": statistics.median(abs(value - median) for value in values),
        "min": min(values),
        "max": max(values),
        "samples": len(values),
    }


def drift(values_in_time_order: Sequence[float]) -> float | None:
    """Median of the last third over the median of the first third, minus 1 (None if too few).

    A floor that moved during the run shows here: the machine, not the code, changed.
    """
    third = len(values_in_time_order) // 3
    if third < 2:
        return None
    first = statistics.median(values_in_time_order[:third])
    last = statistics.median(values_in_time_order[-third:])
    return last / first - 1.0
