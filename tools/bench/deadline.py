"""The deadline under a slow action server: WhatsApp turns while one action call in ten is held 12 s.

Twilio gives up on a webhook after 15 s; the WhatsApp channel answers within its deadline
(10 s) with a "still looking" note when the reply is late, and sends the reply through
Twilio's REST API when it comes. This measures, on real servers with a slow proxy in front
of the action server and a stand-in for Twilio's REST API: the share of turns answered
within the deadline, the share answered with the note, and the late replies delivered.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bot.texts import Texts
from tools.bench.load import WhatsAppChannel, converse
from tools.bench.stand_ins import FakeTwilioApi, SlowProxy
from tools.bench.stats import Latency, latency
from tools.bench.traffic import Turn
from tools.processes import Servers, free_port

DEADLINE_S = 10.0  # the channel's default
TWILIO_GIVES_UP_S = 15.0
SLOW_EVERY, SLOW_S = 10, 12.0
FOLLOW_UP_WAIT_S = 30.0  # after the load, how long late replies may still take
NUMBER, ACCOUNT = "whatsapp:+14155238886", "AC" + "1" * 32


@dataclass(frozen=True)
class DeadlineFigures:
    """What the run measured: each turn's webhook time (s), the turns answered with the late note or with the
    apology for a technical problem, the late replies delivered afterwards (counted by conversation), the
    action calls made and slowed, and the turns that failed."""

    durations: tuple[float, ...]
    notes: int
    apologies: int
    noted_conversations: int
    followed: int
    action_calls: int
    slowed_calls: int
    errors: int
    senders: int

    @property
    def turns(self) -> int:
        """Turns said (answered or failed)."""
        return len(self.durations) + self.errors

    @property
    def latency(self) -> Latency:
        """p50 and p95 of the webhook times."""
        return latency(self.durations)

    def share_within(self, seconds: float) -> float:
        """The share of turns whose webhook answered within `seconds` (a failed turn is not)."""
        return sum(d <= seconds for d in self.durations) / self.turns

    def table(self) -> str:
        """The row of docs/benchmarks.md, as a Markdown table."""
        turns = self.turns
        header = ["turns", "action calls (slowed)", f"answered within {DEADLINE_S:g} s + 1",
                  f"within Twilio's {TWILIO_GIVES_UP_S:g} s", "p95 (ms)", "answered with the note",
                  "answered with the apology",
                  "conversations with a note whose reply followed", "failed"]
        row = [str(turns), f"{self.action_calls} ({self.slowed_calls})", f"{self.share_within(DEADLINE_S + 1):.1%}",
               f"{self.share_within(TWILIO_GIVES_UP_S):.1%}", f"{self.latency.p95_ms:,.0f}",
               f"{self.notes / turns:.1%}", f"{self.apologies / turns:.1%}",
               f"{self.followed}/{self.noted_conversations}", str(self.errors)]
        return "\n".join(["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|",
                          "| " + " | ".join(row) + " |"])


def measure_deadline(work: Path, database_url: str, stream: Iterator[list[Turn]], turns: int,
                     senders: int) -> DeadlineFigures:
    """Serve the project's model with WhatsApp (default deadline) in `work`, the action server behind a proxy
    holding one call in SLOW_EVERY for SLOW_S seconds, and say `turns` turns, `senders` conversations at once."""
    proxy_port, twilio_port = free_port(), free_port()
    token = secrets.token_hex(16)
    credentials = {"channels.whatsapp.WhatsAppInput": {
        "account_sid": ACCOUNT, "auth_token": token, "whatsapp_number": NUMBER,
        "api_base_url": f"http://127.0.0.1:{twilio_port}"}}
    servers = Servers(work, database_url, credentials, tracker_db=work / "tracker.db")
    servers.extra_endpoints = {"action_endpoint": {"url": f"http://127.0.0.1:{proxy_port}/webhook",
                                                   "enable_selective_domain": True}}
    proxy = SlowProxy(f"http://127.0.0.1:{servers.actions_port}", SLOW_S, SLOW_EVERY)
    twilio = FakeTwilioApi(ACCOUNT, token)
    servers.start()
    try:
        return asyncio.run(_run(WhatsAppChannel(servers.url, ACCOUNT, token, NUMBER), proxy, twilio,
                                (proxy_port, twilio_port), stream, turns, senders))
    finally:
        servers.stop()


async def _run(channel: WhatsAppChannel, proxy: SlowProxy, twilio: FakeTwilioApi, ports: tuple[int, int],
               stream: Iterator[list[Turn]], turns: int, senders: int) -> DeadlineFigures:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # Rasa hanging up on a held call is the point
    await proxy.start(ports[0])
    await twilio.start(ports[1])
    notes = {Texts(language)("text_late") for language in ("es", "en")}
    apologies = {Texts(language)("text_error") for language in ("es", "en")}
    durations: list[float] = []
    noted: set[str] = set()  # the conversations answered with the note
    counts = {"notes": 0, "apologies": 0}

    def heard(sender: str, _: Turn, reply: str, seconds: float) -> None:
        durations.append(seconds)
        counts["apologies"] += reply.strip() in apologies
        if reply.strip() in notes:
            counts["notes"] += 1
            noted.add(sender)

    errors = await converse(channel, stream, turns, senders, heard)
    give_up = time.monotonic() + FOLLOW_UP_WAIT_S
    while _followed(twilio, noted) < len(noted) and time.monotonic() < give_up:
        await asyncio.sleep(0.5)
    return DeadlineFigures(tuple(durations), counts["notes"], counts["apologies"], len(noted),
                           _followed(twilio, noted), proxy.calls, proxy.slowed, errors, senders)


def _followed(twilio: FakeTwilioApi, noted: set[str]) -> int:
    """How many of the conversations answered with a note got a reply through Twilio's REST API afterwards."""
    return sum(bool(twilio.to(sender)) for sender in noted)
