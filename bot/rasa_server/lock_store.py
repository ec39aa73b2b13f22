"""Rasa's Redis lock store, made unable to freeze the server: name it in endpoints.yml as
`type: bot.rasa_server.lock_store.ResilientRedisLockStore` (docs/deploy.md).

Rasa's own store talks to Redis synchronously, inside the event loop, waiting up to 10 s a
call: a Redis that accepts connections but never answers stops every conversation of the
server for that long, on every message. This one waits at most SOCKET_TIMEOUT_S, and after
a failure keeps locks in this process (as Rasa's in-memory store does) until its circuit
breaker lets Redis be tried again: while Redis is down, two servers may each answer a
message of the same conversation at once, which is better than answering none.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

from bot.circuit_breaker import CircuitBreaker

SOCKET_TIMEOUT_S = 0.25
T = TypeVar("T")


class ResilientRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore with a short timeout, and locks in memory while Redis fails."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        """The store from endpoints.yml's `lock_store` (as Rasa creates it), or from RedisLockStore's arguments."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        timeout = min(float(kwargs.pop("socket_timeout", SOCKET_TIMEOUT_S)), SOCKET_TIMEOUT_S)
        super().__init__(socket_timeout=timeout, **kwargs)
        self.red.connection_pool.connection_kwargs["socket_connect_timeout"] = SOCKET_TIMEOUT_S
        self.memory = InMemoryLockStore()
        self.breaker = CircuitBreaker("Redis lock store")

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """The conversation's lock, from Redis or, while Redis fails, from memory."""
        return self._either(lambda: super(ResilientRedisLockStore, self).get_lock(conversation_id),
                            lambda: self.memory.get_lock(conversation_id))

    def delete_lock(self, conversation_id: Text) -> None:
        """Delete the conversation's lock (from memory too)."""
        self.memory.conversation_locks.pop(conversation_id, None)
        self._either(lambda: super(ResilientRedisLockStore, self).delete_lock(conversation_id), lambda: None)

    def save_lock(self, lock: TicketLock) -> None:
        """Save the lock in Redis or, while Redis fails, in memory."""
        self._either(lambda: super(ResilientRedisLockStore, self).save_lock(lock), lambda: self.memory.save_lock(lock))

    def _either(self, in_redis: Callable[[], T], in_memory: Callable[[], T]) -> T:
        if not self.breaker.open:
            try:
                result = in_redis()
            except (RedisError, OSError) as error:
                self.breaker.trip(error)
            else:
                self.breaker.succeeded()
                return result
        return in_memory()
