"""What it fixes: Checking the action server's answer against its JSON schema. Rasa calls
`jsonschema.validate(result, schema)` for every custom action and form
validation; that re-checks the (constant) schema against the JSON Schema
meta-schema each time, which was half of the Rasa server's CPU time per turn
here, and then tries each event against all 23 kinds of event (`oneOf`). This
builds the validators once and checks each event against the one kind its
`event` names: the same answers pass and fail, without the repeated work.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


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


def install() -> None:
    """Replace Rasa's own method with this one, in this process."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
