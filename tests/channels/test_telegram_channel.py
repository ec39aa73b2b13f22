"""The Telegram channel, driven over HTTP like Telegram does, answering through a fake Bot API."""

from __future__ import annotations

import json
import re
import time
from typing import Optional, Union

import pytest
from channel_harness import (
    CARD,
    CARD_NAME,
    LONG_PAYLOAD,
    SECRET_HEADER,
    SLOW_S,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TOO_MANY_REQUESTS,
    BackgroundLoop,
    FakeBotApi,
    Response,
    StubAgent,
    callback_update,
    closed_port,
    http,
    long_cards,
    long_text,
    serve,
    settle,
    telegram_update,
)

from bot.privacy import channel_sender, staff_user, vouched_user
from channels.guard import RATE_LIMIT
from channels.setup_webhook import ALLOWED_UPDATES, set_webhook
from channels.splitting import utf16_length
from channels.telegram import TelegramInput

PHOTO = [{"file_id": f"photo-{size}", "file_unique_id": f"p{size}", "width": size, "height": size}
         for size in (90, 320)]
MEDIA = {
    "photo": PHOTO,
    "voice": {"file_id": "v", "file_unique_id": "v", "duration": 3},
    "sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512, "height": 512,
                "is_animated": False, "is_video": False},
    "document": {"file_id": "d", "file_unique_id": "d", "file_name": "passport.pdf"},
    "video": {"file_id": "m", "file_unique_id": "m", "width": 640, "height": 480, "duration": 5},
}


def post(server: str, update: Union[dict, bytes], secret: Optional[str] = TELEGRAM_SECRET,
         path: str = "/webhooks/telegram/webhook") -> Response:
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    response = http(server + path, body, headers)
    settle(server)  # the webhook answers at once; the update is handled in the background
    return response


def texts(fake_api: FakeBotApi, chat: int) -> list[str]:
    return [call.params["text"] for call in fake_api.to(chat, "sendMessage")]


@pytest.mark.parametrize("secret", [None, "", "wrong", TELEGRAM_SECRET + "x", "sécret"])
def test_a_missing_or_wrong_secret_is_403_and_nothing_is_handled(server, fake_api, agent, secret):
    response = post(server, telegram_update(1000, text="Hola"), secret=secret)
    assert response.status == 403
    assert not agent.received("1000") and not fake_api.to(1000)


def test_a_text_is_handled_and_answered_before_the_webhook_returns(server, fake_api, agent):
    response = post(server, telegram_update(1001, text="Hola", language="es"))
    assert response.status == 200
    [message] = agent.received("1001")
    assert message.text == "Hola"
    assert message.input_channel == "telegram"
    assert message.sender_id.startswith("telegram-") and "1001" not in message.sender_id
    assert {"channel": "telegram", "language_code": "es"}.items() <= message.metadata.items()
    assert "1001" not in str(message.metadata)
    assert vouched_user(message.sender_id, message.message_id, message.metadata) == staff_user(1001)
    assert texts(fake_api, 1001) == ["echo: Hola"]


def test_a_redelivered_update_is_not_handled_again(server, fake_api, agent):
    update = telegram_update(1002, text="Hola")
    assert post(server, update).status == 200
    assert post(server, update).status == 200
    assert len(agent.received("1002")) == 1
    assert len(fake_api.to(1002, "sendMessage")) == 1


def test_a_location_becomes_share_location(server, agent):
    assert post(server, telegram_update(1003, location={"latitude": 7.9039, "longitude": -72.4978})).status == 200
    assert agent.received("1003")[0].text == '/share_location{"latitude": 7.9039, "longitude": -72.4978}'


@pytest.mark.parametrize("kind", sorted(MEDIA))
def test_media_without_text_becomes_media_message_and_is_answered(server, fake_api, agent, kind):
    chat = 1100 + sorted(MEDIA).index(kind)
    assert post(server, telegram_update(chat, **{kind: MEDIA[kind]})).status == 200
    assert agent.received(str(chat))[0].text == "/media_message"
    assert texts(fake_api, chat) == ["echo: /media_message"]


def test_a_photo_with_a_caption_is_its_caption(server, agent):
    assert post(server, telegram_update(1004, photo=PHOTO, caption="mi pasaporte")).status == 200
    assert agent.received("1004")[0].text == "mi pasaporte"


@pytest.mark.parametrize("command", ["/start", "/start@test_bot", "/start campaign42"])
def test_start_becomes_greet(server, fake_api, agent, command):
    chat = {"/start": 1005, "/start@test_bot": 1006, "/start campaign42": 1007}[command]
    update = telegram_update(chat, text=command, entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    assert post(server, update).status == 200
    [message] = agent.received(str(chat))
    assert message.text == "/greet"
    assert message.metadata["language_code"] == "es"
    assert texts(fake_api, chat) == ["echo: /greet"]


def test_other_commands_lose_the_bot_name(server, agent):
    assert post(server, telegram_update(1008, text="/report@test_bot")).status == 200
    assert agent.received("1008")[0].text == "/report"


def test_an_edited_text_is_handled_but_a_live_location_update_is_not(server, fake_api, agent):
    assert post(server, telegram_update(1009, kind="edited_message", text="Hola otra vez",
                                        edit_date=1)).status == 200
    assert [m.text for m in agent.received("1009")] == ["Hola otra vez"]
    assert texts(fake_api, 1009) == ["echo: Hola otra vez"]
    assert post(server, telegram_update(1009, kind="edited_message", edit_date=2,
                                        location={"latitude": 1.0, "longitude": 2.0})).status == 200
    assert len(agent.received("1009")) == 1


def test_a_callback_query_is_answered_then_handled_as_the_users_message(server, fake_api, agent):
    response = post(server, callback_update(1010, "/service_legal", "cbq-1010"))
    assert response.status == 200
    [answer] = [call for call in fake_api.named("answerCallbackQuery")
                if call.params.get("callback_query_id") == "cbq-1010"]
    [message] = agent.received("1010")
    assert message.text == "/service_legal"
    assert {"channel": "telegram", "language_code": "en"}.items() <= message.metadata.items()
    assert vouched_user(message.sender_id, message.message_id, message.metadata) == staff_user(1010)
    [reply] = fake_api.to(1010, "sendMessage")
    assert answer.at <= reply.at


def test_buttons_are_an_inline_keyboard_whose_callback_data_is_the_payload(server, fake_api, agent):
    assert post(server, telegram_update(1011, text="buttons")).status == 200
    [call] = fake_api.to(1011, "sendMessage")
    assert call.params["text"] == "Choose one"
    buttons = call.keyboard()
    assert [button["text"] for button in buttons] == ["Legal", "Health", "Long"]
    assert [button["callback_data"] for button in buttons[:2]] == ["/service_legal", "/service_health"]
    assert all(len(button["callback_data"].encode()) <= 64 for button in buttons)


def test_a_payload_too_long_for_callback_data_comes_back_whole(server, fake_api, agent):
    assert len(LONG_PAYLOAD.encode()) > 64
    assert post(server, telegram_update(1012, text="buttons")).status == 200
    data = fake_api.to(1012, "sendMessage")[0].keyboard()[2]["callback_data"]
    assert post(server, callback_update(1012, data, "cbq-1012")).status == 200
    assert agent.received("1012")[-1].text == LONG_PAYLOAD


def test_a_429_is_retried_after_the_seconds_it_asks(server, fake_api, agent):
    fake_api.fail("sendMessage", 1013, 429, TOO_MANY_REQUESTS)
    assert post(server, telegram_update(1013, text="Hola")).status == 200
    failed, retried = fake_api.to(1013, "sendMessage")
    assert (failed.status, retried.status) == (429, 200)
    assert retried.at - failed.at >= 0.9
    assert retried.params["text"] == "echo: Hola"


@pytest.mark.parametrize("status, body", [
    (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
    (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}),
])
def test_a_send_refused_for_good_is_logged_and_not_tried_again(server, fake_api, agent, status, body):
    chat = 1200 + status
    fake_api.fail("sendMessage", chat, status, body)
    assert post(server, telegram_update(chat, text="Hola")).status == 200
    assert [call.status for call in fake_api.to(chat, "sendMessage")] == [status]
    assert post(server, telegram_update(chat, text="otra vez")).status == 200
    assert texts(fake_api, chat)[-1] == "echo: otra vez"


@pytest.mark.parametrize("status, body", [
    (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
    (502, {"not": "json from the bot api"}),
    (503, {"ok": False, "error_code": 503, "description": "Service Unavailable"}),
])
def test_a_send_that_fails_for_a_while_is_tried_again_with_backoff(server, fake_api, agent, status, body):
    chat = 1300 + status
    fake_api.fail("sendMessage", chat, status, body)
    fake_api.fail("sendMessage", chat, status, body)
    assert post(server, telegram_update(chat, text="Hola")).status == 200
    calls = fake_api.to(chat, "sendMessage")
    assert [call.status for call in calls] == [status, status, 200]
    assert calls[2].at - calls[1].at >= 0.9 and calls[1].at - calls[0].at >= 0.4  # 0.5 s, then 1 s
    assert calls[2].params["text"] == "echo: Hola"


def test_a_reply_that_could_not_be_delivered_is_answered_when_telegram_delivers_again(server, fake_api, agent):
    down = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    for _ in range(4):  # every try of the first delivery
        fake_api.fail("sendMessage", 1014, 502, down)
    update = telegram_update(1014, text="Hola")
    assert post(server, update).status == 200
    assert not [call for call in fake_api.to(1014, "sendMessage") if call.status == 200]
    assert post(server, update).status == 200  # delivered again (e.g. our 200 was lost): answered now
    assert [call.params["text"] for call in fake_api.to(1014, "sendMessage") if call.status == 200] == ["echo: Hola"]
    assert post(server, update).status == 200  # answered: a third delivery is not handled again
    assert [m.text for m in agent.received("1014")] == ["Hola", "Hola"]


def test_an_unreachable_bot_api_is_logged_and_counted(background: BackgroundLoop, agent: StubAgent, caplog):
    channel = TelegramInput(TELEGRAM_TOKEN, TELEGRAM_SECRET, base_url=f"http://127.0.0.1:{closed_port()}/bot")
    url, _ = background.run(serve([channel], agent))
    assert post(url, telegram_update(1091, text="Hola")).status == 200
    assert [m.text for m in agent.received("1091")] == ["Hola"]
    assert json.loads(http(url + "/webhooks/telegram/").body) == {"status": "ok", "undelivered_replies": 1}
    [logged] = [record.getMessage() for record in caplog.records if "not delivered (1 updates" in record.getMessage()]
    assert channel_sender("telegram", "1091") in logged and not re.search(r"\b1091\b", logged)


def test_the_webhook_answers_at_once_and_the_slow_reply_follows(server, fake_api, agent):
    update = telegram_update(1092, text="slow")
    started = time.monotonic()
    response = http(server + "/webhooks/telegram/webhook", json.dumps(update).encode(),
                    {"Content-Type": "application/json", SECRET_HEADER: TELEGRAM_SECRET})
    acknowledged = time.monotonic() - started
    assert response.status == 200 and acknowledged < 1.0 and not fake_api.to(1092)
    assert post(server, update).status == 200  # redelivered while it is being handled: not handled twice
    assert texts(fake_api, 1092) == ["echo: slow"] and len(agent.received("1092")) == 1
    assert fake_api.to(1092)[0].at - started >= SLOW_S


def test_an_agent_failure_still_answers_200(server, agent):
    assert post(server, telegram_update(1015, text="crash")).status == 200
    assert agent.received("1015")[0].text == "crash"


def test_a_10000_character_text_is_capped_and_answered(server, fake_api, agent):
    text = ("Hola, necesito ayuda para encontrar el centro de integración en Cúcuta. " * 150)[:10_000]
    assert post(server, telegram_update(1016, text=text)).status == 200
    [message] = agent.received("1016")
    assert 1900 < len(message.text) <= 2000
    assert text.startswith(message.text) and text[len(message.text)] == " "
    sent = texts(fake_api, 1016)
    assert sent and all(utf16_length(piece) <= 4096 for piece in sent)


def test_a_long_reply_is_split_below_4096_without_losing_words(server, fake_api, agent):
    assert post(server, telegram_update(1017, text="long")).status == 200
    sent = texts(fake_api, 1017)
    assert len(sent) >= 3
    assert all(utf16_length(piece) <= 4096 for piece in sent)
    assert " ".join(sent).split() == long_text().split()


def bold(call) -> list[str]:
    """The parts of a sendMessage's text that its entities make bold (offsets in UTF-16 units, as Telegram's)."""
    entities = call.params.get("entities") or []
    entities = json.loads(entities) if isinstance(entities, str) else entities
    units = call.params["text"].encode("utf-16-le")
    assert all(entity["type"] == "bold" for entity in entities)
    return [units[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le") for e in entities]


def test_an_emphasised_name_is_a_bold_entity_and_the_text_is_sent_as_it_is(server, fake_api):
    assert post(server, telegram_update(1024, text="card")).status == 200
    [call] = fake_api.to(1024, "sendMessage")
    assert call.params["text"] == CARD  # no asterisks added, the name's own kept
    assert "parse_mode" not in call.params
    assert bold(call) == [CARD_NAME]


def test_a_long_emphasised_reply_is_bold_within_each_piece(server, fake_api):
    assert post(server, telegram_update(1025, text="long cards")).status == 200
    calls = fake_api.to(1025, "sendMessage")
    assert len(calls) >= 3 and " ".join(call.params["text"] for call in calls).split() == long_cards().split()
    assert all(bold(call) == [CARD_NAME] for call in calls)
    assert calls[-1].keyboard()[0]["callback_data"] == "/more"


def test_an_image_url_is_sent_with_send_photo(server, fake_api):
    assert post(server, telegram_update(1018, text="image")).status == 200
    assert texts(fake_api, 1018) == ["A picture"]
    [photo] = fake_api.to(1018, "sendPhoto")
    assert photo.params["photo"] == "https://example.org/picture.png"


def test_a_chart_file_is_uploaded_with_its_caption(server, fake_api):
    assert post(server, telegram_update(1019, text="chart")).status == 200
    [photo] = fake_api.to(1019, "sendPhoto")
    assert photo.files["photo"]["png"] and photo.files["photo"]["filename"] == "chart.png"
    assert photo.params["caption"] == "Weekly report"


def test_chart_bytes_are_uploaded_and_a_too_long_caption_follows_as_text(server, fake_api):
    assert post(server, telegram_update(1020, text="chart64")).status == 200
    [photo] = fake_api.to(1020, "sendPhoto")
    assert photo.files["photo"]["png"] and "caption" not in photo.params
    assert texts(fake_api, 1020) == [("c " * 700).strip()]


@pytest.mark.parametrize("body", [
    b'{"update_id": 1, "message": {"text": ',
    b"",
    b"\xff\xfe\x00garbage",
    b"[1, 2, 3]",
    b'"just a string"',
    b'{"message": {"text": "no update_id"}}',
    b'{"update_id": "12", "message": {}}',
    b'{"update_id": true}',
    b'{"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": 5}}',
    b'{"update_id": 6, "message": {"message_id": 1, "date": "soon", "text": "hola"}}',
    b'{"update_id": 7, "callback_query": {"id": "x", "data": ["a"], "chat_instance": "1",'
    b' "from": {"id": 1, "is_bot": false, "first_name": "A"}}}',
    b"[" * 50_000,
])
def test_a_malformed_body_is_400_and_the_channel_keeps_working(server, fake_api, body):
    assert post(server, body).status == 400
    assert post(server, telegram_update(1021, text="Hola")).status == 200
    assert texts(fake_api, 1021)[-1] == "echo: Hola"


@pytest.mark.parametrize("update", [
    {"update_id": 1_000_001},
    {"update_id": 1_000_002, "my_chat_member": {"chat": {"id": 1022, "type": "private"}}},
    {"update_id": 1_000_003, "message": {"message_id": 1, "date": 0, "chat": {"id": 1022, "type": "private"},
                                         "new_chat_title": "a group"}},
])
def test_an_update_with_nothing_to_answer_is_200_and_not_handled(server, agent, update):
    assert post(server, update).status == 200
    assert not agent.received("1022")


def test_set_webhook_registers_url_secret_and_allowed_updates(background, fake_api):
    assert background.run(set_webhook(TELEGRAM_TOKEN, "https://bot.example.org/webhooks/telegram/webhook",
                                      TELEGRAM_SECRET, base_url=f"{fake_api.url}/bot"))
    call = fake_api.named("setWebhook")[-1]
    assert call.params["url"] == "https://bot.example.org/webhooks/telegram/webhook"
    assert call.params["secret_token"] == TELEGRAM_SECRET
    allowed = call.params["allowed_updates"]
    assert (json.loads(allowed) if isinstance(allowed, str) else allowed) == ALLOWED_UPDATES


def test_set_webhook_is_false_when_the_token_is_rejected_or_the_api_unreachable(background, fake_api):
    fake_api.fail("getMe", "*", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    assert background.run(set_webhook("1:bad", "https://x.example/", "s", base_url=f"{fake_api.url}/bot")) is False
    dead = f"http://127.0.0.1:{closed_port()}/bot"
    assert background.run(set_webhook(TELEGRAM_TOKEN, "https://x.example/", "s", base_url=dead)) is False


def test_the_token_is_appended_to_base_url(fake_api, server):
    assert post(server, telegram_update(1023, text="Hola")).status == 200
    assert [call.token for call in fake_api.to(1023)] == [TELEGRAM_TOKEN]  # POST {base_url}123:ABC/sendMessage


def test_credentials_without_a_secret_token_are_refused():
    with pytest.raises(ValueError):
        TelegramInput.from_credentials({"access_token": TELEGRAM_TOKEN, "secret_token": ""})


def test_no_reply_at_all_becomes_an_apology(server, fake_api, agent):
    assert post(server, telegram_update(1031, text="silent")).status == 200
    assert post(server, telegram_update(1032, text="crash")).status == 200
    assert "problema técnico" in texts(fake_api, 1031)[0]
    assert "problema técnico" in texts(fake_api, 1032)[0]


def test_a_flood_from_one_chat_is_answered_politely_not_processed(server, fake_api, agent):
    for number in range(RATE_LIMIT + 3):
        assert post(server, telegram_update(1034, text=f"hola {number}")).status == 200
    assert len(agent.received("1034")) == RATE_LIMIT
    assert sum("muchos mensajes" in text for text in texts(fake_api, 1034)) == 3
