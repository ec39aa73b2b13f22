"""When a request to talk to a person will be seen: who is told, when someone is likely to answer (from the
opening hours of the city's centres), when to announce it again, and when an unanswered one goes back."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory import hours, members, queries
from bot.directory.models import Centre, HandoffRequest, Staff
from bot.handoff.requests import TAKEN, WAITING

RETURN_ENV = "BOT_HANDOFF_RETURN_HOURS"  # working hours without a staff reply before a request goes back
DEFAULT_RETURN_HOURS = 2.0


def return_after() -> timedelta:
    """How much opening time a taken request may go unanswered (BOT_HANDOFF_RETURN_HOURS, default 2)."""
    return timedelta(hours=float(os.environ.get(RETURN_ENV) or DEFAULT_RETURN_HOURS))


def staff_of(session: Session, city: str) -> list[Staff]:
    """The staff members who serve `city` (theirs, or every city)."""
    return [member for member in members.members(session) if members.serves(member, city)]


def _local(centre: Centre, utc: datetime) -> datetime:
    return queries.local_now_at(centre, utc.replace(tzinfo=timezone.utc))


def answer_expected(session: Session, city: str, now: datetime) -> Optional[datetime]:
    """The local time from which a person of `city` can expect an answer: `now` (local) when one of its centres
    is open, else the next opening of one; None when the city has no centre with opening hours."""
    moments = []
    for centre in queries.centres_in(session, city):
        local = _local(centre, now)
        if hours.is_open(centre.hours, local):
            return local
        opening = hours.next_opening(centre.hours, local)
        if opening is not None:
            moments.append(opening)
    return min(moments, default=None)


def open_now(session: Session, city: str, now: datetime) -> bool:
    """Whether a centre of `city` is open at `now` (UTC)."""
    return any(hours.is_open(centre.hours, _local(centre, now)) for centre in queries.centres_in(session, city))


def _opened_between(centres: list[Centre], since: datetime, now: datetime) -> bool:
    for centre in centres:
        opening = hours.next_opening(centre.hours, _local(centre, since))
        if opening is not None and opening <= _local(centre, now):
            return True
    return False


def to_announce(session: Session, now: datetime) -> list[HandoffRequest]:
    """Waiting requests to announce now: never announced, or announced before a centre of their city opened."""
    due = []
    for request in session.execute(select(HandoffRequest).where(HandoffRequest.status == WAITING)
                                   .order_by(HandoffRequest.id)).scalars():
        if request.announced_at is None or \
                _opened_between(queries.centres_in(session, request.city), request.announced_at, now):
            due.append(request)
    return due


def to_give_back(session: Session, now: datetime) -> list[HandoffRequest]:
    """Taken requests with no staff reply after `return_after()` of their city's opening time."""
    due, allowed = [], return_after().total_seconds()
    for request in session.execute(select(HandoffRequest).where(HandoffRequest.status == TAKEN,
                                                                HandoffRequest.first_reply_at.is_(None))
                                   .order_by(HandoffRequest.id)).scalars():
        start = request.taken_at or request.created_at
        for centre in queries.centres_in(session, request.city):
            deadline = hours.after_open_time(centre.hours, _local(centre, start), allowed)
            if deadline is not None and deadline <= _local(centre, now):
                due.append(request)
                break
    return due
