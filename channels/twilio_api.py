"""Sending WhatsApp messages outside a webhook's response, through Twilio's REST API (the twilio client).

Used when the answer comes after the webhook already answered (the deadline passed). The
messages go to `POST {api_base_url}/2010-04-01/Accounts/{account_sid}/Messages.json` with
`From` = the WhatsApp number, `To` = the user's `whatsapp:+…`, `Body` (and `MediaUrl`),
with HTTP basic auth; `api_base_url` is Twilio's own unless a fake on loopback stands in.
The twilio client logs each request, phone numbers included, at INFO: it gets a logger
of its own that says nothing below WARNING.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

import aiohttp
from twilio.base.exceptions import TwilioException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger(__name__)

SEND_TIMEOUT_S = 10.0
SEND_TRIES = 2
_QUIET = logging.getLogger(f"{__name__}.client")
_QUIET.setLevel(logging.WARNING)


class TwilioSender:
    """Messages from one WhatsApp number, sent through Twilio's REST API."""

    def __init__(self, account_sid: str, auth_token: str, whatsapp_number: str,
                 api_base_url: Optional[str] = None) -> None:
        self.whatsapp_number = whatsapp_number
        self._credentials, self._api_base_url = (account_sid, auth_token), api_base_url
        self._client: Optional[Client] = None

    @property
    def client(self) -> Client:
        """The twilio client, made on first use (its HTTP session needs the running event loop)."""
        if self._client is None:
            self._client = Client(*self._credentials,
                                  http_client=AsyncTwilioHttpClient(timeout=SEND_TIMEOUT_S, logger=_QUIET))
            if self._api_base_url:
                self._client.api.base_url = self._api_base_url.rstrip("/")
        return self._client

    async def send(self, to: str, body: str = "", media_url: Optional[str] = None) -> bool:
        """Send one message to `to` (`whatsapp:+…`); whether Twilio accepted it (failures are logged, not raised)."""
        params: dict[str, Any] = {"to": to, "from_": self.whatsapp_number, "body": body}
        if media_url:
            params["media_url"] = [media_url]
        return await self._create(params)

    async def send_template(self, to: str, content_sid: str) -> bool:
        """Send the approved template `content_sid` to `to` (outside WhatsApp's 24-hour window); whether
        Twilio accepted it."""
        return await self._create({"to": to, "from_": self.whatsapp_number, "content_sid": content_sid})

    async def _create(self, params: dict[str, Any]) -> bool:
        """messages.create with `params`, tried again (SEND_TRIES in all) while the failure may pass."""
        for attempt in range(1, SEND_TRIES + 1):
            try:
                await self.client.messages.create_async(**params)
                return True
            except (TwilioException, aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                status = getattr(error, "status", None)
                logger.warning("Twilio message not sent (HTTP %s), try %d of %d", status, attempt, SEND_TRIES)
                if status is not None and status < 500 and status != 429:
                    return False
        return False
