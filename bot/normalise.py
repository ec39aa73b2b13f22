"""Text normalisation shared by matching and detection: casefold, no accents, one space."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"(\w)\1{2,}")


def fold(text: str) -> str:
    """`text` casefolded, without accents (ñ becomes n), whitespace collapsed and stripped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", plain).strip()


def words(text: str) -> list[str]:
    """The folded words of `text` (letters and digits only)."""
    return re.findall(r"\w+", fold(text))


def squeeze(text: str) -> str:
    """`text` with any letter written three times or more in a row written once ("ayudaaa" gives "ayuda")."""
    return _REPEATS.sub(r"\1", text)
