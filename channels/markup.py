"""Emphasis, rendered the way each channel shows it.

A reply is plain `text` and, under "emphasis", the parts of it to stand out (a centre's
name): see `bot.replies.cards.Reply.say`. WhatsApp shows them between asterisks;
Telegram as bold entities beside the text, which is sent as it is (never with a
parse_mode, so no character of a name can break a send); the shell and the REST
channel show the plain text. Channels render each piece of a split text on its own.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional, Sequence

from telegram import MessageEntity

from channels.splitting import utf16_length

Span = tuple[int, int]  # start and end, in code points, of an emphasised part of a text

WHATSAPP_BOLD = "*"


def emphasis_of(message: Mapping[str, Any]) -> list[str]:
    """The strings a Rasa message (or the keyword arguments Rasa passes an output channel) asks to emphasise;
    none when it has none or they are not a list of strings."""
    emphasis = message.get("emphasis")
    if not isinstance(emphasis, (list, tuple)):
        return []
    return [part for part in emphasis if isinstance(part, str) and part]


def spans(text: str, emphasis: Sequence[str]) -> list[Span]:
    """Where in `text` each of `emphasis` is emphasised, sorted: one occurrence of each, not overlapping one taken
    for a string before it. That is the first occurrence that begins a line (a name heading a card, not the same
    words in a heading above it), else the first; a string that is absent (or only overlapping) marks nothing."""
    taken: list[Span] = []
    for part in emphasis:
        found = _occurrence(text, part, taken)
        if found is not None:
            taken.append(found)
    return sorted(taken)


def _occurrence(text: str, part: str, taken: list[Span]) -> Optional[Span]:
    """The occurrence of `part` in `text` to emphasise, overlapping none of `taken` (None when there is none)."""
    free = [start for start in _starts(text, part)
            if not any(start < end and begin < start + len(part) for begin, end in taken)]
    if not free:
        return None
    start = next((start for start in free if start == 0 or text[start - 1] == "\n"), free[0])
    return start, start + len(part)


def _starts(text: str, part: str) -> Iterator[int]:
    """Where each occurrence of the non-empty `part` starts in `text`, overlapping ones included."""
    start = text.find(part)
    while start != -1:
        yield start
        start = text.find(part, start + 1)


def whatsapp(text: str, emphasis: Sequence[str]) -> str:
    """`text` with each of its `spans` between asterisks (WhatsApp's bold), and otherwise unchanged; at most
    `whatsapp_overhead(emphasis)` UTF-16 units longer."""
    pieces, last = [], 0
    for start, end in spans(text, emphasis):
        pieces += [text[last:start], WHATSAPP_BOLD, text[start:end], WHATSAPP_BOLD]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def whatsapp_overhead(emphasis: Sequence[str]) -> int:
    """The most UTF-16 units `whatsapp` adds to any text for `emphasis` (two asterisks a string)."""
    return 2 * len(WHATSAPP_BOLD) * len(emphasis)


def telegram_entities(text: str, emphasis: Sequence[str]) -> list[MessageEntity]:
    """A bold entity for each of `text`'s `spans`, its offset and length in UTF-16 code units, as Telegram counts
    them (an emoji before a name counts two)."""
    return [MessageEntity(MessageEntity.BOLD, utf16_length(text[:start]), utf16_length(text[start:end]))
            for start, end in spans(text, emphasis)]
