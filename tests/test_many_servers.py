"""Several Rasa servers behind one address: a PostgreSQL tracker store and directory, a Redis lock store.

Two `rasa run` processes on different ports share one action server, the
tracker store and directory in PostgreSQL, and a Redis lock store; the turns
of many concurrent conversations go alternately to both. Every message must be
answered, and each conversation must hold every turn once, in order. Then one
server is killed mid-way through ten conversations: every turn is still answered,
in context, by the other.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.cli.waiting import wait_until_ready
from bot.directory import db, loader
from tests.conftest import FIXTURE, POSTGRES_URL, postgres_available, redis_available
from tools.processes import HOST, PROJECT_ROOT, RASA, free_port, newest_model, post, stop_group

CONVERSATIONS = 10
LOCK_LIFETIME_S = 20  # docs/deploy.md: a dead server's conversation locks are free again after this


@dataclass
class Cluster:
    """The two Rasa servers' base URLs and processes."""

    urls: list[str]
    rasa: list[subprocess.Popen]
TURNS = ["hola", "donde esta el centro?", "Quito", "y el horario?", "necesito un abogado en cucuta", "gracias"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    if not (postgres_available() and redis_available()):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 are required on CI")
        pytest.skip("PostgreSQL or Redis is not running here (CI unset)")
    tmp = tmp_path_factory.mktemp("cluster")
    name = f"bot_multi_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    directory_url = f"postgresql+psycopg2://postgres@{HOST}:5432/{name}"
    assert loader.load(FIXTURE.read_text("utf-8"), directory_url).ok
    actions_port = free_port()
    endpoints = {
        "action_endpoint": {"url": f"http://{HOST}:{actions_port}/webhook", "enable_selective_domain": True},
        "tracker_store": {"type": "bot.rasa_server.tracker_store.PrivateSQLTrackerStore", "dialect": "postgresql",
                          "url": HOST, "port": 5432, "username": "postgres", "db": name},
        "lock_store": {"type": "bot.rasa_server.lock_store.ResilientRedisLockStore", "url": HOST, "port": 6379, "db": 1,
                       "key_prefix": name.replace("_", "")},
    }
    (tmp / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
    (tmp / "credentials.yml").write_text(yaml.safe_dump({"rest": None}))
    env = dict(os.environ, BOT_DATABASE_URL=directory_url, RASA_TELEMETRY_ENABLED="false", SANIC_HOST=HOST,
               TICKET_LOCK_LIFETIME=str(LOCK_LIFETIME_S))
    processes = [_spawn(tmp / "actions.log", ["run", "actions", "--port", str(actions_port)], env)]
    ports = [free_port(), free_port()]
    for port in ports:
        processes.append(_spawn(tmp / f"rasa-{port}.log", [
            "run", "--enable-api", "--interface", HOST, "--port", str(port), "--model", str(newest_model()),
            "--credentials", str(tmp / "credentials.yml"), "--endpoints", str(tmp / "endpoints.yml")], env))
    try:
        for url in [f"http://{HOST}:{actions_port}/health"] + [f"http://{HOST}:{port}/status" for port in ports]:
            wait_until_ready(url, processes, lambda: "\n".join(
                path.read_text("utf-8", "replace")[-2000:] for path in tmp.glob("*.log")), timeout=240)
        yield Cluster([f"http://{HOST}:{port}" for port in ports], processes[1:])
    finally:
        for process in processes:
            stop_group(process)
        db.engine(directory_url).dispose()
        db.forget_engines()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _spawn(log: Path, args: list[str], env: dict) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen([str(RASA), *args], cwd=PROJECT_ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def converse(servers: list[str], sender: str) -> list[list[dict]]:
    """Play every turn of one conversation, alternating servers; the replies."""
    replies = []
    for number, turn in enumerate(TURNS):
        status, body = post(f"{servers[number % 2]}/webhooks/rest/webhook",
                            json.dumps({"sender": sender, "message": turn}).encode(),
                            {"Content-Type": "application/json"})
        assert status == 200, body
        replies.append(json.loads(body))
    return replies


def test_concurrent_conversations_across_two_servers(cluster):
    senders = [f"whatsapp:+57300{index:07d}" for index in range(CONVERSATIONS)]
    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        results = dict(zip(senders, pool.map(lambda sender: converse(cluster.urls, sender), senders), strict=True))
    for sender, replies in results.items():
        assert all(reply and any(message.get("text") for message in reply) for reply in replies), sender
        assert "N45-12" in "\n".join(message.get("text", "") for message in replies[2])   # the form got Quito
        assert "09:00-13:00" in "\n".join(message.get("text", "") for message in replies[3])  # it remembered
        status, body = _get(f"{cluster.urls[0]}/conversations/{sender}/tracker")
        events = json.loads(body)["events"]
        said = [event["text"] for event in events if event["event"] == "user"]
        assert said == TURNS, (sender, said)
        bot_turns = [event for event in events if event["event"] == "action" and event["name"] == "action_listen"]
        assert len(bot_turns) == len(TURNS) + 1  # one listen after each turn, and the session start's


def _get(url: str) -> tuple[int, bytes]:
    import urllib.request
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=30) as reply:
        return reply.status, reply.read()


def test_killing_one_server_mid_conversations_loses_no_message(cluster):
    """Ten conversations; one server is killed (SIGKILL) mid-way; what it was handling, or is sent to it
    afterwards, is retried on the other, as a load balancer does: every turn is answered, in context."""
    senders = [f"whatsapp:+57301{index:07d}" for index in range(CONVERSATIONS)]
    with ThreadPoolExecutor(max_workers=CONVERSATIONS + 1) as pool:
        running = [pool.submit(converse_with_failover, cluster.urls, sender) for sender in senders]
        time.sleep(2.0)
        os.killpg(cluster.rasa[0].pid, signal.SIGKILL)
        results = dict(zip(senders, (future.result() for future in running), strict=True))
    for sender, replies in results.items():
        assert all(replies), (sender, replies)
        assert "N45-12" in "\n".join(message.get("text", "") for message in replies[2])   # the form got Quito
        assert "09:00-13:00" in "\n".join(message.get("text", "") for message in replies[3])  # it remembered


def converse_with_failover(servers: list[str], sender: str) -> list[list[dict]]:
    """Play every turn, alternating servers; a turn whose server does not answer is sent to the other."""
    replies = []
    for number, turn in enumerate(TURNS):
        answer: list[dict] = []
        for url in (servers[number % 2], servers[(number + 1) % 2]):
            try:
                status, body = post(f"{url}/webhooks/rest/webhook",
                                    json.dumps({"sender": sender, "message": turn}).encode(),
                                    {"Content-Type": "application/json"}, timeout=LOCK_LIFETIME_S * 4)
            except OSError:  # refused, or the connection died with the server
                continue
            answer = json.loads(body) if status == 200 else []
            if answer:
                break
        replies.append(answer)
    return replies
