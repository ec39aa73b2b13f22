"""A slow or hung action server: the user hears from the assistant within the deadline, and the answer
still comes (WhatsApp through Twilio's REST API, Telegram through the Bot API).

The fault is real: the Rasa server reaches the action server through a proxy on loopback that holds
each call for as long as the test says. The channels' deadline is 3 s here (10 s by default);
Rasa waits at most 8 s for an action (`channels.deadline.limit_action_calls`).
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest
from twilio.request_validator import RequestValidator

from bot.directory import loader
from tests.channels.channel_harness import (
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    FakeBotApi,
    telegram_update,
    twilio_form,
)
from tests.conftest import FIXTURE
from tests.faults.fakes import wait_for
from tests.servers import Servers
from tools.bench.stand_ins import FakeTwilioApi, SlowProxy
from tools.processes import post

DEADLINE_S = 3.0
TELEGRAM_TOKEN, TELEGRAM_SECRET = "777:SLOW", "slow-secret"
PHONE = "whatsapp:+573005550000"
QUESTION = "¿dónde queda el centro de integración en Cúcuta?"


class World:
    def __init__(self, servers: Servers, proxy: SlowProxy, bot_api: FakeBotApi, twilio: FakeTwilioApi) -> None:
        self.servers, self.proxy, self.bot_api, self.twilio = servers, proxy, bot_api, twilio

    def whatsapp(self, text: str, sender: str = PHONE) -> tuple[str, float]:
        url = f"{self.servers.url}/webhooks/whatsapp/webhook"
        form = twilio_form(text, sender)
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
        started = time.monotonic()
        status, body = post(url, urllib.parse.urlencode(form).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
        assert status == 200, body
        return body.decode("utf-8"), time.monotonic() - started

    def telegram(self, chat: int, text: str) -> float:
        started = time.monotonic()
        status, body = post(f"{self.servers.url}/webhooks/telegram/webhook",
                            json.dumps(telegram_update(chat, text=text)).encode(),
                            {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert status == 200, body
        return time.monotonic() - started

    def telegram_texts(self, chat: int) -> list[str]:
        return [str(call.params.get("text")) for call in self.bot_api.to(chat, "sendMessage")]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    tmp: Path = tmp_path_factory.mktemp("slow")
    url = f"sqlite:///{tmp / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    loop = BackgroundLoop()
    bot_api = loop.run(FakeBotApi().start())
    twilio = loop.run(FakeTwilioApi(TWILIO_ACCOUNT, TWILIO_TOKEN).start())
    credentials = {
        "channels.telegram.TelegramInput": {"access_token": TELEGRAM_TOKEN, "secret_token": TELEGRAM_SECRET,
                                            "base_url": f"{bot_api.url}/bot", "reply_deadline_s": DEADLINE_S},
        "channels.whatsapp.WhatsAppInput": {"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                            "whatsapp_number": TWILIO_NUMBER, "api_base_url": twilio.url,
                                            "reply_deadline_s": DEADLINE_S},
    }
    servers = Servers(tmp, url, credentials=credentials)
    proxy = loop.run(SlowProxy(f"http://127.0.0.1:{servers.actions_port}").start())
    servers.extra_endpoints = {"action_endpoint": {"url": f"{proxy.url}/webhook", "enable_selective_domain": True}}
    servers.start()
    try:
        yield World(servers, proxy, bot_api, twilio)
    finally:
        servers.stop()
        loop.stop()


@pytest.fixture
def slow(world: World) -> Iterator[World]:
    yield world
    world.proxy.delay = 0.0


def test_a_late_whatsapp_answer_follows_through_twilios_api(slow: World):
    slow.proxy.delay = 5.0  # slower than the deadline, within the action timeout
    started = time.monotonic()
    twiml, took = slow.whatsapp(QUESTION)
    assert took < DEADLINE_S + 1.5 and "Sigo buscando tu respuesta" in twiml and "123" in twiml
    sent = wait_for(lambda: [m for m in slow.twilio.to(PHONE, started) if "15-32" in m.form.get("Body", "")], 30)
    assert sent, [m.form for m in slow.twilio.to(PHONE, started)]
    [message] = sent
    assert message.authorised and message.account == TWILIO_ACCOUNT and message.form["From"] == TWILIO_NUMBER


def test_a_hung_action_server_ends_in_an_apology_with_the_lines(slow: World):
    slow.proxy.delay = 60.0  # it never answers in time
    sender = "whatsapp:+573005550001"
    started = time.monotonic()
    twiml, took = slow.whatsapp(QUESTION, sender)
    assert took < DEADLINE_S + 1.5 and "Sigo buscando" in twiml
    apology = wait_for(lambda: [m for m in slow.twilio.to(sender, started) if "123" in m.form.get("Body", "")], 20)
    assert apology and "problema técnico" in apology[0].form["Body"]
    assert apology[0].at - started < 8 + 4  # Rasa gave up on the action after 8 s, not 300


def test_a_late_telegram_answer_follows_the_note(slow: World):
    slow.proxy.delay = 5.0
    took = slow.telegram(3101, QUESTION)
    assert took < 1.0  # the webhook acknowledges at once
    assert wait_for(lambda: any("15-32" in text for text in slow.telegram_texts(3101)), 30)
    texts = slow.telegram_texts(3101)
    assert "Sigo buscando tu respuesta" in texts[0] and "123" in texts[0]
    assert "15-32" in texts[-1] or any("15-32" in text for text in texts[1:])


def test_a_prompt_answer_has_no_note(slow: World):
    twiml, took = slow.whatsapp(QUESTION, "whatsapp:+573005550002")
    assert "15-32" in twiml and "Sigo buscando" not in twiml


def test_a_telegram_update_is_acknowledged_at_once_and_answered_later(slow: World):
    slow.proxy.delay = 5.0
    body = json.dumps(telegram_update(3102, text=QUESTION)).encode()
    started = time.monotonic()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    status, _ = post(f"{slow.servers.url}/webhooks/telegram/webhook", body, headers, timeout=1)
    assert status == 200 and time.monotonic() - started < 1.0
    assert wait_for(lambda: any("15-32" in text for text in slow.telegram_texts(3102)), 30)


def test_a_rasa_server_asked_to_stop_mid_turn_delivers_the_reply_first(slow: World):
    slow.proxy.delay = 4.0
    slow.telegram(3103, QUESTION)
    time.sleep(1.0)  # the turn is waiting for the action server
    os.killpg(slow.servers.rasa.pid, signal.SIGTERM)  # as a deployment stops a server
    try:
        assert slow.servers.rasa.wait(30) is not None
        assert any("15-32" in text for text in slow.telegram_texts(3103)), slow.telegram_texts(3103)
    finally:
        slow.proxy.delay = 0.0
        slow.servers.restart_rasa()


def test_whatsapp_hanging_up_does_not_lose_the_reply(slow: World):
    slow.proxy.delay = 5.0
    sender = "whatsapp:+573005550003"
    url = f"{slow.servers.url}/webhooks/whatsapp/webhook"
    form = twilio_form(QUESTION, sender)
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    started = time.monotonic()
    with pytest.raises(OSError):
        post(url, urllib.parse.urlencode(form).encode(),
             {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}, timeout=1)
    assert wait_for(lambda: [m for m in slow.twilio.to(sender, started) if "15-32" in m.form.get("Body", "")], 30)
