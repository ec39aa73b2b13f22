"""The relay between a person and the staff, with the channels' senders recording what they would send."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Optional

from bot.directory import db, members
from bot.handoff import requests
from bot.handoff.relay import TAKE, Relay
from bot.privacy import seal

NOW = datetime(2026, 12, 7, 15, 0)  # Monday 10:00 in Cúcuta: the centre is open


class Recorder:
    """The channels' senders: what went to whom."""

    def __init__(self) -> None:
        self.people: list[tuple[str, str]] = []
        self.staff: list[tuple[str, str, Optional[int]]] = []

    async def person(self, address: str, text: str) -> bool:
        self.people.append((address, text))
        return True

    async def staff_chat(self, chat: str, text: str, take: Optional[int] = None) -> Optional[int]:
        self.staff.append((chat, text, take))
        return len(self.staff)


def _relay(recorder: Recorder) -> Relay:
    return Relay(people={"whatsapp": recorder.person}, staff=recorder.staff_chat)  # no template configured


def _request(database_url: str) -> int:
    with db.session(database_url) as session:
        member = members.add(session, "1001", "Ana", ["Cúcuta"])
        requests.remember_chat(session, member.key, "1001")
        request, _ = requests.leave(session, sender="whatsapp-p1", channel="whatsapp",
                                    reply_to=seal("whatsapp:+573001234567"), city="Cúcuta", language="en",
                                    question="Where do I renew my PPT?", context=[], now=NOW)
        return request.id


def test_an_answer_after_24_hours_without_a_template_is_kept_and_the_staff_member_told(loaded):
    recorder = Recorder()
    relay = _relay(recorder)
    number = _request(loaded)
    asyncio.run(relay.tick(NOW))
    assert recorder.staff[0][0] == "1001" and recorder.staff[0][2] == number
    assert asyncio.run(relay.staff_pressed(1001, "1001", f"{TAKE}{number}", NOW)).startswith(
        f"La solicitud n.º {number} es tuya")
    later = NOW + timedelta(hours=25)
    said = asyncio.run(relay.staff_wrote(1001, "1001", "Bring your passport", reply_to=1, now=later))
    assert "más de 24 horas" in said and "queda guardada" in said
    assert recorder.people == []  # nothing was sent as free text
    with db.session(loaded) as session:
        assert [m.text for m in requests.messages_of(session, requests.get(session, number))] == \
            ["Bring your passport"]


def test_the_person_reads_the_answer_in_their_language_with_the_staff_members_name(loaded):
    recorder = Recorder()
    relay = _relay(recorder)
    number = _request(loaded)
    asyncio.run(relay.tick(NOW))
    assert asyncio.run(relay.staff_wrote(1001, "1001", "Bring your passport", reply_to=1, now=NOW)) == ""
    assert recorder.people == [("whatsapp:+573001234567", "👤 Ana (Cúcuta team): Bring your passport")]
    assert asyncio.run(relay.person_wrote("whatsapp-p1", "thanks! that's all, thanks", NOW)) == ""
    assert asyncio.run(relay.person_wrote("whatsapp-p1", "done, thanks", NOW)).startswith(
        "The conversation with the team has ended")
    with db.session(loaded) as session:
        assert requests.get(session, number).status == requests.CLOSED


def test_when_the_database_fails_a_message_goes_on_to_the_assistant_and_a_press_is_answered(monkeypatch):
    import socket

    with socket.socket() as sock:  # a port nothing listens on: the database refuses every connection
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    monkeypatch.setenv("BOT_DATABASE_URL", f"postgresql+psycopg2://postgres@127.0.0.1:{port}/test")
    relay = _relay(Recorder())
    assert asyncio.run(relay.person_wrote("whatsapp-p1", "me quieren pegar", NOW)) is None  # Rasa answers it
    assert asyncio.run(relay.staff_wrote(1001, "1001", "hola", reply_to=None, now=NOW)) is None
    assert asyncio.run(relay.staff_pressed(1001, "1001", f"{TAKE}1", NOW)).startswith("Lo siento")
