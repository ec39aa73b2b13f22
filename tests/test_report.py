"""The staff demand report: exact figures from seeded questions, no personal data, a chart that reads."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

from bot.directory import db, questions
from bot.directory.models import Question
from bot.staff import report
from bot.texts import Texts
from tests.conftest import HERE

SEED = [  # sender, topic, city, language, answered, text
    ("whatsapp:+573001112233", "centre", "Cúcuta", "es", True, "donde queda el centro en cucuta"),
    ("whatsapp:+573001112233", "legal", "Cúcuta", "es", True, "necesito abogado"),
    ("whatsapp:+573001112233", "unanswered", None, "es", False, "mi numero es 3001112233 ayuda con el bus"),
    ("whatsapp:+593991234567", "food", "Quito", "en", True, "food in quito"),
    ("whatsapp:+593991234567", "unanswered", None, "en", False, "where can I buy a SIM card"),
    ("telegram:555", "unanswered", None, "es", False, "mi numero es 3001112233 ayuda con el bus"),
    ("telegram:555", "centre", "Quito", "es", True, "centro quito"),
]


def seed(url: str, now: datetime) -> None:
    with db.session(url) as session:
        for sender, topic, city, language, answered, text in SEED:
            questions.record(session, sender, topic, city, language, "whatsapp", answered, text)
        session.flush()
        old = Question(at=now - timedelta(days=40), sender="x", topic="health", city="Lima", language="es",
                       answered=True)
        session.add(old)


def test_figures_match_the_seeded_conversations(database_url):
    now = datetime.utcnow() + timedelta(seconds=5)
    seed(database_url, now)
    with db.session(database_url) as session:
        week = report.demand(session, 7, now)
        month = report.demand(session, 60, now)
    assert week.conversations == 3 and week.questions == 7
    assert dict(week.by_topic) == {"centre": 2, "legal": 1, "food": 1}
    assert dict(week.by_city) == {"Cúcuta": 2, "Quito": 2}
    assert dict(week.by_language) == {"es": 5, "en": 2}
    assert week.unanswered[0] == ("mi numero es ########## ayuda con el bus", 2)
    assert month.questions == 8 and month.by_city["Lima"] == 1


def test_the_report_holds_no_personal_data(database_url):
    now = datetime.utcnow() + timedelta(seconds=5)
    seed(database_url, now)
    with db.session(database_url) as session:
        text = report.summary(report.demand(session, 7, now), Texts("es"))
        stored = [(row.sender, row.text) for row in session.query(Question)]
    assert "3 conversaciones, 7 preguntas" in text and "centros 2" in text
    for needle in ("3001112233", "573001112233", "555", "necesito abogado"):
        assert needle not in text
        assert all(needle not in sender and needle not in (kept or "") for sender, kept in stored)


def test_chart_is_a_png_with_the_expected_bars(database_url):
    now = datetime.utcnow() + timedelta(seconds=5)
    seed(database_url, now)
    with db.session(database_url) as session:
        data = report.demand(session, 7, now)
    png = report.chart(data, Texts("en"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    import io

    import matplotlib.image
    image = matplotlib.image.imread(io.BytesIO(png))
    assert image.shape[0] > image.shape[1]  # portrait, for a phone


def test_report_from_the_command_line(database_url, tmp_path):
    seed(database_url, datetime.utcnow())
    out = tmp_path / "report.png"
    done = subprocess.run([sys.executable, "-m", "bot", "report", "--days", "30", "--out", str(out)],
                          cwd=HERE.parent, capture_output=True, text=True,
                          env={"BOT_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "últimos 30 días" in done.stdout and out.read_bytes().startswith(b"\x89PNG")


def test_requests_to_talk_to_a_person_are_counted_by_city_with_the_median_first_reply(database_url):
    from bot.directory import members
    from bot.handoff import requests

    now = datetime.utcnow()
    with db.session(database_url) as session:
        ana = members.add(session, "1001", "Ana", [])
        for number, (city, reply_after) in enumerate([("Cúcuta", 10), ("Cúcuta", 50), ("Quito", None),
                                                      ("Cúcuta", 30)]):
            created = now - timedelta(hours=2, minutes=number)
            request, _ = requests.leave(session, sender=f"whatsapp-{number}", channel="whatsapp", reply_to=None,
                                        city=city, language="es", question="?", context=[], now=created)
            if reply_after is not None:
                requests.record(session, request, "staff", "hola", created + timedelta(minutes=reply_after), ana.key)
    with db.session(database_url) as session:
        week = report.demand(session, 7, now + timedelta(seconds=5))
    assert week.requests_by_city == {"Cúcuta": 3, "Quito": 1}
    assert week.first_reply == timedelta(minutes=30) and week.requests_never_answered == 1 and week.relayed == 3
    text = report.summary(week, Texts("es"))
    assert "Pedidos de hablar con una persona: 4 (Cúcuta 3, Quito 1)" in text
    assert "primera respuesta en 30 min (mediana); sin respuesta: 1; mensajes transmitidos: 3." in text
