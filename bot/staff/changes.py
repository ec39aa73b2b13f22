"""What staff change in the directory through a conversation: events published or cancelled, centres' hours
and phones. Each change is made in one transaction, recorded (who, when, before, after) and bumps the
directory's version, so people see it on their next question.

The readers here turn what staff write ("el viernes a las 3 pm", "lunes a viernes 8:00-16:00",
"Centro Atalaya") into directory values; each returns None when it cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

import dateparser
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.dates import day_names
from bot.directory import db
from bot.directory.categories import CATEGORIES, categories_in
from bot.directory.file_format import format_time, parse_hours, parse_time
from bot.directory.hours import DAYS
from bot.directory.models import Centre, Event, Staff
from bot.nlu.places import NameIndex
from bot.normalise import fold, words
from bot.staff import members

MATCH_SCORE = 70
_NAMES = NameIndex()  # one index, re-read only when the directory changes
_CLOCK = r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_RANGE = re.compile(rf"{_CLOCK}\s*(?:-|–|a|to|hasta)\s*{_CLOCK}")
_DAYS = re.compile(rf"\b({day_names.ANY})\b(?:\s*(?:-|–|a|to|al|hasta)\s*\b({day_names.ANY})\b)?")
_PHONE = re.compile(r"^\+?[\d\s().-]{6,25}$")
_NONE = {"no", "ninguna", "ninguno", "nada", "none", "skip", "sin descripcion", "no description", "-"}


@dataclass(frozen=True)
class Place:
    """Where an event happens: a centre, or a city and an address."""

    centre: Optional[Centre]
    city: str
    address: Optional[str]

    def describe(self, language: str) -> str:
        """The place in a line."""
        if self.centre:
            name = self.centre.name.get(language) if isinstance(self.centre.name, dict) else self.centre.name
            return f"{name} ({self.city})"
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


def read_when(text: str, now: datetime) -> Optional[datetime]:
    """A future local date-time from natural language in Spanish or English, None if none is clear."""
    cleaned = re.sub(r"^\s*(?:el|la|on|this|next|este|proximo)\s+", "", fold(text))
    moment = parse_time(cleaned) or dateparser.parse(cleaned, languages=["es", "en"],
                              settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now,
                                        "RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": "DMY"})
    if moment is None or moment <= now:
        return None
    return moment.replace(second=0, microsecond=0)


def read_category(text: str) -> Optional[str]:
    """The single category `text` names (by its key or its words), else None."""
    folded = fold(text)
    if folded in CATEGORIES:
        return folded
    found = categories_in(text)
    return found[0] if len(found) == 1 else None


def read_description(text: str) -> str:
    """The description, or "" when the staff member says there is none."""
    return "" if fold(text).strip(" .!") in _NONE else text.strip()


def _minutes(hour: str, minute: Optional[str], half: Optional[str]) -> int:
    value = int(hour) % 12 + (12 if half and half.startswith("p") else 0) if half else int(hour)
    return value * 60 + int(minute or 0)


def read_hours(text: str) -> Optional[dict]:
    """Opening hours from "lunes a viernes 8:00-16:00; sábado 8-12" (or English); None if unreadable."""
    hours: dict[str, str] = {}
    for chunk in re.split(r"[;\n]|,(?=\s*[^\d\s])", fold(text)):
        days, ranges = _DAYS.search(chunk), _RANGE.findall(chunk)
        if not days or not ranges:
            if chunk.strip():
                return None
            continue
        first = day_names.INDEX[days.group(1)]
        last = day_names.INDEX[days.group(2)] if days.group(2) else first
        spans = []
        for start_h, start_m, start_half, end_h, end_m, end_half in ranges:
            start, end = _minutes(start_h, start_m, start_half), _minutes(end_h, end_m, end_half)
            spans.append(f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
        for index in range(first, last + 1):
            hours[DAYS[index]] = ", ".join(spans)
    if not hours or parse_hours(hours) is not None:
        return None
    return {day: hours[day] for day in DAYS if day in hours}


def read_phone(text: str) -> Optional[str]:
    """A phone number as written, when it looks like one (at least 6 digits)."""
    value = text.strip()
    return value if _PHONE.match(value) and sum(char.isdigit() for char in value) >= 6 else None


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


def _slug(text: str) -> str:
    return "-".join(words(text))[:40] or "event"


def _event_values(event: Event) -> dict:
    return {"title": event.title, "city": event.city, "centre": event.centre_id, "address": event.address,
            "starts": format_time(event.starts), "category": event.category, "description": event.description,
            "cancelled": event.cancelled}


def publish_event(session: Session, member: Staff, title: str, place: Place, starts: datetime, category: str,
                  description: str) -> Event:
    """Add an event to the directory and record who did it."""
    ident = f"{_slug(place.city)}-{starts:%Y%m%d%H%M}-{_slug(title)}"
    event = Event(id=ident, title=title, category=category, centre_id=place.centre.id if place.centre else None,
                  city=place.city, city_key=fold(place.city), address=place.address, starts=starts,
                  description=description or None, cancelled=False, extra={"published_by": member.name})
    session.merge(event)
    members.record_change(session, member, "event.publish", ident, None, _event_values(event))
    db.bump_version(session)
    return event


def cancel_event(session: Session, member: Staff, event_id: str) -> Optional[Event]:
    """Mark an event cancelled (it is no longer listed) and record it; None if there is no such event."""
    event = session.get(Event, event_id)
    if event is None:
        return None
    before = _event_values(event)
    event.cancelled = True
    members.record_change(session, member, "event.cancel", event_id, before, _event_values(event))
    db.bump_version(session)
    return event


def update_centre(session: Session, member: Staff, centre_id: str, field: str, value) -> Optional[Centre]:
    """Set a centre's `hours` (a mapping) or `phone` and record the change; None if there is no such centre."""
    centre = session.get(Centre, centre_id)
    if centre is None or field not in ("hours", "phone"):
        return None
    before = {field: getattr(centre, field)}
    setattr(centre, field, value)
    members.record_change(session, member, f"centre.{field}", centre_id, before, {field: value})
    db.bump_version(session)
    return centre
