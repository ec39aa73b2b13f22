"""A circuit breaker: after a failure, a helper service (Redis) is left alone for a while instead of being
waited for on every message; then it is tried again."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

COOLDOWN_S = 30.0


class CircuitBreaker:
    """Open for COOLDOWN_S after each failure of the service named `name`; closed (use the service) otherwise."""

    def __init__(self, name: str, cooldown: float = COOLDOWN_S) -> None:
        self.name, self.cooldown = name, cooldown
        self._open_until = 0.0

    @property
    def open(self) -> bool:
        """Whether the service is being left alone now."""
        return time.monotonic() < self._open_until

    def trip(self, error: BaseException) -> None:
        """Record a failure: leave the service alone for the cooldown (logged once per opening)."""
        if not self.open:
            logger.warning("%s failed (%s); working without it for %.0f s", self.name, error or type(error).__name__,
                           self.cooldown)
        self._open_until = time.monotonic() + self.cooldown
