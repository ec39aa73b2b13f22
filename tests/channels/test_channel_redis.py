"""With BOT_REDIS_URL, servers share what they have seen and the buttons they showed (a real redis-server)."""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree
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
    FakeBotApi,
    Response,
    StubAgent,
    closed_port,
    http,
    serve,
    telegram_update,
    twilio_form,
)
from twilio.request_validator import RequestValidator

from channels.telegram import TelegramInput
from channels.whatsapp import WhatsAppInput


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port (the tests are skipped without redis-server)."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed")
    port = closed_port()
    directory = Path(tmp_path_factory.mktemp("redis"))
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(directory)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


_databases = itertools.count(1)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A database of its own on the throwaway server, so that neither its keys nor a failure seen by the
    process (the circuit breaker is per URL) carry over from one test to the next."""
    return f"{redis_server}/{next(_databases)}"


def whatsapp_servers(background: BackgroundLoop, agent: StubAgent, count: int) -> list[str]:
    """`count` servers, each with a WhatsApp channel of its own, built under the current environment."""
    return [background.run(serve([WhatsAppInput(TWILIO_ACCOUNT, TWILIO_TOKEN, TWILIO_NUMBER)], agent))[0]
            for _ in range(count)]


def post_whatsapp(server: str, form: dict) -> Response:
    url = server + "/webhooks/whatsapp/webhook"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    return http(url, urllib.parse.urlencode(form).encode(), {"X-Twilio-Signature": signature})


def messages(response: Response) -> list[str]:
    assert response.status == 200
    return [message.text or "" for message in ElementTree.fromstring(response.body).iter("Message")]


def test_whatsapp_servers_sharing_redis_answer_a_message_sid_once(background, agent, redis_url, monkeypatch):
    monkeypatch.setenv("BOT_REDIS_URL", redis_url)
    first, second = whatsapp_servers(background, agent, 2)
    form = twilio_form("Hola", "whatsapp:+573000000101")
    assert messages(post_whatsapp(first, form)) == ["echo: Hola"]
    assert messages(post_whatsapp(second, form)) == []
    assert len(agent.received("whatsapp:+573000000101")) == 1


def test_a_number_selects_a_button_shown_by_another_server(background, agent, redis_url, monkeypatch):
    monkeypatch.setenv("BOT_REDIS_URL", redis_url)
    first, second = whatsapp_servers(background, agent, 2)
    sender = "whatsapp:+573000000102"
    assert "2. Health" in messages(post_whatsapp(first, twilio_form("buttons", sender)))[0]
    assert messages(post_whatsapp(second, twilio_form("2", sender))) == ["echo: /service_health"]


def test_telegram_servers_sharing_redis_handle_an_update_once(background, agent, fake_api: FakeBotApi, redis_url,
                                                              monkeypatch):
    monkeypatch.setenv("BOT_REDIS_URL", redis_url)
    servers = [background.run(serve([TelegramInput(TELEGRAM_TOKEN, TELEGRAM_SECRET, f"{fake_api.url}/bot")],
                                    agent))[0] for _ in range(2)]
    update = json.dumps(telegram_update(1300, text="Hola")).encode()
    for server in servers:
        assert http(server + "/webhooks/telegram/webhook", update, {SECRET_HEADER: TELEGRAM_SECRET}).status == 200
    assert len(agent.received("1300")) == 1
    assert len(fake_api.to(1300, "sendMessage")) == 1


def test_an_unreachable_redis_does_not_stop_the_answers(background, agent, monkeypatch):
    monkeypatch.setenv("BOT_REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")
    [server] = whatsapp_servers(background, agent, 1)
    sender = "whatsapp:+573000000103"
    assert messages(post_whatsapp(server, twilio_form("buttons", sender)))
    assert messages(post_whatsapp(server, twilio_form("Hola", sender))) == ["echo: Hola"]
