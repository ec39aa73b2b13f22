"""The service directory's tables: countries, centres, services, events.

Text that users read is stored as given in the directory file: a plain string
(the same in both languages) or a mapping ``{es: ..., en: ...}``. Keys of a
record that the project does not know are kept in ``extra`` so that an export
gives the file back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import as_declarative, relationship


@as_declarative()
class Base:
    """What every table of the directory database is mapped from."""

    metadata: ClassVar[MetaData]
    __table__: ClassVar[Table]

    if TYPE_CHECKING:
        def __init__(self, **values: Any) -> None:
            """Declarative's constructor: values by column name."""


class Country(Base):
    """A country: its timezone and emergency lines."""

    __tablename__ = "directory_countries"
    key = Column(String(100), primary_key=True)  # folded name
    name = Column(String(200), nullable=False)
    timezone = Column(String(64), nullable=False)
    emergency = Column(JSON, nullable=False, default=list)
    extra = Column(JSON, nullable=False, default=dict)


class Centre(Base):
    """An integration centre."""

    __tablename__ = "directory_centres"
    id = Column(String(100), primary_key=True)
    name = Column(JSON, nullable=False)
    city = Column(String(200), nullable=False)
    city_key = Column(String(200), nullable=False, index=True)
    country_key = Column(String(100), ForeignKey("directory_countries.key"), nullable=False)
    address = Column(JSON, nullable=False)
    phone = Column(String(100))
    whatsapp = Column(String(100))
    email = Column(String(200))
    latitude = Column(Float)
    longitude = Column(Float)
    hours = Column(JSON)
    description = Column(JSON)
    staff_notes = Column(Text)
    extra = Column(JSON, nullable=False, default=dict)

    country = relationship(Country, lazy="joined")


class Service(Base):
    """A service, at a centre or on its own."""

    __tablename__ = "directory_services"
    id = Column(String(100), primary_key=True)
    name = Column(JSON, nullable=False)
    category = Column(String(40), nullable=False, index=True)
    centre_id = Column(String(100), ForeignKey("directory_centres.id"), index=True)
    city = Column(String(200), nullable=False)
    city_key = Column(String(200), nullable=False, index=True)
    address = Column(JSON)
    phone = Column(String(100))
    hours = Column(JSON)
    description = Column(JSON)
    requirements = Column(JSON)
    cost = Column(JSON)
    staff_notes = Column(Text)
    extra = Column(JSON, nullable=False, default=dict)

    centre = relationship(Centre, lazy="joined")


class Event(Base):
    """An event; `starts` and `ends` are local times of its city."""

    __tablename__ = "directory_events"
    id = Column(String(100), primary_key=True)
    title = Column(JSON, nullable=False)
    category = Column(String(40))
    centre_id = Column(String(100), ForeignKey("directory_centres.id"), index=True)
    city = Column(String(200), nullable=False)
    city_key = Column(String(200), nullable=False, index=True)
    address = Column(JSON)
    starts = Column(DateTime, nullable=False, index=True)
    ends = Column(DateTime)
    description = Column(JSON)
    registration = Column(String(500))
    cancelled = Column(Boolean, nullable=False, default=False)
    staff_notes = Column(Text)
    extra = Column(JSON, nullable=False, default=dict)

    centre = relationship(Centre, lazy="joined")


class DirectoryVersion(Base):
    """One row whose number grows with every change, so caches know when to reload."""

    __tablename__ = "directory_version"
    id = Column(Integer, primary_key=True)
    version = Column(Integer, nullable=False, default=0)


class Question(Base):
    """One question asked of the assistant, for the demand report: no phone numbers, no ids in clear.

    `sender` is a keyed hash of the sender id; `text` is kept only for questions
    the assistant could not answer, with digits masked.
    """

    __tablename__ = "report_questions"
    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, index=True)  # UTC
    sender = Column(String(64), nullable=False)
    channel = Column(String(20))
    topic = Column(String(40), nullable=False)
    city = Column(String(200))
    language = Column(String(2))
    answered = Column(Boolean, nullable=False, default=True)
    text = Column(Text)


class Staff(Base):
    """A municipal staff member, known by a pseudonym of their Telegram user id (`bot.privacy.staff_user`)."""

    __tablename__ = "staff"
    key = Column("telegram_id", String(40), primary_key=True)
    name = Column(String(200), nullable=False)
    cities = Column(JSON, nullable=False, default=list)
    added_at = Column(DateTime, nullable=False)


class Change(Base):
    """One change staff made to the directory: who, when, what before, what after."""

    __tablename__ = "directory_changes"
    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, index=True)  # UTC
    staff_id = Column(String(40), nullable=False)  # the staff member's key, never their Telegram id
    staff_name = Column(String(200), nullable=False)
    kind = Column(String(40), nullable=False)      # e.g. event.publish, event.cancel, centre.hours
    record_id = Column(String(100), nullable=False)
    before = Column(JSON)
    after = Column(JSON)


class StaffChat(Base):
    """Where the assistant can write to a staff member: their private chat with the bot, sealed
    (`bot.privacy.seal`), so the Telegram id is never stored in clear."""

    __tablename__ = "staff_chats"
    staff_key = Column(String(40), primary_key=True)  # `Staff.key`
    chat = Column(Text, nullable=False)


class HandoffRequest(Base):
    """A person's request to talk to a person: their question, for the staff of their city.

    The person is known by their conversation's pseudonym (`sender`); the address to answer them on is kept
    sealed (`reply_to`), read only to relay a staff member's answer, and erased with "delete my data".
    """

    __tablename__ = "handoff_requests"
    __table_args__ = {"sqlite_autoincrement": True}  # a number is never given again, even after an erasure
    id = Column(Integer, primary_key=True, autoincrement=True)  # the request number staff see
    sender = Column(String(80), nullable=False, index=True)
    channel = Column(String(20), nullable=False)                # whatsapp | telegram | rest
    reply_to = Column(Text)
    city = Column(String(200), nullable=False)
    city_key = Column(String(200), nullable=False, index=True)
    language = Column(String(2), nullable=False)
    question = Column(Text, nullable=False)
    context = Column(JSON, nullable=False, default=list)        # the turns before it: [{"who", "text"}]
    status = Column(String(10), nullable=False, default="waiting", index=True)  # waiting | taken | closed
    staff_key = Column(String(40))                              # who took it
    staff_name = Column(String(200))
    created_at = Column(DateTime, nullable=False)               # UTC, as every time below
    last_person_at = Column(DateTime, nullable=False)           # WhatsApp's 24-hour window counts from here
    announced_at = Column(DateTime)
    taken_at = Column(DateTime)
    first_reply_at = Column(DateTime)
    closed_at = Column(DateTime)
    returned = Column(Integer, nullable=False, default=0)       # times it went back to every staff member


class HandoffMessage(Base):
    """One message relayed between the person and the staff member of a request."""

    __tablename__ = "handoff_messages"
    id = Column(Integer, primary_key=True, autoincrement=True)
    request_id = Column(Integer, ForeignKey("handoff_requests.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(DateTime, nullable=False)
    author = Column(String(10), nullable=False)  # person | staff
    staff_key = Column(String(40))
    text = Column(Text, nullable=False)


class HandoffNotice(Base):
    """A message that announced a request in a staff member's chat: a reply to it answers that request."""

    __tablename__ = "handoff_notices"
    staff_key = Column(String(40), primary_key=True)
    message_id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("handoff_requests.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(DateTime, nullable=False)
