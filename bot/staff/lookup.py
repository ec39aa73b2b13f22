"""The directory's records as staff name them: a centre (by its name, id or city, with typos), the place of an
event (a centre, or "City, address"), an upcoming event (by its title)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Centre, Event
from bot.nlu.places import NameIndex
from bot.normalise import fold
from bot.replies.cards import localised

MATCH_SCORE = 70
_NAMES = NameIndex()  # one index, re-read only when the directory changes


@dataclass(frozen=True)
class Place:
    """Where an event happens: a centre, or a city and an address."""

    centre: Optional[Centre]
    city: str
    address: Optional[str]

    def describe(self, language: str) -> str:
        """The place in a line: "Centro de Integración Atalaya (Cúcuta)", or "Jirón Huaraz 1345, Lima"."""
        if self.centre:
            return f"{localised(self.centre.name, language)} ({self.city})"
        return f"{self.address}, {self.city}"


def find_centre(session: Session, text: str) -> Optional[Centre]:
    """The centre whose id, name or city best matches `text` (fuzzy), if any matches well."""
    centres = list(session.execute(select(Centre)).scalars())
    choices = {}
    for centre in centres:
        names = centre.name.values() if isinstance(centre.name, dict) else [centre.name]
        for label in (*names, centre.id, f"{' '.join(names)} {centre.city}"):
            choices[fold(str(label))] = centre
    best = process.extractOne(fold(text), list(choices), scorer=fuzz.WRatio, score_cutoff=MATCH_SCORE)
    if best:
        return choices[best[0]]
    by_city = [centre for centre in centres if centre.city_key in {fold(place.name) for place in
                                                                    _NAMES.find_cities(text)}]
    return by_city[0] if len(by_city) == 1 else None


def read_place(session: Session, text: str) -> Optional[Place]:
    """A centre named in `text`, or "City, address"; None when neither can be read."""
    city_part, _, address = text.partition(",")
    cities = _NAMES.find_cities(city_part)
    if cities and address.strip():
        return Place(None, cities[0].name, address.strip())
    centre = find_centre(session, text)
    return Place(centre, centre.city, None) if centre else None


def find_event(session: Session, text: str, now: datetime) -> Optional[Event]:
    """The upcoming, not cancelled event whose title (either language) or id best matches `text`."""
    events = session.execute(select(Event).where(Event.cancelled.is_(False), Event.starts >= now)).scalars()
    choices = {}
    for event in events:
        titles = event.title.values() if isinstance(event.title, dict) else [event.title]
        for label in (*titles, event.id):
            choices[fold(str(label))] = event
    best = process.extractOne(fold(text), list(choices), scorer=fuzz.WRatio, score_cutoff=MATCH_SCORE)
    return choices[best[0]] if best else None
