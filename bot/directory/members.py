"""Who is staff (Telegram users, known by a pseudonym of their id, with a name and cities), and the record
of what staff changed."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Change, Staff
from bot.normalise import fold
from bot.privacy import staff_user


def telegram_user_id(value: str) -> str:
    """`value` as a Telegram user id (digits only); ValueError for anything else."""
    value = str(value).strip()
    if not value.isascii() or not value.isdigit() or len(value) > 20:
        raise ValueError(f"{value!r} is not a Telegram user id (a number, as @userinfobot shows it)")
    return value


def add(session: Session, telegram_id: str, name: str, cities: Sequence[str] = ()) -> Staff:
    """Make a Telegram user staff (or update their name and cities); ValueError for an id that is not one.

    Only a pseudonym of the id is stored.
    """
    key = staff_user(telegram_user_id(telegram_id))
    member = session.get(Staff, key) or Staff(key=key, added_at=datetime.utcnow())
    member.name, member.cities = name, list(cities)
    session.add(member)
    return member


def serves(member: Staff, city: str) -> bool:
    """Whether `member` may change the directory of `city`: one of their cities, or any when they have none."""
    return not member.cities or fold(city) in {fold(each) for each in member.cities}


def cities_of(session: Session, telegram_id: str) -> list[str]:
    """The cities a Telegram user serves as staff ([] for all cities, or when they are not staff)."""
    member = session.get(Staff, staff_user(telegram_user_id(telegram_id)))
    return list(member.cities or []) if member is not None else []


def remove(session: Session, telegram_id: str) -> bool:
    """Stop a Telegram user being staff; whether they were."""
    member = session.get(Staff, staff_user(telegram_id))
    if member is None:
        return False
    session.delete(member)
    return True


def members(session: Session) -> list[Staff]:
    """Every staff member, by name."""
    return list(session.execute(select(Staff).order_by(Staff.name)).scalars())


def find(session: Session, key: Optional[str]) -> Optional[Staff]:
    """The staff member known by `key` (a `bot.privacy.staff_user` value), if any (None for anyone else)."""
    if not key:
        return None
    return session.get(Staff, key)


def record_change(session: Session, member: Staff, kind: str, record_id: str,
                  before: Optional[dict], after: Optional[dict]) -> Change:
    """Write down one change to the directory, in the caller's transaction."""
    change = Change(at=datetime.utcnow(), staff_id=member.key, staff_name=member.name, kind=kind,
                    record_id=record_id, before=before, after=after)
    session.add(change)
    return change


def history(session: Session, limit: int = 100) -> list[Change]:
    """The latest changes, newest first."""
    return list(session.execute(select(Change).order_by(Change.at.desc(), Change.id.desc()).limit(limit)).scalars())
