"""Named QuerySet methods the public pages read through, so each page costs a fixed number of queries."""

from django.db import models
from django.db.models import Count, F, Prefetch

from icpermed_kb.models import themes_prefetch


class ReportQuerySet(models.QuerySet):
    def current(self):
        """The report the site presents: the most recent edition (None before ingestion)."""
        return self.order_by("-start_date", "-id").first()


class SessionQuerySet(models.QuerySet):
    def in_report_order(self):
        return self.order_by("report", "order")

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

        from .models import KeyMessage, Talk

        return self.select_related("report").prefetch_related(
            Prefetch("roles", queryset=SessionRole.objects.select_related("speaker").order_by("order")),
            Prefetch("talks", queryset=Talk.objects.for_display().order_by("order")),
            Prefetch(
                "talks__key_messages", queryset=KeyMessage.objects.prefetch_related(themes_prefetch()).order_by("order")
            ),
            Prefetch(
                "key_messages",
                queryset=KeyMessage.objects.filter(talk=None).prefetch_related(themes_prefetch()).order_by("order"),
                to_attr="panel_items",
            ),
            Prefetch("recommendations", queryset=Recommendation.objects.prefetch_related(themes_prefetch()).order_by("order")),
        )


class TalkQuerySet(models.QuerySet):
    def for_display(self):
        """Talks with their session and speaker joined and their themes prefetched."""
        return self.select_related("session", "speaker").prefetch_related(themes_prefetch())

    def in_report_order(self):
        return self.order_by("session__report", "session__order", "order")


class KeyMessageQuerySet(models.QuerySet):
    def in_report_order(self):
        """Session by session: the talks' messages, then the panel discussion (which has no talk)."""
        return self.order_by("session__report", "session__order", F("talk__order").asc(nulls_last=True), "order")

    def for_listing(self):
        """Key messages with session, talk and speaker joined and themes prefetched, in report order."""
        return self.select_related("session", "talk__speaker").prefetch_related(themes_prefetch()).in_report_order()

    def of_report(self, report):
        return self.filter(session__report=report)

    def credited_to(self, speaker):
        """The key messages of the talks a speaker gave."""
        return self.filter(talk__speaker=speaker)
