"""The search facets as combinations (SearchFacetCombination) and document ids that are SQLite's rowid; reindexed."""

from django.db import migrations, models

import icpermed_kb.models.search_index


def build_index(apps, schema_editor):
    from icpermed_kb.search.index import Models, rebuild

    rebuild(using=schema_editor.connection.alias, models=Models.historical(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_search_facets"),
    ]

    operations = [
        # The facet values move to the combinations, so the old rows hold nothing to keep: the
        # rebuild below writes every document's facets again.
        migrations.DeleteModel(name="SearchFacets"),
        migrations.CreateModel(
            name="SearchFacetCombination",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("report", models.CharField(max_length=100)),
                ("session", models.CharField(max_length=120)),
                ("kind", models.CharField(max_length=40)),
                ("speaker", models.CharField(blank=True, max_length=200)),
                ("country", models.CharField(blank=True, max_length=100)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("report", "session", "kind", "speaker", "country"), name="one_search_facet_combination"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SearchFacets",
            fields=[
                (
                    "id",
                    icpermed_kb.models.search_index.DocumentIdField(
                        help_text="The SearchDocument id", primary_key=True, serialize=False
                    ),
                ),
                (
                    "combination",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="core.searchfacetcombination",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "search facets",
            },
        ),
        # On SQLite the table is rebuilt (copied, its FTS triggers dropped with the old one); the
        # rebuild below puts the triggers back and rebuilds the FTS index. On PostgreSQL the type
        # stays bigint: nothing changes.
        migrations.AlterField(
            model_name="searchdocument",
            name="id",
            field=icpermed_kb.models.search_index.DocumentIdField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(build_index, migrations.RunPython.noop),
    ]
