"""Buttons on channels without (usable) buttons, and answering them by number.

WhatsApp shows a reply's buttons as a numbered list; the user answers "2".
`ButtonMemory` remembers the payloads of the last reply each sender got, so
that a bare number becomes that button's payload. Telegram uses the same
memory for payloads too long for a callback button.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Iterable

from channels.store import open_store

logger = logging.getLogger(__name__)

MEMORY_TTL_S = 7 * 24 * 3600  # an answer to a week-old question is still understood
MEMORY_MAX_SENDERS = 10_000

Button = dict[str, Any]


def payload_of(button: Button) -> str:
    """What choosing `button` sends to Rasa: its payload, or else its title."""
    return str(button.get("payload") or button.get("title") or "")


def title_of(button: Button) -> str:
    """What the user sees on `button`: its title, or else its payload."""
    return str(button.get("title") or button.get("payload") or "")


def numbered_list(buttons: Iterable[Button], first: int = 1) -> str:
    """The buttons' titles as lines "1. Title", numbered from `first`."""
    return "\n".join(f"{number}. {title_of(button)}" for number, button in enumerate(buttons, first))


class ButtonMemory:
    """Each sender's last button payloads, per channel (in memory, or Redis when BOT_REDIS_URL is set)."""

    def __init__(self, channel: str) -> None:
        self._store = open_store(f"buttons:{channel}", MEMORY_TTL_S, MEMORY_MAX_SENDERS)

    async def remember(self, sender_id: str, payloads: list[str]) -> None:
        """Make `payloads` (button 1, 2, ...) the sender's choices; an empty list forgets the earlier ones."""
        await self._store.put(sender_id, json.dumps(payloads))

    async def resolve(self, sender_id: str, text: str) -> str:
        """The payload of button number `text` of the sender's last buttons; otherwise `text` unchanged."""
        choice = text.strip()
        if not (choice.isascii() and choice.isdigit() and len(choice) <= 3):
            return text
        stored = await self._store.get(sender_id)
        try:
            payloads = json.loads(stored) if stored else []
        except ValueError:
            logger.warning("unreadable button memory for %s", sender_id)
            return text
        number = int(choice)
        if 1 <= number <= len(payloads):
            return str(payloads[number - 1])
        return text
