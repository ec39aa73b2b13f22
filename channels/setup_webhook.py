"""Registering the Telegram webhook (wired to `python -m bot telegram set-webhook URL`)."""

from __future__ import annotations

import logging
from typing import Optional

from telegram.error import TelegramError

from channels.telegram import make_bot

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


async def set_webhook(token: str, url: str, secret_token: str, base_url: Optional[str] = None) -> bool:
    """Point the bot's webhook at `url` with `secret_token`, for ALLOWED_UPDATES only.

    True when the Bot API accepted it; False (the reason logged) when the token is
    rejected, the API refuses the URL or cannot be reached.
    """
    try:
        async with make_bot(token, base_url) as bot:
            return await bot.set_webhook(url=url, secret_token=secret_token, allowed_updates=ALLOWED_UPDATES)
    except TelegramError as error:
        logger.error("setWebhook to %s failed: %s", url, error)
        return False
