"""Full-text search over the directory's own words: services and upcoming events found by what their names,
descriptions and requirements say, in both languages, accent- and case-insensitive, with stemming.

The index is the database's own full-text search: an FTS5 table on SQLite (words folded and stemmed with
the Snowball stemmers of both languages), a `tsvector` column with a GIN index on PostgreSQL (its own
`spanish` and `english` configurations over `unaccent`). It is kept in step by `keep_in_step`, which
`bot.directory.db` runs after every flush of a session, so a service that a load or a staff change writes is found
at once, without retraining. Staff notes are never indexed.

A message is searched by its distinctive words only: not a word of `data/search_stopwords.txt`, not a
city, and found in at most DISTINCT_MAX records where the search looks (the city's, or the whole
directory's). "vacunación" finds Bogotá's vaccination day; "salud", in many records, finds nothing here and
is left to the classifier's categories.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Optional

import snowballstemmer
from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.directory.categories import CATEGORIES, categories_in
from bot.directory.models import Centre, Event, Service
from bot.normalise import fold, words

TABLE = "directory_search"
DISTINCT_MAX = 3  # a word found in more records than this is not what the writer is looking for
MAX_HITS = 3
SCORE_SHARE = 0.5  # of the records matching as many words, those scoring at least this share of the best
MIN_LENGTH = 3  # shorter words ("de", "el") say nothing; acronyms such as PPT, SIS and VIH have three letters
STOPWORDS_FILE = Path(__file__).parent / "data" / "search_stopwords.txt"
_LABEL = re.compile(r"^\s*\w+(?:\s+\w+)?\s*:")  # "registro nuevo:", "update:" before what is asked


@dataclass(frozen=True)
class Hit:
    """A record found (a Service or an Event of the caller's session), how many distinctive words of the
    message it matched, and how well (higher is better: a word in a name counts more)."""

    record: Any
    words: int
    score: float

    @property
    def kind(self) -> str:
        """"service" or "event"."""
        return _kind(self.record)

    @property
    def city(self) -> str:
        """The record's city, as the directory writes it."""
        return str(self.record.city)


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The folded words that never make a search on their own."""
    lines = (line.split("#", 1)[0] for line in STOPWORDS_FILE.read_text("utf-8").splitlines())
    return frozenset(word for line in lines for word in words(line))


def terms(message: str, leave_out: Iterable[str] = ()) -> list[str]:
    """The words of `message` worth searching for: folded, in order, each once, without stopwords, words
    shorter than MIN_LENGTH, numbers, and the words of `leave_out` (the places named in it)."""
    left_out = stopwords() | {word for phrase in leave_out for word in words(phrase)}
    found: list[str] = []
    for word in words(message):
        if len(word) >= MIN_LENGTH and not word.isdigit() and word not in left_out and word not in found:
            found.append(word)
    return found


@functools.lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer({"es": "spanish", "en": "english"}[language])


@functools.lru_cache(maxsize=100_000)
def _stem(language: str, word: str) -> str:
    return str(_stemmer(language).stemWord(word))


def stems(words_: Iterable[str]) -> list[str]:
    """The Spanish and the English stem of each word, each once (as the SQLite index holds them)."""
    found: list[str] = []
    for word in words_:
        for language in ("es", "en"):
            stem = _stem(language, word)
            if stem not in found:
                found.append(stem)
    return found


def _texts(value: Any) -> dict[str, str]:
    """A directory text (a string, or {es: .., en: ..}) as {language: text}; a string counts for both."""
    if isinstance(value, dict):
        return {language: str(value.get(language) or "") for language in ("es", "en")}
    return {"es": str(value or ""), "en": str(value or "")}


def _document(record: Any) -> dict[str, str]:
    """The words of a service or event: names_es, names_en, body_es, body_en (never its staff notes)."""
    names = _texts(record.title if isinstance(record, Event) else record.name)
    parts = [_texts(record.description)] + ([_texts(record.requirements)] if isinstance(record, Service) else [])
    return {**{f"names_{language}": names[language] for language in ("es", "en")},
            **{f"body_{language}": " ".join(part[language] for part in parts) for language in ("es", "en")}}


def _kind(record: Any) -> str:
    return "event" if isinstance(record, Event) else "service"


def _postgres(bind: Any) -> bool:
    return bind.dialect.name == "postgresql"


def _sqlite_words(*texts: str) -> str:
    """Folded, stemmed words of `texts` in both languages' stems, for the FTS5 table."""
    return " ".join(stems(word for each in texts for word in words(each)))


_UNACCENT_SCHEMAS: dict[str, str] = {}


def _unaccent(connection: Connection) -> str:
    """The `unaccent` function, qualified by the schema its extension was created in (whatever the search_path)."""
    url = str(connection.engine.url)
    if url not in _UNACCENT_SCHEMAS:
        schema = connection.execute(text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                         "WHERE extname = 'unaccent'")).scalar()
        _UNACCENT_SCHEMAS[url] = f"{schema}.unaccent"
    return _UNACCENT_SCHEMAS[url]


def _pg_vector(unaccent: str) -> str:
    return " || ".join(f"setweight(to_tsvector('{config}', {unaccent}(:{field}_{language})), '{weight}')"
                       for field, weight in (("names", "A"), ("body", "B"))
                       for language, config in (("es", "spanish"), ("en", "english")))


def create(engine: Engine) -> None:
    """Create the index if it is missing, and fill it when the directory has records it lacks."""
    with engine.begin() as connection:
        if _postgres(connection):
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))  # PostgreSQL 13+: the owner may
            connection.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (kind VARCHAR(10) NOT NULL, "
                                    "record_id VARCHAR(100) NOT NULL, city_key VARCHAR(200) NOT NULL, "
                                    "document TSVECTOR NOT NULL, PRIMARY KEY (kind, record_id))"))
            connection.execute(text(f"CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING GIN (document) "
                                    "WITH (fastupdate = off)"))  # the directory is read far more than written
            connection.execute(text(f"CREATE INDEX IF NOT EXISTS {TABLE}_city ON {TABLE} (city_key)"))
        else:
            connection.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(kind UNINDEXED, "
                                    "record_id UNINDEXED, city_key UNINDEXED, names, body, "
                                    "tokenize = 'unicode61 remove_diacritics 2')"))
        indexed = connection.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar() or 0
    if not indexed:
        with Session(engine, future=True) as current, current.begin():
            records = [*current.scalars(select(Service)), *current.scalars(select(Event))]
            if records:
                _reindex(current.connection(), records, [])


def keep_in_step(current: Session, _context: Any) -> None:
    """After a flush: index the services and events it wrote, and forget those it deleted."""
    written = [record for record in (*current.new, *current.dirty) if isinstance(record, (Service, Event))]
    deleted = [record for record in current.deleted if isinstance(record, (Service, Event))]
    if written or deleted:
        _reindex(current.connection(), written, deleted)


def _reindex(connection: Connection, written: list, deleted: list) -> None:
    gone = [{"kind": _kind(record), "record_id": record.id} for record in [*written, *deleted]]
    connection.execute(text(f"DELETE FROM {TABLE} WHERE kind = :kind AND record_id = :record_id"), gone)
    if not written:
        return
    rows = [{"kind": _kind(record), "record_id": record.id, "city_key": record.city_key or fold(record.city or ""),
             **_document(record)} for record in written]
    if _postgres(connection):
        connection.execute(text(f"INSERT INTO {TABLE} (kind, record_id, city_key, document) "
                                f"VALUES (:kind, :record_id, :city_key, {_pg_vector(_unaccent(connection))})"),
                           rows)
    else:
        connection.execute(text(f"INSERT INTO {TABLE} (kind, record_id, city_key, names, body) "
                                "VALUES (:kind, :record_id, :city_key, :names, :body)"),
                           [{**row, "names": _sqlite_words(row["names_es"], row["names_en"]),
                             "body": _sqlite_words(row["body_es"], row["body_en"])} for row in rows])


def _pg_queries(connection: Connection, words_: list[str]) -> list[str]:
    """Each word's tsquery (its Spanish and English stems, without accents) as text, in one round trip: the
    statements that use them then show the planner the query itself, and it picks the GIN index."""
    unaccent = _unaccent(connection)
    columns = ", ".join(f"CAST(plainto_tsquery('spanish', {unaccent}(:w{n})) || "
                        f"plainto_tsquery('english', {unaccent}(:w{n})) AS TEXT)" for n in range(len(words_)))
    return [str(query or "") for query in connection.execute(
        text(f"SELECT {columns}"), {f"w{n}": word for n, word in enumerate(words_)}).one()]


def _rows_per_word(connection: Connection, words_: list[str], city_key: Optional[str]) -> list[list[Any]]:
    """For each of `words_`, up to DISTINCT_MAX + 1 rows (kind, record_id, score) of the records it is found in,
    in `city_key` or anywhere; the score is higher for a better match (the word in a name)."""
    where_city = " AND city_key = :city_key" if city_key else ""
    if _postgres(connection):
        # Each CTE is planned without the LIMIT, so a word found nowhere costs an index look-up, not a scan.
        ctes = ", ".join(f"m{n} AS MATERIALIZED (SELECT kind, record_id, ts_rank(document, CAST(:q{n} AS TSQUERY)) "
                         f"AS score FROM {TABLE} WHERE document @@ CAST(:q{n} AS TSQUERY){where_city})"
                         for n in range(len(words_)))
        parts = " UNION ALL ".join(f"(SELECT {n} AS word, kind, record_id, score FROM m{n} LIMIT :limit)"
                                   for n in range(len(words_)))
        parameters = {f"q{n}": query for n, query in enumerate(_pg_queries(connection, words_))}
        found: list[list[Any]] = [[] for _ in words_]
        for row in connection.execute(text(f"WITH {ctes} {parts}"),
                                      {**parameters, "city_key": city_key, "limit": DISTINCT_MAX + 1}):
            found[row.word].append(row)
        return found
    sql = text(f"SELECT kind, record_id, -bm25({TABLE}, 0, 0, 0, 3.0, 1.0) AS score FROM {TABLE} "
               f"WHERE {TABLE} MATCH :expression{where_city} LIMIT :limit")
    return [list(connection.execute(sql, {"expression": " OR ".join(f'"{stem}"' for stem in stems([word])),
                                          "city_key": city_key, "limit": DISTINCT_MAX + 1}))
            for word in words_]


@dataclass
class _Match:
    kind: str
    record_id: str
    words: int = 0  # distinctive words of the message it matches
    score: float = 0.0


def _matches(rows_per_word: list[list[Any]]) -> list[_Match]:
    """The records that the distinctive words (found in 1 to DISTINCT_MAX records) match, most words first."""
    matches: dict[tuple[str, str], _Match] = {}
    for rows in rows_per_word:
        if 0 < len(rows) <= DISTINCT_MAX:
            for row in rows:
                match = matches.setdefault((row.kind, row.record_id), _Match(row.kind, row.record_id))
                match.words += 1
                match.score += float(row.score)
    return sorted(matches.values(), key=lambda match: (-match.words, -match.score, match.record_id))


def find(current: Session, message: str, city_key: Optional[str] = None, leave_out: Iterable[str] = (),
         now: Optional[datetime] = None, category: Optional[str] = None, kind: Optional[str] = None,
         category_named: bool = False) -> list[Hit]:
    """The services and upcoming events (not cancelled) that `message`'s distinctive words name, in the city
    `city_key` (folded) or anywhere: at most MAX_HITS of those matching the most of them, best first, each
    scoring at least SCORE_SHARE of the best.

    With `category` or `kind` ("service" or "event") asked, the records of that category and kind come
    first, unless another matches more words; a record of another matches only with two words or more
    ("Temporary Protection Permit" finds legal advice when papers were asked; "comida" alone does not find
    a children's space that serves meals; "el mercado campesino solidario" finds that event, not the
    food bank that says "solidario"), or when the city has nothing of the category asked. When the
    writer named the category in so many words (`category_named`) and the city has it, only that
    category's records are found. The words of the names of the city's
    centres are places, not things, and are left out like `leave_out`. Empty when the message names
    nothing the directory says in few places."""
    if city_key:
        leave_out = [*leave_out, *_centre_names(current, city_key)]
    words_ = [word for word in terms(message, leave_out) if re.fullmatch(r"\w+", word)]
    if not words_:
        return []
    matches = _live(current, _matches(_rows_per_word(current.connection(), words_, city_key)), now or datetime.now())
    asked = [hit for hit in matches if category in (None, hit.record.category) and kind in (None, hit.kind)]
    most_other = max((hit.words for hit in matches if hit not in asked), default=0)
    hits = [hit for hit in asked if hit.words >= most_other]
    missing = category is not None and not has_category(current, city_key, category)
    if missing and category_named:
        # "hay albergue en cucuta? llegamos con los niños": only what says the very word that names the kind
        # stands in for it ("visa" in Quito's legal advice), not what the rest of the words find...
        naming = [word for word in words_ if category in categories_in(word)]
        matches = _live(current, _matches(_rows_per_word(current.connection(), naming, city_key)),
                        now or datetime.now()) if naming else []
    if not hits:  # another record matches more words: it stands with two words or more, or, when the
        # message names its kind too, when its name says a word that does not name the kind asked ("the
        # baby's nutrition": "Health care and child nutrition"; "vacunar a mi niño": "Basic medical care and
        # vaccination"; not "the Temporary Stay Permit": "Temporary family shelter"), if it is of the kind
        # of record asked, and not in a label before the message ("registro nuevo: dnd dan comida")...
        kinds = categories_in(message)
        named = _said_in_names([hit for hit in matches if kind in (None, hit.kind) and hit.record.category in kinds],
                               [word for word in terms(_LABEL.sub("", message), leave_out)
                                if category not in categories_in(word)])
        hits = [hit for hit in matches if hit.words >= 2 or hit in named]
        if category_named and category and not missing:
            # ...unless the kind was named, and is there, and the record's name does not say such a word
            hits = [hit for hit in hits if hit in asked or hit in named]
    if not hits and missing and category:
        # ...else a place whose name says that kind ("rancho pa dormir en tumbes": the soup kitchen's overnight
        # stay); else what the words found above name; else its absence is the answer.
        hits = _saying_kind(current, category, city_key, now) or matches
    if not hits:
        return []
    best = hits[0]  # the matches come most words first, then best score
    return [hit for hit in hits if hit.words == best.words and hit.score >= best.score * SCORE_SHARE][:MAX_HITS]


def _saying_kind(current: Session, category: str, city_key: Optional[str], now: Optional[datetime]) -> list[Hit]:
    """The services and events of `city_key` whose names say a word for `category` (`bot.directory.categories`: its
    single words of four letters or more, which are not the beginnings of other words as "bed" is of "before"): a
    place that only mentions the kind in passing ("referral to a shelter if needed") is not one of it."""
    words_ = [word for keyword in CATEGORIES[category] if " " not in keyword
              for word in terms(keyword.rstrip("*"), []) if re.fullmatch(r"\w{4,}", word)]
    if not words_ or not city_key:
        return []
    found = _live(current, _matches(_rows_per_word(current.connection(), words_, city_key)), now or datetime.now())
    return _said_in_names(found, words_)


def named_outright(hits: list[Hit], message: str) -> list[Hit]:
    """The hits whose own names say a distinctive word of `message` ("¿a qué hora abre el comedor?"), not only
    their descriptions or requirements ("¿hay que llevar cédula?" names no service that asks for one)."""
    return _said_in_names(hits, terms(message))


def _said_in_names(hits: list[Hit], words_: list[str]) -> list[Hit]:
    """The hits whose own names (not descriptions) say one of `words_` (in any form: by stem)."""
    asked = set(stems(words_))
    return [hit for hit in hits if asked & set(stems(terms(_names(hit.record), [])))] if asked else []


def _names(record: Any) -> str:
    """A service's or event's name in both languages, as the index holds it."""
    document = _document(record)
    return f"{document['names_es']} {document['names_en']}"


def has_category(current: Session, city_key: Optional[str], category: str) -> bool:
    """Whether the city `city_key` (or the directory) has a service of `category`."""
    query = select(Service.id).where(Service.category == category)
    if city_key:
        query = query.where(Service.city_key == city_key)
    return current.scalars(query.limit(1)).first() is not None


def _centre_names(current: Session, city_key: str) -> list[str]:
    """The names of the centres of the city `city_key`, in both languages."""
    return [text_ for name in current.scalars(select(Centre.name).where(Centre.city_key == city_key))
            for text_ in _texts(name).values()]


def _live(current: Session, rows: list[_Match], now: datetime) -> list[Hit]:
    """`rows` as hits (scored by the words they match), without events that are over or cancelled."""
    services = {service.id: service for service in current.scalars(
        select(Service).where(Service.id.in_([row.record_id for row in rows if row.kind == "service"])))}
    events = {event.id: event for event in current.scalars(
        select(Event).where(Event.id.in_([row.record_id for row in rows if row.kind == "event"])))}
    hits = []
    for row in rows:
        record = services.get(row.record_id) if row.kind == "service" else events.get(row.record_id)
        if record is None:
            continue
        if isinstance(record, Event) and (record.cancelled
                                          or (record.ends or record.starts) < now - timedelta(hours=12)):
            continue
        hits.append(Hit(record, row.words, row.score))
    return hits
