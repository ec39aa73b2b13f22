"""Keeping people unidentifiable: keyed hashes of sender ids, proofs that a message came from a staff member,
masked digits in kept text, and forgetting a person everywhere.

One master key (`BOT_HASH_KEY`, else a random key kept 0600 in var/hash.key) is never used directly:
each use has its own key derived from it, so a value made for one use is worthless for another.
A pseudonym is 128 bits of HMAC-SHA256: without the key, no one can tell whose it is, not even by
trying every phone number; with the key, anyone can, so the key is as secret as the conversations.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot import settings
from bot.secret_files import create_secret

logger = logging.getLogger(__name__)

_DIGITS = re.compile(r"\d")
KEY_FILE = settings.PROJECT_ROOT / "var" / "hash.key"
KEY_ENV = "BOT_HASH_KEY"
PROOF_TTL_S = 600  # a staff proof is honoured for the turn it came with, however slow, and not after
PROOF_FIELDS = ("staff_user", "issued_at", "staff_proof")


def _master_key() -> bytes:
    """The master key: `BOT_HASH_KEY`, else the one kept in var/hash.key (made there, 0600, first)."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode()
    return _kept_key(str(KEY_FILE))


@functools.lru_cache(maxsize=4)
def _kept_key(path: str) -> bytes:
    """The key in `path`, made there first if missing; read once per process (it is needed on every message)."""
    create_secret(Path(path), secrets.token_hex(32))
    return Path(path).read_text().strip().encode()


def derived_key(purpose: str) -> bytes:
    """The key for one `purpose` ("pseudonym", "staff-proof"), derived from the master key."""
    return hmac.new(_master_key(), f"bot-key:{purpose}".encode(), hashlib.sha256).digest()


def pseudonym(sender_id: str) -> str:
    """A keyed hash of a sender id: the same sender always gets the same value, which reveals nothing."""
    return hmac.new(derived_key("pseudonym"), sender_id.encode(), hashlib.sha256).hexdigest()[:32]


def channel_sender(channel: str, address: str) -> str:
    """The conversation id a channel gives Rasa for a phone number or chat id: "<channel>-<pseudonym>".

    Only the channel knows the address; the Rasa server, its logs, locks and stores see this value only.
    """
    return f"{channel}-{pseudonym(f'{channel}:{address}')}"


def staff_user(telegram_user_id: object) -> str:
    """The key under which a Telegram user is known as staff (a pseudonym of their user id)."""
    return pseudonym(f"telegram-user:{str(telegram_user_id).strip()}")


def _proof(sender_id: str, message_id: str, user: str, issued_at: int) -> str:
    fields = "\n".join((sender_id, message_id, user, str(issued_at)))
    return hmac.new(derived_key("staff-proof"), fields.encode(), hashlib.sha256).hexdigest()


def vouch(sender_id: str, message_id: str, telegram_user_id: object, now: Optional[float] = None) -> dict[str, Any]:
    """Metadata vouching that message `message_id` of conversation `sender_id` came from this Telegram user.

    Only the Telegram channel calls it, after checking Telegram's secret; the proof holds for that one
    message, for PROOF_TTL_S seconds, and is never stored (`bot.rasa_server.tracker_store` drops it).
    """
    user, issued_at = staff_user(telegram_user_id), int(now if now is not None else time.time())
    return {"staff_user": user, "issued_at": issued_at, "staff_proof": _proof(sender_id, message_id, user, issued_at)}


def vouched_user(sender_id: str, message_id: Optional[str], metadata: Optional[Mapping[str, Any]],
                 now: Optional[float] = None) -> Optional[str]:
    """The staff key (`staff_user`) a message's metadata vouches for, when its proof is for this very message
    of this conversation and still fresh; None otherwise (no proof, another message, replayed, expired)."""
    metadata = metadata or {}
    user, issued_at, proof = (metadata.get(field) for field in PROOF_FIELDS)
    if not (isinstance(user, str) and isinstance(issued_at, int) and isinstance(proof, str) and message_id):
        return None
    age = (now if now is not None else time.time()) - issued_at
    if not -60 <= age <= PROOF_TTL_S:
        return None
    return user if hmac.compare_digest(proof, _proof(sender_id, str(message_id), user, issued_at)) else None


def seal(address: str) -> str:
    """`address` (a phone number, a chat id) encrypted and authenticated with a key of its own (AES-GCM), for
    the one store that must reach a person later (a request to talk to a person); only `unseal` reads it."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(derived_key("address")).encrypt(nonce, address.encode("utf-8"), b"address")
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(sealed: Optional[str]) -> Optional[str]:
    """The address `seal` sealed; None when there is none, or it was altered or sealed under another key."""
    if not sealed:
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
        return AESGCM(derived_key("address")).decrypt(raw[:12], raw[12:], b"address").decode("utf-8")
    except (ValueError, InvalidTag):
        return None


def mask_digits(text: str) -> str:
    """`text` with every digit replaced by #, so no phone or document number is kept."""
    return _DIGITS.sub("#", text)


Forgetter = Callable[[str], Awaitable[Any]]
_FORGETTERS: list[Forgetter] = []


def on_forget(forgetter: Forgetter) -> None:
    """Have `forgetter(sender_id)` called whenever a person asks for their data to be deleted."""
    _FORGETTERS.append(forgetter)


async def forget_elsewhere(sender_id: str) -> None:
    """Call every registered forgetter for `sender_id` (the channels' memories); failures are logged, not raised."""
    for forgetter in list(_FORGETTERS):
        try:
            await forgetter(sender_id)
        except Exception:  # one memory failing must not keep the others
            logger.exception("forgetting %s failed in %r", sender_id, forgetter)
