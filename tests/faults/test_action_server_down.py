"""Faults: with the action server down, a WhatsApp user gets an apology, never silence, and the conversation goes on."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.channels.channel_harness import TWILIO_ACCOUNT, TWILIO_NUMBER, TWILIO_TOKEN, signed_whatsapp
from tests.conftest import serve_fixture
from tests.servers import Servers
from tools.processes import stop_group


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    credentials = {"rest": None, "channels.whatsapp.WhatsAppInput": {
        "account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN, "whatsapp_number": TWILIO_NUMBER}}
    yield from serve_fixture(tmp_path_factory.mktemp("faults"), credentials)


def whatsapp(servers: Servers, text: str, sender: str) -> list[str]:
    return signed_whatsapp(f"{servers.url}/webhooks/whatsapp/webhook", text, sender)


def test_action_server_down_gives_an_apology_and_the_conversation_survives(servers):
    sender = "whatsapp:+573007778899"
    assert any("15-32" in message for message in whatsapp(servers, "centro en cucuta", sender))
    stop_group(servers.actions)
    [apology] = whatsapp(servers, "necesito un abogado en cucuta", sender)
    assert "problema técnico" in apology and "123" in apology
    [english] = whatsapp(servers, "I need a lawyer in Cucuta please", sender)
    assert "technical problem" in english
    assert "Hola" in whatsapp(servers, "hola", sender)[0]  # what needs no action still works
