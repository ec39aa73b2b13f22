"""The real actions against a real directory, with Rasa SDK's own tracker and dispatcher."""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer, ActionEmergency, ActionHumanContact, ActionMoreResults, ActionNearestCentre
from bot.dates.window import Window, parse_window
from bot.directory import db, loader
from bot.directory.models import Centre
from bot.replies import cards, details
from bot.texts import Texts
from channels.markup import spans
from tests.conftest import HERE

SAMPLE = HERE.parent / "data" / "directory" / "sample.yml"

@lru_cache(maxsize=1)
def domain() -> dict:
    return yaml.safe_load((HERE.parent / "domain.yml").read_text("utf-8"))


def tracker(**slots) -> Tracker:
    slots = {"language": "es", "page": 0, **slots}
    return Tracker("test-user", slots, {"intent": {}, "entities": [], "text": ""}, [], False, None, {}, "action_listen")


def run(action, **slots) -> tuple[str, list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(**slots), domain()))
    text = "\n".join(message.get("text") or "" for message in dispatcher.messages)
    return text, dispatcher.messages, events


def test_centre_in_a_city_written_without_accents(loaded):
    text, _, _ = run(ActionAnswer(), city="cucuta", request="centre")
    assert "Centro de Integración Atalaya" in text
    assert "Avenida 7 # 15-32" in text and "+57 607 555 0101" in text
    assert "https://wa.me/573005550101" in text
    assert "Horario" in text


def test_a_card_is_plain_text_and_names_what_to_emphasise(loaded):
    _, messages, _ = run(ActionAnswer(), city="Cúcuta", request="centre")
    [card] = [message for message in messages if "Avenida 7" in message["text"]]
    assert card["text"].startswith("Centro de Integración Atalaya\n")
    assert card["emphasis"] == ["Centro de Integración Atalaya"]


@pytest.mark.parametrize("kind, category", [("centre", None), ("hours", None), ("contact", None),
                                                ("service", "all"), ("service", "legal"), ("events", None)])
def test_no_reply_writes_markup_and_each_emphasis_is_in_its_text(loaded, kind, category):
    for city in ("Cúcuta", "Quito", "Cali"):
        _, messages, _ = run(ActionAnswer(), city=city, request=kind, category=category, when="que eventos hay")
        assert not any("*" in message["text"] for message in messages), messages
        assert all(len(spans(m["text"], m["emphasis"])) == len(m["emphasis"]) for m in messages if "emphasis" in m)


def test_a_service_is_emphasised_where_it_heads_its_card_not_in_the_category_above(loaded):
    _, messages, _ = run(ActionAnswer(), city="Cúcuta", request="service", category="all", language="en")
    [card] = [message for message in messages if "Identity document" in message["text"]]
    assert card["text"].startswith("⚖️ Legal advice\nLegal advice\n") and card["emphasis"] == ["Legal advice"]
    start = card["text"].index("\nLegal advice\n") + 1
    assert spans(card["text"], card["emphasis"]) == [(start, start + len("Legal advice"))]


def test_a_follow_up_detail_is_under_its_emphasised_name(loaded):
    with db.session() as session:
        reply = details.detail_reply(session, Texts("es"), ["service:cuc-legal", "centre:uio-norte"], "cost")
    assert [message["emphasis"] for message in reply.messages] == [["Orientación jurídica"], ["Casa de Acogida Norte"]]
    assert reply.messages[0]["text"] == "Orientación jurídica\n💲 Costo: Gratuito"
    assert reply.subjects == ["service:cuc-legal", "centre:uio-norte"]


def test_hours_in_english_with_open_now(loaded):
    text, _, _ = run(ActionAnswer(), city="Cúcuta", request="hours", language="en")
    assert "Monday" in text and "Saturday" in text and "08:00-16:00" in text
    assert "Open now" in text or "Closed now" in text


def test_open_now_and_next_opening_in_the_city_timezone(loaded):
    t = Texts("es")
    with db.session() as session:
        centre = session.get(Centre, "cuc-atalaya")
        monday_10 = datetime(2030, 12, 2, 15, 0, tzinfo=ZoneInfo("UTC"))   # 10:00 in Bogotá
        wednesday = datetime(2030, 12, 4, 15, 0, tzinfo=ZoneInfo("UTC"))
        assert "Abierto ahora, hasta las 16:00" in cards.centre_card(t, centre, now=monday_10)
        assert "Abre el sábado a las 08:00" in cards.centre_card(t, centre, now=wednesday)


def test_services_by_category_with_requirements_and_cost(loaded):
    text, _, _ = run(ActionAnswer(), city="Cúcuta", request="service", category="legal", language="en")
    assert "Legal advice" in text and "Identity document" in text and "Free" in text
    assert "Ask for Marta" not in text  # staff notes are never shown to the public


def test_all_services_grouped_by_category(loaded):
    text, _, _ = run(ActionAnswer(), city="Cúcuta", request="service", category="all")
    assert "Asesoría legal" in text and "Alimentación" in text
    assert text.index("Asesoría legal") > text.index("Alimentación")  # grouped, categories in order


def test_nothing_found_names_what_was_asked_and_offers_what_exists(loaded):
    text, _, _ = run(ActionAnswer(), city="Quito", request="service", category="legal", language="en")
    assert "Quito" in text and "Legal advice" in text
    assert "Cúcuta" in text                 # where it does exist
    assert "Casa de Acogida Norte" in text  # the centre of the city asked
    text, _, _ = run(ActionAnswer(), city="Cali", request="centre")
    assert "Cali" in text and "15-32" not in text and "Cúcuta" in text


def test_events_upcoming_never_lists_past_ones(loaded):
    text, _, _ = run(ActionAnswer(), city="Cúcuta", request="events", when="que eventos hay")
    assert "Feria de empleo" in text and "Taller pasado" not in text
    assert "https://example.org/feria" in text


def test_event_windows(loaded):
    t = Texts("en")
    now = datetime(2030, 12, 1, 10, 0)
    with db.session() as session:
        on_friday = cards.events_reply(session, t, "Cúcuta", parse_window("events on friday", now),
                                         now=datetime(2030, 12, 1, 15, 0, tzinfo=ZoneInfo("UTC")))
        assert "Job fair" in on_friday.messages[1]["text"]
        tomorrow = cards.events_reply(session, t, "Cúcuta", Window("tomorrow"),
                                        now=datetime(2030, 12, 1, 15, 0, tzinfo=ZoneInfo("UTC")))
        shown = "\n".join(m["text"] for m in tomorrow.messages)
        assert "no upcoming events in Cúcuta (tomorrow)" in shown and "Later on" in shown


def test_nearest_centre_to_a_location_with_distance(loaded):
    text, _, events = run(ActionNearestCentre(), latitude=7.90, longitude=-72.50, language="en")
    assert "Centro de Integración Atalaya" in text and "km from you" in text
    assert {"event": "slot", "name": "city", "value": "Cúcuta"}.items() <= events[0].items()


def test_emergency_lines_of_the_country_or_all(loaded):
    text, _, _ = run(ActionEmergency(), city="Quito")
    assert "911" in text and "123" not in text
    text, _, _ = run(ActionEmergency(), language="en")
    assert "123" in text and "911" in text and "105" in text and "Emergency line" in text


def test_human_contact(loaded):
    text, _, _ = run(ActionHumanContact(), city="Quito", language="en")
    assert "+593 2 555 0202" in text and "talk to a person" in text


def test_at_most_five_results_a_message_and_more(database_url):
    services = [{"id": f"s{i}", "name": f"Comedor {i}", "category": "food", "city": "Pasto",
                 "address": f"Calle {i}"} for i in range(7)]
    assert loader.load(yaml.safe_dump({"services": services}), database_url).ok
    text, messages, events = run(ActionAnswer(), city="Pasto", request="service", category="food")
    assert sum("Comedor" in m["text"] for m in messages) == 5
    assert "Hay 2 más" in text and messages[-1]["buttons"][0]["payload"] == "/more_results"
    text, messages, events = run(ActionMoreResults(), city="Pasto", request="service", category="food", page=0)
    assert "Comedor 5" in text and "Comedor 6" in text and "Comedor 0" not in text
    assert events[0]["value"] == 1


def test_a_new_city_is_answered_at_once(database_url):
    text, _, _ = run(ActionAnswer(), city="Arequipa", request="centre")
    assert "No tengo" in text
    new = {"countries": [{"name": "Perú", "timezone": "America/Lima", "emergency": [{"name": "x", "phone": "105"}]}],
           "centres": [{"id": "aqp", "name": "Punto Arequipa", "city": "Arequipa", "country": "Peru",
                        "address": "Calle Mercaderes 200", "phone": "+51 54 555 0000"}]}
    assert loader.load(yaml.safe_dump(new), database_url).ok
    text, _, _ = run(ActionAnswer(), city="arequipa", request="centre")
    assert "Calle Mercaderes 200" in text


def test_a_database_failure_is_an_apology_not_silence(monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql+psycopg2://nobody@127.0.0.1:1/none")
    _, messages, _ = run(ActionAnswer(), city="Cúcuta", request="centre")
    assert [message["text"] for message in messages] == [Texts("es")("text_error")]


def test_a_question_reaching_the_answer_without_a_city_asks_for_it(loaded):
    """When the city form's question was lost (its action failed), the answer asks for the city; it never
    fails the turn."""
    for request in ("service", "centre", "hours", "contact", "events"):
        text, messages, _ = run(ActionAnswer(), request=request, category="food")
        assert "ciudad" in text and "Cúcuta" in str(messages), (request, text)


def test_a_follow_up_in_the_directory_words_stays_in_the_conversation_city(database_url):
    """"how many nights can we stay?" after Barranquilla's shelter: the whole directory's best match for those
    words is Tumbes' soup kitchen ("a place to spend the night"), which the search told as the city; the
    conversation's city has a shelter whose description says "15 nights", and that is the answer."""
    assert loader.load(SAMPLE.read_text("utf-8"), database_url).ok
    message = {"intent": {"name": "service_food"}, "text": "how many nights can we stay?",
               "entities": [{"entity": "city", "value": "Tumbes", "extractor": "DirectoryWords"}]}
    events = [{"event": "slot", "name": "city", "value": "Barranquilla"},
              {"event": "user", "text": message["text"], "parse_data": message},
              {"event": "slot", "name": "city", "value": "Tumbes"}]
    slots = {"language": "en", "page": 0, "city": "Tumbes", "request": "service", "category": "food",
             "subject": ["service:baq-housing"]}
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionAnswer().run(dispatcher, Tracker("test-user", slots, message, events, False, None, {},
                                                                "action_listen"), domain()))
    text = "\n".join(each.get("text") or "" for each in dispatcher.messages)
    assert "Temporary shelter" in text and "15 nights" in text and "Tumbes" not in text
    assert {"event": "slot", "name": "city", "value": "Barranquilla", "timestamp": None} in result
    # a city the message names itself is the conversation's new city, whatever was discussed before
    message["entities"][0]["extractor"] = "DirectoryEntityExtractor"
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswer().run(dispatcher, Tracker("test-user", slots, message, events, False, None, {},
                                                       "action_listen"), domain()))
    assert "Tumbes" in "\n".join(each.get("text") or "" for each in dispatcher.messages)
