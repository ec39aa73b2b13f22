"""Waiting for what a fault test expects (the stand-ins themselves are `tools.bench.stand_ins`)."""

from __future__ import annotations

import time
from typing import Optional


def wait_for(predicate, timeout: float, step: float = 0.1) -> Optional[object]:  # type: ignore[no-untyped-def]
    """The first truthy value of `predicate()` within `timeout` seconds (None if none)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None
