"""The stored conversations (Rasa's SQL tracker store named in an endpoints file): purging old messages."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, text

from bot.settings import PROJECT_ROOT


def tracker_store_url(endpoints: Path = PROJECT_ROOT / "endpoints.yml") -> Optional[str]:
    """The SQLAlchemy URL of the SQL tracker store configured in `endpoints`, if there is one.

    The file is read as Rasa reads it, `${VARIABLE}`s filled from the environment (docs/deploy.md's
    `password: ${DB_PASSWORD}`); ValueError when a variable it names is not set.
    """
    with warnings.catch_warnings():  # Rasa's own SQLAlchemy 2.0 deprecation notices
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore
        from rasa.shared.exceptions import RasaException
        from rasa.utils.endpoints import read_endpoint_config

    try:
        config = read_endpoint_config(str(endpoints), "tracker_store")
    except RasaException as error:
        raise ValueError(str(error)) from error
    if config is None or not config.kwargs.get("dialect"):
        return None
    options = config.kwargs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        url = SQLTrackerStore.get_db_url(options["dialect"], config.url or options.get("host"), options.get("port"),
                                         options.get("db", "rasa.db"), options.get("username"),
                                         options.get("password"), query=options.get("query"))
    return url.render_as_string(hide_password=False) if hasattr(url, "render_as_string") else str(url)


@dataclass(frozen=True)
class Purged:
    """What a purge deleted: messages and other events, and conversations left with nothing."""

    events: int
    conversations: int


def purge(url: str, older_than_seconds: float, now: Optional[float] = None) -> Purged:
    """Delete every stored event older than the cutoff, by the time of the event itself: a person who came
    back keeps only what is recent."""
    cutoff = (now or time.time()) - older_than_seconds
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return Purged(0, 0)
            emptied = connection.execute(text("SELECT COUNT(*) FROM (SELECT sender_id FROM events GROUP BY sender_id "
                                              "HAVING MAX(timestamp) < :cutoff) AS old"), {"cutoff": cutoff}).scalar()
            events = connection.execute(text("DELETE FROM events WHERE timestamp < :cutoff"),
                                        {"cutoff": cutoff}).rowcount
        return Purged(events, int(emptied or 0))
    finally:
        engine.dispose()
