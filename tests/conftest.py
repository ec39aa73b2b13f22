"""Shared fixtures: a real directory database (SQLite, and PostgreSQL when it runs) and its texts."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator, Optional

import pytest
import redis
from sqlalchemy import create_engine, text

from bot.directory import db, loader
from tests.servers import Servers

HERE = Path(__file__).parent
FIXTURE = HERE / "data" / "directory.yml"
POSTGRES_URL = os.environ.get("BOT_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    """Whether the PostgreSQL of the machine answers."""
    try:
        with create_engine(POSTGRES_URL, future=True).connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:
        return False


def redis_available() -> bool:
    """Whether the Redis of the machine answers."""
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def require(available: bool, what: str) -> None:
    """Skip the test when `what` is not running here, unless on CI, where it must run: then fail."""
    if not available:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is required on CI")
        pytest.skip(f"{what} is not running here (CI unset)")


def _postgres_url() -> str:
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is required on CI")
        pytest.skip("PostgreSQL is not running here (CI unset)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with create_engine(POSTGRES_URL, future=True).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def serve_fixture(tmp: Path, credentials: Optional[dict] = None, tracker: bool = False) -> Iterator[Servers]:
    """The real servers on a new SQLite directory holding tests/data/directory.yml (for a module fixture)."""
    url = f"sqlite:///{tmp / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    running = Servers(tmp, url, credentials=credentials, tracker_db=tmp / "tracker.db" if tracker else None)
    running.start()
    yield running
    running.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    """An empty directory database, named by BOT_DATABASE_URL for the code under test."""
    url = f"sqlite:///{tmp_path / 'directory.db'}" if request.param == "sqlite" else _postgres_url()
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    yield url
    engine = db.engine(url)
    if request.param == "postgresql":
        schema = url.rsplit("%3D", 1)[1]
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()
    db.forget_engines()


@pytest.fixture
def loaded(database_url) -> str:
    """A directory database holding tests/data/directory.yml."""
    result = loader.load(FIXTURE.read_text("utf-8"), database_url)
    assert result.ok, result.problems
    return database_url
