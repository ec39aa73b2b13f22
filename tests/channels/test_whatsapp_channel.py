"""The WhatsApp channel, driven over HTTP with requests signed as Twilio signs them."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ElementTree
from typing import Optional

import pytest
from channel_harness import (
    CARD,
    CARD_NAME,
    SLOW_S,
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    Response,
    StubAgent,
    http,
    long_cards,
    long_text,
    serve,
    settle,
    twilio_form,
)
from twilio.request_validator import RequestValidator

from bot.privacy import unseal
from channels.guard import RATE_LIMIT
from channels.whatsapp import WhatsAppInput
from tools.bench.stand_ins import FakeTwilioApi

PATH = "/webhooks/whatsapp/webhook"
PUBLIC_URL = "https://bot.example.org/webhooks/whatsapp/webhook"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.org"}


def post(server: str, form: dict, token: Optional[str] = TWILIO_TOKEN, signed_url: Optional[str] = None,
         headers: Optional[dict] = None, body: Optional[bytes] = None) -> Response:
    """POST `form` (or the raw `body`) signed over `form` for `signed_url` (default: where it is posted)."""
    url = server + PATH
    all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    if token:
        all_headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(signed_url or url, form)
    return http(url, urllib.parse.urlencode(form).encode() if body is None else body, all_headers)


def messages(response: Response) -> list[str]:
    """The text of each <Message> of a TwiML response (asserting that it is one)."""
    root = ElementTree.fromstring(response.body)
    assert root.tag == "Response"
    return [message.text or "" for message in root.iter("Message")]


def test_health(server):
    assert http(server + "/webhooks/whatsapp/").status == 200


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_an_unsigned_or_wrongly_signed_request_is_403_and_not_handled(server, agent, token):
    form = twilio_form("Hola", "whatsapp:+573000000001")
    assert post(server, form, token=token).status == 403
    assert not agent.received("whatsapp:+573000000001")


def test_a_request_changed_after_signing_is_403(server, agent):
    form = twilio_form("Hola", "whatsapp:+573000000002")
    tampered = urllib.parse.urlencode({**form, "Body": "Hola!"}).encode()
    assert post(server, form, body=tampered).status == 403
    assert not agent.received("whatsapp:+573000000002")


def test_a_text_is_answered_in_twiml(server, agent):
    response = post(server, twilio_form("Hola", "whatsapp:+573000000003"))
    assert response.status == 200
    assert messages(response) == ["echo: Hola"]
    [message] = agent.received("whatsapp:+573000000003")
    assert message.text == "Hola"
    assert message.input_channel == "whatsapp"
    assert set(message.metadata) == {"channel", "reply_to"}  # not the display name: it is a real name
    # the address to answer on (if the person leaves a question for the team), sealed: no number in clear
    assert "3000000003" not in message.metadata["reply_to"]
    assert unseal(message.metadata["reply_to"]) == "whatsapp:+573000000003"
    assert message.sender_id.startswith("whatsapp-") and "3000000003" not in message.sender_id


def test_blank_fields_are_part_of_the_signature(server, agent):
    form = twilio_form("Hola", "whatsapp:+573000000004", MediaUrl0="", Forwarded="")
    assert post(server, form).status == 200
    assert agent.received("whatsapp:+573000000004")


def test_a_location_becomes_share_location(server, agent):
    form = twilio_form("", "whatsapp:+573000000005", Latitude="7.9039", Longitude="-72.4978",
                       Address="Avenida 7", Label="Casa")
    assert messages(post(server, form)) == ['echo: /share_location{"latitude": 7.9039, "longitude": -72.4978}']


@pytest.mark.parametrize("index, latitude, longitude", [(0, "abc", "1"), (1, "95", "1"), (2, "nan", "1"),
                                                      (3, "1", "")])
def test_bad_coordinates_are_no_location(server, agent, index, latitude, longitude):
    sender = f"whatsapp:+57300000010{index}"
    response = post(server, twilio_form("hola", sender, Latitude=latitude, Longitude=longitude))
    assert messages(response) == ["echo: hola"]


def test_media_without_a_body_becomes_media_message(server, agent):
    form = twilio_form("", "whatsapp:+573000000006", NumMedia="1", MediaUrl0="https://api.twilio.com/m.jpg",
                       MediaContentType0="image/jpeg")
    assert messages(post(server, form)) == ["echo: /media_message"]


def test_media_with_a_caption_is_its_caption(server, agent):
    form = twilio_form("mi pasaporte", "whatsapp:+573000000007", NumMedia="1", MediaUrl0="https://x/m.jpg")
    assert messages(post(server, form)) == ["echo: mi pasaporte"]


def test_a_message_with_nothing_to_answer_gets_an_empty_response(server, agent):
    response = post(server, twilio_form("  ", "whatsapp:+573000000008"))
    assert response.status == 200 and messages(response) == []
    assert not agent.received("whatsapp:+573000000008")


def test_a_redelivered_message_sid_gets_an_empty_response(server, agent):
    form = twilio_form("Hola", "whatsapp:+573000000009")
    assert messages(post(server, form)) == ["echo: Hola"]
    again = post(server, form)
    assert again.status == 200 and messages(again) == []
    assert len(agent.received("whatsapp:+573000000009")) == 1


def test_a_5000_character_body_is_capped_and_answered_within_1600_a_message(server, agent):
    body = ("Hola, ¿dónde queda el centro de integración en Cúcuta? Necesito ayuda. " * 80)[:5_000]
    response = post(server, twilio_form(body, "whatsapp:+573000000010"))
    assert response.status == 200
    [message] = agent.received("whatsapp:+573000000010")
    assert 1900 < len(message.text) <= 2000 and body.startswith(message.text)
    sent = messages(response)
    assert len(sent) >= 2 and all(0 < len(piece) <= 1600 for piece in sent)
    assert " ".join(sent).split() == f"echo: {message.text}".split()


def test_a_long_reply_is_split_within_1600_without_losing_words(server):
    sent = messages(post(server, twilio_form("long", "whatsapp:+573000000011")))
    assert all(0 < len(piece) <= 1600 for piece in sent)
    assert " ".join(sent).split() == long_text().split()


def test_buttons_are_a_numbered_list_and_a_number_selects_the_payload(server, agent):
    sender = "whatsapp:+573000000012"
    [text] = messages(post(server, twilio_form("buttons", sender)))
    assert text == "Choose one\n\n1. Legal\n2. Health\n3. Long"
    assert messages(post(server, twilio_form(" 2 ", sender))) == ["echo: /service_health"]
    assert agent.received(sender)[-1].text == "/service_health"
    assert messages(post(server, twilio_form("7", sender))) == ["echo: 7"]  # no button 7
    assert messages(post(server, twilio_form("2", sender))) == ["echo: 2"]  # the last reply had no buttons


def test_a_number_from_another_sender_selects_nothing(server, agent):
    messages(post(server, twilio_form("buttons", "whatsapp:+573000000013")))
    assert messages(post(server, twilio_form("1", "whatsapp:+573000000014"))) == ["echo: 1"]


def test_an_emphasised_name_is_between_asterisks(server):
    assert messages(post(server, twilio_form("card", "whatsapp:+573000000029"))) == [
        CARD.replace(CARD_NAME, f"*{CARD_NAME}*")]


def test_a_long_emphasised_reply_is_bold_within_each_piece_of_1600(server):
    sent = messages(post(server, twilio_form("long cards", "whatsapp:+573000000030")))
    assert len(sent) >= 6 and all(0 < len(piece) <= 1600 for piece in sent)
    assert all(piece.count(f"*{CARD_NAME}*") == 1 for piece in sent)
    assert " ".join(sent).replace(f"*{CARD_NAME}*", CARD_NAME).split() == f"{long_cards()}\n\n1. Más".split()


def test_an_image_is_a_message_with_media(server):
    response = post(server, twilio_form("image", "whatsapp:+573000000015"))
    root = ElementTree.fromstring(response.body)
    assert [m.text for m in root.iter("Message")][0] == "A picture"
    assert [media.text for media in root.iter("Media")] == ["https://example.org/picture.png"]


def test_characters_xml_cannot_carry_are_dropped_from_the_reply(server):
    assert messages(post(server, twilio_form("a\x01b\x1fc", "whatsapp:+573000000016"))) == ["echo: abc"]


def test_an_agent_failure_or_silence_is_200_with_an_apology(server, agent):
    for body, sender in (("crash", "whatsapp:+573000000017"), ("silent", "whatsapp:+573000000027")):
        response = post(server, twilio_form(body, sender))
        assert response.status == 200
        [apology] = messages(response)
        assert "problema técnico" in apology and "123" in apology


def test_a_flood_from_one_sender_is_answered_politely_not_processed(server, agent):
    sender = "whatsapp:+573000000028"
    replies = [messages(post(server, twilio_form(f"hola {n}", sender))) for n in range(RATE_LIMIT + 2)]
    assert len(agent.received(sender)) == RATE_LIMIT
    assert all("muchos mensajes" in reply[0] for reply in replies[RATE_LIMIT:])


def test_behind_a_proxy_the_url_is_rebuilt_from_forwarded_headers(server, agent):
    form = twilio_form("Hola", "whatsapp:+573000000018")
    assert messages(post(server, form, signed_url=PUBLIC_URL, headers=FORWARDED)) == ["echo: Hola"]


def test_signed_for_the_public_url_without_forwarded_headers_is_403(server, agent):
    form = twilio_form("Hola", "whatsapp:+573000000019")
    assert post(server, form, signed_url=PUBLIC_URL).status == 403
    assert not agent.received("whatsapp:+573000000019")


def test_forwarded_headers_with_several_values_use_the_first(server, agent):
    headers = {"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "bot.example.org, 10.0.0.2:8080"}
    form = twilio_form("Hola", "whatsapp:+573000000020")
    assert messages(post(server, form, signed_url=PUBLIC_URL, headers=headers)) == ["echo: Hola"]


@pytest.fixture(scope="module")
def public_server(background: BackgroundLoop, agent: StubAgent) -> str:
    """A server whose WhatsApp channel has public_url set."""
    channel = WhatsAppInput.from_credentials({"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                              "whatsapp_number": TWILIO_NUMBER, "public_url": PUBLIC_URL})
    url, _ = background.run(serve([channel], agent))
    return url


def test_with_public_url_the_signature_is_checked_against_it(public_server, agent):
    assert messages(post(public_server, twilio_form("Hola", "whatsapp:+573000000021"),
                         signed_url=PUBLIC_URL)) == ["echo: Hola"]
    assert post(public_server, twilio_form("Hola", "whatsapp:+573000000022")).status == 403


@pytest.mark.parametrize("body", [b"\xff\xfe\xfd", b"Body=%FF%FE&From=x", b"just text", b"a=1&&b"])
def test_a_malformed_body_is_400(server, body):
    response = http(server + PATH, body, {"X-Twilio-Signature": "anything",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 400


def test_a_signed_form_without_from_is_400(server):
    form = twilio_form("Hola")
    del form["From"]
    assert post(server, form).status == 400


def test_credentials_without_an_auth_token_are_refused():
    with pytest.raises(ValueError):
        WhatsAppInput.from_credentials({"account_sid": TWILIO_ACCOUNT, "whatsapp_number": TWILIO_NUMBER})


@pytest.fixture(scope="module")
def late_server(background: BackgroundLoop, agent: StubAgent) -> tuple[str, FakeTwilioApi]:
    """A server whose WhatsApp channel answers after 0.5 s through a fake of Twilio's REST API, and that fake."""
    twilio = background.run(FakeTwilioApi(TWILIO_ACCOUNT, TWILIO_TOKEN).start())
    channel = WhatsAppInput.from_credentials({"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                              "whatsapp_number": TWILIO_NUMBER, "api_base_url": twilio.url,
                                              "reply_deadline_s": SLOW_S / 3})
    url, _ = background.run(serve([channel], agent))
    return url, twilio


def test_a_late_reply_through_twilios_api_keeps_its_emphasis(late_server):
    url, twilio = late_server
    sender = "whatsapp:+573000000031"
    [note] = messages(post(url, twilio_form("slow card", sender)))
    assert "un momento" in note
    settle(url)
    assert [message.form["Body"] for message in twilio.to(sender)] == [CARD.replace(CARD_NAME, f"*{CARD_NAME}*")]
