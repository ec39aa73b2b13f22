"""Leaving a question for the team of one's city (the question form's end): the request is kept for the staff,
and the person is told its number and, honestly, when someone is likely to answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Text

from babel.dates import format_datetime
from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.base import DirectoryAction, slot_before_latest_message
from bot.handoff import requests, schedule
from bot.replies.cards import Reply
from bot.texts import Texts

QUESTION_SLOT = "handoff_question"
CONTEXT_TURNS = requests.CONTEXT_TURNS


class ActionAskHandoffQuestion(DirectoryAction):
    """Asks for the question, in the person's own words, for the team of their city."""

    def name(self) -> Text:
        return "action_ask_handoff_question"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        reply = Reply()
        reply.say(texts("text_ask_handoff_question", city=tracker.get_slot("city")))
        return reply, []


class ValidateQuestionForm(FormValidationAction):
    """Keeps the city the question is for: a place the question itself names ("where do they vaccinate
    children?" read as a city with such a service) does not move it to another city's team."""

    def name(self) -> Text:
        return "validate_question_form"

    def validate_city(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != QUESTION_SLOT:
            return {"city": value}
        return {"city": slot_before_latest_message(tracker, "city") or value}


class ActionLeaveQuestion(DirectoryAction):
    """Keeps the person's question as a request for the staff of their city and says when to expect an answer."""

    def name(self) -> Text:
        return "action_leave_question"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        city, question = tracker.get_slot("city"), (tracker.get_slot(QUESTION_SLOT) or "").strip()
        reply = Reply()
        if not city or not question:
            reply.say(texts("text_handoff_no_question"))
            return reply, [SlotSet(QUESTION_SLOT, None)]
        metadata = tracker.latest_message.get("metadata") or {}
        now = datetime.utcnow()
        request, _ = requests.leave(session, sender=tracker.sender_id, channel=tracker.get_latest_input_channel()
                                    or str(metadata.get("channel") or "rest"), reply_to=metadata.get("reply_to"),
                                    city=city, language=texts.language, question=question,
                                    context=_context(tracker), now=now)
        reply.say(texts("text_handoff_left", number=request.id, city=city, when=_when(texts, session, city, now)))
        return reply, [SlotSet(QUESTION_SLOT, None)]

    def topic(self, tracker: Tracker) -> str:
        return "human"


def _when(texts: Texts, session: Session, city: str, now: datetime) -> str:
    """When someone is likely to answer, said honestly: soon (a centre of the city is open now), from the next
    opening of one, or whenever the team can (no opening hours are known)."""
    if schedule.open_now(session, city, now):
        return texts("text_handoff_when_open")
    expected = schedule.answer_expected(session, city, now)
    if expected is None:
        return texts("text_handoff_when_unknown")
    moment = format_datetime(expected, texts("text_handoff_moment_pattern"), locale=texts.language)
    return texts("text_handoff_when_opens", moment=moment)


def _context(tracker: Tracker) -> list[dict]:
    """The last turns before the request, as the staff will read them: who said it, and what."""
    turns = [{"who": "person" if event.get("event") == "user" else "assistant", "text": event.get("text")}
             for event in tracker.events if event.get("event") in ("user", "bot") and event.get("text")
             and not str(event.get("text")).startswith("/")]  # a button's payload is no one's words
    return turns[-(CONTEXT_TURNS + 2):-2] if len(turns) > 2 else []
