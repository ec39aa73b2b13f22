"""Deleting a user's data after they confirmed it."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import AllSlotsReset
from sqlalchemy.orm import Session

from actions.base import DirectoryAction
from bot.directory import questions
from bot.handoff import requests
from bot.replies.cards import Reply
from bot.texts import Texts


class ActionDeleteData(DirectoryAction):
    """Erases what the directory database holds about the sender, says so, and clears the slots.

    The conversation itself is erased by `bot.rasa_server.tracker_store.PrivateSQLTrackerStore`
    when it saves this turn (endpoints.yml), because only the Rasa server holds it.
    """

    def name(self) -> Text:
        return "action_delete_data"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        questions.forget(session, tracker.sender_id)
        requests.forget(session, tracker.sender_id)  # requests to talk to a person, and what was relayed
        reply = Reply()
        reply.say(texts("text_data_deleted"))
        return reply, [AllSlotsReset()]
