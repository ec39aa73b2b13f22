"""The directory's own words find its services and events (SQLite FTS5, and PostgreSQL with unaccent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.directory import db, loader, members, search
from bot.directory.models import Event, Service
from bot.staff import lookup
from bot.staff.events import CancelEvent, PublishEvent
from tests.conftest import FIXTURE

SAMPLE = FIXTURE.parent.parent.parent / "data" / "directory" / "sample.yml"
NOW = datetime(2026, 11, 27, 12, 0)


def found(url: str, message: str, city: str | None = None, **limits) -> list[str]:
    with db.session(url) as current:
        return [hit.record.id for hit in search.find(current, message, city, [city] if city else [], now=NOW,
                                                     **limits)]


def test_a_service_is_found_by_the_words_of_its_name_and_description(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    assert found(database_url, "donde me ayudan a consultar el estado del PPT", "cucuta") == ["cuc-documentation"]
    assert found(database_url, "quiero convalidar mi titulo universitario", "barranquilla") == ["baq-education"]
    assert found(database_url, "seed funding for my small business", "bogota") == ["bog-employment"]
    # without accents, in capitals, another form of the word (stemming), in either language
    assert found(database_url, "VALIDACION DEL BACHILLERATO", "medellin") == ["med-education"]
    assert found(database_url, "hay jornada de vacunas?", "bogota")[0] == "bog-vaccination-2026-12"
    assert found(database_url, "is there a vaccination day?", "bogota")[0] == "bog-vaccination-2026-12"
    # anywhere, when no city is named and the words are rare in the whole directory
    assert found(database_url, "how do I get enrolled in the SIS?") == ["lim-health"]


def test_words_of_many_records_or_of_any_request_find_nothing(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    assert found(database_url, "necesito ayuda con un servicio en el centro", "lima") == []
    assert found(database_url, "salud") == []  # in many records: the classifier's category answers it
    assert found(database_url, "") == [] and found(database_url, "🙏🙏") == []


def test_a_search_keeps_to_what_was_asked(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    # the names of the city's centres are places: "La Libertad" is not a word about what a service does
    assert found(database_url, "a q hora abre la casa la libertad", "cucuta") == []
    assert found(database_url, "pruebas de vih", "bogota", category="health") == ["bog-health"]
    assert found(database_url, "vih", "bogota", category="food") == []  # one word: the category asked wins
    assert found(database_url, "pruebas rapidas de vih", "bogota", category="food") == ["bog-health"]  # three
    assert found(database_url, "jornada de vacunacion", "bogota", kind="event") == ["bog-vaccination-2026-12"]
    assert "bog-vaccination-2026-12" not in found(database_url, "vacunacion", "bogota", kind="service")
    # the records of the category asked come first, unless another matches more words
    assert found(database_url, "el mercado campesino solidario", "bogota", category="food") == \
        ["bog-food-market-2027-03"]
    # a record whose own name says a word of the message stands with that one word, though another kind was
    # named ("baby": children; "nutrition" names Riohacha's "Health care and child nutrition")
    assert found(database_url, "where can they check the baby's nutrition?", "riohacha", category="children",
                 category_named=True) == ["rio-health"]
    assert found(database_url, "kiero vacunar a mi niño", "cucuta", category="children", category_named=True) == \
        ["cuc-health"]
    # ...of a kind the message names: "temporary" does not make a Temporary Stay Permit a shelter...
    assert found(database_url, "Who can help me with the Temporary Stay Permit card (CPP) in Lima?", "lima",
                 category="documentation", category_named=True) != ["lim-housing"]
    # ...and not by a word of a label before the message ("registro" in "Registro civil de niños")
    assert found(database_url, "registro nuevo: vivo en riohacha, dnd dan comida", "riohacha", category="food",
                 category_named=True) != ["rio-children"]


def test_a_category_named_in_so_many_words_keeps_the_search_to_it_where_the_city_has_it(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    message = "llegan caminando y preguntan por algo de comer"  # the health post says "llegan caminando"
    assert found(database_url, message, "tumbes", category="food") == ["tum-health"]
    assert found(database_url, message, "tumbes", category="food", category_named=True) == []
    # where the city has none of it, what the words name is still the best answer
    assert found(database_url, "who can help with my Temporary Protection Permit", "cucuta",
                 category="documentation", category_named=True) != []


def test_a_kind_named_that_the_city_lacks_is_found_only_in_the_names_of_its_other_places(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    # Tumbes lists no shelter, but its soup kitchen's name says "alojamiento de una noche"
    assert found(database_url, "pana necesito un rancho pa dormir esta noche, voy de paso", "tumbes",
                 category="housing", category_named=True) == ["tum-food"]
    # Cúcuta lists none: "llegamos" and "niños" (in the soup kitchen's text) do not stand in for a shelter,
    # nor does a protection service that mentions a referral to one
    assert found(database_url, "hay albergue? llegamos hoy con los niños", "cucuta",
                 category="housing", category_named=True) == []


def test_staff_notes_are_never_searched(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    # these words are only in staff notes (of cuc-legal, and of a service in Riohacha)
    assert found(database_url, "plazos de respuesta", "cucuta") == []
    assert found(database_url, "interprete de wayuunaiki") == []


def test_what_staff_publish_or_load_is_found_at_once_and_what_they_cancel_is_not(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    with db.session(database_url) as current:
        member = members.add(current, "111", "Ana", ["Lima"])
        place = lookup.read_place(current, "Lima, Jirón Huaraz 1345")
        event = PublishEvent("Taller de repostería venezolana", place, datetime(2026, 12, 3, 15, 0), "employment",
                             "Aprende a hacer tequeños").apply(current, member)
        ident = event.id
    assert found(database_url, "hay algun curso de reposteria?", "lima") == [ident]
    assert found(database_url, "donde enseñan a hacer tequeños") == [ident]
    with db.session(database_url) as current:
        CancelEvent.read(current, ident).apply(current, member)
    assert found(database_url, "hay algun curso de reposteria?", "lima") == []

    extra = SAMPLE.read_text("utf-8").replace("id: lim-health", "id: lim-health-2", 1)
    assert loader.load(extra, database_url).ok
    assert sorted(found(database_url, "afiliarme al SIS", "lima")) == ["lim-health", "lim-health-2"]


def test_a_past_event_is_not_found(database_url):
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    with db.session(database_url) as current:
        vaccination = current.scalars(select(Event).where(Event.id == "bog-vaccination-2026-12")).one()
        later = vaccination.ends or vaccination.starts
    with db.session(database_url) as current:
        hits = search.find(current, "jornada de vacunación", "bogota", ["bogota"],
                           now=later.replace(year=later.year + 1))
    assert [hit.record.id for hit in hits] == []


def test_an_index_is_built_for_a_directory_loaded_before_it_existed(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    assert loader.load(SAMPLE.read_text("utf-8"), url).ok
    with db.engine(url).begin() as connection:
        connection.exec_driver_sql(f"DELETE FROM {search.TABLE}")  # as a database from before the index
    db.forget_engines()
    assert found(url, "capital semilla", "bogota") == ["bog-employment"]
    with db.session(url) as current:
        assert current.scalars(select(Service)).first() is not None
