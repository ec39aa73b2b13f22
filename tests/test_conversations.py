"""Whole conversations through the real Rasa server and action server: facts, flow and language."""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest
import yaml

from bot.nlu.language import detect, proper_nouns
from bot.normalise import fold
from tests.conftest import FIXTURE, HERE, serve_fixture
from tests.servers import Servers

CASES = yaml.safe_load((HERE / "data" / "conversations.yml").read_text("utf-8"))


PROPER_NOUNS = proper_nouns(yaml.safe_load(FIXTURE.read_text("utf-8")), extra=("cali", "ecu"))


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    yield from serve_fixture(tmp_path_factory.mktemp("conversations"), tracker=True)


def reply_text(messages: list[dict]) -> str:
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        parts += [button.get("title", "") for button in message.get("buttons") or []]
    return "\n".join(part for part in parts if part)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_conversation(servers, case):
    sender = f"test-{case['id']}-{uuid.uuid4().hex[:6]}"
    for turn in case["turns"]:
        messages = servers.say(sender, turn)
    text = reply_text(messages)
    assert text.strip(), f"no reply to {case['turns'][-1]!r}"
    folded = fold(text)
    for expected in case.get("expect", []):
        assert fold(expected) in folded, f"{expected!r} not in reply:\n{text}"
    if case.get("expect_any"):
        assert any(fold(expected) in folded for expected in case["expect_any"]), text
    for unexpected in case.get("expect_none", []):
        assert fold(unexpected) not in folded, f"{unexpected!r} in reply:\n{text}"
    assert detect(text, PROPER_NOUNS) == case["lang"], f"reply not in {case['lang']}:\n{text}"
