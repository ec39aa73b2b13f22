"""The cross-validation folds of `make bench`'s intent F1: every training example scored once, each
intent and language spread over the folds."""

from collections import Counter

from bot.settings import PROJECT_ROOT
from tools.bench.nlu_eval import FOLDS, folds, read_examples


def test_every_example_is_in_exactly_one_fold_and_each_intent_is_spread_over_them():
    examples, _ = read_examples(PROJECT_ROOT / "data" / "nlu")
    dealt = folds(examples)

    assert len(dealt) == FOLDS
    assert Counter(example for part in dealt for example in part) == Counter(examples)
    for key, _total in Counter((example.intent, example.language) for example in examples).items():
        per_fold = [sum((example.intent, example.language) == key for example in part) for part in dealt]
        assert max(per_fold) - min(per_fold) <= 1, (key, per_fold)
    assert {example.language for example in examples} >= {"es", "en"}


def test_the_folds_are_the_same_from_run_to_run():
    examples, _ = read_examples(PROJECT_ROOT / "data" / "nlu")

    assert folds(examples) == folds(list(examples))
