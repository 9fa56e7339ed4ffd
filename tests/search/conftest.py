"""A small knowledge base built item by item, and helpers to read search results as (type, id) keys.

Every test in tests/search runs unchanged on SQLite and on PostgreSQL (CI runs the suite twice);
the assertions are exact lists, so any difference between the engines fails here.
"""

from __future__ import annotations

import datetime
import itertools

import pytest

from icpermed_kb.search import get_engine
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import Speaker

_order = itertools.count(1)


class KB:
    """Creates reports, sessions, talks, speakers, key messages and recommendations with defaults."""

    def __init__(self):
        self.report = Report.objects.create(
            title="Search test report",
            series="Search test",
            number=1,
            place="Siena",
            start_date=datetime.date(2023, 11, 14),
            end_date=datetime.date(2023, 11, 15),
            source_filename="test.pdf",
            sha256="0" * 64,
            page_count=1,
        )
        self.default_session = self.session("General matters")

    def session(self, title: str) -> Session:
        order = next(_order)
        return Session.objects.create(
            report=self.report, number=f"S{order}", title=title, kind="panel_session", order=order, page=1
        )

    def speaker(self, name: str) -> Speaker:
        return Speaker.objects.create(name=name, slug=f"speaker-{next(_order)}")

    def talk(self, title: str = "", *, speaker: Speaker | None = None, session: Session | None = None) -> Talk:
        return Talk.objects.create(
            session=session or self.default_session,
            speaker=speaker or self.speaker("Anna Example"),
            title=title,
            order=next(_order),
            page=1,
        )

    def message(
        self, text: str, *, talk: Talk | None = None, session: Session | None = None, group: str = ""
    ) -> KeyMessage:
        session = session or (talk.session if talk else self.default_session)
        return KeyMessage.objects.create(
            session=session,
            talk=talk,
            kind="overall" if talk else "panel",
            group=group,
            text=text,
            order=next(_order),
            page=1,
        )

    def recommendation(self, text: str, *, session: Session | None = None, lead: str = "") -> Recommendation:
        return Recommendation.objects.create(
            session=session or self.default_session, kind="conclusion", lead=lead, text=text, order=next(_order), page=1
        )


def key(item) -> tuple[str, int]:
    """The (type, id) a Hit names for this item."""
    return ("recommendation" if isinstance(item, Recommendation) else "key_message", item.pk)


def keys(hits) -> list[tuple[str, int]]:
    return [(hit.type, hit.id) for hit in hits]


@pytest.fixture
def kb(db) -> KB:
    return KB()


@pytest.fixture
def engine(db):
    return get_engine()


@pytest.fixture
def found(engine):
    """found(query, **restrictions) -> the hits' (type, id) keys, in rank order."""

    def search(query: str, **restrictions) -> list[tuple[str, int]]:
        return keys(engine.search(query, **restrictions))

    return search
