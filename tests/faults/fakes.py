"""Real faults and stand-ins for the faults suite: a slow proxy in front of a server, Twilio's REST API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Optional

import aiohttp
from aiohttp import ClientSession, web

from tests.channels.channel_harness import serve_aiohttp


class SlowProxy:
    """An HTTP proxy on loopback to `target` that holds each request `delay` seconds before passing it on."""

    def __init__(self, target: str) -> None:
        self.target, self.delay, self.url = target.rstrip("/"), 0.0, ""

    async def start(self) -> "SlowProxy":
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self.url = await serve_aiohttp(app)
        return self

    async def _forward(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.delay)
        async with ClientSession() as session:
            async with session.request(request.method, f"{self.target}/{request.match_info['path']}",
                                       data=await request.read(), headers={"Content-Type": request.content_type}) as got:
                return web.Response(body=await got.read(), status=got.status, content_type=got.content_type)


@dataclass
class TwilioMessage:
    """A message posted to the fake Twilio REST API."""

    account: str
    form: dict
    authorised: bool
    at: float = field(default_factory=time.monotonic)


class FakeTwilioApi:
    """Twilio's Messages.json on loopback: records each message, answers 201 as Twilio does."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.messages: list[TwilioMessage] = []
        self.url = ""

    async def start(self) -> "FakeTwilioApi":
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self._create)
        self.url = await serve_aiohttp(app)
        return self

    async def _create(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        auth = request.headers.get("Authorization", "")
        expected = aiohttp.BasicAuth(self.account_sid, self.auth_token).encode()
        self.messages.append(TwilioMessage(request.match_info["account"], form, auth == expected))
        return web.json_response({"sid": f"SM{len(self.messages):032x}", "status": "queued",
                                  "to": form.get("To"), "from": form.get("From"), "body": form.get("Body")},
                                 status=201)

    def to(self, address: str, since: float = 0.0) -> list[TwilioMessage]:
        """The messages sent to `address` after the monotonic time `since`."""
        return [message for message in self.messages if message.form.get("To") == address and message.at >= since]


def wait_for(predicate, timeout: float, step: float = 0.1) -> Optional[object]:  # type: ignore[no-untyped-def]
    """The first truthy value of `predicate()` within `timeout` seconds (None if none)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None
