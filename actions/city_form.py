"""The city form's question: which city, with the directory's cities as buttons.

The form needs no validation action: Rasa fills `city` from the last city
entity of the message, and an answer about a city the directory lacks says so.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.base import DirectoryAction
from bot.directory import queries
from bot.replies.cards import Reply
from bot.texts import Texts

MAX_CITY_BUTTONS = 8


class ActionAskCity(DirectoryAction):
    """Asks which city, with the directory's cities as buttons (at most eight)."""

    def name(self) -> Text:
        return "action_ask_city"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        return ask_city(session, texts, city_guess(tracker)), []


def city_guess(tracker: Tracker) -> Optional[str]:
    """The city the latest message seems to name by likeness alone ("barranqila"), when it names none surely."""
    entities = (tracker.latest_message or {}).get("entities") or []
    if any(entity.get("entity") == "city" for entity in entities):
        return None
    return next((str(entity.get("value")) for entity in entities if entity.get("entity") == "city_guess"), None)


def ask_city(session: Session, texts: Texts, guess: Optional[str] = None) -> Reply:
    """"Which city?", with the directory's cities as buttons (at most eight); "Do you mean <guess>?" first,
    with its button first, when the message seemed to name one."""
    reply = Reply()
    cities = queries.cities_with(session)
    if guess:
        cities = [guess, *(city for city in cities if city != guess)]
    reply.say(texts("text_ask_city_guess", city=guess) if guess else texts("text_ask_city"),
              [{"title": city, "payload": f'/inform_city{{"city": "{city}"}}'} for city in cities[:MAX_CITY_BUTTONS]])
    return reply
