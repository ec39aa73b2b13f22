"""Finding city names in a message: the directory's cities first, then a gazetteer.

The directory's names are re-read whenever the directory changes (its version
counter), so a city that staff load is recognised on the next message, without
retraining. Matching ignores case and accents, forgives small typos, and hears a
name spelt by its sound ("medeyin", "kito", "barrankilla": `sounds`). A
neighbourhood or district stands for its city: those named in the directory's own
addresses ("..., barrio Atalaya") and its centres' names ("Casa Comunitaria
Chillogallo", "chillogallo"), and a gazetteer of the cities' districts
(bot/nlu/data/districts.txt); a name that two cities share stands for neither.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from rapidfuzz import fuzz, process
from sqlalchemy import select, union

from bot.directory import db
from bot.directory.models import Centre, Country, Event, Service
from bot.nlu.language import ENGLISH, SPANISH
from bot.normalise import fold, words

log = logging.getLogger(__name__)
GAZETTEER = Path(__file__).with_name("data") / "cities.txt"
DISTRICTS = Path(__file__).with_name("data") / "districts.txt"
LOCATIONS = Path(__file__).with_name("data") / "city_locations.txt"
MAX_WORDS = 4          # longest gazetteer city name, in words
FUZZY_MIN_LENGTH = 5   # shorter words must match exactly, or by their sound
SOUND_MIN_LENGTH = 4   # "kito"
FUZZY_SCORE = 86       # rapidfuzz ratio for a typo to count
_TOKEN = re.compile(r"\w+")
# Towns of the gazetteer whose names are also everyday words: only when written with a capital.
EVERYDAY_WORDS = frozenset("""soledad pasto manta paz esperanza victoria libertad progreso providencia
concordia florida mercedes dolores rosario trinidad belen fe sucre union palmira granada valencia
salvador san carmen monteria bello envigado armenia colon guadalupe porvenir primavera""".split()) | {
    "el banco", "la union", "la paz", "el carmen", "la dorada", "la plata", "el retiro", "la vega", "el paso"}


@dataclass(frozen=True)
class Place:
    """A city found in a message: its canonical name, where it is, and whether the directory has it."""

    name: str
    start: int
    end: int
    in_directory: bool
    by_district: bool = False  # found by a district or centre name of the city, not the city's own name
    sure: bool = True  # False for a typo matched by likeness alone: ask "¿Te refieres a ...?", never assume


@dataclass(frozen=True)
class Names:
    """The names known at one directory version: cities (folded -> canonical), districts (folded -> their
    city's canonical name) and the sound of each directory city (`sounds` -> canonical)."""

    version: int
    cities: dict[str, str]
    proper_nouns: tuple[str, ...]  # every city, centre and country name, as folded words, longest first
    districts: dict[str, str] = field(default_factory=dict)
    sounding: dict[str, str] = field(default_factory=dict)
    # Names of a gazetteer town that are also a district of a directory city ("Santa Fe", Bogotá's locality)
    also_districts: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def longest(self) -> int:
        """Words in the longest directory city name (at least MAX_WORDS, for the gazetteer)."""
        return max([MAX_WORDS, *(len(name.split()) for name in self.cities)])

    @functools.cached_property
    def sound_heads(self) -> frozenset[str]:
        """How the first word of each name of `sounding` sounds: a phrase whose first word sounds otherwise
        sounds like none of them (`sounds` works word by word)."""
        return frozenset(sound.partition(" ")[0] for sound in self.sounding)

    @functools.cached_property
    def longest_name(self) -> int:
        """Words in the longest city, district or centre name ("Casa de Integración La Libertad": 5)."""
        return max([self.longest, *(len(name.split()) for name in self.districts)])


@functools.lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Cities of the region that the directory may not have, folded -> proper spelling."""
    lines = GAZETTEER.read_text("utf-8").splitlines() if GAZETTEER.exists() else []
    return {fold(line): line.strip() for line in lines if line.strip()}


@dataclass(frozen=True)
class Location:
    """Where a city is: its country (folded name, as the directory keys countries) and coordinates."""

    country_key: str
    latitude: float
    longitude: float


@functools.lru_cache(maxsize=1)
def _locations() -> dict[str, Location]:
    lines = LOCATIONS.read_text("utf-8").splitlines() if LOCATIONS.exists() else []
    rows = [[part.strip() for part in line.split("|")] for line in lines if line.count("|") == 3
            and not line.lstrip().startswith("#")]
    return {fold(city): Location(fold(country), float(latitude), float(longitude))
            for city, country, latitude, longitude in rows}


def location(city: str) -> Optional[Location]:
    """Where a city of the region is (bot/nlu/data/city_locations.txt), None when it is not listed."""
    return _locations().get(fold(city))


@functools.lru_cache(maxsize=1)
def district_gazetteer() -> dict[str, str]:
    """Districts and neighbourhoods of the region's cities, folded -> the city (lines "District | City")."""
    lines = DISTRICTS.read_text("utf-8").splitlines() if DISTRICTS.exists() else []
    pairs = [line.split("|") for line in lines if "|" in line and not line.lstrip().startswith("#")]
    return _unambiguous((fold(district), city.strip()) for district, city in pairs)


def _unambiguous(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """name -> value for the names that have one value only."""
    found: dict[str, set[str]] = {}
    for name, value in pairs:
        if name:
            found.setdefault(name, set()).add(value)
    return {name: values.pop() for name, values in found.items() if len(values) == 1}


_SOUNDS = [(re.compile(pattern), replacement) for pattern, replacement in (
    (r"ch", "0"), (r"qu", "k"), (r"ll", "y"), (r"h", ""), (r"c(?=[ei])", "s"), (r"c", "k"), (r"0", "ch"),
    (r"z", "s"), (r"v", "b"), (r"w", "gu"), (r"g(?=[ei])", "j"), (r"n(?=[bp])", "m"), (r"y\b", "i"),
    (r"(\w)\1+", r"\1"), (r"[^a-z0-9 ]", ""))]


def sounds(text: str) -> str:
    """How `text` sounds in Spanish, spelt one way: ll/y, c/k/qu, v/b, s/z/c, silent h, double letters once,
    no accents ("Medellín" and "medeyin" sound the same, as do "Barranquilla" and "barankiya")."""
    heard = fold(text)
    for pattern, replacement in _SOUNDS:
        heard = pattern.sub(replacement, heard)
    return heard


@functools.lru_cache(maxsize=50_000)
def _word_sound(word: str) -> str:
    return sounds(word)


class NameIndex:
    """The directory's names, cached until the directory's version changes."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url
        self._names = Names(-1, {}, _proper_nouns(()))
        self._lock = threading.Lock()

    def names(self) -> Names:
        """The current names; the last known ones if the database cannot be read."""
        try:
            version = db.version(self.url)
            if version != self._names.version:
                with self._lock, db.session(self.url) as current:
                    self._names = _read_names(current, version)
        except Exception as error:  # the database being down must not stop understanding
            log.warning("directory names not refreshed: %s", error)
        return self._names

    def find_cities(self, text: str) -> list[Place]:
        """The cities named in `text`, longest match first, without overlaps."""
        return find_cities(text, self.names())


def _read_names(current, version: int) -> Names:
    rows = current.execute(union(select(Centre.city), select(Service.city), select(Event.city))).scalars()
    cities = {fold(city): city for city in rows if city}
    others = list(current.execute(select(Country.name)).scalars())
    centres = current.execute(select(Centre.name, Centre.city)).all()
    for name, _ in centres:
        others += name.values() if isinstance(name, dict) else [name]
    addressed = [pair for model in (Centre, Service, Event)
                 for pair in current.execute(select(model.address, model.city)).all()]
    named = [(district, city) for address, city in addressed for district in districts_in(address, city)]
    named += [(variant, city) for name, city in centres for variant in centre_names(name)]
    every = {**district_gazetteer(), **_unambiguous(named)}
    districts = {name: city for name, city in every.items() if name not in cities and name not in gazetteer()}
    also = {name: city for name, city in every.items() if name not in cities and name in gazetteer()}
    sounding = _unambiguous((sounds(name), city) for name, city in {**cities, **districts}.items())
    return Names(version, cities, _proper_nouns([*cities, *others, *districts]), districts, sounding, also)


_CENTRE_HEAD = re.compile(r"^(?:centro|casa|punto|oficina|espacio|sede|hogar|albergue)(?: de| del)?"
                          r"(?: (?:integracion|acogida|atencion|apoyo|orientacion|comunitari[oa]|paso))?"
                          r"(?: (?:al|a|para|de) (?:la )?(?:migrantes?|personas? migrantes?))?\s+")


_ARTICLE = re.compile(r"^(?:la|el|los|las)\s+")


def centre_names(name: object) -> list[str]:
    """The ways people name a centre, folded: its whole name, the name without its kind ("Centro de
    Integración Prado" -> "prado"), and that with "centro" or "casa" before it ("casa prado"); a name
    with an article, also without it ("La Mariscal" -> "mariscal")."""
    found = []
    for text in (name.values() if isinstance(name, dict) else [name]):
        whole = fold(str(text or ""))
        own = _CENTRE_HEAD.sub("", whole)
        bare = _ARTICLE.sub("", own)  # "La Mariscal" is also "Mariscal", when that is no everyday word
        owns = [own] + ([bare] if bare != own and len(bare) >= 5 and bare not in SPANISH and bare not in ENGLISH
                        and bare not in EVERYDAY_WORDS else [])
        found += [whole] + ([variant for each in owns for variant in (each, f"centro {each}", f"casa {each}")]
                            if own and own != whole else [])
    return [each for each in found if each and each not in GENERIC_PLACES]



_DISTRICT_WORDS = re.compile(r"^(barrio|urbanizacion|urb\.?|sector|localidad|comuna|distrito|parroquia|ciudadela|"
                             r"colonia|caserio|asentamiento humano|aa\.? ?hh\.?)\s+")
_STREET = re.compile(r"^(av|avenida|calle|cl|carrera|cra|kr|jr|jiron|diagonal|dg|transversal|tv|pasaje|psje|"
                     r"mz|manzana|km|kilometro|via|autopista|carretera|esquina|frente|junto|cerca|al lado)\b")
GENERIC_PLACES = frozenset("centro norte sur este oeste oriente occidente central".split())


def districts_in(address: object, city: str) -> list[str]:
    """The neighbourhoods an address names: its comma-separated parts after the first, without a digit nor a
    street's word, less a leading "barrio", "urbanización"..., other than the city itself and generic words
    ("Centro"); folded."""
    texts = address.values() if isinstance(address, dict) else [address]
    found = []
    for text in texts:
        for part in str(text or "").split(",")[1:]:
            name = _DISTRICT_WORDS.sub("", fold(part))
            if name and not re.search(r"\d", name) and not _STREET.match(name) and name != fold(city) \
                    and name not in GENERIC_PLACES:
                found.append(name)
    return found


def _proper_nouns(names) -> tuple[str, ...]:
    """The names and the gazetteer as folded words, longest first."""
    folded = {" ".join(words(name)) for name in [*names, *gazetteer()]}
    return tuple(sorted(filter(None, folded), key=len, reverse=True))


# Spanish object pronouns: a lower-case word right after one is a verb ("le quitó"), not a city.
CLITICS = frozenset("me te se le les lo la los las nos".split())


def find_cities(text: str, names: Names) -> list[Place]:
    """The cities of `names` (or of the gazetteer) that `text` mentions, by position."""
    tokens = [(match.start(), match.end(), fold(match.group())) for match in _TOKEN.finditer(text)]
    found: list[Place] = []
    used: set[int] = set()
    # Spellings and sounds first, likeness after: "en barranquilla" is not a typo of Barranquilla.
    for size, match in [(size, match) for match, longest in ((_by_spelling_or_sound, names.longest_name),
                                                             (_by_likeness, names.longest))
                        for size in range(min(longest, len(tokens)), 0, -1)]:
        for first in range(len(tokens) - size + 1):
            span = range(first, first + size)
            if used.intersection(span):
                continue
            phrase = " ".join(token for _, _, token in tokens[first:first + size])
            place = match(phrase, names)
            if place and not place[1] and phrase in EVERYDAY_WORDS and text[tokens[first][0]].islower():
                place = None
            if place and size == 1 and after_a_pronoun(text, tokens[first][0]):
                place = None  # "me quito el teléfono": a verb after its pronoun, not Quito
            if place and not place[2] and first and _STREET.fullmatch(tokens[first - 1][2]):
                place = None  # "cerca del Jr. Huaraz", "Avenida Bolívar": a street named after a town
            if place:
                name, known, by_district, sure = place
                found.append(Place(name, tokens[first][0], tokens[first + size - 1][1], known, by_district, sure))
                used.update(span)
    found = _as_districts(text, found, names)
    named = {place.name for place in found if not place.by_district}
    if named:  # "el Prado, Barranquilla": the city said in so many words wins over a district of another one
        found = [place for place in found if not place.by_district or place.name in named]
    return sorted(found, key=lambda place: place.start)


def _as_districts(text: str, found: list[Place], names: Names) -> list[Place]:
    """`found`, where a gazetteer town that is also a district of a directory city stands for that district
    when the city is found beside it or the word before it says so ("San Bernardino, Santa Fe": Bogotá's
    locality, not the town of Antioquia; "barrio La Libertad": Cúcuta's)."""
    around = {place.name for place in found if place.in_directory}
    kept = []
    for place in found:
        city = names.also_districts.get(" ".join(words(text[place.start:place.end])))
        if city and not place.in_directory and (city in around
                                                or _DISTRICT_WORDS.match(f"{word_before(text, place.start)} ")):
            place = Place(city, place.start, place.end, True, by_district=True)
        kept.append(place)
    return kept


def word_before(text: str, start: int) -> str:
    """The folded word of `text` right before `start` ('' at the start)."""
    before = words(text[:start])
    return before[-1] if before else ""


def after_a_pronoun(text: str, start: int) -> bool:
    """Whether the word at `start` of `text` is written in lowercase right after a pronoun, with nothing but
    spaces between ("me quito el teléfono"): a verb, not a place ("it's killing me, quito" names Quito)."""
    return (word_before(text, start) in CLITICS and text[start:start + 1].islower()
            and not text[:start].rstrip().endswith((",", ".", ";", ":", "!", "?")))


_ON_THE_WAY = frozenset("pa para hacia rumbo to towards toward from desde".split())
# "got to Tumbes", "we moved to Lima": where the writer is now, though "to" mostly says where they go.
_ARRIVED = frozenset("got get gotten came come arrived arrive moved move made back".split())
# "llegó de Maracaibo", "venimos del Táchira": where they come from, though "de" mostly says which place.
_CAME = frozenset("vengo vienes viene venimos vienen vine vino vinieron veniamos venia llegue llego llegamos "
                  "llegaron sali salio salimos salieron salen huimos huyeron mudamos mudaron".split())
# "allá en Valencia", "back in Caracas": where they were, though "en" mostly says where they are.
_THERE = frozenset("alla alli back".split())
# "vamos a seguir a Lima", "se va a Quito": where they go, though "a" mostly says where they are.
_GOING = frozenset("voy vas va vamos van ir irnos irme sigo sigue seguimos siguen seguir continuar continuamos "
                   "viajo viaja viajamos viajan viajar".split())


def on_the_way(text: str, start: int) -> bool:
    """Whether the place at `start` of `text` is where the writer goes or comes from ("pa' Lima", "from
    Cúcuta", "llegó de Maracaibo", "seguimos a Lima", "allá en Valencia"), not where they are or ask about
    ("got to Tumbes")."""
    before = words(text[:start])[-2:]
    if not before:
        return False
    verb = before[0] if len(before) == 2 else ""
    if before[-1] in ("de", "del"):
        return verb in _CAME
    if before[-1] == "a":
        return verb in _GOING
    if before[-1] in ("en", "in"):
        return verb in _THERE
    return before[-1] in _ON_THE_WAY and not (before[-1] == "to" and verb in _ARRIVED)


Match = Optional[tuple[str, bool, bool, bool]]


def _by_spelling_or_sound(phrase: str, names: Names) -> Match:
    """The city `phrase` names by its spelling or its sound: its canonical name, whether the directory has
    it, whether it was found by a district or centre name (or their sound) rather than the city's own, and
    True (sure)."""
    if phrase in names.cities:
        return names.cities[phrase], True, False, True
    if phrase in names.districts:
        city = names.districts[phrase]
        return city, fold(city) in names.cities, True, True
    if phrase in gazetteer():
        return gazetteer()[phrase], False, False, True
    if len(phrase) < SOUND_MIN_LENGTH or phrase in SPANISH or phrase in ENGLISH or phrase in EVERYDAY_WORDS:
        return None
    if _word_sound(phrase.partition(" ")[0]) not in names.sound_heads:
        return None  # most phrases of a message: their first word already sounds like no name's
    sound = sounds(phrase)
    heard = names.sounding.get(sound)
    if heard:
        return heard, True, sound != sounds(heard), True  # by_district: the sound of a district or centre
    return None


def _by_likeness(phrase: str, names: Names) -> Match:
    """The directory city `phrase` is like (a typo, rapidfuzz), as `_by_spelling_or_sound` tells it, but not
    sure (False)."""
    if len(phrase) < FUZZY_MIN_LENGTH or phrase in SPANISH or phrase in ENGLISH or phrase in EVERYDAY_WORDS:
        return None
    best = process.extractOne(phrase, names.cities.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
    if best:
        return names.cities[best[0]], True, False, False
    return None
