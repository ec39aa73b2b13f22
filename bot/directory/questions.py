"""Recording the questions people ask (pseudonymous), for the staff demand report."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from bot.directory.models import Question
from bot.privacy import mask_digits, pseudonym

MAX_TEXT = 300
_INSERT = insert(Question.__table__)  # a plain insert: the ORM's unit of work cost more than the write


def record(session: Session, sender_id: str, topic: str, city: Optional[str], language: Optional[str],
           channel: Optional[str], answered: bool = True, text: Optional[str] = None) -> None:
    """Count one question; the text is kept (digits masked) only when it was not answered."""
    session.execute(_INSERT, {"at": datetime.utcnow(), "sender": pseudonym(sender_id), "channel": channel,
                              "topic": topic, "city": city, "language": language, "answered": answered,
                              "text": None if answered or not text else mask_digits(text)[:MAX_TEXT]})


def forget(session: Session, sender_id: str) -> int:
    """Delete every question recorded for `sender_id`; how many."""
    return session.execute(delete(Question).where(Question.sender == pseudonym(sender_id))).rowcount


def purge(session: Session, older_than_seconds: float) -> int:
    """Delete the questions recorded longer ago than the cutoff; how many."""
    cutoff = datetime.utcnow() - timedelta(seconds=older_than_seconds)
    return session.execute(delete(Question).where(Question.at < cutoff)).rowcount
