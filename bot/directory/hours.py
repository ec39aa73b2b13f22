"""Opening hours: open now, when next open, and days grouped for writing out.

Hours are a mapping of day (mon..sun) to "HH:MM-HH:MM" ranges separated by
commas, in the local time of the place; a missing day is closed.
"""

from __future__ import annotations

import functools
from datetime import datetime, time, timedelta
from typing import Optional

from bot.dates import day_names, stored

DAYS = day_names.KEYS  # mon..sun, as the directory stores days


def day_ranges(hours: Optional[dict], day: str) -> list[tuple[time, time]]:
    """The opening ranges of `day` (mon..sun), in order; empty when closed."""
    return list(_ranges(str((hours or {}).get(day) or "")))


@functools.lru_cache(maxsize=4096)
def _ranges(written: str) -> tuple[tuple[time, time], ...]:
    """"08:00-12:00, 14:00-17:00" read once (`bot.dates.stored.span`): a directory repeats the same few hours
    in every answer."""
    return tuple(sorted((_clock(found.start), _clock(found.end))
                        for found in (stored.span(part) for part in written.split(",")) if found))


def _clock(minutes: int) -> time:
    return time(23, 59, 59) if minutes >= stored.DAY_MINUTES else time(minutes // 60, minutes % 60)


def is_open(hours: Optional[dict], now: datetime) -> bool:
    """Whether a place with `hours` is open at local time `now`."""
    return any(start <= now.time() < end for start, end in day_ranges(hours, DAYS[now.weekday()]))


def closes_at(hours: Optional[dict], now: datetime) -> Optional[time]:
    """When the range open at `now` ends (None when closed)."""
    return next((end for start, end in day_ranges(hours, DAYS[now.weekday()]) if start <= now.time() < end),
                None)


def next_opening(hours: Optional[dict], now: datetime) -> Optional[datetime]:
    """The next local time after `now` at which the place opens (None if it never opens)."""
    for offset in range(8):
        day = (now + timedelta(days=offset)).date()
        for start, _ in day_ranges(hours, DAYS[day.weekday()]):
            moment = datetime.combine(day, start)
            if moment > now:
                return moment
    return None


def after_open_time(hours: Optional[dict], start: datetime, seconds: float) -> Optional[datetime]:
    """The local moment by which a place with `hours` has been open `seconds` in all since local `start`
    ("two working hours after"); None when it is not open that long in the two weeks after `start`."""
    left = timedelta(seconds=seconds)
    for offset in range(15):
        day = (start + timedelta(days=offset)).date()
        for opens, closes in day_ranges(hours, DAYS[day.weekday()]):
            begin, end = max(datetime.combine(day, opens), start), datetime.combine(day, closes)
            if end <= begin:
                continue
            if end - begin >= left:
                return begin + left
            left -= end - begin
    return None


def grouped(hours: Optional[dict]) -> list[tuple[list[str], str]]:
    """Runs of consecutive days with the same hours: [(["mon", ..., "fri"], "08:00-17:00"), ...]."""
    groups: list[tuple[list[str], str]] = []
    for day in DAYS:
        value = ", ".join(f"{start:%H:%M}-{end:%H:%M}".replace("23:59", "24:00")
                          for start, end in day_ranges(hours, day))
        if not value:
            continue
        if groups and groups[-1][1] == value and DAYS.index(groups[-1][0][-1]) == DAYS.index(day) - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], value))
    return groups
