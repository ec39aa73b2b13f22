"""Telling keyboard mashing ("asdfghjkl", "jdjdjd", "????") from words, so that it is not read as a yes."""

from __future__ import annotations

import re

from bot.normalise import fold

# Short forms people write that have no vowel or look like mashing, but mean something.
ABBREVIATIONS = frozenset("ppt sis vih cpp tlf tel dnd xq pq ntp tmb tb grx msj pls plz thx ty bn bns xfa pfv sms cv "
                          "wsp wpp pdf dni nn hmm mmm ok brb btw idk".split())
MEANINGFUL_SYMBOLS = frozenset("👍👌✅❌👎🙏❤👋🙂😊🆘")
_LETTERS = re.compile(r"[^\W\d_]+")
_CONSONANT_RUN = re.compile(r"[^aeiouy]{5,}")
_REPEATED_UNIT = re.compile(r"^(\w{1,3})\1{2,}\w{0,2}$")


def not_a_word(token: str) -> bool:
    """Whether the folded letters `token` look typed at random: no vowel, five consonants in a row, or two or
    three letters over and over ("jdjdjd"); laughter ("jajaja") and ABBREVIATIONS are words."""
    if len(token) < 3 or token in ABBREVIATIONS or re.fullmatch(r"(j[aeiou]|h[aeiou]|k[aeiou])+j?", token):
        return False
    return not re.search(r"[aeiouy]", token) or bool(_CONSONANT_RUN.search(token)) \
        or bool(_REPEATED_UNIT.match(token))


def is_gibberish(text: str) -> bool:
    """Whether `text` says nothing in words: only punctuation or unknown symbols, or at least half of its words
    typed at random."""
    tokens = _LETTERS.findall(fold(text))
    if not tokens:
        return bool(text.strip()) and not any(symbol in text for symbol in MEANINGFUL_SYMBOLS) \
            and not re.search(r"\d", text)
    return sum(not_a_word(token) for token in tokens) * 2 >= len(tokens)


_LAUGHTER = re.compile(r"(?:[jhk][aeiou]){2,}[jhk]?|(?:[aeiou][jhk]){2,}|x+d+|lo+l|jsjs\w*|lmao|rofl")


def content_words(text: str) -> int:
    """How many words of `text` say something: three letters or more, not typed at random, not laughter
    ("jajaja", "xd"); emoji and symbols say nothing here."""
    return sum(1 for token in _LETTERS.findall(fold(text))
               if len(token) >= 3 and not not_a_word(token) and not _LAUGHTER.fullmatch(token))


def says_something(text: str) -> bool:
    """Whether `text` says something in words: a content word (`content_words`), in a message not mostly
    typed at random ("ñññ kkkkk qwe" does not, although "qwe" could be a word)."""
    return content_words(text) > 0 and not is_gibberish(text)
