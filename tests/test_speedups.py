"""The cached check of action server responses accepts and rejects exactly what Rasa's own does."""

from __future__ import annotations

import asyncio

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

import bot.nlu  # noqa: F401  (installs the speed-up, as loading the model does)

GOOD = [{"events": [{"event": "slot", "name": "city", "value": "Quito"}], "responses": [{"text": "hola"}]},
        {"events": [{"event": "slot", "name": "page", "value": 1, "timestamp": None},
                    {"event": "followup", "name": "action_answer"}, {"event": "active_loop", "name": None}]},
        {"events": [], "responses": []}, {}]
BAD = [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": "nope"},
       {"events": [{"event": "no_such_kind"}]}, {"events": [{"event": "slot"}]},
       {"events": [{"event": "slot", "name": "city", "value": "Quito"}, {"event": "slot", "name": 5, "value": 1}]},
       {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "city"}]}}]},
       {"events": [{"event": "bot", "timestamp": "yesterday"}]}, {"events": [7]}]


@pytest.mark.parametrize("result", GOOD)
def test_valid_answers_pass_as_with_rasa(result):
    validate(result, RemoteAction.action_response_format_spec())
    assert RemoteAction("action_x", None)._validate_action_result(result)


@pytest.mark.parametrize("result", BAD)
def test_invalid_answers_fail_as_with_rasa(result):
    with pytest.raises(ValidationError):
        validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(result)


def test_requests_to_an_endpoint_reuse_one_connection():
    """Rasa 3.6 opened a new connection per action call; with the speed-up, calls share one."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def scenario() -> tuple[list[dict], set[int]]:
        client_ports: set[int] = set()

        async def webhook(request: web.Request) -> web.Response:
            client_ports.add(request.transport.get_extra_info("peername")[1])
            return web.json_response({"echo": (await request.json())["n"]})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            answers = [await endpoint.request(json={"n": n}, method="post") for n in range(3)]
        finally:
            await runner.cleanup()
        return answers, client_ports

    answers, ports = asyncio.run(scenario())
    assert answers == [{"echo": 0}, {"echo": 1}, {"echo": 2}]
    assert len(ports) == 1
