"""Recognising a message delivered twice (Twilio MessageSid, Telegram update_id).

Twilio and Telegram redeliver a webhook call they think failed; the second
delivery must not be answered again, but a message whose reply never went out
must be. So a message is first claimed (for as long as a turn can take), and
counts as handled for a day only once its reply was delivered; a claim that was
released, or left behind by a server that was killed, lets a redelivery through.
"""

from __future__ import annotations

from channels.store import open_store

DEDUP_TTL_S = 24 * 3600  # both services give up redelivering well within a day
CLAIM_TTL_S = 300  # longer than any turn (Rasa waits 8 s an action, sends are retried for seconds)
DEDUP_MAX_IDS = 100_000


class Dedup:
    """Message ids claimed or handled, per namespace (in memory, or Redis when BOT_REDIS_URL is set)."""

    def __init__(self, namespace: str) -> None:
        self._handled = open_store(f"seen:{namespace}", DEDUP_TTL_S, DEDUP_MAX_IDS)
        self._claimed = open_store(f"claimed:{namespace}", CLAIM_TTL_S, DEDUP_MAX_IDS)

    async def claim(self, message_id: str) -> bool:
        """True when the caller may handle `message_id`: it was not handled in the last day and nobody is
        handling it now. Atomic across servers sharing Redis: of two concurrent claims, exactly one wins."""
        if await self._handled.get(message_id) is not None:
            return False
        return await self._claimed.add(message_id, "1")

    async def handled(self, message_id: str) -> None:
        """Record that `message_id` was answered: its redeliveries, for a day, are not.

        The claim is left to lapse, not deleted: a redelivery that read "not handled" a moment before this
        would otherwise find no claim either, and be answered twice."""
        await self._handled.put(message_id, "1")

    async def release(self, message_id: str) -> None:
        """Give up the claim on `message_id` (its reply could not be delivered), so that a redelivery is handled."""
        await self._claimed.delete(message_id)
