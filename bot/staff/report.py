"""The demand report for staff: conversations and questions by topic, city and language, and what went unanswered.

It holds no personal data: senders are counted by keyed hash, and the only
message text is that of unanswered questions, with digits masked.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot.directory.models import HandoffMessage, HandoffRequest, Question  # noqa: E402
from bot.normalise import fold  # noqa: E402
from bot.texts import Texts  # noqa: E402

TOP = 5
_MONTH = re.compile(r"\b30\b|\bmes\b|\bmonth\b|\bmensual\b|\bmonthly\b")


@dataclass
class Demand:
    """What people asked in a period."""

    days: int
    conversations: int
    questions: int
    by_topic: Counter
    by_city: Counter
    by_language: Counter
    unanswered: list[tuple[str, int]]
    requests_by_city: Counter = field(default_factory=Counter)  # requests to talk to a person
    first_reply: Optional[timedelta] = None                     # their median time to a staff member's reply
    requests_never_answered: int = 0
    relayed: int = 0                                            # messages relayed between people and staff


def days_asked(text: str) -> int:
    """The period a request for the report asks for: 30 days when it says a month ("reporte del mes"), else 7."""
    return 30 if _MONTH.search(fold(text)) else 7


def demand(session: Session, days: int = 7, now: Optional[datetime] = None) -> Demand:
    """The demand of the last `days` days (UTC) up to `now`."""
    end = now or datetime.utcnow()
    rows = list(session.execute(select(Question).where(Question.at >= end - timedelta(days=days),
                                                       Question.at <= end)).scalars())
    asked = [row for row in rows if row.topic != "unanswered"]
    unanswered = Counter(" ".join(row.text.split()).lower() for row in rows if not row.answered and row.text)
    start = end - timedelta(days=days)
    handoffs = list(session.execute(select(HandoffRequest).where(HandoffRequest.created_at >= start,
                                                                 HandoffRequest.created_at <= end)).scalars())
    waits = [(request.first_reply_at - request.created_at).total_seconds() for request in handoffs
             if request.first_reply_at is not None]
    return Demand(days=days, conversations=len({row.sender for row in rows}), questions=len(rows),
                  by_topic=Counter(row.topic for row in asked), by_city=Counter(row.city for row in asked if row.city),
                  by_language=Counter(row.language for row in rows if row.language),
                  unanswered=unanswered.most_common(TOP),
                  requests_by_city=Counter(request.city for request in handoffs),
                  first_reply=timedelta(seconds=statistics.median(waits)) if waits else None,
                  requests_never_answered=sum(1 for request in handoffs if request.first_reply_at is None),
                  relayed=session.execute(select(func.count()).select_from(HandoffMessage)
                                          .where(HandoffMessage.at >= start, HandoffMessage.at <= end)).scalar_one())


def _topic_name(texts: Texts, topic: str) -> str:
    try:
        return texts(f"text_topic_{topic}")
    except KeyError:
        return topic


def summary(data: Demand, texts: Texts) -> str:
    """The report as a short text for a phone."""
    def listing(counter: Counter, name=lambda key: key) -> str:
        return ", ".join(f"{name(key)} {count}" for key, count in counter.most_common(TOP)) or "—"

    lines = [texts("text_report_title", days=data.days),
             texts("text_report_totals", conversations=data.conversations, questions=data.questions),
             texts("text_report_by_topic", items=listing(data.by_topic, lambda key: _topic_name(texts, key))),
             texts("text_report_by_city", items=listing(data.by_city)),
             texts("text_report_by_language", items=listing(data.by_language, str.upper))]
    if data.requests_by_city:
        lines.append(texts("text_report_requests", count=sum(data.requests_by_city.values()),
                           cities=listing(data.requests_by_city), median=_duration(data.first_reply),
                           never=data.requests_never_answered, messages=data.relayed))
    if data.unanswered:
        lines.append(texts("text_report_unanswered"))
        lines += [f"• «{text}» ×{count}" for text, count in data.unanswered]
    return "\n".join(lines)


def _duration(span: Optional[timedelta]) -> str:
    """"2 h 05 min", "35 min", or "—" when there is none."""
    if span is None:
        return "—"
    minutes = round(span.total_seconds() / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def chart(data: Demand, texts: Texts) -> bytes:
    """A PNG bar chart of questions by topic and by city, readable on a phone."""
    topics = data.by_topic.most_common(8)
    cities = data.by_city.most_common(8)
    figure, axes = plt.subplots(2, 1, figsize=(6, 7.5), dpi=120)
    for axis, items, title, colour in ((axes[0], topics, texts("text_report_chart_topics"), "#1f77b4"),
                                       (axes[1], cities, texts("text_report_chart_cities"), "#2ca02c")):
        labels = [_topic_name(texts, key) if axis is axes[0] else key for key, _ in items][::-1]
        values = [count for _, count in items][::-1]
        bars = axis.barh(labels or ["—"], values or [0], color=colour)
        axis.set_title(title, fontsize=14, loc="left")
        axis.tick_params(labelsize=12)
        axis.bar_label(bars, fontsize=12, padding=3)
        axis.spines[["top", "right"]].set_visible(False)
        axis.xaxis.set_visible(False)
    figure.suptitle(texts("text_report_chart_title", days=data.days), fontsize=15, x=0.02, ha="left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
