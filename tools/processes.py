"""Starting a Rasa server (and the action server) on free loopback ports, and stopping them for sure.

Used by the conversation tests (`tests/servers.py`) and the benchmark (`tools.bench`).
Each server runs in its own process group, so that stopping it stops whatever it started.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

import yaml

from bot.cli.waiting import DIRECT, wait_until_ready
from bot.settings import PROJECT_ROOT

HOST = "127.0.0.1"
RASA = PROJECT_ROOT / ".venv" / "bin" / "rasa"
PROJECT_TRACKER_STORE = "bot.rasa_server.tracker_store.PrivateSQLTrackerStore"


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def newest_model(project: Path = PROJECT_ROOT) -> Path:
    """The newest trained model in `project`/models; RuntimeError when there is none."""
    models = sorted((project / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise RuntimeError(f"no model in {project / 'models'}: run `make model` first")
    return models[-1]


def post(url: str, body: bytes, headers: Optional[dict] = None, timeout: float = 60) -> tuple[int, bytes]:
    """POST without any proxy and return (status, body); 4xx/5xx are returned, not raised."""
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with DIRECT.open(request, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def stop_group(process: subprocess.Popen, grace: float = 15) -> None:
    """Stop `process` and its process group: SIGTERM, then SIGKILL after `grace` seconds; waits for it."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


def run_in_group(args: list[str], *, cwd: Path, env: dict, log: Path, timeout: float) -> float:
    """Run a command to its end in a process group of its own, its output appended to `log`; the seconds it took.

    RuntimeError (with the end of the log) when it exits non-zero or outlasts
    `timeout`; if it is interrupted or times out, its whole process group is stopped.
    """
    started = time.monotonic()
    with log.open("ab") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        stop_group(process)
    if code != 0:
        tail = log.read_text("utf-8", "replace")[-3000:]
        outcome = f"exited with {code}" if code is not None else f"did not finish in {timeout:.0f} s"
        raise RuntimeError(f"{' '.join(args[:3])} {outcome}:\n{tail}")
    return time.monotonic() - started


class Servers:
    """A Rasa server with the given credentials and tracker store, and (by default) the project's action server.

    `project` is the directory both run in (its config and actions), `model` the
    model to serve (default: the project's newest). Without `tracker_db` Rasa
    keeps conversations in memory; with it, in that SQLite file through
    `tracker_type` (default: the project's own tracker store). `endpoints` adds
    to the endpoints file, or replaces its parts (a lock store, an action endpoint behind a proxy).
    """

    def __init__(self, tmp: Path, database_url: Optional[str], credentials: Optional[dict] = None,
                 tracker_db: Optional[Path] = None, *, project: Path = PROJECT_ROOT,
                 model: Optional[Path] = None, actions: bool = True,
                 tracker_type: str = PROJECT_TRACKER_STORE, endpoints: Optional[dict] = None) -> None:
        self.tmp, self.database_url = tmp, database_url
        self.credentials = credentials or {"rest": None}
        self.tracker_db, self.tracker_type = tracker_db, tracker_type
        self.project, self.model, self.with_actions = project, model, actions
        self.extra_endpoints = endpoints or {}
        self.actions_port, self.port = free_port(), free_port()
        self.processes: list[subprocess.Popen] = []
        self.env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", SANIC_HOST=HOST, TF_CPP_MIN_LOG_LEVEL="3")
        if database_url:
            self.env["BOT_DATABASE_URL"] = database_url

    @property
    def url(self) -> str:
        """The Rasa server's base URL."""
        return f"http://{HOST}:{self.port}"

    @property
    def rasa(self) -> subprocess.Popen:
        """The Rasa server's process (the last one started)."""
        return self.processes[-1]

    @property
    def actions(self) -> Optional[subprocess.Popen]:
        """The action server's process, None when there is none."""
        return self.processes[0] if self.with_actions and self.processes else None

    def start(self) -> "Servers":
        """Start the servers not running yet and wait until the Rasa server has its model loaded.

        On failure (a server exits or is not ready in time) every server is stopped and RuntimeError raised.
        """
        credentials = self.tmp / "credentials.yml"
        credentials.write_text(yaml.safe_dump(self.credentials), "utf-8")
        endpoints: dict = {}
        if self.with_actions:
            endpoints["action_endpoint"] = {"url": f"http://{HOST}:{self.actions_port}/webhook",
                                            "enable_selective_domain": True}
        if self.tracker_db:
            endpoints["tracker_store"] = {"type": self.tracker_type, "dialect": "sqlite", "db": str(self.tracker_db)}
        endpoints.update(self.extra_endpoints)
        (self.tmp / "endpoints.yml").write_text(yaml.safe_dump(endpoints), "utf-8")
        try:
            if self.with_actions and not self.processes:
                self._spawn("actions", ["run", "actions", "--port", str(self.actions_port)])
            self._spawn("rasa", ["run", "--enable-api", "--interface", HOST, "--port", str(self.port),
                                 "--model", str(self.model or newest_model(self.project)),
                                 "--credentials", str(credentials), "--endpoints", str(self.tmp / "endpoints.yml")])
            if self.with_actions:
                self._wait(f"http://{HOST}:{self.actions_port}/health")
            self._wait(f"{self.url}/status")
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, name: str, args: list[str]) -> None:
        with (self.tmp / f"{name}.log").open("ab") as log:
            self.processes.append(subprocess.Popen([str(RASA), *args], cwd=self.project, env=self.env,
                                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

    def _wait(self, url: str, timeout: float = 180) -> None:
        wait_until_ready(url, self.processes, lambda: self.log("rasa")[-3000:], timeout)

    def log(self, name: str) -> str:
        """What the server `name` ("rasa" or "actions") has written so far ('' when nothing)."""
        path = self.tmp / f"{name}.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def restart_rasa(self) -> None:
        """Stop the Rasa server (not the action server) and start it again."""
        stop_group(self.processes.pop())
        self.port = free_port()
        self.start()

    def say(self, sender: str, text: str) -> list[dict]:
        """One turn through the REST channel: the bot's messages."""
        status, body = post(f"{self.url}/webhooks/rest/webhook",
                            json.dumps({"sender": sender, "message": text}).encode(),
                            {"Content-Type": "application/json"})
        assert status == 200, body
        return json.loads(body or b"[]")

    def stop(self) -> None:
        """Stop every server, each with its process group."""
        for process in self.processes:
            stop_group(process)
        self.processes.clear()
