"""What a channel received, turned into the text sent to Rasa.

- a shared location becomes `/share_location{"latitude": 7.9, "longitude": -72.5}`,
- a message with only media (photo, voice note, sticker, document, video) becomes `/media_message`,
- Telegram's `/start` becomes `/greet`, and `/command@botname` becomes `/command`,
- any text longer than MAX_TEXT characters is cut at a word boundary, so it is answered, not dropped;
  the sentences of the cut part that have a word of danger are kept, so they still bring emergency lines.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping, Optional

from telegram import Message

from bot.nlu.safety import speaks_of_danger

MAX_TEXT = 2000
GREET = "/greet"
MEDIA = "/media_message"
LOCATION = "/share_location"
_SENTENCE = re.compile(r"[^.?!\n]+[.?!\n]*")
_COMMAND = re.compile(r"(/[A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?=\s|$)")
TELEGRAM_MEDIA = ("photo", "voice", "audio", "sticker", "document", "video", "video_note", "animation")


def cap_text(text: str, limit: int = MAX_TEXT) -> str:
    """`text` if it has at most `limit` characters, else at most `limit` characters of it: its start, cut at
    the last space, followed by the sentences of the part cut off that speak of danger and are not said
    already (as many as fit in half the limit), so that they still bring emergency lines.

    A text without a space there is cut at exactly `limit` characters.
    """
    if len(text) <= limit:
        return text
    head = _cut(text, limit)
    kept = ""
    for sentence in _SENTENCE.findall(text[len(head):]):
        new = sentence.strip() not in head and sentence.strip() not in kept
        if new and speaks_of_danger(sentence) and len(kept) + len(sentence) < limit // 2:
            kept += " " + sentence.strip()
    return _cut(text, limit - len(kept)) + kept if kept else head


def _cut(text: str, limit: int) -> str:
    """The start of `text` cut at the last space within `limit` characters (at `limit` when there is none)."""
    head = text[:limit + 1]
    cut = max(head.rfind(" "), head.rfind("\n"))
    return (head[:cut] if cut > 0 else text[:limit]).rstrip()


def location_text(latitude: Any, longitude: Any) -> Optional[str]:
    """`/share_location{"latitude": .., "longitude": ..}` for valid coordinates, None otherwise."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return LOCATION + json.dumps({"latitude": lat, "longitude": lon})


def from_twilio(fields: Mapping[str, str]) -> Optional[str]:
    """The text for Rasa from Twilio's form fields; None when there is nothing to answer.

    A location (Latitude/Longitude) wins over Body; a blank Body with media (NumMedia > 0) is `/media_message`.
    """
    location = location_text(fields.get("Latitude"), fields.get("Longitude"))
    if location:
        return location
    body = fields.get("Body", "").strip()
    if body:
        return cap_text(body)
    if _count(fields.get("NumMedia")) > 0 or fields.get("MediaUrl0"):
        return MEDIA
    return None


def from_telegram(message: Message) -> Optional[str]:
    """The text for Rasa from a Telegram message; None when there is nothing to answer (e.g. a service message).

    A location (or venue) wins; then the text, or else the caption; then media without either is `/media_message`.
    """
    if message.location:
        return location_text(message.location.latitude, message.location.longitude)
    text = (message.text or message.caption or "").strip()
    if text:
        return cap_text(_command(text))
    if any(getattr(message, kind, None) for kind in TELEGRAM_MEDIA):
        return MEDIA
    return None


def _command(text: str) -> str:
    """`text` with a leading `/command@botname` shortened to `/command`, and `/start ...` replaced by `/greet`."""
    match = _COMMAND.match(text)
    if not match:
        return text
    if match.group(1).lower() == "/start":
        return GREET
    return match.group(1) + text[match.end():]


def _count(value: Optional[str]) -> int:
    """A form field as a count (0 when missing or not a number)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0
