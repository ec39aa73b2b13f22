"""Changes made at once, without the conversation's "yes": for scripts and tests that set the directory up as
staff would. The conversation builds the same types (`bot.staff.events`, `bot.staff.centres`) and applies them
only after the staff member confirms."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from bot.directory.models import Event, Staff
from bot.staff.events import CancelEvent, PublishEvent
from bot.staff.lookup import Place, read_place

__all__ = ["cancel_event", "publish_event", "read_place"]


def publish_event(session: Session, member: Staff, title: str, place: Place, starts: datetime, category: str,
                  description: str) -> Event:
    """Publish an event now (`PublishEvent.apply`), recorded as published by `member`."""
    return PublishEvent(title, place, starts, category, description).apply(session, member)


def cancel_event(session: Session, member: Staff, event_id: str) -> Optional[Event]:
    """Cancel the event with id `event_id` now (`CancelEvent.apply`); None if there is no such event."""
    change = CancelEvent.read(session, event_id)
    return change.apply(session, member) if change else None
