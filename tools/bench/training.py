"""Training a Rasa model from scratch, timed: no component is taken from an earlier training's cache."""

from __future__ import annotations

import os
from pathlib import Path

from tools.processes import RASA, run_in_group

TRAINING_TIMEOUT_S = 1800


def train(args: list[str], *, project: Path, out: Path, name: str, log: Path,
          env: dict | None = None) -> tuple[Path, float]:
    """Run `rasa <args> --out <out> --fixed-model-name <name>` in `project`; the model file and the seconds it took.

    Rasa's training cache is an empty directory under `out`, so every component
    is really trained (and the project's own .rasa/cache is left alone).
    RuntimeError when training fails.
    """
    out.mkdir(parents=True, exist_ok=True)
    environment = dict(env or os.environ, RASA_CACHE_DIRECTORY=str(out / "cache"), RASA_TELEMETRY_ENABLED="false",
                       TF_CPP_MIN_LOG_LEVEL="3")
    seconds = run_in_group([str(RASA), *args, "--out", str(out), "--fixed-model-name", name], cwd=project,
                           env=environment, log=log, timeout=TRAINING_TIMEOUT_S)
    return out / f"{name}.tar.gz", seconds
