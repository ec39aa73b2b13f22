"""Staff abilities on Telegram: the demand report, and publishing, cancelling and changing directory records.

A staff member is a Telegram user recorded with `python -m bot staff add`; a message
is theirs only when the Telegram channel vouched for it (`bot.privacy.vouch`: a proof
for that one message, which is never stored). Anyone else, every WhatsApp and REST
sender, and any replayed proof, is refused politely and changes nothing.
"""

from __future__ import annotations

import base64
import re
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.base import DirectoryAction
from bot.directory import db, queries
from bot.directory.categories import CATEGORIES
from bot.directory.models import Centre, Event, Staff
from bot.normalise import fold
from bot.privacy import vouched_user
from bot.replies.cards import Reply, event_card, hours_text, localised
from bot.staff import changes, members, report
from bot.texts import Texts

FORM_SLOTS = {"publish_event": ["event_title", "event_place", "event_when", "event_category", "event_description"],
              "cancel_event": ["event_ref"], "update_centre": ["centre_ref", "centre_field", "centre_value"]}
_MONTH = re.compile(r"\b30\b|\bmes\b|\bmonth\b|\bmensual\b|\bmonthly\b")
_HOURS_WORDS = re.compile(r"\b(?:horario\w*|hora\w*|hours?|schedule|abre|open\w*)\b")
_PHONE_WORDS = re.compile(r"\b(?:telefono\w*|phone|numero|number|tel|celular|whatsapp)\b")


def staff_member(session: Session, tracker: Tracker) -> Optional[Staff]:
    """The staff member who wrote the latest message, if the Telegram channel vouched for it as theirs."""
    message = tracker.latest_message or {}
    return members.find(session, vouched_user(tracker.sender_id, _message_id(tracker), message.get("metadata")))


def _message_id(tracker: Tracker) -> Optional[str]:
    """The id the channel gave the latest user message (Telegram's update_id), None when there is none."""
    message_id = (tracker.latest_message or {}).get("message_id")
    if message_id:
        return str(message_id)
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return str(event.get("message_id") or "") or None
    return None


def _refusal(texts: Texts) -> Reply:
    reply = Reply()
    reply.say(texts("text_staff_only"))
    return reply


def _reset() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slots in FORM_SLOTS.values() for slot in slots] + [SlotSet("is_staff", None)]


class ActionReport(DirectoryAction):
    """The demand report for 7 days (or 30 when asked), as text and a chart; refused to anyone but staff."""

    def name(self) -> Text:
        return "action_report"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        if staff_member(session, tracker) is None:
            return _refusal(texts), []
        days = 30 if _MONTH.search(fold(tracker.latest_message.get("text") or "")) else 7
        data = report.demand(session, days)
        reply = Reply()
        reply.say(report.summary(data, texts))
        chart = base64.b64encode(report.chart(data, texts)).decode("ascii")
        reply.messages.append({"json_message": {"photo_bytes_b64": chart, "caption": texts("text_report_sent")}})
        return reply, []


class ActionCheckStaff(DirectoryAction):
    """Sets `is_staff` and the task asked for; to anyone else, says politely that only staff can do this."""

    def name(self) -> Text:
        return "action_check_staff"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        if staff_member(session, tracker) is None:
            return _refusal(texts), [SlotSet("is_staff", False)]
        task = (tracker.latest_message.get("intent") or {}).get("name")
        return Reply(), [SlotSet("is_staff", True), SlotSet("staff_task", task if task in FORM_SLOTS else None)]


class _AskSlot(DirectoryAction, ABC):
    """Asks for one slot of a staff form with its text from domain.yml."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot asked for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        reply = Reply()
        reply.say(texts(f"text_ask_{self.slot}"))
        return reply, []


for _slot in (slot for slots in FORM_SLOTS.values() for slot in slots):
    globals()[f"AskSlot_{_slot}"] = type(f"AskSlot_{_slot}", (_AskSlot,), {"slot": _slot, "__module__": __name__})


def _read_field(text: str) -> Optional[str]:
    folded = fold(text)
    if _HOURS_WORDS.search(folded):
        return "hours"
    if _PHONE_WORDS.search(folded):
        return "phone"
    return None


def _invalid(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, slot: str,
             **values: Any) -> Dict[Text, Any]:
    """Say what is wrong with an answer, in the user's language, and leave the slot to be asked again."""
    dispatcher.utter_message(text=Texts(tracker.get_slot("language"))(text, **values))
    return {slot: None}


def _not_theirs(session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, city: str,
                slot: str) -> Optional[Dict[Text, Any]]:
    """None when the staff member writing may change `city` (`bot.staff.members.serves`); else (and for anyone else)
    say which cities they may change, and ask `slot` again."""
    member = staff_member(session, tracker)
    if member is not None and members.serves(member, city):
        return None
    return _invalid(dispatcher, tracker, "text_not_your_city", slot, cities=", ".join(member.cities if member else []))


class ValidateEventForm(FormValidationAction):
    """Validates a new event: a place that exists, a future date, a known category."""

    def name(self) -> Text:
        return "validate_event_form"

    def validate_event_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        with db.session() as session:
            place = changes.read_place(session, str(value))
            if place is None:
                return _invalid(dispatcher, tracker, "text_invalid_place", "event_place")
            refused = _not_theirs(session, dispatcher, tracker, place.city, "event_place")
            if refused:
                return refused
        return {"event_place": str(value)}

    def validate_event_when(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        with db.session() as session:
            place = changes.read_place(session, tracker.get_slot("event_place") or "")
            now = queries.local_now(session, place.city if place else "")
        if changes.read_when(str(value), now) is None:
            return _invalid(dispatcher, tracker, "text_invalid_when", "event_when")
        return {"event_when": str(value)}

    def validate_event_category(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        category = changes.read_category(str(value))
        if category is None:
            return _invalid(dispatcher, tracker, "text_invalid_category", "event_category",
                                 categories=", ".join(CATEGORIES))
        return {"event_category": category}


class ValidateCancelForm(FormValidationAction):
    """Validates the event to cancel: an upcoming event with that title."""

    def name(self) -> Text:
        return "validate_cancel_form"

    def validate_event_ref(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        with db.session() as session:
            event = changes.find_event(session, str(value), queries.local_now(session, ""))
            if event is None:
                return _invalid(dispatcher, tracker, "text_invalid_event_ref", "event_ref")
            refused = _not_theirs(session, dispatcher, tracker, event.city, "event_ref")
            if refused:
                return refused
            return {"event_ref": event.id}


class ValidateCentreForm(FormValidationAction):
    """Validates a centre change: a centre that exists, hours or phone, and a readable new value."""

    def name(self) -> Text:
        return "validate_centre_form"

    def validate_centre_ref(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        with db.session() as session:
            centre = changes.find_centre(session, str(value))
            if centre is None:
                return _invalid(dispatcher, tracker, "text_invalid_centre_ref", "centre_ref")
            refused = _not_theirs(session, dispatcher, tracker, centre.city, "centre_ref")
            if refused:
                return refused
            return {"centre_ref": centre.id}

    def validate_centre_field(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        field = _read_field(str(value))
        if field is None:
            return _invalid(dispatcher, tracker, "text_invalid_centre_field", "centre_field")
        return {"centre_field": field}

    def validate_centre_value(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("centre_field") == "hours":
            if changes.read_hours(str(value)) is None:
                return _invalid(dispatcher, tracker, "text_invalid_hours", "centre_value")
        elif changes.read_phone(str(value)) is None:
            return _invalid(dispatcher, tracker, "text_invalid_phone", "centre_value")
        return {"centre_value": str(value)}


def _event_place_and_start(session: Session, tracker: Tracker) -> tuple[changes.Place, datetime]:
    """The validated place and local start of the event being published."""
    place = changes.read_place(session, tracker.get_slot("event_place"))
    return place, changes.read_when(tracker.get_slot("event_when"), queries.local_now(session, place.city))


class ActionConfirmChange(DirectoryAction):
    """Repeats the change back and asks to confirm it."""

    def name(self) -> Text:
        return "action_confirm_change"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        task, reply = tracker.get_slot("staff_task"), Reply()
        if task == "publish_event":
            place, starts = _event_place_and_start(session, tracker)
            lines = [f"*{tracker.get_slot('event_title')}*", f"🗓️ {starts:%Y-%m-%d %H:%M}",
                     f"📍 {place.describe(texts.language)}",
                     texts(f"text_category_{tracker.get_slot('event_category')}")]
            description = changes.read_description(tracker.get_slot("event_description") or "")
            if description:
                lines.append(description)
            name = "text_confirm_publish"
            reply.say(texts(name, card="\n".join(lines)), texts.buttons(name))
        elif task == "cancel_event":
            event = session.get(Event, tracker.get_slot("event_ref"))
            reply.say(texts("text_confirm_cancel", card=event_card(texts, event)), texts.buttons("text_confirm_cancel"))
        else:
            centre = session.get(Centre, tracker.get_slot("centre_ref"))
            field, value = tracker.get_slot("centre_field"), tracker.get_slot("centre_value")
            before, after = ((hours_text(texts, centre.hours), hours_text(texts, changes.read_hours(value)))
                             if field == "hours" else (centre.phone or "—", changes.read_phone(value)))
            reply.say(texts("text_confirm_update", field=texts(f"text_field_{field}"),
                            centre=localised(centre.name, texts.language), before=before, after=after),
                      texts.buttons("text_confirm_update"))
        return reply, []


class ActionApplyChange(DirectoryAction):
    """Makes the confirmed change in the directory, recorded with who made it."""

    def name(self) -> Text:
        return "action_apply_change"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        member = staff_member(session, tracker)
        if member is None:
            return _refusal(texts), _reset()
        if not members.serves(member, _city_changed(session, tracker)):  # checked when asked; again before changing
            reply = Reply()
            reply.say(texts("text_not_your_city", cities=", ".join(member.cities)))
            return reply, _reset()
        task, reply = tracker.get_slot("staff_task"), Reply()
        if task == "publish_event":
            place, starts = _event_place_and_start(session, tracker)
            changes.publish_event(session, member, tracker.get_slot("event_title"), place, starts,
                                        tracker.get_slot("event_category"),
                                        changes.read_description(tracker.get_slot("event_description") or ""))
            reply.say(texts("text_published", city=place.city))
        elif task == "cancel_event":
            changes.cancel_event(session, member, tracker.get_slot("event_ref"))
            reply.say(texts("text_event_cancelled"))
        else:
            field, value = tracker.get_slot("centre_field"), tracker.get_slot("centre_value")
            parsed = changes.read_hours(value) if field == "hours" else changes.read_phone(value)
            centre = changes.update_centre(session, member, tracker.get_slot("centre_ref"), field, parsed)
            reply.say(texts("text_centre_updated", centre=localised(centre.name, texts.language)))
        return reply, _reset()


def _city_changed(session: Session, tracker: Tracker) -> str:
    """The city of the directory that the confirmed change would change ("" when its record is gone)."""
    task = tracker.get_slot("staff_task")
    if task == "publish_event":
        place = changes.read_place(session, tracker.get_slot("event_place") or "")
        return place.city if place else ""
    record = session.get(Event, tracker.get_slot("event_ref") or "") if task == "cancel_event" \
        else session.get(Centre, tracker.get_slot("centre_ref") or "")
    return record.city if record is not None else ""


class ActionDiscardChange(DirectoryAction):
    """Drops the change being prepared; nothing in the directory changes."""

    def name(self) -> Text:
        return "action_discard_change"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        reply = Reply()
        reply.say(texts("text_change_discarded"))
        return reply, _reset()
