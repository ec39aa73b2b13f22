"""Changes to a centre staff make: its opening hours or its phone, each read from what they typed, described
with the value before and after, then applied."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Optional

from sqlalchemy.orm import Session

from bot.dates import reading
from bot.directory.models import Centre, Staff
from bot.normalise import fold
from bot.replies.cards import hours_text, localised
from bot.staff.change import Change
from bot.texts import Texts

_PHONE = re.compile(r"^\+?[\d\s().-]{6,25}$")


def read_phone(text: str) -> Optional[str]:
    """A phone number as written, when it looks like one (at least 6 digits)."""
    value = text.strip()
    return value if _PHONE.match(value) and sum(char.isdigit() for char in value) >= 6 else None


@dataclass(frozen=True)
class CentreChange(Change, ABC):
    """A new value for one field of a centre."""

    centre: Centre
    value: Any

    field: ClassVar[str]  # the centre's field: "hours", "phone"
    words: ClassVar[re.Pattern]  # how staff name the field (folded)
    invalid: ClassVar[str]  # the domain.yml text that says a value does not read
    confirm: ClassVar[str] = "text_confirm_update"

    @staticmethod
    @abstractmethod
    def read_value(text: str) -> Any:
        """The field's value from what staff typed, None when it does not read."""

    @abstractmethod
    def shown(self, texts: Texts, value: Any) -> str:
        """A value of the field, written out for the staff member."""

    @classmethod
    def read(cls, session: Session, centre_id: str, text: str) -> Optional[CentreChange]:
        """The change of centre `centre_id` to the value in `text`; None when the centre is gone or `text` does
        not read."""
        centre = session.get(Centre, centre_id) if centre_id else None
        value = cls.read_value(text or "")
        return cls(centre, value) if centre is not None and value is not None else None

    @property
    def city(self) -> str:
        """The centre's city."""
        return self.centre.city

    def describe(self, texts: Texts) -> str:
        """Asks to change the field of the centre, with its value before and after."""
        return texts(self.confirm, field=texts(f"text_field_{self.field}"), centre=self._name(texts),
                     before=self.shown(texts, getattr(self.centre, self.field)), after=self.shown(texts, self.value))

    def emphasis(self, texts: Texts) -> list[str]:
        """The centre's name."""
        return [self._name(texts)]

    def apply(self, session: Session, member: Staff) -> Centre:
        """Set the field, recorded with who changed it and the value before."""
        before = {self.field: getattr(self.centre, self.field)}
        setattr(self.centre, self.field, self.value)
        self.record(session, member, self.centre.id, before, {self.field: self.value})
        return self.centre

    def done(self, texts: Texts) -> str:
        """Says which centre is updated."""
        return texts("text_centre_updated", centre=self._name(texts))

    def _name(self, texts: Texts) -> str:
        return localised(self.centre.name, texts.language)


class ChangeHours(CentreChange):
    """New opening hours, from "lunes a viernes 8:00-16:00; sábado 8-12" or "Mon-Fri 8am-4pm"."""

    kind = "centre.hours"
    field = "hours"
    words = re.compile(r"\b(?:horario\w*|hora\w*|hours?|schedule|abre|open\w*)\b")
    invalid = "text_invalid_hours"

    @staticmethod
    def read_value(text: str) -> Optional[dict]:
        """The week's hours as the directory stores them (`bot.dates.reading.weekly_hours`)."""
        return reading.weekly_hours(text)

    def shown(self, texts: Texts, value: Optional[dict]) -> str:
        """The hours by day, in the staff member's language."""
        return hours_text(texts, value)


class ChangePhone(CentreChange):
    """A new phone number, kept as written."""

    kind = "centre.phone"
    field = "phone"
    words = re.compile(r"\b(?:telefono\w*|phone|numero|number|tel|celular|whatsapp)\b")
    invalid = "text_invalid_phone"

    @staticmethod
    def read_value(text: str) -> Optional[str]:
        """The number, when it looks like one (`read_phone`)."""
        return read_phone(text)

    def shown(self, texts: Texts, value: Optional[str]) -> str:
        """The number, or a dash when there is none."""
        return value or "—"


CENTRE_CHANGES: dict[str, type[CentreChange]] = {kind.field: kind for kind in (ChangeHours, ChangePhone)}


def read_field(text: str) -> Optional[str]:
    """The field of a centre that `text` names ("horario", "phone"), hours first; None when neither."""
    folded = fold(text)
    return next((field for field, kind in CENTRE_CHANGES.items() if kind.words.search(folded)), None)
