"""Buttons: numbered choices where there are no buttons, and Telegram's small callback_data.

WhatsApp shows a reply's buttons as a numbered list and the user answers "2":
`ButtonMemory` remembers the payloads of the last reply each sender got, so
that a bare number becomes that button's payload. Telegram has real buttons,
but their callback_data holds at most 64 bytes: `CallbackData` stands in for
a longer payload (instead of cutting it, which would break it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any, Iterable

from channels.store import open_store

logger = logging.getLogger(__name__)

MEMORY_TTL_S = 7 * 24 * 3600  # an answer to a week-old question is still understood
MEMORY_MAX_SENDERS = 10_000
CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit
_DIGEST = re.compile(r"#[0-9a-f]{32}")

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
        if payloads:
            await self._store.put(sender_id, json.dumps(payloads))
        else:
            await self.forget(sender_id)

    async def forget(self, sender_id: str) -> None:
        """Forget everything remembered for `sender_id`."""
        await self._store.delete(sender_id)

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


class CallbackData:
    """Telegram callback_data for button payloads (in memory, or Redis when BOT_REDIS_URL is set)."""

    def __init__(self) -> None:
        self._store = open_store("callback-data", MEMORY_TTL_S, MEMORY_MAX_SENDERS)

    async def encode(self, payload: str) -> str:
        """`payload` itself when it is 1-64 bytes, else a 33-character digest from which `decode` gets it back."""
        raw = payload.encode("utf-8")
        if 0 < len(raw) <= CALLBACK_DATA_LIMIT:
            return payload
        digest = "#" + hashlib.sha256(raw).hexdigest()[:32]
        await self._store.put(digest, payload)
        return digest

    async def decode(self, data: str) -> str:
        """The payload that `encode` turned into `data` (`data` itself when it is not a remembered digest)."""
        if _DIGEST.fullmatch(data):
            payload = await self._store.get(data)
            if payload is not None:
                return payload
            logger.warning("Telegram button %s pressed, but its payload is forgotten", data)
        return data
