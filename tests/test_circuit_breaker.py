"""The circuit breaker leaves a failing helper service alone a little, then longer while it keeps failing."""

from __future__ import annotations

import time

from bot.circuit_breaker import CircuitBreaker


def wait_closed(breaker: CircuitBreaker) -> float:
    """Seconds until `breaker` closes again."""
    started = time.monotonic()
    while breaker.open:
        time.sleep(0.005)
    return time.monotonic() - started


def test_one_failure_leaves_the_service_alone_briefly_and_failures_in_a_row_longer():
    breaker = CircuitBreaker("Redis", first_cooldown=0.05, max_cooldown=0.2)
    assert not breaker.open
    breaker.trip(TimeoutError())
    assert breaker.open and wait_closed(breaker) < 0.1
    cooldowns = []
    for _ in range(4):  # still failing each time it is tried again
        breaker.trip(TimeoutError())
        cooldowns.append(wait_closed(breaker))
    assert 0.09 <= cooldowns[0] < 0.15 and cooldowns[2] >= 0.19 and cooldowns[3] < 0.3  # 0.1, 0.2, capped


def test_a_success_makes_the_next_failure_cost_only_the_first_cooldown():
    breaker = CircuitBreaker("Redis", first_cooldown=0.05, max_cooldown=5)
    for _ in range(3):
        breaker.trip(TimeoutError())
    breaker.succeeded()
    breaker.trip(TimeoutError())
    assert wait_closed(breaker) < 0.1
