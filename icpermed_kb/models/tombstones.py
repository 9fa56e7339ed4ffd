"""Items editors deleted, remembered by natural key so ingestion never brings them back."""

from django.conf import settings
from django.db import models


class Tombstone(models.Model):
    """An item an editor deleted, by natural key: ingestion never brings it back.

    Deleting the tombstone (admin, "Deleted items") lets the next ingestion restore the item.
    """

    model = models.CharField(max_length=100, help_text="app_label.model of the deleted item")
    key = models.CharField(max_length=500, help_text="Natural key: edition / chapter / position")
    description = models.CharField(max_length=300, blank=True, help_text="The item as it was shown")
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "deleted item"
        ordering = ["-deleted_at"]
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="one_tombstone_per_item")]

    def __str__(self):
        return self.description or self.key
