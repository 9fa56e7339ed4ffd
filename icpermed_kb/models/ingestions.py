"""What the last ingestion of each file saw, so that the same file with nothing changed is not parsed again."""

from django.db import models


class FileIngestion(models.Model):
    """The last completed ingestion of one file (by its sha256): its name, its inputs and the data version it left.

    The ingestion of a file depends on the file, on the theme vocabulary and the ingestion code
    (`inputs`, a digest of both), and on the database: the rows it compares against, editors'
    marks, deleted items. Every write to those changes the data version (models/data_version.py),
    so while the token is still the one this ingestion left, loading the same file again would
    change nothing: the pipeline answers "nothing changed" without reading it.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=300)
    inputs = models.CharField(max_length=64, help_text="sha256 of the theme vocabulary and the ingestion code")
    data_version = models.CharField(max_length=32, help_text="the data version's token right after the ingestion")
    ingested_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "core"

    def __str__(self):
        return f"{self.filename} ({self.sha256[:12]}…), ingested {self.ingested_at:%Y-%m-%d %H:%M:%S}"
