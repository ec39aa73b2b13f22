"""Dates and times as people write them, in both languages (bot.dates.reading), and as the directory stores them
(bot.dates.stored): one reader for staff changes, the events window and the directory file."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.dates import reading, stored
from bot.dates.stored import Span
from bot.dates.window import parse_window

THURSDAY_NOON = datetime(2026, 12, 3, 12, 0)
WEEKDAYS_8_TO_4 = {day: "08:00-16:00" for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.mark.parametrize("word, day", [
    ("lunes", 0), ("Monday", 0), ("mon", 0), ("mar", 1), ("tues", 1),
    ("miércoles", 2), ("miercoles", 2), ("MIERCOLES", 2), ("mié", 2), ("wed", 2),
    ("jueves", 3), ("thurs", 3), ("vie", 4), ("fridays", 4),
    ("sábado", 5), ("sabado", 5), ("sábados", 5), ("sat", 5), ("domingo", 6), ("sun", 6),
    # a whole name one letter off
    ("viernez", 4), ("miercole", 2), ("juevs", 3), ("sabdo", 5), ("saturdy", 5), ("wednsday", 2),
    # not a day
    ("semana", None), ("hoy", None), ("de", None), ("today", None),
])
def test_a_day_is_read_whole_short_plural_without_accents_or_one_letter_off(word, day):
    assert reading.weekday(word) == day


@pytest.mark.parametrize("text, day", [
    ("el viernes", date(2026, 12, 4)), ("friday", date(2026, 12, 4)), ("el sabado", date(2026, 12, 5)),
    ("el miercoles", date(2026, 12, 9)), ("el jueves", date(2026, 12, 10)),  # today's weekday: a week on
    ("5 de diciembre", date(2026, 12, 5)), ("Dec 5th", date(2026, 12, 5)), ("december 5", date(2026, 12, 5)),
    ("5/12", date(2026, 12, 5)), ("3 de diciembre", date(2026, 12, 3)),  # today's date is today
    ("2 de diciembre", date(2027, 12, 2)), ("1/1", date(2027, 1, 1)), ("15 de enero", date(2027, 1, 15)),
    ("5 de diciembre de 2027", date(2027, 12, 5)), ("5/12/2027", date(2027, 12, 5)),
    ("el viernes 11 de diciembre", date(2026, 12, 11)),  # the date written wins over the weekday
    ("mañana", date(2026, 12, 4)), ("manana", date(2026, 12, 4)), ("tomorrow", date(2026, 12, 4)),
    ("pasado mañana", date(2026, 12, 5)), ("day after tomorrow", date(2026, 12, 5)), ("hoy", date(2026, 12, 3)),
    ("algo cerca del mar", None), ("ayer", None), ("31 de febrero", None), ("sin fecha", None),
])
def test_a_date_is_read_towards_the_future(text, day):
    assert reading.calendar_day(text, THURSDAY_NOON) == day


@pytest.mark.parametrize("text, at", [
    ("15:00", time(15)), ("3 pm", time(15)), ("3pm", time(15)), ("3 p. m.", time(15)), ("3 P.M.", time(15)),
    ("a las 3 de la tarde", time(15)), ("10 de la mañana", time(10)), ("9 de la noche", time(21)),
    ("8h30", time(8, 30)), ("14h", time(14)), ("14 horas", time(14)), ("9.30", time(9, 30)), ("at 9am", time(9)),
    ("12 am", time(0)), ("12 pm", time(12)), ("mediodía", time(12)), ("noon", time(12)),
    ("25:00", None), ("13 pm", None), ("9:75", None), ("tarde", None),
])
def test_a_time_of_day_is_read_in_either_language(text, at):
    assert reading.clock(text) == at


@pytest.mark.parametrize("text, span", [
    ("08:00-16:00", "08:00-16:00"), ("8am to 4pm", "08:00-16:00"), ("de 8 a 16", "08:00-16:00"),
    ("desde las 8 hasta las 16", "08:00-16:00"), ("8 a 16 horas", "08:00-16:00"),
    ("8-4", "08:00-16:00"), ("de 9 a 1", "09:00-13:00"),  # the end is in the afternoon
    ("de 2 a 6 de la tarde", "14:00-18:00"), ("2pm-6", "14:00-18:00"), ("11 to 1pm", "11:00-13:00"),
    ("8.30-16.30", "08:30-16:30"), ("7:30 a.m. - 4:30 p.m.", "07:30-16:30"), ("18-24", "18:00-24:00"),
    ("16-8", None), ("10-10", None), ("8:00-25:00", None), ("sin horario", None),
])
def test_an_opening_range_is_read_in_either_language(text, span):
    found = reading.span(text)
    assert (str(found) if found else None) == span


@pytest.mark.parametrize("text, hours", [
    ("lunes a viernes 8:00-16:00; sábado 8-12", {**WEEKDAYS_8_TO_4, "sat": "08:00-12:00"}),
    ("lunes a viernes 8-4", WEEKDAYS_8_TO_4),
    ("de lunes a viernes de 8 a 16 horas", WEEKDAYS_8_TO_4),
    ("Monday to Friday 8am to 4pm", WEEKDAYS_8_TO_4),
    ("Mon-Fri 8am-4pm", WEEKDAYS_8_TO_4),
    ("8-16 de lunes a viernes", WEEKDAYS_8_TO_4),
    ("lunes a viernes 8:00-12:00 y 14:00-18:00", {day: "08:00-12:00, 14:00-18:00" for day in WEEKDAYS_8_TO_4}),
    ("lun, mie y vie de 9 a 1", {"mon": "09:00-13:00", "wed": "09:00-13:00", "fri": "09:00-13:00"}),
    ("miercoles 8-12, sabados 9-13", {"wed": "08:00-12:00", "sat": "09:00-13:00"}),
    ("viernez 8-12", {"fri": "08:00-12:00"}),
    ("viernes a lunes 10-14", {"mon": "10:00-14:00", "fri": "10:00-14:00", "sat": "10:00-14:00",
                               "sun": "10:00-14:00"}),
    ("todos los días 8-16, domingo cerrado", {**WEEKDAYS_8_TO_4, "sat": "08:00-16:00"}),
    ("weekdays 9am-5pm\nweekends closed", {day: "09:00-17:00" for day in WEEKDAYS_8_TO_4}),
    ("lunes 8-12; lunes 9-13", {"mon": "09:00-13:00"}),  # the last said wins
    ("lunes a viernes", None), ("8-16", None), ("lunes 16:00-08:00", None), ("cuando quieran", None),
    ("lunes a viernes 8-16; feriados no", None),  # a part that says no hours is not taken for none
])
def test_a_week_of_opening_hours_is_read_as_the_directory_stores_it(text, hours):
    assert reading.weekly_hours(text) == hours


@pytest.mark.parametrize("text, moment", [
    ("el viernes a las 3 pm", datetime(2026, 12, 4, 15)), ("Friday at 3 pm", datetime(2026, 12, 4, 15)),
    ("viernes a las 3 de la tarde", datetime(2026, 12, 4, 15)), ("miercoles a las 10", datetime(2026, 12, 9, 10)),
    ("sabado 9am", datetime(2026, 12, 5, 9)), ("el sábado por la mañana a las 10", datetime(2026, 12, 5, 10)),
    ("5 de diciembre a las 9:00", datetime(2026, 12, 5, 9)), ("5 December at 9:00", datetime(2026, 12, 5, 9)),
    ("dec 5 9:00", datetime(2026, 12, 5, 9)), ("5/12 15:00", datetime(2026, 12, 5, 15)),
    ("el 12 de enero a las 14h", datetime(2027, 1, 12, 14)), ("mañana a las 10", datetime(2026, 12, 4, 10)),
    ("tomorrow 3pm", datetime(2026, 12, 4, 15)), ("mañana al mediodía", datetime(2026, 12, 4, 12)),
    ("3 pm", datetime(2026, 12, 3, 15)), ("2026-12-05T09:00", datetime(2026, 12, 5, 9)),
    ("el sabado", datetime(2026, 12, 5, 0)),  # a date alone starts at midnight
    ("ayer", None), ("ayer a las 3pm", None), ("hoy a las 11am", None),  # the past
    ("a las 25", None), ("cuando se pueda", None), ("", None),
])
def test_the_moment_an_event_starts_is_read_in_the_future(text, moment):
    assert reading.moment(text, THURSDAY_NOON) == moment


@pytest.mark.parametrize("text, kind, day", [
    ("eventos el viernes", "day", date(2026, 12, 4)), ("eventos el vie", "day", date(2026, 12, 4)),
    ("events on monday", "day", date(2026, 12, 7)), ("events on thurs", "day", date(2026, 12, 10)),
    ("eventos el 5 de diciembre", "day", date(2026, 12, 5)), ("events on Dec 5", "day", date(2026, 12, 5)),
    ("eventos pasado mañana", "day", date(2026, 12, 5)), ("eventos mañana", "tomorrow", None),
    ("eventos hoy", "today", None), ("eventos este fin de semana", "weekend", None),
    ("algo cerca del mar", "upcoming", None), ("que eventos hay en cucuta", "upcoming", None),
])
def test_the_events_window_reads_its_day_with_the_same_reader(text, kind, day):
    window = parse_window(text, THURSDAY_NOON)
    assert (window.kind, window.day) == (kind, day)


def test_the_stored_forms_are_read_strictly_and_written_back():
    assert stored.span("08:00-16:00") == Span(8 * 60, 16 * 60) and stored.span("8:00 - 24:00").ordered
    assert stored.span("16:00-08:00") == Span(16 * 60, 8 * 60) and not stored.span("16:00-08:00").ordered
    assert stored.span("8-16") is None and stored.span("8am-4pm") is None
    assert stored.moment("2026-12-05T09:00") == datetime(2026, 12, 5, 9)
    assert stored.moment("2026-12-05 09:00") == datetime(2026, 12, 5, 9)
    assert stored.moment(date(2026, 12, 5)) == datetime(2026, 12, 5)
    assert stored.moment("next friday") is None and stored.moment(5) is None
    assert stored.moment_text(datetime(2026, 12, 5, 9)) == "2026-12-05T09:00"
    assert stored.moment_text(datetime(2026, 12, 5, 9, 0, 30)) == "2026-12-05T09:00:30"
