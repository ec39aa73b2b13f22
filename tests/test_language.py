"""Language of short messages: clear ones decide, ambiguous ones keep the conversation's language."""

from __future__ import annotations

import pytest

from bot.nlu.language import detect, requested_language, without_request

PLACES = ["cucuta", "bogota", "quito", "lima", "guayaquil", "trujillo"]

CLEAR = [
    ("hola", "es"), ("Hola, busco el centro de Bogotá", "es"), ("donde keda el centro en bogota", "es"),
    ("necesito un abogado en cucuta", "es"), ("gracias", "es"), ("q hay pa comer chamo", "es"),
    ("dónde me atiende un médico en bogota", "es"), ("auxilio, me quieren matar", "es"),
    ("Where is the centre in Cúcuta?", "en"), ("ok thanks", "en"), ("I need a job in Quito", "en"),
    ("hey there", "en"), ("delete my data please", "en"), ("phone number of the Trujillo centre", "en"),
    ("I need someone to talk to, I feel depressed", "en"), ("what time does it open", "en"),
]
AMBIGUOUS = ["ok", "si", "Quito", "👍", "Cúcuta", "chao", "no", "12345", "", "   ", "Lima!!"]


@pytest.mark.parametrize("text,language", CLEAR)
def test_clear_messages(text, language):
    assert detect(text, PLACES) == language


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguous_messages_keep_the_conversation_language(text):
    assert detect(text, PLACES) is None


@pytest.mark.parametrize("text,language", [
    ("English please", "en"), ("can we talk in english?", "en"), ("habla en ingles", "en"),
    ("en español por favor", "es"), ("spanish please", "es"), ("hablame en espanol", "es"),
    ("no hablo ingles", "es"), ("I don't speak Spanish", "en"), ("no entiendo bien el ingles", "es"),
    ("I don't understand Spanish", "en"),
])
def test_explicit_requests_switch(text, language):
    assert requested_language(text) == language
    assert detect(text, PLACES) == language


def test_learning_a_language_is_not_a_request_to_switch():
    assert requested_language("where can I take english classes") is None
    assert requested_language("clases de ingles en lima") is None


def test_the_request_is_taken_out_of_a_longer_message():
    assert without_request("Can we talk in English? Where is the centre in Guayaquil?") == \
        "Where is the centre in Guayaquil?"
    assert without_request("English please") == "English please"
    assert without_request("en español porfa, no entiendo bien el ingles. cuanto cuesta?") == "cuanto cuesta?"


@pytest.mark.parametrize("text, language", [
    ("centro hours", "en"), ("psicologist", "en"), ("help comedor", "es"), ("informacion", "es")])
def test_a_tie_is_told_by_what_is_asked_about_and_an_unknown_word_by_its_spelling(text, language):
    assert detect(text) == language
