"""Text for users, taken from domain.yml in the user's language.

Custom actions compose their replies from the `texts` section of domain.yml
(kept apart from `responses` because Rasa counts every response as an
utterance that stories must use); both sections have the same form: the
Spanish text is the default variation, the English one is conditioned on the
`language` slot.
"""

from __future__ import annotations

import functools
from typing import Any, Optional

import yaml

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
    """The texts of domain.yml, in one language."""

    def __init__(self, language: Optional[str]) -> None:
        self.language = language or DEFAULT_LANGUAGE
        self.responses = project_texts()

    def variation(self, name: str) -> dict:
        """The variation of response `name` for this language (the default one when none is conditioned on it)."""
        variations = self.responses[name]
        default = None
        for variation in variations:
            conditions = variation.get("condition") or []
            if not conditions:
                default = default or variation
            elif any(c.get("name") == "language" and c.get("value") == self.language for c in conditions):
                return variation
        if default is None:
            raise KeyError(f"response {name} has no variation for {self.language}")
        return default

    def __call__(self, response: str, **values: Any) -> str:
        """Response `response`'s text with `{placeholders}` filled (missing ones left empty)."""
        return self.variation(response)["text"].format_map(_Blank({k: "" if v is None else v for k, v in values.items()}))

    def buttons(self, name: str) -> list[dict]:
        """Response `name`'s buttons ({title, payload}), possibly none."""
        return list(self.variation(name).get("buttons") or [])
