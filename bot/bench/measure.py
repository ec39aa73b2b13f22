"""One assistant under load: start its servers, warm them up, run the load through each channel, read peak memory."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

from bot.bench import cpu, load
from bot.bench.load import Channel, RunResult
from bot.bench.memory import peak_rss_mib
from bot.bench.traffic import Turn
from bot.processes import Servers

SEQUENTIAL = "sequential"
CONCURRENT = "concurrent"
MEASURED_SEED, WARMUP_SEED = 101, 202


@dataclass(frozen=True)
class Plan:
    """How much load per channel: turns one sender at a time, turns with `senders` at once, unmeasured
    warm-up turns; each measured amount is said in `rounds` runs, the channels taking turns.
    """

    sequential_turns: int
    concurrent_turns: int
    senders: int
    warmup_turns: int
    rounds: int


@dataclass(frozen=True)
class ServerFigures:
    """What one assistant measured: a run per (channel name, SEQUENTIAL or CONCURRENT), peak MiB per process,
    seconds until the Rasa server was ready, and the share of the machine's CPU other programs used meanwhile.
    """

    runs: dict[tuple[str, str], RunResult]
    peak_mib: dict[str, float]
    startup_seconds: float
    others_cpu: float


def measure(servers: Servers, channels: list[Channel], stream: Callable[[int], Iterator[list[Turn]]],
            plan: Plan) -> ServerFigures:
    """Start `servers`, warm up each channel, then the sequential runs and the concurrent runs.

    The channels take turns, round after round (REST, WhatsApp, REST, WhatsApp...),
    so that a slow moment of the machine does not fall on one channel only; in a
    round every channel gets the same conversations (`stream(seed)`). Peak memory
    is read after the load, before the servers stop; they are stopped whatever happens.
    """
    started = time.monotonic()
    servers.start()
    try:
        startup = time.monotonic() - started
        for channel in channels:
            load.run(channel, stream(WARMUP_SEED), plan.warmup_turns)
        pids = [process.pid for process in servers.processes]
        before = cpu.sample(pids)
        parts: dict[tuple[str, str], list[RunResult]] = {}
        for mode, turns, senders in ((SEQUENTIAL, plan.sequential_turns, 1),
                                     (CONCURRENT, plan.concurrent_turns, plan.senders)):
            for round_number in range(plan.rounds):
                for channel in channels:
                    parts.setdefault((channel.name, mode), []).append(
                        load.run(channel, stream(MEASURED_SEED + round_number), turns // plan.rounds, senders))
        others = cpu.others_share(before, cpu.sample(pids))
        peak = {"Rasa server": peak_rss_mib(servers.rasa.pid)}
        if servers.actions:
            peak["action server"] = peak_rss_mib(servers.actions.pid)
    finally:
        servers.stop()
    return ServerFigures({key: load.combined(runs) for key, runs in parts.items()}, peak, startup, others)
