"""Database engines and sessions for the directory, one engine per URL."""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy import create_engine, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot import settings
from bot.models import Base, DirectoryVersion


@functools.lru_cache(maxsize=8)
def engine(url: Optional[str] = None) -> Engine:
    """The engine for `url` (default: `BOT_DATABASE_URL`), with the tables created if missing."""
    url = url or settings.database_url()
    options = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    created = create_engine(url, **options)
    if url.startswith("sqlite"):
        event.listen(created, "connect", _sqlite_pragmas)
    Base.metadata.create_all(created)
    return created


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@contextmanager
def session(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on an exception."""
    with Session(engine(url), future=True, expire_on_commit=False) as current:
        with current.begin():
            yield current


def version(current: Session) -> int:
    """The directory's change counter (0 for an empty directory)."""
    return current.execute(select(DirectoryVersion.version).where(DirectoryVersion.id == 1)).scalar() or 0


def bump_version(current: Session) -> None:
    """Count one more change to the directory, inside the caller's transaction."""
    if current.execute(update(DirectoryVersion).where(DirectoryVersion.id == 1)
                       .values(version=DirectoryVersion.version + 1)).rowcount == 0:
        current.add(DirectoryVersion(id=1, version=1))
