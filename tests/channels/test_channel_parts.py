"""The concerns both channels share: splitting, inbound texts, buttons, the stores, and loading from credentials."""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.run import create_http_input_channels

from channels import inbound
from channels.buttons import ButtonMemory, CallbackData, numbered_list
from channels.splitting import split_text, utf16_length
from channels.store import MemoryStore
from channels.telegram import TelegramInput
from channels.whatsapp import WhatsAppInput, render

FAST = settings(max_examples=300, deadline=None, database=None)


# -- splitting ---------------------------------------------------------------

def test_a_short_text_is_one_piece_and_a_blank_one_none():
    assert split_text("Hola", 1600) == ["Hola"]
    assert split_text(" \n ", 1600) == []


def test_lines_come_before_sentences_before_words():
    assert split_text("first line\nsecond line", 15) == ["first line", "second line"]
    assert split_text("One two. Three four. Five.", 20) == ["One two. Three four.", "Five."]
    assert split_text("alpha beta gamma delta", 11) == ["alpha beta", "gamma delta"]


def test_a_word_longer_than_the_limit_is_cut_inside():
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_telegram_limit_counts_utf16_units():
    pieces = split_text("😀" * 3000, 4096, utf16_length)
    assert [utf16_length(piece) for piece in pieces] == [4096, 1904]


def test_whatsapp_pieces_fit_twilios_limit_in_utf16_units():
    text = ("Centro 😀 abierto hoy 🇻🇪 " * 120)[:5000]
    twiml, _ = render([{"text": text}])
    bodies = [message.text for message in ElementTree.fromstring(str(twiml)).iter("Message")]
    assert len(bodies) >= 3 and all(utf16_length(body) <= 1600 for body in bodies)
    assert "".join("".join(bodies).split()) == "".join(text.split())


@pytest.mark.parametrize("grapheme", ["👍🏽", "🇻🇪", "👨‍👩‍👧", "é"])
def test_a_grapheme_is_never_cut(grapheme):
    text = grapheme * 40
    for limit in range(max(2, utf16_length(grapheme)), utf16_length(grapheme) + 6):
        pieces = split_text(text, limit)
        assert all(piece == grapheme * (len(piece) // len(grapheme)) for piece in pieces), (limit, pieces)
        assert "".join(pieces) == text


def test_a_card_or_a_list_stays_whole_where_it_fits():
    first = "*Centro Atalaya*\n📍 Avenida 7 # 15-32\n☎️ +57 607 555 0101"
    second = "*Centro La Mariscal*\n📍 Juan León Mera N23-84\n☎️ +593 2 555 0151"
    numbered = "1. Legal\n2. Salud\n3. Comida"
    limit = utf16_length(first + "\n\n") + 20  # room for the first card and half the second
    assert split_text(f"{first}\n\n{second}\n\n{numbered}", limit) == [first, second, numbered]


@FAST
@given(st.text(), st.integers(2, 120))
def test_split_never_exceeds_the_limit_nor_loses_text(text, limit):
    pieces = split_text(text, limit)
    assert all(0 < len(piece) <= limit and piece == piece.strip() for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


@FAST
@given(st.text(st.characters(codec="utf-8"), max_size=400), st.integers(2, 60))
def test_split_by_utf16_never_exceeds_the_limit_nor_loses_text(text, limit):
    pieces = split_text(text, limit, utf16_length)
    assert all(0 < utf16_length(piece) <= limit for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


@FAST
@given(st.lists(st.text("abcdéñ😀", min_size=1, max_size=8), max_size=200), st.sampled_from([" ", "\n", ". "]),
       st.integers(10, 80))
def test_split_of_short_words_keeps_every_word_whole(words, separator, limit):
    text = separator.join(words)
    assert " ".join(split_text(text, limit, len)).split() == text.split()


# -- inbound -----------------------------------------------------------------

def test_cap_text_cuts_at_the_last_space_within_the_limit():
    assert inbound.cap_text("short") == "short"
    assert inbound.cap_text("aaa bbb ccc", limit=9) == "aaa bbb"
    assert inbound.cap_text("aaa bbb ccc", limit=7) == "aaa bbb"
    assert inbound.cap_text("x" * 30, limit=10) == "x" * 10


def test_location_text():
    assert inbound.location_text("7.9", -72.5) == '/share_location{"latitude": 7.9, "longitude": -72.5}'
    for latitude, longitude in [("", "1"), (None, 1), ("inf", 1), (91, 0), (0, -181), ("1e999", 0)]:
        assert inbound.location_text(latitude, longitude) is None


def test_from_twilio():
    assert inbound.from_twilio({"Body": "hola", "Latitude": "1", "Longitude": "2"}).startswith("/share_location")
    assert inbound.from_twilio({"Body": " hola "}) == "hola"
    assert inbound.from_twilio({"Body": "", "NumMedia": "2"}) == "/media_message"
    assert inbound.from_twilio({"Body": "", "NumMedia": "many"}) is None
    assert inbound.from_twilio({}) is None


# -- buttons -----------------------------------------------------------------

def test_numbered_list():
    buttons = [{"title": "Legal", "payload": "/legal"}, {"payload": "/health"}]
    assert numbered_list(buttons, 3) == "3. Legal\n4. /health"


def test_button_memory_maps_a_number_to_the_senders_last_payloads():
    async def scenario():
        memory = ButtonMemory("test")
        await memory.remember("a", ["/one", "/two"])
        results = [await memory.resolve("a", text) for text in ("2", " 1 ", "3", "0", "two", "²", "1.5")]
        results.append(await memory.resolve("b", "1"))
        await memory.remember("a", [])
        results.append(await memory.resolve("a", "1"))
        return results

    assert asyncio.run(scenario()) == ["/two", "/one", "3", "0", "two", "²", "1.5", "1", "1"]


def test_callback_data_is_the_payload_or_a_digest_that_decodes_back():
    async def scenario():
        data = CallbackData()
        long = "/inform" + "x" * 100
        digest = await data.encode(long)
        return await data.encode("/greet"), digest, await data.decode(digest), await data.decode("#" + "0" * 32)

    short, digest, decoded, unknown = asyncio.run(scenario())
    assert short == "/greet"
    assert len(digest.encode()) <= 64 and decoded == "/inform" + "x" * 100
    assert unknown == "#" + "0" * 32


# -- the memory store ----------------------------------------------------------

def test_memory_store_expires_and_stays_bounded():
    async def scenario():
        store = MemoryStore(ttl=0.2, max_items=3)
        added = [await store.add(key, "1") for key in "abcab"]
        await store.put("d", "x")
        evicted = await store.get("a")
        time.sleep(0.25)
        return added, evicted, await store.get("d"), await store.add("b", "1")

    added, evicted, expired, re_added = asyncio.run(scenario())
    assert added == [True, True, True, False, False]
    assert evicted is None and expired is None and re_added


# -- loading as Rasa does ------------------------------------------------------

def test_rasa_loads_both_channels_from_a_credentials_file(tmp_path: Path):
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(yaml.safe_dump({
        "rest": None,
        "channels.telegram.TelegramInput": {"access_token": "123:ABC", "secret_token": "s3cret",
                                            "base_url": "http://127.0.0.1:8081/bot"},
        "channels.whatsapp.WhatsAppInput": {"account_sid": "AC1", "auth_token": "t",
                                            "whatsapp_number": "whatsapp:+14155238886"},
    }), "utf-8")
    channels = {channel.name(): channel for channel in create_http_input_channels(None, str(credentials))}
    assert set(channels) == {"rest", "telegram", "whatsapp"}
    telegram, whatsapp = channels["telegram"], channels["whatsapp"]
    assert isinstance(telegram, TelegramInput) and isinstance(whatsapp, WhatsAppInput)
    assert (telegram.url_prefix(), whatsapp.url_prefix()) == ("telegram", "whatsapp")
    assert telegram.bot.base_url == "http://127.0.0.1:8081/bot123:ABC"


@pytest.mark.parametrize("credentials", [None, {}])
def test_no_credentials_at_all_is_rasas_usual_error(credentials):
    with pytest.raises(Exception, match="credentials"):
        TelegramInput.from_credentials(credentials)
    with pytest.raises(Exception, match="credentials"):
        WhatsAppInput.from_credentials(credentials)


def test_cap_text_keeps_a_cut_sentence_that_speaks_of_danger():
    text = "Buenas tardes. " + "Le cuento mi situación con los papeles. " * 80 + "Ahora mismo me quieren matar."
    capped = inbound.cap_text(text)
    assert len(capped) <= inbound.MAX_TEXT
    assert capped.startswith("Buenas tardes.") and capped.endswith("me quieren matar.")
