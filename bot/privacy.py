"""Keeping people unidentifiable: keyed hashes of sender ids, and masked digits in kept text."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Optional

from bot import settings

_DIGITS = re.compile(r"\d")
_KEY_FILE = settings.PROJECT_ROOT / "var" / "hash.key"


def _key() -> bytes:
    """The hashing key: `BOT_HASH_KEY`, else a random key kept in var/hash.key."""
    configured = os.environ.get("BOT_HASH_KEY")
    if configured:
        return configured.encode()
    return _kept_key(_KEY_FILE)


@functools.lru_cache(maxsize=4)
def _kept_key(path: Path) -> bytes:
    """The key in `path`, made there first if missing; read once per process (it is needed on every message).

    The file appears whole or not at all, so servers starting together agree on one key.
    """
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_hex(32))
        try:
            os.link(draft, path)  # fails if another process made the key first: theirs is kept
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()


def pseudonym(sender_id: str) -> str:
    """A keyed hash of a sender id: the same sender always gets the same value, which reveals nothing."""
    return hmac.new(_key(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]


def mask_digits(text: str) -> str:
    """`text` with every digit replaced by #, so no phone or document number is kept."""
    return _DIGITS.sub("#", text)


def staff_token(telegram_user_id: object) -> Optional[str]:
    """A token vouching that a message really came through Telegram from this user id (None without an id).

    The Telegram channel adds it to the message metadata; actions trust a user id
    only with a matching token, so no other channel can claim to be staff.
    """
    if telegram_user_id is None:
        return None
    return hmac.new(_key(), f"telegram-user:{telegram_user_id}".encode(), hashlib.sha256).hexdigest()


def verified_telegram_user(metadata: Optional[dict]) -> Optional[str]:
    """The Telegram user id of a message's metadata when its staff token matches, else None."""
    metadata = metadata or {}
    user, token = metadata.get("telegram_user_id"), metadata.get("staff_token")
    if user is None or not isinstance(token, str):
        return None
    return str(user) if hmac.compare_digest(token, staff_token(user) or "") else None
