"""Requests to talk to a person, as the directory database keeps them (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import text

from bot.directory import db, members
from bot.handoff import requests, schedule
from bot.privacy import seal

# Cúcuta (UTC-5): the centre opens mon and tue 08:00-16:00, sat 08:00-12:00. 2026-12-07 is a Monday.
MONDAY_10_LOCAL = datetime(2026, 12, 7, 15, 0)   # UTC
SUNDAY_NOON_LOCAL = datetime(2026, 12, 6, 17, 0)


def _leave(session, sender="whatsapp-abc", city="Cúcuta", now=MONDAY_10_LOCAL, question="¿me ayudan con el PEP?"):
    return requests.leave(session, sender=sender, channel="whatsapp", reply_to=seal("whatsapp:+573001112233"),
                          city=city, language="es", question=question,
                          context=[{"who": "person", "text": "hola"}], now=now)


def test_a_person_has_one_open_request_and_their_address_is_kept_sealed(loaded):
    with db.session() as session:
        first, new = _leave(session)
        again, new_again = _leave(session, question="y otra cosa")
        number = first.id
    assert new and not new_again and again.id == number
    with db.session() as session:
        request = requests.get(session, number)
        raw = session.execute(text("select reply_to from handoff_requests")).scalar_one()
        kept = list(session.execute(
            text("select text from handoff_messages order by id")).scalars())
        assert requests.address_of(request) == "whatsapp:+573001112233"
    assert "3001112233" not in raw and kept == ["y otra cosa"]
    assert request.question == "¿me ayudan con el PEP?" and request.city_key == "cucuta"


def test_of_two_staff_taking_one_request_at_once_exactly_one_gets_it(loaded):
    with db.session() as session:
        number = _leave(session)[0].id
        ana, luis = members.add(session, "1001", "Ana", ["Cúcuta"]), members.add(session, "1002", "Luis", [])
    start, won = threading.Barrier(2), {}

    def press(member_id: str, name: str) -> None:
        with db.session() as session:
            member, request = members.find(session, member_id), requests.get(session, number)
            start.wait()
            won[name] = requests.take(session, request, member, MONDAY_10_LOCAL)

    threads = [threading.Thread(target=press, args=(member.key, member.name)) for member in (ana, luis)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won.values()) == [False, True]
    with db.session() as session:
        request = requests.get(session, number)
        assert request.status == requests.TAKEN and request.staff_name == next(n for n, w in won.items() if w)


def test_the_staff_told_are_those_of_the_city_and_those_of_every_city(loaded):
    with db.session() as session:
        members.add(session, "1001", "Ana", ["Cúcuta"])
        members.add(session, "1002", "Luis", [])
        members.add(session, "1003", "Rosa", ["Quito"])
        assert sorted(member.name for member in schedule.staff_of(session, "cucuta")) == ["Ana", "Luis"]


def test_an_answer_is_expected_now_while_a_centre_is_open_else_when_one_opens(loaded):
    with db.session() as session:
        assert schedule.answer_expected(session, "Cúcuta", MONDAY_10_LOCAL) == datetime(2026, 12, 7, 10, 0)
        assert schedule.answer_expected(session, "Cúcuta", SUNDAY_NOON_LOCAL) == datetime(2026, 12, 7, 8, 0)
        assert schedule.answer_expected(session, "Lima", SUNDAY_NOON_LOCAL) is None  # no centre there


def test_a_waiting_request_is_announced_once_and_again_when_the_centre_opens(loaded):
    with db.session() as session:
        request = _leave(session, now=SUNDAY_NOON_LOCAL)[0]
        assert schedule.to_announce(session, SUNDAY_NOON_LOCAL) == [request]
        request.announced_at = SUNDAY_NOON_LOCAL
        session.flush()
        assert schedule.to_announce(session, datetime(2026, 12, 6, 23, 0)) == []  # sunday evening: closed
        assert schedule.to_announce(session, datetime(2026, 12, 7, 13, 5)) == [request]  # monday 08:05


def test_a_taken_request_without_a_reply_goes_back_after_two_working_hours(loaded):
    with db.session() as session:
        request = _leave(session, now=datetime(2026, 12, 5, 16, 0))[0]  # saturday 11:00
        member = members.add(session, "1001", "Ana", ["Cúcuta"])
        assert requests.take(session, request, member, datetime(2026, 12, 5, 16, 0))
        # one hour on saturday (11-12), then monday from 08:00: due at monday 09:00
        assert schedule.to_give_back(session, datetime(2026, 12, 7, 13, 55)) == []
        assert schedule.to_give_back(session, datetime(2026, 12, 7, 14, 1)) == [request]
        requests.record(session, request, "staff", "hola, soy Ana", datetime(2026, 12, 7, 13, 0), member.key)
        assert schedule.to_give_back(session, datetime(2026, 12, 7, 14, 1)) == []


def test_deleting_my_data_erases_my_requests_and_their_messages(loaded):
    with db.session() as session:
        request = _leave(session)[0]
        requests.record(session, request, "person", "sigo aquí", MONDAY_10_LOCAL)
        requests.noticed(session, request, "staff-key", 77, MONDAY_10_LOCAL)
        _leave(session, sender="whatsapp-other")
    with db.session() as session:
        assert requests.forget(session, "whatsapp-abc") == 1
    with db.session() as session:
        left = session.execute(text("select sender from handoff_requests")).scalars().all()
        assert left == ["whatsapp-other"]
        assert session.execute(text("select count(*) from handoff_messages")).scalar_one() == 0
        assert requests.by_notice(session, "staff-key", 77) is None


def test_a_request_number_is_never_given_again_even_after_its_request_was_erased(loaded):
    with db.session() as session:
        first = _leave(session)[0].id
    with db.session() as session:
        requests.forget(session, "whatsapp-abc")
    with db.session() as session:
        assert _leave(session, sender="whatsapp-new")[0].id > first
