"""The form that asks for the city: the question, with the cities as buttons, and validation."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.base import DirectoryAction
from bot import queries
from bot.replies import Reply
from bot.texts import Texts

MAX_CITY_BUTTONS = 8


class ValidateCityForm(FormValidationAction):
    """Accepts any city the message names; the answer says plainly when the directory has nothing there."""

    def name(self) -> Text:
        return "validate_city_form"

    def validate_city(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(slot_value, list):
            slot_value = slot_value[-1] if slot_value else None
        value = str(slot_value).strip() if slot_value else None
        return {"city": value or None}


class ActionAskCity(DirectoryAction):
    """Asks which city, with the directory's cities as buttons (at most eight)."""

    def name(self) -> Text:
        return "action_ask_city"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        reply = Reply()
        cities = queries.cities_with(session)[:MAX_CITY_BUTTONS]
        reply.say(texts("text_ask_city"),
                  [{"title": city, "payload": f'/inform_city{{"city": "{city}"}}'} for city in cities])
        return reply, []
