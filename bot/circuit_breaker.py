"""A circuit breaker: after a failure, a helper service (Redis) is left alone for a while instead of being
waited for on every message; then it is tried again.

One slow answer (a pause of the process, a busy machine) must not cost the service for long, and a service
that is down must not be waited for on every message: the time left alone starts at FIRST_COOLDOWN_S and
doubles with each failure in a row, up to MAX_COOLDOWN_S; a success starts afresh.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

FIRST_COOLDOWN_S = 1.0
MAX_COOLDOWN_S = 30.0


class CircuitBreaker:
    """Closed (use the service) unless the service named `name` failed lately; see the module's docstring."""

    def __init__(self, name: str, first_cooldown: float = FIRST_COOLDOWN_S,
                 max_cooldown: float = MAX_COOLDOWN_S) -> None:
        self.name, self.first_cooldown, self.max_cooldown = name, first_cooldown, max_cooldown
        self._open_until = 0.0
        self._failures = 0  # in a row

    @property
    def open(self) -> bool:
        """Whether the service is being left alone now."""
        return time.monotonic() < self._open_until

    def trip(self, error: BaseException) -> None:
        """Record a failure: leave the service alone for a cooldown twice as long as the last one in a row
        (logged once per opening)."""
        cooldown = min(self.first_cooldown * 2 ** self._failures, self.max_cooldown)
        if not self.open:
            logger.warning("%s failed (%s); working without it for %.0f s", self.name,
                           error or type(error).__name__, cooldown)
        self._failures += 1
        self._open_until = time.monotonic() + cooldown

    def succeeded(self) -> None:
        """Record a success: the next failure leaves the service alone for the first cooldown only."""
        self._failures = 0
