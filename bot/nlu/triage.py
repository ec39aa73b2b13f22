"""What the safety signals of one message mean for the turn: emergency lines or not, and the question kept.

Three layers look at every message, each catching what the others miss:
the keyword layer (`bot.nlu.safety`), the intent classifier (its `emergency`
intent, trained on many ways of writing an emergency) and, when either is
unsure, the meaning layer (`bot.nlu.meaning`, nearest labelled examples in a
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

from bot.nlu.meaning import Score, clauses
from bot.nlu.safety import Assessment

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
    message's words says something (`bot.nlu.gibberish.says_something`): laughter, mashing
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


NAMED = 0.5              # a kind of service the message names in so many words, as a vote for its question
NAMED_LAST = 0.5          # more for the last one named, where the question usually is
WHO_HELPS_ASKED = 0.45    # who helps with the danger, when the message asks something ("who can help her?")
WHO_HELPS_ELSE = 0.3      # ...and when it asks for something the city may not have


def questions_beside(ranking: Sequence[dict], meaning: Optional[Score], named: Sequence[str],
                     category: Optional[str], asks: bool) -> list[str]:
    """The questions a message that speaks of danger may also ask, most likely first: each question's votes
    are the classifier's confidence (one more when it is sure), the weight of the meaning layer's nearest
    examples of the calmest part, NAMED for a kind of service named in so many words (NAMED_LAST more for
    the last), and, for the service that helps with this kind of danger, WHO_HELPS_ASKED when the message
    asks something, else WHO_HELPS_ELSE when there is another question. Only questions of QUESTION_KEPT
    votes or more, "help" last; the caller answers the first that the city has."""
    votes: dict[str, float] = {}
    for each in ranking:
        name, confidence = each.get("name"), float(each.get("confidence") or 0.0)
        if name in QUESTIONS:
            votes[name] = votes.get(name, 0.0) + confidence + (1.0 if confidence >= CONFIDENT else 0.0)
    for name, weight in (meaning.intents.items() if meaning is not None else ()):
        if name in QUESTIONS:
            votes[name] = votes.get(name, 0.0) + weight
    for number, kind in enumerate(named, 1):
        name = f"service_{kind}"
        votes[name] = votes.get(name, 0.0) + NAMED + (NAMED_LAST if number == len(named) else 0.0)
    helps = who_helps(category)
    kept = [name for name in votes if votes[name] >= QUESTION_KEPT]
    if helps and (asks or kept):
        votes[helps] = votes.get(helps, 0.0) + (WHO_HELPS_ASKED if asks else WHO_HELPS_ELSE)
    # "help" (what can you do?) only when nothing more precise was asked
    return sorted((name for name in votes if votes[name] >= QUESTION_KEPT),
                  key=lambda name: (name == "help", -votes[name]))


# Who helps, after the lines, with each kind of danger (`bot.nlu.safety`'s categories): protection for the others.
_WHO_HELPS: dict[Optional[str], Optional[str]] = {"medical": "service_health", "self_harm": "service_psychosocial",
                                                  "fire_accident": None, "cry": None}


def who_helps(category: Optional[str]) -> Optional[str]:
    """The question whose answer helps with danger of `category` (None when it is not known: protection)."""
    return _WHO_HELPS.get(category, "service_protection")


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
