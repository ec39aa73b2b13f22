"""Relaying a request to talk to a person between the person's channel and the staff's Telegram chats.

The channels give the relay what they can send with (`Relay.people[channel]`: a text to a person's
address; `Relay.staff`: a text, perhaps with a "take" button, to a staff member's chat) and hand it what
arrives; the relay decides, from the requests in the database, what goes where. Texts come from
domain.yml: the person's in the language of their request, the staff's in the default language.
What a message changes is written (and committed) first; only then is anything sent, so no database
transaction waits on the network, and a second Rasa server sees the change at once.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable, Optional, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.directory import db, members
from bot.directory.models import HandoffRequest, Staff
from bot.handoff import requests, schedule
from bot.nlu.safety import speaks_of_danger
from bot.normalise import fold
from bot.privacy import staff_user
from bot.texts import Texts

logger = logging.getLogger(__name__)

TAKE = "handoff:take:"  # callback data of the "take" button: TAKE + the request number
_END = re.compile(r"^\s*(/close|/cerrar|terminar|termina|finalizar|end|stop talking|ya esta,? gracias|listo,? gracias|"
                  r"that'?s all,? thanks?|done,? thanks?)\s*[.!]*\s*$")
# Asking to delete one's data ends the request, so that the assistant can ask to confirm and erase it.
_FORGET = re.compile(r"^/delete_data|\b(borra|borrar|borren|elimina|eliminar|eliminen|delete|erase|remove)\b.{0,20}"
                     r"\b(mis|my|los|todos mis|all my)\b.{0,10}\b(datos|data|informacion|information)\b")
STAFF_TEXTS = Texts(None)  # staff read the default language

PersonSend = Callable[[str, str], Awaitable[bool]]  # (address, text): whether it was delivered


class StaffSend(Protocol):
    """Sends `text` to a staff chat, with a button to take request `take` when given; the message id sent."""

    async def __call__(self, chat_id: str, text: str, take: Optional[int] = None) -> Optional[int]: ...


@dataclass
class _Note:
    """A message to send once the database work is committed: to a staff chat, or to a person."""

    to: str                      # a staff chat id, or a person's address
    text: str
    channel: Optional[str] = None  # the person's channel; None: a staff chat
    take: Optional[int] = None     # a staff announcement of this request, with its button
    staff_key: Optional[str] = None


def _unless_the_database_fails(fallback: Optional[str] = None) -> Callable:
    """Make a relay method give `fallback` (a staff text's name; None: "not a talk with a person") when the
    database fails: the message then goes on to the assistant, which answers it or apologises with the
    emergency lines, instead of being lost with the error."""
    def wrap(method: Callable[..., Awaitable[Optional[str]]]) -> Callable[..., Awaitable[Optional[str]]]:
        @functools.wraps(method)
        async def guarded(*args: Any, **kwargs: Any) -> Optional[str]:
            try:
                return await method(*args, **kwargs)
            except SQLAlchemyError:
                logger.exception("talk-to-a-person relay: the database failed; the message goes on without it")
                return STAFF_TEXTS(fallback) if fallback else None
        return guarded
    return wrap


@dataclass
class Relay:
    """What the channels of this Rasa server can send with; see the module's docstring."""

    people: dict[str, PersonSend] = field(default_factory=dict)
    staff: Optional[StaffSend] = None
    template: Optional[Callable[[str], Awaitable[bool]]] = None  # WhatsApp's approved invitation, if configured

    @_unless_the_database_fails()
    async def person_wrote(self, sender: str, text: str, now: datetime) -> Optional[str]:
        """Handle what a person wrote while they have an open request: None when they have none, or when it
        speaks of danger (the assistant answers: emergency lines; the staff member is told) or asks to delete
        their data (the request ends); else the reply to give them ("" for none: it went to the staff)."""
        notes: list[_Note] = []
        with db.session() as session:
            request = requests.open_of(session, sender)
            if request is None:
                return None
            requests.record(session, request, "person", text, now)
            folded = fold(text)
            forgetting = bool(_FORGET.search(folded))
            reply: Optional[str] = ""
            if speaks_of_danger(text):
                notes += _to_handlers(session, request, "text_handoff_danger", text=text)
                reply = None
            elif forgetting or _END.match(folded):
                requests.close(request, now)
                notes += _to_handlers(session, request, "text_handoff_closed_staff")
                reply = None if forgetting else Texts(request.language)("text_handoff_closed_person")
            elif request.status == requests.TAKEN:
                notes += _to_handlers(session, request, "text_handoff_person_says", text=text)
            language = request.language
        delivered = await self._send(notes)
        if reply == "" and notes and not any(delivered):
            return Texts(language)("text_handoff_not_delivered_person")
        return reply

    @_unless_the_database_fails()
    async def staff_wrote(self, user_id: int, chat_id: str, text: str, reply_to: Optional[int],
                          now: datetime) -> Optional[str]:
        """Handle what a Telegram user wrote: None when it is not about a request (Rasa answers it); else what
        to answer them. A staff member answers a request by replying to its announcement, or by writing while
        one they took is open; `/requests` lists the open ones of their cities; `/close` ends theirs."""
        command = fold(text).split(maxsplit=1)[0] if text.strip() else ""
        notes: list[_Note] = []
        answer: Optional[_Note] = None
        with db.session() as session:
            member = members.find(session, staff_user(user_id))
            if member is None:
                return None
            requests.remember_chat(session, member.key, chat_id)
            if command in ("/requests", "/solicitudes"):
                return _listing(session, member)
            if reply_to is not None:  # a reply answers the request it replies to, or none: never another one
                request = requests.by_notice(session, member.key, reply_to)
            else:
                mine = _taken_by(session, member)
                if len(mine) > 1 and not command.startswith("/"):
                    return STAFF_TEXTS("text_handoff_which", numbers=", ".join(f"n.º {r.id}" for r in mine))
                request = mine[0] if len(mine) == 1 else None
            if request is None:
                return None
            refused = _take(session, request, member, now, notes)
            if refused:
                reply = refused
            elif command in ("/close", "/cerrar") or _END.match(fold(text)):
                requests.close(request, now)
                notes.append(_to_person(request, Texts(request.language)("text_handoff_closed_person")))
                reply = STAFF_TEXTS("text_handoff_closed_staff", number=request.id)
            else:
                requests.record(session, request, "staff", text, now, member.key)
                said = Texts(request.language)("text_handoff_staff_says", name=member.name, city=request.city,
                                               text=text)
                answer, reply = _to_person(request, said), ""
                if not requests.within_window(request, now):
                    answer, reply = None, STAFF_TEXTS("text_handoff_window_closed", number=request.id)
                    address = requests.address_of(request)
                    if self.template and address:
                        answer = _Note(address, "", channel="template")
                        reply = STAFF_TEXTS("text_handoff_window_invited", number=request.id)
            number = request.id
        await self._send(notes)
        if answer is not None and not await self._send_one(answer):
            return STAFF_TEXTS("text_handoff_not_delivered", number=number)
        return reply

    @_unless_the_database_fails("text_error")
    async def staff_pressed(self, user_id: int, chat_id: str, data: str, now: datetime) -> Optional[str]:
        """Handle a press of a "take" button: None when `data` is not one; else what to tell the one who
        pressed (theirs now, with what the person wrote so far, or who has it). Only staff of its city take."""
        if not data.startswith(TAKE) or not data[len(TAKE):].isdigit():
            return None
        notes: list[_Note] = []
        with db.session() as session:
            member = members.find(session, staff_user(user_id))
            request = requests.get(session, int(data[len(TAKE):]))
            if member is None or request is None:
                return STAFF_TEXTS("text_handoff_staff_only")
            requests.remember_chat(session, member.key, chat_id)
            reply = _take(session, request, member, now, notes)
            if reply is None:
                so_far = "\n".join(f"· {message.text}" for message in requests.messages_of(session, request)
                                   if message.author == "person")
                reply = STAFF_TEXTS("text_handoff_yours", number=request.id, messages=so_far)
        await self._send(notes)
        return reply

    async def tick(self, now: datetime) -> None:
        """Announce the requests due (new, or waiting when a centre of their city opens) to the staff of their
        city, and give back to all of them the taken ones left unanswered too long (the person is told)."""
        notes: list[_Note] = []
        with db.session() as session:
            for request in schedule.to_give_back(session, now):
                requests.give_back(session, request)
                notes.append(_to_person(request, Texts(request.language)("text_handoff_returned_person",
                                                                         number=request.id, city=request.city)))
            for request in schedule.to_announce(session, now):
                if requests.claim_announcement(session, request, now):
                    notes += _announcement(session, request)
        await self._send(notes)

    async def _send(self, notes: list[_Note]) -> list[bool]:
        """Send `notes` (committed already): whether each was delivered. The message ids of announcements are
        kept, so that replies to them find their request."""
        delivered = []
        for note in notes:
            sent = await self._send_one(note)
            delivered.append(bool(sent))
            if note.take is not None and note.staff_key and isinstance(sent, int) and not isinstance(sent, bool):
                with db.session() as session:  # at once: a reply may come before the next note is sent
                    request = requests.get(session, note.take)
                    if request is not None:
                        requests.noticed(session, request, note.staff_key, sent, datetime.utcnow())
        return delivered

    async def _send_one(self, note: _Note) -> bool | int:
        """Send one note: to a staff chat (the message id, or False), a person, or WhatsApp's template."""
        if note.channel is None:
            if self.staff is None:
                logger.warning("no Telegram channel here to write to staff")
                return False
            return await self.staff(note.to, note.text, note.take) or False
        if note.channel == "template":
            return bool(self.template and await self.template(note.to))
        send = self.people.get(note.channel)
        if send is None or not note.to:
            logger.error("no way to reach a person on %s", note.channel)
            return False
        return await send(note.to, note.text)


def _take(session: Session, request: HandoffRequest, member: Staff, now: datetime, notes: list[_Note]) -> Optional[str]:
    """Give `request` to `member` (noting for the others of its city who has it now); None when it is theirs,
    else why not: another city's, closed, or someone else's."""
    if not members.serves(member, request.city):
        return STAFF_TEXTS("text_handoff_not_your_city", number=request.id, city=request.city)
    if request.status == requests.CLOSED:
        return STAFF_TEXTS("text_handoff_already_closed", number=request.id)
    waiting = request.status == requests.WAITING
    if not requests.take(session, request, member, now):
        return STAFF_TEXTS("text_handoff_taken_by", number=request.id, name=request.staff_name)
    if waiting:
        told = STAFF_TEXTS("text_handoff_taken_by", number=request.id, name=member.name)
        notes += [note for other in schedule.staff_of(session, request.city) if other.key != member.key
                  for note in _to_staff(session, other, told)]
    return None


def _to_staff(session: Session, member: Staff, text: str, take: Optional[int] = None) -> list[_Note]:
    chat = requests.chat_of(session, member.key)
    if chat is None:
        logger.warning("staff member %s has no chat with the bot yet", member.key)
        return []
    return [_Note(chat, text, take=take, staff_key=member.key)]


def _to_person(request: HandoffRequest, text: str) -> _Note:
    return _Note(requests.address_of(request) or "", text, channel=request.channel)


def _to_handlers(session: Session, request: HandoffRequest, text_name: str, **values: str) -> list[_Note]:
    """Notes for the staff member who has `request` (every staff member of its city while it waits)."""
    text = STAFF_TEXTS(text_name, number=request.id, city=request.city, **values)
    handlers = [members.find(session, request.staff_key)] if request.status == requests.TAKEN \
        else schedule.staff_of(session, request.city)
    return [note for member in handlers if member is not None for note in _to_staff(session, member, text)]


def _announcement(session: Session, request: HandoffRequest) -> list[_Note]:
    context = "\n".join(f"{'👤' if turn.get('who') == 'person' else '🤖'} {turn.get('text', '')}"
                        for turn in request.context or [])
    text = STAFF_TEXTS("text_handoff_notice", number=request.id, city=request.city, language=request.language,
                       question=request.question, context=context)
    return [note for member in schedule.staff_of(session, request.city)
            for note in _to_staff(session, member, text, take=request.id)]


def _taken_by(session: Session, member: Staff) -> list[HandoffRequest]:
    """The open requests `member` has taken."""
    return [request for request in requests.open_in(session, None)
            if request.status == requests.TAKEN and request.staff_key == member.key]


def _listing(session: Session, member: Staff) -> str:
    cities = None if not member.cities else list(member.cities)
    lines = [STAFF_TEXTS("text_handoff_list_line", number=request.id, city=request.city,
                         status=STAFF_TEXTS(f"text_handoff_status_{request.status}", name=request.staff_name or ""),
                         question=request.question)
             for request in requests.open_in(session, cities)]
    return STAFF_TEXTS("text_handoff_list", lines="\n".join(lines)) if lines else STAFF_TEXTS("text_handoff_none")
