"""Fixtures for the channel tests: one background loop, the fake Bot API, the stub agent and a server."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from channel_harness import (
    PNG,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    FakeBotApi,
    StubAgent,
    serve,
)

from channels.telegram import TelegramInput
from channels.whatsapp import WhatsAppInput


@pytest.fixture(scope="session")
def background() -> Iterator[BackgroundLoop]:
    """The event loop every server of these tests runs on."""
    loop = BackgroundLoop()
    yield loop
    loop.stop()


@pytest.fixture(scope="session")
def fake_api(background: BackgroundLoop) -> FakeBotApi:
    """The fake Telegram Bot API, shared by all tests (each test uses its own chat ids)."""
    return background.run(FakeBotApi().start())


@pytest.fixture(scope="session")
def agent(tmp_path_factory: pytest.TempPathFactory) -> StubAgent:
    """The stand-in for the Rasa agent, shared by all servers (each test uses its own senders)."""
    chart = Path(tmp_path_factory.mktemp("charts")) / "chart.png"
    chart.write_bytes(PNG)
    return StubAgent(str(chart))


@pytest.fixture(scope="session")
def server(background: BackgroundLoop, fake_api: FakeBotApi, agent: StubAgent) -> str:
    """Base URL of a server with both channels as a credentials file would configure them (no public_url)."""
    telegram = TelegramInput.from_credentials({"access_token": TELEGRAM_TOKEN, "secret_token": TELEGRAM_SECRET,
                                               "base_url": f"{fake_api.url}/bot"})
    whatsapp = WhatsAppInput.from_credentials({"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                               "whatsapp_number": TWILIO_NUMBER})
    url, _ = background.run(serve([telegram, whatsapp], agent))
    return url
