"""Greetings and courtesies before a question are taken off what the classifier reads; nothing else is."""

from __future__ import annotations

import pytest

from bot.nlu.preamble import without_preamble


@pytest.mark.parametrize("text, rest", [
    ("hola buenas, ¿cómo saco la visa en Quito?", "cómo saco la visa en Quito?"),
    ("Buenas tardes, disculpe la molestia, quisiera saber dónde hay un abogado", "quisiera saber dónde hay un abogado"),
    ("Good afternoon, God bless you. Where can I see a doctor?", "Where can I see a doctor?"),
    ("heyyy good morning!! wheres the kids space", "wheres the kids space"),
    ("hola me quieren matar", "me quieren matar"),
    ("Muchas gracias. ¿Y qué días atienden?", "Y qué días atienden?"),
    ("Thank you very much! And the address?", "And the address?"),
    ("Muy amable. ¿Y qué días atienden eso?", "Y qué días atienden eso?"),
    ("Thank you kindly. And the phone?", "And the phone?"),
])
def test_the_question_after_a_greeting_is_what_is_read(text, rest):
    assert without_preamble(text) == rest


@pytest.mark.parametrize("text", ["hola", "hola buenas tardes", "Hola, ¿cómo estás?", "there is no food",
                                  "Sorry, I did not understand", "all good", "hola chamo",
                                  "muchas gracias", "thank you so much!!"])
def test_a_greeting_alone_or_a_message_without_one_is_left_as_it_is(text):
    assert without_preamble(text) == text
