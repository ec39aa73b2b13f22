"""When the intent classifier is unsure, three readings of a message vote on the question it asks.

DIET alone is fragile: a few words it has not seen split its belief ("¿dónde hay consulta médica en Quito?"
read as legal advice; "el centro de barranquilla abre los sabados?" torn between the centre and its hours,
so neither is answered). When it is unsure, the message was already placed among the training examples
in a multilingual sentence space (`bot.nlu.meaning`, for the safety net), and the kinds of service it names in
so many words are known (`bot.directory.categories`). Each question's votes are the classifier's confidence, the
weight of the nearest examples of the whole message that ask it (MEANING_VOTE for all of them), and
NAMED_VOTE for each kind of service named; the question with the most votes is the message's, when it
has at least VOTE_FLOOR and more than what the classifier preferred.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from bot.nlu.triage import CONFIDENT, QUESTIONS

# The questions that may win a vote: those of the directory, and the details of what was just discussed.
VOTERS = QUESTIONS - {"help", "human_handoff"} | {"ask_cost", "ask_requirements"}
# Readings that are never outvoted: what a rule or another component decided on purpose, or a staff request.
KEPT = frozenset({"emergency", "report", "publish_event", "cancel_event", "update_centre", "change_language",
                  "inform_city", "more_results", "delete_data"})
UNSURE = "nlu_fallback"
MEANING_VOTE = 0.5
NAMED_VOTE = 0.3
VOTE_FLOOR = 0.45  # as sure as the fallback classifier asks the classifier to be


def unsure(ranking: Sequence[Mapping]) -> bool:
    """Whether the classifier's reading (`ranking`, best first) may be outvoted: not understood, or a reading
    other than KEPT, less sure than CONFIDENT."""
    if not ranking:
        return False
    top, confidence = str(ranking[0].get("name")), float(ranking[0].get("confidence") or 0.0)
    return top == UNSURE or (top not in KEPT and confidence < CONFIDENT)


def vote(ranking: Sequence[Mapping], asked: Mapping[str, float], named: Sequence[str]) -> Optional[str]:
    """The question the message asks by the votes of the classifier's `ranking` (best first), the meaning
    layer's nearest examples of the whole message (`asked`: intent -> weight) and the kinds of service
    `named` in it; None when the classifier's own reading stands (it is sure, or it is not a question to
    outvote, or no question has enough votes)."""
    if not unsure(ranking):
        return None
    top, confidence = str(ranking[0].get("name")), float(ranking[0].get("confidence") or 0.0)
    votes: dict[str, float] = {}
    for each in ranking:
        name = str(each.get("name"))
        if name in VOTERS:
            votes[name] = votes.get(name, 0.0) + float(each.get("confidence") or 0.0)
    for name, weight in asked.items():
        if name in VOTERS:
            votes[name] = votes.get(name, 0.0) + MEANING_VOTE * weight
    for kind in named:
        name = f"service_{kind}"
        votes[name] = votes.get(name, 0.0) + NAMED_VOTE
    if not votes:
        return None
    best = max(votes, key=lambda name: votes[name])
    standing = votes.get(top, confidence if top != UNSURE else 0.0)
    if best == top or votes[best] < VOTE_FLOOR or votes[best] <= standing:
        return None
    return best
