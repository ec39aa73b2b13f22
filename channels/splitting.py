"""Splitting a reply that is too long for one message (WhatsApp 1600, Telegram 4096)."""

from __future__ import annotations

import re
from typing import Callable, Iterator

WHATSAPP_LIMIT = 1600  # characters in a Twilio WhatsApp message body
TELEGRAM_LIMIT = 4096  # UTF-16 code units in a Telegram message text

Measure = Callable[[str], int]

_LINES = re.compile(r"(?<=\n)")
_SENTENCES = re.compile(r"(?<=[.!?…;:])(?=\s)")
_WORDS = re.compile(r"(?<=\s)(?=\S)")


def utf16_length(text: str) -> int:
    """The length of `text` in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """`text` cut into pieces of at most `limit`, in order, none empty.

    `measure` gives a text's size (`len`, or `utf16_length` for Telegram); it
    must add up over concatenation. Cuts at line breaks if it can, else
    between sentences, else between words, and cuts inside a word only when
    the word alone exceeds `limit`. Nothing but whitespace at the cuts is
    dropped: the pieces hold every non-space character of `text`, in order.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 (a UTF-16 surrogate pair)")
    pieces, current, size = [], "", 0
    for unit in _units(text, limit, measure):
        unit_size = measure(unit)
        if current and size + unit_size > limit:
            pieces.append(current)
            current, size = "", 0
        current, size = current + unit, size + unit_size
    pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip()]


def _units(text: str, limit: int, measure: Measure) -> Iterator[str]:
    """Consecutive parts of `text`, each within `limit`: lines, else sentences, else words, else characters."""
    for line in _LINES.split(text):
        if measure(line) <= limit:
            yield line
            continue
        for sentence in _SENTENCES.split(line):
            if measure(sentence) <= limit:
                yield sentence
                continue
            for word in _WORDS.split(sentence):
                if measure(word) <= limit:
                    yield word
                else:
                    yield from _characters(word, limit, measure)


def _characters(word: str, limit: int, measure: Measure) -> Iterator[str]:
    """`word` in chunks of at most `limit`, cut between characters."""
    chunk, size = "", 0
    for character in word:
        if size + measure(character) > limit:
            yield chunk
            chunk, size = "", 0
        chunk, size = chunk + character, size + measure(character)
    yield chunk
