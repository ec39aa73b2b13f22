"""Timing the directory questions that answer users (bot.directory.queries) on the generated directory."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy.orm import Session

from bot.directory import db, queries, search
from bot.directory.categories import CATEGORIES
from bot.normalise import fold
from bot.settings import PAGE_SIZE
from tools.bench.directory import City
from tools.bench.stats import Latency, latency

Call = Callable[[Session], object]

# Questions in users' words for the full-text search: words of every service, of a few, and of none.
SEARCHED = ["donde dan orientación jurídica para migrantes", "I need help with food for my kids",
            "hay alguna feria de servicios esta semana?", "clases de cocina venezolana",
            "where can I renew my passport", "vacunación gratuita para niños", "apoyo psicosocial para refugiadas",
            "necesito un abogado por un despido", "is there a job fair?", "taller de emprendimiento y microcrédito"]


def _services_page(session: Session, city: str, categories: list[str]) -> list:
    """What a services reply asks: how many there are, and the first page of them."""
    queries.count_services(session, city, categories)
    return queries.services_in(session, city, categories, limit=PAGE_SIZE)


def _calls(cities: list[City], rng: random.Random) -> dict[str, Callable[[], Call]]:
    """For each question, a maker of one random call of it (a city written as users write it, a category...)."""
    categories = list(CATEGORIES)

    def city() -> str:
        name = rng.choice(cities).name
        return fold(name) if rng.random() < 0.5 else name

    def events() -> Call:
        start = datetime.now().replace(microsecond=0)
        name, days = city(), rng.choice((1, 2, 7, 30))
        return lambda session: queries.upcoming_events(session, name, start, start + timedelta(days=days))

    def nearest() -> Call:
        place = rng.choice(cities)
        latitude, longitude = place.latitude + rng.uniform(-1, 1), place.longitude + rng.uniform(-1, 1)
        return lambda session: queries.nearest_centres(session, latitude, longitude)

    def searched() -> Call:
        """A question in the directory's own words, as `bot.directory.search` reads it: in a city or anywhere."""
        words = rng.choice(SEARCHED)
        place = rng.choice(cities).name
        if rng.random() < 0.5:
            return lambda session: search.find(session, f"{words} en {place}", fold(place), [place])
        return lambda session: search.find(session, words)

    def bind(function: Callable, *makers: Callable[[], object]) -> Callable[[], Call]:
        def make() -> Call:
            arguments = [maker() for maker in makers]
            return lambda session: function(session, *arguments)
        return make

    return {
        "centres_in(city)": bind(queries.centres_in, city),
        "nearest_centres(lat, lon)": nearest,
        "count_services + services_in(city), a page": bind(_services_page, city, lambda: []),
        "count_services + services_in(city, [category]), a page": bind(_services_page, city,
                                                                        lambda: [rng.choice(categories)]),
        "cities_with([category])": bind(queries.cities_with, lambda: [rng.choice(categories)]),
        "cities_with() (centres)": bind(queries.cities_with),
        "upcoming_events(city, window)": events,
        "country_of(city)": bind(queries.country_of, city),
        "search.find(message[, city]) (full-text)": searched,
    }


def time_queries(url: str, cities: list[City], calls: int = 1000, warmup: int = 20,
                 seed: int = 11) -> dict[str, Latency]:
    """p50/p95 of `calls` random calls of each question, each in a fresh session as an action makes one.

    Only the call is timed (with reading its rows into objects), not opening
    or committing the session; `warmup` calls of each are made first and not counted.
    """
    rng = random.Random(seed)
    results = {}
    for name, make in _calls(cities, rng).items():
        durations = []
        for number in range(warmup + calls):
            call = make()
            with db.session(url) as session:
                started = time.perf_counter()
                call(session)
                elapsed = time.perf_counter() - started
            if number >= warmup:
                durations.append(elapsed)
        results[name] = latency(durations)
    return results
