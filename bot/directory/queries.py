"""Questions asked of the service directory. Every fact the assistant says comes from here."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Float, Integer, bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot import settings
from bot.directory.models import Centre, Country, Event, Service
from bot.normalise import fold

EARTH_RADIUS_KM = 6371.0088
NEAREST_CANDIDATES = 12  # centres ranked by haversine after the database's flat-earth ranking


@dataclass(frozen=True)
class Nearby:
    """A centre and how far it is, in km."""

    centre: Centre
    km: float


# The questions asked on every turn are built once, with bound parameters: building a statement
# cost SQLAlchemy more than SQLite took to run it.
_CITY_KEY = bindparam("city_key")
_CENTRES_IN = select(Centre).where(Centre.city_key == _CITY_KEY).order_by(Centre.id)


def centres_in(session: Session, city: str) -> list[Centre]:
    """The centres of `city` (any case or accents), in the order the directory added them (by id)."""
    return list(session.execute(_CENTRES_IN, {"city_key": fold(city)}).scalars())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in km (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _flat_distance_ranking(in_country: bool) -> Select:
    """Centres with coordinates (of the country :country_key, when `in_country`) by squared flat-earth
    distance to (:latitude, :longitude), the first :count.

    Built once: it is asked for every shared location, and building it cost more than running it.
    """
    latitude, longitude = bindparam("latitude", type_=Float), bindparam("longitude", type_=Float)
    squared = ((Centre.latitude - latitude) * (Centre.latitude - latitude)
               + (Centre.longitude - longitude) * (Centre.longitude - longitude) * bindparam("scale", type_=Float))
    query = select(Centre.id, Centre.latitude, Centre.longitude).where(Centre.latitude.is_not(None),
                                                                       Centre.longitude.is_not(None))
    if in_country:
        query = query.where(Centre.country_key == bindparam("country_key"))
    return query.order_by(squared, Centre.id).limit(bindparam("count", type_=Integer))


_NEAREST = {in_country: _flat_distance_ranking(in_country) for in_country in (False, True)}


def nearest_centres(session: Session, latitude: float, longitude: float, limit: int = 3,
                    country_key: Optional[str] = None) -> list[Nearby]:
    """The centres with coordinates nearest to a point (in the country `country_key`, when given), nearest
    first, with great-circle distances.

    The database ranks centres by a flat-earth distance (exact enough to find
    the nearest few); the best `NEAREST_CANDIDATES` are then ranked by haversine.
    """
    candidates = session.execute(_NEAREST[country_key is not None], {
        "latitude": latitude, "longitude": longitude, "scale": math.cos(math.radians(latitude)) ** 2,
        "count": max(limit, NEAREST_CANDIDATES), "country_key": country_key}).all()
    ranked = sorted((distance_km(latitude, longitude, row.latitude, row.longitude), row.id) for row in candidates)
    chosen = ranked[:limit]  # only the centres answered with are loaded whole
    centres = {centre.id: centre for centre in
               session.execute(select(Centre).where(Centre.id.in_([key for _, key in chosen]))).scalars()}
    return [Nearby(centres[key], km) for km, key in chosen]


def _services_where(query: Select, by_category: bool) -> Select:
    query = query.where(Service.city_key == _CITY_KEY)
    return query.where(Service.category.in_(bindparam("categories", expanding=True))) if by_category else query


_COUNT_SERVICES = {by_category: _services_where(select(func.count(Service.id)), by_category)
                   for by_category in (False, True)}
_SERVICES = {(by_category, limited): _services_where(select(Service), by_category)
             .order_by(Service.category, Service.id).offset(bindparam("offset", type_=Integer))
             .limit(bindparam("limit", type_=Integer) if limited else None)
             for by_category in (False, True) for limited in (False, True)}


def _services_parameters(city: str, categories: Sequence[str]) -> dict:
    return {"city_key": fold(city), "categories": list(categories)}


def services_in(session: Session, city: str, categories: Sequence[str] = (), offset: int = 0,
                limit: Optional[int] = None) -> list[Service]:
    """The services of `city`, of the given categories (all when empty), by category then id.

    `offset` and `limit` select one page of that order (all of it by default).
    """
    statement = _SERVICES[bool(categories), limit is not None]
    return list(session.execute(statement, {**_services_parameters(city, categories), "offset": offset,
                                            "limit": limit}).scalars())


def count_services(session: Session, city: str, categories: Sequence[str] = ()) -> int:
    """How many services `services_in` would list without a page."""
    return session.execute(_COUNT_SERVICES[bool(categories)], _services_parameters(city, categories)).scalar_one()


def cities_with(session: Session, categories: Sequence[str] = (), country_key: Optional[str] = None) -> list[str]:
    """The cities that have services of these categories (or centres, when none is given), by name; only
    those of the country `country_key` (known by their centres) when it is given."""
    if categories:
        query = select(Service.city).where(Service.category.in_(list(categories)))
        if country_key is not None:
            query = query.where(Service.city_key.in_(select(Centre.city_key).where(Centre.country_key == country_key)))
    else:
        query = select(Centre.city)
        if country_key is not None:
            query = query.where(Centre.country_key == country_key)
    return sorted(session.execute(query.distinct()).scalars(), key=fold)


def _upcoming(ending: bool) -> Select:
    start = bindparam("start", type_=DateTime)
    query = (select(Event).where(Event.city_key == _CITY_KEY, Event.cancelled.is_(False),
                                 or_(Event.starts >= start, Event.ends > start))
             .order_by(Event.starts, Event.id))
    return query.where(Event.starts < bindparam("end", type_=DateTime)) if ending else query


_UPCOMING = {ending: _upcoming(ending) for ending in (False, True)}
_COUNTRY_OF = (select(Country).join(Centre, Centre.country_key == Country.key)
               .where(Centre.city_key == _CITY_KEY).limit(1))


def upcoming_events(session: Session, city: str, start: datetime, end: Optional[datetime]) -> list[Event]:
    """Events of `city` not cancelled that have not finished by `start` and start before `end` (local times)."""
    return list(session.execute(_UPCOMING[end is not None], {"city_key": fold(city), "start": start, "end": end})
                .scalars())


def country_of(session: Session, city: str) -> Optional[Country]:
    """The country of `city`, known from its centres."""
    return session.execute(_COUNTRY_OF, {"city_key": fold(city)}).scalars().first()


def countries(session: Session) -> list[Country]:
    """Every country of the directory, by name."""
    return list(session.execute(select(Country).order_by(Country.name)).scalars())


def timezone_of(session: Session, city: str) -> ZoneInfo:
    """The timezone of `city` (its country's), else the default one."""
    return _zone(country_of(session, city))


def local_now(session: Session, city: str, now: Optional[datetime] = None) -> datetime:
    """The local time in `city` now (or at the aware `now`), without tzinfo, as the directory stores times."""
    return _local(timezone_of(session, city), now)


def local_now_at(centre: Centre, now: Optional[datetime] = None) -> datetime:
    """The local time at `centre` (its country's timezone, loaded with it), as `local_now` gives it."""
    return _local(_zone(centre.country), now)


def _zone(country: Optional[Country]) -> ZoneInfo:
    return ZoneInfo(country.timezone if country else settings.DEFAULT_TIMEZONE)


def _local(zone: ZoneInfo, now: Optional[datetime]) -> datetime:
    moment = now or datetime.now(tz=ZoneInfo("UTC"))
    return moment.astimezone(zone).replace(tzinfo=None)


def known_city(session: Session, city: str) -> bool:
    """Whether the directory has anything in `city`."""
    key = fold(city)
    for model in (Centre, Service, Event):
        if session.execute(select(func.count()).select_from(model).where(model.city_key == key)).scalar():
            return True
    return False
