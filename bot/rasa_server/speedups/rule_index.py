"""What it fixes: Finding the rules that apply. RulePolicy tries every rule against the latest
state, twice per prediction, and then walks the whole conversation back even
when no rule left is that long. This looks up the rules that could match the
latest action and intent first, tries only those, and stops when the remaining
rules are all shorter than the way walked back: the same rules apply.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Dict, FrozenSet, List, Optional, Set, Text

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT


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


def install() -> None:
    """Replace Rasa's own method with this one, in this process."""
    RulePolicy._get_possible_keys = _get_possible_keys  # type: ignore[method-assign]
