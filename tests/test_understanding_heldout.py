"""The held-out understanding set (tests/understanding/, written by people who never read data/nlu, from the
sample directory's facts only) through the real servers, conversation by conversation.

The figures are printed (pytest -s shows them, and `make bench` writes them to docs/benchmarks.md). The
floors below are issue 16's: 95% of conversations right and all of them in the writer's language.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import yaml

from tools.bench.understanding import SAMPLE, load_conversations, run_heldout, upcoming_sample

# Issue 16's bar: 95% of conversations right, all in the writer's language. Measured on 2026-12-05: 95.8% of
# 1,025 (sets A to H; G and H, written after the fixes of the sets before them, 82.7% and 87.5% on their first
# runs) and 100% in the writer's language. Training is deterministic here (DIET's random_seed), so the margin
# (eight conversations) is for a change of training data, which moves the classifier by a point or two in
# places nobody touched.
RIGHT_FLOOR = 0.95
LANGUAGE_FLOOR = 1.0


def test_held_out_conversations_are_understood(tmp_path: Path):
    conversations = load_conversations()
    assert len(conversations) >= 300
    assert {conversation["lang"] for conversation in conversations} == {"es", "en"}
    report = run_heldout(tmp_path)
    print("\n" + report.table() + "\n" + "\n".join(report.misses))
    assert report.share("right") >= RIGHT_FLOOR, "\n".join(report.misses)
    assert report.share("right_language") >= LANGUAGE_FLOOR, "\n".join(report.misses)


def test_the_sample_events_are_moved_by_whole_weeks_until_they_are_all_to_come():
    written = yaml.safe_load(SAMPLE.read_text("utf-8"))["events"]
    first = min(datetime.fromisoformat(str(event["starts"])) for event in written)
    for now, weeks in ((first.replace(hour=0), 0), (first, 1), (datetime(first.year + 1, 1, 1), None)):
        moved = yaml.safe_load(upcoming_sample(now))["events"]
        starts = [datetime.fromisoformat(str(event["starts"])) for event in moved]
        shifts = {start - datetime.fromisoformat(str(event["starts"]))
                  for start, event in zip(starts, written, strict=True)}
        assert len(shifts) == 1 and min(starts) > now
        shift = shifts.pop()
        assert shift.days % 7 == 0 and shift.seconds == 0 and (weeks is None or shift.days == 7 * weeks)
        assert min(starts) - now <= timedelta(days=7)
        assert [event["title"] for event in moved] == [event["title"] for event in written]
