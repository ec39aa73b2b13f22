"""When the classifier is unsure, its ranking, the meaning layer's nearest examples and the kinds named vote."""

from __future__ import annotations

from bot.nlu.intent_vote import vote


def ranking(*pairs: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_an_unsure_classifier_is_outvoted_by_the_meaning_and_the_kind_named():
    # "¿dónde hay consulta médica en Quito?" read as legal advice by the classifier alone
    assert vote(ranking(("service_legal", 0.71), ("service_health", 0.15)), {"service_health": 0.83}, ["health"]) \
        == "service_health"
    # torn between the centre and its hours, the fallback took both away: the likelier one is answered
    assert vote(ranking(("nlu_fallback", 0.45), ("find_centre", 0.47), ("centre_hours", 0.46)), {}, []) == \
        "find_centre"


def test_a_sure_classifier_and_readings_kept_on_purpose_are_never_outvoted():
    assert vote(ranking(("service_legal", 0.9), ("service_health", 0.1)), {"service_health": 1.0}, ["health"]) is None
    assert vote(ranking(("change_language", 0.5), ("find_centre", 0.4)), {"find_centre": 1.0}, []) is None
    assert vote(ranking(("emergency", 0.5), ("service_food", 0.4)), {"service_food": 1.0}, ["food"]) is None
    assert vote(ranking(("publish_event", 0.6), ("find_events", 0.3)), {"find_events": 1.0}, []) is None


def test_too_few_votes_leave_the_reading_as_it_is():
    # a kind named in passing is not a question on its own
    assert vote(ranking(("nlu_fallback", 0.45), ("greet", 0.3)), {}, ["children"]) is None
    # nor does a question outvote a reading that has more
    assert vote(ranking(("privacy_info", 0.46), ("service_documentation", 0.1)), {}, ["documentation"]) is None
    assert vote([], {"find_centre": 1.0}, []) is None
