"""The only writer: report records -> models, in one transaction, idempotently.

Rows are matched on natural keys (report edition, chapter number, position in
the report), so loading the same report again changes nothing and a corrected
PDF updates rows in place, keeping their ids.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify

from icpermed_kb.models import Theme, ThemedItem
from icpermed_kb.themes import ThemeRule, matching_slugs
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, Session, Talk
from speakers.models import SessionRole, Speaker

from . import records


@dataclass
class LoadSummary:
    """What a load did, per model: created, updated, unchanged, deleted."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def note(self, model: str, outcome: str, amount: int = 1) -> None:
        self.counts.setdefault(model, Counter())[outcome] += amount

    @property
    def changed(self) -> bool:
        return any(counter["created"] or counter["updated"] or counter["deleted"] for counter in self.counts.values())

    def lines(self) -> list[str]:
        order = ("created", "updated", "unchanged", "deleted")
        return [
            f"{model}: " + ", ".join(f"{counter[outcome]} {outcome}" for outcome in order)
            for model, counter in self.counts.items()
        ]


def load_report(
    report: records.Report, *, filename: str, sha256: str, themes: list[ThemeRule]
) -> tuple[Report, LoadSummary]:
    """Write a parsed report (and the theme vocabulary) to the database atomically."""
    with transaction.atomic():
        return _Loader(themes).load(report, filename=filename, sha256=sha256)


class _Loader:
    def __init__(self, themes: list[ThemeRule]):
        self.rules = themes
        self.summary = LoadSummary()
        self.tag_targets: list[tuple[object, tuple[str, ...]]] = []

    def upsert(self, model, lookup: dict, values: dict):
        """Create or update one row, counting what happened; only changed rows are saved."""
        instance = model.objects.filter(**lookup).first()
        name = model._meta.verbose_name_plural
        if instance is None:
            instance = model.objects.create(**lookup, **values)
            self.summary.note(name, "created")
            return instance
        changed = [key for key, value in values.items() if getattr(instance, key) != value]
        if changed:
            for key in changed:
                setattr(instance, key, values[key])
            instance.save(update_fields=changed)
            self.summary.note(name, "updated")
        else:
            self.summary.note(name, "unchanged")
        return instance

    def prune(self, queryset, keep_ids: set[int]) -> None:
        stale_ids = list(queryset.exclude(id__in=keep_ids).values_list("id", flat=True))
        if stale_ids:
            if queryset.model in (Talk, KeyMessage, Recommendation):
                content_type = ContentType.objects.get_for_model(queryset.model)
                ThemedItem.objects.filter(content_type=content_type, object_id__in=stale_ids).delete()
            queryset.model.objects.filter(id__in=stale_ids).delete()
            self.summary.note(queryset.model._meta.verbose_name_plural, "deleted", len(stale_ids))

    def load(self, parsed: records.Report, *, filename: str, sha256: str):
        theme_by_slug = self.load_themes()
        report = self.upsert(
            Report,
            {"series": parsed.series, "number": parsed.number},
            {
                "title": parsed.title,
                "place": parsed.place,
                "start_date": parsed.start_date,
                "end_date": parsed.end_date,
                "source_filename": filename,
                "sha256": sha256,
                "page_count": parsed.page_count,
            },
        )
        session_ids = set()
        for order, parsed_session in enumerate(parsed.sessions, start=1):
            session_ids.add(self.load_session(report, order, parsed_session).id)
        self.prune(Session.objects.filter(report=report), session_ids)
        self.prune(Speaker.objects.filter(roles=None, talks=None), set())
        self.apply_themes(theme_by_slug)
        return report, self.summary

    def load_themes(self) -> dict[str, Theme]:
        themes = {}
        for order, rule in enumerate(self.rules, start=1):
            themes[rule.slug] = self.upsert(
                Theme,
                {"slug": rule.slug},
                {
                    "name": rule.name,
                    "group": rule.group,
                    "description": rule.description,
                    "patterns": list(rule.patterns),
                    "order": order,
                },
            )
        return themes

    def speaker(self, person: records.Person) -> Speaker:
        slug = slugify(person.name) or "speaker"
        existing = Speaker.objects.filter(slug=slug).first()
        if existing and not person.affiliation:
            return existing  # a talk heading names someone listed elsewhere: keep their details
        if existing and existing.affiliation and existing.affiliation != person.affiliation:
            return existing  # the first listing wins; later listings keep their own SessionRole text
        return self.upsert(
            Speaker,
            {"slug": slug},
            {
                "name": person.name,
                "organisation": person.organisation,
                "country": person.country,
                "affiliation": person.affiliation,
            },
        )

    def load_session(self, report: Report, order: int, parsed: records.Session) -> Session:
        session = self.upsert(
            Session,
            {"report": report, "number": parsed.number},
            {
                "title": parsed.title,
                "kind": parsed.kind,
                "order": order,
                "aim": parsed.aim,
                "paragraphs": parsed.paragraphs,
                "page": parsed.page,
            },
        )
        role_ids = set()
        for position, person in enumerate(parsed.people, start=1):
            role = self.upsert(
                SessionRole,
                {"speaker": self.speaker(person), "session": session, "role": person.role},
                {"affiliation": person.affiliation, "order": position},
            )
            role_ids.add(role.id)
        self.prune(SessionRole.objects.filter(session=session), role_ids)

        talk_ids, message_ids = set(), set()
        for position, parsed_talk in enumerate(parsed.talks, start=1):
            talk = self.upsert(
                Talk,
                {"session": session, "order": position},
                {
                    "speaker": self.speaker(parsed_talk.speaker),
                    "title": parsed_talk.title,
                    "topic": parsed_talk.topic,
                    "paragraphs": parsed_talk.paragraphs,
                    "page": parsed_talk.page,
                },
            )
            talk_ids.add(talk.id)
            self.tag_targets.append((talk, (talk.title, talk.topic)))
            message_ids |= self.load_messages(session, talk, parsed_talk.key_messages)
        message_ids |= self.load_messages(session, None, parsed.key_messages)
        self.prune(Talk.objects.filter(session=session), talk_ids)
        self.prune(KeyMessage.objects.filter(session=session), message_ids)

        recommendation_ids = set()
        for position, parsed_recommendation in enumerate(parsed.recommendations, start=1):
            recommendation = self.upsert(
                Recommendation,
                {"session": session, "order": position},
                {
                    "kind": parsed_recommendation.kind,
                    "lead": parsed_recommendation.lead,
                    "text": parsed_recommendation.text,
                    "page": parsed_recommendation.page,
                },
            )
            recommendation_ids.add(recommendation.id)
            self.tag_targets.append((recommendation, (recommendation.text,)))
        self.prune(Recommendation.objects.filter(session=session), recommendation_ids)
        return session

    def load_messages(self, session: Session, talk: Talk | None, messages: list[records.KeyMessage]) -> set[int]:
        ids = set()
        for position, parsed in enumerate(messages, start=1):
            message = self.upsert(
                KeyMessage,
                {"session": session, "talk": talk, "order": position},
                {"kind": parsed.kind, "group": parsed.group, "text": parsed.text, "page": parsed.page},
            )
            ids.add(message.id)
            self.tag_targets.append((message, (message.text,)))
        return ids

    def apply_themes(self, themes: dict[str, Theme]) -> None:
        """Add the rule tags each item should have and drop stale rule tags; editors' tags stay."""
        content_types = ContentType.objects.get_for_models(Talk, KeyMessage, Recommendation)
        wanted: set[tuple[int, int, int]] = set()
        for item, texts in self.tag_targets:
            content_type = content_types[type(item)]
            for slug in matching_slugs(self.rules, *texts):
                wanted.add((content_type.id, item.id, themes[slug].id))
        targets = {(content_types[type(item)].id, item.id) for item, _ in self.tag_targets}
        existing = {
            (row.content_type_id, row.object_id, row.tag_id): row
            for row in ThemedItem.objects.filter(content_type__in=content_types.values())
            if (row.content_type_id, row.object_id) in targets
        }
        missing = [
            ThemedItem(content_type_id=ct, object_id=obj, tag_id=tag, by_rule=True)
            for ct, obj, tag in sorted(wanted - existing.keys())
        ]
        ThemedItem.objects.bulk_create(missing)
        stale = [row.id for key, row in existing.items() if row.by_rule and key not in wanted]
        ThemedItem.objects.filter(id__in=stale).delete()
        self.summary.note("themed items", "created", len(missing))
        self.summary.note("themed items", "deleted", len(stale))
        self.summary.note("themed items", "unchanged", len(wanted & existing.keys()))
