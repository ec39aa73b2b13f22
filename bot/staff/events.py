"""Events staff publish or cancel: each read from what they typed, described for confirmation, then applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Optional

from sqlalchemy.orm import Session

from bot.dates import reading, stored
from bot.directory import queries
from bot.directory.categories import CATEGORIES, categories_in
from bot.directory.models import Event, Staff
from bot.normalise import fold, words
from bot.replies.cards import event_card, localised
from bot.staff.change import Change
from bot.staff.lookup import Place, read_place
from bot.texts import Texts

_NONE = {"no", "ninguna", "ninguno", "nada", "none", "skip", "sin descripcion", "no description", "-"}


def read_category(text: str) -> Optional[str]:
    """The single category `text` names (by its key or its words), else None."""
    folded = fold(text)
    if folded in CATEGORIES:
        return folded
    found = categories_in(text)
    return found[0] if len(found) == 1 else None


def read_description(text: str) -> str:
    """The description, or "" when the staff member says there is none ("no", "ninguna", "skip")."""
    return "" if fold(text).strip(" .!") in _NONE else text.strip()


def read_start(session: Session, place: Optional[Place], text: str) -> Optional[datetime]:
    """When an event at `place` starts, from "el viernes a las 3 pm" (its city's local time); None when that is
    not a clear moment to come."""
    return reading.moment(text, queries.local_now(session, place.city if place else ""))


def _history(event: Event) -> dict:
    """An event as the change history keeps it."""
    return {"title": event.title, "city": event.city, "centre": event.centre_id, "address": event.address,
            "starts": stored.moment_text(event.starts), "category": event.category,
            "description": event.description, "cancelled": event.cancelled}


def _slug(text: str) -> str:
    return "-".join(words(text))[:40] or "event"


@dataclass(frozen=True)
class PublishEvent(Change):
    """A new event: its title, place, local start, category and description (possibly "")."""

    title: str
    place: Place
    starts: datetime
    category: str
    description: str

    kind: ClassVar[str] = "event.publish"
    confirm: ClassVar[str] = "text_confirm_publish"

    @classmethod
    def read(cls, session: Session, title: str, place: str, starts: str, category: str,
             description: str) -> Optional[PublishEvent]:
        """The event staff described in their answers, None when one of them no longer reads (a date passed)."""
        where = read_place(session, place)
        when = read_start(session, where, starts) if where else None
        topic = read_category(category)
        if where is None or when is None or topic is None:
            return None
        return cls(title.strip(), where, when, topic, read_description(description))

    @property
    def city(self) -> str:
        """The city the event is in."""
        return self.place.city

    def describe(self, texts: Texts) -> str:
        """Asks to publish it: title, date and time, place, category and description."""
        lines = [self.title, f"🗓️ {self.starts:%Y-%m-%d %H:%M}", f"📍 {self.place.describe(texts.language)}",
                 texts(f"text_category_{self.category}"), *([self.description] if self.description else [])]
        return texts(self.confirm, card="\n".join(lines))

    def emphasis(self, texts: Texts) -> list[str]:
        """The event's title."""
        return [self.title]

    @property
    def ident(self) -> str:
        """The id the event is published with: city, start and title ("lima-202612031500-taller-de-...")."""
        return f"{_slug(self.place.city)}-{self.starts:%Y%m%d%H%M}-{_slug(self.title)}"

    def apply(self, session: Session, member: Staff) -> Event:
        """Add the event to the directory (replacing one of the same id), recorded with who published it."""
        centre = self.place.centre
        event = Event(id=self.ident, title=self.title, category=self.category,
                      centre_id=centre.id if centre else None, city=self.place.city, city_key=fold(self.place.city),
                      address=self.place.address, starts=self.starts, description=self.description or None,
                      cancelled=False, extra={"published_by": member.name})
        session.merge(event)
        self.record(session, member, self.ident, None, _history(event))
        return event

    def done(self, texts: Texts) -> str:
        """Says it is published, and where people see it."""
        return texts("text_published", city=self.place.city)


@dataclass(frozen=True)
class CancelEvent(Change):
    """An upcoming event to cancel: it stays in the directory, marked cancelled, and is no longer listed."""

    event: Event

    kind: ClassVar[str] = "event.cancel"
    confirm: ClassVar[str] = "text_confirm_cancel"

    @classmethod
    def read(cls, session: Session, event_id: str) -> Optional[CancelEvent]:
        """The cancellation of the event with id `event_id` (as `lookup.find_event` found it), None if it is gone."""
        event = session.get(Event, event_id) if event_id else None
        return cls(event) if event is not None else None

    @property
    def city(self) -> str:
        """The city the event is in."""
        return self.event.city

    def describe(self, texts: Texts) -> str:
        """Asks to cancel it, with the event's card."""
        return texts(self.confirm, card=event_card(texts, self.event))

    def emphasis(self, texts: Texts) -> list[str]:
        """The event's title."""
        return [localised(self.event.title, texts.language)]

    def apply(self, session: Session, member: Staff) -> Event:
        """Mark the event cancelled, recorded with who cancelled it."""
        before = _history(self.event)
        self.event.cancelled = True
        self.record(session, member, self.event.id, before, _history(self.event))
        return self.event

    def done(self, texts: Texts) -> str:
        """Says it is cancelled."""
        return texts("text_event_cancelled")
