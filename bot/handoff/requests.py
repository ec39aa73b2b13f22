"""Requests to talk to a person, kept in the directory database so that every Rasa server shares them.

Times are UTC without tzinfo, as the database keeps them. A person has at most one open request (waiting
for a staff member, or taken by one); taking one is a single conditional UPDATE, so of two staff members
pressing at once exactly one gets it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.directory.models import HandoffMessage, HandoffNotice, HandoffRequest, Staff, StaffChat
from bot.normalise import fold
from bot.privacy import seal, unseal

WAITING, TAKEN, CLOSED = "waiting", "taken", "closed"
OPEN = (WAITING, TAKEN)
WHATSAPP_WINDOW = timedelta(hours=24)  # free text reaches a WhatsApp user this long after their last message
CONTEXT_TURNS = 6


def open_of(session: Session, sender: str) -> Optional[HandoffRequest]:
    """The open request of conversation `sender`, if there is one."""
    return session.execute(select(HandoffRequest).where(HandoffRequest.sender == sender,
                                                        HandoffRequest.status.in_(OPEN))
                           .order_by(HandoffRequest.id.desc()).limit(1)).scalar_one_or_none()


def leave(session: Session, *, sender: str, channel: str, reply_to: Optional[str], city: str, language: str,
          question: str, context: Sequence[dict], now: datetime) -> tuple[HandoffRequest, bool]:
    """Leave `question` for the staff of `city`: the request, and whether it is new. A person with an open
    request adds the question to it instead. `reply_to` is the sealed address to answer on."""
    existing = open_of(session, sender)
    if existing is not None:
        record(session, existing, "person", question, now)
        return existing, False
    request = HandoffRequest(sender=sender, channel=channel, reply_to=reply_to, city=city, city_key=fold(city),
                             language=language, question=question, context=list(context)[-CONTEXT_TURNS:],
                             status=WAITING, created_at=now, last_person_at=now, returned=0)
    session.add(request)
    session.flush()
    return request, True


def get(session: Session, number: int) -> Optional[HandoffRequest]:
    """Request number `number`, if it exists."""
    return session.get(HandoffRequest, number)


def take(session: Session, request: HandoffRequest, member: Staff, now: datetime) -> bool:
    """Give `request` to `member` if nobody has it (or they already do); whether it is theirs now."""
    taken = session.execute(update(HandoffRequest)
                            .where(HandoffRequest.id == request.id, HandoffRequest.status == WAITING)
                            .values(status=TAKEN, staff_key=member.key, staff_name=member.name, taken_at=now)
                            .execution_options(synchronize_session=False))
    session.refresh(request)
    return taken.rowcount == 1 or (request.status == TAKEN and request.staff_key == member.key)


def claim_announcement(session: Session, request: HandoffRequest, now: datetime) -> bool:
    """Mark `request` announced at `now`, unless another server just did (one conditional UPDATE, as `take`);
    whether this one should announce it."""
    claimed = session.execute(update(HandoffRequest)
                              .where(HandoffRequest.id == request.id,
                                     HandoffRequest.announced_at.is_(None) if request.announced_at is None
                                     else HandoffRequest.announced_at == request.announced_at)
                              .values(announced_at=now).execution_options(synchronize_session=False))
    session.refresh(request)
    return claimed.rowcount == 1


def give_back(session: Session, request: HandoffRequest) -> None:
    """Put a taken request back in the waiting list of every staff member of its city."""
    request.status, request.staff_key, request.staff_name, request.taken_at = WAITING, None, None, None
    request.announced_at = None
    request.returned = (request.returned or 0) + 1


def record(session: Session, request: HandoffRequest, author: str, text: str, now: datetime,
           staff_key: Optional[str] = None) -> HandoffMessage:
    """Keep one relayed message of `request` (author "person" or "staff")."""
    message = HandoffMessage(request_id=request.id, at=now, author=author, staff_key=staff_key, text=text)
    session.add(message)
    if author == "person":
        request.last_person_at = now
    elif request.first_reply_at is None:
        request.first_reply_at = now
    return message


def messages_of(session: Session, request: HandoffRequest) -> list[HandoffMessage]:
    """The messages relayed in `request`, oldest first."""
    return list(session.execute(select(HandoffMessage).where(HandoffMessage.request_id == request.id)
                                .order_by(HandoffMessage.id)).scalars())


def close(request: HandoffRequest, now: datetime) -> None:
    """End `request`: the assistant answers the person again."""
    request.status, request.closed_at = CLOSED, now


def open_in(session: Session, cities: Optional[Sequence[str]]) -> list[HandoffRequest]:
    """The open requests of `cities` (None: every city), oldest first."""
    query = select(HandoffRequest).where(HandoffRequest.status.in_(OPEN)).order_by(HandoffRequest.id)
    if cities is not None:
        query = query.where(HandoffRequest.city_key.in_([fold(city) for city in cities]))
    return list(session.execute(query).scalars())


def within_window(request: HandoffRequest, now: datetime) -> bool:
    """Whether free text may still reach the person (WhatsApp: within 24 hours of their last message)."""
    return request.channel != "whatsapp" or now - request.last_person_at < WHATSAPP_WINDOW


def address_of(request: HandoffRequest) -> Optional[str]:
    """The address to answer the person on (unsealed), None when it was not kept or cannot be read."""
    return unseal(request.reply_to)


def noticed(session: Session, request: HandoffRequest, staff_key: str, message_id: int, now: datetime) -> None:
    """Remember that message `message_id` in staff member `staff_key`'s chat announced `request`."""
    session.merge(HandoffNotice(staff_key=staff_key, message_id=message_id, request_id=request.id, at=now))


def by_notice(session: Session, staff_key: str, message_id: int) -> Optional[HandoffRequest]:
    """The request that message `message_id` of `staff_key`'s chat announced, if it announced one."""
    notice = session.get(HandoffNotice, (staff_key, message_id))
    return session.get(HandoffRequest, notice.request_id) if notice else None


def remember_chat(session: Session, staff_key: str, chat_id: str) -> None:
    """Keep (sealed) where staff member `staff_key` can be written to: their private chat with the bot."""
    session.merge(StaffChat(staff_key=staff_key, chat=seal(chat_id)))


def chat_of(session: Session, staff_key: str) -> Optional[str]:
    """The chat id staff member `staff_key` can be written to, None when they never wrote to the bot."""
    chat = session.get(StaffChat, staff_key)
    return unseal(chat.chat) if chat else None


def forget_chat(session: Session, staff_key: str) -> None:
    """Forget where staff member `staff_key` can be written to (they are no longer staff)."""
    session.execute(delete(StaffChat).where(StaffChat.staff_key == staff_key))


def forget(session: Session, sender: str) -> int:
    """Erase every request of conversation `sender`, with its messages and notices; how many requests."""
    return _erase(session, select(HandoffRequest.id).where(HandoffRequest.sender == sender))


def purge(session: Session, older_than: timedelta, now: datetime) -> int:
    """Erase the requests last written in longer ago than `older_than` (open or not), with their messages and
    notices; how many requests."""
    return _erase(session, select(HandoffRequest.id).where(HandoffRequest.last_person_at < now - older_than,
                                                           func.coalesce(HandoffRequest.closed_at,
                                                                         HandoffRequest.last_person_at)
                                                           < now - older_than))


def _erase(session: Session, which: Select) -> int:
    numbers = list(session.execute(which).scalars())
    if numbers:
        session.execute(delete(HandoffMessage).where(HandoffMessage.request_id.in_(numbers)))
        session.execute(delete(HandoffNotice).where(HandoffNotice.request_id.in_(numbers)))
        session.execute(delete(HandoffRequest).where(HandoffRequest.id.in_(numbers)))
    return len(numbers)
