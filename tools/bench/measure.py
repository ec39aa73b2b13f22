"""Assistants under load, taking turns: start their servers, warm them up, run the load through each channel,
read peak memory."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

from tools.bench import cpu, load
from tools.bench.load import Channel, RunResult
from tools.bench.memory import peak_rss_mib
from tools.bench.traffic import Turn
from tools.processes import Servers

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


@dataclass(frozen=True)
class Assistant:
    """An assistant to measure: its servers (not started yet) and the channels to talk to it through."""

    name: str
    servers: Servers
    channels: list[Channel]


def measure(assistants: list[Assistant], stream: Callable[[int], Iterator[list[Turn]]],
            plan: Plan) -> dict[str, ServerFigures]:
    """Start every assistant's servers, warm up each channel, then the sequential runs and the concurrent runs.

    The assistants and their channels take turns, round after round (project REST,
    project WhatsApp, floor REST, project REST...), so that a slow moment of the
    machine does not fall on one of them only; in a round every channel gets the same
    conversations (`stream(seed)`). Peak memory is read after the load, before the
    servers stop; they are stopped whatever happens.
    """
    startup: dict[str, float] = {}
    try:
        for assistant in assistants:
            started = time.monotonic()
            assistant.servers.start()
            startup[assistant.name] = time.monotonic() - started
        for assistant in assistants:
            for channel in assistant.channels:
                load.run(channel, stream(WARMUP_SEED), plan.warmup_turns)
        pids = [process.pid for assistant in assistants for process in assistant.servers.processes]
        before = cpu.sample(pids)
        parts: dict[tuple[str, str, str], list[RunResult]] = {}
        for mode, turns, senders in ((SEQUENTIAL, plan.sequential_turns, 1),
                                     (CONCURRENT, plan.concurrent_turns, plan.senders)):
            for round_number in range(plan.rounds):
                for assistant in assistants:
                    for channel in assistant.channels:
                        parts.setdefault((assistant.name, channel.name, mode), []).append(
                            load.run(channel, stream(MEASURED_SEED + round_number), turns // plan.rounds, senders))
        others = cpu.others_share(before, cpu.sample(pids))
        figures = {}
        for assistant in assistants:
            servers = assistant.servers
            peak = {"Rasa server": peak_rss_mib(servers.rasa.pid)}
            if servers.actions:
                peak["action server"] = peak_rss_mib(servers.actions.pid)
            runs = {(channel, mode): load.combined(results)
                    for (name, channel, mode), results in parts.items() if name == assistant.name}
            figures[assistant.name] = ServerFigures(runs, peak, startup[assistant.name], others)
        return figures
    finally:
        for assistant in assistants:
            assistant.servers.stop()
