"""A centre's name, emphasised by the real actions, as each channel shows it through the real Rasa server.

The fixture directory's centre in Cúcuta is renamed with the markup characters of both
services: Telegram must get the text as it is with a bold entity, WhatsApp the name in *bold*.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
from channel_harness import (
    CARD_NAME,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    Call,
    FakeBotApi,
    signed_whatsapp,
    telegram_turn,
)

from bot.directory import loader
from tests.conftest import FIXTURE
from tests.servers import Servers

CENTRE = "Centro de Integración Atalaya"
QUESTION = "¿dónde está el centro de integración en Cúcuta?"


@pytest.fixture(scope="module")
def rasa(tmp_path_factory: pytest.TempPathFactory, fake_api: FakeBotApi) -> Iterator[Servers]:
    """The real servers, with Telegram (answering through the fake Bot API) and WhatsApp, on the fixture
    directory whose centre in Cúcuta is named CARD_NAME."""
    tmp: Path = tmp_path_factory.mktemp("emphasis")
    url = f"sqlite:///{tmp / 'directory.db'}"
    directory = FIXTURE.read_text("utf-8").replace(f"name: {CENTRE}\n", f'name: "{CARD_NAME}"\n')
    assert CARD_NAME in directory and loader.load(directory, url).ok
    credentials = {"channels.telegram.TelegramInput": {"access_token": TELEGRAM_TOKEN,
                                                       "secret_token": TELEGRAM_SECRET,
                                                       "base_url": f"{fake_api.url}/bot"},
                   "channels.whatsapp.WhatsAppInput": {"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                                       "whatsapp_number": TWILIO_NUMBER}}
    servers = Servers(tmp, url, credentials=credentials).start()
    yield servers
    servers.stop()


def bold(call: Call) -> list[str]:
    """The parts of a sendMessage's text its entities make bold (offsets counted in UTF-16 units, as Telegram's)."""
    entities = call.params.get("entities") or []
    entities = json.loads(entities) if isinstance(entities, str) else entities
    assert all(entity["type"] == "bold" for entity in entities)
    units = call.params["text"].encode("utf-16-le")
    return [units[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le") for e in entities]


def test_telegram_gets_the_plain_name_in_a_bold_entity(rasa: Servers, fake_api: FakeBotApi):
    calls = telegram_turn(rasa.url, fake_api, 3301, QUESTION, TELEGRAM_SECRET)
    [card] = [call for call in calls if "15-32" in call.params.get("text", "")]
    assert card.params["text"].startswith(f"{CARD_NAME}\n📍 Avenida 7")
    assert card.params["text"].count("*") == CARD_NAME.count("*") and "parse_mode" not in card.params
    assert bold(card) == [CARD_NAME]


def test_telegram_offsets_count_the_emoji_of_a_heading_above_the_name(rasa: Servers, fake_api: FakeBotApi):
    calls = telegram_turn(rasa.url, fake_api, 3302, "¿qué servicios hay en Quito?", TELEGRAM_SECRET)
    [card] = [call for call in calls if "Dispensario de salud" in call.params.get("text", "")]
    assert card.params["text"].startswith("🩺 Salud\nDispensario de salud\n") and "*" not in card.params["text"]
    assert bold(card) == ["Dispensario de salud"]


def test_whatsapp_gets_the_name_in_asterisks(rasa: Servers):
    reply = signed_whatsapp(f"{rasa.url}/webhooks/whatsapp/webhook", QUESTION, "whatsapp:+573009990001")
    [card] = [body for body in reply if "15-32" in body]
    assert card.startswith(f"*{CARD_NAME}*\n📍 Avenida 7")
