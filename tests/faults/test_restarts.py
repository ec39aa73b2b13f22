"""The Rasa server killed (SIGKILL) in the middle of a turn: no conversation state is lost, and after a
restart the next message is answered where the conversation was."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from bot.directory import loader
from tests.channels.channel_harness import BackgroundLoop
from tests.conftest import FIXTURE
from tests.servers import Servers
from tools.bench.stand_ins import SlowProxy

SENDER = "restart-survivor"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Servers, SlowProxy]]:
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    loop = BackgroundLoop()
    servers = Servers(tmp_path, url, tracker_db=tmp_path / "tracker.db")
    proxy = loop.run(SlowProxy(f"http://127.0.0.1:{servers.actions_port}").start())
    servers.extra_endpoints = {"action_endpoint": {"url": f"{proxy.url}/webhook", "enable_selective_domain": True}}
    servers.start()
    try:
        yield servers, proxy
    finally:
        servers.stop()
        loop.stop()


def _text(replies: list) -> str:
    return " ".join(str(reply.get("text") or "") for reply in replies)


def test_a_rasa_server_killed_mid_turn_loses_no_state(world):
    servers, proxy = world
    assert "ciudad" in _text(servers.say(SENDER, "¿dónde está el centro de integración?"))
    proxy.delay = 5.0
    turn = threading.Thread(target=lambda: _try(servers, "necesito un abogado"), daemon=True)
    turn.start()
    time.sleep(2.0)  # the turn is waiting for the action server
    os.killpg(servers.rasa.pid, signal.SIGKILL)
    turn.join(30)
    proxy.delay = 0.0
    servers.restart_rasa()
    reply = _text(servers.say(SENDER, "Cúcuta"))
    assert "15-32" in reply or "Orientación jurídica" in reply, reply  # the question asked before is answered


def _try(servers: Servers, text: str) -> None:
    try:
        servers.say(SENDER, text)
    except (AssertionError, OSError):  # the server died under it
        pass
