"""Fixes for costs Rasa 3.6 pays on every turn (measured with py-spy; docs/benchmarks.md).

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
(Sanic: 5 s) would close them under it. A kept connection can still have been
closed by the server when a request goes out on it (a loaded machine, a server
restarted, a proxy with a shorter keep-alive): the request then fails before
any answer comes back, and it is sent once more on a new connection of its own.

3. Finding the rules that apply. RulePolicy tries every rule against the latest
state, twice per prediction, and then walks the whole conversation back even
when no rule left is that long. This looks up the rules that could match the
latest action and intent first, tries only those, and stops when the remaining
rules are all shorter than the way walked back: the same rules apply.

4. Running the model's graph. Rasa hands every run (a parse, each prediction)
to dask, which first works out again which nodes the targets need (walking
the graph without remembering what it has seen) and then schedules them; for
this project's pipeline that cost about 3 ms a turn. This works the order out
once per set of targets and calls the same nodes in it, one after another, as
dask's synchronous scheduler does.

5. Loading the intent classifier (DIET). Rasa builds the model's weights by
training it on one example before reading the trained weights over them, with
that training step compiled as a TensorFlow graph: tracing the graph was three
quarters of a Rasa server's start-up here (about 30 s of 40). This takes the
one step eagerly, with nothing to trace, then reads the weights and prepares
prediction as Rasa does: the same weights, the same predictions. A model loaded
to be trained further (`rasa train --finetune`) is loaded by Rasa's own code.

Installed by `bot.nlu`, which every Rasa server running the project's model loads, on Rasa 3.6.21 only,
unless BOT_SPEEDUPS=off.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import weakref
from collections import defaultdict
from contextvars import ContextVar
from typing import Any, Dict, FrozenSet, List, Optional, Set, Text, Tuple, Type

import aiohttp
import rasa
import tensorflow as tf
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

WRITTEN_FOR = "3.6.21"  # the Rasa whose private methods these replace
SWITCH = "BOT_SPEEDUPS"   # "off": Rasa's own methods
KEEPALIVE_S = 2.0
# A kept connection the server had closed: the request could not be written, or the server was gone before
# any answer to it (aiohttp 3.9 raises these; a server that answered, even with an error, raises none of them).
_DROPPED = (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError, ConnectionResetError)
_ON_NEW_CONNECTION: ContextVar[bool] = ContextVar("on_new_connection", default=False)
logger = logging.getLogger(__name__)
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


class _RuleIndex:
    """The rules of a RulePolicy lookup by the action and the intent their last state requires (if any)."""

    FIELDS = ((PREVIOUS_ACTION, ACTION_NAME), (USER, INTENT))

    def __init__(self, keys: FrozenSet[Text]) -> None:
        self.keys = keys
        self.lengths = {key: len(RulePolicy._rule_key_to_state(key)) for key in keys}
        self.fields = []
        for kind, name in self.FIELDS:
            exact: Dict[Any, Set[Text]] = defaultdict(set)
            anything: Set[Text] = set()
            for key in keys:
                last = RulePolicy._rule_key_to_state(key)[-1]
                value = last.get(kind, {}).get(name) if PREVIOUS_ACTION in last else None
                # a rule state without a previous action is decided by Rasa's own check alone
                if value and value != SHOULD_NOT_BE_SET and not isinstance(value, list):
                    exact[value].add(key)
                else:
                    anything.add(key)
            self.fields.append((kind, name, exact, anything))

    def candidates(self, state: Dict[Text, Any]) -> Set[Text]:
        """The rules whose last state asks for no other action or intent than `state` has."""
        found: Optional[Set[Text]] = None
        for kind, name, exact, anything in self.fields:
            value = state.get(kind, {}).get(name)
            matching = (exact.get(value, set()) if isinstance(value, str) else set()) | anything
            found = matching if found is None else found & matching
        return found or set()


_INDEXES: Dict[int, _RuleIndex] = {}


def _index_for(lookup: Dict[Text, Text]) -> _RuleIndex:
    index = _INDEXES.get(id(lookup))
    if index is None or index.keys != lookup.keys():  # built again if the lookup changed (as in training)
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        index = _INDEXES[id(lookup)] = _RuleIndex(frozenset(lookup))
    return index


def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[Dict[Text, Any]]) -> Set[Text]:
    """Rasa's rules that apply to `states` (the conversation, oldest first), tried in fewer places."""
    if not states:
        return set(lookup)
    index = _index_for(lookup)
    possible = {key for key in index.candidates(states[-1]) if self._is_rule_applicable(key, 0, states[-1])}
    for turn_index, state in enumerate(reversed(states[:-1]), start=1):
        if all(index.lengths[key] <= turn_index for key in possible):
            break  # every rule left is shorter than this: Rasa's check would keep them all
        possible = {key for key in possible if self._is_rule_applicable(key, turn_index, state)}
    return possible


_Plan = Tuple[Tuple[Text, GraphNode, Tuple[Text, ...]], ...]
_DASK_RUN = DaskGraphRunner.run


def _plan(runner: DaskGraphRunner, targets: Tuple[Text, ...]) -> _Plan:
    """The nodes `targets` need (themselves included), each after the nodes it needs, with what it needs."""
    nodes = runner._graph_schema.nodes
    order: List[Tuple[Text, GraphNode, Tuple[Text, ...]]] = []
    seen: Set[Text] = set()

    def visit(name: Text) -> None:
        if name in seen or name not in nodes:  # not a node: an input given to the run
            return
        seen.add(name)
        needs = tuple(nodes[name].needs.values())
        for need in needs:
            visit(need)
        order.append((name, runner._instantiated_nodes[name], needs))

    for target in targets:
        visit(target)
    return tuple(order)


def _run_graph(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None,
               targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
    """Rasa's graph run: each target's output by name. Every node the targets need is called once, after the
    nodes it needs, with their (name, output) pairs or, for a name that is neither a node nor an input, the name.
    A run whose inputs are named like its nodes (which Rasa never makes) is left to dask."""
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    plans: Dict[Tuple[Text, ...], Tuple[_Plan, FrozenSet[Text]]] = self.__dict__.setdefault("_plans", {})
    if run_targets not in plans:
        plan = _plan(self, run_targets)
        plans[run_targets] = plan, frozenset(name for name, _, _ in plan)
    plan, names = plans[run_targets]
    given = inputs or {}
    if not names.isdisjoint(given) or any(isinstance(value, str) and value in names for value in given.values()):
        return _DASK_RUN(self, inputs, targets)
    outputs: Dict[Text, Any] = {name: (name, value) for name, value in given.items()}
    try:
        for name, node, needs in plan:
            outputs[name] = node(*[outputs.get(need, need) for need in needs])
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(outputs[target] for target in run_targets)


_RASA_LOAD = RasaModel.load.__func__  # type: ignore[attr-defined]


def _load_model(cls: Type[RasaModel], model_file_name: Text, model_data_example: RasaModelData,
                predict_data_example: Optional[RasaModelData] = None, finetune_mode: bool = False,
                *args: Any, **kwargs: Any) -> RasaModel:
    """`RasaModel.load`, with the one training step that builds the weights taken eagerly."""
    if finetune_mode:
        return _RASA_LOAD(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.run_eagerly = config.get(RUN_EAGERLY)  # prediction as configured: a traced graph by default
    model.load_weights(model_file_name)
    if predict_data_example:
        model.run_inference(predict_data_example)  # as Rasa does: trace prediction now, not on the first message
    return model


def install(version: str = rasa.__version__, switch: Optional[str] = None) -> bool:
    """Use the cached validator in every RemoteAction, kept sessions for every endpoint, the rule index,
    the graph runner and the eager build of DIET's weights, in this process; whether they were installed.

    They replace private methods of Rasa WRITTEN_FOR, and are not installed (with a log line saying why) on
    any other `version` of Rasa, nor when `switch` (else the environment's BOT_SPEEDUPS) is "off": Rasa's
    own methods then run, slower, with the same answers."""
    switch = os.environ.get(SWITCH, "on") if switch is None else switch
    if switch.strip().lower() in ("off", "0", "false", "no"):
        logger.info("Rasa speed-ups not installed: %s=%s", SWITCH, switch)
        return False
    if version != WRITTEN_FOR:
        logger.warning("Rasa speed-ups not installed: written for Rasa %s, this is Rasa %s", WRITTEN_FOR, version)
        return False
    RemoteAction._validate_action_result = _validate_action_result
    EndpointConfig.session = _kept_session
    EndpointConfig.request = _request  # type: ignore[method-assign]
    RulePolicy._get_possible_keys = _get_possible_keys
    DaskGraphRunner.run = _run_graph
    RasaModel.load = classmethod(_load_model)  # type: ignore[method-assign,assignment]
    return True
