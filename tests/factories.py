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


# The editions build_knowledge_base makes: the first is the legacy report (settings.LEGACY_REPORT_SLUG).
EDITIONS = [
    (5, "Siena, Italy", datetime.date(2023, 11, 14)),
    (6, "Lisbon, Portugal", datetime.date(2024, 10, 8)),
    (7, "Vienna, Austria", datetime.date(2025, 11, 4)),
]


@dataclass
class Built:
    report: Report
    reports: list[Report] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    talks: list[Talk] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    messages: list[KeyMessage] = field(default_factory=list)
    panel_items: list[KeyMessage] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)


def build_knowledge_base(n: int, *, text: str = "Key message", reports: int = 1) -> Built:
    """`reports` reports, each with n sessions, each with n talks by distinct speakers (n key messages
    each), n panel items and n recommendations; n themes, every item carrying all of them; every
    speaker also a moderator. The first report is 2023 in Siena (slug 2023-siena)."""
    built = Built(report=None)
    built.themes = [Theme.objects.create(name=f"Theme {i}", slug=f"theme-{i}", order=i) for i in range(n)]
    tagged = []
    for r, (number, place, start) in enumerate(EDITIONS[:reports]):
        report = Report.objects.create(
            title="Test report" if r == 0 else f"Test report {r}",
            series="ICPerMed Workshop",
            number=number,
            place=place,
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            source_filename="test.pdf",
            sha256=str(r) * 64,
            page_count=27,
        )
        built.reports.append(report)
        tagged += _build_report(built, report, n, text, prefix="" if r == 0 else f"{r}-")
    built.report = built.reports[0]
    types = ContentType.objects.get_for_models(Talk, KeyMessage, Recommendation)
    ThemedItem.objects.bulk_create(
        ThemedItem(content_type=types[type(item)], object_id=item.id, tag=theme)
        for item in tagged
        for theme in built.themes
    )
    return built


def _build_report(built: Built, report: Report, n: int, text: str, prefix: str) -> list:
    tagged = []
    for s in range(n):
        session = Session.objects.create(
            report=report,
            number=ROMAN[s],
            title=f"Session {prefix}{s}",
            kind="panel_session",
            order=s + 1,
            aim="An aim",
            page=s + 1,
        )
        built.sessions.append(session)
        for t in range(n):
            speaker = Speaker.objects.create(
                name=f"Speaker {prefix}{s}-{t}",
                slug=f"speaker-{prefix}{s}-{t}",
                organisation=f"Org {t}",
                country=["Italy", "France", "Spain"][t % 3],
                affiliation=f"Org {t}, City",
            )
            built.speakers.append(speaker)
            SessionRole.objects.create(speaker=speaker, session=session, role="speaker", order=2 * t + 1)
            SessionRole.objects.create(speaker=speaker, session=session, role="moderator", order=2 * t + 2)
            talk = Talk.objects.create(
                session=session, speaker=speaker, title=f"Talk {prefix}{s}-{t}", topic="A topic", order=t + 1, page=s + 1
            )
            built.talks.append(talk)
            tagged.append(talk)
            for m in range(n):
                message = KeyMessage.objects.create(
                    session=session,
                    talk=talk,
                    kind=["presentation", "discussion", "overall"][m % 3],
                    group="",
                    text=f"{text} {prefix}{s}-{t}-{m}",
                    order=m + 1,
                    page=s + 1,
                )
                built.messages.append(message)
                tagged.append(message)
        for m in range(n):
            item = KeyMessage.objects.create(
                session=session, talk=None, kind="panel", text=f"Panel item {prefix}{s}-{m}", order=m + 1, page=s + 1
            )
            built.panel_items.append(item)
            tagged.append(item)
            recommendation = Recommendation.objects.create(
                session=session,
                kind=["conclusion", "perspective"][m % 2],
                text=f"Recommendation {prefix}{s}-{m}",
                order=m + 1,
                page=s + 1,
            )
            built.recommendations.append(recommendation)
            tagged.append(recommendation)
    return tagged


def save_fields(item, **values):
    """Set these fields on a model instance and save() it, as an editor's save does (signals included)."""
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    return item
