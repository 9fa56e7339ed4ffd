"""Named QuerySet methods for recommendations."""

from django.db import models

from icpermed_kb.models import themes_prefetch


class RecommendationQuerySet(models.QuerySet):
    def in_report_order(self):
        return self.order_by("session__report", "session__order", "order")

    def for_listing(self):
        """Recommendations with their session joined and themes prefetched, in report order."""
        return self.select_related("session").prefetch_related(themes_prefetch()).in_report_order()

    def of_report(self, report):
        return self.filter(session__report=report)
