"""The only writer: report records -> models, in one transaction, idempotently.

Rows are matched on natural keys (report edition, chapter number, position in
the report), so loading the same report again changes nothing and a corrected
PDF updates rows in place, keeping their ids.

The rows of the report's edition are read up front, a few queries per model, and new rows are
written in bulk (each with its "+" history record, reason and no user, as a save would write
it). Updates and deletions stay one save or delete at a time, as the admin's are: the version
bump, the "~" and "-" history records and the signals are theirs; pending new rows are written
before each of them, so every table's rows and history come in the order the report gives them.

Editors' work is kept (see icpermed_kb/models/editable.py): a field listed in a row's
`edited_fields` is never overwritten, an edited row is never deleted (nor is a
row holding edited rows), an item whose natural key has a tombstone (an editor
deleted it) is never brought back, and an item whose themes an editor changed
keeps exactly those themes.

A file that parses but holds much less than the stored copy of the same edition (a damaged PDF
whose chapters are all there but whose pages lost text) is refused rather than allowed to delete
the rest: see `check_not_shrinking`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from icpermed_kb.models import Theme, ThemedItem, Tombstone, data_version
from icpermed_kb.models import editable as editing
from icpermed_kb.search.index import KEY_MESSAGE, RECOMMENDATION, index_collected, reindex
from icpermed_kb.themes import ThemeRule, matched_text, matching_slugs
from recommendations.models import Recommendation
from sessions.models import KeyMessage, Report, ReportFile, Session, Talk
from speakers.models import SessionRole, Speaker

from . import records

KEPT = "kept (edited)"  # an editor's value held against the report (or an edited row the report no longer has)
NOT_RESTORED = "not restored (deleted by an editor)"


@dataclass
class LoadSummary:
    """What a load did, per model: created, updated, unchanged, deleted; and what it kept for editors.

    An item counted "kept (edited)" differs from the report in a field an editor changed (their
    value stays; its other fields are still brought up to date), or is an edited item the report
    no longer holds (it stays).
    """

    counts: dict[str, Counter] = field(default_factory=dict)
    writes: int = 0

    def note(self, model: str, outcome: str, amount: int = 1) -> None:
        self.counts.setdefault(model, Counter())[outcome] += amount
        if outcome in ("created", "updated", "deleted"):
            self.writes += amount

    @property
    def changed(self) -> bool:
        return self.writes > 0

    @property
    def kept_edited(self) -> int:
        return sum(counter[KEPT] for model, counter in self.counts.items() if model != "themed items")

    @property
    def not_restored(self) -> int:
        return sum(counter[NOT_RESTORED] for counter in self.counts.values())

    def lines(self) -> list[str]:
        order = ("created", "updated", "unchanged", "deleted")
        return [
            f"{model}: "
            + ", ".join(
                [f"{counter[outcome]} {outcome}" for outcome in order]
                + [f"{counter[outcome]} {outcome}" for outcome in (KEPT, NOT_RESTORED) if counter[outcome]]
            )
            for model, counter in self.counts.items()
        ]


# A re-ingestion may remove at most this share of the stored report's talks, key messages or
# recommendations: a corrected PDF changes a few items, a damaged one that still parses loses pages.
SHRINK_LIMIT = 0.10


def load_report(
    report: records.Report,
    *,
    filename: str,
    sha256: str,
    themes: list[ThemeRule],
    content: bytes | None = None,
    allow_shrink: bool = False,
    rule_matches: Callable[[], Mapping[str, list[str]]] | None = None,
) -> tuple[Report, LoadSummary]:
    """Write a parsed report (and the theme vocabulary, and the PDF's `content`) to the database atomically.

    `rule_matches`, if given, is called once, when the rule themes are applied: the slugs
    matching_slugs(themes, …) gives for some of the items' matched_text(), worked out elsewhere
    (pipeline.rule_matches_in_child); the other items are matched here.
    """
    if not allow_shrink:
        check_not_shrinking(report)
    with transaction.atomic(), data_version.deferred_bump():
        loader = _Loader(themes, filename, rule_matches)
        loaded, summary = loader.load(report, filename=filename, sha256=sha256)
        if loaded is not None and content is not None:
            loader.store_file(loaded, content, sha256)
        if summary.changed:  # its bulk theme writes send no signals: bump for them too
            data_version.bump()
        return loaded, summary


def check_not_shrinking(parsed: records.Report) -> None:
    """Refuse (RefusedDocument) a report with far fewer items than the stored copy of its edition.

    Only the rows the ingestion owns are counted: items editors edited are kept whatever the file
    says, and items they deleted are not in the database.
    """
    stored = Report.objects.filter(series=parsed.series, number=parsed.number).first()
    if stored is None:
        return
    in_file = {
        "talks": len(parsed.talks()),
        "key messages": len(parsed.key_messages()),
        "recommendations": len(parsed.recommendations()),
    }
    owned = {"edited_at__isnull": True}
    in_database = {
        "talks": Talk.objects.filter(session__report=stored, **owned).count(),
        "key messages": KeyMessage.objects.filter(session__report=stored, **owned).count(),
        "recommendations": Recommendation.objects.filter(session__report=stored, **owned).count(),
    }
    for name, count in in_database.items():
        if in_file[name] < count * (1 - SHRINK_LIMIT):
            raise records.RefusedDocument(
                f"it holds {in_file[name]} {name} where the stored report has {count}: it looks damaged or "
                f"incomplete (to load it anyway, use --allow-shrink)"
            )


# A row holding edited rows is kept with them (deleting it would cascade to the editors' work).
EDITED_CHILDREN = {
    Session: ("talks", "key_messages", "recommendations", "roles"),
    Talk: ("key_messages",),
}


# New rows are written in bulk in this order: each model after the models its rows point to. The
# report itself is saved on its own (its save() picks a free slug), before any of them.
BULK_ORDER = (Theme, Session, Speaker, SessionRole, Talk, KeyMessage, Recommendation)
# What identifies a row within its model (the lookup upsert is given), and the attributes to read it from.
LOOKUPS = {
    Theme: ("slug",),
    Session: ("report", "number"),
    Speaker: ("slug",),
    SessionRole: ("speaker", "session", "role"),
    Talk: ("session", "order"),
    KeyMessage: ("session", "talk", "order"),
    Recommendation: ("session", "order"),
}
# Items the search index holds: their documents are written when they are created (the signal
# receivers do it on a save; a bulk insert sends no signal).
INDEXED = {KeyMessage: KEY_MESSAGE, Recommendation: RECOMMENDATION}


def theme_texts(report: records.Report) -> list[tuple[str, ...]]:
    """The printed texts each of the report's talks, key messages and recommendations takes its rule themes from."""
    texts = []
    for session in report.sessions:
        for talk in session.talks:
            texts.append(_talk_texts(talk))
            texts.extend(_item_texts(message) for message in talk.key_messages)
        texts.extend(_item_texts(message) for message in session.key_messages)
        texts.extend(_item_texts(recommendation) for recommendation in session.recommendations)
    return texts


def _talk_texts(talk: records.Talk) -> tuple[str, ...]:
    return (talk.title, talk.topic)


def _item_texts(item: records.KeyMessage | records.Recommendation) -> tuple[str, ...]:
    return (item.text,)


class _Loader:
    def __init__(self, themes: list[ThemeRule], source: str, rule_matches: Callable[[], Mapping[str, list[str]]] | None = None):
        self.rules = themes
        self.rule_matches = rule_matches
        self.summary = LoadSummary()
        # The rows read up front and the rows created meanwhile, by model and lookup (see _lookup_key).
        self.rows: dict[type, dict[tuple, models.Model]] = {model: {} for model in BULK_ORDER}
        self.pending: dict[type, list[models.Model]] = {model: [] for model in BULK_ORDER}
        # Each item with the printed texts its rule themes come from: the report's, not an editor's
        # rewording (rule themes follow the report; editors change themes explicitly).
        self.tag_targets: list[tuple[object, tuple[str, ...]]] = []
        self.reason = f"Ingestion of {source}"[:100]
        # Read inside the ingestion's write lock (pipeline.py, icpermed_kb/write_turns.py), as are the
        # edit marks (each row as it is upserted): no editor's save or delete can come in between.
        self.tombstones = set(Tombstone.objects.values_list("model", "key"))
        self.speakers: dict[str, Speaker | None] = {}  # by slug: the people this ingestion has met

    def deleted_by_editor(self, model, key: str) -> bool:
        if (model._meta.label_lower, key) in self.tombstones:
            self.summary.note(model._meta.verbose_name_plural, NOT_RESTORED)
            return True
        return False

    def upsert(self, model, lookup: dict, values: dict, key: str):
        """Create or update one row, counting what happened; only changed rows are saved.

        Returns None, writing nothing, for an item an editor deleted; never overwrites a field
        an editor changed. A new row of a BULK_ORDER model is only queued (its id is set when
        flush() writes it); the report is saved at once.
        """
        name = model._meta.verbose_name_plural
        if self.deleted_by_editor(model, key):
            return None
        if model in self.rows:
            instance = self.rows[model].get(self._lookup_key(lookup))
        else:
            instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values)
            instance._change_reason = self.reason
            if model in self.pending:
                self.pending[model].append(instance)
                self.rows[model][self._lookup_key(lookup)] = instance
            else:
                instance.save()
                instance._created_by_load = True
            self.summary.note(name, "created")
            return instance
        differs = [attr for attr, value in values.items() if not _same(instance, attr, value)]
        held = [attr for attr in differs if attr in instance.edited_fields]
        changed = [attr for attr in differs if attr not in held]
        if changed:
            self.flush()  # the new rows first, as the report orders them (and those this one may point to)
            for attr in changed:
                setattr(instance, attr, values[attr])
            instance._change_reason = self.reason
            instance.save(update_fields=changed)
        self.summary.note(name, KEPT if held else "updated" if changed else "unchanged")
        if held and changed:
            self.summary.writes += 1
        return instance

    @staticmethod
    def _lookup_key(lookup: dict) -> tuple:
        # A row a lookup names is found by its own fields and by the very objects it points to (the
        # ones this load holds, saved or still pending, which have no id yet).
        return tuple(
            (name, ("row", id(value)) if isinstance(value, models.Model) else value)
            for name, value in sorted(lookup.items())
        )

    def read_themes(self) -> None:
        """Read the themes of the vocabulary that exist."""
        for theme in Theme.objects.filter(slug__in=[rule.slug for rule in self.rules]):
            self._remember(theme)

    def read_existing(self, report: Report, parsed: records.Report) -> None:
        """Read the rows this report's load may match: its people, and its edition's rows."""
        slugs = {
            slugify(person.name) or "speaker"
            for session in parsed.sessions
            for person in [*session.people, *(talk.speaker for talk in session.talks)]
        }
        speakers = {speaker.id: speaker for speaker in Speaker.objects.filter(slug__in=slugs)}
        for speaker in speakers.values():
            self._remember(speaker)
        if getattr(report, "_created_by_load", False):
            return  # a new edition: none of its rows exist yet
        sessions = {session.id: session for session in Session.objects.filter(report=report)}
        parents = {"report": {report.id: report}, "session": sessions, "speaker": speakers}
        for session in sessions.values():
            session.report = report
            self._remember(session, parents)
        talks = {talk.id: talk for talk in Talk.objects.filter(session__report=report)}
        parents["talk"] = talks
        for rows in (
            talks.values(),
            SessionRole.objects.filter(session__report=report),
            KeyMessage.objects.filter(session__report=report),
            Recommendation.objects.filter(session__report=report),
        ):
            for row in rows:
                self._remember(row, parents)

    def _remember(self, row: models.Model, parents: dict | None = None) -> None:
        """File a row read from the database under the lookup that names it."""
        lookup = {}
        for name in LOOKUPS[type(row)]:
            field = row._meta.get_field(name)
            if not field.is_relation:
                lookup[name] = getattr(row, name)
                continue
            target = getattr(row, field.attname)
            # A row pointing to one this load does not hold (a speaker the report no longer names)
            # cannot be what any of its lookups names.
            parent = None if target is None else parents[name].get(target, ("unknown", target))
            lookup[name] = parent
        self.rows[type(row)][self._lookup_key(lookup)] = row

    def flush(self) -> None:
        """Write the queued new rows, model by model in BULK_ORDER, with their history records."""
        for model in BULK_ORDER:
            created, self.pending[model] = self.pending[model], []
            if not created:
                continue
            bulk_create_with_history(created, model, default_change_reason=self.reason)
            if model in INDEXED:
                reindex([(INDEXED[model], row.pk) for row in created])

    def prune(self, queryset, keep_ids: set[int]) -> None:
        """Delete the rows the report no longer has, except edited ones (and rows holding edited ones)."""
        keep_ids = {pk for pk in keep_ids if pk is not None}  # rows still pending cannot be stale
        stale = queryset.exclude(id__in=keep_ids)
        edited = Q(edited_at__isnull=False)
        for relation in EDITED_CHILDREN.get(queryset.model, ()):
            edited |= Q(**{f"{relation}__edited_at__isnull": False})
        kept_ids = set(stale.filter(edited).values_list("id", flat=True))
        if kept_ids:
            self.summary.note(queryset.model._meta.verbose_name_plural, KEPT, len(kept_ids))
        stale_ids = [pk for pk in stale.values_list("id", flat=True) if pk not in kept_ids]
        if stale_ids:
            self.flush()
            if queryset.model in (Talk, KeyMessage, Recommendation):
                content_type = ContentType.objects.get_for_model(queryset.model)
                ThemedItem.objects.filter(content_type=content_type, object_id__in=stale_ids).delete()
            queryset.model.objects.filter(id__in=stale_ids).delete()
            self.summary.note(queryset.model._meta.verbose_name_plural, "deleted", len(stale_ids))

    def load(self, parsed: records.Report, *, filename: str, sha256: str):
        self.read_themes()
        theme_by_slug = self.load_themes()
        report_key = editing.report_key(parsed.series, parsed.number)
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
            report_key,
        )
        if report is None:
            self.flush()  # the themes
            return None, self.summary
        self.read_existing(report, parsed)
        sessions = []
        for order, parsed_session in enumerate(parsed.sessions, start=1):
            session = self.load_session(report, report_key, order, parsed_session)
            if session is not None:
                sessions.append(session)
        self.flush()  # before the speakers' prune: it looks for speakers without roles or talks
        self.prune(Session.objects.filter(report=report), {session.id for session in sessions})
        self.prune(Speaker.objects.filter(roles=None, talks=None), set())
        # The search documents now, not when the ingestion ends: themes are not indexed, and meanwhile the
        # reader's child can finish matching the rule themes (pipeline.rule_matches_in_child).
        index_collected()
        self.apply_themes(theme_by_slug)
        return report, self.summary

    def store_file(self, report: Report, content: bytes, sha256: str) -> None:
        """Keep the PDF the report was read from (its "p. N" links open it), when it is new or changed."""
        if ReportFile.objects.filter(report=report, sha256=sha256).exists():
            self.summary.note("report files", "unchanged")
            return
        _, created = ReportFile.objects.update_or_create(report=report, defaults={"sha256": sha256, "content": content})
        self.summary.note("report files", "created" if created else "updated")

    def load_themes(self) -> dict[str, Theme]:
        themes = {}
        for order, rule in enumerate(self.rules, start=1):
            theme = self.upsert(
                Theme,
                {"slug": rule.slug},
                {
                    "name": rule.name,
                    "group": rule.group,
                    "description": rule.description,
                    "patterns": list(rule.patterns),
                    "order": order,
                },
                rule.slug,
            )
            if theme is not None:
                themes[rule.slug] = theme
        return themes

    def speaker(self, person: records.Person) -> Speaker | None:
        slug = slugify(person.name) or "speaker"
        if slug in self.speakers:  # named again (a talk heading, another session): counted once
            return self.speakers[slug]
        self.speakers[slug] = found = self._speaker(slug, person)
        return found

    def _speaker(self, slug: str, person: records.Person) -> Speaker | None:
        if self.deleted_by_editor(Speaker, slug):
            return None
        existing = self.rows[Speaker].get(self._lookup_key({"slug": slug}))
        if existing and (not person.affiliation or (existing.affiliation and existing.affiliation != person.affiliation)):
            # A talk heading names someone listed elsewhere, or an earlier listing (another session,
            # another report) gave the details: keep them; each listing keeps its own SessionRole text.
            self.summary.note(Speaker._meta.verbose_name_plural, "unchanged")
            return existing
        return self.upsert(
            Speaker,
            {"slug": slug},
            {
                "name": person.name,
                "position": person.position,
                "organisation": person.organisation,
                "organisation_inferred": person.organisation_inferred,
                "country": person.country,
                "country_inferred": person.country_inferred,
                "affiliation": person.affiliation,
            },
            slug,
        )

    def load_session(self, report: Report, report_key: str, order: int, parsed: records.Session) -> Session | None:
        key = editing.session_key(report_key, parsed.number)
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
            key,
        )
        if session is None:
            return None
        role_ids = set()
        for position, person in enumerate(parsed.people, start=1):
            speaker = self.speaker(person)
            if speaker is None:
                continue
            role = self.upsert(
                SessionRole,
                {"speaker": speaker, "session": session, "role": person.role},
                {"affiliation": person.affiliation, "order": position},
                editing.role_key(key, speaker.slug, person.role),
            )
            if role is not None:
                role_ids.add(role.id)
        if session.pk is not None:  # a new session has no rows to prune
            self.prune(SessionRole.objects.filter(session=session), role_ids)

        talk_ids, message_ids = set(), set()
        for position, parsed_talk in enumerate(parsed.talks, start=1):
            speaker = self.speaker(parsed_talk.speaker)
            if speaker is None:
                continue  # an editor deleted the speaker: their talk cannot come back either
            talk = self.upsert(
                Talk,
                {"session": session, "order": position},
                {
                    "speaker": speaker,
                    "title": parsed_talk.title,
                    "topic": parsed_talk.topic,
                    "paragraphs": parsed_talk.paragraphs,
                    "page": parsed_talk.page,
                    "boxes": parsed_talk.boxes,
                },
                editing.talk_key(key, position),
            )
            if talk is None:
                continue
            talk_ids.add(talk.id)
            self.tag_targets.append((talk, _talk_texts(parsed_talk)))
            message_ids |= self.load_messages(session, key, talk, position, parsed_talk.key_messages)
        message_ids |= self.load_messages(session, key, None, None, parsed.key_messages)
        if session.pk is not None:
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
                    "boxes": parsed_recommendation.boxes,
                },
                editing.recommendation_key(key, position),
            )
            if recommendation is None:
                continue
            recommendation_ids.add(recommendation.id)
            self.tag_targets.append((recommendation, _item_texts(parsed_recommendation)))
        if session.pk is not None:
            self.prune(Recommendation.objects.filter(session=session), recommendation_ids)
        return session

    def load_messages(
        self,
        session: Session,
        session_key: str,
        talk: Talk | None,
        talk_order: int | None,
        messages: list[records.KeyMessage],
    ) -> set[int]:
        ids = set()
        for position, parsed in enumerate(messages, start=1):
            message = self.upsert(
                KeyMessage,
                {"session": session, "talk": talk, "order": position},
                {
                    "kind": parsed.kind,
                    "group": parsed.group,
                    "text": parsed.text,
                    "page": parsed.page,
                    "boxes": parsed.boxes,
                },
                editing.message_key(session_key, talk_order, position),
            )
            if message is None:
                continue
            ids.add(message.id)
            self.tag_targets.append((message, _item_texts(parsed)))
        return ids

    def apply_themes(self, themes: dict[str, Theme]) -> None:
        """Add the rule tags each item should have and drop stale rule tags; editors' tags stay.

        An item whose themes an editor changed ("themes" in its edited_fields) keeps exactly the
        themes it has: the rules neither add nor remove any (a rule theme the editor removed stays
        removed); the tags the rules would have changed are counted as kept.
        """
        content_types = ContentType.objects.get_for_models(Talk, KeyMessage, Recommendation)
        wanted: set[tuple[int, int, int]] = set()
        frozen: set[tuple[int, int]] = set()
        known = self.rule_matches() if self.rule_matches and self.tag_targets else {}
        for item, texts in self.tag_targets:
            content_type = content_types[type(item)]
            if "themes" in item.edited_fields:
                frozen.add((content_type.id, item.id))
            slugs = known.get(matched_text(*texts))
            for slug in matching_slugs(self.rules, *texts) if slugs is None else slugs:
                if slug in themes:  # not a theme an editor deleted
                    wanted.add((content_type.id, item.id, themes[slug].id))
        targets = {(content_types[type(item)].id, item.id) for item, _ in self.tag_targets}
        existing = {
            (row.content_type_id, row.object_id, row.tag_id): row
            for row in ThemedItem.objects.filter(content_type__in=content_types.values())
            if (row.content_type_id, row.object_id) in targets
        }
        missing = sorted(wanted - existing.keys())
        stale = [key for key, row in existing.items() if row.by_rule and key not in wanted]
        held = [key for key in [*missing, *stale] if key[:2] in frozen]
        missing = [key for key in missing if key[:2] not in frozen]
        stale = [existing[key].id for key in stale if key[:2] not in frozen]
        ThemedItem.objects.bulk_create(
            [ThemedItem(content_type_id=ct, object_id=obj, tag_id=tag, by_rule=True) for ct, obj, tag in missing]
        )
        ThemedItem.objects.filter(id__in=stale).delete()
        self.summary.note("themed items", "created", len(missing))
        self.summary.note("themed items", "deleted", len(stale))
        self.summary.note("themed items", "unchanged", len(wanted & existing.keys()))
        if held:
            self.summary.note("themed items", KEPT, len(held))


def _same(instance: models.Model, attr: str, value) -> bool:
    """Whether a row's attribute already holds `value` (a related row compared by id, as Django compares
    rows, without fetching the one it holds)."""
    if isinstance(value, models.Model):
        field = instance._meta.get_field(attr)
        return value.pk is not None and getattr(instance, field.attname) == value.pk
    return getattr(instance, attr) == value
