"""How much of the machine's CPU other programs used while the benchmark measured (from Linux's /proc)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    """At one moment: the machine's busy CPU seconds since boot, and those of the watched processes."""

    at: float
    busy: float
    ours: float


def _process_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text("ascii", "replace").rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / _TICKS  # utime, stime, cutime, cstime


def sample(pids: list[int]) -> CpuSample:
    """The machine's busy CPU time now, and that of this process and of `pids` (with their finished children)."""
    values = [int(value) for value in Path("/proc/stat").read_text("ascii").splitlines()[0].split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = values
    ours = sum(_process_seconds(pid) for pid in {os.getpid(), *pids})
    return CpuSample(time.monotonic(), (user + nice + system + irq + softirq) / _TICKS, ours)


def others_share(start: CpuSample, end: CpuSample) -> float:
    """The share (0..1) of all processors' time between two samples used by processes other than the watched ones."""
    wall = (end.at - start.at) * len(os.sched_getaffinity(0))
    others = (end.busy - start.busy) - (end.ours - start.ours)
    return max(0.0, others / wall) if wall > 0 else 0.0
