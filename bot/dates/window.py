"""The time window of an events question: today, tomorrow, this week, this weekend, a named day or date.

Named windows are recognised by their words in Spanish and English; a weekday
or a date ("el viernes", "5 de diciembre", "Dec 5", "5/12", "pasado mañana") is
read by `bot.dates.reading`, towards the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional

from babel.dates import format_date

from bot.dates.reading import calendar_day
from bot.normalise import fold
from bot.texts import Texts

_NAMED = [
    ("weekend", r"\b(?:fin de semana|finde|weekend)\b"),
    ("next_week", r"\b(?:proxima semana|semana que viene|siguiente semana|next week)\b"),
    ("this_week", r"\b(?:esta semana|this week|la semana)\b"),
    ("this_month", r"\b(?:este mes|this month)\b"),
    ("tomorrow", r"^(?:.*\s)?(?<!pasado )(?<!after )(?:manana|tomorrow|tmrw)(?:\s(?!por la|en la)|$)"),
    ("today", r"\b(?:hoy|today|tonight|esta noche|esta tarde|ahorita|now|ahora)\b"),
]


@dataclass(frozen=True)
class Window:
    """A time window for events: a kind, and the day for kind "day"."""

    kind: str = "upcoming"
    day: Optional[date] = None

    def bounds(self, now: datetime) -> tuple[datetime, Optional[datetime]]:
        """Local start and end (None: open-ended) of the window seen at local time `now`."""
        today = datetime.combine(now.date(), datetime.min.time())
        if self.kind == "today":
            return now, today + timedelta(days=1)
        if self.kind == "tomorrow":
            return today + timedelta(days=1), today + timedelta(days=2)
        if self.kind == "this_week":
            return now, today + timedelta(days=7 - now.weekday())
        if self.kind == "next_week":
            monday = today + timedelta(days=7 - now.weekday())
            return monday, monday + timedelta(days=7)
        if self.kind == "weekend":
            saturday = today + timedelta(days=(5 - now.weekday()) % 7 if now.weekday() != 6 else -1)
            return max(now, saturday), saturday + timedelta(days=2)
        if self.kind == "this_month":
            first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            return now, first_next
        if self.kind == "day" and self.day:
            start = datetime.combine(self.day, datetime.min.time())
            return start, start + timedelta(days=1)
        return now, None

    def label(self, texts: Texts) -> str:
        """The window in words, in the language of `texts`."""
        if self.kind == "day" and self.day:
            return texts("text_window_day", date=format_date(self.day, texts("text_date_format"),
                                                              locale=texts.language))
        return texts(f"text_window_{self.kind}")


def parse_window(text: Optional[str], now: datetime) -> Window:
    """The window an events question asks about (default: upcoming), seen at local time `now`."""
    folded = fold(text or "")
    for kind, pattern in _NAMED:
        if re.search(pattern, folded):
            return Window(kind)
    day = calendar_day(folded, now)
    return Window("day", day) if day else Window()
