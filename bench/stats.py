"""Percentiles within a run, medians and spreads across runs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: p99 of 200 samples is the 198th, a value that was really seen."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    clean = [value for value in values if not math.isnan(value)]
    return statistics.median(clean) if clean else math.nan


def spread(values: Sequence[float]) -> tuple[float, float]:
    clean = [value for value in values if not math.isnan(value)]
    return (min(clean), max(clean)) if clean else (math.nan, math.nan)
