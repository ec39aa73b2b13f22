"""What every change staff make to the directory is: read from what they typed, said back to them, and made
only after their "yes", in one transaction that records who made it and bumps the directory's version (so
people see it on their next question)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Optional

from sqlalchemy.orm import Session

from bot.directory import db, members
from bot.directory.models import Staff
from bot.texts import Texts


class Change(ABC):
    """One change to the directory that a staff member asked for, read and checked but not yet made."""

    kind: ClassVar[str]  # as the change history names it: "event.publish"
    confirm: ClassVar[str]  # the domain.yml text that asks to confirm it, with its buttons (yes, no)

    @property
    @abstractmethod
    def city(self) -> str:
        """The city whose directory it changes (a member may change only theirs: `bot.directory.members.serves`)."""

    @abstractmethod
    def describe(self, texts: Texts) -> str:
        """The question that asks to confirm it, with the change spelled out, in the language of `texts`."""

    @abstractmethod
    def emphasis(self, texts: Texts) -> list[str]:
        """The names in the description to show in bold: the event's title, the centre's name."""

    @abstractmethod
    def apply(self, session: Session, member: Staff) -> Any:
        """Make the change in the caller's transaction, recorded as made by `member`; the record it changed."""

    @abstractmethod
    def done(self, texts: Texts) -> str:
        """What to tell the staff member once it is made."""

    def record(self, session: Session, member: Staff, record_id: str, before: Optional[dict],
               after: Optional[dict]) -> None:
        """Write the change into the change history and bump the directory's version (for `apply`)."""
        members.record_change(session, member, self.kind, record_id, before, after)
        db.bump_version(session)
