"""Validation of the form that asks for the city."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


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
