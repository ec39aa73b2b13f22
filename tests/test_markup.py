"""Emphasis rendered for each channel (channels.markup): WhatsApp's asterisks, Telegram's bold entities."""

from __future__ import annotations

from telegram import MessageEntity

from channels import markup
from channels.splitting import utf16_length

NAME = "Casa *Luz_ [Norte]"
CARD = f"🏠 {NAME}\n📍 Calle 10 # 3-45, Cúcuta\n☎️ Teléfono: +57 607 555 0303"


def test_a_name_after_an_emoji_is_one_span_in_code_points():
    start = CARD.index(NAME)
    assert markup.spans(CARD, [NAME]) == [(start, start + len(NAME))]


def test_telegram_counts_the_emoji_before_the_name_as_two_utf16_units():
    [entity] = markup.telegram_entities(CARD, [NAME])
    assert entity.type == MessageEntity.BOLD
    assert (entity.offset, entity.length) == (3, len(NAME))  # "🏠" is 2 units, then a space
    assert CARD.encode("utf-16-le")[2 * entity.offset:2 * (entity.offset + entity.length)].decode("utf-16-le") == NAME


def test_telegram_offsets_count_every_astral_character_before_the_span():
    text = "👨‍👩‍👧 🇨🇴 ✨ Casa Luz"
    [entity] = markup.telegram_entities(text, ["Casa Luz"])
    assert entity.offset == utf16_length(text[:text.index("Casa Luz")]) and entity.offset != text.index("Casa Luz")
    assert entity.length == 8


def test_whatsapp_wraps_the_name_in_asterisks_and_changes_nothing_else():
    assert markup.whatsapp(CARD, [NAME]) == CARD.replace(NAME, f"*{NAME}*")
    assert utf16_length(markup.whatsapp(CARD, [NAME])) <= utf16_length(CARD) + markup.whatsapp_overhead([NAME])


def test_nothing_to_emphasise_leaves_the_text_alone():
    assert markup.spans(CARD, []) == [] and markup.whatsapp(CARD, []) == CARD
    assert markup.telegram_entities(CARD, ["not in the text"]) == []


def test_each_string_marks_one_occurrence_and_the_one_heading_a_line_first():
    text = "⚖️ Legal advice\nLegal advice\n📍 Cúcuta\nLegal advice for everyone"
    start = text.index("\nLegal advice") + 1
    assert markup.spans(text, ["Legal advice"]) == [(start, start + len("Legal advice"))]
    assert markup.spans("¿Cambio el horario de Casa Luz? Casa Luz", ["Casa Luz"]) == [(22, 30)]


def test_spans_never_overlap_and_come_in_order():
    text = "Casa Luz Norte y Luz Norte"
    assert markup.spans(text, ["Luz Norte", "Casa Luz", "Luz Norte"]) == [(5, 14), (17, 26)]  # "Casa Luz" overlaps
    assert markup.spans(text, ["Luz Norte", "Casa Luz"]) == [(5, 14)]
    assert markup.whatsapp(text, ["Luz Norte", "Luz Norte"]) == "Casa *Luz Norte* y *Luz Norte*"


def test_emphasis_of_reads_only_a_list_of_strings():
    assert markup.emphasis_of({"text": "x", "emphasis": [NAME, "", 5, None]}) == [NAME]
    assert markup.emphasis_of({"text": "x", "emphasis": NAME}) == []
    assert markup.emphasis_of({"text": "x"}) == []
