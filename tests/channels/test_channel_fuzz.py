"""Arbitrary bodies thrown at both webhooks: never a 5xx (a server of its own, so other tests' chats stay clean)."""

from __future__ import annotations

import json
import urllib.parse
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from channel_harness import (
    PNG,
    SECRET_HEADER,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    FakeBotApi,
    StubAgent,
    http,
    serve,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from channels.telegram import TelegramInput
from channels.whatsapp import WhatsAppInput

FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=15)


def telegram_updates(maybe):
    """Updates whose every field is drawn by maybe(the right kind of value)."""
    users = st.fixed_dictionaries({"id": maybe(st.integers(-10**12, 10**12)), "is_bot": maybe(st.booleans()),
                                   "first_name": maybe(st.text(max_size=10))},
                                  optional={"language_code": maybe(st.sampled_from(["es", "en", "pt"]))})
    chats = st.fixed_dictionaries({"id": maybe(st.integers(-10**12, 10**12)),
                                   "type": maybe(st.sampled_from(["private", "group"]))})
    messages = st.fixed_dictionaries(
        {"message_id": maybe(st.integers(0, 10**6)), "date": maybe(st.integers(0, 2**31)), "chat": maybe(chats)},
        optional={"from": maybe(users), "text": maybe(st.text(max_size=300)),
                  "caption": maybe(st.text(max_size=30)),
                  "location": maybe(st.fixed_dictionaries({"latitude": maybe(st.floats()),
                                                           "longitude": maybe(st.floats())})),
                  "photo": maybe(st.just([{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}])),
                  "entities": maybe(st.just([{"type": "bot_command", "offset": 0, "length": 6}])),
                  "edit_date": maybe(st.integers(0, 2**31))})
    queries = st.fixed_dictionaries(
        {"id": maybe(st.text(max_size=10)), "from": maybe(users), "chat_instance": maybe(st.text(max_size=5))},
        optional={"data": maybe(st.text(max_size=80)), "message": maybe(messages)})
    return st.fixed_dictionaries(
        {"update_id": maybe(st.integers(0, 2**31))},
        optional={"message": maybe(messages), "edited_message": maybe(messages),
                  "callback_query": maybe(queries), "channel_post": maybe(messages)})


well_typed_updates = telegram_updates(lambda strategy: strategy)
updates = telegram_updates(lambda strategy: st.one_of(strategy, json_values))  # any field may be any JSON

telegram_bodies = st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                            json_values.map(lambda value: json.dumps(value).encode()),
                            updates.map(lambda value: json.dumps(value).encode()))

twilio_fields = st.fixed_dictionaries(
    {"MessageSid": st.text(max_size=34)},
    optional={"From": st.text(max_size=25), "Body": st.text(max_size=300), "ProfileName": st.text(max_size=20),
              "Latitude": st.one_of(st.text(max_size=10), st.floats().map(str)),
              "Longitude": st.one_of(st.text(max_size=10), st.floats().map(str)),
              "NumMedia": st.text(max_size=5), "MediaUrl0": st.text(max_size=30)})
forms = st.builds(lambda fields, extra: {**extra, **fields}, twilio_fields,
                  st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=40), max_size=5))


@pytest.fixture(scope="module")
def fuzz_server(background: BackgroundLoop, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Both channels on a server of their own, with their own fake Bot API and agent."""
    fake = background.run(FakeBotApi().start())
    chart = Path(tmp_path_factory.mktemp("fuzz")) / "chart.png"
    chart.write_bytes(PNG)
    channels = [TelegramInput(TELEGRAM_TOKEN, TELEGRAM_SECRET, base_url=f"{fake.url}/bot"),
                WhatsAppInput(TWILIO_ACCOUNT, TWILIO_TOKEN, TWILIO_NUMBER)]
    url, _ = background.run(serve(channels, StubAgent(str(chart))))
    return url


@FUZZ
@given(body=telegram_bodies)
def test_telegram_never_answers_5xx(fuzz_server, body):
    response = http(fuzz_server + "/webhooks/telegram/webhook", body,
                    {SECRET_HEADER: TELEGRAM_SECRET, "Content-Type": "application/json"})
    event(f"HTTP {response.status}")
    assert response.status in (200, 400)


@FUZZ
@given(update=well_typed_updates)
def test_telegram_answers_any_well_typed_update_with_200(fuzz_server, update):
    response = http(fuzz_server + "/webhooks/telegram/webhook", json.dumps(update).encode(),
                    {SECRET_HEADER: TELEGRAM_SECRET, "Content-Type": "application/json"})
    assert response.status == 200


@FUZZ
@given(body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode), signature=st.text(max_size=30))
def test_whatsapp_never_answers_5xx_to_any_body(fuzz_server, body, signature):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature.isascii() and signature.isprintable():
        headers["X-Twilio-Signature"] = signature
    response = http(fuzz_server + "/webhooks/whatsapp/webhook", body, headers)
    event(f"HTTP {response.status}")
    assert response.status in (400, 403)


@FUZZ
@given(form=forms)
def test_whatsapp_answers_any_signed_form_with_twiml_or_400(fuzz_server, form):
    url = fuzz_server + "/webhooks/whatsapp/webhook"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    response = http(url, urllib.parse.urlencode(form).encode(),
                    {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"})
    event(f"HTTP {response.status}")
    if form.get("From", "").strip():
        assert response.status == 200
        assert ElementTree.fromstring(response.body).tag == "Response"
    else:
        assert response.status == 400
