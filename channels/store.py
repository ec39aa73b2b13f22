"""A small string key-value memory with expiry, shared by `dedup`, `buttons` and `guard`.

In memory (bounded, per process) by default; in Redis when BOT_REDIS_URL is set,
so that several servers share it. Keys hold message ids and pseudonyms
(`bot.privacy.channel_sender`), never a phone number or chat id. Redis trouble is logged and never raised:
the store then behaves as if it were empty, so messages are still answered.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Optional, Protocol

import redis.asyncio
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "BOT_REDIS_URL"
REDIS_TIMEOUT_S = 2.0


class Store(Protocol):
    """What `dedup` and `buttons` need from a store."""

    async def add(self, key: str, value: str) -> bool:
        """Set `key` only if it is absent (or expired); True when it was set."""

    async def put(self, key: str, value: str) -> None:
        """Set `key`, replacing any value, with a fresh expiry."""

    async def get(self, key: str) -> Optional[str]:
        """The value of `key`, or None when absent or expired."""

    async def incr(self, key: str) -> int:
        """Add one to the counter `key` (which expires `ttl` after its first count); the new count."""

    async def delete(self, key: str) -> None:
        """Forget `key` (nothing happens when it is absent)."""


class MemoryStore:
    """A Store in this process: at most `max_items` keys, each kept `ttl` seconds."""

    def __init__(self, ttl: float, max_items: int) -> None:
        self.ttl, self.max_items = ttl, max_items
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()

    async def add(self, key: str, value: str) -> bool:
        """Set `key` only if it is absent (or expired); True when it was set."""
        if self._live(key) is not None:
            return False
        self._set(key, value)
        return True

    async def put(self, key: str, value: str) -> None:
        """Set `key`, replacing any value, with a fresh expiry."""
        self._set(key, value)

    async def get(self, key: str) -> Optional[str]:
        """The value of `key`, or None when absent or expired."""
        return self._live(key)

    async def incr(self, key: str) -> int:
        """Add one to the counter `key` (which expires `ttl` after its first count); the new count."""
        item = self._items.get(key)
        if item is None or item[0] <= time.monotonic():
            self._set(key, "1")
            return 1
        count = int(item[1]) + 1
        self._items[key] = (item[0], str(count))
        return count

    async def delete(self, key: str) -> None:
        """Forget `key` (nothing happens when it is absent)."""
        self._items.pop(key, None)

    def _live(self, key: str) -> Optional[str]:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= time.monotonic():
            del self._items[key]
            return None
        return item[1]

    def _set(self, key: str, value: str) -> None:
        self._items[key] = (time.monotonic() + self.ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)  # the oldest write expires first anyway


class RedisStore:
    """A Store in Redis under `prefix`, each key kept `ttl` seconds (SET NX EX / SET EX / GET)."""

    def __init__(self, url: str, prefix: str, ttl: float) -> None:
        self.prefix, self.ttl = prefix, max(1, int(ttl))
        self._redis = redis.asyncio.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S,
                                                   socket_connect_timeout=REDIS_TIMEOUT_S)

    async def add(self, key: str, value: str) -> bool:
        """Set `key` only if it is absent (or expired); True when it was set, or when Redis fails."""
        try:
            return bool(await self._redis.set(self.prefix + key, value, nx=True, ex=self.ttl))
        except (RedisError, OSError) as error:
            logger.warning("Redis SET NX failed (%s); treating %r as new", error, key)
            return True

    async def put(self, key: str, value: str) -> None:
        """Set `key`, replacing any value, with a fresh expiry; a Redis failure is only logged."""
        try:
            await self._redis.set(self.prefix + key, value, ex=self.ttl)
        except (RedisError, OSError) as error:
            logger.warning("Redis SET failed (%s); %r not stored", error, key)

    async def get(self, key: str) -> Optional[str]:
        """The value of `key`, or None when absent, expired or Redis fails."""
        try:
            value = await self._redis.get(self.prefix + key)
        except (RedisError, OSError) as error:
            logger.warning("Redis GET failed (%s); %r taken as absent", error, key)
            return None
        return value.decode("utf-8") if value is not None else None

    async def incr(self, key: str) -> int:
        """Add one to the counter `key` (expiring `ttl` after its first count); 1 when Redis fails."""
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                count, _ = await pipe.incr(self.prefix + key).expire(self.prefix + key, self.ttl, nx=True).execute()
            return int(count)
        except (RedisError, OSError) as error:
            logger.warning("Redis INCR failed (%s); %r not counted", error, key)
            return 1

    async def delete(self, key: str) -> None:
        """Forget `key`; a Redis failure is logged (the key then expires on its own)."""
        try:
            await self._redis.delete(self.prefix + key)
        except (RedisError, OSError) as error:
            logger.warning("Redis DEL failed (%s); %r expires on its own", error, key)


def open_store(namespace: str, ttl: float, max_items: int) -> Store:
    """A Redis store under `bot:<namespace>:` when BOT_REDIS_URL is set, else a bounded memory store."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url:
        return RedisStore(url, f"bot:{namespace}:", ttl)
    return MemoryStore(ttl, max_items)
