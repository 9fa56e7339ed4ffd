"""Small synthetic knowledge bases for tests that need exact sizes (query counts, escaping)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from icpermed_kb.models import Theme, ThemedItem
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import SessionRole, Speaker

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@dataclass
class Built:
    report: Report
    sessions: list[Session] = field(default_factory=list)
    talks: list[Talk] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    messages: list[KeyMessage] = field(default_factory=list)
    panel_items: list[KeyMessage] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)


def build_knowledge_base(n: int, *, text: str = "Key message") -> Built:
    """n sessions, each with n talks by distinct speakers (n key messages each), n panel items and
    n recommendations; n themes, every item carrying all of them; every speaker also a moderator."""
    report = Report.objects.create(
        title="Test report",
        series="ICPerMed Workshop",
        number=5,
        place="Siena, Italy",
        start_date=datetime.date(2023, 11, 14),
        end_date=datetime.date(2023, 11, 15),
        source_filename="test.pdf",
        sha256="0" * 64,
        page_count=27,
    )
    built = Built(report)
    built.themes = [Theme.objects.create(name=f"Theme {i}", slug=f"theme-{i}", order=i) for i in range(n)]
    tagged = []
    for s in range(n):
        session = Session.objects.create(
            report=report,
            number=ROMAN[s],
            title=f"Session {s}",
            kind="panel_session",
            order=s + 1,
            aim="An aim",
            page=s + 1,
        )
        built.sessions.append(session)
        for t in range(n):
            speaker = Speaker.objects.create(
                name=f"Speaker {s}-{t}",
                slug=f"speaker-{s}-{t}",
                organisation=f"Org {t}",
                country=["Italy", "France", "Spain"][t % 3],
                affiliation=f"Org {t}, City",
            )
            built.speakers.append(speaker)
            SessionRole.objects.create(speaker=speaker, session=session, role="speaker", order=2 * t + 1)
            SessionRole.objects.create(speaker=speaker, session=session, role="moderator", order=2 * t + 2)
            talk = Talk.objects.create(
                session=session, speaker=speaker, title=f"Talk {s}-{t}", topic="A topic", order=t + 1, page=s + 1
            )
            built.talks.append(talk)
            tagged.append(talk)
            for m in range(n):
                message = KeyMessage.objects.create(
                    session=session,
                    talk=talk,
                    kind=["presentation", "discussion", "overall"][m % 3],
                    group="",
                    text=f"{text} {s}-{t}-{m}",
                    order=m + 1,
                    page=s + 1,
                )
                built.messages.append(message)
                tagged.append(message)
        for m in range(n):
            item = KeyMessage.objects.create(
                session=session, talk=None, kind="panel", text=f"Panel item {s}-{m}", order=m + 1, page=s + 1
            )
            built.panel_items.append(item)
            tagged.append(item)
            recommendation = Recommendation.objects.create(
                session=session,
                kind=["conclusion", "perspective"][m % 2],
                text=f"Recommendation {s}-{m}",
                order=m + 1,
                page=s + 1,
            )
            built.recommendations.append(recommendation)
            tagged.append(recommendation)
    types = ContentType.objects.get_for_models(Talk, KeyMessage, Recommendation)
    ThemedItem.objects.bulk_create(
        ThemedItem(content_type=types[type(item)], object_id=item.id, tag=theme)
        for item in tagged
        for theme in built.themes
    )
    return built


def save_fields(item, **values):
    """Set these fields on a model instance and save() it, as an editor's save does (signals included)."""
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    return item
