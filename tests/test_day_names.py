"""Days of the week as people write them: one list, read the same by staff changes, follow-ups and events."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.dates.reading import weekly_hours
from bot.dates.window import parse_window
from bot.nlu.follow_ups import detail_asked

THURSDAY_NOON = datetime(2026, 12, 3, 12, 0)


@pytest.mark.parametrize("text, hours", [
    ("lunes a viernes 8:00-16:00; sábado 8-12",
     {"mon": "08:00-16:00", "tue": "08:00-16:00", "wed": "08:00-16:00", "thu": "08:00-16:00",
      "fri": "08:00-16:00", "sat": "08:00-12:00"}),
    ("lun a mie 9-13, jue 14-18", {"mon": "09:00-13:00", "tue": "09:00-13:00", "wed": "09:00-13:00",
                                   "thu": "14:00-18:00"}),
    ("mar 9-12", {"tue": "09:00-12:00"}),
    ("Mon-Fri 8am-4pm", {day: "08:00-16:00" for day in ("mon", "tue", "wed", "thu", "fri")}),
    ("cuando quieran", None),
])
def test_staff_write_opening_hours_with_days_whole_or_short_in_either_language(text, hours):
    assert weekly_hours(text) == hours


@pytest.mark.parametrize("text", ["sat?", "¿y el sábado?", "y el dom?", "vie?", "what about sundays?"])
def test_a_day_alone_after_an_answer_asks_for_hours(text):
    assert detail_asked(text) == "centre_hours"


def test_a_day_named_is_the_events_window_and_mar_alone_is_no_tuesday():
    assert parse_window("eventos el viernes", THURSDAY_NOON).day == datetime(2026, 12, 4).date()
    assert parse_window("eventos el vie", THURSDAY_NOON).day == datetime(2026, 12, 4).date()
    assert parse_window("events on monday", THURSDAY_NOON).day == datetime(2026, 12, 7).date()
    assert parse_window("algo cerca del mar", THURSDAY_NOON).kind == "upcoming"
