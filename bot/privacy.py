"""Keeping people unidentifiable: keyed hashes of sender ids, and masked digits in kept text."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets

from bot import settings

_DIGITS = re.compile(r"\d")
_KEY_FILE = settings.PROJECT_ROOT / "var" / "hash.key"


def _key() -> bytes:
    """The hashing key: `BOT_HASH_KEY`, else a random key kept in var/hash.key."""
    configured = os.environ.get("BOT_HASH_KEY")
    if configured:
        return configured.encode()
    if not _KEY_FILE.exists():
        _KEY_FILE.parent.mkdir(exist_ok=True)
        _KEY_FILE.write_text(secrets.token_hex(32))
    return _KEY_FILE.read_text().strip().encode()


def pseudonym(sender_id: str) -> str:
    """A keyed hash of a sender id: the same sender always gets the same value, which reveals nothing."""
    return hmac.new(_key(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]


def mask_digits(text: str) -> str:
    """`text` with every digit replaced by #, so no phone or document number is kept."""
    return _DIGITS.sub("#", text)
