"""The search index's tables: one document per indexed item, its facet values, and the word list for "did you mean"."""

from django.db import models


class SearchDocument(models.Model):
    """One key message or recommendation as the engines index it: lexemes (see text.py) per field.

    `id` is the item's id * 2, plus 1 for a recommendation, so a hit maps back to its item without
    a join. On SQLite an FTS5 table (`core_search_fts`) indexes these rows as its external
    content, kept in step by triggers; on PostgreSQL a generated `vector` column (weighted
    tsvector) with a GIN index does. Both are created by migration 0003, outside the model.
    """

    id = models.BigIntegerField(primary_key=True)
    body = models.TextField(help_text="The item's own text")
    heading = models.TextField(blank=True, help_text="Group label or recommendation lead-in")
    title = models.TextField(blank=True, help_text="Talk title")
    people = models.TextField(blank=True, help_text="Speaker name")
    session = models.TextField(blank=True, help_text="Session title")
    words = models.TextField(blank=True, help_text="Folded words, for the word list")

    class Meta:
        app_label = "core"

    def __str__(self):
        return f"search document {self.id}"


class SearchFacets(models.Model):
    """What the search page filters and counts by, for one search document: a narrow row of its facet values.

    The values are spelled as the search filters spell them (report slug, "2023-siena-vi", kind,
    speaker slug, country), so counting hits by facet is one GROUP BY over the match, with no join
    to the items and no mapping afterwards; narrow, so the rows of 100,000 documents stay in the
    database's page cache (the items' own rows carry their whole text).
    """

    id = models.BigIntegerField(primary_key=True, help_text="The SearchDocument id")
    report = models.CharField(max_length=100)
    session = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    speaker = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        app_label = "core"
        verbose_name_plural = "search facets"

    def __str__(self):
        return f"search facets {self.id}"


class SearchWord(models.Model):
    """A folded word of the indexed text and the number of documents that contain it."""

    word = models.CharField(max_length=64, primary_key=True)
    documents = models.IntegerField()

    class Meta:
        app_label = "core"

    def __str__(self):
        return self.word
