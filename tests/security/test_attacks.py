"""Attacks on the assistant as `make run` starts it (`python -m bot run`), each of which must fail.

One Rasa server and one action server are started by `bot.cli.launch`, with every channel on
(Telegram against a fake Bot API, WhatsApp signed with twilio's RequestValidator, the
token-protected REST channel), conversations in a SQLite tracker store, locks, dedup,
buttons and rate limits in the machine's Redis. A staff member talks on Telegram and a
migrant on WhatsApp; then an attacker tries, in order, what `docs/security.md` lists.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest
import redis
import yaml
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from bot.cli.waiting import wait_until_ready
from bot.directory import loader
from bot.privacy import PROOF_TTL_S, channel_sender, pseudonym, staff_user, vouch, vouched_user
from tests.channels.channel_harness import (
    TWILIO_ACCOUNT,
    TWILIO_NUMBER,
    TWILIO_TOKEN,
    BackgroundLoop,
    FakeBotApi,
    StubAgent,
    serve,
    telegram_turn,
    twilio_form,
)
from tests.conftest import FIXTURE, POSTGRES_URL, postgres_available, redis_available, require
from tools.processes import HOST, PROJECT_ROOT, free_port, newest_model, post, stop_group

PY = sys.executable
TELEGRAM_TOKEN, TELEGRAM_SECRET = "424242:SECURITY", "telegram-secret-" + secrets.token_hex(8)
REST_TOKEN, API_TOKEN = "rest-" + secrets.token_hex(16), "api-" + secrets.token_hex(16)
STAFF_ID, ATTACKER_ID = 987654321, 987650001
PHONE, OTHER_PHONE = "whatsapp:+573001234567", "whatsapp:+573007654321"
PROFILE = "Yolanda Pérez"
REDIS_DB = 9
CENTRE_PHONE = "+57 607 555 0101"  # the Cúcuta centre's phone in tests/data/directory.yml
STAFF_ONLY = "solo lo puede hacer el personal"


@dataclass
class World:
    """The running servers and what is needed to talk to them and to look inside them."""

    url: str
    tmp: Path
    fake: FakeBotApi
    loop: BackgroundLoop
    directory: Path
    tracker: Path
    log: Path
    redis: redis.Redis

    def telegram(self, user: int, text: str) -> list:
        """Send `text` from Telegram user `user` in their private chat; the Bot API calls to that chat."""
        return telegram_turn(self.url, self.fake, user, text, TELEGRAM_SECRET)

    def whatsapp(self, text: str, sender: str = PHONE) -> str:
        """Send `text` from `sender` on WhatsApp, signed as Twilio signs; the reply's text."""
        url = f"{self.url}/webhooks/whatsapp/webhook"
        form = twilio_form(text, sender, ProfileName=PROFILE)
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
        status, body = post(url, urllib.parse.urlencode(form).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
        assert status == 200, body
        return body.decode("utf-8")

    def rest(self, sender: str, message: str, token: Optional[str] = REST_TOKEN,
             **extra: object) -> tuple[int, object]:
        """POST to the REST channel (with the bearer `token`, none when None); the status and the JSON body."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, body = post(f"{self.url}/webhooks/rest/webhook",
                            json.dumps({"sender": sender, "message": message, **extra}).encode(), headers)
        return status, json.loads(body or b"null")

    def stored_senders(self) -> set[str]:
        """The conversation keys in the tracker database."""
        with sqlite3.connect(self.tracker) as connection:
            return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}


def _text(replies: object) -> str:
    return " ".join(str(reply.get("text") or "") for reply in replies) if isinstance(replies, list) else ""


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    require(redis_available(), "Redis at 127.0.0.1:6379")
    tmp = tmp_path_factory.mktemp("attacks")
    directory = tmp / "directory.db"
    database_url = f"sqlite:///{directory}"
    assert loader.load(FIXTURE.read_text("utf-8"), database_url).ok
    store = redis.Redis(host=HOST, port=6379, db=REDIS_DB)
    store.flushdb()
    loop = BackgroundLoop()
    fake = loop.run(FakeBotApi().start())
    port, actions_port = free_port(), free_port()
    endpoints = {
        "action_endpoint": {"url": f"http://{HOST}:{actions_port}/webhook", "enable_selective_domain": True},
        "tracker_store": {"type": "bot.rasa_server.tracker_store.PrivateSQLTrackerStore", "dialect": "sqlite",
                          "db": str(tmp / "tracker.db")},
        "lock_store": {"type": "redis", "url": HOST, "port": 6379, "db": REDIS_DB, "key_prefix": "attacks"},
    }
    (tmp / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
    env = {name: value for name, value in os.environ.items() if name != "BOT_HASH_KEY"}
    env.update(BOT_DATABASE_URL=database_url, BOT_REDIS_URL=f"redis://{HOST}:6379/{REDIS_DB}",
               RASA_TELEMETRY_ENABLED="false", RASA_API_TOKEN=API_TOKEN, BOT_REST_TOKEN=REST_TOKEN,
               TELEGRAM_TOKEN=TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN=TELEGRAM_SECRET,
               TELEGRAM_BASE_URL=f"{fake.url}/bot", TWILIO_ACCOUNT_SID=TWILIO_ACCOUNT,
               TWILIO_AUTH_TOKEN=TWILIO_TOKEN, TWILIO_WHATSAPP_NUMBER=TWILIO_NUMBER)
    added = subprocess.run([PY, "-m", "bot", "staff", "add", str(STAFF_ID), "--name", "Ana"], cwd=PROJECT_ROOT,
                           env=env, capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    log = tmp / "run.log"
    with log.open("ab") as out:
        process = subprocess.Popen([PY, "-m", "bot", "run", "--port", str(port), "--actions-port", str(actions_port),
                                    "--interface", HOST, "--endpoints", str(tmp / "endpoints.yml"),
                                    "--model", str(newest_model())],
                                   cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://{HOST}:{port}"
    try:
        wait_until_ready(f"{url}/status?token={API_TOKEN}", [process],
                         lambda: log.read_text("utf-8", "replace")[-3000:], timeout=300)
        yield World(url, tmp, fake, loop, directory, tmp / "tracker.db", log, store)
    finally:
        stop_group(process)
        loop.stop()
        store.flushdb()


@pytest.fixture(scope="module")
def conversations(world: World) -> World:
    """A staff member's and a migrant's conversations, as real people have them."""
    assert any(call.method == "sendPhoto" for call in world.telegram(STAFF_ID, "/report")), "staff works"
    assert "Cúcuta" in world.whatsapp("Hola, estoy en Cúcuta. ¿Dónde queda el centro de integración?")
    world.telegram(ATTACKER_ID, "hola")
    return world


# --------------------------------------------------------------------------
# The doors: the HTTP API, the REST channel, the action server


def test_the_http_api_refuses_a_client_without_the_token(conversations: World):
    victim = channel_sender("whatsapp", PHONE)
    status, body = _get(f"{conversations.url}/conversations/{victim}/tracker")
    assert status == 401, body
    status, _ = post(f"{conversations.url}/conversations/{victim}/tracker/events",
                     json.dumps({"event": "slot", "name": "city", "value": "Lima"}).encode(),
                     {"Content-Type": "application/json"})
    assert status == 401
    status, _ = _get(f"{conversations.url}/conversations/{victim}/tracker?token=wrong")
    assert status == 401
    assert _get(f"{conversations.url}/status?token={API_TOKEN}")[0] == 200  # the operator's token works


def test_the_rest_channel_refuses_a_client_without_its_token(conversations: World):
    for token in (None, "wrong-token-of-some-length"):
        status, _ = conversations.rest("intruder", "hola", token=token)
        assert status == 401
    assert pseudonym(channel_sender("rest", "intruder")) not in conversations.stored_senders()
    status, replies = conversations.rest("someone", "hola")
    assert status == 200 and "Hola" in _text(replies)


def test_the_action_server_listens_on_loopback_only(conversations: World):
    ports = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    [actions] = [line for line in ports.splitlines() if line.split()[3].endswith(f":{_actions_port(conversations)}")]
    assert actions.split()[3].startswith("127.0.0.1:"), actions


def _actions_port(world: World) -> int:
    config = yaml.safe_load((world.tmp / "endpoints.yml").read_text())
    return int(config["action_endpoint"]["url"].rsplit(":", 1)[1].split("/")[0])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --------------------------------------------------------------------------
# Acting as staff or as someone else


@pytest.mark.parametrize("sender", [str(STAFF_ID), channel_sender("telegram", str(STAFF_ID))])
def test_no_rest_client_becomes_staff_whatever_it_claims(conversations: World, sender: str):
    claim = {"staff_user": staff_user(STAFF_ID), "issued_at": int(time.time()), "staff_proof": "0" * 64,
             "telegram_user_id": STAFF_ID, "staff_token": "0" * 64}
    status, replies = conversations.rest(sender, "/report", metadata=claim, input_channel="telegram")
    assert status == 200 and STAFF_ONLY in _text(replies)
    conversations.rest(sender, "cambiar el telefono del centro", metadata=claim)
    conversations.rest(sender, "Atalaya", metadata=claim)
    conversations.rest(sender, "telefono", metadata=claim)
    conversations.rest(sender, "+57 1 000 0000", metadata=claim)
    conversations.rest(sender, "si", metadata=claim)
    with sqlite3.connect(conversations.directory) as connection:
        phones = {row[0] for row in connection.execute("SELECT phone FROM directory_centres")}
        changes = connection.execute("SELECT COUNT(*) FROM directory_changes").fetchone()[0]
    assert "+57 1 000 0000" not in phones and CENTRE_PHONE in phones and changes == 0


def test_another_telegram_user_is_not_staff(conversations: World):
    calls = conversations.telegram(ATTACKER_ID, "/report")
    assert not any(call.method == "sendPhoto" for call in calls)
    assert STAFF_ONLY in " ".join(str(call.params.get("text")) for call in calls)


def test_no_staff_proof_is_stored_in_the_conversation(conversations: World):
    stored = _bytes(conversations.tracker)
    assert b"staff_proof" not in stored and b"staff_token" not in stored
    assert staff_user(STAFF_ID).encode() in stored  # the pseudonym, which proves nothing by itself


def test_a_staff_proof_holds_for_its_own_message_only():
    sender = channel_sender("telegram", str(STAFF_ID))
    proof = vouch(sender, "1001", STAFF_ID)
    assert vouched_user(sender, "1001", proof) == staff_user(STAFF_ID)
    assert vouched_user(sender, "1002", proof) is None                            # replayed with another message
    assert vouched_user("rest-" + sender, "1001", proof) is None                  # in another conversation
    assert vouched_user(sender, "1001", proof, now=time.time() + PROOF_TTL_S + 1) is None  # too late
    assert vouched_user(sender, "1001", {**proof, "staff_user": staff_user(ATTACKER_ID)}) is None


def test_a_rest_client_cannot_continue_or_erase_a_whatsapp_conversation(conversations: World):
    victim = pseudonym(channel_sender("whatsapp", PHONE))
    for sender in (PHONE, channel_sender("whatsapp", PHONE)):
        _, replies = conversations.rest(sender, "¿y a qué hora abre?")
        assert "¿En qué ciudad estás?" in _text(replies) and "Atalaya" not in _text(replies)  # a stranger's city
        conversations.rest(sender, "borrar mis datos")
        conversations.rest(sender, "si")
    assert victim in conversations.stored_senders()
    assert "Atalaya" in conversations.whatsapp("¿y a qué hora abre?")  # the migrant's own city is still known


# --------------------------------------------------------------------------
# Nothing personal kept in clear


SECRETS_OF_PEOPLE = [PHONE.removeprefix("whatsapp:+57").encode(), str(STAFF_ID).encode(),
                     str(ATTACKER_ID).encode(), "Yolanda".encode()]


def _bytes(database: Path) -> bytes:
    """Every byte SQLite holds for `database` (the file and its write-ahead log)."""
    return b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))


def test_no_phone_number_telegram_id_or_name_is_stored_or_logged(conversations: World):
    places = {"tracker database": _bytes(conversations.tracker),
              "directory database": _bytes(conversations.directory),
              "server logs": conversations.log.read_bytes(),
              "Redis keys": b" ".join(conversations.redis.keys("*")),
              "Redis values": b" ".join(str(conversations.redis.dump(key)).encode()
                                        for key in conversations.redis.keys("*"))}
    assert places["Redis keys"], "Redis was used"
    assert b" INFO " in places["server logs"] or b"INFO" in places["server logs"], "the logs are at INFO"
    for place, content in places.items():
        for value in SECRETS_OF_PEOPLE:
            assert value not in content, f"{value!r} in the {place}"


def test_delete_my_data_also_erases_what_redis_holds(conversations: World):
    sender = channel_sender("whatsapp", OTHER_PHONE)
    assert "1. " in conversations.whatsapp("quiero borrar mis datos", OTHER_PHONE)  # yes / no, numbered
    assert any(sender.encode() in key for key in conversations.redis.keys("*")), "buttons and count kept"
    assert "borré" in conversations.whatsapp("1", OTHER_PHONE)  # the first button: yes, delete
    assert not [key for key in conversations.redis.keys("*") if sender.encode() in key]
    assert pseudonym(sender) not in conversations.stored_senders()


def test_secret_files_are_for_their_owner_only(conversations: World):
    var = PROJECT_ROOT / "var"
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name in ("credentials.yml", "hash.key"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
    credentials = yaml.safe_load((var / "credentials.yml").read_text())
    assert set(credentials) == {"channels.rest.RestInput", "channels.telegram.TelegramInput",
                                "channels.whatsapp.WhatsAppInput"}  # never Rasa's own `rest`


# --------------------------------------------------------------------------
# Starting, proxies, purging, directory files


def test_make_run_refuses_a_half_configured_channel(tmp_path):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("TELEGRAM_", "TWILIO_", "BOT_REST", "WHATSAPP_"))}
    env.update(TELEGRAM_TOKEN="1:A", BOT_REST_TOKEN=REST_TOKEN)
    done = subprocess.run([PY, "-m", "bot", "run", "--port", str(free_port()), "--actions-port", str(free_port())],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "channel on:  rest" in done.stderr and "TELEGRAM_SECRET_TOKEN missing" in done.stderr
    assert "channel off: whatsapp (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_NUMBER)" in done.stderr


PUBLIC_URL = "https://bot.example.org/webhooks/whatsapp/webhook"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.org"}


@pytest.mark.parametrize("trusted, status", [("10.20.30.40", 403), ("127.0.0.1", 200)])
def test_forwarded_headers_count_only_from_a_trusted_proxy(trusted: str, status: int):
    from channels.whatsapp import WhatsAppInput

    loop, agent = BackgroundLoop(), StubAgent(str(PROJECT_ROOT / "tests" / "data" / "chart.png"))
    try:
        channel = WhatsAppInput.from_credentials({"account_sid": TWILIO_ACCOUNT, "auth_token": TWILIO_TOKEN,
                                                  "whatsapp_number": TWILIO_NUMBER, "trusted_proxies": trusted})
        url, _ = loop.run(serve([channel], agent))
        form = twilio_form("Hola", "whatsapp:+573000000099")
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC_URL, form)
        got, _ = post(f"{url}/webhooks/whatsapp/webhook", urllib.parse.urlencode(form).encode(),
                      {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature,
                       **FORWARDED})
        assert got == status
        assert bool(agent.received("whatsapp:+573000000099")) == (status == 200)
    finally:
        loop.stop()


def test_purge_works_on_the_postgresql_of_the_deploy_guide(tmp_path):
    require(postgres_available(), "PostgreSQL at 127.0.0.1:5432")
    schema = f"purge_{secrets.token_hex(4)}"
    engine = create_engine(POSTGRES_URL, future=True)
    now = time.time()
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
        connection.execute(text(f"CREATE TABLE {schema}.events (id SERIAL PRIMARY KEY, sender_id TEXT, "
                                "type_name TEXT, timestamp DOUBLE PRECISION, data TEXT)"))
        for sender, age in (("gone", 100), ("back", 95), ("back", 0.1), ("new", 0)):
            connection.execute(text(f"INSERT INTO {schema}.events (sender_id, type_name, timestamp) "
                                    "VALUES (:s, 'user', :t)"), {"s": sender, "t": now - age * 86400})
    endpoints = tmp_path / "endpoints.production.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {
        "type": "bot.rasa_server.tracker_store.PrivateSQLTrackerStore", "dialect": "postgresql", "url": "127.0.0.1",
        "port": 5432, "db": "test", "username": "postgres", "password": "${DB_PASSWORD}",
        "query": {"options": f"-csearch_path={schema}"}}}))
    try:
        done = subprocess.run([PY, "-m", "bot", "privacy", "purge", "--older-than", "90d", "--endpoints",
                               str(endpoints)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, DB_PASSWORD="unused-with-trust-auth",
                                       BOT_DATABASE_URL=f"sqlite:///{tmp_path / 'directory.db'}"))
        assert done.returncode == 0, done.stderr
        assert "deleted 2 stored events" in done.stdout and "(1 conversations entirely)" in done.stdout
        with engine.connect() as connection:
            kept = connection.execute(text(f"SELECT sender_id FROM {schema}.events ORDER BY timestamp")).scalars()
            assert list(kept) == ["back", "new"]
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


ALIAS_BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
centres:
  - {id: bomb, name: Bomba, city: Cúcuta, country: Colombia, address: Calle 1, junk: *e}
"""


@pytest.mark.parametrize("content, problem", [
    (ALIAS_BOMB, "anchors and aliases"),
    ("centres:\n  - {id: huge, name: Huge, city: Cúcuta, country: Colombia, address: Calle 1, description: "
     + "x" * 6000 + "}\n", "huge: description: is 6,000 characters long"),
    ("centres:\n  - {id: fat, name: Fat, city: Cúcuta, country: Colombia, address: Calle 1, notes: ["
     + ", ".join(['"' + "y" * 900 + '"'] * 12) + "]}\n", "fat: unknown keys: hold"),
])
def test_a_directory_file_that_would_blow_up_is_refused_whole(tmp_path, content: str, problem: str):
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    assert loader.load(FIXTURE.read_text("utf-8"), url).ok
    before = _bytes(tmp_path / "directory.db")
    path = tmp_path / "bad.yml"
    path.write_text(content, "utf-8")
    done = subprocess.run([PY, "-m", "bot", "directory", "load", str(path)], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, BOT_DATABASE_URL=url))
    assert done.returncode == 1
    assert problem in done.stderr
    with sqlite3.connect(tmp_path / "directory.db") as connection:
        assert not connection.execute("SELECT id FROM directory_centres WHERE id IN ('bomb', 'huge', 'fat')").fetchall()
    assert len(_bytes(tmp_path / "directory.db")) <= len(before) + 65536
