"""The project's tracker store writes each event of a conversation exactly once, in order."""

from __future__ import annotations

import asyncio
import sqlite3

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import pseudonym
from bot.tracker_store import PrivateSQLTrackerStore
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


def test_each_event_is_stored_once_whether_the_tracker_was_read_or_built(tmp_path):
    path = tmp_path / "tracker.db"
    store = PrivateSQLTrackerStore(Domain.load(str(HERE.parent / "domain.yml")), db=str(path))

    async def conversation() -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker(SENDER)      # new: stored with its first turn
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
    assert len(rows) == 1 + 3 * 5 == len(final.events)
    assert [event.type_name for event in final.events] == [kind for kind, _ in rows]
