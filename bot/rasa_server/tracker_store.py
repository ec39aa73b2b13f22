"""Rasa's SQL tracker store, keyed by pseudonym, which forgets a sender completely when asked.

- Sender ids (phone numbers, Telegram chat ids) are never stored in clear: rows
  are keyed by `bot.privacy.pseudonym(sender_id)`, a keyed hash.
- The staff proof and the sealed address a message's metadata may carry (`ONE_TURN_FIELDS`) are not stored.
- When a turn ran `action_delete_data` (the user confirmed "delete my data"),
  saving that turn deletes every stored event of the sender instead, so nothing
  of the conversation is left, and the channels forget what they keep for the
  sender (`bot.privacy.forget_elsewhere`); the next message starts a new one.
- A turn costs one read and one write. The read of the latest session is one
  statement built once (Rasa builds its ORM query anew on every message and
  loads each event as an object). A tracker read from the store remembers
  how many events are stored, so saving it needs no count query, and its new
  events are inserted in one statement. A new conversation is first written
  with its first turn (Rasa would also write it, empty, when creating it).
  On SQLite, connections are pooled and the database is in WAL mode (Rasa's
  own store opens a connection per query).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import Table, bindparam, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql import Select

from bot import privacy
from bot.directory import db
from bot.privacy import pseudonym

FORGET_ACTION = "action_delete_data"
_STORED = "_stored_events"  # set on trackers this store read or wrote: how many of their events it holds


def _row(key: str, event: Event) -> dict:
    data = _without_proof(event.as_dict())
    return {"sender_id": key, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"), "data": json.dumps(data)}


# What a message's metadata carries for its own turn only: the staff proof (`bot.privacy.vouch`), and the
# person's sealed address (`bot.privacy.seal`), which only a request to talk to a person keeps.
ONE_TURN_FIELDS = frozenset({"staff_proof", "reply_to"})


def _without_proof(data: dict) -> dict:
    """An event's data without what a message's metadata carries for one turn only (ONE_TURN_FIELDS), wherever
    Rasa copies that metadata (the event's, its parse data's, and the `session_started_metadata` slot)."""
    places = [(data, "metadata"), (data.get("parse_data") or {}, "metadata"), (data, "value")]
    for holder, key in places:
        value = holder.get(key)
        if isinstance(value, dict) and not ONE_TURN_FIELDS.isdisjoint(value):
            holder[key] = {name: item for name, item in value.items() if name not in ONE_TURN_FIELDS}
    return data


def _latest_session(events: Table) -> Select:
    """The data of :sender_id's events since their latest `session_started` (all, if none), oldest first:
    the events Rasa's own query returns."""
    sender = bindparam("sender_id")
    start = (select(func.max(events.c.timestamp))
             .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
             .scalar_subquery())
    return (select(events.c.data).where(events.c.sender_id == sender, or_(events.c.timestamp >= start, start.is_(None)))
            .order_by(events.c.id))


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

    engine: Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Rasa's engine opens a new SQLite connection for every read and write: pool them, in WAL mode.
            url = self.engine.url
            self.engine.dispose()
            self.engine = db.sqlite_engine(url)
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._latest_session = _latest_session(self.SQLEvent.__table__)

    def _event_query(self, session, sender_id: Text, fetch_events_from_all_sessions: bool):
        return super()._event_query(session, pseudonym(sender_id), fetch_events_from_all_sessions)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool):
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.engine.connect() as connection:
            rows = connection.execute(self._latest_session, {"sender_id": pseudonym(sender_id)}).scalars().all()
        if not self.domain or not rows:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)
        setattr(tracker, _STORED, len(tracker.events))
        return tracker

    async def create_tracker(self, sender_id: Text, append_action_listen: bool = True) -> DialogueStateTracker:
        """A new conversation's tracker (nothing is stored for `sender_id`: Rasa makes one only then), written
        with its first turn rather than now, empty, as Rasa writes it."""
        tracker = self.init_tracker(sender_id)
        if append_action_listen:
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        setattr(tracker, _STORED, 0)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the turn's new events under the sender's pseudonym, or forget the sender.

        A tracker this store read knows how many of its events are stored already;
        only others cost a count of the stored events (Rasa's way).
        """
        if asked_to_forget(tracker):
            self.forget(tracker.sender_id)
            await privacy.forget_elsewhere(tracker.sender_id)
            return
        stored = getattr(tracker, _STORED, None)
        await self.stream_events(tracker)
        key = pseudonym(tracker.sender_id)
        with self.session_scope() as session:
            new = (itertools.islice(tracker.events, stored, None) if stored is not None
                   else self._additional_events(session, tracker))
            rows = [_row(key, event) for event in new]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        setattr(tracker, _STORED, len(tracker.events))

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of `sender_id`; the number deleted."""
        with self.session_scope() as session:
            deleted = (session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == pseudonym(sender_id))
                       .delete(synchronize_session=False))
            session.commit()
        return deleted
