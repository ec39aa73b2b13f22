"""Answers about centres, services, events, emergencies and people to talk to."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy.orm import Session

from actions.base import DirectoryAction, before_latest_message, slot_before_latest_message
from actions.city_form import ask_city, city_guess
from actions.staff import staff_member
from bot.dates.window import parse_window
from bot.directory import queries, search
from bot.nlu import follow_ups
from bot.normalise import fold
from bot.replies import cards, details
from bot.replies.cards import Reply
from bot.settings import LANGUAGES
from bot.texts import Texts


def _answer_request(tracker: Tracker, session: Session, texts: Texts, page: int,
                    asked: Optional[tuple[str, Optional[str]]] = None, beside_danger: bool = False) -> Reply:
    """The reply to the conversation's current question about the `city` slot: the `request` and `category`
    slots, or `asked` (request, category) when the question was asked in this very message. Services and
    events that the message names by the directory's own words come first; beside danger, services only (a
    story of danger names many things: its question is a service that helps, not an event)."""
    city = tracker.get_slot("city")
    request, category = asked or (tracker.get_slot("request") or "centre", tracker.get_slot("category"))
    if not city:  # the city form's question was lost (its action failed): ask again, never fail
        return ask_city(session, texts)
    if request == "service" and category not in (None, "all"):
        category = _kind_there(tracker, session, city, category)
    if request == "hours":
        return cards.hours_reply(session, texts, city)
    if request == "contact":
        return cards.contact_reply(session, texts, city)
    if request in ("service", "events") and page == 0:
        kind = "event" if request == "events" else "service" if beside_danger else None
        hits = _named_in_message(tracker, session, city, category if request == "service" else None, kind)
        if hits:
            return cards.found_reply(texts, hits, staff=staff_member(session, tracker) is not None)
    if request == "service":
        return cards.services_reply(session, texts, city, category, page,
                                      staff=staff_member(session, tracker) is not None)
    if request == "events":
        window = parse_window(tracker.get_slot("when"), queries.local_now(session, city))
        return cards.events_reply(session, texts, city, window, page)
    return cards.centres_reply(session, texts, city, page)


# The slots a question sets (domain.yml's `request` and `category` mappings), for a question asked beside an
# emergency: the message's intent is then `emergency`, so Rasa's mappings do not set them.
QUESTION_SLOTS: Dict[str, tuple[str, Optional[str]]] = {
    "find_centre": ("centre", None), "centre_hours": ("hours", None), "centre_contact": ("contact", None),
    "city_services": ("service", "all"), "find_events": ("events", None),
    **{f"service_{category}": ("service", category) for category in (
        "legal", "documentation", "health", "education", "employment", "housing", "food", "psychosocial",
        "protection", "children")},
}


def _named_in_message(tracker: Tracker, session: Session, city: Optional[str], category: Optional[str] = None,
                      kind: Optional[str] = None) -> list:
    """The services and upcoming events of `city` (or anywhere) that the latest message names by the
    directory's own words ("¿dónde consulto el PPT?"), best first, of the `category` (or "all") and `kind`
    asked (only of that category when the message names it in so many words and the city has it); empty
    when it names none (`bot.directory.search`)."""
    message = tracker.latest_message or {}
    entities = message.get("entities") or []
    places = [str(entity.get("value")) for entity in entities if entity.get("entity") == "city"]
    named = any(entity.get("entity") == "category" and entity.get("value") == category for entity in entities)
    return search.find(session, message.get("text") or "", fold(city) if city else None,
                       [place for place in (city, *places) if place],
                       category=None if category in (None, "all") else category, kind=kind, category_named=named)


def _named_outright(tracker: Tracker, hits: list, shown: List[str]) -> list:
    """`hits`, or, when things were just shown (`shown`), only those of them whose names the latest message says:
    a follow-up about what was shown ("¿hay que llevar cédula?" after the soup kitchen) is about that, though
    another service's requirements say "cédula"."""
    return search.named_outright(hits, tracker.latest_message.get("text") or "") if shown else hits


def language_known(tracker: Tracker) -> bool:
    """Whether the writer's language was ever told: by this message or an earlier one (a `language` entity)."""
    messages = [tracker.latest_message, *(event.get("parse_data") or {} for event in tracker.events
                                          if event.get("event") == "user")]
    return any(entity.get("entity") == "language" for message in messages for entity in message.get("entities") or [])


def _latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _detail_follow_up(tracker: Tracker, session: Session, texts: Texts) -> Optional[Reply]:
    """Hours or contact of the services or events of the city that the message names by the directory's own
    words ("¿a qué hora abre el comedor?") or by their kind ("the food place"); or, naming no city, of those
    just shown; a day asked about right after events were shown, that day's events. Whether papers are
    needed, asked right after services were shown, is what those ask people to bring."""
    shown = [each for each in tracker.get_slot("subject") or [] if not str(each).startswith("centre:")]
    if shown and _latest_intent(tracker) == "service_documentation" \
            and follow_ups.papers_asked(tracker.latest_message.get("text") or ""):
        # "does our youngest need a document?" after the health post: what it asks people to bring
        return details.detail_reply(session, texts, shown, "requirements")
    detail = {"centre_hours": "hours", "centre_contact": "contact"}.get(_latest_intent(tracker) or "")
    if not detail:
        return None
    city = tracker.get_slot("city")
    named = _named_outright(tracker, _named_in_message(tracker, session, city) if city else [], shown)
    if named:
        return details.detail_reply(session, texts, [cards.subject_of(hit.record) for hit in named], detail)
    kinds = _kinds_named(tracker)
    services = queries.services_in(session, city, kinds[-1:]) if city and kinds else []
    if services:  # "what time does the food place open?": that kind of service's hours, not the centre's
        return details.detail_reply(session, texts, [cards.subject_of(service) for service in services], detail)
    named_city = any(entity.get("entity") == "city" for entity in tracker.latest_message.get("entities") or [])
    if not shown or named_city:
        return None
    if detail == "hours" and city and all(str(each).startswith("event:") for each in shown):
        window = parse_window(tracker.latest_message.get("text"), queries.local_now(session, city))
        if window.kind != "upcoming":  # events were shown: "¿y el sábado?" asks for that day's events
            return cards.events_reply(session, texts, city, window, 0)
    return details.detail_reply(session, texts, shown, detail)


class ActionAnswer(DirectoryAction):
    """Answers the question asked (centre, hours, contact, services, events) for the city given; hours or
    contact asked right after services were shown are those services'. Remembers what it showed. A city
    the message seems to name by likeness alone is asked back first ("¿Te refieres a Barranquilla?")."""

    def name(self) -> Text:
        return "action_answer"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        guess = city_guess(tracker)
        if guess:  # "y en barranqila?": asked back, never answered for a city the user may not mean
            return ask_city(session, texts, guess), []
        kept = _kept_city(tracker, session, texts)
        if kept:
            reply, city = kept
            return reply, [SlotSet("city", city), SlotSet("page", 0), SlotSet("subject", reply.subjects)]
        reply = _detail_follow_up(tracker, session, texts) or _answer_request(tracker, session, texts, 0)
        return reply, [SlotSet("page", 0), SlotSet("subject", reply.subjects)]

    def topic(self, tracker: Tracker) -> Optional[str]:
        request = tracker.get_slot("request") or "centre"
        return tracker.get_slot("category") or "all" if request == "service" else request


def _kept_city(tracker: Tracker, session: Session, texts: Texts) -> Optional[tuple[Reply, str]]:
    """When the latest message names no city and the search told one (`DirectoryWords`: all it found lies
    there), but the conversation was about another city that has what the words name ("how many nights can
    we stay?" after Barranquilla's shelter, whose description says "15 nights"): that city's answer, and the
    city; else None."""
    entities = tracker.latest_message.get("entities") or []
    cities = [entity for entity in entities if entity.get("entity") == "city"]
    before = slot_before_latest_message(tracker, "city")
    if not cities or any(entity.get("extractor") != "DirectoryWords" for entity in cities) or not before \
            or fold(before) == fold(str(tracker.get_slot("city") or "")):
        return None
    hits = search.find(session, tracker.latest_message.get("text") or "", fold(before), [before])
    if not hits:
        return None
    return cards.found_reply(texts, hits, staff=staff_member(session, tracker) is not None), before


# What a follow-up asks about the things just shown (`bot.replies.details`).
DETAIL_INTENTS = {"ask_cost": "cost", "ask_requirements": "requirements"}


class ActionAnswerDetail(DirectoryAction):
    """What the services the message names (by the directory's own words), or else the things just shown,
    cost or ask people to bring; when there are none, the services of the kind the message names in its
    city, else which service?"""

    def name(self) -> Text:
        return "action_answer_detail"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        detail = DETAIL_INTENTS.get(_latest_intent(tracker) or "", "requirements")
        shown = tracker.get_slot("subject") or []
        hits = _named_outright(tracker, _named_in_message(tracker, session, tracker.get_slot("city")), shown)
        reply = details.detail_reply(session, texts, [cards.subject_of(hit.record) for hit in hits] or shown, detail)
        kinds = _kinds_named(tracker)
        if reply is None and kinds and tracker.get_slot("city"):
            # "dnd me ayudan con los papeles en rioacha? q hay q llevar": that kind's services, which say it
            reply = _answer_request(tracker, session, texts, 0, ("service", kinds[-1]))
            return reply, [SlotSet("request", "service"), SlotSet("category", kinds[-1]), SlotSet("page", 0),
                           SlotSet("subject", reply.subjects)]
        if reply is None:
            reply = Reply(found=False)
            reply.say(texts("text_detail_which"), texts.buttons("utter_help"))
        return reply, []

    def topic(self, tracker: Tracker) -> Optional[str]:
        return DETAIL_INTENTS.get(_latest_intent(tracker) or "", "requirements")


class ActionMoreResults(DirectoryAction):
    """Shows the next page of the last list of results."""

    def name(self) -> Text:
        return "action_more_results"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        if not tracker.get_slot("city") or not tracker.get_slot("request"):
            reply = Reply()
            reply.say(texts("text_no_more"))
            return reply, []
        page = int(tracker.get_slot("page") or 0) + 1
        reply = _answer_request(tracker, session, texts, page)
        if len(reply.messages) <= 1 and not reply.remaining:
            reply = Reply()
            reply.say(texts("text_no_more"))
            return reply, []
        return reply, [SlotSet("page", page), SlotSet("subject", reply.subjects)]


class ActionNearestCentre(DirectoryAction):
    """The centre nearest to a shared location, with its distance; remembers its city."""

    def name(self) -> Text:
        return "action_nearest_centre"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        latitude, longitude = tracker.get_slot("latitude"), tracker.get_slot("longitude")
        if latitude is None or longitude is None:
            reply = Reply()
            reply.say(texts("text_ask_city"))
            return reply, []
        reply, city = cards.nearest_reply(session, texts, float(latitude), float(longitude))
        return reply, [SlotSet("city", city), SlotSet("request", "centre")] if city else []

    def topic(self, tracker: Tracker) -> Optional[str]:
        return "location"


class ActionFallback(DirectoryAction):
    """A message not understood: the help menu (four choices about the city, once it is known), and the
    question kept (digits masked) for the staff report."""

    def name(self) -> Text:
        return "action_fallback"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        reply = Reply(found=False)
        city = tracker.get_slot("city")
        if _fallback_before(tracker):  # not understood twice in a row: a person may understand
            reply.say(texts("text_fallback_twice"), texts.buttons("text_fallback_twice"))
            return reply, []
        if city:  # keep what was understood: the city, and four choices about it
            reply.say(texts("text_fallback_in_city", city=city), texts.buttons("text_fallback_in_city"))
            return reply, []
        response = "text_out_of_scope" if _latest_intent(tracker) == "out_of_scope" else "text_fallback"
        reply.say(texts(response), texts.buttons(response))
        return reply, []

    def topic(self, tracker: Tracker) -> Optional[str]:
        return "unanswered"


def _fallback_before(tracker: Tracker) -> bool:
    """Whether the assistant's answer to the message before this one was also "not understood"."""
    for event in before_latest_message(tracker):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in ("action_listen", None):
            return event.get("name") == "action_fallback"
    return False


class ActionEmergency(DirectoryAction):
    """Emergency lines of the user's country, or of every country; then the question asked with them, if any,
    or, when the danger is only possible and the city is known, the city's integration centre.

    In the writer's language, or in both when it cannot be told. Self-harm
    gets the crisis lines first; words of danger alone end with "are you safe?".
    """

    def name(self) -> Text:
        return "action_emergency"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        safety = tracker.latest_message.get("safety") or {}
        languages = [texts] if language_known(tracker) else [Texts(each, texts.channel) for each in LANGUAGES]
        city = tracker.get_slot("city")
        reply = cards.emergency_reply(session, languages, city, self_harm=safety.get("category") == "self_harm",
                                        unsure=safety.get("level") == "risk")
        question = _first_available(session, city, safety.get("questions") or [safety.get("question")])
        if question in (None, "help") and safety.get("level") == "risk" and city:
            question = "find_centre"  # "estoy en Barranquilla y necesito ayuda": the lines, then who can help there
        if not question:
            return reply, []
        if question == "human_handoff":
            reply.messages += cards.human_reply(session, texts, city).messages
            return reply, []
        if question == "help":
            reply.say(texts("utter_help"), texts.buttons("utter_help"))
            return reply, []
        request, category = QUESTION_SLOTS[question]
        events = [SlotSet("request", request), SlotSet("category", category), SlotSet("page", 0)]
        if not city:
            reply.messages += ask_city(session, texts).messages
            return reply, events
        answer = _answer_request(tracker, session, texts, 0, (request, category), beside_danger=True)
        reply.messages += answer.messages
        return reply, [*events, SlotSet("subject", answer.subjects)]  # "¿y qué llevo?" asks of what it showed

    def topic(self, tracker: Tracker) -> Optional[str]:
        return "emergency"


def _kind_there(tracker: Tracker, session: Session, city: str, category: str) -> str:
    """`category` when `city` has it; else the last other kind of service the latest message names that the
    city has ("y pa la salud de los niños?" where there is no children's service: health); else `category`."""
    if search.has_category(session, fold(city), category):
        return category
    named = [kind for kind in _kinds_named(tracker) if kind != category]
    return next((kind for kind in reversed(named) if search.has_category(session, fold(city), kind)), category)


def _kinds_named(tracker: Tracker) -> List[str]:
    """The kinds of service the latest message names in so many words (its `category` entities), in order."""
    return [str(entity.get("value")) for entity in (tracker.latest_message or {}).get("entities") or []
            if entity.get("entity") == "category"]


def _first_available(session: Session, city: Optional[str], questions: List[Optional[str]]) -> Optional[str]:
    """The first of `questions` (intent names, most likely first) that `city` can answer: a kind of service
    it has, or any other question; the first when it has none of them (or the city is not known)."""
    for question in questions:
        category = QUESTION_SLOTS.get(question or "", ("", None))[1]
        if not city or category in (None, "all") or search.has_category(session, fold(city), category):
            return question
    return questions[0] if questions else None


class ActionHumanContact(DirectoryAction):
    """How to reach a person: the centres of the user's city, or of every city."""

    def name(self) -> Text:
        return "action_human_contact"

    def answer(self, tracker: Tracker, session: Session, texts: Texts) -> tuple[Reply, List[Dict[Text, Any]]]:
        return cards.human_reply(session, texts, tracker.get_slot("city")), []

    def topic(self, tracker: Tracker) -> Optional[str]:
        return "human"
