"""Database engines and sessions for the directory, one engine per URL."""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager
from typing import Iterator, Optional, Union

from sqlalchemy import create_engine, event, select, update
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from bot import settings
from bot.directory import search
from bot.directory.models import Base, DirectoryVersion

# Every session keeps the directory's full-text index in step with what it writes.
event.listen(Session, "after_flush", search.keep_in_step)


def engine(url: Optional[str] = None) -> Engine:
    """The engine for `url` (default: `BOT_DATABASE_URL` as it is now), with the tables created if missing;
    one engine a URL per process."""
    return _engine(url or settings.database_url())


CREATE_TRIES = 3


@functools.lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        created = sqlite_engine(url)
    else:
        created = create_engine(url, future=True, pool_pre_ping=True)  # a server may drop idle connections
    for attempt in range(1, CREATE_TRIES + 1):
        try:
            Base.metadata.create_all(created)
            search.create(created)
            return created
        except (IntegrityError, ProgrammingError):
            # another process created the same tables at the same moment (two servers starting on a new
            # PostgreSQL database): they exist now, which the next try sees
            if attempt == CREATE_TRIES:
                raise
            time.sleep(0.2 * attempt)
    return created


def forget_engines() -> None:
    """Forget every engine made so far (a test that dropped its database), so the next use makes a new one."""
    _engine.cache_clear()


def sqlite_engine(url: Union[str, URL]) -> Engine:
    """An engine for a SQLite database that keeps its connections in a pool, in WAL mode (synchronous=NORMAL)
    with foreign keys on.

    (SQLAlchemy 1.4 otherwise opens and sets up a new connection for every
    session on a SQLite file; WAL lets readers go on while one process writes.)
    """
    options: dict = {"future": True, "connect_args": {"check_same_thread": False, "timeout": 30}}
    if not _in_memory(str(url)):
        options["poolclass"] = QueuePool
    created = create_engine(url, **options)
    event.listen(created, "connect", _sqlite_pragmas)
    return created


def _in_memory(url: str) -> bool:
    return url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the file; a commit waits for no disk flush (about 3 ms each
    # here) and only a power cut or OS crash, not a crash of the assistant, can undo the last ones.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on an exception."""
    with Session(engine(url), future=True, expire_on_commit=False) as current:
        with current.begin():
            yield current


_VERSION = select(DirectoryVersion.version).where(DirectoryVersion.id == 1)


def version(url: Optional[str] = None) -> int:
    """The directory's change counter (0 for an empty directory); a cheap read, made before every message."""
    with engine(url).connect() as connection:
        return connection.execute(_VERSION).scalar() or 0


def bump_version(current: Session) -> None:
    """Count one more change to the directory, inside the caller's transaction."""
    if current.execute(update(DirectoryVersion).where(DirectoryVersion.id == 1)
                       .values(version=DirectoryVersion.version + 1)).rowcount == 0:
        current.add(DirectoryVersion(id=1, version=1))
