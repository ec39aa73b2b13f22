"""Telegram: POST /webhooks/telegram/webhook, replies sent through the Bot API (python-telegram-bot 22).

Credentials (Rasa credentials file, key `channels.telegram.TelegramInput`):
access_token (the bot token), secret_token (checked against
X-Telegram-Bot-Api-Secret-Token) and optional base_url (another Bot API
server; the token is appended to it, as Telegram's own https://api.telegram.org/bot),
optional reply_deadline_s (default 10: see `channels.deadline`). What a reply emphasises
(a centre's name) is sent as bold entities beside the plain text (`channels.markup`).

The webhook answers 200 as soon as the update is checked and claimed, and the update is
handled in a task of its own, which nothing the caller does can cancel (a server asked to
stop waits for it, `channels.deadline.Deadline.drain`). When the reply takes longer than
the deadline, the user is told so (with the emergency lines), and the reply follows.
A send that fails for a reason that may pass (network, timeout, 5xx, 429 after its
retry_after) is tried again with backoff. An update counts as handled only when its reply
was delivered, or refused for good by Telegram (chat not found, bot blocked); when it could
not be delivered, that is logged under the pseudonym and counted (GET /webhooks/telegram/
shows the count), and the update's claim is released, so a redelivery of it is answered.

Rasa knows the chat only by a pseudonym (`bot.privacy.channel_sender`); the message's
metadata vouches for its Telegram user (`bot.privacy.vouch`), which is how actions
know staff.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import logging
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional, TypeVar

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot import privacy
from channels import deadline, guard, handoff, inbound, markup
from channels.buttons import CallbackData, payload_of, title_of
from channels.dedup import Dedup
from channels.splitting import TELEGRAM_LIMIT, split_text, utf16_length

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CAPTION_LIMIT = 1024  # UTF-16 code units in a photo caption
SEND_TRIES = 4
BACKOFF_S = 0.5  # then 1 and 2 seconds
MAX_RETRY_WAIT_S = 30.0  # a longer flood wait would hold the reply past any use
BUTTONS_ONLY_TEXT = "👇"  # Telegram needs some text above a keyboard

T = TypeVar("T")


def make_bot(token: str, base_url: Optional[str] = None) -> Bot:
    """A Bot for `token` calling `base_url` + token + "/method" (Telegram's own API by default)."""
    return Bot(token, base_url=base_url or DEFAULT_BASE_URL)


class Undelivered(Exception):
    """A Bot API call that failed every try for a reason that may pass (network, timeout, 5xx, 429)."""


async def call_bot(method: Callable[..., Awaitable[T]], **params: Any) -> Optional[T]:
    """`await method(**params)`, tried up to SEND_TRIES times while the failure may pass.

    Network errors, timeouts and 5xx are retried after BACKOFF_S; a RetryAfter (429) after the
    seconds it asks for (unless more than MAX_RETRY_WAIT_S). A definitive refusal (400, 403,
    401/404: chat not found, bot blocked, bad token) is logged and gives None: trying again would
    not help. Raises Undelivered when every try failed for a reason that may pass.
    """
    name = getattr(method, "__name__", "Bot API call")
    for attempt in range(1, SEND_TRIES + 1):
        try:
            return await method(**params)
        except RetryAfter as error:
            wait = _retry_after_s(error)
            if wait > MAX_RETRY_WAIT_S:
                raise Undelivered(f"{name}: rate limited for {wait} s") from error
            logger.warning("Telegram %s: rate limited; retrying in %s s", name, wait)
        except (BadRequest, Forbidden, InvalidToken, ChatMigrated) as error:
            logger.error("Telegram %s refused: %s", name, error)
            return None
        except (NetworkError, TelegramError) as error:  # TimedOut, 5xx, connection refused or reset
            wait = BACKOFF_S * 2 ** (attempt - 1)
            logger.warning("Telegram %s failed (%s); try %d of %d", name, error, attempt, SEND_TRIES)
        if attempt < SEND_TRIES:
            await asyncio.sleep(wait)
    raise Undelivered(f"{name}: failed {SEND_TRIES} times")


def _retry_after_s(error: RetryAfter) -> float:
    """The seconds a RetryAfter asks to wait (PTB 22 gives an int or a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramOutput(OutputChannel):
    """Rasa's replies to Telegram chats, sent with the Bot API."""

    @classmethod
    def name(cls) -> str:
        """The output channel's name, as Rasa records it."""
        return "telegram"

    def __init__(self, bot: Bot, callback_data: CallbackData, chat_id: Optional[str] = None) -> None:
        self.bot = bot
        self.callback_data = callback_data
        self.chat_id = chat_id  # the chat this output answers; Rasa only knows the conversation's pseudonym
        self.sent = 0  # replies handed to this output channel
        self.undelivered = 0  # Bot API calls that failed every try

    async def _call(self, method: Callable[..., Awaitable[T]], **params: Any) -> Optional[T]:
        """`call_bot`, counting what could not be delivered; after one such failure the rest of the turn
        is not tried (the Bot API is down: waiting again for each message would only delay the webhook)."""
        if self.undelivered:
            self.undelivered += 1
            return None
        try:
            return await call_bot(method, **params)
        except Undelivered as error:
            logger.error("Telegram reply not delivered: %s", error)
            self.undelivered += 1
            return None

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Send one of Rasa's replies (text, buttons, image, custom) to the bound chat, counting it."""
        self.sent += 1
        await super().send_response(self.chat_id or recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> Optional[Message]:
        """sendMessage with `text`, in pieces of at most 4096 UTF-16 units, its emphasis (`kwargs`, the rest of Rasa's
        message) bold in each piece (nothing for blank text); the last piece as sent, None if it was not."""
        emphasis = markup.emphasis_of(kwargs)
        sent = None
        for piece in split_text(text, TELEGRAM_LIMIT, utf16_length):
            sent = await self._send_text(recipient_id, piece, emphasis)
        return sent

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> Optional[Message]:
        """`text` (emphasised as in `send_text_message`) with an inline keyboard under its last piece, one button a
        row; callback_data is the payload. The last piece as sent, None if it was not."""
        emphasis = markup.emphasis_of(kwargs)
        pieces = split_text(text or "", TELEGRAM_LIMIT, utf16_length) or [BUTTONS_ONLY_TEXT]
        for piece in pieces[:-1]:
            await self._send_text(recipient_id, piece, emphasis)
        keyboard = [[InlineKeyboardButton(title_of(button) or BUTTONS_ONLY_TEXT,
                                          callback_data=await self.callback_data.encode(payload_of(button)))]
                    for button in buttons]
        return await self._send_text(recipient_id, pieces[-1], emphasis, reply_markup=InlineKeyboardMarkup(keyboard))

    async def _send_text(self, chat_id: str, text: str, emphasis: list[str], **params: Any) -> Optional[Message]:
        """sendMessage with `text` exactly as it is, its `emphasis` as bold entities (no parse_mode: nothing in
        the text is read as markup); the message as sent, None if it was not."""
        return await self._call(self.bot.send_message, chat_id=chat_id, text=text,
                                entities=markup.telegram_entities(text, emphasis) or None, **params)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """sendPhoto with `image`: a URL Telegram fetches, or a local file path, which is uploaded."""
        await self._call(self.bot.send_photo, chat_id=recipient_id, photo=image)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """sendPhoto uploading {"photo_path": FILE} or {"photo_bytes_b64": BASE64}, with an optional "caption".

        A caption over Telegram's 1,024 limit follows the photo as text. Anything
        else, and an unreadable file or bad base64, is logged and not sent.
        """
        photo = _photo(json_message)
        if photo is None:
            return
        data, filename = photo
        caption = str(json_message.get("caption") or "")
        fits = utf16_length(caption) <= CAPTION_LIMIT
        await self._call(self.bot.send_photo, chat_id=recipient_id, photo=data, filename=filename,
                       caption=caption if caption and fits else None)
        if not fits:
            await self.send_text_message(recipient_id, caption)


def _photo(json_message: dict[str, Any]) -> Optional[tuple[bytes, str]]:
    """The bytes and file name of a custom message's photo; None (logged) when it has none or it cannot be read."""
    try:
        if "photo_path" in json_message:
            path = Path(str(json_message["photo_path"]))
            return path.read_bytes(), path.name
        if "photo_bytes_b64" in json_message:
            data = base64.b64decode(str(json_message["photo_bytes_b64"]), validate=True)
            return data, str(json_message.get("filename") or "photo.png")
    except (OSError, binascii.Error) as error:
        logger.error("Telegram custom photo not sent: %s", error)
        return None
    logger.warning("Telegram custom message not sent: no photo_path or photo_bytes_b64 in %s", sorted(json_message))
    return None


@dataclass(frozen=True)
class Incoming:
    """What an update asks Rasa: `text` from `chat_id`; `callback_query_id` when a button was pressed."""

    text: str
    chat_id: str
    user_id: Optional[int]
    language_code: Optional[str]
    callback_query_id: Optional[str] = None
    reply_to: Optional[int] = None  # the message this one replies to (a staff member answering a request)


def read_update(body: bytes, bot: Bot) -> tuple[int, Optional[Incoming]]:
    """The update_id of a webhook body and what it asks (None when nothing to answer, e.g. a service message).

    Raises ValueError when the body is not a Telegram Update as JSON.
    """
    try:
        data = json.loads(body)
    except RecursionError as error:  # absurdly nested JSON
        raise ValueError("JSON nested too deeply") from error
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise ValueError("not an Update: no integer update_id")
    try:
        update = Update.de_json(data, bot)
        return update.update_id, _incoming(update)
    except Exception as error:  # PTB and the extraction raise anything on wrongly typed fields
        raise ValueError(f"not a valid Update: {error!r}") from error


def _incoming(update: Update) -> Optional[Incoming]:
    """What `update` asks: a pressed button's data, or a (new, or edited text) message turned into text."""
    query = update.callback_query
    if query is not None:
        user = query.from_user
        chat_id = query.message.chat.id if query.message else user.id
        return Incoming(_str(query.data or ""), str(chat_id), user.id, user.language_code, str(query.id))
    message = update.message or (update.edited_message if update.edited_message and update.edited_message.text
                                 else None)
    if message is None:
        return None
    text = inbound.from_telegram(message)
    if text is None:
        return None
    author = message.from_user
    replied = message.reply_to_message
    return Incoming(text, str(message.chat.id), author.id if author else None,
                    author.language_code if author else None, reply_to=replied.message_id if replied else None)


def _str(value: Any) -> str:
    """`value`, which must be a string (PTB does not check the types of the JSON it reads)."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


class TelegramInput(InputChannel):
    """Telegram's webhook: checks the secret token, ignores redelivered updates, answers through the Bot API."""

    @classmethod
    def name(cls) -> str:
        """The channel's name: its webhooks are under /webhooks/telegram/."""
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "TelegramInput":
        """The channel from its credentials; fails when access_token or secret_token is missing."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # (raised just above: for the type checker)
        return cls(credentials.get("access_token") or "", credentials.get("secret_token") or "",
                   credentials.get("base_url") or None,
                   float(credentials.get("reply_deadline_s") or deadline.TELEGRAM_DEADLINE_S))

    def __init__(self, access_token: str, secret_token: str, base_url: Optional[str] = None,
                 reply_deadline_s: float = deadline.TELEGRAM_DEADLINE_S) -> None:
        if not access_token or not secret_token:
            raise ValueError("TelegramInput needs access_token and secret_token")
        self.bot = make_bot(access_token, base_url)
        self.secret_token = secret_token.encode("utf-8")
        self.dedup = Dedup(f"telegram:{access_token.split(':', 1)[0]}")
        self.callback_data = CallbackData()
        self.rate_limit = guard.RateLimit("telegram")
        privacy.on_forget(self.rate_limit.forget)
        self.undelivered_replies = 0  # updates whose reply could not be delivered, since start
        self.deadline = deadline.Deadline(reply_deadline_s)
        deadline.limit_action_calls()
        handoff.RELAY.staff = self.send_to_staff
        handoff.RELAY.people[self.name()] = self.send_to_person

    async def send_to_staff(self, chat_id: str, text: str, take: Optional[int] = None) -> Optional[int]:
        """Write `text` to a staff member's chat (with a button to take request `take` under its last piece); the
        last piece's message id, None when it could not be delivered."""
        output = TelegramOutput(self.bot, self.callback_data, chat_id)
        if take is None:
            sent = await output.send_text_message(chat_id, text)
        else:
            sent = await output.send_text_with_buttons(chat_id, text, [{
                "title": handoff.RELAY_TEXTS("text_handoff_take_button"), "payload": f"{handoff.TAKE}{take}"}])
        return sent.message_id if sent else None

    async def send_to_person(self, chat_id: str, text: str) -> bool:
        """Write a staff member's answer to a person's chat; whether it was delivered."""
        return await TelegramOutput(self.bot, self.callback_data, chat_id).send_text_message(chat_id, text) is not None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / (health, with the count of undelivered replies) and POST /webhook, which acknowledges an update
        at once and handles it in the background.

        403: missing or wrong secret header; 400: not a Telegram Update as JSON; 200 otherwise (also for
        an update already handled or being handled, which is not handled again).
        """
        telegram = Blueprint("telegram_webhook", __name__)

        @telegram.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "undelivered_replies": self.undelivered_replies})

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            secret = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
            if not hmac.compare_digest(secret, self.secret_token):
                return response.text("wrong or missing secret token", status=403)
            try:
                update_id, incoming = read_update(request.body, self.bot)
            except ValueError as error:
                logger.info("Telegram webhook: rejected body: %s", error)
                return response.text("not a Telegram update", status=400)
            if incoming is None:
                return response.text("nothing to answer")
            if not await self.dedup.claim(str(update_id)):
                return response.text("already handled")
            self.deadline.start(self._handle(update_id, incoming, on_new_message), f"Telegram update {update_id}")
            return response.text("ok")

        deadline.drain_on_stop(telegram, self.deadline)
        handoff.run_clock(telegram)
        return telegram

    async def _handle(self, update_id: int, incoming: Incoming,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Answer the update; then record it as handled, or, when its reply could not be delivered, count
        that and release the update, so that a redelivery is answered."""
        output = TelegramOutput(self.bot, self.callback_data, incoming.chat_id)
        sender = privacy.channel_sender(self.name(), incoming.chat_id)
        await self._answer(update_id, incoming, sender, output, on_new_message)
        if not output.undelivered:
            await self.dedup.handled(str(update_id))
            return
        self.undelivered_replies += 1
        logger.error("Telegram update %s for %s: %d replies not delivered (%d updates so far)",
                     update_id, sender, output.undelivered, self.undelivered_replies)
        await self.dedup.release(str(update_id))

    async def _answer(self, update_id: int, incoming: Incoming, sender: str, output: TelegramOutput,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Answer a pressed button's query, then pass the text to Rasa: a note with the emergency lines when
        nothing was said within the deadline, the reply when it comes, an apology when there is none."""
        text = incoming.text
        if incoming.callback_query_id is not None:
            await output._call(self.bot.answer_callback_query, callback_query_id=incoming.callback_query_id)
            if incoming.user_id is not None and text.startswith(handoff.TAKE):
                said = await handoff.RELAY.staff_pressed(incoming.user_id, incoming.chat_id, text, handoff.now())
                await output.send_text_message(incoming.chat_id, said or "")
                return
            text = await self.callback_data.decode(text)
        if not text:
            return
        if not await self.rate_limit.allow(sender, text):
            await output.send_text_message(incoming.chat_id, guard.too_many(text))
            return
        if await self._relayed(incoming, sender, text, output):
            return
        metadata: dict[str, Any] = {"channel": "telegram", "language_code": incoming.language_code,
                                    "reply_to": privacy.seal(incoming.chat_id)}
        if incoming.user_id is not None:
            metadata.update(privacy.vouch(sender, str(update_id), incoming.user_id))
        message = UserMessage(text, output, sender, input_channel=self.name(),
                              message_id=str(update_id), metadata=metadata)
        handling = self.deadline.start(on_new_message(message), f"Telegram update {update_id} from {sender}")
        if not await self.deadline.within(handling) and not output.sent:
            await output.send_text_message(incoming.chat_id, guard.late(text))
        await handling
        if not output.sent:
            await output.send_text_message(incoming.chat_id, guard.apology(text))

    async def _relayed(self, incoming: Incoming, sender: str, text: str, output: TelegramOutput) -> bool:
        """Whether the message belongs to a request to talk to a person (a staff member's answer or command, or
        a person talking to a staff member) and was handled as such, instead of by the assistant."""
        said = None
        if incoming.callback_query_id is None and incoming.user_id is not None:
            said = await handoff.RELAY.staff_wrote(incoming.user_id, incoming.chat_id, text, incoming.reply_to,
                                                   handoff.now())
        if said is None:
            said = await handoff.RELAY.person_wrote(sender, text, handoff.now())
        if said is None:
            return False
        if said:
            await output.send_text_message(incoming.chat_id, said)
        return True

    def get_output_channel(self) -> TelegramOutput:
        """An output channel sending through this channel's bot (Rasa also uses it for proactive messages)."""
        return TelegramOutput(self.bot, self.callback_data)
