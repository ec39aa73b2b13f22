"""One assistant under load: start its servers, warm them up, run the load through each channel, read peak memory."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

from bot.bench import load
from bot.bench.load import Channel, RunResult
from bot.bench.memory import peak_rss_mib
from bot.bench.traffic import Turn
from bot.processes import Servers

SEQUENTIAL = "sequential"
CONCURRENT = "concurrent"
MEASURED_SEED, WARMUP_SEED = 101, 202


@dataclass(frozen=True)
class Plan:
    """How much load: turns one sender at a time, turns with `senders` at once, and unmeasured warm-up turns."""

    sequential_turns: int
    concurrent_turns: int
    senders: int
    warmup_turns: int


@dataclass(frozen=True)
class ServerFigures:
    """What one assistant measured: a run per (channel name, SEQUENTIAL or CONCURRENT), peak MiB per process."""

    runs: dict[tuple[str, str], RunResult]
    peak_mib: dict[str, float]
    startup_seconds: float


def measure(servers: Servers, channels: list[Channel], stream: Callable[[int], Iterator[list[Turn]]],
            plan: Plan) -> ServerFigures:
    """Start `servers`, then for each channel a warm-up, the sequential run, then each channel's concurrent run.

    Every channel gets the same conversations (`stream(seed)` with the same
    seed), so channels are compared on the same messages. Peak memory is read
    after the load, before the servers stop; they are stopped whatever happens.
    """
    started = time.monotonic()
    servers.start()
    try:
        startup = time.monotonic() - started
        for channel in channels:
            load.run(channel, stream(WARMUP_SEED), plan.warmup_turns)
        runs = {}
        for channel in channels:
            runs[(channel.name, SEQUENTIAL)] = load.run(channel, stream(MEASURED_SEED), plan.sequential_turns)
        for channel in channels:
            runs[(channel.name, CONCURRENT)] = load.run(channel, stream(MEASURED_SEED + 1), plan.concurrent_turns,
                                                        plan.senders)
        peak = {"Rasa server": peak_rss_mib(servers.rasa.pid)}
        if servers.actions:
            peak["action server"] = peak_rss_mib(servers.actions.pid)
    finally:
        servers.stop()
    return ServerFigures(runs, peak, startup)
