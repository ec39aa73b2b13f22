"""Load on a Rasa server through its channels: conversation turns, one sender after another or many at once."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Callable, Iterator, Protocol

import aiohttp
from twilio.request_validator import RequestValidator

from bot.normalise import fold
from tools.bench.stats import Latency, latency
from tools.bench.traffic import Turn

REQUEST_TIMEOUT_S = 120


class Channel(Protocol):
    """A way of saying something to the assistant as a given sender and reading its reply."""

    name: str

    def new_sender(self) -> str:
        """A sender id not used before."""

    async def say(self, http: aiohttp.ClientSession, sender: str, text: str) -> str:
        """Send `text` as `sender`; the reply's text. Raises when the server does not answer 200."""


class RestChannel:
    """Rasa's REST channel: POST /webhooks/rest/webhook with JSON, the bot's messages back as JSON."""

    name = "REST"

    def __init__(self, base_url: str, prefix: str) -> None:
        self.url = f"{base_url}/webhooks/rest/webhook"
        self._numbers = itertools.count()
        self.prefix = prefix

    def new_sender(self) -> str:
        """A sender id not used before."""
        return f"bench-{self.prefix}-{next(self._numbers)}"

    async def say(self, http: aiohttp.ClientSession, sender: str, text: str) -> str:
        """Send `text` as `sender`; the texts of the bot's messages, one a line."""
        async with http.post(self.url, json={"sender": sender, "message": text}) as reply:
            body = await reply.read()
            if reply.status != 200:
                raise RuntimeError(f"REST answered {reply.status}: {body[:200]!r}")
        return "\n".join(message.get("text") or "" for message in json.loads(body or b"[]"))


class WhatsAppChannel:
    """The project's WhatsApp webhook, as Twilio calls it: a signed form, a fresh MessageSid, TwiML back."""

    name = "WhatsApp"

    def __init__(self, base_url: str, account_sid: str, auth_token: str, number: str) -> None:
        self.url = f"{base_url}/webhooks/whatsapp/webhook"
        self.account_sid, self.number = account_sid, number
        self.validator = RequestValidator(auth_token)
        self._senders, self._messages = itertools.count(), itertools.count()

    def new_sender(self) -> str:
        """A WhatsApp address not used before."""
        return f"whatsapp:+58412{next(self._senders):07d}"

    async def say(self, http: aiohttp.ClientSession, sender: str, text: str) -> str:
        """Send `text` from `sender`, signed with X-Twilio-Signature; the texts of the TwiML `<Message>`s."""
        form = {"MessageSid": f"SM{next(self._messages):032d}", "AccountSid": self.account_sid,
                "From": sender, "To": self.number, "Body": text, "NumMedia": "0", "ProfileName": "Bench"}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(self.url, form),
                   "Content-Type": "application/x-www-form-urlencoded"}
        async with http.post(self.url, data=urllib.parse.urlencode(form), headers=headers) as reply:
            body = await reply.read()
            if reply.status != 200:
                raise RuntimeError(f"WhatsApp webhook answered {reply.status}: {body[:200]!r}")
        return "\n".join(message.text or "" for message in ElementTree.fromstring(body).iter("Message"))


@dataclass(frozen=True)
class RunResult:
    """What load runs measured: each answered turn's duration (s), the wall time, failed turns, and how many
    turns named a city and how many of their replies named it too.
    """

    durations: tuple[float, ...]
    seconds: float
    errors: int
    city_turns: int
    city_named: int

    @property
    def turns(self) -> int:
        """Turns answered."""
        return len(self.durations)

    @property
    def latency(self) -> Latency:
        """p50 and p95 of the turns' durations."""
        return latency(self.durations)

    @property
    def per_second(self) -> float:
        """Turns answered per second of the runs."""
        return self.turns / self.seconds


def combined(results: list[RunResult]) -> RunResult:
    """Several runs as one: every turn's duration, the runs' wall times added up, the counts added up."""
    return RunResult(tuple(duration for result in results for duration in result.durations),
                     sum(result.seconds for result in results), sum(result.errors for result in results),
                     sum(result.city_turns for result in results), sum(result.city_named for result in results))


Heard = Callable[[str, Turn, str, float], None]  # sender, turn, reply, seconds


async def converse(channel: Channel, stream: Iterator[list[Turn]], turns: int, senders: int, heard: Heard) -> int:
    """Say `turns` turns through `channel`, `senders` conversations at a time, each from `stream` with a new
    sender (each sender waits for its reply); `heard` is called with each reply. The turns that failed (no 200,
    a timeout, an unreadable reply)."""
    counts = {"left": turns, "errors": 0}

    async def sender_loop(http: aiohttp.ClientSession) -> None:
        while counts["left"] > 0:
            sender = channel.new_sender()
            for turn in next(stream):
                if counts["left"] <= 0:
                    return
                counts["left"] -= 1
                started = time.perf_counter()
                try:
                    reply = await channel.say(http, sender, turn.text)
                except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError, ElementTree.ParseError):
                    counts["errors"] += 1
                    continue
                heard(sender, turn, reply, time.perf_counter() - started)

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=senders)) as http:
        await asyncio.gather(*(sender_loop(http) for _ in range(senders)))
    return counts["errors"]


async def _run(channel: Channel, stream: Iterator[list[Turn]], turns: int, senders: int) -> RunResult:
    durations: list[float] = []
    counts = {"city_turns": 0, "city_named": 0}

    def heard(_: str, turn: Turn, reply: str, seconds: float) -> None:
        durations.append(seconds)
        if turn.city:
            counts["city_turns"] += 1
            counts["city_named"] += fold(turn.city) in fold(reply)

    started = time.perf_counter()
    errors = await converse(channel, stream, turns, senders, heard)
    seconds = time.perf_counter() - started
    if not durations:
        raise RuntimeError(f"{channel.name}: every one of {turns} turns failed")
    return RunResult(tuple(durations), seconds, errors, counts["city_turns"], counts["city_named"])


def run(channel: Channel, stream: Iterator[list[Turn]], turns: int, senders: int = 1) -> RunResult:
    """Say `turns` turns through `channel`, `senders` conversations at a time (each sender waits for its reply).

    Conversations come from `stream`, each with a new sender. A turn that fails
    (no 200, a timeout, an unreadable reply) is counted in `errors`, not in the latency;
    RuntimeError when every turn failed.
    """
    return asyncio.run(_run(channel, stream, turns, senders))
