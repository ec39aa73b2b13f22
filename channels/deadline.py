"""A deadline for every turn: a user waits at most so long for a first answer, and the real one still comes.

A channel starts the handling of a message in a task of its own, which neither the deadline
nor the caller hanging up cancels, and waits for it at most the deadline. When the
deadline passes (or the caller hangs up first), the channel answers with a short apology
and the emergency lines (`guard.late`), and the follow-up it names sends the real reply
when it is ready.

Rasa waits up to 300 s for the action server; `limit_action_calls` makes it wait
ACTION_TIMEOUT_S, shorter than any channel's deadline, so a hung action server ends in
an apology in time instead of a silence (checked against Rasa 3.6, whose constant it sets).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

import rasa
from sanic import Blueprint

logger = logging.getLogger(__name__)

WHATSAPP_DEADLINE_S = 10.0  # Twilio gives up after 15 s
TELEGRAM_DEADLINE_S = 10.0
ACTION_TIMEOUT_S = 8.0
DRAIN_S = 20.0  # how long a stopping server waits for the replies under way (SIGTERM; SIGKILL cannot wait)

FollowUp = Callable[[], Awaitable[Any]]


class Deadline:
    """Handling tasks waited for at most `seconds`, with a follow-up for those that finish later."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._running: set[asyncio.Future] = set()  # kept, so that no task is collected before its end

    def start(self, handling: Awaitable[Any], what: str) -> asyncio.Future:
        """Run `handling` in a task of its own (its failure is logged under `what`, never raised)."""
        return self._keep(_logged(handling, what))

    async def within(self, task: asyncio.Future) -> bool:
        """Whether `task` ends within the deadline (waiting at most that long; the task goes on regardless)."""
        done, _ = await asyncio.wait({task}, timeout=self.seconds)
        return bool(done)

    async def met(self, task: asyncio.Future, late: FollowUp) -> bool:
        """Whether `task` ended within the deadline. When it did not, or the caller hung up meanwhile,
        `late()` runs once it has ended."""
        try:
            done = await self.within(task)
        except asyncio.CancelledError:  # the caller hung up: the reply can only go the late way
            self._keep(_after(task, late))
            raise
        if not done:
            self._keep(_after(task, late))
        return done

    async def drain(self, timeout: float) -> int:
        """Wait, at most `timeout` seconds, until every handling started (and its follow-up) has ended; how many
        are still running. A server that stops calls it first, so that a restart loses no reply under way."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._running:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            await asyncio.wait(set(self._running), timeout=left)
        if self._running:
            logger.error("Stopping with %d replies still under way", len(self._running))
        return len(self._running)

    def _keep(self, coroutine: Awaitable[Any]) -> asyncio.Future:
        task = asyncio.ensure_future(coroutine)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task


async def _logged(handling: Awaitable[Any], what: str) -> None:
    try:
        await handling
    except Exception:  # the agent failed: the channel answers with what was said, or an apology
        logger.exception("%s: handling failed", what)


async def _after(task: asyncio.Future, late: FollowUp) -> None:
    await asyncio.wait({task})
    await _logged(late(), "late reply")


def limit_action_calls(seconds: float = ACTION_TIMEOUT_S) -> None:
    """Make Rasa wait at most `seconds` for the action server (Rasa 3.6's DEFAULT_REQUEST_TIMEOUT, 300 s)."""
    from rasa.core.actions import action

    if not rasa.__version__.startswith("3.6.") or not hasattr(action, "DEFAULT_REQUEST_TIMEOUT"):
        logger.warning("Rasa %s: the action call timeout was not shortened (checked for 3.6)", rasa.__version__)
        return
    action.DEFAULT_REQUEST_TIMEOUT = min(action.DEFAULT_REQUEST_TIMEOUT, seconds)


def drain_on_stop(blueprint: Blueprint, deadline: Deadline, timeout: float = DRAIN_S) -> None:
    """Make the server that serves `blueprint` wait, when asked to stop, for the handlings `deadline` keeps."""

    @blueprint.listener("before_server_stop")
    async def drain(*_: Any) -> None:
        await deadline.drain(timeout)
