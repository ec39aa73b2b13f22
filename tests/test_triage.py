"""How the safety layers combine (bot.nlu.triage), and the meaning layer on real sentence embeddings
(bot.nlu.meaning)."""

from __future__ import annotations

import pytest

from bot.nlu.meaning import Examples, Score
from bot.nlu.safety import Assessment, assess
from bot.nlu.triage import needs_meaning, triage


def ranking(*pairs: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


NONE = Assessment(None)


def test_keywords_alone_are_enough_and_keep_the_question():
    decision = triage(assess("mi esposo me pega"), ranking(("find_centre", 0.6), ("emergency", 0.3)))
    assert (decision.level, decision.question) == ("danger", "find_centre")


def test_the_classifier_alone_is_enough():
    assert triage(NONE, ranking(("emergency", 0.9), ("service_health", 0.05))).level == "danger"


def test_laughter_mashing_and_emoji_alone_are_danger_only_by_a_word_of_danger():
    assert triage(NONE, ranking(("emergency", 0.9)), Score(0.8, 0.0), says_something=False).level is None
    assert triage(assess("hlp me"), ranking(("nlu_fallback", 0.45)), None, says_something=False).level == "danger"


def test_the_classifier_alone_is_overruled_where_no_word_and_no_meaning_speaks_of_danger():
    assert triage(NONE, ranking(("emergency", 0.97), ("service_food", 0.03)), Score(0.0, 0.0)).level is None
    assert triage(NONE, ranking(("emergency", 0.97)), Score(0.2, 0.0)).level == "danger"  # meaning unsure
    assert triage(assess("tengo miedo"), ranking(("emergency", 0.97)), Score(0.0, 0.0)).level == "danger"


def test_the_meaning_layer_alone_is_enough():
    assert triage(NONE, ranking(("service_children", 0.95)), Score(0.8, 0.0)).level == "danger"


def test_words_of_danger_in_an_unsure_turn_bring_the_lines_and_are_you_safe():
    assert triage(assess("tengo miedo"), ranking(("nlu_fallback", 0.45), ("greet", 0.3))).level == "risk"


def test_a_half_believed_emergency_in_a_fallback_turn_is_a_risk():
    assert triage(NONE, ranking(("nlu_fallback", 0.45), ("emergency", 0.3))).level == "risk"


def test_a_confident_question_with_a_word_of_danger_is_only_answered():
    assert triage(assess("is there a hospital near the centre"), ranking(("service_health", 0.97)),
                  Score(0.1, 0.0)).level is None


def test_the_meaning_layer_names_the_question_when_the_classifier_saw_only_danger():
    decision = triage(NONE, ranking(("emergency", 0.99)), Score(0.2, 0.0, {"service_health": 0.7, "greet": 0.1}))
    assert (decision.level, decision.question) == ("danger", "service_health")


def test_self_harm_is_told_by_the_meaning_layer_when_no_keyword_says_so():
    assert triage(NONE, ranking(("emergency", 0.9)), Score(0.9, 0.8)).category == "self_harm"


@pytest.mark.parametrize("text,top,expected", [
    ("donde queda el centro en lima", ("find_centre", 0.99), False),
    ("hola", ("greet", 0.99), False),
    ("hola", ("greet", 0.5), True),
    ("thanks, bye", [("thank", 0.49), ("goodbye", 0.49)], False),
    ("jajaja", ("nlu_fallback", 0.45), True),
    ("auxilio me quieren matar", ("emergency", 0.99), False),
    ("auxilio me quieren matar", ("greet", 0.99), True),
    ("donde hay un hospital", ("service_health", 0.99), True),
    ("buenas tardes, le escribo de la alcaldia de cucuta porque una senora me pregunta por el centro",
     ("find_centre", 0.99), True),
])
def test_the_meaning_layer_is_paid_for_only_when_needed(text, top, expected):
    intents = ranking(*top) if isinstance(top, list) else ranking(top)
    assert needs_meaning(assess(text), intents, text) is expected


def test_nearest_examples_tell_danger_by_meaning_not_words():
    examples = Examples.build(
        ["my child is missing", "someone is following me with a knife", "there is a fire in the building",
         "where is the integration centre", "i need a lawyer", "is there food for my children"],
        ["emergency", "emergency", "emergency", "find_centre", "service_legal", "service_food"],
        [False, False, False, False, False, False])
    assert examples.score("no encuentro a mi hija de 6 años").danger > 0.5
    assert examples.score("hay fuego en el cuarto").danger > 0.5
    plain = examples.score("¿dónde queda el centro de integración?")
    assert plain.danger < 0.5 and max(plain.intents, key=plain.intents.get) == "find_centre"
    loaded = Examples.from_arrays(examples.arrays())
    assert loaded.score("no encuentro a mi hija de 6 años").danger > 0.5


def test_the_question_beside_danger_is_the_one_most_voted_for():
    from bot.nlu.triage import questions_beside

    # the classifier and the meaning layer both read food: the children named say who is hungry
    assert questions_beside(ranking(("service_food", 0.73), ("service_children", 0.03)),
                            Score(0.6, 0.0, {"service_food": 0.88}), ["children"], None, True)[0] == "service_food"
    # the last kind named wins over an unsure classifier and an unsure meaning ("dónde dan atención médica")
    assert questions_beside(ranking(("service_legal", 0.45)), Score(0.4, 0.0, {"service_psychosocial": 0.55}),
                            ["health"], None, False)[0] == "service_health"
    # a question that names nothing: who helps with this kind of danger ("who can help her?")
    assert questions_beside(ranking(("out_of_scope", 0.0)), Score(0.9, 0.0, {"inform_city": 0.5}), [], None,
                            True) == ["service_protection"]
    assert questions_beside([], Score(0.9, 0.0), [], "medical", True) == ["service_health"]
    # nothing asked, nothing named: no question, the lines alone
    assert questions_beside(ranking(("service_food", 0.1)), Score(0.9, 0.0, {"inform_city": 0.9}), [], None,
                            False) == []
    # "help" (what can you do) only after what is more precise
    assert questions_beside([], Score(0.8, 0.0, {"help": 0.81}), ["education"], None, True)[-1] == "help"
