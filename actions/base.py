"""What every directory action shares: the user's language, a database session, a safe failure."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, Iterator, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from bot.directory import db, questions
from bot.replies.cards import Reply
from bot.texts import Texts

log = logging.getLogger(__name__)


class DirectoryAction(Action, ABC):
    """An action that answers from the directory; a failure becomes a short apology, never silence."""

    @abstractmethod
    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        """The reply and the events (slot changes) for this turn."""

    def topic(self, tracker: Tracker) -> Optional[str]:
        """What the question was about, for the demand report (None: not counted)."""
        return None

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        texts = Texts(tracker.get_slot("language"), tracker.get_latest_input_channel())
        try:
            with db.session() as session:
                reply, events = self.answer(tracker, session, texts)
                topic = self.topic(tracker)
                if topic:
                    questions.record(session, tracker.sender_id, topic, tracker.get_slot("city"), texts.language,
                                     (tracker.latest_message.get("metadata") or {}).get("channel"),
                                     answered=reply.found, text=tracker.latest_message.get("text"))
        except Exception:  # the user gets an apology; the log gets the details
            log.exception("%s failed", self.name())
            dispatcher.utter_message(text=texts("text_error"))
            return []
        for message in reply.messages:
            dispatcher.utter_message(**message)
        return events


def before_latest_message(tracker: Tracker) -> Iterator[Dict[Text, Any]]:
    """The conversation's events from before the latest user message, newest first."""
    passed = False
    for event in reversed(tracker.events):
        if passed:
            yield event
        passed = passed or event.get("event") == "user"


def slot_before_latest_message(tracker: Tracker, slot: Text) -> Any:
    """The value `slot` had before the latest user message (which may have set it again); None if it had none."""
    return next((event.get("value") for event in before_latest_message(tracker)
                 if event.get("event") == "slot" and event.get("name") == slot), None)
