"""What the safety signals of one message mean for the turn: emergency lines or not, and the question kept.

Three layers look at every message, each catching what the others miss:
the keyword layer (`bot.safety`), the intent classifier (its `emergency`
intent, trained on many ways of writing an emergency) and, when either is
unsure, the meaning layer (`bot.meaning`, nearest labelled examples in a
multilingual sentence space). `triage` combines them:

- danger (any layer sure): emergency lines first, in any conversation state; except that the
  classifier's emergency alone, with no word of danger and the meaning layer finding none
  (MEANING_CALM) in the message or in any of its sentences, is overruled: it is what the
  classifier guesses for words it has never seen ("a volunteer writes: they walked from the
  border and ask for a roof tonight"). Danger told in passing in a long story is still caught:
  the meaning layer scores each sentence on its own, and the most dangerous one counts;
- risk (words of danger, or the classifier half-believing an emergency, in a
  turn that is not a confident question): emergency lines and "are you safe?";
- a question asked in the same message (a service, a centre, a person) is
  kept, so its answer follows the lines instead of being lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from bot.meaning import Score, clauses
from bot.safety import Assessment

EMERGENCY = "emergency"
# Intents whose answer can follow the emergency lines in the same turn.
QUESTIONS = frozenset({
    "find_centre", "centre_hours", "centre_contact", "service_legal", "service_documentation", "service_health",
    "service_education", "service_employment", "service_housing", "service_food", "service_psychosocial",
    "service_protection", "service_children", "city_services", "find_events", "human_handoff", "help"})
# Intents that, predicted confidently for a short message without a word of danger, need no second look.
CALM = QUESTIONS | {"greet", "goodbye", "thank", "affirm", "deny", "inform_city", "more_results", "change_language",
                    "privacy_info", "ask_cost", "ask_requirements"}
QUESTION_KEPT = 0.25      # a question this likely, beside an emergency, is answered after the lines
EMERGENCY_HALF = 0.2      # the classifier's emergency confidence that, in an unsure turn, brings the lines
CONFIDENT = 0.8           # a question this likely, with only words of danger, is answered without lines
MEANING_DANGER = 0.5      # the meaning layer's probability of danger that is enough on its own
MEANING_CALM = 0.05       # below this, with no word of danger, the classifier's emergency alone is overruled
LONG = 12                 # words from which a message is always looked at by the meaning layer


@dataclass(frozen=True)
class Triage:
    """`level`: "danger", "risk" or None; `category` of danger when known; `question` intent to answer too."""

    level: Optional[str]
    category: Optional[str] = None
    question: Optional[str] = None


def needs_meaning(keywords: Assessment, ranking: Sequence[dict], text: str) -> bool:
    """Whether the meaning layer must look: always, unless the classifier confidently found a plain question
    or small talk in a short message without a word of danger (most messages: they do not pay for it).
    When another layer already found danger, it tells which question, if any, was asked beside it."""
    top, confidence = _top(ranking)
    if keywords.level == "danger" and top == EMERGENCY and not clauses(text):
        return False  # two layers sure of danger, and no other clause where a question could be
    calm = sum(float(each.get("confidence") or 0.0) for each in ranking if each.get("name") in CALM)
    return keywords.level is not None or top not in CALM or calm < CONFIDENT or len(text.split()) >= LONG


def triage(keywords: Assessment, ranking: Sequence[dict], meaning: Optional[Score] = None,
           says_something: bool = True) -> Triage:
    """The turn's safety decision from the keyword layer, the classifier's ranking (best first, after the
    fallback classifier), the meaning layer's score (None when it did not look), and whether any of the
    message's words says something (`bot.gibberish.content_words`): laughter, mashing
    and emoji alone ("jajaja xd 🙈") are danger only by a word of danger, never by a guess of the others."""
    if keywords.level is None and not says_something:
        return Triage(None)
    top, confidence = _top(ranking)
    emergency = _confidence(ranking, EMERGENCY)
    question = _question(ranking) or _meant_question(meaning)
    meaning_says = meaning is not None and meaning.danger >= MEANING_DANGER
    if keywords.level is None and meaning is not None and meaning.danger < MEANING_CALM:
        return Triage(None)  # the classifier alone, on words it has not seen ("me gusta el color azul")
    if keywords.level == "danger" or top == EMERGENCY or meaning_says:
        category = keywords.category
        if category is None and meaning is not None and meaning.self_harm >= 0.5:
            category = "self_harm"
        return Triage("danger", category, question)
    unsure = top not in QUESTIONS  # greetings, thanks, the fallback, staff requests...: no question to answer
    if (keywords.level == "risk" and (unsure or confidence < CONFIDENT)) or (unsure and emergency >= EMERGENCY_HALF):
        return Triage("risk", keywords.category, question)
    return Triage(None)


def _top(ranking: Sequence[dict]) -> tuple[Optional[str], float]:
    if not ranking:
        return None, 0.0
    return ranking[0].get("name"), float(ranking[0].get("confidence") or 0.0)


def _confidence(ranking: Sequence[dict], name: str) -> float:
    return max((float(each.get("confidence") or 0.0) for each in ranking if each.get("name") == name), default=0.0)


def _meant_question(meaning: Optional[Score]) -> Optional[str]:
    """The question most of the nearest examples of the message's calmest part ask."""
    if meaning is None or not meaning.intents:
        return None
    intent, weight = max(meaning.intents.items(), key=lambda item: item[1])
    return intent if intent in QUESTIONS and weight >= QUESTION_KEPT else None


def _question(ranking: Sequence[dict]) -> Optional[str]:
    """The most likely question in the ranking, when likely enough to be answered beside the lines."""
    for each in ranking:
        if each.get("name") in QUESTIONS and float(each.get("confidence") or 0.0) >= QUESTION_KEPT:
            return each["name"]
    return None
