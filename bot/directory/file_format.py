"""The directory file (YAML, INTERFACES.md section 2): reading, checking, writing.

`parse` turns a file's text into records ready for the database and a list of
every problem found; a file with any problem is not to be loaded at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.dates import day_names, stored
from bot.dates.stored import moment_text as format_time  # noqa: F401 (the loader writes the file's dates with it)
from bot.directory.categories import CATEGORIES
from bot.normalise import fold

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")

COUNTRY_FIELDS = ("name", "timezone", "emergency")
LINE_KINDS = ("emergency", "crisis")  # an emergency line's optional `kind`; crisis: mental health, suicide
CENTRE_FIELDS = ("id", "name", "city", "country", "address", "phone", "whatsapp", "email",
                 "latitude", "longitude", "hours", "description", "staff_notes")
SERVICE_FIELDS = ("id", "name", "category", "centre", "city", "address", "phone", "hours",
                  "description", "requirements", "cost", "staff_notes")
EVENT_FIELDS = ("id", "title", "category", "centre", "city", "address", "starts", "ends",
                "description", "registration", "staff_notes")
SECTIONS = {"countries": COUNTRY_FIELDS, "centres": CENTRE_FIELDS, "services": SERVICE_FIELDS,
            "events": EVENT_FIELDS}


@dataclass
class Problem:
    """One thing wrong with a directory file: where, which field, what."""

    section: str
    index: int
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.section}[{self.index}] {self.record}: {self.field}: {self.message}"


@dataclass
class Parsed:
    """A directory file's records, keyed as the database stores them, and its problems."""

    countries: list[dict] = field(default_factory=list)
    centres: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_hours(value: Any) -> Optional[str]:
    """None when `value` is a valid hours mapping (day: "HH:MM-HH:MM[, HH:MM-HH:MM]"), else why not."""
    if not isinstance(value, dict):
        return "must be a mapping of days (mon..sun) to HH:MM-HH:MM"
    for day, ranges in value.items():
        if str(day).lower()[:3] not in day_names.KEYS:
            return f"unknown day {day!r} (use mon, tue, wed, thu, fri, sat, sun)"
        for part in str(ranges).split(","):
            span = stored.span(part)
            if span is None:
                return f"{day}: {part.strip()!r} is not HH:MM-HH:MM"
            if not span.ordered:
                return f"{day}: {part.strip()!r} does not end after it starts"
    return None


MAX_FILE_CHARS = 10_000_000  # a directory of every centre of three countries is far smaller
MAX_FIELD_CHARS = 5_000     # a description, requirements, an address
MAX_EXTRA_CHARS = 10_000    # the unknown keys of one record, as JSON


class _PlainLoader(yaml.SafeLoader):
    """YAML without anchors and aliases (&name, *name): a few hundred bytes of aliases can expand to gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(None, None, "anchors and aliases (&name, *name) are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    """The data of a YAML text, refusing anchors and aliases (yaml.YAMLError, with the place, when it has one)."""
    return yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - a SafeLoader that also refuses aliases


class _Checker:
    """Collects the problems of one record while reading its fields."""

    def __init__(self, parsed: Parsed, section: str, index: int, record: dict) -> None:
        self.parsed, self.section, self.index, self.record = parsed, section, index, record
        self.name = str(record.get("id") or record.get("name") or f"#{index + 1}")

    def problem(self, name: str, message: str) -> None:
        self.parsed.problems.append(Problem(self.section, self.index, self.name, name, message))

    def text(self, name: str, required: bool = False) -> Any:
        """A user-readable text: a non-empty string or a {es, en} mapping of strings."""
        value = self.record.get(name)
        if value is None or value == "":
            if required:
                self.problem(name, "is missing")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            return value if self.fits(name, value) else None
        if isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, (str, int, float))
                                                     for k, v in value.items()):
            if not any(key in value for key in ("es", "en")):
                self.problem(name, "a mapping must give es and/or en")
            texts = {key: str(text) for key, text in value.items()}
            return texts if all(self.fits(f"{name}.{key}", text) for key, text in texts.items()) else None
        self.problem(name, "must be a text or a mapping {es: ..., en: ...}")
        return None

    def string(self, name: str, required: bool = False) -> Optional[str]:
        value = self.record.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(name, "is missing")
            return None
        if isinstance(value, (dict, list)):
            self.problem(name, "must be a plain value")
            return None
        value = str(value).strip()
        return value if self.fits(name, value) else None

    def fits(self, name: str, value: str, limit: int = MAX_FIELD_CHARS) -> bool:
        """Whether `value` is at most `limit` characters; a problem naming the field otherwise."""
        if len(value) <= limit:
            return True
        self.problem(name, f"is {len(value):,} characters long; at most {limit:,} are allowed")
        return False

    def identifier(self, seen: set[str]) -> Optional[str]:
        value = self.string("id", required=True)
        if value is None:
            return None
        if not _ID.match(value):
            self.problem("id", f"{value!r} is not a slug (letters, digits, - _ . :)")
        elif value in seen:
            self.problem("id", f"duplicate id {value!r}")
        seen.add(value)
        return value

    def coordinate(self, name: str, limit: float) -> Optional[float]:
        value = self.record.get(name)
        if value is None:
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.problem(name, f"{value!r} is not a number")
            return None
        if not -limit <= number <= limit:
            self.problem(name, f"{number} is out of range (-{limit:g} to {limit:g})")
        return number

    def hours(self) -> Optional[dict]:
        value = self.record.get("hours")
        if value is None:
            return None
        why = parse_hours(value)
        if why:
            self.problem("hours", why)
            return None
        return {str(day).lower()[:3]: ", ".join(part.strip() for part in str(ranges).split(","))
                for day, ranges in value.items()}

    def category(self, required: bool) -> Optional[str]:
        value = self.string("category", required=required)
        if value is not None and value not in CATEGORIES:
            self.problem("category", f"unknown category {value!r} (one of {', '.join(CATEGORIES)})")
        return value

    def moment(self, name: str, required: bool) -> Optional[datetime]:
        value = self.record.get(name)
        if value is None or value == "":
            if required:
                self.problem(name, "is missing")
            return None
        moment = stored.moment(value)
        if moment is None:
            self.problem(name, f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)")
        return moment

    def extra(self, known: Iterable[str]) -> dict:
        """The record's unknown keys, kept as they are (a problem when they are too big to keep)."""
        extra = {key: value for key, value in self.record.items() if key not in known}
        size = len(json.dumps(extra, ensure_ascii=False, default=str))
        if size > MAX_EXTRA_CHARS:
            self.problem("unknown keys", f"hold {size:,} characters; at most {MAX_EXTRA_CHARS:,} are kept")
            return {}
        return extra


def _records(data: dict, section: str, parsed: Parsed) -> list[tuple[int, dict]]:
    value = data.get(section)
    if value is None:
        return []
    if not isinstance(value, list):
        parsed.problems.append(Problem(section, 0, section, section, "must be a list"))
        return []
    records = []
    for index, record in enumerate(value):
        if isinstance(record, dict):
            records.append((index, record))
        else:
            parsed.problems.append(Problem(section, index, f"#{index + 1}", "record", "must be a mapping"))
    return records


def parse(text: str, known_centres: Iterable[str] = (), known_countries: Iterable[str] = ()) -> Parsed:
    """Read a directory file's text; every problem found is in `.problems`.

    `known_centres` (ids) and `known_countries` (folded names) are what the
    database already holds, which the file may refer to.
    """
    parsed = Parsed()
    if len(text) > MAX_FILE_CHARS:
        parsed.problems.append(Problem("file", 0, "file", "size",
                                       f"{len(text):,} characters; at most {MAX_FILE_CHARS:,} are read"))
        return parsed
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        parsed.problems.append(Problem("file", 0, "file", "yaml", str(error).replace("\n", " ")))
        return parsed
    if data is None:
        data = {}
    if not isinstance(data, dict):
        parsed.problems.append(Problem("file", 0, "file", "top level",
                                       "must be a mapping with countries, centres, services or events"))
        return parsed
    countries = set(known_countries)
    _countries(data, parsed, countries)
    centres = _centres(data, parsed, countries)
    centre_cities = {**{key: None for key in known_centres}, **centres}
    _services(data, parsed, centre_cities)
    _events(data, parsed, centre_cities)
    return parsed


def _countries(data: dict, parsed: Parsed, countries: set[str]) -> None:
    seen: set[str] = set()
    for index, record in _records(data, "countries", parsed):
        check = _Checker(parsed, "countries", index, record)
        name = check.string("name", required=True)
        timezone = check.string("timezone", required=True)
        if timezone:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                check.problem("timezone", f"unknown timezone {timezone!r}")
        emergency = record.get("emergency") or []
        lines = []
        if not isinstance(emergency, list):
            check.problem("emergency", "must be a list of {name, phone}")
        else:
            for number, line in enumerate(emergency):
                if not isinstance(line, dict) or not line.get("phone"):
                    check.problem(f"emergency[{number}]", "must have a name and a phone")
                    continue
                if not check.fits(f"emergency[{number}]", json.dumps(line, ensure_ascii=False, default=str)):
                    continue
                if line.get("kind", "emergency") not in LINE_KINDS:
                    check.problem(f"emergency[{number}]", f"kind must be one of {', '.join(LINE_KINDS)}")
                    continue
                lines.append({**line, "phone": str(line["phone"])})
        if name is None:
            continue
        key = fold(name)
        if key in seen:
            check.problem("name", f"duplicate country {name!r}")
        seen.add(key)
        countries.add(key)
        parsed.countries.append({"key": key, "name": name, "timezone": timezone, "emergency": lines,
                                 "extra": check.extra(COUNTRY_FIELDS)})


def _centres(data: dict, parsed: Parsed, countries: set[str]) -> dict[str, str]:
    seen: set[str] = set()
    cities: dict[str, str] = {}
    for index, record in _records(data, "centres", parsed):
        check = _Checker(parsed, "centres", index, record)
        ident = check.identifier(seen)
        city = check.string("city", required=True)
        country = check.string("country", required=True)
        if country and fold(country) not in countries:
            check.problem("country", f"unknown country {country!r}: add it to countries")
        row = {"id": ident, "name": check.text("name", required=True), "city": city,
               "city_key": fold(city or ""), "country_key": fold(country or ""),
               "address": check.text("address"), "phone": check.string("phone"),
               "whatsapp": check.string("whatsapp"), "email": check.string("email"),
               "latitude": check.coordinate("latitude", 90), "longitude": check.coordinate("longitude", 180),
               "hours": check.hours(), "description": check.text("description"),
               "staff_notes": check.string("staff_notes"), "extra": check.extra(CENTRE_FIELDS)}
        if (row["latitude"] is None) != (row["longitude"] is None):
            check.problem("latitude" if row["latitude"] is None else "longitude",
                          "latitude and longitude go together")
        if ident:
            cities[ident] = city or ""  # no city: a problem noted above, the file is refused
        parsed.centres.append(row)
    return cities


def _placed(check: _Checker, centres: dict[str, Optional[str]]) -> dict:
    """The centre, city and address of a service or event, checked."""
    centre = check.string("centre")
    city = check.string("city")
    address = check.text("address")
    if centre is not None and centre not in centres:
        check.problem("centre", f"no centre with id {centre!r}")
    if centre is None and (city is None or address is None):
        check.problem("centre", "give a centre, or a city and an address")
    return {"centre_id": centre, "city": city, "city_key": fold(city) if city else None, "address": address}


def _services(data: dict, parsed: Parsed, centres: dict[str, Optional[str]]) -> None:
    seen: set[str] = set()
    for index, record in _records(data, "services", parsed):
        check = _Checker(parsed, "services", index, record)
        parsed.services.append({
            "id": check.identifier(seen), "name": check.text("name", required=True),
            "category": check.category(required=True), **_placed(check, centres),
            "phone": check.string("phone"), "hours": check.hours(), "description": check.text("description"),
            "requirements": check.text("requirements"), "cost": check.text("cost"),
            "staff_notes": check.string("staff_notes"), "extra": check.extra(SERVICE_FIELDS)})


def _events(data: dict, parsed: Parsed, centres: dict[str, Optional[str]]) -> None:
    seen: set[str] = set()
    for index, record in _records(data, "events", parsed):
        check = _Checker(parsed, "events", index, record)
        starts, ends = check.moment("starts", required=True), check.moment("ends", required=False)
        if starts and ends and ends < starts:
            check.problem("ends", "is before starts")
        parsed.events.append({
            "id": check.identifier(seen), "title": check.text("title", required=True),
            "category": check.category(required=False), **_placed(check, centres),
            "starts": starts, "ends": ends, "description": check.text("description"),
            "registration": check.string("registration"), "staff_notes": check.string("staff_notes"),
            "extra": check.extra(EVENT_FIELDS)})
