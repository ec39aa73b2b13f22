"""The held-out understanding evaluation: every conversation of tests/understanding/heldout_*.yml, through a
real Rasa server and action server on the sample directory.

The conversations were written by people who never read `data/nlu`, from the sample
directory's facts only. Each is said turn by turn as a new sender; a turn's reply (all
its messages, joined) must contain one of `expect_any`, all of `expect_all` and none of
`expect_none` (case- and accent-insensitively), and be in the conversation's language (the directory's
names and addresses that it quotes, which read the same in both, left out).
A conversation is right when every turn is. In the `switch` family the conversation's language is
the one the writer asks to switch to, after a first turn in the other one: only its last reply is
held to it.

The sample's events carry fixed dates, and the writers saw them all as upcoming; the evaluation moves
them forward by whole weeks (weekdays kept) until the first one is still to come, so that an expectation
does not expire with the calendar.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable, Optional

import yaml

from bot.nlu.language import detect, proper_nouns
from bot.normalise import fold
from bot.settings import PROJECT_ROOT

CASES = PROJECT_ROOT / "tests" / "understanding"
SAMPLE = PROJECT_ROOT / "data" / "directory" / "sample.yml"
SENDERS = 4
SWITCH = "switch"
WEEK = timedelta(days=7)

Say = Callable[[str, str], list[dict]]


def load_conversations(paths: Iterable[Path] = ()) -> list[dict]:
    """The conversations of the given files, else of every held-out set in tests/understanding/."""
    conversations = []
    for path in sorted(paths or CASES.glob("heldout_*.yml")):
        conversations += yaml.safe_load(path.read_text("utf-8"))["conversations"]
    return conversations


@dataclass
class Tally:
    """Conversations of one family and language: how many, how many right, how many in the right language."""

    conversations: int = 0
    right: int = 0
    right_language: int = 0


@dataclass
class Report:
    """The evaluation's figures by family and language, and the turns that went wrong."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[str] = field(default_factory=list)

    def share(self, what: str, family: str = "", language: str = "") -> float:
        """The share of conversations (of `family` and `language`, or all) that were right (`what`="right")
        or in the right language (`what`="right_language")."""
        chosen = [tally for (fam, lang), tally in self.tallies.items()
                  if family in ("", fam) and language in ("", lang)]
        total = sum(tally.conversations for tally in chosen)
        return sum(getattr(tally, what) for tally in chosen) / total if total else 0.0

    def table(self) -> str:
        """A Markdown table: conversations right per family and language, and the totals."""
        families = sorted({family for family, _ in self.tallies})
        rows = ["| family | es right | en right | right language |", "|---|---|---|---|"]
        for family in families:
            cells = []
            for lang in ("es", "en"):
                tally = self.tallies.get((family, lang), Tally())
                cells.append(f"{tally.right}/{tally.conversations}")
            rows.append(f"| {family} | {cells[0]} | {cells[1]} | {self.share('right_language', family):.0%} |")
        rows.append(f"\nRight: {self.share('right'):.1%} of conversations (es {self.share('right', language='es'):.1%},"
                    f" en {self.share('right', language='en'):.1%}); in the right language: "
                    f"{self.share('right_language'):.1%}.")
        return "\n".join(rows)


def turn_problem(turn: dict, reply: str, language: Optional[str]) -> Optional[str]:
    """What is wrong with `reply` to `turn` in a conversation in `language` (any, when None); None when
    nothing is."""
    folded = fold(reply)
    if turn.get("expect_any") and not any(fold(str(fact)) in folded for fact in turn["expect_any"]):
        return f"none of {turn['expect_any']}"
    missing = [fact for fact in turn.get("expect_all") or [] if fold(str(fact)) not in folded]
    if missing:
        return f"missing {missing}"
    unwanted = [fact for fact in turn.get("expect_none") or [] if fold(str(fact)) in folded]
    if unwanted:
        return f"has {unwanted}"
    if language and detect(reply, _sample_names()) not in (language, None):
        return "language"
    return None


@functools.lru_cache(maxsize=1)
def _sample_names() -> tuple[str, ...]:
    """The sample directory's names and addresses: a reply quoting them is in the language of the rest."""
    return tuple(proper_nouns(yaml.safe_load(SAMPLE.read_text("utf-8"))))


def evaluate(say: Say, conversations: list[dict]) -> Report:
    """Say every conversation through `say(sender, text)`, each as a new sender (SENDERS at a time); tally."""
    report = Report()
    with ThreadPoolExecutor(SENDERS) as pool:
        outcomes = list(pool.map(lambda conversation: _converse(say, conversation), conversations))
    for conversation, problems in zip(conversations, outcomes, strict=True):
        tally = report.tallies[(conversation["family"], conversation["lang"])]
        tally.conversations += 1
        tally.right += not problems
        tally.right_language += not any(problem.endswith("[language]") for problem in problems)
        report.misses += [f"{conversation['id']}: {problem}" for problem in problems]
    return report


def _converse(say: Say, conversation: dict) -> list[str]:
    """The problems of one conversation, one line per wrong turn."""
    sender = f"understanding-{uuid.uuid4().hex[:10]}"
    problems = []
    turns = conversation["turns"]
    for number, turn in enumerate(turns, 1):
        reply = "\n".join(message.get("text") or "" for message in say(sender, str(turn["say"])))
        switching = conversation["family"] == SWITCH and number < len(turns)
        problem = turn_problem(turn, reply, None if switching else conversation["lang"])
        if problem:
            problems.append(f"{turn['say']!r} -> {reply[:160]!r} [{problem}]")
    return problems


def upcoming_sample(now: datetime) -> str:
    """The sample directory as YAML, its events moved forward by the fewest whole weeks that leave every
    event starting after `now` (not moved when they already do)."""
    document = yaml.safe_load(SAMPLE.read_text("utf-8"))
    events = document.get("events") or []
    first = min((datetime.fromisoformat(str(event["starts"])) for event in events), default=now)
    weeks = max(0, (now - first) // WEEK + 1)
    for event in events:
        for key in ("starts", "ends"):
            if event.get(key):
                moved = datetime.fromisoformat(str(event[key])) + weeks * WEEK
                event[key] = moved.isoformat(timespec="minutes")
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def run_heldout(work: Path) -> Report:
    """Every held-out conversation through the project's newest model and its action server, on the sample
    directory with its events still to come."""
    from bot.directory import loader
    from tools.processes import Servers

    url = f"sqlite:///{work / 'understanding.db'}"
    assert loader.load(upcoming_sample(datetime.now()), url).ok
    servers = Servers(work, url).start()
    try:
        return evaluate(servers.say, load_conversations())
    finally:
        servers.stop()


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="understanding-") as name:
        result = run_heldout(Path(name))
    print(result.table())
    print("\n".join(result.misses), file=sys.stderr)
