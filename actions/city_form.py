"""The city form's question: which city, with the directory's cities as buttons.

The form needs no validation action: Rasa fills `city` from the last city
entity of the message, and an answer about a city the directory lacks says so.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.base import DirectoryAction
from bot import queries
from bot.replies import Reply
from bot.texts import Texts

MAX_CITY_BUTTONS = 8


class ActionAskCity(DirectoryAction):
    """Asks which city, with the directory's cities as buttons (at most eight)."""

    def name(self) -> Text:
        return "action_ask_city"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        return ask_city(session, texts), []


def ask_city(session: Session, texts: Texts) -> Reply:
    """"Which city?", with the directory's cities as buttons (at most eight)."""
    reply = Reply()
    cities = queries.cities_with(session)[:MAX_CITY_BUTTONS]
    reply.say(texts("text_ask_city"),
              [{"title": city, "payload": f'/inform_city{{"city": "{city}"}}'} for city in cities])
    return reply
