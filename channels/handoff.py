"""Talking to a person, the channels' part: one relay per Rasa server (`bot.handoff.relay.Relay`).

Each channel configured here gives the relay what it sends with when it is made (WhatsApp: Twilio's REST
API; Telegram: the Bot API, to people and to staff), and asks the relay first about what arrives: a
person with an open request talks to the staff member, not to the assistant; a staff member's reply to
an announcement goes to the person. The Telegram channel, where staff are, runs the relay's clock
(announcing requests, giving back unanswered ones) every TICK_S seconds while the server runs; with
several Rasa servers, each announcement is claimed in the database by one of them.
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime
from typing import Any, Optional

from sanic import Blueprint

from bot.handoff.relay import STAFF_TEXTS as RELAY_TEXTS
from bot.handoff.relay import TAKE, Relay

logger = logging.getLogger(__name__)

RELAY = Relay()
__all__ = ["RELAY", "RELAY_TEXTS", "TAKE", "now", "run_clock"]
TICK_ENV = "BOT_HANDOFF_TICK_S"
DEFAULT_TICK_S = 2.0


def now() -> datetime:
    """The relay's clock: UTC without tzinfo, as the database keeps times."""
    return datetime.utcnow()


def run_clock(blueprint: Blueprint) -> None:
    """Run the relay's clock in the server that serves `blueprint`, from its start until it stops."""
    clock: dict[str, asyncio.Task] = {}

    @blueprint.listener("after_server_start")
    async def start(*_: Any) -> None:
        clock["task"] = asyncio.create_task(_tick_forever(float(os.environ.get(TICK_ENV) or DEFAULT_TICK_S)))

    @blueprint.listener("before_server_stop")
    async def stop(*_: Any) -> None:
        task: Optional[asyncio.Task] = clock.pop("task", None)
        if task is not None:
            task.cancel()


async def _tick_forever(seconds: float) -> None:
    while True:
        try:
            await RELAY.tick(now())
        except Exception:  # the database or a send failed this time: the next tick tries again
            logger.exception("talk-to-a-person clock failed; trying again in %s s", seconds)
        await asyncio.sleep(seconds)
