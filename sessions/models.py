"""Report, Session, Talk and KeyMessage, with the QuerySets the views read through."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from icpermed_kb.editing import EDIT_MARKS, Editable
from icpermed_kb.models import ThemedItem

from .querysets import KeyMessageQuerySet, ReportQuerySet, SessionQuerySet, TalkQuerySet


class Report(Editable):
    """One ingested workshop report; identified by its series and number."""

    title = models.CharField(max_length=300)
    series = models.CharField(max_length=200)
    number = models.PositiveIntegerField()
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
        return f"{self.number}th {self.series}: {self.title}"


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
        return reverse("session-detail", args=[self.number.lower()])


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
        return reverse("talk-detail", args=[self.pk])


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
        return self.text[:80]

    @property
    def anchor(self) -> str:
        return f"km-{self.pk}"

    def get_absolute_url(self):
        """The statement's permalink: its anchor on the talk page, or on the session page for panel items."""
        page = reverse("talk-detail", args=[self.talk_id]) if self.talk_id else reverse(
            "session-detail", args=[self.session.number.lower()]
        )
        return f"{page}#{self.anchor}"
