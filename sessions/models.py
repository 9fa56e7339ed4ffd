"""Report, Session, Talk and KeyMessage, with the QuerySets the views read through."""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from icpermed_kb import links
from icpermed_kb.models import ThemedItem, ThemedQuerySet
from icpermed_kb.models.editable import EDIT_MARKS, Editable, shorten
from icpermed_kb.models.ordering import NEWEST_REPORT_FIRST


def ordinal(number: int) -> str:
    """A number as an English ordinal: 1st, 2nd, 5th, 11th, 21st, 112th."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class ReportQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-start_date", "-number", "-id")

    def legacy(self):
        """The report the site's first URLs (/sessions/…, /report.pdf) mean: settings.LEGACY_REPORT_SLUG.

        Those URLs were published while the knowledge base held one report; they keep meaning it
        whatever is ingested later (None when it is not loaded).
        """
        return self.filter(slug=settings.LEGACY_REPORT_SLUG).first()

    def with_counts(self):
        """Each report with its numbers of sessions, talks, key messages, recommendations and people (one query)."""
        from recommendations.models import Recommendation
        from speakers.models import SessionRole

        report = OuterRef("pk")

        def count(queryset, group: str, counted: str = "id"):
            # A correlated subquery per count: joining all four tables would multiply the rows.
            rows = queryset.order_by().values(group).annotate(n=Count(counted, distinct=True)).values("n")
            return Coalesce(Subquery(rows[:1]), 0)

        return self.annotate(
            session_count=count(Session.objects.filter(report=report), "report"),
            talk_count=count(Talk.objects.filter(session__report=report), "session__report"),
            message_count=count(KeyMessage.objects.filter(session__report=report), "session__report"),
            recommendation_count=count(Recommendation.objects.filter(session__report=report), "session__report"),
            people_count=count(SessionRole.objects.filter(session__report=report), "session__report", "speaker"),
        )


class SessionQuerySet(models.QuerySet):
    def in_report_order(self):
        """Reports newest first, each report's sessions in printed order."""
        return self.order_by("-report__start_date", "-report__number", "order")

    def with_counts(self):
        """Each session with its number of talks and of key messages (talks' and panel's)."""
        return self.annotate(
            talk_count=Count("talks", distinct=True),
            message_count=Count("key_messages", distinct=True),
        )

    def of_report(self, report):
        return self.filter(report=report)

    def by_number(self, number: str):
        """Sessions whose printed Roman numeral matches `number`, in any case."""
        return self.filter(number__iexact=number)

    def with_programme(self):
        """Everything a session page shows: people, talks, key messages and recommendations, prefetched."""
        from recommendations.models import Recommendation
        from speakers.models import SessionRole

        return self.select_related("report").prefetch_related(
            Prefetch("roles", queryset=SessionRole.objects.select_related("speaker").order_by("order")),
            Prefetch("talks", queryset=Talk.objects.for_display().order_by("order")),
            Prefetch(
                "talks__key_messages", queryset=KeyMessage.objects.with_themes().order_by("order")
            ),
            Prefetch(
                "key_messages",
                queryset=KeyMessage.objects.filter(talk=None).with_themes().order_by("order"),
                to_attr="panel_items",
            ),
            Prefetch("recommendations", queryset=Recommendation.objects.with_themes().order_by("order")),
        )


class TalkQuerySet(ThemedQuerySet):
    def of_report(self, report):
        return self.filter(session__report=report)

    def for_display(self):
        """Talks with their session and speaker joined and their themes prefetched."""
        return self.select_related("session__report", "speaker").with_themes()

    def in_report_order(self):
        return self.order_by(*NEWEST_REPORT_FIRST, "session__order", "order")


# The JSON columns no list or search result shows, left unread by for_listing(): decoded for every row
# otherwise, and a session's or talk's introduction again for each of its items (a join repeats it per row).
# An item's own and its session's (recommendations/models.py reads it too), then a key message's talk's.
ITEM_AND_SESSION_UNLISTED = (
    "boxes", "edited_fields", "session__paragraphs", "session__edited_fields", "session__report__edited_fields",
)  # fmt: skip
KEY_MESSAGE_UNLISTED = (
    *ITEM_AND_SESSION_UNLISTED, "talk__paragraphs", "talk__boxes", "talk__edited_fields", "talk__speaker__edited_fields",
)  # fmt: skip


class KeyMessageQuerySet(ThemedQuerySet):
    def in_report_order(self):
        """Session by session: the talks' messages, then the panel discussion (which has no talk)."""
        return self.order_by(*NEWEST_REPORT_FIRST, "session__order", F("talk__order").asc(nulls_last=True), "order")

    def for_listing(self):
        """Key messages with session, talk and speaker joined and themes prefetched, in report order."""
        return (
            self.select_related("session__report", "talk__speaker")
            .defer(*KEY_MESSAGE_UNLISTED)
            .with_themes()
            .in_report_order()
        )

    def of_report(self, report):
        return self.filter(session__report=report)

    def credited_to(self, speaker):
        """The key messages of the talks a speaker gave."""
        return self.filter(talk__speaker=speaker)


class Report(Editable):
    """One ingested workshop report; identified by its series and number."""

    title = models.CharField(max_length=300)
    series = models.CharField(max_length=200)
    number = models.PositiveIntegerField()
    slug = models.SlugField(
        max_length=100, unique=True, help_text="The report's part of its URLs, e.g. 2023-siena: fixed once given"
    )
    place = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    source_filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField()
    ingested_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=EDIT_MARKS)

    class Meta:
        ordering = ["-start_date"]
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="one_report_per_edition")]

    def __str__(self):
        return f"{self.edition} {self.series}: {self.title}"

    def save(self, *args, **kwargs):
        if not self.slug:  # given once, when the report is first saved: its URLs never change
            self.slug = self.free_slug()
        super().save(*args, **kwargs)

    def free_slug(self) -> str:
        """Year and city of the workshop ("2023-siena"), with the edition number if that is taken."""
        base = slugify(f"{self.start_date.year} {self.place.split(',')[0]}")[:90] or f"edition-{self.number}"
        taken = set(Report.objects.exclude(pk=self.pk).filter(slug__startswith=base).values_list("slug", flat=True))
        return base if base not in taken else f"{base}-{self.number}"

    @property
    def edition(self) -> str:
        """The edition number as an English ordinal: 1st, 2nd, 5th, 11th, 21st."""
        return ordinal(self.number)

    def stored_pdf_sha256(self) -> str | None:
        """The SHA-256 of the PDF stored for this report (None if none is), without reading the file itself."""
        return ReportFile.objects.filter(report_id=self.pk).values_list("sha256", flat=True).first()

    def get_absolute_url(self):
        return links.reverse("report-detail", self.slug)

    def statements(self) -> list[tuple[str, int]]:
        """Every statement of the report as ("key_message" | "recommendation", id) in printed order:
        session by session, its talks' key messages, its panel discussion, then its recommendations."""
        from recommendations.models import Recommendation

        last = 1 << 30  # a panel item (no talk) comes after every talk of its session
        messages = KeyMessage.objects.of_report(self).values_list("id", "session__order", "talk__order", "order")
        recommendations = Recommendation.objects.of_report(self).values_list("id", "session__order", "order")
        keyed = [((session, 0, last if talk is None else talk, order), ("key_message", pk)) for pk, session, talk, order in messages]
        keyed += [((session, 1, 0, order), ("recommendation", pk)) for pk, session, order in recommendations]
        return [statement for _, statement in sorted(keyed)]

    def themed_items(self) -> list[models.QuerySet]:
        """The report's talks, key messages and recommendations: everything a theme can tag."""
        from recommendations.models import Recommendation

        return [Talk.objects.of_report(self), KeyMessage.objects.of_report(self), Recommendation.objects.of_report(self)]


class ReportFile(models.Model):
    """The PDF a report was ingested from, in the database so that every server can serve it."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, primary_key=True, related_name="file")
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    def __str__(self):
        return f"PDF of {self.report}"


class Session(Editable):
    """One chapter of the report, I–IX."""

    KINDS = [
        ("summary", "Executive summary"),
        ("agenda", "Agenda"),
        ("opening", "Opening"),
        ("keynotes", "Keynote lectures"),
        ("panel_session", "Panel session"),
        ("recognition", "Recognition"),
        ("conclusion", "Conclusion"),
        ("other", "Other"),
    ]

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sessions")
    number = models.CharField(max_length=8, help_text="Roman numeral as printed")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=KINDS)
    order = models.PositiveIntegerField()
    aim = models.TextField(blank=True)
    paragraphs = models.JSONField(default=list, blank=True)
    page = models.PositiveIntegerField()

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=EDIT_MARKS)

    class Meta:
        ordering = ["report", "order"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_session_per_number")]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        """The session's page under its report (needs `report` loaded: select_related it)."""
        return links.reverse("session-detail", self.report.slug, self.number.lower())

    @property
    def facet_value(self) -> str:
        """The session as a filter value: its report and numeral, e.g. "2023-siena-vi"."""
        return f"{self.report.slug}-{self.number.lower()}"


class Talk(Editable):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="talks")
    speaker = models.ForeignKey("speakers.Speaker", on_delete=models.PROTECT, related_name="talks")
    title = models.CharField(max_length=500, blank=True)
    topic = models.TextField(blank=True, help_text="Overarching topic")
    paragraphs = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField()
    page = models.PositiveIntegerField()
    # Where the item is printed: [{"page", "x0", "y0", "x1", "y1"}, …] in PDF points (origin top left),
    # one region per page column; written by the ingestion, not edited (so not in the history either).
    boxes = models.JSONField(default=list, blank=True, editable=False)
    themes = TaggableManager(through=ThemedItem, blank=True)

    objects = TalkQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[*EDIT_MARKS, "boxes"], history_change_reason_field=models.TextField(null=True)
    )

    class Meta:
        ordering = ["session", "order"]
        constraints = [models.UniqueConstraint(fields=["session", "order"], name="one_talk_per_position")]

    def __str__(self):
        return f"{self.speaker}: {self.title or 'talk'}"

    def get_absolute_url(self):
        return links.reverse("talk-detail", self.pk)


class KeyMessage(Editable):
    """A key message of a talk, or a panel-discussion item of a session (talk empty)."""

    KINDS = [
        ("presentation", "Presentation"),
        ("discussion", "Discussion"),
        ("overall", "Overall"),
        ("main_point", "Main point"),
        ("panel", "Panel discussion"),
    ]

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="key_messages")
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, null=True, blank=True, related_name="key_messages")
    kind = models.CharField(max_length=20, choices=KINDS)
    group = models.CharField(max_length=300, blank=True, help_text="Group label as printed")
    text = models.TextField()
    order = models.PositiveIntegerField()
    page = models.PositiveIntegerField()
    # Where the item is printed: [{"page", "x0", "y0", "x1", "y1"}, …] in PDF points (origin top left),
    # one region per page column; written by the ingestion, not edited (so not in the history either).
    boxes = models.JSONField(default=list, blank=True, editable=False)
    themes = TaggableManager(through=ThemedItem, blank=True)

    objects = KeyMessageQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[*EDIT_MARKS, "boxes"], history_change_reason_field=models.TextField(null=True)
    )

    class Meta:
        ordering = ["session", "talk__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "talk", "order"], name="one_message_per_position"),
            models.UniqueConstraint(
                fields=["session", "order"], condition=models.Q(talk=None), name="one_panel_item_per_position"
            ),
        ]

    def __str__(self):
        return shorten(self.text)

    @property
    def anchor(self) -> str:
        return f"km-{self.pk}"

    def get_absolute_url(self):
        """The statement's own page, its permalink."""
        return links.reverse("keymessage-detail", self.pk)

    def in_context_url(self) -> str:
        """The statement where it is printed: its anchor on the talk page, or on the session page for panel items."""
        page = links.reverse("talk-detail", self.talk_id) if self.talk_id else self.session.get_absolute_url()
        return f"{page}#{self.anchor}"
