"""Fixes for costs Rasa 3.6 pays on every turn (measured with py-spy; docs/benchmarks.md), one module each:

- `action_check`: the action server's answer checked against its JSON schema without rebuilding the validators;
- `kept_connections`: one HTTP session per action-server endpoint instead of a new connection per call;
- `rule_index`: RulePolicy tries only the rules that could match the latest state;
- `graph_runner`: the model's graph run in an order worked out once, without dask's scheduling;
- `eager_load`: DIET's weights built by one eager step instead of a traced one at start-up.

Each replaces a private method of Rasa WRITTEN_FOR, gives the same answers (tests/test_speedups.py checks
each against Rasa's own), and is installed only by `install()`: the Rasa server calls it when it loads the
project's model (`bot.nlu.components`, whose `load` Rasa calls for prediction only), so `rasa train` and a
process that merely imports the components run Rasa's own code. BOT_SPEEDUPS=off keeps Rasa's own methods.
"""

from __future__ import annotations

import logging
import os
from typing import Optional

import rasa

from bot.rasa_server.speedups import action_check, eager_load, graph_runner, kept_connections, rule_index

WRITTEN_FOR = "3.6.21"  # the Rasa whose private methods these replace
SWITCH = "BOT_SPEEDUPS"   # "off": Rasa's own methods
SPEEDUPS = (action_check, kept_connections, rule_index, graph_runner, eager_load)
logger = logging.getLogger(__name__)
_installed = False


def install(version: str = rasa.__version__, switch: Optional[str] = None) -> bool:
    """Install every speed-up in this process, once; whether they are installed.

    They are not installed (with a log line saying why) on any other `version` of Rasa than WRITTEN_FOR, nor
    when `switch` (else the environment's BOT_SPEEDUPS) is "off": Rasa's own methods then run, slower, with
    the same answers."""
    global _installed
    switch = os.environ.get(SWITCH, "on") if switch is None else switch
    if switch.strip().lower() in ("off", "0", "false", "no"):
        logger.info("Rasa speed-ups not installed: %s=%s", SWITCH, switch)
        return False
    if version != WRITTEN_FOR:
        logger.warning("Rasa speed-ups not installed: written for Rasa %s, this is Rasa %s", WRITTEN_FOR, version)
        return False
    if not _installed:
        for speedup in SPEEDUPS:
            speedup.install()
        _installed = True
        logger.info("Rasa speed-ups installed: %s", ", ".join(s.__name__.rsplit(".", 1)[1] for s in SPEEDUPS))
    return True
