"""The time window of an events question: today, tomorrow, this week, this weekend, a named day or date.

Named windows are recognised by their words in Spanish and English; a weekday
or a date ("el viernes", "5 de diciembre", "Dec 5", "5/12") is read with
dateparser, preferring the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional

import dateparser
from babel.dates import format_date

from bot.dates.day_names import WEEKDAYS
from bot.normalise import fold
from bot.texts import Texts

_NAMED = [
    ("weekend", r"\b(?:fin de semana|finde|weekend)\b"),
    ("next_week", r"\b(?:proxima semana|semana que viene|siguiente semana|next week)\b"),
    ("this_week", r"\b(?:esta semana|this week|la semana)\b"),
    ("this_month", r"\b(?:este mes|this month)\b"),
    ("tomorrow", r"^(?:.*\s)?(?:manana|tomorrow|tmrw)(?:\s(?!por la|en la)|$)"),
    ("today", r"\b(?:hoy|today|tonight|esta noche|esta tarde|ahorita|now|ahora)\b"),
]
_MONTH = (r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
          r"january|february|march|april|may|june|july|august|september|october|november|december|"
          r"ene|feb|mar|abr|jun|jul|ago|sep|sept|oct|nov|dic|dec|jan|aug")
_DATE = re.compile(rf"\b(?:\d{{1,2}}(?:\s+de)?\s+(?:{_MONTH})\b|(?:{_MONTH})\s+\d{{1,2}}\b|\d{{1,2}}/\d{{1,2}}\b"
                   rf"|(?:el |this |next |on |este |proximo )?(?:{WEEKDAYS})\b)")
_LEADING = re.compile(r"^(?:el|this|next|on|este|proximo)\s+")


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
    if "pasado manana" in folded or "day after tomorrow" in folded:
        return Window("day", now.date() + timedelta(days=2))
    for kind, pattern in _NAMED:
        if re.search(pattern, folded):
            return Window(kind)
    match = _DATE.search(folded)
    if match:
        parsed = dateparser.parse(_LEADING.sub("", match.group(0)),
                                  languages=["es", "en"],
                                  settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now,
                                            "DATE_ORDER": "DMY"})
        if parsed:
            day = parsed.date()
            if day < now.date() and match.group(0)[0].isdigit():
                day = day.replace(year=day.year + 1)
            return Window("day", day)
    return Window()
