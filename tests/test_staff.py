"""Staff on Telegram, migrants on WhatsApp, through the real servers: who may do what, and what everyone sees."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Iterator

import pytest
from sqlalchemy import select

from bot.directory import db, loader, members
from bot.directory.models import Centre, Change, Event
from tests.channels.channel_harness import (
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    FakeBotApi,
    signed_whatsapp,
    telegram_turn,
)
from tests.conftest import FIXTURE, HERE
from tests.servers import Servers

STAFF, OTHER, SECOND_STAFF, CUCUTA_STAFF = 2001, 2002, 2003, 2004  # each may send 20 messages a minute
MIGRANT = "whatsapp:+573004445566"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[Servers, FakeBotApi]]:
    tmp = tmp_path_factory.mktemp("staff")
    url = f"sqlite:///{tmp / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    with db.session(url) as session:
        members.add(session, str(STAFF), "Marta Gómez", ["Cúcuta"])
        members.add(session, str(SECOND_STAFF), "Luis Pérez")
        members.add(session, str(CUCUTA_STAFF), "Ana Ruiz", ["Cúcuta"])
    loop = BackgroundLoop()
    fake = loop.run(FakeBotApi().start())
    credentials = {"rest": None,
                   "channels.telegram.TelegramInput": {"access_token": TELEGRAM_TOKEN, "secret_token": TELEGRAM_SECRET,
                                                       "base_url": f"{fake.url}/bot"},
                   "channels.whatsapp.WhatsAppInput": {"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                                       "whatsapp_number": TWILIO_NUMBER}}
    servers = Servers(tmp, url, credentials=credentials).start()
    yield servers, fake
    servers.stop()
    loop.stop()


def telegram(world, user: int, text: str) -> list:
    """Send `text` from Telegram user `user`; the Bot API calls it caused."""
    servers, fake = world
    return telegram_turn(servers.url, fake, user, text, TELEGRAM_SECRET)


def said(calls: list) -> str:
    return "\n".join(str(call.params.get("text") or call.params.get("caption") or "") for call in calls)


def bold(call) -> list[str]:
    """The parts of a sendMessage's text that its entities make bold (the texts checked here have no emoji before
    them, so code points count as Telegram's UTF-16 units)."""
    entities = call.params.get("entities") or []
    entities = json.loads(entities) if isinstance(entities, str) else entities
    text = call.params["text"]
    return [text[entity["offset"]:entity["offset"] + entity["length"]] for entity in entities
            if entity["type"] == "bold"]


def whatsapp(world, text: str, sender: str = MIGRANT) -> str:
    """Send `text` from a WhatsApp number; the reply's messages, joined."""
    return "\n".join(signed_whatsapp(f"{world[0].url}/webhooks/whatsapp/webhook", text, sender))


def changes(world) -> list[Change]:
    with db.session(world[0].database_url) as session:
        return list(session.execute(select(Change).order_by(Change.id)).scalars())


def test_the_report_is_for_staff_only(world):
    calls = telegram(world, STAFF, "/report")
    photos = [call for call in calls if call.method.lower() == "sendphoto"]
    assert "Demanda de los últimos 7 días" in said(calls)
    assert photos and photos[0].files["photo"]["png"]
    calls = telegram(world, OTHER, "/report")
    assert "solo lo puede hacer el personal" in said(calls)
    assert not [call for call in calls if call.method.lower() == "sendphoto"]
    assert "solo lo puede hacer el personal" in whatsapp(world, "/report")


@pytest.mark.parametrize("request_text", ["quiero publicar un evento", "cancelar la feria de empleo",
                                          "cambiar el horario del centro atalaya"])
def test_only_staff_may_change_the_directory(world, request_text):
    assert "solo lo puede hacer el personal" in said(telegram(world, OTHER, request_text))
    assert "solo lo puede hacer el personal" in whatsapp(world, request_text, f"whatsapp:+57300000{len(request_text)}")
    after_yes = said(telegram(world, OTHER, "si"))  # no form was started: there is nothing to confirm
    assert not any(word in after_yes for word in ("Publicado", "cancelado", "Actualizado"))
    assert changes(world) == []


def test_refused_in_english_to_an_english_speaker(world):
    assert "only registered municipal staff" in whatsapp(world, "I want to publish an event", "whatsapp:+573000000002")


def test_an_event_published_on_telegram_is_found_on_whatsapp(world):
    assert "título" in said(telegram(world, STAFF, "quiero publicar un evento"))
    assert "Dónde" in said(telegram(world, STAFF, "Taller de costura"))
    assert "Cuándo" in said(telegram(world, STAFF, "Centro de Integración Atalaya"))
    assert "No entendí la fecha" in said(telegram(world, STAFF, "ayer"))
    assert "tema" in said(telegram(world, STAFF, "el viernes a las 3 pm"))
    assert "descripción" in said(telegram(world, STAFF, "empleo"))
    calls = telegram(world, STAFF, "no")
    confirm = said(calls)
    assert "¿Publico este evento?" in confirm and "Taller de costura" in confirm and "15:00" in confirm
    [card] = [call for call in calls if "Publico" in str(call.params.get("text"))]
    assert bold(card) == ["Taller de costura"] and "*" not in card.params["text"]
    assert "Publicado" in said(telegram(world, STAFF, "si"))
    with db.session(world[0].database_url) as session:
        event = session.execute(select(Event).where(Event.category == "employment", Event.cancelled.is_(False),
                                                    Event.centre_id == "cuc-atalaya", Event.starts.isnot(None))
                                .order_by(Event.starts)).scalars().all()
        assert any(e.title == "Taller de costura" and e.starts.hour == 15 and e.starts.weekday() == 4 for e in event)
    [change] = changes(world)
    assert change.kind == "event.publish" and change.staff_name == "Marta Gómez" and change.before is None
    assert "Taller de costura" in whatsapp(world, "que eventos hay en cucuta")


def test_staff_see_staff_notes_and_migrants_do_not(world):
    assert "Ask for Marta" in said(telegram(world, STAFF, "servicios legales en cucuta"))
    assert "Ask for Marta" not in whatsapp(world, "necesito un abogado en cucuta")
    assert "Orientación jurídica" in whatsapp(world, "necesito un abogado en cucuta", "whatsapp:+573000000003")


def test_a_cancelled_event_is_no_longer_listed(world):
    telegram(world, STAFF, "cancelar un evento")
    assert "¿Cancelo este evento?" in said(telegram(world, STAFF, "Taller de costura"))
    assert "cancelado" in said(telegram(world, STAFF, "si"))
    assert "Taller de costura" not in whatsapp(world, "que eventos hay en cucuta", "whatsapp:+573000000004")
    assert changes(world)[-1].kind == "event.cancel"


def test_changed_opening_hours_are_answered_at_once_and_recorded(world):
    telegram(world, STAFF, "cambiar el horario del centro")
    telegram(world, STAFF, "Atalaya")
    telegram(world, STAFF, "horario")
    calls = telegram(world, STAFF, "lunes a viernes 9:00-17:00")
    confirm = said(calls)
    assert "Antes" in confirm and "09:00-17:00" in confirm
    [card] = [call for call in calls if "Antes" in str(call.params.get("text"))]
    assert bold(card) == ["Centro de Integración Atalaya"] and "*" not in card.params["text"]  # the name, in bold
    assert "Actualizado" in said(telegram(world, STAFF, "si"))
    assert "09:00-17:00" in whatsapp(world, "horario del centro en cucuta", "whatsapp:+573000000005")
    change = changes(world)[-1]
    assert change.kind == "centre.hours" and change.before["hours"]["sat"] == "08:00-12:00"
    with db.session(world[0].database_url) as session:
        assert session.get(Centre, "cuc-atalaya").hours["fri"] == "09:00-17:00"
    history = subprocess.run([sys.executable, "-m", "bot", "directory", "history"], cwd=HERE.parent,
                             capture_output=True, text=True,
                             env={"BOT_DATABASE_URL": world[0].database_url, "PATH": "/usr/bin:/bin"})
    assert "Marta Gómez" in history.stdout and "centre.hours cuc-atalaya" in history.stdout


def test_saying_no_drops_the_change(world):
    telegram(world, SECOND_STAFF, "cambiar el telefono del centro")
    telegram(world, SECOND_STAFF, "Atalaya")
    telegram(world, SECOND_STAFF, "telefono")
    assert "+57 607 555 9999" in said(telegram(world, SECOND_STAFF, "+57 607 555 9999"))
    assert "no cambié nada" in said(telegram(world, SECOND_STAFF, "no"))
    with db.session(world[0].database_url) as session:
        assert session.get(Centre, "cuc-atalaya").phone == "+57 607 555 0101"


def test_staff_change_only_the_cities_they_serve(world):
    telegram(world, CUCUTA_STAFF, "cambiar el horario del centro")
    refused = said(telegram(world, CUCUTA_STAFF, "Casa de Acogida Norte"))  # Quito's
    assert "solo puedes cambiar el directorio de Cúcuta" in refused
    telegram(world, CUCUTA_STAFF, "Atalaya")  # their own city's centre is taken
    telegram(world, CUCUTA_STAFF, "telefono")
    assert "+57 607 555 8888" in said(telegram(world, CUCUTA_STAFF, "+57 607 555 8888"))
    assert "no cambié nada" in said(telegram(world, CUCUTA_STAFF, "no"))
    with db.session(world[0].database_url) as session:
        assert session.get(Centre, "uio-norte").hours == {"mon": "09:00-13:00, 14:00-17:00", "wed": "09:00-17:00"}
    assert not [change for change in changes(world) if change.record_id == "uio-norte"]
