"""Summaries of measured durations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy


@dataclass(frozen=True)
class Latency:
    """The median and 95th percentile of some durations, in milliseconds, and how many there were."""

    p50_ms: float
    p95_ms: float
    count: int


def latency(seconds: Sequence[float]) -> Latency:
    """p50 and p95 (linear interpolation) of durations given in seconds; ValueError when there are none."""
    if not seconds:
        raise ValueError("no durations to summarise")
    p50, p95 = numpy.percentile(numpy.asarray(seconds) * 1000.0, [50, 95])
    return Latency(float(p50), float(p95), len(seconds))
