"""Fixes for two costs Rasa 3.6 pays on every custom action call (measured with py-spy; docs/benchmarks.md).

1. Checking the action server's answer against its JSON schema. Rasa calls
`jsonschema.validate(result, schema)` for every custom action and form
validation; that re-checks the (constant) schema against the JSON Schema
meta-schema each time, which was half of the Rasa server's CPU time per turn
here, and then tries each event against all 23 kinds of event (`oneOf`). This
builds the validators once and checks each event against the one kind its
`event` names: the same answers pass and fail, without the repeated work.

2. A new HTTP client session, and so a new connection, for every request to
the action server. This keeps one session per endpoint and event loop, whose
idle connections are closed after `KEEPALIVE_S`, before the action server
(Sanic: 5 s) would close them under it.

Imported by `bot.nlu`, which every Rasa server running the project's model loads.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from typing import Any, Dict, Optional, Text

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEPALIVE_S = 2.0
_SESSIONS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Dict[int, aiohttp.ClientSession]]" = \
    weakref.WeakKeyDictionary()


class _ResponseCheck:
    """Rasa's schema of an action server response, split so that each event is checked against its own kind.

    The schema says an event must match exactly one of its kinds (`oneOf`), and
    each kind fixes `event` to a constant; so an event matches exactly one kind
    when it matches the kind its `event` names.
    """

    def __init__(self, schema: Dict[Text, Any]) -> None:
        events = schema["properties"]["events"]
        kinds = events["items"]["oneOf"]
        common = {key: value for key, value in events["items"].items() if key != "oneOf"}
        outline = {**schema, "properties": {**schema["properties"], "events": {**events, "items": common}}}
        self.outline = validator_for(outline)(outline)
        self.kinds = {kind["properties"]["event"]["const"]: validator_for(kind)(kind) for kind in kinds}

    def validate(self, result: Any) -> None:
        """Raise ValidationError unless `result` is a valid action server response."""
        self.outline.validate(result)
        for event in result.get("events") or []:
            kind = self.kinds.get(event["event"])
            if kind is None:
                raise ValidationError(f"{event['event']!r} is not one of the kinds of event Rasa knows")
            kind.validate(event)


@functools.lru_cache(maxsize=1)
def _validator() -> _ResponseCheck:
    return _ResponseCheck(RemoteAction.action_response_format_spec())


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Rasa's check of an action server response, with the schema's validators built once."""
    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (f". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error


class _Kept:
    """`async with` on a kept session: the session stays open for the next request."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: object) -> Optional[bool]:
        return None


def _kept_session(self: EndpointConfig) -> _Kept:
    """Rasa's session for this endpoint (same headers, auth and timeout), made once per event loop."""
    sessions = _SESSIONS.setdefault(asyncio.get_running_loop(), {})
    session = sessions.get(id(self))
    if session is None or session.closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
            if self.basic_auth else None
        session = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))
        sessions[id(self)] = session
    return _Kept(session)


def install() -> None:
    """Use the cached validator in every RemoteAction, and kept sessions for every endpoint, of this process."""
    RemoteAction._validate_action_result = _validate_action_result
    EndpointConfig.session = _kept_session
