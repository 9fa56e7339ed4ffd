"""PostgreSQL keeps what bm25 needs: document lengths, the index's totals, lexeme counts (nothing on SQLite)."""

from django.db import migrations


def create_statistics(apps, schema_editor):
    from icpermed_kb.search import schema

    schema.create_statistics(schema_editor.connection)


def drop_statistics(apps, schema_editor):
    from icpermed_kb.search import schema

    schema.drop_statistics(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_data_version'),
    ]

    operations = [
        migrations.RunPython(create_statistics, drop_statistics),
    ]
