"""The keyword safety net: words of danger in either language bring emergency lines."""

from __future__ import annotations

import pytest

from bot.nlu.safety import Assessment, asks_about_help, assess, speaks_of_danger

DANGER = [
    "auxilio, me quieren matar", "socorro", "me estan pegando", "mi esposo me pega", "estoy en peligro",
    "me voy a quitar la vida", "quiero morirme", "pienso en el suicidio", "secuestraron a mi hermano",
    "me amenazaron de muerte", "nos van a matar", "me estan apuntando con una pistola", "mi bebe no respira",
    "necesito una ambulancia", "le dio un ataque al corazon", "I need an ambulance right now",
    "he is hitting me", "i want to kill myself", "i don't want to live anymore", "i was raped",
    "my son was kidnapped", "i am being threatened", "someone broke into my house", "she is not breathing",
    "my husband beats me", "I'm in danger", "I feel unsafe at home", "we are not safe here", "AUXILIO!!!",
    "me quieren violar",
]
SAFE = [
    "donde hay un hospital", "me siento triste", "necesito un abogado", "apoyo para violencia de genero",
    "el cuchillo de cocina", "where is the shelter", "my son needs a school", "hola", "I feel stressed",
    "what are your opening hours", "quiero matricular a mi hijo", "I'm in Lima.", "we are in Quito now",
    "I feel in good hands",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger_is_caught(text):
    assert speaks_of_danger(text)


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_questions_are_not_emergencies(text):
    assert not speaks_of_danger(text)


@pytest.mark.parametrize("text", ["vengan rápido porfa", "hurry up please", "corran, ayuda", "hlp me", "halp pls"])
def test_a_short_call_to_come_quickly_is_a_cry_for_help(text):
    assert assess(text) == Assessment("danger", "cry")


@pytest.mark.parametrize("text", ["vengan a la feria de empleo", "vente mañana al taller"])
def test_an_invitation_is_not_a_cry(text):
    assert assess(text).level is None


@pytest.mark.parametrize("text", ["no puedo respirar", "no podemos respirar", "mi pata no aparece desde el viernes"])
def test_breathing_and_a_missing_friend_in_slang_are_danger_by_the_words_alone(text):
    assert assess(text).level == "danger"


@pytest.mark.parametrize("text, category", [
    ("he will have his friends break my legs", "violence"), ("me van a romper las piernas", "violence"),
    ("the group got in yesterday, he didn't. Nobody knows where he is.", "missing"),
    ("nadie sabe donde esta mi hermano", "missing")])
def test_a_threat_to_break_bones_and_nobody_knowing_where_someone_is_are_danger(text, category):
    assert (assess(text).level, assess(text).category) == ("danger", category)


@pytest.mark.parametrize("text", ["I broke my leg playing football last year, is the clinic open?",
                                  "nadie sabe donde esta la oficina nueva?"])
def test_a_broken_leg_long_healed_and_a_lost_office_are_not(text):
    assert assess(text).level is None


@pytest.mark.parametrize("text", ["hlep", "aiuda porfavor", "socorrro", "ayudaaa xfa", "kms fr, no point anymore"])
def test_a_cry_misspelt_and_kms_are_danger(text):
    assert assess(text).level == "danger"


@pytest.mark.parametrize("text", ["held", "hello", "ayudas?", "a 5 kms de aqui", "10 kms away from the border"])
def test_words_near_a_cry_and_kilometres_are_not(text):
    assert assess(text).level is None


@pytest.mark.parametrize("text", ["vivo en riohacha con mi familia, q ayuda hay pa nosotros?",
                                  "How much does that help cost?", "where can I get help with my papers",
                                  "necesito ayuda con el arriendo",
                                  "i live in tumbes now w my mom, where can we go for help?"])
def test_help_asked_about_is_no_word_of_danger(text):
    assert assess(text).level is None
    assert asks_about_help(text) or "arriendo" in text


def test_help_called_for_still_is():
    assert assess("necesito ayuda").level == "danger" and assess("help!!").level == "danger"
    assert not asks_about_help("help!!") and not asks_about_help("ayudenme por favor")
    assert assess("i need help, my husband is angry").level == "risk"


@pytest.mark.parametrize("text, category", [
    ("llevo días sin comer a propósito, quiero que todo se acabe", "self_harm"),
    ("I just want it all to end", "self_harm"), ("I've been starving myself on purpose", "self_harm"),
    ("soy diabética y se me terminó la insulina, estoy mareada y confundida", "medical"),
    ("ran out of insulin two days ago and I feel dizzy and confused", "medical"),
])
def test_wanting_it_all_to_end_and_a_diabetic_without_insulin_are_danger(text, category):
    assert assess(text) == Assessment("danger", category)


@pytest.mark.parametrize("text", ["quiero que se acabe la cuarentena", "cuando se acaba la feria?",
                                  "where can I get insulin for my mother, she is fine"])
def test_something_else_ending_and_insulin_asked_for_are_not(text):
    assert assess(text).level is None
