"""Rasa's SQL tracker store, which forgets a sender completely when they ask for it.

When a turn ran `action_delete_data` (the user confirmed "delete my data"),
saving that turn deletes every stored event of the sender instead, so nothing
of the conversation is left; the next message starts a new one.
"""

from __future__ import annotations

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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
    """A SQL tracker store that erases a sender's conversation after `action_delete_data`."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_forget(tracker):
            self.forget(tracker.sender_id)
            return
        await super().save(tracker)

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of `sender_id`; the number deleted."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return deleted
