"""Emergencies through the real Rasa server and action server: the failures users met, each fixed and kept so.

The fixture directory (tests/data/directory.yml) has Colombia 123 (and a crisis line 192), Ecuador 911, Perú 105.
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from bot.directory import loader
from bot.texts import Texts
from channels.guard import RATE_LIMIT
from tests.channels.channel_harness import TWILIO_ACCOUNT, TWILIO_NUMBER, TWILIO_TOKEN, signed_whatsapp
from tests.conftest import serve_fixture
from tests.servers import Servers

EVERY_COUNTRY = ("📞 123", "📞 911", "📞 105")
INTRO = {language: Texts(language)("text_emergency_intro").split(":")[0] for language in ("es", "en")}
SELF_HARM = {language: Texts(language)("text_emergency_self_harm").split(":")[0] for language in ("es", "en")}


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    credentials = {"rest": None, "channels.whatsapp.WhatsAppInput": {
        "account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN, "whatsapp_number": TWILIO_NUMBER}}
    yield from serve_fixture(tmp_path_factory.mktemp("emergencies"), credentials)


def conversation(servers: Servers, *turns: str) -> list[str]:
    """The texts of the reply to the last of `turns`, said by a new sender."""
    sender = f"emergency-{uuid.uuid4().hex[:8]}"
    for turn in turns:
        messages = servers.say(sender, turn)
    return [message.get("text") or "" for message in messages]


def assert_lines_first(reply: list[str], language: str, phones=EVERY_COUNTRY) -> None:
    assert reply, "no reply"
    assert all(phone in reply[0] for phone in phones), reply[0]
    assert INTRO[language] in reply[0] or SELF_HARM[language] in reply[0], reply[0]


MISSED_BEFORE = [
    ("help someone is hurting me", "en"), ("they said they will kill me if i dont pay", "en"),
    ("my child is missing", "en"), ("i cant find my son he is 5", "en"),
    ("se me perdio mi hijo en el terminal ayudenme", "es"), ("no encuentro a mi hija de 6 años", "es"),
    ("hay un incendio en el cuarto donde vivimos", "es"), ("mi pareja me encerro y me quito el telefono", "es"),
    ("me violaron anoche", "es"), ("auxilio", "es"), ("ayudaaa", "es"), ("help!!", "en"),
]


@pytest.mark.parametrize("text,language", MISSED_BEFORE)
def test_an_emergency_that_was_missed_gets_every_countrys_lines_in_its_language(servers, text, language):
    reply = conversation(servers, text)
    assert_lines_first(reply, language)
    assert INTRO["en" if language == "es" else "es"] not in "\n".join(reply)


def test_a_missing_child_named_with_a_city_gets_lines_at_once(servers):
    assert_lines_first(conversation(servers, "estoy en pasto, mi hija no aparece desde ayer"), "es")


def test_spanish_after_an_english_conversation_is_answered_in_spanish(servers):
    reply = conversation(servers, "Where is the centre in Quito?", "me quieren pegar")
    assert INTRO["es"] in reply[0] and "📞 911" in reply[0]


def test_an_emergency_while_the_city_is_asked_comes_first(servers):
    reply = conversation(servers, "where is the centre?", "my child is missing")
    assert_lines_first(reply, "en")


def test_the_users_country_only_once_the_city_is_known(servers):
    reply = conversation(servers, "centro en cucuta", "me estan amenazando")
    assert "📞 123" in reply[0] and "📞 911" not in reply[0]


def test_self_harm_gets_the_crisis_line_first_and_a_human_sentence(servers):
    reply = conversation(servers, "i'm thinking of ending it all tonight")
    assert SELF_HARM["en"] in reply[0]
    assert reply[0].index("📞 192") < reply[0].index("📞 123")


def test_an_emergency_that_is_not_self_harm_gets_no_crisis_line(servers):
    assert "📞 192" not in conversation(servers, "hay humo en el edificio y no podemos salir")[0]


def test_a_cry_in_no_clear_language_is_answered_in_both(servers):
    reply = conversation(servers, "sos")
    assert INTRO["es"] in reply[0] and INTRO["en"] in reply[0]


@pytest.mark.parametrize("text,expected", [
    ("me muero de hambre, ¿dónde dan comida en Cúcuta?", "Comedor comunitario"),
    ("dying to know when the centre in Quito opens", "09:00"),
    ("I need a lawyer in Cucuta for a violence case from two years ago", "Legal advice"),
    ("my feet are killing me, is there a doctor in Quito?", "Health clinic"),
])
def test_a_near_miss_keeps_its_answer(servers, text, expected):
    reply = "\n".join(conversation(servers, text))
    assert expected.lower() in reply.lower(), reply


@pytest.mark.parametrize("text", ["ñññ kkkkk qwe", "xxxxx qwe jjjj"])
def test_mashing_gets_no_emergency_lines(servers, text):
    reply = "\n".join(conversation(servers, text))
    assert reply and not any(phone in reply for phone in EVERY_COUNTRY), reply


def test_an_emergency_with_a_question_gets_the_lines_then_the_answer(servers):
    reply = conversation(servers, "mi esposo me pega, donde esta el centro en cucuta?")
    assert_lines_first(reply, "es", ("📞 123",))
    assert any("15-32" in message for message in reply[1:])


def test_a_country_given_without_lines_keeps_the_lines_it_had(servers):
    result = loader.load("countries:\n  - {name: Ecuador, timezone: America/Guayaquil}\n", servers.database_url)
    assert result.ok and any("Ecuador" in warning for warning in result.warnings)
    reply = conversation(servers, "estoy en quito, someone is threatening me")
    assert "📞 911" in reply[0]


def test_the_message_after_a_flood_that_speaks_of_danger_gets_its_lines(servers):
    sender = "whatsapp:+573001112233"
    url = f"{servers.url}/webhooks/whatsapp/webhook"
    for number in range(RATE_LIMIT):
        signed_whatsapp(url, f"hola {number}", sender)
    assert "muchos mensajes" in signed_whatsapp(url, "hola otra vez", sender)[0]
    reply = signed_whatsapp(url, "me quieren matar, estoy en peligro", sender)
    assert INTRO["es"] in reply[0] and "📞 123" in reply[0]
