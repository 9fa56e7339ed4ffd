"""The search index's facet values per document (SearchFacets), as strings; replaced by migration 0008.

This migration used to fill the table by reindexing every item. Migration 0008 replaces the
table and reindexes, and the index code now writes 0008's tables, so it creates the table only.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_file_ingestions"),
        ("recommendations", "0005_item_boxes"),
        ("speakers", "0004_affiliation_reading"),
        ("workshop_sessions", "0005_item_boxes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchFacets",
            fields=[
                ("id", models.BigIntegerField(help_text="The SearchDocument id", primary_key=True, serialize=False)),
                ("report", models.CharField(max_length=100)),
                ("session", models.CharField(max_length=120)),
                ("kind", models.CharField(max_length=40)),
                ("speaker", models.CharField(blank=True, max_length=200)),
                ("country", models.CharField(blank=True, max_length=100)),
            ],
            options={
                "verbose_name_plural": "search facets",
            },
        ),
    ]
