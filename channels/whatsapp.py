"""WhatsApp through Twilio: POST /webhooks/whatsapp/webhook, answered with TwiML in the response.

Credentials (Rasa credentials file, key `channels.whatsapp.WhatsAppInput`):
account_sid, auth_token (checks X-Twilio-Signature), whatsapp_number, and optional
public_url: the URL Twilio posts to, when it is not the one this server sees. Without
it, the URL is rebuilt from the request; X-Forwarded-Proto and X-Forwarded-Host are
honoured only from the proxies in `trusted_proxies` (comma-separated addresses or
networks; default: loopback, a proxy on the same machine), never from anyone else.
Rasa sees the sender only as a pseudonym (`bot.privacy.channel_sender`). Optional
api_base_url (Twilio's REST API, for replies later than reply_deadline_s, default 10:
see `channels.deadline` and `channels.twilio_api`); optional handoff_template_sid: the content SID of an
approved template sent to invite back a person whose last message is over 24 hours old, when a staff
member answers their request to talk to a person (`channels.handoff`). What a reply emphasises (a centre's
name) is sent in *bold*, in the TwiML and through the REST API alike (`channels.markup`).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import urllib.parse
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import privacy
from channels import deadline, guard, handoff, inbound, markup
from channels.buttons import ButtonMemory, numbered_list, payload_of
from channels.dedup import Dedup
from channels.splitting import WHATSAPP_LIMIT, split_text
from channels.twilio_api import TwilioSender

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
MAX_FORM_FIELDS = 200
DEFAULT_TRUSTED_PROXIES = "127.0.0.0/8,::1"
# Characters XML 1.0 cannot carry, which TwiML would otherwise pass through and break.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _FormFields(dict):
    """Form fields as name -> list of values, readable by Twilio's RequestValidator (via `getall`)."""

    def getall(self, name: str) -> list[str]:
        return self[name]


class Collector(CollectingOutputChannel):
    """Rasa's replies to one WhatsApp message, collected as Rasa's own collector does, each text keeping the
    emphasis of the message it came from (Rasa's collector drops it)."""

    @classmethod
    def name(cls) -> str:
        """The output channel's name, as Rasa records it and matches `channel:` response variations against."""
        return "whatsapp"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Collect one of Rasa's replies (a text split at blank lines, buttons, an image) with its emphasis."""
        emphasis = markup.emphasis_of(message)
        collected = len(self.messages)
        await super().send_response(recipient_id, message)
        for each in self.messages[collected:]:
            if emphasis and each.get("text"):
                each["emphasis"] = emphasis


class WhatsAppInput(InputChannel):
    """Twilio's WhatsApp webhook: checks the signature, ignores redeliveries, replies in TwiML."""

    @classmethod
    def name(cls) -> str:
        """The channel's name: its webhooks are under /webhooks/whatsapp/."""
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "WhatsAppInput":
        """The channel from its credentials; fails when auth_token is missing (no request could be checked)."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # (raised just above: for the type checker)
        return cls(credentials.get("account_sid") or "", credentials.get("auth_token") or "",
                   credentials.get("whatsapp_number") or "", credentials.get("public_url") or None,
                   credentials.get("trusted_proxies") or DEFAULT_TRUSTED_PROXIES,
                   credentials.get("api_base_url") or None,
                   float(credentials.get("reply_deadline_s") or deadline.WHATSAPP_DEADLINE_S),
                   credentials.get("handoff_template_sid") or None)

    def __init__(self, account_sid: str, auth_token: str, whatsapp_number: str,
                 public_url: Optional[str] = None, trusted_proxies: str = DEFAULT_TRUSTED_PROXIES,
                 api_base_url: Optional[str] = None, reply_deadline_s: float = deadline.WHATSAPP_DEADLINE_S,
                 template_sid: Optional[str] = None) -> None:
        if not auth_token:
            raise ValueError("WhatsAppInput needs auth_token to check X-Twilio-Signature")
        self.account_sid = account_sid
        self.sender = TwilioSender(account_sid, auth_token, whatsapp_number, api_base_url)
        self.deadline = deadline.Deadline(reply_deadline_s)
        deadline.limit_action_calls()
        self.whatsapp_number = whatsapp_number
        self.public_url = public_url
        self.trusted_proxies = [ipaddress.ip_network(net.strip(), strict=False)
                                for net in str(trusted_proxies).split(",") if net.strip()]
        self.validator = RequestValidator(auth_token)
        self.dedup = Dedup(f"whatsapp:{account_sid}")
        self.buttons = ButtonMemory("whatsapp")
        self.rate_limit = guard.RateLimit("whatsapp")
        privacy.on_forget(self.buttons.forget)
        privacy.on_forget(self.rate_limit.forget)
        handoff.RELAY.people[self.name()] = self.send_to_person
        if template_sid:  # WhatsApp's approved template, inviting back a person silent for over 24 hours
            handoff.RELAY.template = functools.partial(self.sender.send_template, content_sid=template_sid)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / (health) and POST /webhook, which answers each message with the reply as TwiML.

        403: no valid signature; 400: the body is not a form with `From`; 200 otherwise,
        with an empty `<Response/>` for a redelivered MessageSid or a message with nothing to answer.
        When the reply is not ready within the deadline, the TwiML holds a short apology with the
        emergency lines, and the reply follows through Twilio's REST API when it is ready.
        """
        whatsapp = Blueprint("whatsapp_webhook", __name__)

        @whatsapp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @whatsapp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            signature = request.headers.get(SIGNATURE_HEADER)
            if not signature:
                return response.text("missing X-Twilio-Signature", status=403)
            fields = parse_form(request.body)
            if fields is None:
                return response.text("not a form-encoded body", status=400)
            if not self.validator.validate(self.signed_url(request), fields, signature):
                return response.text("wrong X-Twilio-Signature", status=403)
            form = {name: values[0] for name, values in fields.items()}
            address = form.get("From", "").strip()
            if not address:
                return response.text("no From", status=400)
            sender = privacy.channel_sender(self.name(), address)  # the phone number goes no further
            sid = form.get("MessageSid") or form.get("SmsMessageSid")
            if sid and not await self.dedup.claim(sid):
                return _twiml(MessagingResponse())
            twiml = await self._answer(address, sender, sid, form, on_new_message)
            if sid:
                await self.dedup.handled(sid)
            return _twiml(twiml)

        deadline.drain_on_stop(whatsapp, self.deadline)
        return whatsapp

    async def _answer(self, address: str, sender: str, sid: Optional[str], form: dict[str, str],
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> MessagingResponse:
        """The TwiML answering one message: the reply, a note that it follows (past the deadline), the
        answer to a flood, or nothing (a message with nothing to answer)."""
        twiml = MessagingResponse()
        text = inbound.from_twilio(form)
        if text is None:
            return twiml
        if not await self.rate_limit.allow(sender, text):
            twiml.message(guard.too_many(text))
            return twiml
        said = await handoff.RELAY.person_wrote(sender, text, handoff.now())
        if said is not None:  # talking to a staff member: the assistant stays quiet
            if said:
                twiml.message(said)
            return twiml
        collector = Collector()
        message = UserMessage(await self.buttons.resolve(sender, text), collector, sender,
                              input_channel=self.name(), message_id=sid,
                              metadata={"channel": "whatsapp", "reply_to": privacy.seal(address)})
        handling = self.deadline.start(on_new_message(message), f"WhatsApp message {sid} from {sender}")
        if not await self.deadline.met(handling, lambda: self._deliver_late(address, sender, text, collector)):
            twiml.message(guard.late(text))
            return twiml
        twiml, payloads = render(_or_apology(collector.messages, text))
        await self.buttons.remember(sender, payloads)
        return twiml

    async def _deliver_late(self, address: str, sender: str, text: str, collector: Collector) -> None:
        """Send through Twilio's REST API the reply that came after the webhook answered."""
        pieces, payloads = outgoing(_or_apology(collector.messages, text))
        await self.buttons.remember(sender, payloads)
        if not await self._send(address, pieces):
            logger.error("WhatsApp late reply to %s not delivered", sender)

    async def send_to_person(self, address: str, text: str) -> bool:
        """Write a staff member's answer to a person, through Twilio's REST API (split as every reply is);
        whether it was delivered."""
        return await self._send(address, outgoing([{"text": text}])[0])

    async def _send(self, address: str, pieces: list[tuple[str, Optional[str]]]) -> bool:
        """Send `outgoing` pieces, in order, through Twilio's REST API; whether all were, stopping at a failure."""
        for body, media in pieces:
            if not await self.sender.send(address, body, media):
                return False
        return True

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: public_url if set, else this request's URL as the client saw it.

        The scheme and host come from X-Forwarded-Proto / X-Forwarded-Host (the first value:
        the outermost proxy's) only when the request comes from a trusted proxy; otherwise
        from the request itself.
        """
        if self.public_url:
            return self.public_url
        forwarded = self.from_trusted_proxy(request)
        scheme = (forwarded and _first(request.headers.get("X-Forwarded-Proto"))) or request.scheme
        host = (forwarded and _first(request.headers.get("X-Forwarded-Host"))) or request.headers.get("Host", "")
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{scheme}://{host}{request.path}{query}"


    def from_trusted_proxy(self, request: Request) -> bool:
        """Whether the request's peer (the socket's, not a header's) is one of the trusted proxies."""
        try:
            peer = ipaddress.ip_address(request.conn_info.client_ip if request.conn_info else "")
        except ValueError:
            return False
        return any(peer in network for network in self.trusted_proxies)


def parse_form(body: bytes) -> Optional[_FormFields]:
    """The fields of a form-encoded UTF-8 body, blank ones included (Twilio signs them); None if it is not one."""
    try:
        fields = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body),
                                       errors="strict", max_num_fields=MAX_FORM_FIELDS)
    except ValueError:  # UnicodeDecodeError is a ValueError
        return None
    return _FormFields(fields)


def _or_apology(messages: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Rasa's replies, or an apology when there are none (the agent failed): never silence."""
    return messages or [{"text": guard.apology(text)}]


def outgoing(messages: list[dict[str, Any]]) -> tuple[list[tuple[str, Optional[str]]], list[str]]:
    """Rasa's collected replies as WhatsApp messages (body, media URL), and the payloads of the buttons shown
    (numbered across the reply).

    Each body holds at most WHATSAPP_LIMIT UTF-16 units, its emphasis in *bold* (marked in each piece of a split
    text: `channels.markup.whatsapp`); buttons are listed as "1. Title" lines after their text; an image is a
    message of its own with no body.
    """
    pieces: list[tuple[str, Optional[str]]] = []
    payloads: list[str] = []
    for message in messages:
        text = message.get("text") or ""
        buttons = message.get("buttons") or []
        if buttons:
            text = f"{text}\n\n{numbered_list(buttons, len(payloads) + 1)}"
            payloads += [payload_of(button) for button in buttons]
        emphasis = [_NOT_XML.sub("", part) for part in markup.emphasis_of(message)]
        limit = WHATSAPP_LIMIT - markup.whatsapp_overhead(emphasis)
        pieces += [(markup.whatsapp(piece, emphasis), None) for piece in split_text(_NOT_XML.sub("", text), limit)]
        if message.get("image"):
            pieces.append(("", str(message["image"])))
    return pieces, payloads


def render(messages: list[dict[str, Any]]) -> tuple[MessagingResponse, list[str]]:
    """Rasa's collected replies as TwiML (a `<Message>` for each of `outgoing`'s messages, an image as
    `<Media>`), and the payloads of the buttons shown."""
    pieces, payloads = outgoing(messages)
    twiml = MessagingResponse()
    for body, media in pieces:
        if media:
            twiml.message().media(media)
        else:
            twiml.message(body)
    return twiml, payloads


def _twiml(twiml: MessagingResponse) -> HTTPResponse:
    return response.text(str(twiml), content_type="application/xml")


def _first(header: Optional[str]) -> str:
    """The first of a comma-separated header's values (the outermost proxy's), trimmed ('' when absent)."""
    return (header or "").split(",", 1)[0].strip()
