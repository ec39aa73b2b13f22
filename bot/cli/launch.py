"""`make run`: the production start. Which channels are on, their credentials file, and both servers.

- Each channel of credentials.yml is on when every secret it needs is in the environment, off
  when none is; when only some are, nothing starts (a half-configured channel is a mistake).
- var/credentials.yml is written 0600, in var/ (0700).
- The action server listens on loopback only (127.0.0.1): only the Rasa server beside it calls it.
- The Rasa server's HTTP API requires a token: RASA_API_TOKEN, else one made once in var/api.token (0600).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

import yaml

from bot import settings
from bot.cli.waiting import wait_until_ready
from bot.secret_files import create_secret, write_secret

VAR = settings.PROJECT_ROOT / "var"
RASA = settings.PROJECT_ROOT / ".venv" / "bin" / "rasa"
OPTIONAL = {"public_url", "base_url", "trusted_proxies", "api_base_url", "handoff_template_sid"}
API_TOKEN_ENV = "RASA_API_TOKEN"
LOOPBACK = "127.0.0.1"
_VARIABLE = re.compile(r"\$\{(\w+)\}")


@dataclass
class Channels:
    """The channels a credentials template gives, filled from an environment."""

    on: dict = field(default_factory=dict)       # channel -> its filled credentials
    off: dict = field(default_factory=dict)      # channel -> the variables it needs
    partial: dict = field(default_factory=dict)  # channel -> the variables missing while others are set


def channels(template: Mapping, env: Mapping[str, str]) -> Channels:
    """Sort the channels of a credentials `template` into on, off and half-configured by `env`."""
    result = Channels()
    for channel, options in template.items():
        if channel == "rest":  # Rasa's own: any client may name any sender and any metadata
            result.partial[channel] = ["never in production: use channels.rest.RestInput with BOT_REST_TOKEN"]
            continue
        options = options or {}
        names = [name for key, value in options.items() if key not in OPTIONAL
                 for name in _VARIABLE.findall(str(value))]
        missing = [name for name in names if not env.get(name)]
        if not missing:
            filled = {key: _VARIABLE.sub(lambda m: env.get(m[1], ""), str(value)) for key, value in options.items()}
            result.on[channel] = {key: value for key, value in filled.items() if value} or None
        elif len(missing) == len(names):
            result.off[channel] = names
        else:
            result.partial[channel] = missing
    return result


def write_credentials(source: Path, env: Mapping[str, str]) -> tuple[Channels, Optional[Path]]:
    """Sort the channels of the credentials template `source` by `env`, say which are on (on stderr), and write
    var/credentials.yml (0600) with those; no file (None) when a channel is half-configured."""
    found = channels(yaml.safe_load(source.read_text("utf-8")) or {}, env)
    print(describe(found), file=sys.stderr)
    if found.partial:
        print("a channel is half-configured (see above)", file=sys.stderr)
        return found, None
    return found, write_secret(VAR / "credentials.yml", yaml.safe_dump(found.on, sort_keys=False))


def describe(found: Channels) -> str:
    """What a person starting the server must know: which channels are on, and how to turn on the others."""
    lines = [f"channel on:  {_short(channel)}" for channel in found.on]
    lines += [f"channel off: {_short(channel)} (set {', '.join(names)})" for channel, names in found.off.items()]
    lines += [f"channel half-configured: {_short(channel)}: {', '.join(names)} missing"
              for channel, names in found.partial.items()]
    return "\n".join(lines)


def _short(channel: str) -> str:
    return channel.split(".")[1] if channel.count(".") == 2 else channel


def api_token(env: Mapping[str, str]) -> str:
    """The token the HTTP API requires: RASA_API_TOKEN, else the one kept in var/api.token (made 0600 once)."""
    if env.get(API_TOKEN_ENV):
        return env[API_TOKEN_ENV]
    path = VAR / "api.token"
    create_secret(path, secrets.token_urlsafe(32))
    return path.read_text().strip()


@dataclass
class Plan:
    """The two commands `make run` starts, with their environments."""

    actions: list[str]
    actions_env: dict
    rasa: list[str]
    rasa_env: dict


def plan(env: Mapping[str, str], credentials: Path, endpoints: Path, port: int, actions_port: int,
         interface: str, model: Optional[Path] = None) -> Plan:
    """The commands for both servers: the action server on loopback, the Rasa server with its API behind a token."""
    rasa = [str(RASA), "run", "--enable-api", "--auth-token", api_token(env), "--interface", interface,
            "--port", str(port), "--credentials", str(credentials), "--endpoints", str(endpoints)]
    if model:
        rasa += ["--model", str(model)]
    return Plan(actions=[str(RASA), "run", "actions", "--port", str(actions_port)],
                actions_env=dict(env, SANIC_HOST=LOOPBACK), rasa=rasa, rasa_env=dict(env))


def run(args) -> int:
    """Start both servers as `make run` does and wait until one stops (then stop the other); the exit status."""
    env = dict(os.environ)
    found, credentials = write_credentials(Path(args.source), env)
    if credentials is None:
        print("refusing to start (see above)", file=sys.stderr)
        return 2
    if not found.on:
        print("refusing to start: no channel is on (see above)", file=sys.stderr)
        return 2
    steps = plan(env, credentials, Path(args.endpoints), args.port, args.actions_port, args.interface, args.model)
    processes = [subprocess.Popen(steps.actions, env=steps.actions_env, cwd=settings.PROJECT_ROOT)]
    try:
        wait_until_ready(f"http://{LOOPBACK}:{args.actions_port}/health", processes, lambda: "", timeout=300)
        processes.append(subprocess.Popen(steps.rasa, env=steps.rasa_env, cwd=settings.PROJECT_ROOT))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(process.poll() is None for process in processes):
            try:
                processes[-1].wait(1)
            except subprocess.TimeoutExpired:
                pass
        return next(process.returncode for process in processes if process.returncode is not None) or 0
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
