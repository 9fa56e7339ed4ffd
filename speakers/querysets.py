"""Named QuerySet methods for speakers."""

from django.db import models
from django.db.models import Count, Prefetch


class SpeakerQuerySet(models.QuerySet):
    def for_listing(self):
        """Speakers with their session roles (and each role's session) prefetched, by name."""
        from .models import SessionRole

        return self.prefetch_related(
            Prefetch("roles", queryset=SessionRole.objects.select_related("session").order_by("session__order", "order"))
        ).order_by("name")

    def with_talk_counts(self):
        return self.annotate(talk_count=Count("talks", distinct=True))

    def in_report(self, report):
        """People listed in, or speaking at, a session of this report."""
        return self.filter(models.Q(roles__session__report=report) | models.Q(talks__session__report=report)).distinct()
