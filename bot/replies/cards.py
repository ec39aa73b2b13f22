"""Answers composed from the directory, in the user's language, sized for a phone.

Every function takes a database session and `Texts` (domain.yml's responses
in one language) and returns the messages to send: dicts with plain `text` and
optionally `buttons` and `emphasis` (the name heading a card, which each channel
shows its own way: `channels.markup`). Facts come from the directory; words from
domain.yml.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Optional, Sequence, Union

from babel.dates import format_date
from sqlalchemy.orm import Session

from bot.dates.window import Window
from bot.directory import hours as opening
from bot.directory import queries
from bot.directory.categories import CATEGORIES
from bot.directory.models import Centre, Event, Service
from bot.nlu import places
from bot.normalise import fold
from bot.settings import PAGE_SIZE
from bot.texts import Texts

Thing = Union[Centre, Service, Event]


@dataclass
class Reply:
    """Messages to send, and how many more results a "more" would show."""

    messages: list[dict] = field(default_factory=list)
    remaining: int = 0
    found: bool = True  # False when the directory had nothing for the question
    subjects: list[str] = field(default_factory=list)  # what it showed ("service:<id>"): see bot.replies.details

    def say(self, text: str, buttons: Sequence[dict] = (), emphasis: Sequence[str] = ()) -> None:
        """Add a message: plain `text`, its `buttons`, and the parts of it to `emphasis` (each channel shows
        them its own way: WhatsApp in *bold*, Telegram as bold entities, the shell and REST plain)."""
        self.messages.append({"text": text, **({"buttons": list(buttons)} if buttons else {}),
                              **({"emphasis": list(emphasis)} if emphasis else {})})

    def show(self, texts: Texts, thing: Thing, card: str) -> None:
        """Add the `card` of a centre, service or event, its name emphasised, and remember that it was shown."""
        self.say(card, emphasis=[name_of(texts, thing)])
        self.subjects.append(subject_of(thing))


def subject_of(thing: Any) -> str:
    """How an answer names a centre, service or event it showed (`Reply.subjects`): "service:cuc-legal"."""
    return f"{type(thing).__name__.lower()}:{thing.id}"


def name_of(texts: Texts, thing: Thing) -> str:
    """What a centre or service is called (an event, its title) in the user's language: the line heading its card."""
    return localised(thing.title if isinstance(thing, Event) else thing.name, texts.language)


def localised(value: Any, language: str) -> str:
    """A directory text in `language`: the mapping's entry, the other language's, or the plain string."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("es") or value.get("en") or next(iter(value.values()), ""))
    return str(value)


def whatsapp_link(number: str) -> str:
    """A wa.me link for a phone number."""
    return "https://wa.me/" + "".join(char for char in number if char.isdigit())


def whatsapp_line(texts: Texts, number: str) -> str:
    """The WhatsApp line of a card: the number as written, to read or save, and its wa.me link, to tap."""
    return texts("text_label_whatsapp", number=number, link=whatsapp_link(number))


def hours_text(texts: Texts, hours: Optional[dict]) -> str:
    """Opening hours written out: "lunes a viernes 08:00-17:00; sábado 09:00-12:00"."""
    groups = opening.grouped(hours)
    if not groups:
        return texts("text_hours_unknown")
    parts = []
    for days, ranges in groups:
        names = [_day_name(texts.language, day) for day in days]
        label = names[0] if len(names) == 1 else (
            ", ".join(names) if len(names) == 2 else texts("text_days_range", first=names[0], last=names[-1]))
        parts.append(f"{label} {ranges}")
    return "; ".join(parts)


@functools.lru_cache(maxsize=None)
def _day_name(language: str, day: str) -> str:
    monday = datetime(2024, 1, 1)  # a Monday
    return format_date(monday + timedelta(days=opening.DAYS.index(day)), "EEEE", locale=language)


def open_status(texts: Texts, hours: Optional[dict], now: datetime) -> Optional[str]:
    """"Open now, until 17:00." or "Closed now. Opens tomorrow at 08:00." (None without hours)."""
    if not opening.grouped(hours):
        return None
    if opening.is_open(hours, now):
        return texts("text_open_now", time=f"{opening.closes_at(hours, now):%H:%M}")
    moment = opening.next_opening(hours, now)
    if moment is None:
        return None
    clock = f"{moment:%H:%M}"
    days = (moment.date() - now.date()).days
    if days == 0:
        when = texts("text_when_today", time=clock)
    elif days == 1:
        when = texts("text_when_tomorrow", time=clock)
    else:
        when = texts("text_when_day", day=format_date(moment, "EEEE", locale=texts.language), time=clock)
    return texts("text_closed_now", when=when)


def contact_lines(texts: Texts, centre: Centre, street: bool = True) -> list[str]:
    """Address (only the city without `street`), phone, WhatsApp link and email of a centre, the ones it has."""
    address = localised(centre.address, texts.language) if street else ""
    lines = ["📍 " + ", ".join(part for part in (address, centre.city) if part)]
    if centre.phone:
        lines.append(texts("text_label_phone", phone=centre.phone))
    if centre.whatsapp:
        lines.append(whatsapp_line(texts, centre.whatsapp))
    if centre.email:
        lines.append(texts("text_label_email", email=centre.email))
    return lines


def centre_card(texts: Texts, centre: Centre, km: Optional[float] = None,
                now: Optional[datetime] = None) -> str:
    """A centre: name, address, phone, WhatsApp, email, hours and whether it is open now."""
    lines = [name_of(texts, centre) + (f" ({texts('text_centre_distance', km=f'{km:.1f}')})" if km is not None else "")]
    lines += contact_lines(texts, centre)
    lines.append(texts("text_label_hours", hours=hours_text(texts, centre.hours)))
    status = open_status(texts, centre.hours, queries.local_now_at(centre, now))
    if status:
        lines.append(status)
    description = localised(centre.description, texts.language)
    if description:
        lines.append(description)
    return "\n".join(lines)


def _page(items: Sequence[Any], page: int) -> tuple[Sequence[Any], int]:
    start = page * PAGE_SIZE
    return items[start:start + PAGE_SIZE], _remaining(len(items), page)


def _remaining(total: int, page: int) -> int:
    """How many of `total` results come after page `page`."""
    return max(0, total - (page + 1) * PAGE_SIZE)


def _finish(reply: Reply, texts: Texts) -> Reply:
    if reply.remaining:
        reply.say(texts("text_more_available", count=reply.remaining), texts.buttons("text_more_available"))
    return reply


def centres_reply(session: Session, texts: Texts, city: str, page: int = 0,
                  now: Optional[datetime] = None) -> Reply:
    """The centres of `city`, or a plain "none in <city>" and the cities that have one."""
    reply = Reply()
    centres = queries.centres_in(session, city)
    if not centres:
        reply.found = False
        reply.say(texts("text_no_centre", city=city))
        if not _nearest_in_country(session, texts, city, reply):
            others = queries.cities_with(session)
            if others:
                reply.say(texts("text_centres_elsewhere", cities=", ".join(others)))
        return reply
    shown, reply.remaining = _page(centres, page)
    reply.say(texts("text_centres_in_city", city=centres[0].city))
    for centre in shown:
        reply.show(texts, centre, centre_card(texts, centre, now=now))
    return _finish(reply, texts)


def nearest_reply(session: Session, texts: Texts, latitude: float, longitude: float,
                  now: Optional[datetime] = None) -> tuple[Reply, Optional[str]]:
    """The centre nearest a shared location (with its distance), and its city."""
    reply = Reply()
    nearby = queries.nearest_centres(session, latitude, longitude, limit=1)
    if not nearby:
        reply.say(texts("text_no_centre", city="📍"))
        return reply, None
    reply.say(texts("text_centre_nearest"))
    reply.show(texts, nearby[0].centre, centre_card(texts, nearby[0].centre, km=nearby[0].km, now=now))
    return reply, nearby[0].centre.city


def hours_reply(session: Session, texts: Texts, city: str, now: Optional[datetime] = None) -> Reply:
    """Opening hours and open-now of the centres of `city`."""
    centres = queries.centres_in(session, city)
    if not centres:
        return centres_reply(session, texts, city, now=now)
    reply = Reply()
    reply.say(texts("text_hours_header", city=centres[0].city))
    for centre in centres[:PAGE_SIZE]:
        local = queries.local_now_at(centre, now)
        lines = [name_of(texts, centre), texts("text_label_hours", hours=hours_text(texts, centre.hours))]
        status = open_status(texts, centre.hours, local)
        if status:
            lines.append(status)
        reply.show(texts, centre, "\n".join(lines))
    return reply


def contact_reply(session: Session, texts: Texts, city: str) -> Reply:
    """Address, phone, WhatsApp and email of the centres of `city`."""
    centres = queries.centres_in(session, city)
    if not centres:
        return centres_reply(session, texts, city)
    reply = Reply()
    reply.say(texts("text_contact_header", city=centres[0].city))
    for centre in centres[:PAGE_SIZE]:
        reply.show(texts, centre, "\n".join([name_of(texts, centre), *contact_lines(texts, centre)]))
    return reply


def service_address(service: Service, language: str) -> str:
    """Where a service is: its own address, else its centre's ('' when neither is known)."""
    return localised(service.address, language) or (localised(service.centre.address, language) if service.centre
                                                    else "")


def service_phone(service: Service) -> Optional[str]:
    """The phone of a service: its own, else its centre's."""
    return service.phone or (service.centre.phone if service.centre else None)


def service_card(texts: Texts, service: Service, staff: bool = False) -> str:
    """A service: name, where, phone, hours, what to bring and cost (and staff notes for staff)."""
    language = texts.language
    lines = [name_of(texts, service)]
    where = ", ".join(part for part in (service_address(service, language), service.city) if part)
    if service.centre:
        where += f" ({texts('text_label_at_centre', centre=localised(service.centre.name, language))})"
    lines.append(f"📍 {where}")
    phone = service_phone(service)
    if phone:
        lines.append(texts("text_label_phone", phone=phone))
    hours = service.hours or (service.centre.hours if service.centre else None)
    if hours:
        lines.append(texts("text_label_hours", hours=hours_text(texts, hours)))
    for label, value in (("text_label_requirements", "requirements"), ("text_label_cost", "cost")):
        text = localised(getattr(service, value), language)
        if text:
            lines.append(texts(label, **{value: text}))
    description = localised(service.description, language)
    if description:
        lines.append(description)
    if staff and service.staff_notes:
        lines.append(f"🔐 {service.staff_notes}")
    return "\n".join(lines)


def category_name(texts: Texts, category: str) -> str:
    """The category's name for users, with its emoji."""
    return texts(f"text_category_{category}")


def services_reply(session: Session, texts: Texts, city: str, category: Optional[str], page: int = 0,
                   staff: bool = False) -> Reply:
    """Services of a category in `city` (all of them, grouped by category, when `category` is None or "all")."""
    reply = Reply()
    categories = [category] if category and category in CATEGORIES else []
    total = queries.count_services(session, city, categories)
    if not total:
        return _no_services(session, texts, city, categories)
    shown = queries.services_in(session, city, categories, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    reply.remaining = _remaining(total, page)
    named = shown[0].city if shown else city
    if categories:
        reply.say(texts("text_services_in_city", category=category_name(texts, categories[0]), city=named))
        for service in shown:
            reply.show(texts, service, service_card(texts, service, staff))
    else:
        reply.say(texts("text_all_services_in_city", city=named))
        current = None
        for service in shown:
            card = service_card(texts, service, staff)
            if service.category != current:
                current = service.category
                card = f"{category_name(texts, current)}\n{card}"
            reply.show(texts, service, card)
    return _finish(reply, texts)


def _no_services(session: Session, texts: Texts, city: str, categories: list[str]) -> Reply:
    """Nothing found: say so, naming what was asked, and offer what exists: in the same country first, and the
    city's own centre, or else the nearest centre in its country."""
    reply = Reply(found=False)
    elsewhere: list[str] = []
    if categories:
        name = category_name(texts, categories[0])
        reply.say(texts("text_no_service", category=name, city=city))
        country = _country_key(session, city)
        elsewhere = [other for other in (country and queries.cities_with(session, categories, country)
                                         or queries.cities_with(session, categories)) if fold(other) != fold(city)]
        if elsewhere:
            reply.say(texts("text_service_elsewhere", category=name, cities=", ".join(elsewhere)))
    else:
        reply.say(texts("text_no_services_at_all", city=city))
    centres = queries.centres_in(session, city)
    if centres:
        centre = centres[0]
        reply.say(texts("text_centre_can_help", city=centre.city, name=localised(centre.name, texts.language),
                        address=localised(centre.address, texts.language), phone=centre.phone or ""))
        reply.subjects.append(subject_of(centre))
    elif not _nearest_in_country(session, texts, city, reply) and not elsewhere:
        others = queries.cities_with(session)
        if others:
            reply.say(texts("text_centres_elsewhere", cities=", ".join(others)))
    return reply


def _country_key(session: Session, city: str) -> Optional[str]:
    """The country of `city`: the directory's (by its centres), else the gazetteer's; None when unknown."""
    country = queries.country_of(session, city)
    if country is not None:
        return country.key
    where = places.location(city)
    return where.country_key if where else None


def _nearest_in_country(session: Session, texts: Texts, city: str, reply: Reply) -> bool:
    """Add to `reply` how to reach the centre nearest `city` in its country, when where the city is is known;
    whether one was."""
    where = places.location(city)
    if where is None:
        return False
    nearby = queries.nearest_centres(session, where.latitude, where.longitude, 1, where.country_key)
    if not nearby:
        return False
    centre = nearby[0].centre
    reply.say(texts("text_nearest_centre_in_country", country=centre.country.name if centre.country else "",
                    city=centre.city, km=f"{nearby[0].km:.0f}"))
    # Someone in another city calls or writes first: its phone and WhatsApp, not its street.
    reply.show(texts, centre, "\n".join([name_of(texts, centre), *contact_lines(texts, centre, street=False)]))
    return True


def event_card(texts: Texts, event: Event) -> str:
    """An event: title, date and time, place, registration."""
    language = texts.language
    date = format_date(event.starts, texts("text_date_format"), locale=language)
    timing = f"{date}, {event.starts:%H:%M}" + (f"-{event.ends:%H:%M}" if event.ends and
                                                 event.ends.date() == event.starts.date() else "")
    lines = [name_of(texts, event), f"🗓️ {timing}"]
    place = localised(event.address, language) or (
        f"{localised(event.centre.name, language)}, {localised(event.centre.address, language)}"
        if event.centre else "")
    lines.append(f"📍 {', '.join(part for part in (place, event.city) if part)}")
    description = localised(event.description, language)
    if description:
        lines.append(description)
    if event.registration:
        lines.append(texts("text_label_registration", registration=event.registration))
    return "\n".join(lines)


def found_reply(texts: Texts, hits: Sequence[Any], staff: bool = False) -> Reply:
    """What a search by the directory's own words found (`bot.directory.search.Hit`s, in one city): a line naming the
    city, then each service's or event's card."""
    reply = Reply()
    reply.say(texts("text_found_in_city", city=hits[0].city))
    for hit in hits:
        reply.show(texts, hit.record,
                   service_card(texts, hit.record, staff) if hit.kind == "service" else event_card(texts, hit.record))
    return reply


def events_reply(session: Session, texts: Texts, city: str, window: Window, page: int = 0,
                 now: Optional[datetime] = None) -> Reply:
    """Upcoming events of `city` in a time window; when none, say so and name later ones."""
    reply = Reply()
    local = queries.local_now(session, city, now)
    start, end = window.bounds(local)
    label = window.label(texts)
    events = queries.upcoming_events(session, city, max(start, local), end)
    if not events:
        reply.found = False
        reply.say(texts("text_no_events", city=city, window=label))
        later = queries.upcoming_events(session, city, local, None)[:3]
        if later and window.kind != "upcoming":
            titles = ", ".join(f"{localised(event.title, texts.language)} "
                               f"({format_date(event.starts, texts('text_date_format'), locale=texts.language)})"
                               for event in later)
            reply.say(texts("text_events_other_window", city=city, titles=titles))
        elif not later:
            centres = queries.centres_in(session, city)
            if not centres:
                others = queries.cities_with(session)
                if others:
                    reply.say(texts("text_centres_elsewhere", cities=", ".join(others)))
        return reply
    shown, reply.remaining = _page(events, page)
    reply.say(texts("text_events_in_city", city=events[0].city, window=label))
    for event in shown:
        reply.show(texts, event, event_card(texts, event))
    return _finish(reply, texts)


def emergency_reply(session: Session, languages: Sequence[Texts], city: Optional[str],
                    self_harm: bool = False, unsure: bool = False) -> Reply:
    """Emergency lines of the user's country (known from the city), else of every country; never without a number.

    In each of `languages` (two when the writer's language is not known).
    `self_harm` puts the crisis lines first, with a human sentence; `unsure`
    (only words of danger) ends with "are you safe?".
    """
    reply = Reply()
    lines = _emergency_lines(session, city, self_harm)
    intro = "text_emergency_self_harm" if self_harm else "text_emergency_intro"
    text = [each(intro) for each in languages]
    if lines:
        for country, phone, name in lines:
            label = " / ".join(dict.fromkeys(localised(name, each.language) for each in languages))
            text.append(f"📞 {phone} — {label}" + (f" ({country})" if country else ""))
    else:
        text += [each("text_emergency_default") for each in languages]
    reply.say("\n".join(text))
    reply.say("\n".join(each("text_emergency_are_you_safe" if unsure else "text_emergency_outro")
                         for each in languages))
    return reply


def _emergency_lines(session: Session, city: Optional[str], self_harm: bool) -> list[tuple[str, str, Any]]:
    """(country or "", phone, name) of the lines to give: the city's country, else every country's.

    Crisis lines (kind: crisis) are given, first, only for self-harm.
    """
    country = queries.country_of(session, city) if city else None
    countries = [country] if country and country.emergency else queries.countries(session)
    wanted = ("crisis", "emergency") if self_harm else ("emergency",)
    found = []
    for kind in wanted:
        for each in countries:
            found += [(each.name if len(countries) > 1 else "", str(line["phone"]), line.get("name"))
                      for line in each.emergency if line.get("kind", "emergency") == kind and line.get("phone")]
    return found


def human_reply(session: Session, texts: Texts, city: Optional[str]) -> Reply:
    """Who to call or write to now (the centres of the user's city, open now or when they open; else one centre
    a city), and the offer to leave the question for the team of their city instead."""
    reply = Reply()
    centres = queries.centres_in(session, city) if city else []
    if not centres:
        centres = [queries.centres_in(session, name)[0] for name in queries.cities_with(session)]
    lines = [texts("text_human_intro")]
    for centre in centres[:8]:
        contact = " / ".join(part for part in (centre.phone, centre.whatsapp and
                                               whatsapp_link(centre.whatsapp), centre.email) if part)
        status = open_status(texts, centre.hours, queries.local_now_at(centre)) if city else ""
        lines.append(f"• {localised(centre.name, texts.language)} ({centre.city}): {contact}"
                     + (f" · {status}" if status else ""))
    reply.say("\n".join(lines))
    if not city:
        reply.say(texts("text_human_no_city"))
    reply.say(texts("text_human_offer"), texts.buttons("text_human_offer"))
    return reply
