"""Conversations are kept by pseudonym, survive a restart, and are erased when the user asks."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from typing import Iterator

import pytest
import yaml
from sqlalchemy import text

from bot.directory import db, questions
from bot.directory.models import Question
from bot.handoff import requests
from bot.privacy import pseudonym
from bot.rasa_server import conversations
from tests.conftest import HERE, serve_fixture
from tests.servers import Servers

SENDER = "whatsapp:+573001112233"


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    yield from serve_fixture(tmp_path_factory.mktemp("persistence"), tracker=True)


def stored_senders(servers: Servers) -> set[str]:
    with sqlite3.connect(servers.tracker_db) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}


def text_of(messages: list[dict]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


def test_sender_ids_are_stored_only_as_pseudonyms(servers):
    servers.say(SENDER, "hola")
    senders = stored_senders(servers)
    assert pseudonym(SENDER) in senders
    assert not any("573001112233" in sender for sender in senders)


def test_a_restart_loses_no_conversation_state(servers):
    sender = "telegram:4242"
    servers.say(sender, "donde esta el centro?")          # the form asks for the city
    assert "N45-12" in text_of(servers.say(sender, "Quito"))  # the city slot is now Quito
    servers.restart_rasa()
    reply = text_of(servers.say(sender, "and the hours?"))   # remembered city, and English now
    assert "09:00-13:00" in reply and "Hours" in reply


def test_delete_my_data_erases_the_conversation_and_what_is_stored(servers):
    sender = "whatsapp:+573009998877"
    servers.say(sender, "necesito un abogado en cucuta")
    with db.session(servers.database_url) as session:
        assert session.query(Question).filter(Question.sender == pseudonym(sender)).count() == 1
    assert pseudonym(sender) in stored_senders(servers)
    assert "borrar" in text_of(servers.say(sender, "borra mis datos"))
    assert "borré" in text_of(servers.say(sender, "si"))
    assert pseudonym(sender) not in stored_senders(servers)
    with db.session(servers.database_url) as session:
        assert session.query(Question).filter(Question.sender == pseudonym(sender)).count() == 0
    assert "Hola" in text_of(servers.say(sender, "hola"))  # a fresh conversation


def test_purge_deletes_old_messages_by_their_own_time(tmp_path):
    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                           "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)")
        now = time.time()
        rows = [("old", now - 100 * 86400), ("old", now - 95 * 86400), ("mixed", now - 100 * 86400),
                ("mixed", now - 3600), ("new", now)]
        connection.executemany("INSERT INTO events (sender_id, type_name, timestamp) VALUES (?, 'user', ?)", rows)
    assert conversations.purge(f"sqlite:///{tracker}", 90 * 86400) == conversations.Purged(events=3, conversations=1)
    with sqlite3.connect(tracker) as connection:  # the one who came back keeps only the recent message
        kept = connection.execute("SELECT sender_id, timestamp FROM events ORDER BY timestamp").fetchall()
    assert kept == [("mixed", now - 3600), ("new", now)]


def test_purge_from_the_command_line(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {
        "type": "bot.rasa_server.tracker_store.PrivateSQLTrackerStore",
        "dialect": "sqlite", "db": str(tmp_path / "t.db")}}))
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    with db.session(url) as session:
        questions.record(session, "someone", "legal", "Quito", "es", "whatsapp")
        old = datetime.utcnow() - timedelta(days=100)
        asked, _ = requests.leave(session, sender="whatsapp-old", channel="whatsapp", reply_to=None, city="Quito",
                                  language="es", question="¿y mi cita?", context=[], now=old)
        requests.record(session, asked, "staff", "el lunes", old)
    done = subprocess.run([sys.executable, "-m", "bot", "privacy", "purge", "--older-than", "0m",
                           "--endpoints", str(endpoints)], cwd=HERE.parent, capture_output=True, text=True,
                          env={"BOT_DATABASE_URL": url, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "1 report entries and 1 requests to talk to a person" in done.stdout
    with db.session(url) as session:
        assert session.execute(text("select count(*) from handoff_messages")).scalar_one() == 0
