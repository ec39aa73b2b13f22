"""Splitting a reply that is too long for one message (WhatsApp 1,600 and Telegram 4,096 UTF-16 units).

Both services count UTF-16 code units: an emoji is two, a flag four, a family seven or more.
A cut never falls inside a grapheme (an emoji with its skin tone, a flag, a letter with its
accent), and a card or a numbered list (a block between blank lines) stays whole where it fits.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

import regex

WHATSAPP_LIMIT = 1600  # UTF-16 code units in a Twilio WhatsApp message body
TELEGRAM_LIMIT = 4096  # UTF-16 code units in a Telegram message text

Measure = Callable[[str], int]

_BLOCKS = re.compile(r"(?<=\n\n)")
_LINES = re.compile(r"(?<=\n)")
_GRAPHEME = regex.compile(r"\X")
_SENTENCES = re.compile(r"(?<=[.!?…;:])(?=\s)")
_WORDS = re.compile(r"(?<=\s)(?=\S)")


def utf16_length(text: str) -> int:
    """The length of `text` in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = utf16_length) -> list[str]:
    """`text` cut into pieces of at most `limit`, in order, none empty.

    `measure` gives a text's size (UTF-16 units, as WhatsApp and Telegram count); it
    must add up over concatenation. Cuts between blocks (blank lines) if it can, else
    at line breaks, else between sentences, else between words, and inside a word only
    when the word alone exceeds `limit`, then between graphemes. Nothing but whitespace
    at the cuts is dropped: the pieces hold every non-space character of `text`, in order.
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
    """Consecutive parts of `text`, each within `limit`: blocks, else lines, else sentences, else words, else
    graphemes."""
    for block in _BLOCKS.split(text):
        if measure(block) <= limit:
            yield block
            continue
        yield from _lines(block, limit, measure)


def _lines(block: str, limit: int, measure: Measure) -> Iterator[str]:
    for line in _LINES.split(block):
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
    """`word` in chunks of at most `limit`, cut between graphemes (a grapheme over `limit`, between code points)."""
    chunk, size = "", 0
    for grapheme in _GRAPHEME.findall(word):
        pieces = [grapheme] if measure(grapheme) <= limit else list(grapheme)
        for piece in pieces:
            if chunk and size + measure(piece) > limit:
                yield chunk
                chunk, size = "", 0
            chunk, size = chunk + piece, size + measure(piece)
    yield chunk
