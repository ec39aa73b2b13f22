"""Talking to a person, the whole loop through the real servers: a person on WhatsApp leaves a question, the
staff of Cúcuta get it on Telegram (the fake Bot API), one answers, and the answer reaches the person through
Twilio's REST API (a fake on loopback); while a person handles it the assistant stays quiet, except for danger.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

import pytest
from channel_harness import (
    SECRET_HEADER,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    Call,
    FakeBotApi,
    callback_update,
    http,
    signed_whatsapp,
    telegram_update,
)
from sqlalchemy import text

from bot.directory import db, loader, members
from bot.handoff import requests
from bot.privacy import channel_sender
from tests.conftest import FIXTURE
from tests.servers import Servers
from tools.bench.stand_ins import FakeTwilioApi

ANA, LUIS, ROSA, STRANGER = 4101, 4102, 4103, 4199  # staff of Cúcuta, of every city, of Quito; nobody
TEMPLATE = "HX0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def twilio(background: BackgroundLoop) -> FakeTwilioApi:
    return background.run(FakeTwilioApi(TWILIO_ACCOUNT, TWILIO_TOKEN).start())


@pytest.fixture(scope="module")
def rasa(tmp_path_factory: pytest.TempPathFactory, fake_api: FakeBotApi, twilio: FakeTwilioApi) -> Iterator[Servers]:
    """The real servers with Telegram and WhatsApp, the fixture directory, and three staff members."""
    tmp: Path = tmp_path_factory.mktemp("handoff")
    url = f"sqlite:///{tmp / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    with db.session(url) as session:
        for telegram_id, name, cities in ((ANA, "Ana", ["Cúcuta"]), (LUIS, "Luis", []), (ROSA, "Rosa", ["Quito"])):
            member = members.add(session, str(telegram_id), name, cities)
            requests.remember_chat(session, member.key, str(telegram_id))  # as `python -m bot staff add` does
    credentials = {"channels.telegram.TelegramInput": {"access_token": TELEGRAM_TOKEN,
                                                       "secret_token": TELEGRAM_SECRET,
                                                       "base_url": f"{fake_api.url}/bot"},
                   "channels.whatsapp.WhatsAppInput": {"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                                       "whatsapp_number": TWILIO_NUMBER, "api_base_url": twilio.url,
                                                       "handoff_template_sid": TEMPLATE}}
    servers = Servers(tmp, url, credentials=credentials)
    servers.env["BOT_HANDOFF_TICK_S"] = "0.2"
    servers.start()
    servers.database_url = url
    yield servers
    servers.stop()


def whatsapp(rasa: Servers, person: str, said: str) -> str:
    """What the assistant answered in the webhook's TwiML, all messages in one text."""
    return "\n".join(signed_whatsapp(f"{rasa.url}/webhooks/whatsapp/webhook", said, person))


def telegram(rasa: Servers, user: int, said: str, reply_to: int | None = None) -> None:
    fields = {"text": said, **({"reply_to_message": {"message_id": reply_to, "date": int(time.time()),
                                                     "chat": {"id": user, "type": "private"}}} if reply_to else {})}
    response = http(f"{rasa.url}/webhooks/telegram/webhook", json.dumps(telegram_update(user, **fields)).encode(),
                    {"Content-Type": "application/json", SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status == 200


def press(rasa: Servers, user: int, data: str) -> None:
    response = http(f"{rasa.url}/webhooks/telegram/webhook", json.dumps(callback_update(user, data, f"q{user}{data}"))
                    .encode(), {"Content-Type": "application/json", SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status == 200


def sent_to(fake_api: FakeBotApi, chat: int, containing: str, timeout: float = 15) -> Call:
    """The first sendMessage to `chat` whose text contains `containing`, waiting for it."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        for call in fake_api.to(chat, "sendMessage"):
            if containing in call.params.get("text", ""):
                return call
        time.sleep(0.05)
    raise AssertionError(f"nothing with {containing!r} to {chat}: {[c.params.get('text') for c in fake_api.to(chat)]}")


def twilio_to(twilio: FakeTwilioApi, person: str, containing: str, timeout: float = 15) -> dict:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        for message in twilio.to(person):
            if containing in (message.form.get("Body") or "") or containing == message.form.get("ContentSid"):
                return message.form
        time.sleep(0.05)
    raise AssertionError(f"nothing with {containing!r} to {person}: {[m.form for m in twilio.to(person)]}")


def leave_question(rasa: Servers, person: str, question: str) -> int:
    """The person asks for a person in Cúcuta, chooses to leave their question, and writes it: its number."""
    offered = whatsapp(rasa, person, "quiero hablar con una persona del centro de Cúcuta")
    assert "Dejar mi pregunta" in offered and "+57 607 555 0101" in offered  # the centre's phone, to call now
    number = re.search(r"(\d+)\. 📝 Dejar mi pregunta", offered).group(1)
    assert "Escribe tu pregunta" in whatsapp(rasa, person, number)  # the numbered button, as WhatsApp users answer
    left = whatsapp(rasa, person, question)
    assert "está con el equipo de Cúcuta" in left, left
    return int(left.split("n.º ")[1].split()[0])


def test_a_question_from_whatsapp_is_answered_by_the_staff_of_its_city_on_telegram(rasa, fake_api, twilio):
    person = "whatsapp:+573009990101"
    number = leave_question(rasa, person, "¿Cómo renuevo el PPT de mi hija? Se vence el 20 de diciembre")
    notice = sent_to(fake_api, ANA, "PPT de mi hija")
    assert f"n.º {number}" in notice.params["text"] and "Cúcuta" in notice.params["text"]
    assert "3009990101" not in notice.params["text"]  # never the phone number
    assert notice.keyboard()[0]["callback_data"] == f"handoff:take:{number}"
    assert sent_to(fake_api, LUIS, "PPT de mi hija")  # all-cities staff too
    assert not [c for c in fake_api.to(ROSA, "sendMessage") if "PPT de mi hija" in c.params.get("text", "")]

    telegram(rasa, ANA, "Hola, soy Ana. Trae el pasaporte y la cédula de tu hija.",
             reply_to=notice.result["message_id"])
    answer = twilio_to(twilio, person, "Trae el pasaporte")
    assert answer["From"] == TWILIO_NUMBER and answer["Body"].startswith("👤 Ana (equipo de Cúcuta):")
    assert sent_to(fake_api, LUIS, f"n.º {number} la tiene Ana")

    assert whatsapp(rasa, person, "gracias, ¿y a qué hora abren?") == ""  # the assistant stays quiet
    assert sent_to(fake_api, ANA, "a qué hora abren?")
    danger = whatsapp(rasa, person, "mi pareja me quiere pegar, tengo miedo")
    assert "123" in danger  # the emergency line, at once, from the assistant
    assert sent_to(fake_api, ANA, "⚠️")
    telegram(rasa, ANA, "¿Estás a salvo ahora? Te llamo desde el centro si me dices.")  # while it is open
    assert twilio_to(twilio, person, "Estás a salvo")
    back = whatsapp(rasa, person, "terminar")
    assert "Vuelves a hablar con el asistente" in back
    assert sent_to(fake_api, ANA, f"Solicitud n.º {number} cerrada")
    assert "Hola" in whatsapp(rasa, person, "hola")  # the assistant again
    with db.session(rasa.database_url) as session:
        stored = session.execute(text("select reply_to, status from handoff_requests where id = :n"),
                                 {"n": number}).one()
        relayed = session.execute(text("select author from handoff_messages where request_id = :n order by id"),
                                  {"n": number}).scalars().all()
    assert "3009990101" not in stored.reply_to and stored.status == "closed"
    assert relayed.count("staff") == 2 and relayed.count("person") >= 3


def test_of_two_staff_pressing_take_at_once_one_gets_it_and_the_other_sees_who(rasa, fake_api):
    number = leave_question(rasa, "whatsapp:+573009990102", "Busco curso de panadería")
    sent_to(fake_api, ANA, "panadería")
    threads = [threading.Thread(target=press, args=(rasa, user, f"handoff:take:{number}")) for user in (ANA, LUIS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mine = [user for user in (ANA, LUIS) if _said(fake_api, user, f"La solicitud n.º {number} es tuya")]
    assert len(mine) == 1
    other = LUIS if mine == [ANA] else ANA
    assert sent_to(fake_api, other, f"n.º {number} la tiene {'Ana' if mine == [ANA] else 'Luis'}")


def _said(fake_api: FakeBotApi, chat: int, containing: str, timeout: float = 10) -> bool:
    try:
        sent_to(fake_api, chat, containing, timeout)
        return True
    except AssertionError:
        return False


def test_strangers_and_staff_of_another_city_cannot_take_or_read_a_request(rasa, fake_api, twilio):
    person = "whatsapp:+573009990103"
    number = leave_question(rasa, person, "Necesito cita con el abogado")
    press(rasa, STRANGER, f"handoff:take:{number}")
    assert sent_to(fake_api, STRANGER, "Solo el personal")
    press(rasa, ROSA, f"handoff:take:{number}")
    assert sent_to(fake_api, ROSA, "no es una de tus ciudades")
    telegram(rasa, STRANGER, "/requests")
    telegram(rasa, ROSA, "/requests")
    assert sent_to(fake_api, ROSA, "No hay solicitudes abiertas")
    assert not _said(fake_api, STRANGER, "cita con el abogado", timeout=2)
    assert not twilio.to(person)  # nothing reached the person
    telegram(rasa, LUIS, "/requests")
    assert sent_to(fake_api, LUIS, "cita con el abogado")


def test_an_answer_after_24_hours_is_not_sent_as_text_and_the_template_invites_the_person_back(rasa, fake_api,
                                                                                              twilio):
    person = "whatsapp:+573009990104"
    number = leave_question(rasa, person, "Quiero validar mi título")
    notice = sent_to(fake_api, ANA, "validar mi título")
    press(rasa, ANA, f"handoff:take:{number}")
    sent_to(fake_api, ANA, f"La solicitud n.º {number} es tuya")
    with db.session(rasa.database_url) as session:
        request = requests.get(session, number)
        request.last_person_at = datetime.utcnow() - timedelta(hours=25)
    telegram(rasa, ANA, "Trae el diploma apostillado", reply_to=notice.result["message_id"])
    assert sent_to(fake_api, ANA, "más de 24 horas")
    assert twilio_to(twilio, person, TEMPLATE)["ContentSid"] == TEMPLATE
    assert not [m for m in twilio.to(person) if "diploma" in (m.form.get("Body") or "")]


def test_a_twilio_failure_when_relaying_is_retried_and_the_staff_member_told_when_it_finally_fails(rasa, fake_api,
                                                                                                  twilio):
    person = "whatsapp:+573009990105"
    number = leave_question(rasa, person, "¿Dónde vacunan a los niños?")
    notice = sent_to(fake_api, ANA, "vacunan a los niños")
    twilio.failures = 1  # the first try fails, the second gets through
    telegram(rasa, ANA, "En el puesto de salud, los martes", reply_to=notice.result["message_id"])
    assert twilio_to(twilio, person, "los martes")
    twilio.failures = 10
    telegram(rasa, ANA, "Lleva el carné de vacunas", reply_to=notice.result["message_id"])
    assert sent_to(fake_api, ANA, f"No se pudo entregar tu respuesta a la solicitud n.º {number}")
    twilio.failures = 0


def test_deleting_my_data_during_a_request_ends_it_and_erases_it(rasa, fake_api):
    person = "whatsapp:+573009990106"
    number = leave_question(rasa, person, "Quiero saber de mi trámite")
    asked = whatsapp(rasa, person, "borrar mis datos")
    assert "¿" in asked and "borr" in asked.lower()  # the assistant asks to confirm
    assert sent_to(fake_api, ANA, f"Solicitud n.º {number} cerrada")
    whatsapp(rasa, person, "sí")
    with db.session(rasa.database_url) as session:
        left = session.execute(text("select count(*) from handoff_requests where sender = :s"),
                               {"s": channel_sender("whatsapp", person)}).scalar_one()
    assert left == 0


def test_a_bot_api_failure_relaying_a_persons_message_is_retried_and_the_person_told_when_it_finally_fails(
        rasa, fake_api):
    person = "whatsapp:+573009990107"
    number = leave_question(rasa, person, "¿Puedo llevar a mi perro al albergue?")
    notice = sent_to(fake_api, ANA, "perro al albergue")
    telegram(rasa, ANA, "Déjame preguntar y te digo.", reply_to=notice.result["message_id"])
    fake_api.fail("sendMessage", ANA, 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    assert whatsapp(rasa, person, "es pequeño") == ""  # the second try got through
    assert sent_to(fake_api, ANA, f"n.º {number}: es pequeño")
    for _ in range(4):  # every try fails
        fake_api.fail("sendMessage", ANA, 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    assert "no pudo llegar al equipo" in whatsapp(rasa, person, "y tiene vacunas")


def test_a_taken_request_left_unanswered_for_two_working_hours_goes_back_to_everyone(rasa, fake_api, twilio):
    person = "whatsapp:+573009990108"
    number = leave_question(rasa, person, "¿Hay clases de inglés?")
    sent_to(fake_api, LUIS, "clases de inglés")
    press(rasa, ANA, f"handoff:take:{number}")
    sent_to(fake_api, ANA, f"La solicitud n.º {number} es tuya")
    with db.session(rasa.database_url) as session:  # taken a week ago: the centre has been open long since
        requests.get(session, number).taken_at = datetime.utcnow() - timedelta(days=7)
    assert "vuelve a todo el equipo de Cúcuta" in twilio_to(twilio, person, "vuelve a todo el equipo")["Body"]
    announced = [c for c in fake_api.to(LUIS, "sendMessage") if "clases de inglés" in c.params.get("text", "")]
    give_up = time.monotonic() + 10
    while len(announced) < 2 and time.monotonic() < give_up:
        time.sleep(0.1)
        announced = [c for c in fake_api.to(LUIS, "sendMessage") if "clases de inglés" in c.params.get("text", "")]
    assert len(announced) == 2  # announced again, with its button
    with db.session(rasa.database_url) as session:
        request = requests.get(session, number)
        assert request.status == "waiting" and request.staff_key is None and request.returned == 1


def test_a_whatsapp_user_cannot_list_the_requests(rasa):
    reply = whatsapp(rasa, "whatsapp:+573009990109", "/requests")
    assert "Solicitudes abiertas" not in reply and "n.º" not in reply


def test_deleting_my_data_after_a_request_ended_erases_it(rasa, fake_api):
    person = "whatsapp:+573009990110"
    number = leave_question(rasa, person, "Consulta sobre mi cita")
    assert "Vuelves a hablar con el asistente" in whatsapp(rasa, person, "ya está, gracias")
    whatsapp(rasa, person, "borrar mis datos")
    whatsapp(rasa, person, "sí")
    with db.session(rasa.database_url) as session:
        assert requests.get(session, number) is None


def test_a_person_on_telegram_gets_the_staff_members_answer_in_their_own_chat(rasa, fake_api):
    person = 4150  # a Telegram user who is not staff
    telegram(rasa, person, "I want to talk to a person in Cúcuta")
    offer = sent_to(fake_api, person, "leave your question")
    press(rasa, person, next(button["callback_data"] for button in offer.keyboard()))
    assert sent_to(fake_api, person, "Write your question in your own words")
    telegram(rasa, person, "Is there English-speaking legal advice?")
    left = sent_to(fake_api, person, "Done: your question no.")
    number = int(left.params["text"].split("no. ")[1].split()[0])
    notice = sent_to(fake_api, ANA, "English-speaking legal advice")
    assert f"n.º {number}" in notice.params["text"] and "idioma: en" in notice.params["text"]
    telegram(rasa, ANA, "Yes: on Mondays, ask for Marta.", reply_to=notice.result["message_id"])
    assert sent_to(fake_api, person, "👤 Ana (Cúcuta team): Yes: on Mondays, ask for Marta.")


def test_a_long_answer_reaches_whatsapp_in_pieces_twilio_accepts(rasa, fake_api, twilio):
    person = "whatsapp:+573009990111"
    leave_question(rasa, person, "¿Qué papeles necesito para todo?")
    notice = sent_to(fake_api, ANA, "papeles necesito para todo")
    long_answer = " ".join(f"paso{n}" for n in range(260))  # about 1,800 characters: over WhatsApp's 1,600
    telegram(rasa, ANA, long_answer, reply_to=notice.result["message_id"])
    first = twilio_to(twilio, person, "paso0 ")
    give_up = time.monotonic() + 10
    while "paso259" not in " ".join(m.form.get("Body") or "" for m in twilio.to(person)) and time.monotonic() < give_up:
        time.sleep(0.1)
    bodies = [m.form.get("Body") or "" for m in twilio.to(person)]
    assert first["Body"].startswith("👤 Ana (equipo de Cúcuta): paso0 ")
    assert len(bodies) >= 2 and all(len(body) <= 1600 for body in bodies)
    assert " ".join(bodies).split()[-1] == "paso259"
