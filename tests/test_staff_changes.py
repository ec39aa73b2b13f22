"""Each kind of staff change on its own: read from what staff typed, described in Spanish and English, applied to a
real database (SQLite, and PostgreSQL when it runs), and what the directory and its change history hold after."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.directory import db, members
from bot.directory.models import Centre, Change, Event
from bot.staff import lookup
from bot.staff.centres import CENTRE_CHANGES, ChangeHours, ChangePhone, read_field
from bot.staff.events import CancelEvent, PublishEvent, read_category, read_description
from bot.texts import Texts

ES, EN = Texts("es"), Texts("en")
ATALAYA = "Centro de Integración Atalaya"


def history(url: str) -> list[Change]:
    with db.session(url) as session:
        return list(session.execute(select(Change).order_by(Change.id)).scalars())


def test_an_event_is_read_from_what_staff_typed(loaded):
    with db.session(loaded) as session:
        event = PublishEvent.read(session, "Taller de costura", "atalaya", "5 de diciembre de 2099 a las 3 pm",
                                  "empleo", "no")
        assert event == PublishEvent("Taller de costura", lookup.read_place(session, "atalaya"),
                                     datetime(2099, 12, 5, 15, 0), "employment", "")
        assert event.place.centre.id == "cuc-atalaya" and event.city == "Cúcuta"
        elsewhere = PublishEvent.read(session, "Feria", "Lima, Jirón Huaraz 1345", "December 5th 2099 at 9:00",
                                      "health", "Vacunas gratis")
        assert (elsewhere.place.centre, elsewhere.city, elsewhere.place.address) == (None, "Lima", "Jirón Huaraz 1345")
        assert elsewhere.description == "Vacunas gratis"
        for place, when, category in (("Atlantis", "el viernes a las 3 pm", "empleo"),  # no such place
                                      ("atalaya", "ayer", "empleo"),  # the past
                                      ("atalaya", "el viernes a las 3 pm", "de todo un poco")):  # no category
            assert PublishEvent.read(session, "Taller", place, when, category, "") is None


def test_an_event_is_described_in_the_staff_member_s_language(loaded):
    with db.session(loaded) as session:
        event = PublishEvent("Taller de costura", lookup.read_place(session, "atalaya"),
                             datetime(2099, 12, 5, 15, 0), "employment", "Trae tus telas")
        spanish, english = event.describe(ES), event.describe(EN)
    assert spanish.startswith("¿Publico este evento?") and english.startswith("Shall I publish this event?")
    for text in (spanish, english):
        assert "Taller de costura" in text and "2099-12-05 15:00" in text and f"{ATALAYA} (Cúcuta)" in text
        assert "Trae tus telas" in text and "*" not in text
    assert "Empleo" in spanish and "Employment" in english
    assert event.emphasis(ES) == event.emphasis(EN) == ["Taller de costura"]
    assert ES.buttons(event.confirm) and event.done(ES) == ES("text_published", city="Cúcuta")


def test_publishing_writes_the_event_and_its_history(loaded):
    before = db.version(loaded)
    with db.session(loaded) as session:
        member = members.add(session, "111", "Marta Gómez", ["Cúcuta"])
        event = PublishEvent("Taller de costura", lookup.read_place(session, "atalaya"),
                             datetime(2099, 12, 5, 15, 0), "employment", "")
        event.apply(session, member)
    with db.session(loaded) as session:
        stored = session.get(Event, "cucuta-209912051500-taller-de-costura")
        assert (stored.title, stored.centre_id, stored.city, stored.starts, stored.category) == (
            "Taller de costura", "cuc-atalaya", "Cúcuta", datetime(2099, 12, 5, 15, 0), "employment")
        assert stored.description is None and not stored.cancelled and stored.extra == {"published_by": "Marta Gómez"}
    [change] = history(loaded)
    assert (change.kind, change.record_id, change.staff_name, change.before) == (
        "event.publish", "cucuta-209912051500-taller-de-costura", "Marta Gómez", None)
    assert change.after["starts"] == "2099-12-05T15:00" and change.after["centre"] == "cuc-atalaya"
    assert db.version(loaded) == before + 1


def test_an_event_is_cancelled_after_it_is_described(loaded):
    with db.session(loaded) as session:
        member = members.add(session, "111", "Marta Gómez", ["Cúcuta"])
        found = lookup.find_event(session, "feria de empleo", datetime(2026, 12, 3, 12, 0))
        assert found.id == "cuc-fair"
        assert lookup.find_event(session, "taller pasado", datetime(2026, 12, 3, 12, 0)) is None  # it is over
        assert CancelEvent.read(session, "no-such-event") is None
        cancel = CancelEvent.read(session, found.id)
        assert cancel.city == "Cúcuta"
        spanish, english = cancel.describe(ES), cancel.describe(EN)
        assert spanish.startswith("¿Cancelo este evento?") and "Feria de empleo" in spanish
        assert english.startswith("Shall I cancel this event?") and "Job fair" in english
        assert cancel.emphasis(ES) == ["Feria de empleo"] and cancel.emphasis(EN) == ["Job fair"]
        cancel.apply(session, member)
        assert cancel.done(EN) == EN("text_event_cancelled")
    with db.session(loaded) as session:
        assert session.get(Event, "cuc-fair").cancelled
    [change] = history(loaded)
    assert (change.kind, change.record_id) == ("event.cancel", "cuc-fair")
    assert change.before["cancelled"] is False and change.after["cancelled"] is True
    assert change.before["starts"] == "2030-12-06T09:00"


def test_a_centre_s_hours_change_from_what_staff_typed(loaded):
    with db.session(loaded) as session:
        member = members.add(session, "111", "Marta Gómez")
        assert ChangeHours.read(session, "cuc-atalaya", "cuando quieran") is None
        assert ChangeHours.read(session, "no-such-centre", "lunes a viernes 9-5") is None
        change = ChangeHours.read(session, lookup.find_centre(session, "atalaya").id, "lunes a viernes 9-5")
        assert change.value == {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
        spanish, english = change.describe(ES), change.describe(EN)
        assert spanish.startswith(f"¿Cambio el horario de {ATALAYA}?")
        assert "Antes: lunes, martes 08:00-16:00; sábado 08:00-12:00" in spanish
        assert "Ahora: lunes a viernes 09:00-17:00" in spanish
        assert english.startswith(f"Shall I change the opening hours of {ATALAYA}?")
        assert "Before: Monday, Tuesday 08:00-16:00; Saturday 08:00-12:00" in english
        assert "Now: Monday to Friday 09:00-17:00" in english
        assert change.emphasis(ES) == [ATALAYA] and change.done(ES) == ES("text_centre_updated", centre=ATALAYA)
        change.apply(session, member)
    with db.session(loaded) as session:
        assert session.get(Centre, "cuc-atalaya").hours == change.value
    [recorded] = history(loaded)
    assert (recorded.kind, recorded.record_id) == ("centre.hours", "cuc-atalaya")
    assert recorded.after == {"hours": change.value}
    assert recorded.before == {"hours": {"mon": "08:00-16:00", "tue": "08:00-16:00", "sat": "08:00-12:00"}}


def test_a_centre_s_phone_changes_from_what_staff_typed(loaded):
    with db.session(loaded) as session:
        member = members.add(session, "111", "Marta Gómez")
        assert ChangePhone.read(session, "cuc-atalaya", "llamen al centro") is None
        assert ChangePhone.read(session, "cuc-atalaya", "12345") is None  # too short for a phone
        change = ChangePhone.read(session, "cuc-atalaya", " +57 607 555 9999 ")
        assert change.value == "+57 607 555 9999" and change.city == "Cúcuta"
        spanish, english = change.describe(ES), change.describe(EN)
        assert spanish.startswith(f"¿Cambio el teléfono de {ATALAYA}?") and "Antes: +57 607 555 0101" in spanish
        assert "Ahora: +57 607 555 9999" in spanish
        assert f"the phone of {ATALAYA}" in english and "Before: +57 607 555 0101" in english
        assert "Now: +57 607 555 9999" in english
        assert change.emphasis(EN) == [ATALAYA]
        change.apply(session, member)
    with db.session(loaded) as session:
        assert session.get(Centre, "cuc-atalaya").phone == "+57 607 555 9999"
    [recorded] = history(loaded)
    assert (recorded.kind, recorded.before, recorded.after) == (
        "centre.phone", {"phone": "+57 607 555 0101"}, {"phone": "+57 607 555 9999"})


@pytest.mark.parametrize("text, field", [
    ("horario", "hours"), ("el horario de atención", "hours"), ("opening hours", "hours"), ("a qué hora abre", "hours"),
    ("teléfono", "phone"), ("telefono", "phone"), ("the phone number", "phone"), ("el whatsapp", "phone"),
    ("la dirección", None), ("todo", None),
])
def test_staff_name_what_to_change_of_a_centre_in_either_language(text, field):
    assert read_field(text) == field
    assert field is None or CENTRE_CHANGES[field].field == field


@pytest.mark.parametrize("text, category", [("empleo", "employment"), ("health", "health"), ("salud", "health"),
                                            ("de todo un poco", None)])
def test_an_event_s_category_is_one_the_directory_has(text, category):
    assert read_category(text) == category


@pytest.mark.parametrize("text, description", [("no", ""), ("Ninguna.", ""), ("skip", ""), ("-", ""),
                                               ("  Trae tus telas ", "Trae tus telas")])
def test_no_description_is_said_in_either_language(text, description):
    assert read_description(text) == description
