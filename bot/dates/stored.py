"""Dates and times as the directory stores them: a local date-time "YYYY-MM-DDTHH:MM" and an opening range
"HH:MM-HH:MM" (minutes after midnight, 24:00 the end of the day)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

DAY_MINUTES = 24 * 60
_SPAN = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Span:
    """An opening range of one day, in minutes after local midnight."""

    start: int
    end: int

    @property
    def ordered(self) -> bool:
        """Whether the range ends after it starts, within the day (24:00 at the latest)."""
        return 0 <= self.start < self.end <= DAY_MINUTES

    def __str__(self) -> str:
        """The range as the directory stores it: "08:00-16:00"."""
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"


def span(text: str) -> Optional[Span]:
    """The range of a stored "HH:MM-HH:MM" (whether or not it is ordered), None when `text` is not of that form."""
    match = _SPAN.match(text.strip())
    if not match:
        return None
    return Span(int(match[1]) * 60 + int(match[2]), int(match[3]) * 60 + int(match[4]))


def moment(value: Any) -> Optional[datetime]:
    """A local date-time from a stored value ("2026-12-05T09:00", "2026-12-05 09:00", a date or datetime),
    without time zone; None when it is not one."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace(" ", "T", 1)).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def moment_text(value: datetime) -> str:
    """A local date-time as the directory writes it: YYYY-MM-DDTHH:MM (with :SS only when there are seconds)."""
    return value.isoformat(timespec="seconds" if value.second else "minutes")
