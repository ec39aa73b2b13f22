"""Cross-validated intent F1 per language: data/nlu in FOLDS folds, a model trained on all but each fold.

Each intent block of data/nlu/*.yml is preceded by a `# es` or `# en`
comment, which gives its examples' language. The folds are stratified by
intent and language, with a fixed seed (as `rasa test nlu --cross-validation`
makes them, but scored per language); each fold's NLU model is trained with
the project's config.yml, and the fold's texts are parsed by its whole pipeline.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml
from rasa.shared.nlu.training_data.entities_parser import replace_entities
from sklearn.metrics import f1_score

from bot.settings import LANGUAGES, PROJECT_ROOT
from tools.bench.training import train
from tools.processes import run_in_group

FOLDS = 5
SEED = 42
PREDICT_TIMEOUT_S = 900
_LANGUAGE_COMMENT = re.compile(r"^#\s*(es|en)\s*$")


@dataclass(frozen=True)
class Example:
    """A training example: its intent, language (None when its block has no `# es`/`# en`), and text as written."""

    intent: str
    language: Optional[str]
    annotated: str  # with entity marks, e.g. "centro de [Lima](city)"

    @property
    def text(self) -> str:
        """The text a user would send: the example without its entity marks."""
        return replace_entities(self.annotated)


@dataclass(frozen=True)
class NluScores:
    """Weighted intent F1 per language ("es", "en") and over every example ("all"), the mean of the folds, and
    its spread (the lowest and highest fold); how many examples were scored, per fold trained on, the folds,
    and the mean seconds to train a fold's model."""

    f1: dict[str, float]
    f1_range: dict[str, tuple[float, float]]
    test_examples: dict[str, int]
    train_examples: int
    folds: int
    training_seconds: float


def read_examples(nlu_dir: Path) -> tuple[list[Example], list[dict]]:
    """The intent examples of every `*.yml` in `nlu_dir`, and its other blocks (synonyms, regexes, lookups) as read."""
    examples: list[Example] = []
    others: list[dict] = []
    for path in sorted(nlu_dir.glob("*.yml")):
        text = path.read_text("utf-8")
        languages, language = [], None
        for line in text.splitlines():
            comment = _LANGUAGE_COMMENT.match(line.strip())
            if comment:
                language = comment.group(1)
            elif line.startswith("- "):
                languages.append(language if line.startswith("- intent:") else None)
                language = None
        for block, language in zip((yaml.safe_load(text) or {}).get("nlu") or [], languages, strict=False):
            if "intent" not in block:
                others.append(block)
                continue
            lines = block.get("examples")
            if not isinstance(lines, str):
                raise ValueError(f"{path.name}: intent {block['intent']}: examples must be a `- ` list in a string")
            examples += [Example(block["intent"], language, line.strip()[2:].strip())
                         for line in lines.splitlines() if line.strip().startswith("- ")]
    return examples, others


def folds(examples: list[Example], count: int = FOLDS, seed: int = SEED) -> list[list[Example]]:
    """`examples` dealt into `count` folds: each intent and language's examples shuffled with `seed`, then dealt
    in turn, so every fold holds about 1/`count` of each."""
    groups: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        groups[(example.intent, example.language or "")].append(example)
    rng = random.Random(seed)
    dealt: list[list[Example]] = [[] for _ in range(count)]
    start = 0
    for key in sorted(groups):
        group = list(groups[key])
        rng.shuffle(group)
        for index, example in enumerate(group):
            dealt[(start + index) % count].append(example)
        start += len(group)  # the next group starts where this one stopped: small intents are spread too
    return dealt


def write_training_file(examples: list[Example], others: list[dict], path: Path) -> None:
    """Write `examples` (by intent, entity marks kept) and the other blocks as a Rasa NLU training file."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example.annotated)
    parts = ['version: "3.1"\nnlu:\n']
    for intent, lines in by_intent.items():
        parts.append(f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {line}\n" for line in lines))
    if others:
        parts.append(yaml.safe_dump(others, allow_unicode=True, sort_keys=False))
    path.write_text("".join(parts), "utf-8")


def weighted_f1(test: list[Example], predicted: list[Optional[str]]) -> tuple[dict[str, float], dict[str, int]]:
    """Weighted F1 of the predictions per language and overall ("all"), and how many examples each had."""
    scores, counts = {}, {}
    for language in (*LANGUAGES, "all"):
        pairs = [(example.intent, prediction or "none") for example, prediction in zip(test, predicted, strict=True)
                 if language == "all" or example.language == language]
        counts[language] = len(pairs)
        if pairs:
            truth, guesses = zip(*pairs, strict=True)
            scores[language] = float(f1_score(truth, guesses, average="weighted", zero_division=0))
    return scores, counts


def evaluate(work: Path, env: dict, nlu_dir: Path = PROJECT_ROOT / "data" / "nlu", count: int = FOLDS) -> NluScores:
    """For each of `count` folds: train an NLU model on the others with the project's config.yml, parse the
    fold; the weighted F1 per language, averaged over the folds.

    `env` is the environment of the training and parsing processes (its
    BOT_DATABASE_URL is the directory the project's components read).
    """
    work.mkdir(parents=True, exist_ok=True)
    examples, others = read_examples(nlu_dir)
    dealt = folds(examples, count)
    per_fold: list[dict[str, float]] = []
    counts: dict[str, int] = defaultdict(int)
    seconds = 0.0
    for number, test_part in enumerate(dealt):
        train_part = [example for index, part in enumerate(dealt) if index != number for example in part]
        fold_dir = work / f"fold-{number}"
        fold_dir.mkdir()
        scores, fold_counts, fold_seconds = _score_fold(fold_dir, env, train_part, test_part, others)
        per_fold.append(scores)
        seconds += fold_seconds
        for language, how_many in fold_counts.items():
            counts[language] += how_many
    languages = [language for language in (*LANGUAGES, "all") if all(language in each for each in per_fold)]
    return NluScores(f1={language: sum(each[language] for each in per_fold) / count for language in languages},
                     f1_range={language: (min(each[language] for each in per_fold),
                                          max(each[language] for each in per_fold)) for language in languages},
                     test_examples=dict(counts), train_examples=len(examples) - len(dealt[0]), folds=count,
                     training_seconds=seconds / count)


def _score_fold(work: Path, env: dict, train_part: list[Example], test_part: list[Example],
                others: list[dict]) -> tuple[dict[str, float], dict[str, int], float]:
    """Train on `train_part` in `work`, parse `test_part`: F1 per language, examples scored, training seconds."""
    training_file = work / "train.yml"
    write_training_file(train_part, others, training_file)
    model, seconds = train(["train", "nlu", "--nlu", str(training_file), "--config", "config.yml"],
                           project=PROJECT_ROOT, out=work / "model", name="nlu-fold", log=work / "train.log", env=env)
    texts, predictions = work / "test.json", work / "predictions.json"
    texts.write_text(json.dumps([example.text for example in test_part], ensure_ascii=False), "utf-8")
    run_in_group([sys.executable, "-m", "tools.bench.predict", str(model), str(texts), str(predictions)],
                 cwd=PROJECT_ROOT, env=env, log=work / "predict.log", timeout=PREDICT_TIMEOUT_S)
    scores, counts = weighted_f1(test_part, json.loads(predictions.read_text("utf-8")))
    return scores, counts, seconds
