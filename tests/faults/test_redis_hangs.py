"""A Redis that accepts connections and never answers: replies go on, without waiting for it.

The fault is real: a loopback port whose connections the kernel accepts and nobody ever reads.
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest
from twilio.request_validator import RequestValidator

from bot.directory import loader
from channels.whatsapp import WhatsAppInput
from tests.channels.channel_harness import (
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    StubAgent,
    serve,
    silent_port,
    twilio_form,
)
from tests.conftest import FIXTURE
from tests.servers import Servers
from tools.processes import post

PROMPT_S = 1.5  # far below Twilio's 15 s: a hung Redis must not cost a user a noticeable wait


@pytest.fixture
def hung_redis(monkeypatch) -> Iterator[int]:
    sock, port = silent_port()
    monkeypatch.setenv("BOT_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    yield port
    sock.close()


def _signed(url: str, form: dict) -> tuple[int, str, float]:
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    started = time.monotonic()
    status, body = post(url, urllib.parse.urlencode(form).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    return status, body.decode("utf-8"), time.monotonic() - started


def test_whatsapp_answers_promptly_and_still_ignores_redeliveries(hung_redis, tmp_path: Path):
    loop, agent = BackgroundLoop(), StubAgent(str(tmp_path / "chart.png"))
    try:
        channel = WhatsAppInput.from_credentials({"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                                  "whatsapp_number": TWILIO_NUMBER})
        base, _ = loop.run(serve([channel], agent))
        url = f"{base}/webhooks/whatsapp/webhook"
        for text in ("Hola", "¿dónde está el centro?", "gracias"):
            status, body, took = _signed(url, twilio_form(text, "whatsapp:+573000000777"))
            assert status == 200 and f"echo: {text}" in body
            assert took < PROMPT_S, f"{text!r} took {took:.1f} s"
        form = twilio_form("otra vez", "whatsapp:+573000000777")
        assert "echo: otra vez" in _signed(url, form)[1]
        assert "echo" not in _signed(url, form)[1]  # the same MessageSid: dedup works in memory meanwhile
        assert [m.text for m in agent.received("whatsapp:+573000000777")].count("otra vez") == 1
    finally:
        loop.stop()


@pytest.fixture
def servers_with_a_hung_lock_store(tmp_path: Path) -> Iterator[Servers]:
    sock, port = silent_port()
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    lock_store = {"type": "bot.rasa_server.lock_store.ResilientRedisLockStore", "url": "127.0.0.1", "port": port,
                  "db": 1}
    running = Servers(tmp_path, url, endpoints={"lock_store": lock_store}).start()
    yield running
    running.stop()
    sock.close()


def test_the_lock_store_of_the_deploy_guide_cannot_freeze_the_server(servers_with_a_hung_lock_store: Servers):
    for number, text in enumerate(["hola", "donde esta el centro en cucuta?", "gracias"] * 2):
        started = time.monotonic()
        reply = servers_with_a_hung_lock_store.say(f"hung-lock-{number % 3}", text)
        took = time.monotonic() - started
        assert reply and took < PROMPT_S * 2, f"{text!r} took {took:.1f} s"
    assert "15-32" in " ".join(m.get("text") or "" for m in servers_with_a_hung_lock_store.say("hung-lock-9",
                                                                                               "centro en cucuta"))
