"""The project's tracker store writes each event of a conversation exactly once, in order."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import pseudonym
from bot.rasa_server.tracker_store import PrivateSQLTrackerStore
from tests.conftest import HERE

SENDER = "whatsapp:+573001234567"


def stored(path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return list(connection.execute("SELECT type_name, COALESCE(action_name, intent_name, '') FROM events "
                                       "WHERE sender_id = ? ORDER BY id", (pseudonym(SENDER),)))


def turn(tracker: DialogueStateTracker, text: str, intent: str) -> None:
    tracker.update(UserUttered(text, {"name": intent, "confidence": 1.0}))
    tracker.update(ActionExecuted("action_answer"))
    tracker.update(BotUttered(f"reply to {text}"))
    tracker.update(SlotSet("city", "Quito"))
    tracker.update(ActionExecuted("action_listen"))


@pytest.mark.parametrize("listening", [True, False])  # Rasa's processor creates trackers without action_listen
def test_each_event_is_stored_once_whether_the_tracker_was_read_or_built(tmp_path, listening):
    path = tmp_path / "tracker.db"
    store = PrivateSQLTrackerStore(Domain.load(str(HERE.parent / "domain.yml")), db=str(path))

    async def conversation() -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker(SENDER, append_action_listen=listening)  # new: stored
        # with its first turn
        assert stored(path) == []
        turn(tracker, "hola", "greet")
        await store.save(tracker)
        await store.save(tracker)                                # saving again adds nothing
        again = await store.retrieve(SENDER)                     # read back: knows what is stored
        turn(again, "centro en quito", "ask_centre")
        await store.save(again)
        built = DialogueStateTracker.from_dict(SENDER, [event.as_dict() for event in again.events],
                                               store.domain.slots)  # not read by the store: counted
        turn(built, "gracias", "thanks")
        await store.save(built)
        return await store.retrieve(SENDER)

    final = asyncio.run(conversation())
    rows = stored(path)
    assert [name for kind, name in rows if kind == "user"] == ["greet", "ask_centre", "thanks"]
    assert len(rows) == listening + 3 * 5 == len(final.events)
    assert [event.type_name for event in final.events] == [kind for kind, _ in rows]


def test_a_tracker_is_read_back_from_its_latest_session_as_rasa_reads_it(tmp_path):
    """The latest session's events only (all of them when no session started), as Rasa's own query finds them."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import SessionStarted

    store = PrivateSQLTrackerStore(Domain.load(str(HERE.parent / "domain.yml")), db=str(tmp_path / "tracker.db"))
    others = "telegram:42"

    async def conversation() -> tuple:
        without_session = DialogueStateTracker(others, store.domain.slots)
        turn(without_session, "hola", "greet")
        await store.save(without_session)
        tracker = DialogueStateTracker(SENDER, store.domain.slots)
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted(timestamp=1000.0))
        turn(tracker, "hola", "greet")
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted(timestamp=time.time()))
        turn(tracker, "centro en quito", "ask_centre")
        await store.save(tracker)
        found = [await store.retrieve(sender) for sender in (SENDER, others, "nobody")]
        rasa = [await SQLTrackerStore._retrieve(store, sender, False) for sender in (SENDER, others, "nobody")]
        return found, rasa, await store.retrieve_full_tracker(SENDER)

    found, rasa, full = asyncio.run(conversation())
    latest, other, nobody = found
    assert [event.intent_name for event in latest.events if isinstance(event, UserUttered)] == ["ask_centre"]
    assert [event.intent_name for event in other.events if isinstance(event, UserUttered)] == ["greet"]
    assert nobody is None and rasa[2] is None
    assert [found.events for found in found[:2]] == [rasa.events for rasa in rasa[:2]]
    assert [event.intent_name for event in full.events if isinstance(event, UserUttered)] == ["greet", "ask_centre"]
