"""Text for users, taken from domain.yml in the user's language.

Custom actions compose their replies from the `texts` section of domain.yml
(kept apart from `responses` because Rasa counts every response as an
utterance that stories must use); both sections have the same form: the
Spanish text is the default variation, the English one is conditioned on the
`language` slot. A variation is chosen as Rasa chooses one for its own responses
(conditions, then `channel:`), but always the first that suits, never at random.
"""

from __future__ import annotations

import functools
from typing import Any, Optional

import yaml
from rasa.core.nlg.generator import ResponseVariationFilter

from bot.settings import DEFAULT_LANGUAGE, PROJECT_ROOT

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=1)
def project_texts() -> dict:
    """The responses and texts of the project's domain.yml, by name."""
    domain = yaml.load((PROJECT_ROOT / "domain.yml").read_text("utf-8"), Loader=_LOADER)
    return {**domain["responses"], **domain.get("texts", {})}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class Texts:
    """The texts of domain.yml, in one language, for one output channel (None: no channel's own variations)."""

    def __init__(self, language: Optional[str], channel: Optional[str] = None) -> None:
        self.language = language or DEFAULT_LANGUAGE
        self.channel = channel
        self.responses = project_texts()

    def variation(self, name: str) -> dict:
        """The variation of response `name` that Rasa's own filter finds suitable for this language and channel, in
        Rasa's order (for the channel and conditioned on the language; for the channel; conditioned on the
        language; the default), the first when several are; KeyError when there is none."""
        suitable = ResponseVariationFilter(self.responses).responses_for_utter_action(
            name, self.channel or "", {"language": self.language})
        if not suitable:
            raise KeyError(f"response {name} has no variation for {self.language} on {self.channel or 'any channel'}")
        return suitable[0]

    def __call__(self, response: str, **values: Any) -> str:
        """Response `response`'s text with `{placeholders}` filled (missing ones left empty)."""
        filled = _Blank({key: "" if value is None else value for key, value in values.items()})
        return self.variation(response)["text"].format_map(filled)

    def buttons(self, name: str) -> list[dict]:
        """Response `name`'s buttons ({title, payload}), possibly none."""
        return list(self.variation(name).get("buttons") or [])
