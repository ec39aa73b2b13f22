"""Dates and times as people write them, in Spanish or English, with or without accents: a day of the week, a
date, a time of day, an opening range, a week's opening hours, and the moment something starts.

Every reader returns None when what it is given does not clearly say one. Dates are read from `now` (the
local time of the place concerned) towards the future; days and ranges are given as the directory stores them
(`bot.dates.stored`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

import dateparser
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.dates import day_names, stored
from bot.dates.stored import Span
from bot.normalise import fold

_HALF_DAY = 12 * 60
_WHOLE_NAMES = [name for name in day_names.INDEX if len(name) >= 5]  # the names a typo is forgiven in
_HALF = (r"(a\.?\s?m\.?(?![a-z])|p\.?\s?m\.?(?![a-z])|(?:de|por|en) la (?:manana|tarde|noche)"
         r"|in the (?:morning|afternoon|evening)|at night)")
_EVENING = re.compile(r"^p|tarde|noche|afternoon|evening|night")


# A time of day as written, in 4 groups: hour, minutes, an hour word ("14h", "14 horas"), a half of the day.
_CLOCK = rf"(?<![\d/:.])(\d{{1,2}})(?:\s*[:h.]\s*([0-5]\d))?(?:\s*(h|hrs?|horas?)\b)?(?:\s*{_HALF})?"
_TIME = re.compile(rf"(\b(?:a las?|a la|at|@)\s+)?{_CLOCK}(?![\d/:])")
_NOON = {r"\b(?:mediodia|medio dia|noon)\b": 12 * 60, r"\b(?:medianoche|midnight)\b": 0}
_SPAN = re.compile(rf"{_CLOCK}\s*(?:-|–|a|al|to|hasta|till|until)\s*(?:las?\s+)?{_CLOCK}(?![\d/:])")
_MONTH = (r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
          r"january|february|march|april|may|june|july|august|september|october|november|december|"
          r"ene|feb|mar|abr|jun|jul|ago|sep|sept|oct|nov|dic|dec|jan|aug")
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE = re.compile(rf"\b(?:\d{{1,2}}{_ORDINAL}(?:\s+de|\s+of)?\s+(?:{_MONTH})\b(?:,?\s+(?:del?\s+)?\d{{4}}\b)?"
                   rf"|(?:{_MONTH})\s+\d{{1,2}}{_ORDINAL}\b(?:,?\s+\d{{4}}\b)?"
                   rf"|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?(?![\d/]))")
_YEAR = re.compile(r"\d{4}|/\d{1,2}/\d{2}")
_WEEKDAY = re.compile(rf"\b({day_names.WEEKDAYS})\b")  # "mar" alone is no Tuesday here: the sea, March
_RELATIVE = ((re.compile(r"\b(?:pasado manana|day after tomorrow)\b"), 2),
             (re.compile(r"\b(?:hoy|today|tonight|esta noche)\b"), 0),
             (re.compile(r"(?<!la )\b(?:manana|tomorrow|tmrw)\b"), 1))
_FILLER = re.compile(r"\b(?:el|la|las|los|a|at|on|this|este|esta|de|del|the|medio ?dia|noon)\b|[\s,.:;!?¿¡]+")
_BLANK = re.compile(r"^[\s,.:;]*$")
_THROUGH = re.compile(r"^\s*(?:-|–|a|al|to|hasta|through|thru)\s*$")
_DAY_GROUPS = ((re.compile(r"\b(?:todos los dias|todo los dias|diario|diariamente|every ?day|daily)\b"), range(7)),
               (re.compile(r"\b(?:entre semana|dias habiles|dias de semana|weekdays)\b"), range(5)),
               (re.compile(r"\b(?:fines? de semana|weekends?)\b"), range(5, 7)))
_CLOSED = re.compile(r"\b(?:cerrado|closed)\b")
_FUTURE = {"PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False, "DATE_ORDER": "DMY"}  # dateparser's


def weekday(word: str) -> Optional[int]:
    """The day of the week (0 for Monday) that one word names, where a day is expected: whole or short
    ("miércoles", "miercoles", "mié", "wed"), plural ("sábados", "fridays"), or a whole name one letter off
    ("viernez"; two letters off for the long ones: "wednsday", "miercols")."""
    word = fold(word)
    for candidate in (word, word[:-1] if word.endswith("s") else ""):
        if candidate in day_names.INDEX:
            return day_names.INDEX[candidate]
    if len(word) < 5:
        return None
    closest = process.extractOne(word, _WHOLE_NAMES, scorer=Levenshtein.distance,
                                 score_cutoff=2 if len(word) >= 8 else 1)
    return day_names.INDEX[closest[0]] if closest else None


def calendar_day(text: str, now: datetime) -> Optional[date]:
    """The date `text` names, seen at local time `now`: a date ("5 de diciembre", "Dec 5th", "5/12", with or
    without a year; the next one to come when the year is not written), else a day of the week (the next one:
    a week from today when it is today's), else "hoy", "mañana", "pasado mañana" (and English)."""
    folded = fold(text)
    written = _DATE.search(folded)
    if written:
        return _date(written.group(0), now)
    named = _WEEKDAY.search(folded)
    if named:
        return now.date() + timedelta(days=(day_names.INDEX[named.group(1)] - now.weekday()) % 7 or 7)
    return next((now.date() + timedelta(days=days) for pattern, days in _RELATIVE if pattern.search(folded)), None)


def _date(written: str, now: datetime) -> Optional[date]:
    parsed = dateparser.parse(written, languages=["es", "en"],
                              settings={"PREFER_DATES_FROM": "current_period", "RELATIVE_BASE": now,
                                        "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month"]})
    if parsed is None:
        return None
    day = parsed.date()
    if day < now.date() and not _YEAR.search(written):
        try:
            return day.replace(year=day.year + 1)
        except ValueError:  # 29 February
            return None
    return day


def clock(text: str) -> Optional[time]:
    """The time of day `text` is, written alone: "15:00", "3 pm", "3 p. m.", "a las 3 de la tarde", "8h30",
    "14h", "mediodía", "noon"."""
    folded = fold(text)
    noon = next((minutes for pattern, minutes in _NOON.items() if re.fullmatch(pattern, folded)), None)
    if noon is not None:
        return _time(noon)
    match = _TIME.fullmatch(folded)
    return _time(_minutes(match[2], match[3], match[5])) if match else None


def _time(minutes: Optional[int]) -> Optional[time]:
    """The time of day `minutes` after midnight, None for none (or for 24:00, the end of a day)."""
    return time(minutes // 60, minutes % 60) if minutes is not None and minutes < 24 * 60 else None


def _minutes(hour: str, minute: Optional[str], half: Optional[str]) -> Optional[int]:
    """Minutes after midnight of a clock as written (24:00 allowed), None when no clock has that time."""
    value = int(hour)
    if half:
        if not 1 <= value <= 12:
            return None
        value = value % 12 + (12 if _EVENING.search(half) else 0)
    elif value > 24:
        return None
    return value * 60 + int(minute or 0)


def span(text: str) -> Optional[Span]:
    """The first opening range in `text`: "08:00-16:00", "8am to 4pm", "de 8 a 16", "8-4" (read as 8 to 16),
    "de 2 a 6 de la tarde"; None when there is none, or it does not end after it starts."""
    match = _SPAN.search(fold(text))
    return _span(match) if match else None


def _span(match: re.Match) -> Optional[Span]:
    """The range of a `_SPAN` match; a half of the day written on one end only tells the other (see `span`)."""
    first_half, second_half = match[4], match[8]
    first, second = _minutes(match[1], match[2], first_half), _minutes(match[5], match[6], second_half)
    if first is None or second is None:
        return None
    if not first_half and second_half and _EVENING.search(second_half) and first + _HALF_DAY < second:
        first += _HALF_DAY  # "de 2 a 6 de la tarde"
    in_the_afternoon = not second_half and second < min(first, _HALF_DAY) and first < second + _HALF_DAY
    if in_the_afternoon and (first < _HALF_DAY or first_half):  # "8-4", "de 9 a 1", "2pm-6"; never "16-8"
        second += _HALF_DAY
    found = Span(first, second)
    return found if found.ordered else None


def weekly_hours(text: str) -> Optional[dict[str, str]]:
    """A week's opening hours as the directory stores them ({"mon": "08:00-16:00", ...}) from what staff write:
    "lunes a viernes 8:00-16:00; sábado 8-12", "lun, mie y vie de 9 a 1", "Mon-Fri 8am-4pm, Sat 9-12",
    "8-16 de lunes a viernes", "todos los días 8-16, domingo cerrado". A day named twice keeps the last hours.
    None when a part of it names days without hours (or hours without days), or a range that is no range."""
    week: dict[int, list[Span]] = {}
    for chunk in re.split(r"[;\n]", fold(text)):
        pairs = _pairs(chunk)
        if pairs is None:
            return None
        for days, spans in pairs:
            week.update((day, spans) for day in days)
    hours = {day_names.KEYS[day]: ", ".join(str(each) for each in week[day]) for day in sorted(week) if week[day]}
    return hours or None


@dataclass
class _Run:
    """Days, or opening ranges, written one after another in a week's hours, and where they are in the text."""

    start: int
    end: int
    of_days: bool
    values: list  # days (0 for Monday), or Spans ([] for "cerrado")
    one_day: bool = False  # it ends with a day named alone, which may begin a range of days ("lunes a viernes")


def _pairs(chunk: str) -> Optional[list[tuple[list[int], list[Span]]]]:
    """The days and their ranges in one part of a week's hours: each run of days beside its run of ranges, days
    first ("lunes a viernes 8-16, sábado 8-12") or ranges first ("8-16 de lunes a viernes")."""
    items = _items(chunk)
    if items is None:
        return None
    runs: list[_Run] = []
    for item in items:
        last = runs[-1] if runs else None
        if last is None or last.of_days != item.of_days:
            runs.append(item)
            continue
        through = last.one_day and item.one_day and bool(_THROUGH.match(chunk[last.end:item.start]))
        if through:
            first = last.values.pop()
            item.values = [(first + step) % 7 for step in range((item.values[0] - first) % 7 + 1)]
        last.values.extend(item.values)
        last.end, last.one_day = item.end, item.one_day and not through
    if not runs:
        return [] if _BLANK.match(chunk) else None
    if len(runs) % 2:
        return None
    pairs = []
    for days, spans in zip(runs[::2], runs[1::2], strict=True):
        if not days.of_days:
            days, spans = spans, days
        pairs.append((days.values, spans.values))
    return pairs


def _items(chunk: str) -> Optional[list[_Run]]:
    """The days and ranges written in `chunk`, each alone, in order; None when a range is no range ("16-8").
    A group of days ("todos los días", "weekdays") is one item of days, "cerrado" an item of no ranges."""
    found = []
    for match in _SPAN.finditer(chunk):
        span = _span(match)
        if span is None:
            return None
        found.append(_Run(match.start(), match.end(), False, [span]))
    found += [_Run(match.start(), match.end(), False, []) for match in _CLOSED.finditer(chunk)]
    found += [_Run(match.start(), match.end(), True, list(days))
              for pattern, days in _DAY_GROUPS for match in pattern.finditer(chunk)]
    taken = [(run.start, run.end) for run in found]
    for match in re.finditer(r"[a-z]+", chunk):
        day = weekday(match.group(0))
        if day is not None and not any(start <= match.start() < end for start, end in taken):
            found.append(_Run(match.start(), match.end(), True, [day], one_day=True))
    return sorted(found, key=lambda run: run.start)


def moment(text: str, now: datetime) -> Optional[datetime]:
    """The local date-time something starts, after `now`, from "el viernes a las 3 pm", "5 de diciembre a las
    9:00", "mañana 10am", "Friday at 3 pm", "3 pm" (today), "2026-12-05T09:00"; a date alone is at 00:00.
    None when no moment is clear, or it is not in the future."""
    value = stored.moment(text) or _spoken_moment(fold(text), now)
    if value is None or value <= now:
        return None
    return value.replace(second=0, microsecond=0)


def _spoken_moment(folded: str, now: datetime) -> Optional[datetime]:
    """A date and a time of day read apart (a time only where it cannot be a date's number: "a las 9",
    "9:00", "9 am", "14h"); what neither reads is left to dateparser."""
    found = _time_in(folded)
    if found is None:
        return None
    at, rest = found
    day = calendar_day(rest, now)
    if day is None and at is not None and not _FILLER.sub("", rest):
        day = now.date()
    if day is None:
        return dateparser.parse(re.sub(r"^(?:el|la|on|this|next|este|proximo)\s+", "", folded),
                                languages=["es", "en"], settings={**_FUTURE, "RELATIVE_BASE": now})
    return datetime.combine(day, at or time())


def _time_in(folded: str) -> Optional[tuple[Optional[time], str]]:
    """The time of day written in `folded` (None when it names none) and the text without it; None when it
    names one that no clock shows ("a las 25")."""
    for match in _TIME.finditer(folded):
        prefix, hour, minute, unit, half = match.groups()
        if prefix or minute or unit or half:
            at = _time(_minutes(hour, minute, half))
            return (at, f"{folded[:match.start()]} {folded[match.end():]}") if at else None
    for pattern, minutes in _NOON.items():
        noon = re.search(pattern, folded)
        if noon:
            return _time(minutes), f"{folded[:noon.start()]} {folded[noon.end():]}"
    return None, folded
