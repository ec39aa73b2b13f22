"""A small string key-value memory with expiry, shared by `dedup`, `buttons` and `guard`.

In memory (bounded, per process) by default; in Redis when BOT_REDIS_URL is set,
so that several servers share it. Keys hold message ids and pseudonyms
(`bot.privacy.channel_sender`), never a phone number or chat id.

Redis is an accelerator, not a single point of failure: each call waits at most
REDIS_TIMEOUT_S, and after a failure a circuit breaker (shared by every store of
the process) leaves Redis alone for a while. Meanwhile each store works in this
process's memory: dedup and rate limits hold per server, and replies go on.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Optional, Protocol

import redis.asyncio
from redis.exceptions import RedisError

from bot.circuit_breaker import CircuitBreaker

REDIS_URL_ENV = "BOT_REDIS_URL"
REDIS_TIMEOUT_S = 0.25  # Redis answers in a millisecond; a Redis that does not must not hold a reply
_BREAKERS: dict[str, CircuitBreaker] = {}


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
    """A Store in Redis under `prefix`, each key kept `ttl` seconds (SET NX EX / SET EX / GET / INCR / DEL).

    While Redis fails (see the module's docstring), the same operations go to a memory store.
    """

    def __init__(self, url: str, prefix: str, ttl: float, max_items: int = 10_000) -> None:
        self.prefix, self.ttl = prefix, max(1, int(ttl))
        self._redis = redis.asyncio.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S,
                                                   socket_connect_timeout=REDIS_TIMEOUT_S)
        self._breaker = _BREAKERS.setdefault(url, CircuitBreaker("Redis"))
        self._memory = MemoryStore(ttl, max_items)

    async def add(self, key: str, value: str) -> bool:
        """Set `key` only if it is absent (or expired); True when it was set."""
        return bool(await self._either(lambda: self._redis.set(self.prefix + key, value, nx=True, ex=self.ttl),
                                       lambda: self._memory.add(key, value)))

    async def put(self, key: str, value: str) -> None:
        """Set `key`, replacing any value, with a fresh expiry."""
        await self._either(lambda: self._redis.set(self.prefix + key, value, ex=self.ttl),
                           lambda: self._memory.put(key, value))

    async def get(self, key: str) -> Optional[str]:
        """The value of `key`, or None when absent or expired."""
        value = await self._either(lambda: self._redis.get(self.prefix + key), lambda: self._memory.get(key))
        return value.decode("utf-8") if isinstance(value, bytes) else value

    async def incr(self, key: str) -> int:
        """Add one to the counter `key` (expiring `ttl` after its first count); the new count."""
        return int(await self._either(lambda: self._incr(key), lambda: self._memory.incr(key)))

    async def delete(self, key: str) -> None:
        """Forget `key` (in Redis and in the memory used while Redis failed)."""
        await self._memory.delete(key)
        await self._either(lambda: self._redis.delete(self.prefix + key), lambda: self._memory.delete(key))

    async def _incr(self, key: str) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(self.prefix + key).expire(self.prefix + key, self.ttl, nx=True).execute()
        return int(count)

    async def _either(self, in_redis: Callable[[], Awaitable[Any]], in_memory: Callable[[], Awaitable[Any]]) -> Any:
        """`in_redis()` within REDIS_TIMEOUT_S, or `in_memory()` when Redis is failing or fails now."""
        if not self._breaker.open:
            try:
                result = await asyncio.wait_for(in_redis(), REDIS_TIMEOUT_S * 2)
            except (RedisError, OSError, asyncio.TimeoutError) as error:
                self._breaker.trip(error)
            else:
                self._breaker.succeeded()
                return result
        return await in_memory()


def open_store(namespace: str, ttl: float, max_items: int) -> Store:
    """A Redis store under `bot:<namespace>:` when BOT_REDIS_URL is set, else a bounded memory store."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url:
        return RedisStore(url, f"bot:{namespace}:", ttl, max_items)
    return MemoryStore(ttl, max_items)
