"""Test harness for the channels: real Sanic servers and a fake Telegram Bot API on loopback.

Everything asynchronous runs on one event loop in a background thread
(`BackgroundLoop`); the tests talk to it over HTTP, as Telegram and Twilio would.
`StubAgent` stands in for the Rasa agent: it records each UserMessage and
answers through the message's own output channel, as the agent does.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Awaitable, Optional, TypeVar

from aiohttp import web
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic
from sanic.response import HTTPResponse, text
from twilio.request_validator import RequestValidator

from bot.privacy import channel_sender
from tools.bench.stand_ins import serve_aiohttp

HOST = "127.0.0.1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Test bot", "username": "test_bot"}
TOO_MANY_REQUESTS = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                     "parameters": {"retry_after": 1}}
SETTLE_PATH = "/test/settle"
SLOW_S = 1.5  # how long the stub agent takes to answer "slow"
LONG_PAYLOAD = '/inform{"city": "' + "Cúcuta " * 12 + '"}'
CARD_NAME = "Casa *Luz_ [Norte]"  # markup characters of WhatsApp and Telegram in a centre's name
CARD = f"🏠 {CARD_NAME}\n📍 Calle 10 # 3-45, Cúcuta\n☎️ Teléfono: +57 607 555 0303"
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
T = TypeVar("T")


class BackgroundLoop:
    """An asyncio loop running in a daemon thread; `run` executes a coroutine there and waits for it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine: Awaitable[T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@dataclass
class Response:
    status: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(url: str, data: Optional[bytes] = None, headers: Optional[dict] = None) -> Response:
    """GET (or POST `data`) to `url`; error statuses are returned, not raised."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with _DIRECT.open(request, timeout=30) as reply:
            return Response(reply.status, reply.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read())


def listening_socket() -> socket.socket:
    """A TCP socket bound to a free loopback port."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    return sock


def silent_port() -> tuple[socket.socket, int]:
    """A loopback port that accepts connections (the kernel does) and never answers: a hung server.

    Keep the socket (first of the pair) open for as long as the port must stay silent.
    """
    sock = listening_socket()
    sock.listen(64)
    return sock, sock.getsockname()[1]


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# The stand-in for the Rasa agent


@dataclass
class StubAgent:
    """Records every UserMessage and answers it through `message.output_channel`, like Rasa's agent.

    The reply depends on the text: "buttons", "long", "image", "chart", "chart64", "card" (a centre's card, its
    name emphasised), "long cards", "crash" and "silent" are special; "slow" is echoed after SLOW_S, and
    "slow <text>" answered as <text> is, after SLOW_S; anything else is echoed at once.
    """

    chart_path: str
    messages: list[UserMessage] = field(default_factory=list)

    def received(self, address: str) -> list[UserMessage]:
        """The messages from a chat id or a phone number, which Rasa knows by the channel's pseudonym."""
        senders = {address, channel_sender("telegram", address), channel_sender("whatsapp", address)}
        return [message for message in self.messages if message.sender_id in senders]

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        text = message.text or ""
        if text == "slow" or text.startswith("slow "):
            await asyncio.sleep(SLOW_S)
        for reply in self.replies(text.removeprefix("slow ")):
            await message.output_channel.send_response(message.sender_id, reply)

    def replies(self, text: str) -> list[dict[str, Any]]:
        if text == "buttons":
            return [{"text": "Choose one", "buttons": [
                {"title": "Legal", "payload": "/service_legal"},
                {"title": "Health", "payload": "/service_health"},
                {"title": "Long", "payload": LONG_PAYLOAD}]}]
        if text == "long":
            return [{"text": long_text()}]
        if text == "card":
            return [{"text": CARD, "emphasis": [CARD_NAME]}]
        if text == "long cards":
            return [{"text": long_cards(), "emphasis": [CARD_NAME], "buttons": [{"title": "Más", "payload": "/more"}]}]
        if text == "image":
            return [{"text": "A picture", "image": "https://example.org/picture.png"}]
        if text == "chart":
            return [{"custom": {"photo_path": self.chart_path, "caption": "Weekly report"}}]
        if text == "chart64":
            return [{"custom": {"photo_bytes_b64": base64.b64encode(PNG).decode(), "caption": "c " * 700}}]
        if text == "crash":
            raise RuntimeError("the agent crashed")
        if text == "silent":
            return []
        return [{"text": f"echo: {text}"}]


def long_text() -> str:
    """About 12,000 characters of numbered words, in paragraphs, with one 5,000-character line."""
    words = [f"word{n}" for n in range(1500)]
    paragraphs = [" ".join(words[i:i + 100]) + "." for i in range(0, 1000, 100)]
    return "\n\n".join(paragraphs) + "\n" + " ".join(words[1000:])


def long_cards() -> str:
    """About 9,000 characters of cards of CARD_NAME, one a paragraph, each with a long description."""
    description = "Orientación, trámites y acompañamiento para personas migrantes y refugiadas. " * 4
    return "\n\n".join(f"{CARD}\n{number}. {description.strip()}" for number in range(25))


async def serve(channels: list[InputChannel], agent: StubAgent) -> tuple[str, Sanic]:
    """A Sanic app serving `channels` mounted by Rasa's own `register`, with `agent` as the app's agent; its URL."""
    Sanic.test_mode = True  # lets several apps start in one process (Sanic re-patches its classes per app)
    app = Sanic(f"channels_test_{uuid.uuid4().hex}")
    app.ctx.agent = SimpleNamespace(handle_message=agent)
    register(channels, app, route="/webhooks/")

    @app.route(SETTLE_PATH, methods=["POST"])
    async def settle_all(_: Any) -> HTTPResponse:  # the tests' way to wait for background handling
        for channel in channels:
            if hasattr(channel, "deadline"):
                await channel.deadline.drain(30)
        return text("settled")

    sock = listening_socket()
    server = await app.create_server(sock=sock, access_log=False, return_asyncio_server=True)
    await server.startup()
    await server.before_start()
    await server.after_start()
    return f"http://{HOST}:{sock.getsockname()[1]}", app


# --------------------------------------------------------------------------
# The fake Telegram Bot API


@dataclass
class Call:
    """One Bot API call: token, method, parameters (uploaded files as "<file NAME>"), files, time and status."""

    token: str
    method: str
    params: dict
    files: dict
    at: float
    status: int
    result: Any = None  # what the fake answered (a sent message: its message_id)

    @property
    def chat(self) -> str:
        return str(self.params.get("chat_id"))

    def keyboard(self) -> list[dict]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [button for row in markup.get("inline_keyboard", []) for button in row]


class FakeBotApi:
    """A Bot API on loopback: answers /bot<token>/<method> plausibly, records each call, fails on request."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        self._message_ids = itertools.count(1)
        self.url = ""

    async def start(self) -> "FakeBotApi":
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        self.url = await serve_aiohttp(app)
        return self

    def fail(self, method: str, chat: Any, status: int, body: dict) -> None:
        """Answer the next `method` call to `chat` ("*" for any chat or none) with HTTP `status` and `body`."""
        self._failures.setdefault((method.lower(), str(chat)), []).append((status, body))

    def to(self, chat: Any, method: Optional[str] = None) -> list[Call]:
        """The calls to `chat` (all of them, or only `method`)."""
        return [call for call in self.calls
                if call.chat == str(chat) and (method is None or call.method.lower() == method.lower())]

    def named(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await _parameters(request)
        failure = self._take_failure(method.lower(), str(params.get("chat_id")))
        status = failure[0] if failure else 200
        result = None if failure else self._result(method.lower(), params)
        self.calls.append(Call(request.match_info["token"], method, params, files, time.monotonic(), status, result))
        if failure:
            return web.json_response(failure[1], status=failure[0])
        return web.json_response({"ok": True, "result": result})

    def _take_failure(self, method: str, chat: str) -> Optional[tuple[int, dict]]:
        for key in ((method, chat), (method, "*")):
            if self._failures.get(key):
                return self._failures[key].pop(0)
        return None

    def _result(self, method: str, params: dict) -> Any:
        if method == "getme":
            return BOT_USER
        if method.startswith(("set", "answer", "delete")):
            return True
        chat = str(params.get("chat_id", "0"))
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else 0, "type": "private"}}
        message.update({key: params[key] for key in ("text", "caption") if key in params})
        if "photo" in params:
            message["photo"] = [{"file_id": "sent", "file_unique_id": "s", "width": 1, "height": 1}]
        return message


async def _parameters(request: web.Request) -> tuple[dict, dict]:
    """A call's parameters from the query, a JSON body, a form or multipart, and its uploaded files."""
    params: dict = dict(request.query)
    files: dict = {}
    if request.content_type == "application/json":
        params.update(await request.json())
    elif request.body_exists:
        for key, value in (await request.post()).items():
            if isinstance(value, str):
                params[key] = value
            else:
                data = value.file.read()
                files[key] = {"filename": value.filename, "size": len(data), "png": data.startswith(PNG[:8])}
                params[key] = f"<file {value.filename}>"
    return params, files


def settle(server: str) -> None:
    """Wait until every message the channels of `server` (a `serve` URL) acknowledged has been handled."""
    assert http(server + SETTLE_PATH, b"").status == 200


def telegram_turn(url: str, fake: FakeBotApi, user: int, text: str, secret: str,
                  quiet: float = 0.5, timeout: float = 30) -> list[Call]:
    """Post `text` from Telegram user `user` to the Rasa server at `url`, whose webhook answers at once; the Bot
    API calls to the user's chat that followed, until none came for `quiet` seconds (at most `timeout`)."""
    before = len(fake.calls)
    response = http(f"{url}/webhooks/telegram/webhook", json.dumps(telegram_update(user, text=text)).encode(),
                    {"Content-Type": "application/json", SECRET_HEADER: secret})
    assert response.status == 200, response.text
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        calls = [call for call in fake.calls[before:] if call.chat == str(user)]
        if calls and time.monotonic() - calls[-1].at >= quiet:
            return calls
        time.sleep(0.05)
    return [call for call in fake.calls[before:] if call.chat == str(user)]


# --------------------------------------------------------------------------
# What Telegram and Twilio post

TELEGRAM_TOKEN = "123:ABC"
TELEGRAM_SECRET = "s3cret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TWILIO_ACCOUNT = "ACtest"
TWILIO_TOKEN = "twiliotoken"
TWILIO_NUMBER = "whatsapp:+14155238886"
_update_ids = itertools.count(int(time.time()))
_message_ids = itertools.count(1)
_sids = itertools.count(1)


def telegram_message(chat: int, language: Optional[str] = "es", **fields: Any) -> dict:
    """A Message in the private chat with user `chat`, sent by that user."""
    sender = {"id": chat, "is_bot": False, "first_name": "Test"}
    if language:
        sender["language_code"] = language
    return {"message_id": next(_message_ids), "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Test"}, "from": sender, **fields}


def telegram_update(chat: int, kind: str = "message", language: Optional[str] = "es", **fields: Any) -> dict:
    """An Update with a fresh update_id carrying a `kind` ("message" or "edited_message") from user `chat`."""
    return {"update_id": next(_update_ids), kind: telegram_message(chat, language, **fields)}


def callback_update(chat: int, data: str, query_id: str) -> dict:
    """An Update for user `chat` pressing an inline button with callback_data `data`."""
    message = {**telegram_message(chat, text="(the message with the button)"), "from": BOT_USER}
    query = {"id": query_id, "from": {"id": chat, "is_bot": False, "first_name": "Test", "language_code": "en"},
             "chat_instance": str(chat), "data": data, "message": message}
    return {"update_id": next(_update_ids), "callback_query": query}


def twilio_form(body: str, sender: str = "whatsapp:+573001110000", **fields: str) -> dict:
    """Twilio's form fields for an incoming WhatsApp message, with a fresh MessageSid."""
    sid = f"SM{next(_sids):032x}"
    return {"SmsMessageSid": sid, "NumMedia": "0", "ProfileName": "Eval", "SmsSid": sid,
            "WaId": sender.removeprefix("whatsapp:+"), "SmsStatus": "received", "Body": body,
            "To": TWILIO_NUMBER, "NumSegments": "1", "MessageSid": sid, "AccountSid": TWILIO_ACCOUNT,
            "From": sender, "ApiVersion": "2010-04-01", **fields}


def signed_whatsapp(url: str, text: str, sender: str) -> list[str]:
    """POST a WhatsApp message from `sender` to the webhook at `url`, signed as Twilio does; the reply's messages."""
    form = twilio_form(text, sender)
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    request = urllib.request.Request(url, urllib.parse.urlencode(form).encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded",
                                      "X-Twilio-Signature": signature})
    with _DIRECT.open(request, timeout=60) as reply:
        body = reply.read()
    return ["".join(message.itertext()) for message in ElementTree.fromstring(body).iter("Message")]
