"""The search index's facet values per document (SearchFacets), filled by reindexing every item."""

from django.db import migrations, models


def build_index(apps, schema_editor):
    from icpermed_kb.search.index import Models, rebuild

    rebuild(using=schema_editor.connection.alias, models=Models.historical(apps))


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
        migrations.RunPython(build_index, migrations.RunPython.noop),
    ]
