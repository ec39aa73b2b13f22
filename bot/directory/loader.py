"""Loading a directory file into the database (upsert by id, all or nothing) and exporting it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory import db
from bot.directory.file_format import CENTRE_FIELDS, EVENT_FIELDS, SERVICE_FIELDS, Parsed, Problem, format_time, parse
from bot.directory.models import Centre, Country, Event, Service
from bot.normalise import fold


@dataclass
class LoadResult:
    """What a load did: counts per section, or the problems that stopped it."""

    counts: dict[str, int]
    problems: list[Problem]
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(text: str, url: Optional[str] = None) -> Parsed:
    """Parse and check a directory file against what the database at `url` already holds."""
    with db.session(url) as current:
        return _parse(current, text)


def _parse(current: Session, text: str) -> Parsed:
    centres = current.execute(select(Centre.id)).scalars().all()
    countries = current.execute(select(Country.key)).scalars().all()
    parsed = parse(text, centres, countries)
    _keep_emergency_lines(current, parsed)
    return parsed


def _keep_emergency_lines(current: Session, parsed: Parsed) -> None:
    """No country is ever left without emergency lines.

    A country given without lines keeps the ones the database has (with a
    warning); a new country without lines is a problem of the file.
    """
    for index, row in enumerate(parsed.countries):
        if any(line.get("kind", "emergency") == "emergency" for line in row["emergency"]):
            continue
        held = current.get(Country, row["key"])
        kept = [line for line in (held.emergency if held else []) if line.get("kind", "emergency") == "emergency"]
        if kept:
            row["emergency"] = kept + row["emergency"]
            parsed.warnings.append(f"countries[{index}] {row['name']}: emergency: no emergency line given; "
                                   f"the {len(kept)} already loaded are kept")
        else:
            parsed.problems.append(Problem("countries", index, row["name"], "emergency",
                                           "a country needs at least one emergency line (name, phone)"))


def load(text: str, url: Optional[str] = None) -> LoadResult:
    """Upsert every record of a directory file in one transaction, or change nothing if it has problems."""
    with db.session(url) as current:
        parsed = _parse(current, text)
        if parsed.problems:
            return LoadResult({}, parsed.problems, parsed.warnings)
        centre_cities = dict(current.execute(select(Centre.id, Centre.city)).all())
        centre_cities.update({row["id"]: row["city"] for row in parsed.centres})
        for row in parsed.countries:
            current.merge(Country(**row))
        current.flush()
        for row in parsed.centres:
            current.merge(Centre(**row))
        current.flush()
        for model, rows in ((Service, parsed.services), (Event, parsed.events)):
            for row in rows:
                if row["city"] is None:
                    row["city"] = centre_cities[row["centre_id"]]
                row["city_key"] = fold(row["city"])
                current.merge(model(**row))
        db.bump_version(current)
        counts = {"countries": len(parsed.countries), "centres": len(parsed.centres),
                  "services": len(parsed.services), "events": len(parsed.events)}
    return LoadResult(counts, [], parsed.warnings)


def export(url: Optional[str] = None) -> str:
    """The whole directory as a directory file (YAML) that loads back to the same records."""
    with db.session(url) as current:
        data: dict[str, list] = {
            "countries": [_clean({"name": c.name, "timezone": c.timezone, "emergency": c.emergency, **c.extra})
                          for c in current.execute(select(Country).order_by(Country.name)).scalars()],
            "centres": [_row(c, CENTRE_FIELDS, country=c.country.name)
                        for c in current.execute(select(Centre).order_by(Centre.id)).scalars()],
            "services": [_row(s, SERVICE_FIELDS, centre=s.centre_id)
                         for s in current.execute(select(Service).order_by(Service.id)).scalars()],
            "events": [_row(e, EVENT_FIELDS, centre=e.centre_id, starts=format_time(e.starts),
                            ends=format_time(e.ends) if e.ends else None)
                       for e in current.execute(select(Event).order_by(Event.id)).scalars()],
        }
    return yaml.safe_dump({key: value for key, value in data.items() if value},
                          allow_unicode=True, sort_keys=False, width=120)


def _row(record: Any, fields: tuple[str, ...], **overrides: Any) -> dict:
    values = {name: overrides[name] if name in overrides else getattr(record, name, None) for name in fields}
    return _clean({**values, **record.extra})


def _clean(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}
