"""The cached check of action server responses accepts and rejects exactly what Rasa's own does."""

from __future__ import annotations

import asyncio

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import speedups
from bot.rasa_server.speedups import eager_load, graph_runner

speedups.install()  # as the Rasa server does when it loads the model

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


def test_a_request_on_a_connection_the_server_closed_is_sent_again_once():
    """A server that closes each connection as soon as it has answered (its keep-alive ran out): every
    request still gets its answer, and the server reads each one exactly once."""
    import json

    from rasa.utils.endpoints import EndpointConfig

    async def scenario() -> tuple[list[dict], list[int]]:
        read: list[int] = []

        async def answer_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            number = json.loads(await reader.readexactly(length))["n"]
            read.append(number)
            body = json.dumps({"echo": number}).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer_then_close, "127.0.0.1", 0)
        endpoint = EndpointConfig(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/webhook")
        try:
            answers = [await endpoint.request(json={"n": n}, method="post") for n in range(20)]
        finally:
            server.close()
        return answers, read

    answers, read = asyncio.run(scenario())
    assert answers == [{"echo": n} for n in range(20)]
    assert read == list(range(20))


def test_a_request_to_a_server_that_is_gone_still_fails():
    from aiohttp import ClientConnectionError
    from rasa.utils.endpoints import EndpointConfig

    from tools.processes import free_port

    endpoint = EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")
    with pytest.raises(ClientConnectionError):
        asyncio.run(endpoint.request(json={"n": 1}, method="post"))


def _rule_lookups() -> list[dict]:
    """The rule lookups RulePolicy learnt for the project's newest model (`make test` trains it first)."""
    import json
    import tarfile

    from tools.processes import newest_model

    with tarfile.open(newest_model()) as model:
        member = next(name for name in model.getnames() if name.endswith("rule_policy.json"))
        lookup = json.load(model.extractfile(member))["lookup"]
    return [lookup["rules"], lookup["rules_for_loop_unhappy_path"]]


def _conversations(lookup: dict, count: int, seed: int) -> list[list[dict]]:
    """Conversations (lists of states) made of the rules' own states, mixed and altered at random."""
    import copy
    import json
    import random

    rng = random.Random(seed)
    states = [state for key in lookup for state in json.loads(key)]
    parts = {kind: [state[kind] for state in states if kind in state] for kind in ("prev_action", "user", "active_loop",
                                                                                  "slots")}
    made = []
    for _ in range(count):
        conversation = []
        for _ in range(rng.randint(1, 6)):
            state = copy.deepcopy(rng.choice(states)) if rng.random() < 0.6 else {}
            for kind, seen in parts.items():
                if seen and rng.random() < 0.3:
                    state[kind] = copy.deepcopy(rng.choice(seen))
                elif kind in state and rng.random() < 0.1:
                    del state[kind]
            for sub_state in state.values():  # Rasa's states hold tuples where the rules' JSON has lists
                for name, value in sub_state.items():
                    if isinstance(value, list):
                        sub_state[name] = tuple(value)
            conversation.append(state)
        made.append(conversation)
    return made


def test_the_rules_found_are_the_rules_rasa_finds():
    """The rule index finds, for every conversation, exactly the rules Rasa's own walk back through it keeps."""
    from rasa.core.policies.rule_policy import RulePolicy

    policy = RulePolicy.__new__(RulePolicy)
    checked = matched = 0
    for number, lookup in enumerate(_rule_lookups()):
        for states in _conversations(lookup, 1500, seed=number):
            rasa_finds = {key for key in lookup if all(policy._is_rule_applicable(key, turn, state)
                                                       for turn, state in enumerate(reversed(states)))}
            assert policy._get_possible_keys(lookup, states) == rasa_finds, states
            checked += 1
            matched += bool(rasa_finds)
    assert matched > checked / 5  # the conversations are near enough to the rules for many of them to apply


@pytest.fixture(scope="module")
def processor():
    """The project's newest model, loaded in this process as `rasa run` loads it (no action server needed)."""
    from rasa.core.agent import Agent

    from tools.processes import newest_model

    return Agent.load(str(newest_model())).processor


MESSAGES = ["hola", "necesito un abogado en Cúcuta", "where is the integration centre?", "Quito", "gracias",
            "a que hora abre el centro de lima", "chamo busco trabajo en bogota", "me quieren matar", "🙂", "",
            "can we talk in English?", "borrar mis datos", "is there a doctor in Guayaquil?", "x" * 300]


def _with_runner(run, work):
    from rasa.engine.runner.dask import DaskGraphRunner

    kept = DaskGraphRunner.run
    DaskGraphRunner.run = run
    try:
        return asyncio.run(work())
    finally:
        DaskGraphRunner.run = kept


def test_the_graph_gives_what_dask_gives(processor):
    """Parsing messages and predicting the next action give, to the last digit, what Rasa's dask runner gives."""
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker


    async def work():
        found = []
        for number, text in enumerate(MESSAGES):
            parse = await processor.parse_message(UserMessage(text, sender_id=f"s{number}"))
            found.append(parse)
            for previous in ("action_listen", "action_answer"):
                events = [ActionExecuted("action_listen"), UserUttered(text, parse["intent"], parse["entities"],
                                                                        parse)]
                if previous != "action_listen":
                    events.append(ActionExecuted(previous))
                tracker = DialogueStateTracker.from_events(f"s{number}", events, processor.domain.slots)
                prediction = processor._predict_next_with_tracker(tracker)
                found.append((prediction.policy_name, prediction.probabilities, prediction.events,
                              prediction.is_end_to_end_prediction, prediction.hide_rule_turn))
        return found

    ours = _with_runner(graph_runner._run_graph, work)
    assert ours == _with_runner(graph_runner._DASK_RUN, work)
    assert {parse["intent"]["name"] for parse in ours if isinstance(parse, dict)} >= {"greet", "find_centre"}


def test_a_graph_run_missing_its_input_fails_as_with_dask(processor):
    from rasa.engine.exceptions import GraphRunError


    runner, target = processor.graph_runner, processor.model_metadata.nlu_target
    for run in (graph_runner._run_graph, graph_runner._DASK_RUN):
        with pytest.raises(GraphRunError):
            run(runner, inputs={}, targets=[target])


def test_the_classifier_loaded_with_one_eager_step_predicts_what_rasas_own_load_predicts(processor):
    """The model loaded as `rasa run` loads it here (the speed-up installed) parses every message, to the last
    digit, as the model loaded by Rasa's own `RasaModel.load`."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.utils.tensorflow.models import RasaModel

    from tools.processes import newest_model

    async def parse(each):
        return [await each.parse_message(UserMessage(text, sender_id="s")) for text in MESSAGES]

    assert RasaModel.load.__func__ is eager_load._load_model  # installed when the model's components load
    RasaModel.load = classmethod(eager_load._RASA_LOAD)
    try:
        rasas = Agent.load(str(newest_model())).processor
    finally:
        RasaModel.load = classmethod(eager_load._load_model)
    ours = asyncio.run(parse(processor))
    assert ours == asyncio.run(parse(rasas))
    assert {parsed["intent"]["name"] for parsed in ours} >= {"greet", "find_centre", "emergency"}


_INSTALLED = """
import logging, sys
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
{setup}
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.runner.dask import DaskGraphRunner
from bot.nlu.components import LanguageDetector
from bot.rasa_server.speedups import graph_runner, rule_index
def state():
    ours = (RulePolicy._get_possible_keys is rule_index._get_possible_keys,
            DaskGraphRunner.run is graph_runner._run_graph)
    return "installed" if all(ours) else "rasa's own" if not any(ours) else "some"
print("imported:", state())
LanguageDetector.create({{}}, None, None, None)
print("trained:", state())
LanguageDetector.load({{}}, None, None, None)
print("loaded:", state())
"""


def _in_a_new_process(setup: str, **env: str) -> str:
    import os
    import subprocess
    import sys

    from bot.settings import PROJECT_ROOT

    done = subprocess.run([sys.executable, "-c", _INSTALLED.format(setup=setup)], cwd=PROJECT_ROOT, text=True,
                          capture_output=True, env={**os.environ, **env}, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_speed_ups_install_when_the_model_loads_to_predict_not_in_training_nor_on_import():
    """`rasa train` imports the components and creates them; only a Rasa server loading the model installs."""
    said = _in_a_new_process("")
    assert "imported: rasa's own" in said and "trained: rasa's own" in said
    assert "loaded: installed" in said and "Rasa speed-ups installed: action_check, kept_connections" in said


def test_the_speed_ups_install_on_the_rasa_they_were_written_for_unless_switched_off():
    switched = _in_a_new_process("", BOT_SPEEDUPS="off")
    assert "not installed: BOT_SPEEDUPS=off" in switched and "loaded: rasa's own" in switched
    # another Rasa (its version as that release would say it): Rasa's own private methods, said in the log
    other = _in_a_new_process("import rasa; rasa.__version__ = '3.6.22'")
    assert "written for Rasa 3.6.21, this is Rasa 3.6.22" in other and "loaded: rasa's own" in other
