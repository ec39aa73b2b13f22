"""A REST channel that is safe to expose: POST /webhooks/rest/webhook with a bearer token.

Credentials (key `channels.rest.RestInput`): `token`, required. Use it instead of Rasa's
own `rest:` (which trusts whatever sender id and metadata a client sends) wherever the
server can be reached by anyone else. Here:

- a request without `Authorization: Bearer <token>` gets 401 and changes nothing;
- the sender id a client names becomes a pseudonym in a namespace of its own
  (`bot.privacy.channel_sender("rest", sender)`), so it can never continue a WhatsApp or
  Telegram conversation, and is kept nowhere in clear; metadata from the client is
  ignored, so it can never claim to be staff;
- the body is {"sender": "...", "message": "..."}; the reply is Rasa's messages as JSON.
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import privacy
from channels import guard, inbound

logger = logging.getLogger(__name__)

SENDER = re.compile(r"[A-Za-z0-9_.:@+-]{1,64}")


class RestInput(InputChannel):
    """Rasa's REST webhook, behind a bearer token, in a sender namespace of its own."""

    @classmethod
    def name(cls) -> str:
        """The channel's name: its webhook is /webhooks/rest/webhook, where Rasa's own would be."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "RestInput":
        """The channel from its credentials; fails without a token."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # (raised just above: for the type checker)
        return cls(str(credentials.get("token") or ""))

    def __init__(self, token: str) -> None:
        if len(token) < 16:
            raise ValueError("channels.rest.RestInput needs a token of at least 16 characters")
        self.token = token.encode("utf-8")
        self.rate_limit = guard.RateLimit("rest")
        privacy.on_forget(self.rate_limit.forget)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / (health) and POST /webhook.

        401: no or wrong bearer token; 400: not {"sender": ..., "message": ...} with a sender of 1-64
        letters, digits or `_.:@+-`; 200 with the replies as a JSON list otherwise.
        """
        rest = Blueprint("safe_rest_webhook", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.authorised(request.headers.get("Authorization", "")):
                return response.json({"error": "a bearer token is required"}, status=401)
            body = _json(request)
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not SENDER.fullmatch(sender) or not isinstance(text, str):
                return response.json({"error": 'send {"sender": "...", "message": "..."}'}, status=400)
            sender, text = privacy.channel_sender(self.name(), sender), inbound.cap_text(text.strip())
            if not text:
                return response.json([])
            if not await self.rate_limit.allow(sender, text):
                return response.json([{"recipient_id": sender, "text": guard.too_many(text)}])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata={"channel": self.name()}))
            except Exception:  # the agent failed: answer with what it said so far
                logger.exception("REST message from %s: handling failed", sender)
            return response.json(collector.messages or [{"recipient_id": sender, "text": guard.apology(text)}])

        return rest

    def authorised(self, header: str) -> bool:
        """Whether an Authorization header carries this channel's bearer token."""
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode("utf-8"), self.token)


def _json(request: Request) -> dict:
    """The request's JSON object ({} when the body is not one)."""
    try:
        body = request.json
    except Exception:  # Sanic raises its own error type for a body that is not JSON
        return {}
    return body if isinstance(body, dict) else {}
