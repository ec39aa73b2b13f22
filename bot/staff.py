"""Who is staff (Telegram user ids with a name and cities), and the record of what staff changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Change, Staff


def add(session: Session, telegram_id: str, name: str, cities: Sequence[str] = ()) -> Staff:
    """Make a Telegram user staff (or update their name and cities)."""
    member = session.get(Staff, str(telegram_id)) or Staff(telegram_id=str(telegram_id), added_at=datetime.utcnow())
    member.name, member.cities = name, list(cities)
    session.add(member)
    return member


def remove(session: Session, telegram_id: str) -> bool:
    """Stop a Telegram user being staff; whether they were."""
    member = session.get(Staff, str(telegram_id))
    if member is None:
        return False
    session.delete(member)
    return True


def members(session: Session) -> list[Staff]:
    """Every staff member, by name."""
    return list(session.execute(select(Staff).order_by(Staff.name)).scalars())


def find(session: Session, telegram_id: Optional[Any]) -> Optional[Staff]:
    """The staff member with this Telegram user id, if any (None for anyone else)."""
    if telegram_id is None or str(telegram_id).strip() == "":
        return None
    return session.get(Staff, str(telegram_id))


def record_change(session: Session, member: Staff, kind: str, record_id: str,
                  before: Optional[dict], after: Optional[dict]) -> Change:
    """Write down one change to the directory, in the caller's transaction."""
    change = Change(at=datetime.utcnow(), staff_id=member.telegram_id, staff_name=member.name, kind=kind,
                    record_id=record_id, before=before, after=after)
    session.add(change)
    return change


def history(session: Session, limit: int = 100) -> list[Change]:
    """The latest changes, newest first."""
    return list(session.execute(select(Change).order_by(Change.at.desc(), Change.id.desc()).limit(limit)).scalars())
