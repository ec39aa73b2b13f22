"""Faults: with the action server down, a WhatsApp user gets an apology, never silence, and the conversation goes on."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ElementTree
from typing import Iterator

import pytest
from twilio.request_validator import RequestValidator

from bot import loader
from bot.processes import post, stop_group
from tests.channels.channel_harness import TWILIO_ACCOUNT, TWILIO_NUMBER, TWILIO_TOKEN, twilio_form
from tests.conftest import FIXTURE
from tests.servers import Servers


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    tmp = tmp_path_factory.mktemp("faults")
    url = f"sqlite:///{tmp / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    credentials = {"rest": None, "channels.whatsapp.WhatsAppInput": {
        "account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN, "whatsapp_number": TWILIO_NUMBER}}
    running = Servers(tmp, url, credentials=credentials).start()
    yield running
    running.stop()


def whatsapp(servers: Servers, text: str, sender: str) -> list[str]:
    url = f"{servers.url}/webhooks/whatsapp/webhook"
    form = twilio_form(text, sender)
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    status, body = post(url, urllib.parse.urlencode(form).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    assert status == 200
    return ["".join(message.itertext()) for message in ElementTree.fromstring(body).iter("Message")]


def test_action_server_down_gives_an_apology_and_the_conversation_survives(servers):
    sender = "whatsapp:+573007778899"
    assert any("15-32" in message for message in whatsapp(servers, "centro en cucuta", sender))
    stop_group(servers.actions)
    [apology] = whatsapp(servers, "necesito un abogado en cucuta", sender)
    assert "problema técnico" in apology and "123" in apology
    [english] = whatsapp(servers, "I need a lawyer in Cucuta please", sender)
    assert "technical problem" in english
    assert "Hola" in whatsapp(servers, "hola", sender)[0]  # what needs no action still works
