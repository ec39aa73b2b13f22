"""Stand-ins on loopback for what a fault needs: a slow proxy in front of a server, and Twilio's REST API.

The benchmark's deadline row and the fault tests (`tests/faults/`) use them; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import aiohttp
from aiohttp import ClientSession, web

HOST = "127.0.0.1"


async def serve_aiohttp(app: web.Application, port: int = 0) -> str:
    """Serve an aiohttp app on loopback (`port`, or a free one); its base URL. It runs until its loop ends."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, HOST, port).start()
    return f"http://{HOST}:{runner.addresses[0][1]}"


class SlowProxy:
    """An HTTP proxy on loopback to `target` that holds one request in `every` (each, by default) `delay` seconds
    before passing it on; `calls` and `slowed` count the requests."""

    def __init__(self, target: str, delay: float = 0.0, every: int = 1) -> None:
        self.target, self.delay, self.every, self.url = target.rstrip("/"), delay, every, ""
        self.calls = self.slowed = 0
        self._numbers = itertools.count(1)

    async def start(self, port: int = 0) -> "SlowProxy":
        """Start serving (on `port`, or a free one); the proxy, with its `url` set."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self.url = await serve_aiohttp(app, port)
        return self

    async def _forward(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.delay and next(self._numbers) % self.every == 0:
            self.slowed += 1
            await asyncio.sleep(self.delay)
        async with ClientSession() as session:
            async with session.request(request.method, f"{self.target}/{request.match_info['path']}",
                                       data=await request.read(),
                                       headers={"Content-Type": request.content_type}) as got:
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
        self.failures = 0  # the next this many messages are answered 500, as Twilio when it fails
        self.url = ""

    async def start(self, port: int = 0) -> "FakeTwilioApi":
        """Start serving (on `port`, or a free one); the fake, with its `url` set."""
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self._create)
        self.url = await serve_aiohttp(app, port)
        return self

    async def _create(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        auth = request.headers.get("Authorization", "")
        expected = aiohttp.BasicAuth(self.account_sid, self.auth_token).encode()
        if self.failures:
            self.failures -= 1
            return web.json_response({"code": 20500, "message": "Internal Server Error", "status": 500}, status=500)
        self.messages.append(TwilioMessage(request.match_info["account"], form, auth == expected))
        return web.json_response({"sid": f"SM{len(self.messages):032x}", "status": "queued",
                                  "to": form.get("To"), "from": form.get("From"), "body": form.get("Body")},
                                 status=201)

    def to(self, address: str, since: float = 0.0) -> list[TwilioMessage]:
        """The messages sent to `address` after the monotonic time `since`."""
        return [message for message in self.messages if message.form.get("To") == address and message.at >= since]
