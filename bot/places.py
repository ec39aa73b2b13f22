"""Finding city names in a message: the directory's cities first, then a gazetteer.

The directory's names are re-read whenever the directory changes (its version
counter), so a city that staff load is recognised on the next message, without
retraining. Matching ignores case and accents and forgives small typos.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from rapidfuzz import fuzz, process
from sqlalchemy import select, union

from bot import db
from bot.language import ENGLISH, SPANISH
from bot.models import Centre, Country, Event, Service
from bot.normalise import fold, words

log = logging.getLogger(__name__)
GAZETTEER = Path(__file__).with_name("data") / "cities.txt"
MAX_WORDS = 4          # longest gazetteer city name, in words
FUZZY_MIN_LENGTH = 5   # shorter words must match exactly
FUZZY_SCORE = 86       # rapidfuzz ratio for a typo to count
_TOKEN = re.compile(r"\w+")
# Towns of the gazetteer whose names are also everyday words: only when written with a capital.
EVERYDAY_WORDS = frozenset("""soledad pasto manta paz esperanza victoria libertad progreso providencia
concordia florida mercedes dolores rosario trinidad belen fe sucre union palmira granada valencia
salvador san carmen monteria bello envigado armenia colon guadalupe porvenir primavera""".split())


@dataclass(frozen=True)
class Place:
    """A city found in a message: its canonical name, where it is, and whether the directory has it."""

    name: str
    start: int
    end: int
    in_directory: bool


@dataclass(frozen=True)
class Names:
    """The names known at one directory version, folded -> canonical."""

    version: int
    cities: dict[str, str]
    proper_nouns: tuple[str, ...]  # every city, centre and country name, as folded words, longest first

    @functools.cached_property
    def longest(self) -> int:
        """Words in the longest directory city name (at least MAX_WORDS, for the gazetteer)."""
        return max([MAX_WORDS, *(len(name.split()) for name in self.cities)])


@functools.lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Cities of the region that the directory may not have, folded -> proper spelling."""
    lines = GAZETTEER.read_text("utf-8").splitlines() if GAZETTEER.exists() else []
    return {fold(line): line.strip() for line in lines if line.strip()}


class NameIndex:
    """The directory's names, cached until the directory's version changes."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url
        self._names = Names(-1, {}, _proper_nouns(()))
        self._lock = threading.Lock()

    def names(self) -> Names:
        """The current names; the last known ones if the database cannot be read."""
        try:
            version = db.version(self.url)
            if version != self._names.version:
                with self._lock, db.session(self.url) as current:
                    self._names = _read_names(current, version)
        except Exception as error:  # the database being down must not stop understanding
            log.warning("directory names not refreshed: %s", error)
        return self._names

    def find_cities(self, text: str) -> list[Place]:
        """The cities named in `text`, longest match first, without overlaps."""
        return find_cities(text, self.names())


def _read_names(current, version: int) -> Names:
    rows = current.execute(union(select(Centre.city), select(Service.city), select(Event.city))).scalars()
    cities = {fold(city): city for city in rows if city}
    others = list(current.execute(select(Country.name)).scalars())
    for name in current.execute(select(Centre.name)).scalars():
        others += name.values() if isinstance(name, dict) else [name]
    return Names(version, cities, _proper_nouns([*cities, *others]))


def _proper_nouns(names) -> tuple[str, ...]:
    """The names and the gazetteer as folded words, longest first."""
    folded = {" ".join(words(name)) for name in [*names, *gazetteer()]}
    return tuple(sorted(filter(None, folded), key=len, reverse=True))


# Spanish object pronouns: a lower-case word right after one is a verb ("le quitó"), not a city.
CLITICS = frozenset("me te se le les lo la los las nos".split())


def find_cities(text: str, names: Names) -> list[Place]:
    """The cities of `names` (or of the gazetteer) that `text` mentions, by position."""
    tokens = [(match.start(), match.end(), fold(match.group())) for match in _TOKEN.finditer(text)]
    found: list[Place] = []
    used: set[int] = set()
    for size in range(min(names.longest, len(tokens)), 0, -1):
        for first in range(len(tokens) - size + 1):
            span = range(first, first + size)
            if used.intersection(span):
                continue
            phrase = " ".join(token for _, _, token in tokens[first:first + size])
            place = _match(phrase, names)
            if place and not place[1] and phrase in EVERYDAY_WORDS and text[tokens[first][0]].islower():
                place = None
            if place and size == 1 and first and tokens[first - 1][2] in CLITICS and text[tokens[first][0]].islower():
                place = None  # "me quito el teléfono": a verb after its pronoun, not Quito
            if place:
                name, known = place
                found.append(Place(name, tokens[first][0], tokens[first + size - 1][1], known))
                used.update(span)
    return sorted(found, key=lambda place: place.start)


def _match(phrase: str, names: Names) -> Optional[tuple[str, bool]]:
    if phrase in names.cities:
        return names.cities[phrase], True
    if phrase in gazetteer():
        return gazetteer()[phrase], False
    if len(phrase) < FUZZY_MIN_LENGTH or phrase in SPANISH or phrase in ENGLISH:
        return None
    best = process.extractOne(phrase, names.cities.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
    if best:
        return names.cities[best[0]], True
    return None
