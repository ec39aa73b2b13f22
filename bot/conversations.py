"""The stored conversations (Rasa's SQL tracker store named in endpoints.yml): purging old ones."""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Optional

import yaml
from sqlalchemy import bindparam, create_engine, text

from bot.settings import PROJECT_ROOT


def tracker_store_url(endpoints: Path = PROJECT_ROOT / "endpoints.yml") -> Optional[str]:
    """The SQLAlchemy URL of the SQL tracker store configured in `endpoints`, if there is one."""
    with warnings.catch_warnings():  # Rasa's own SQLAlchemy 2.0 deprecation notices
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore

    config = (yaml.safe_load(endpoints.read_text("utf-8")) or {}).get("tracker_store") or {}
    if not config.get("dialect"):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        url = SQLTrackerStore.get_db_url(config["dialect"], config.get("url") or config.get("host"),
                                         config.get("port"), config.get("db", "rasa.db"), config.get("username"),
                                         config.get("password"))
    return str(url)


def purge(url: str, older_than_seconds: float, now: Optional[float] = None) -> int:
    """Delete every conversation whose last event is older than the cutoff; how many were deleted."""
    cutoff = (now or time.time()) - older_than_seconds
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return 0
            old = connection.execute(text("SELECT sender_id FROM events GROUP BY sender_id "
                                          "HAVING MAX(timestamp) < :cutoff"), {"cutoff": cutoff}).scalars().all()
            delete = text("DELETE FROM events WHERE sender_id IN :ids").bindparams(bindparam("ids", expanding=True))
            for start in range(0, len(old), 500):
                connection.execute(delete, {"ids": old[start:start + 500]})
        return len(old)
    finally:
        engine.dispose()
