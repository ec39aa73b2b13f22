"""Starting the real action server and Rasa server for conversation tests, on free loopback ports."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def newest_model() -> Path:
    """The newest trained model (make test trains it first)."""
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise RuntimeError("no model in models/: run `make model` first")
    return models[-1]


def post(url: str, body: bytes, headers: Optional[dict] = None, timeout: float = 60) -> tuple[int, bytes]:
    """POST and return (status, body); 4xx/5xx are returned, not raised."""
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with _DIRECT.open(request, timeout=timeout) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Servers:
    """The action server and a Rasa server with the given credentials and tracker store."""

    def __init__(self, tmp: Path, database_url: str, credentials: Optional[dict] = None,
                 tracker_db: Optional[Path] = None) -> None:
        self.tmp, self.database_url = tmp, database_url
        self.credentials = credentials or {"rest": None}
        self.tracker_db = tracker_db
        self.actions_port, self.port = free_port(), free_port()
        self.processes: list[subprocess.Popen] = []
        self.env = dict(os.environ, BOT_DATABASE_URL=database_url, RASA_TELEMETRY_ENABLED="false",
                        SANIC_HOST=HOST, TF_CPP_MIN_LOG_LEVEL="3")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "Servers":
        """Start both servers and wait until the Rasa server has its model loaded."""
        credentials = self.tmp / "credentials.yml"
        credentials.write_text(yaml.safe_dump(self.credentials), "utf-8")
        endpoints = {"action_endpoint": {"url": f"http://{HOST}:{self.actions_port}/webhook"}}
        if self.tracker_db:
            endpoints["tracker_store"] = {"type": "bot.tracker_store.PrivateSQLTrackerStore",
                                          "dialect": "sqlite", "db": str(self.tracker_db)}
        (self.tmp / "endpoints.yml").write_text(yaml.safe_dump(endpoints), "utf-8")
        if not self.processes:
            self._spawn("actions", ["run", "actions", "--port", str(self.actions_port)])
        self._spawn("rasa", ["run", "--enable-api", "--interface", HOST, "--port", str(self.port),
                             "--model", str(newest_model()), "--credentials", str(credentials),
                             "--endpoints", str(self.tmp / "endpoints.yml")])
        self._wait(f"http://{HOST}:{self.actions_port}/health")
        self._wait(f"{self.url}/status")
        return self

    def _spawn(self, name: str, args: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("ab")
        self.processes.append(subprocess.Popen([str(ROOT / ".venv" / "bin" / "rasa"), *args], cwd=ROOT,
                                               env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True))

    def _wait(self, url: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"a server exited:\n{self.log('rasa')[-3000:]}")
            try:
                with _DIRECT.open(url, timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{url} not ready:\n{self.log('rasa')[-3000:]}")

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def restart_rasa(self) -> None:
        """Stop the Rasa server (not the action server) and start it again."""
        self._stop(self.processes.pop())
        self.port = free_port()
        self.start()

    def say(self, sender: str, text: str) -> list[dict]:
        """One turn through the REST channel: the bot's messages."""
        status, body = post(f"{self.url}/webhooks/rest/webhook",
                            json.dumps({"sender": sender, "message": text}).encode(),
                            {"Content-Type": "application/json"})
        assert status == 200, body
        return json.loads(body or b"[]")

    @staticmethod
    def _stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        """Stop every server."""
        for process in self.processes:
            self._stop(process)
        self.processes.clear()
