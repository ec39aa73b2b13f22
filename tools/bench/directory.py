"""A generated service directory for the benchmark: fictional cities, centres, services and events.

Everything is invented (names, addresses, 555 phone numbers); only the three
countries and their emergency lines are real. The same seed gives the same directory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import yaml

from bot.directory import loader
from bot.directory.categories import CATEGORIES
from bot.nlu.language import ENGLISH, SPANISH
from bot.nlu.places import EVERYDAY_WORDS, gazetteer
from bot.normalise import fold

COUNTRIES = [
    {"name": "Colombia", "timezone": "America/Bogota",
     "emergency": [{"name": {"es": "Línea de emergencias", "en": "Emergency line"}, "phone": "123"}],
     "box": ((1.0, 11.0), (-77.5, -72.0)), "prefix": "+57 60"},
    {"name": "Ecuador", "timezone": "America/Guayaquil",
     "emergency": [{"name": {"es": "ECU 911", "en": "ECU 911 emergency service"}, "phone": "911"}],
     "box": ((-4.5, 0.8), (-80.5, -77.0)), "prefix": "+593 2"},
    {"name": "Perú", "timezone": "America/Lima",
     "emergency": [{"name": {"es": "Central de emergencias", "en": "Emergency line"}, "phone": "105"}],
     "box": ((-17.5, -3.6), (-80.5, -69.5)), "prefix": "+51 1"},
]
_ONSETS = "Ca Ta Que Mo Chi Pa Tu Ya Gua Cu La Mi To Sa Hua Co Pi Ma Ri Ba Ne Zu Quin Al".split()
_MIDDLES = "ra ma cu li ta bo ni que ya ri lo cha pu se gue ca".split()
_ENDINGS = "mbo pa rí cay ndo quí llo ná co rca tá mal guá yacu pampa huasi".split()
_PREFIXES = ["", "", "", "", "San ", "Puerto ", "Villa ", "Nueva "]
_SUFFIXES = ["", "", "", "", "", " del Norte", " del Sur", " del Río"]  # at most 4 words a name
_BARRIOS = "Centro, San José, La Esperanza, El Carmen, Los Pinos, Santa Lucía, El Prado, La Floresta".split(", ")
_SERVICE_NAMES = {
    "legal": ("Orientación jurídica", "Legal advice"), "documentation": ("Trámites y documentos", "Paperwork"),
    "health": ("Atención en salud", "Health care"), "education": ("Acceso a la escuela", "School access"),
    "employment": ("Empleo y emprendimiento", "Jobs and small business"), "housing": ("Albergue", "Shelter"),
    "food": ("Comedor comunitario", "Community kitchen"), "psychosocial": ("Apoyo psicosocial", "Psychosocial support"),
    "protection": ("Protección", "Protection"), "children": ("Espacio para la niñez", "Child-friendly space"),
}
_MINUTES = "%Y-%m-%dT%H:%M"
_WEEKDAYS = {day: "08:00-16:00" for day in ("mon", "tue", "wed", "thu", "fri")}


@dataclass(frozen=True)
class City:
    """A generated city: its name, country and rough coordinates."""

    name: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Directory:
    """A generated directory: its cities and the directory file (YAML) that holds it."""

    cities: list[City]
    text: str
    counts: dict[str, int]


def city_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct fictional city names, none of them a real city of the gazetteer or an everyday word."""
    taken = set(gazetteer()) | SPANISH | ENGLISH | EVERYDAY_WORDS
    names: list[str] = []
    while len(names) < count:
        root = rng.choice(_ONSETS) + rng.choice(_MIDDLES) + rng.choice(_ENDINGS)
        name = rng.choice(_PREFIXES) + root + rng.choice(_SUFFIXES)
        if fold(name) not in taken and fold(root) not in taken:
            taken.add(fold(name))
            names.append(name)
    return names


def generate(cities: int = 200, services: int = 10_000, seed: int = 7, now: datetime | None = None) -> Directory:
    """A directory of `services` services spread evenly over `cities` cities (all categories in each),
    two centres a city, one or two events a city in the next three weeks from `now`, in Colombia, Ecuador, Perú.
    """
    rng = random.Random(seed)
    now = (now or datetime.now()).replace(minute=0, second=0, microsecond=0)
    places = []
    for index, name in enumerate(city_names(cities, rng)):
        country = COUNTRIES[index % len(COUNTRIES)]
        (lat_low, lat_high), (lon_low, lon_high) = country["box"]
        places.append(City(name, country["name"], round(rng.uniform(lat_low, lat_high), 4),
                           round(rng.uniform(lon_low, lon_high), 4)))
    countries = [{key: country[key] for key in ("name", "timezone", "emergency")} for country in COUNTRIES]
    prefixes = {country["name"]: country["prefix"] for country in COUNTRIES}
    centres, service_rows, events = [], [], []
    for index, city in enumerate(places):
        slug = f"c{index:03d}"
        for number in (1, 2):
            barrio = rng.choice(_BARRIOS)
            centres.append({
                "id": f"{slug}-centro-{number}", "name": f"Centro de Integración {barrio} {number}",
                "city": city.name, "country": city.country,
                "address": f"Calle {rng.randint(1, 99)} # {rng.randint(1, 99)}-{rng.randint(1, 99)}, barrio {barrio}",
                "phone": f"{prefixes[city.country]} 555 {rng.randint(1000, 9999)}",
                "whatsapp": f"+57 300 555 {rng.randint(1000, 9999)}", "email": f"{slug}-{number}@example.org",
                "latitude": round(city.latitude + rng.uniform(-0.05, 0.05), 4),
                "longitude": round(city.longitude + rng.uniform(-0.05, 0.05), 4),
                "hours": {**_WEEKDAYS, "sat": "08:00-12:00"},
                "description": {"es": f"Centro de atención para personas migrantes en {city.name}.",
                                "en": f"Support centre for migrants in {city.name}."}})
        for day in range(rng.choice((1, 2))):
            starts = now + timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 8))
            events.append({
                "id": f"{slug}-evento-{day}", "title": {"es": "Feria de servicios", "en": "Services fair"},
                "category": rng.choice(list(CATEGORIES)), "centre": f"{slug}-centro-{rng.choice((1, 2))}",
                "starts": starts.strftime(_MINUTES), "ends": (starts + timedelta(hours=3)).strftime(_MINUTES),
                "description": {"es": "Atención de varias organizaciones en un solo lugar.",
                                "en": "Several organisations in one place."}})
    categories = list(CATEGORIES)
    for number in range(services):
        city_index = number % cities
        category = categories[(number // cities) % len(categories)]
        slug = f"c{city_index:03d}"
        es, en = _SERVICE_NAMES[category]
        row = {"id": f"{slug}-s{number:05d}", "name": {"es": f"{es} {number}", "en": f"{en} {number}"},
               "category": category}
        if number % 5:
            row["centre"] = f"{slug}-centro-{1 + number % 2}"
        else:
            row.update(city=places[city_index].name, address=f"Carrera {rng.randint(1, 99)} # {number % 97}-10")
        row.update(hours=dict(_WEEKDAYS),
                   description={"es": f"{es} para personas migrantes y refugiadas.",
                                "en": f"{en} for migrants and refugees."},
                   requirements={"es": "Documento de identidad, si lo tiene.",
                                 "en": "An identity document, if you have one."},
                   cost={"es": "Gratuito", "en": "Free"})
        service_rows.append(row)
    data = {"countries": countries, "centres": centres, "services": service_rows, "events": events}
    counts = {section: len(rows) for section, rows in data.items()}
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=120)
    return Directory(places, text, counts)


def load(directory: Directory, url: str) -> None:
    """Load `directory` into the database at `url` with the project's loader; RuntimeError listing its problems."""
    result = loader.load(directory.text, url)
    if not result.ok:
        raise RuntimeError("generated directory rejected:\n" + "\n".join(map(str, result.problems[:20])))
