"""What protects every channel's users and server: a per-sender rate limit, and never a silent reply.

- More than RATE_LIMIT messages from one sender within RATE_WINDOW_S seconds
  are answered with a polite "wait a minute" instead of being processed,
  except a message with a word of danger, which is processed (up to
  DANGER_LIMIT messages in the window), so it gets its emergency lines.
- When handling a message produced no reply at all (the action server is down,
  the model failed), the user gets a short apology with a general contact.
Both texts come from domain.yml, in the language the message is written in
(Spanish when that cannot be told).
"""

from __future__ import annotations

from bot.nlu.language import detect
from bot.nlu.safety import may_speak_of_danger
from bot.texts import Texts
from channels.store import open_store

RATE_LIMIT = 20
DANGER_LIMIT = 5 * RATE_LIMIT  # a flood that only repeats words of danger is stopped too
RATE_WINDOW_S = 60


class RateLimit:
    """At most RATE_LIMIT messages a sender per RATE_WINDOW_S (per process, or shared through Redis)."""

    def __init__(self, namespace: str) -> None:
        self._store = open_store(f"rate:{namespace}", RATE_WINDOW_S, 100_000)

    async def allow(self, sender: str, text: str) -> bool:
        """Count one message from `sender`; False when they are over the limit (the higher one when `text` has
        a word of danger)."""
        count = await self._store.incr(sender)
        return count <= RATE_LIMIT or (count <= DANGER_LIMIT and may_speak_of_danger(text))

    async def forget(self, sender: str) -> None:
        """Forget the count of `sender`'s messages."""
        await self._store.delete(sender)


def too_many(text: str) -> str:
    """The polite answer to a flood, in the language of `text`."""
    return Texts(detect(text))("text_too_many")


def late(text: str) -> str:
    """The answer when the reply is not ready within the deadline (it follows), with the emergency lines."""
    return Texts(detect(text))("text_late")


def apology(text: str) -> str:
    """The answer when nothing else could be said, in the language of `text`."""
    return Texts(detect(text))("text_error")
