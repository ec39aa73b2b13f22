"""What it fixes: A new HTTP client session, and so a new connection, for every request to
the action server. This keeps one session per endpoint and event loop, whose
idle connections are closed after `KEEPALIVE_S`, before the action server
(Sanic: 5 s) would close them under it. A kept connection can still have been
closed by the server when a request goes out on it (a loaded machine, a server
restarted, a proxy with a shorter keep-alive): the request then fails before
any answer comes back, and it is sent once more on a new connection of its own.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from contextvars import ContextVar
from typing import Any, Dict, Optional

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEPALIVE_S = 2.0
# A kept connection the server had closed: the request could not be written, or the server was gone before
# any answer to it (aiohttp 3.9 raises these; a server that answered, even with an error, raises none of them).
_DROPPED = (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError, ConnectionResetError)
_ON_NEW_CONNECTION: ContextVar[bool] = ContextVar("on_new_connection", default=False)
logger = logging.getLogger(__name__)
_SESSIONS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Dict[int, aiohttp.ClientSession]]" = \
    weakref.WeakKeyDictionary()


class _Kept:
    """`async with` on a session: a kept one stays open for the next request, a one-off one is closed."""

    def __init__(self, session: aiohttp.ClientSession, one_off: bool = False) -> None:
        self.session, self.one_off = session, one_off

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: object) -> Optional[bool]:
        if self.one_off:
            await self.session.close()
        return None


def _new_session(endpoint: EndpointConfig, connector: aiohttp.TCPConnector) -> aiohttp.ClientSession:
    """A session with Rasa's headers, auth and timeout for `endpoint`, over `connector`."""
    auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"]) \
        if endpoint.basic_auth else None
    return aiohttp.ClientSession(headers=endpoint.headers, auth=auth, connector=connector,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))


def _kept_session(self: EndpointConfig) -> _Kept:
    """Rasa's session for this endpoint, made once per event loop; a one-off session on a new connection
    while a dropped request is sent again."""
    if _ON_NEW_CONNECTION.get():
        return _Kept(_new_session(self, aiohttp.TCPConnector(force_close=True)), one_off=True)
    sessions = _SESSIONS.setdefault(asyncio.get_running_loop(), {})
    session = sessions.get(id(self))
    if session is None or session.closed:
        session = _new_session(self, aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))
        sessions[id(self)] = session
    return _Kept(session)


_RASA_REQUEST = EndpointConfig.request


async def _request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Optional[Any]:
    """Rasa's request to the endpoint; when a kept connection was dropped before any answer, the same
    request once more on a new connection (whose failure is Rasa's to handle)."""
    try:
        return await _RASA_REQUEST(self, *args, **kwargs)
    except _DROPPED as error:
        logger.debug("A kept connection to %s was dropped (%r); sending again on a new one.", self.url, error)
    token = _ON_NEW_CONNECTION.set(True)
    try:
        return await _RASA_REQUEST(self, *args, **kwargs)
    finally:
        _ON_NEW_CONNECTION.reset(token)


def install() -> None:
    """Replace Rasa's own method with this one, in this process."""
    EndpointConfig.session = _kept_session  # type: ignore[method-assign,assignment]
    EndpointConfig.request = _request  # type: ignore[method-assign]
