"""The search index's tables: one document per indexed item, its facet values, and the word list for "did you mean"."""

from django.db import models


class DocumentIdField(models.BigIntegerField):
    """A search document id: a bigint, declared `integer` on SQLite so that, as the primary key, it is the rowid.

    SQLite keeps a table whose key is `bigint PRIMARY KEY` in two b-trees, the rows by a hidden
    rowid and a unique index on the key, so every lookup by document id searches both; an
    `integer PRIMARY KEY` is the rowid itself (SQLite's integers are 64-bit either way).
    """

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class SearchDocument(models.Model):
    """One key message or recommendation as the engines index it: lexemes (see text.py) per field.

    `id` is the item's id * 2, plus 1 for a recommendation, so a hit maps back to its item without
    a join. On SQLite an FTS5 table (`core_search_fts`) indexes these rows as its external
    content, kept in step by triggers; on PostgreSQL a generated `vector` column (weighted
    tsvector) with a GIN index does. Both are created by migration 0003, outside the model.
    """

    id = DocumentIdField(primary_key=True)
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


class SearchFacetCombination(models.Model):
    """One combination of facet values that search documents share, spelled as the search filters spell them.

    The values are report slug, "2023-siena-vi", kind, speaker slug and country. A report has a
    few hundred combinations however many items it holds (100,000 generated key messages share
    76), so counting hits by facet is one GROUP BY over an integer column of the match, and the
    facet values are read for those few combinations only. A combination no document uses any
    longer stays until the next rebuild: it counts nothing.
    """

    report = models.CharField(max_length=100)
    session = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    speaker = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        app_label = "core"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "session", "kind", "speaker", "country"], name="one_search_facet_combination"
            )
        ]

    def __str__(self):
        return f"{self.report} {self.session} {self.kind} {self.speaker} {self.country}".strip()


class SearchFacets(models.Model):
    """What the search page filters and counts by, for one search document: its combination of facet values.

    Narrow (two integers), so the rows of 100,000 documents stay in the database's page cache
    and joining thousands of hits to them is cheap (the items' own rows carry their whole text).
    """

    id = DocumentIdField(primary_key=True, help_text="The SearchDocument id")
    # No index on it: the search joins by document id, and a combination is deleted only with every document (rebuild).
    combination = models.ForeignKey(SearchFacetCombination, on_delete=models.PROTECT, related_name="+", db_index=False)

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
