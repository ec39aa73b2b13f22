"""Rasa's SQL tracker store, keyed by pseudonym, which forgets a sender completely when asked.

- Sender ids (phone numbers, Telegram chat ids) are never stored in clear: rows
  are keyed by `bot.privacy.pseudonym(sender_id)`, a keyed hash.
- When a turn ran `action_delete_data` (the user confirmed "delete my data"),
  saving that turn deletes every stored event of the sender instead, so nothing
  of the conversation is left; the next message starts a new one.
"""

from __future__ import annotations

import json
from typing import Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy import pseudonym

FORGET_ACTION = "action_delete_data"


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    """Whether the latest turn (since the last user message) ran the delete action."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


class PrivateSQLTrackerStore(SQLTrackerStore):
    """A SQL tracker store keyed by pseudonyms that erases a sender's conversation after `action_delete_data`."""

    def _event_query(self, session, sender_id: Text, fetch_events_from_all_sessions: bool):
        return super()._event_query(session, pseudonym(sender_id), fetch_events_from_all_sessions)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn's new events under the sender's pseudonym, or forget the sender."""
        if asked_to_forget(tracker):
            self.forget(tracker.sender_id)
            return
        await self.stream_events(tracker)
        key = pseudonym(tracker.sender_id)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=key, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of `sender_id`; the number deleted."""
        with self.session_scope() as session:
            deleted = (session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == pseudonym(sender_id))
                       .delete(synchronize_session=False))
            session.commit()
        return deleted
