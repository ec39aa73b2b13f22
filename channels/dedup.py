"""Recognising a message delivered twice (Twilio MessageSid, Telegram update_id).

Twilio and Telegram redeliver a webhook call they think failed; the second
delivery must not be answered again.
"""

from __future__ import annotations

from channels.store import open_store

DEDUP_TTL_S = 24 * 3600  # both services give up redelivering well within a day
DEDUP_MAX_IDS = 100_000


class Dedup:
    """Message ids seen in the last day, per namespace (in memory, or Redis when BOT_REDIS_URL is set)."""

    def __init__(self, namespace: str) -> None:
        self._store = open_store(f"seen:{namespace}", DEDUP_TTL_S, DEDUP_MAX_IDS)

    async def seen(self, message_id: str) -> bool:
        """True when `message_id` was seen before; otherwise records it and returns False.

        Atomic across servers sharing Redis: of two concurrent calls with the
        same id, exactly one gets False.
        """
        return not await self._store.add(message_id, "1")

    async def forget(self, message_id: str) -> None:
        """Forget `message_id`, so that its next delivery is handled (its reply could not be delivered)."""
        await self._store.delete(message_id)
