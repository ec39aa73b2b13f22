"""Follow-ups about what was just shown: what it costs, what to bring, its hours, how to reach it.

An answer remembers what it showed (`Reply.subjects`: "service:<id>", "centre:<id>",
"event:<id>"), and the conversation keeps that in the `subject` slot; "¿es gratis?",
"¿qué llevo?", "what time?", "phone?" are then answered for those very things, from the
directory, instead of starting over.
"""

from __future__ import annotations

from typing import Optional, Sequence, Union

from sqlalchemy.orm import Session

from bot.directory.models import Centre, Event, Service
from bot.replies.cards import (
    Reply,
    Thing,
    contact_lines,
    event_card,
    hours_text,
    localised,
    name_of,
    service_address,
    service_phone,
    whatsapp_line,
)
from bot.settings import PAGE_SIZE
from bot.texts import Texts

DETAILS = ("cost", "requirements", "hours", "contact")
_MODELS = {"service": Service, "centre": Centre, "event": Event}


def things(session: Session, subjects: Sequence[str]) -> list[Thing]:
    """The things named by `subjects` that are still in the directory, in order."""
    found = []
    for each in subjects or []:
        kind, _, key = str(each).partition(":")
        model = _MODELS.get(kind)
        thing = session.get(model, key) if model else None
        if thing is not None:
            found.append(thing)
    return found


def detail_reply(session: Session, texts: Texts, subjects: Sequence[str], detail: str) -> Optional[Reply]:
    """The `detail` (one of DETAILS) of each thing of `subjects`, under its name; None when none is left."""
    shown = things(session, subjects)[:PAGE_SIZE]
    if not shown:
        return None
    reply = Reply()
    for thing in shown:
        reply.show(texts, thing, "\n".join(_lines(texts, thing, detail)))
    return reply


def _lines(texts: Texts, thing: Thing, detail: str) -> list[str]:
    """The name of `thing` and the lines that tell its `detail`."""
    if isinstance(thing, Event):
        if detail == "contact" and thing.centre:  # "whatsapp?" after an event: how to reach its centre
            return [name_of(texts, thing), *contact_lines(texts, thing.centre)]
        return [event_card(texts, thing)]
    language = texts.language
    name = [name_of(texts, thing)]
    if detail in ("cost", "requirements"):
        told = localised(getattr(thing, detail, None), language)
        if told:
            return name + [texts(f"text_label_{detail}", **{detail: told})]
        return name + [texts(f"text_{detail}_unknown")] + _reach(texts, thing)
    if detail == "hours":
        centre = thing.centre if isinstance(thing, Service) else thing
        hours = thing.hours or (centre.hours if centre else None)
        return name + [texts("text_label_hours", hours=hours_text(texts, hours))]
    return name + _reach(texts, thing)


def _reach(texts: Texts, thing: Union[Service, Centre]) -> list[str]:
    """Where a centre or service is and how to reach it (a service's own address and phone first, else its
    centre's)."""
    if isinstance(thing, Centre):
        return contact_lines(texts, thing)
    centre = thing.centre
    lines = ["📍 " + ", ".join(part for part in (service_address(thing, texts.language), thing.city) if part)]
    phone = service_phone(thing)
    if phone:
        lines.append(texts("text_label_phone", phone=phone))
    if centre and centre.whatsapp:
        lines.append(whatsapp_line(texts, centre.whatsapp))
    return lines
