"""A fix for Rasa 3.6's slowest step: checking the action server's answer against its JSON schema.

Rasa calls `jsonschema.validate(result, schema)` for every custom action and
form validation; that re-checks the (constant) schema against the JSON Schema
meta-schema each time, which was half of the Rasa server's CPU time per turn
here (measured with py-spy; see docs/benchmarks.md). This builds the validator
once and checks each answer with it: the same check and the same error, without
the repeated work. Imported by `bot.nlu`, which every Rasa server running the
project's model loads.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Rasa's check of an action server response, with the schema's validator built once."""
    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (f". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error


def install() -> None:
    """Use the cached validator in every RemoteAction of this process."""
    RemoteAction._validate_action_result = _validate_action_result
