"""Staff abilities on Telegram: the demand report, and publishing, cancelling and changing directory records.

A staff member is a Telegram user recorded with `python -m bot staff add`; a message
is theirs only when the Telegram channel vouched for it (`bot.privacy.vouch`: a proof
for that one message, which is never stored). Anyone else, every WhatsApp and REST
sender, and any replayed proof, is refused politely and changes nothing.

These actions only read the forms' slots and say what `bot.staff` composes: each kind of
change (`bot.staff.events`, `bot.staff.centres`) reads itself, describes itself and applies itself.
"""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.base import DirectoryAction
from bot.directory import db, members, queries
from bot.directory.categories import CATEGORIES
from bot.directory.models import Staff
from bot.privacy import vouched_user
from bot.replies.cards import Reply
from bot.staff import events, lookup, report
from bot.staff.centres import CENTRE_CHANGES, read_field
from bot.staff.change import Change
from bot.texts import Texts

FORM_SLOTS = {"publish_event": ["event_title", "event_place", "event_when", "event_category", "event_description"],
              "cancel_event": ["event_ref"], "update_centre": ["centre_ref", "centre_field", "centre_value"]}


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


def _saying(text: str) -> Reply:
    """A reply of one message."""
    reply = Reply()
    reply.say(text)
    return reply


def _reset() -> List[Dict[Text, Any]]:
    return [SlotSet(slot, None) for slots in FORM_SLOTS.values() for slot in slots] + [SlotSet("is_staff", None)]


def _change(session: Session, tracker: Tracker) -> Optional[Change]:
    """The change the staff form prepared, read from its slots; None when it no longer reads (its record is gone,
    its date has passed)."""
    slot, task = tracker.get_slot, tracker.get_slot("staff_task")
    if task == "publish_event":
        return events.PublishEvent.read(session, slot("event_title") or "", slot("event_place") or "",
                                        slot("event_when") or "", slot("event_category") or "",
                                        slot("event_description") or "")
    if task == "cancel_event":
        return events.CancelEvent.read(session, slot("event_ref"))
    kind = CENTRE_CHANGES.get(slot("centre_field") or "")
    return kind.read(session, slot("centre_ref"), slot("centre_value")) if kind else None


class ActionReport(DirectoryAction):
    """The demand report for 7 days (or 30 when asked), as text and a chart; refused to anyone but staff."""

    def name(self) -> Text:
        return "action_report"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        if staff_member(session, tracker) is None:
            return _saying(texts("text_staff_only")), []
        data = report.demand(session, report.days_asked(tracker.latest_message.get("text") or ""))
        reply = _saying(report.summary(data, texts))
        chart = base64.b64encode(report.chart(data, texts)).decode("ascii")
        reply.messages.append({"json_message": {"photo_bytes_b64": chart, "caption": texts("text_report_sent")}})
        return reply, []


class ActionCheckStaff(DirectoryAction):
    """Sets `is_staff` and the task asked for; to anyone else, says politely that only staff can do this."""

    def name(self) -> Text:
        return "action_check_staff"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        if staff_member(session, tracker) is None:
            return _saying(texts("text_staff_only")), [SlotSet("is_staff", False)]
        task = (tracker.latest_message.get("intent") or {}).get("name")
        return Reply(), [SlotSet("is_staff", True), SlotSet("staff_task", task if task in FORM_SLOTS else None)]


class _AskSlot(DirectoryAction, ABC):
    """Asks for one slot of a staff form: action_ask_<slot> says text_ask_<slot> of domain.yml."""

    @abstractmethod
    def name(self) -> Text:
        """action_ask_<slot>."""

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        return _saying(texts(self.name().replace("action_ask_", "text_ask_", 1))), []


class ActionAskEventTitle(_AskSlot):
    """Asks for the title of the event to publish."""

    def name(self) -> Text:
        return "action_ask_event_title"


class ActionAskEventPlace(_AskSlot):
    """Asks where the event will be: a centre, or "City, address"."""

    def name(self) -> Text:
        return "action_ask_event_place"


class ActionAskEventWhen(_AskSlot):
    """Asks when the event starts."""

    def name(self) -> Text:
        return "action_ask_event_when"


class ActionAskEventCategory(_AskSlot):
    """Asks what the event is about (a category)."""

    def name(self) -> Text:
        return "action_ask_event_category"


class ActionAskEventDescription(_AskSlot):
    """Asks for a short description of the event (or "no")."""

    def name(self) -> Text:
        return "action_ask_event_description"


class ActionAskEventRef(_AskSlot):
    """Asks which event to cancel."""

    def name(self) -> Text:
        return "action_ask_event_ref"


class ActionAskCentreRef(_AskSlot):
    """Asks which centre to change."""

    def name(self) -> Text:
        return "action_ask_centre_ref"


class ActionAskCentreField(_AskSlot):
    """Asks what to change of the centre: its hours or its phone."""

    def name(self) -> Text:
        return "action_ask_centre_field"


class ActionAskCentreValue(_AskSlot):
    """Asks for the centre's new hours or phone."""

    def name(self) -> Text:
        return "action_ask_centre_value"


def _invalid(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, slot: str,
             **values: Any) -> Dict[Text, Any]:
    """Say what is wrong with an answer, in the user's language, and leave the slot to be asked again."""
    dispatcher.utter_message(text=Texts(tracker.get_slot("language"))(text, **values))
    return {slot: None}


def _not_theirs(session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, city: str,
                slot: str) -> Optional[Dict[Text, Any]]:
    """None when the staff member writing may change `city` (`bot.directory.members.serves`); else (and for anyone else)
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
            place = lookup.read_place(session, str(value))
            if place is None:
                return _invalid(dispatcher, tracker, "text_invalid_place", "event_place")
            refused = _not_theirs(session, dispatcher, tracker, place.city, "event_place")
            if refused:
                return refused
        return {"event_place": str(value)}

    def validate_event_when(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        with db.session() as session:
            place = lookup.read_place(session, tracker.get_slot("event_place") or "")
            starts = events.read_start(session, place, str(value))
        if starts is None:
            return _invalid(dispatcher, tracker, "text_invalid_when", "event_when")
        return {"event_when": str(value)}

    def validate_event_category(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        category = events.read_category(str(value))
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
            event = lookup.find_event(session, str(value), queries.local_now(session, ""))
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
            centre = lookup.find_centre(session, str(value))
            if centre is None:
                return _invalid(dispatcher, tracker, "text_invalid_centre_ref", "centre_ref")
            refused = _not_theirs(session, dispatcher, tracker, centre.city, "centre_ref")
            if refused:
                return refused
            return {"centre_ref": centre.id}

    def validate_centre_field(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        field = read_field(str(value))
        if field is None:
            return _invalid(dispatcher, tracker, "text_invalid_centre_field", "centre_field")
        return {"centre_field": field}

    def validate_centre_value(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        kind = CENTRE_CHANGES[tracker.get_slot("centre_field")]
        if kind.read_value(str(value)) is None:
            return _invalid(dispatcher, tracker, kind.invalid, "centre_value")
        return {"centre_value": str(value)}


class ActionConfirmChange(DirectoryAction):
    """Repeats the change back and asks to confirm it."""

    def name(self) -> Text:
        return "action_confirm_change"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        change = _change(session, tracker)
        if change is None:
            return _saying(texts("text_change_discarded")), _reset()
        reply = Reply()
        reply.say(change.describe(texts), buttons=texts.buttons(change.confirm), emphasis=change.emphasis(texts))
        return reply, []


class ActionApplyChange(DirectoryAction):
    """Makes the confirmed change in the directory, recorded with who made it."""

    def name(self) -> Text:
        return "action_apply_change"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        member = staff_member(session, tracker)
        if member is None:
            return _saying(texts("text_staff_only")), _reset()
        change = _change(session, tracker)
        if change is None:
            return _saying(texts("text_change_discarded")), _reset()
        if not members.serves(member, change.city):  # checked when asked; again before changing
            return _saying(texts("text_not_your_city", cities=", ".join(member.cities))), _reset()
        change.apply(session, member)
        return _saying(change.done(texts)), _reset()


class ActionDiscardChange(DirectoryAction):
    """Drops the change being prepared; nothing in the directory changes."""

    def name(self) -> Text:
        return "action_discard_change"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        return _saying(texts("text_change_discarded")), _reset()
