"""The cached check of action server responses accepts and rejects exactly what Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

import bot.nlu  # noqa: F401  (installs the speed-up, as loading the model does)

GOOD = [{"events": [{"event": "slot", "name": "city", "value": "Quito"}], "responses": [{"text": "hola"}]},
        {"events": [], "responses": []}, {}]
BAD = [{"events": "not a list"}, {"events": [{"no_event_key": 1}]}, {"responses": "nope"}]


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
