"""Deleting a user's data after they confirmed it."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

from bot.texts import Texts


class ActionDeleteData(Action):
    """Says the data is deleted and clears the slots; the tracker store then erases the conversation.

    The erasing is done by `bot.tracker_store.PrivateSQLTrackerStore` when it
    saves this turn (endpoints.yml), because only the Rasa server holds it.
    """

    def name(self) -> Text:
        return "action_delete_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=Texts(tracker.get_slot("language"))("text_data_deleted"))
        return [AllSlotsReset()]
