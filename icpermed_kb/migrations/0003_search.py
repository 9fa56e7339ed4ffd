"""The search index: SearchDocument and SearchWord, the engine's index objects, and the first build."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def create_engine_index(apps, schema_editor):
    from icpermed_kb.search import schema

    schema.create(schema_editor.connection)


def drop_engine_index(apps, schema_editor):
    from icpermed_kb.search import schema

    schema.drop(schema_editor.connection)


def build_index(apps, schema_editor):
    from icpermed_kb.search.index import Models, rebuild

    rebuild(using=schema_editor.connection.alias, models=Models.historical(apps, facets=False))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_editing_history_tombstones'),
        ('recommendations', '0003_editing_history'),
        ('speakers', '0003_editing_history'),
        ('workshop_sessions', '0002_editing_history'),
    ]

    operations = [
        TrigramExtension(),  # PostgreSQL only (a no-op elsewhere): "did you mean"
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('body', models.TextField(help_text="The item's own text")),
                ('heading', models.TextField(blank=True, help_text='Group label or recommendation lead-in')),
                ('title', models.TextField(blank=True, help_text='Talk title')),
                ('people', models.TextField(blank=True, help_text='Speaker name')),
                ('session', models.TextField(blank=True, help_text='Session title')),
                ('words', models.TextField(blank=True, help_text='Folded words, for the word list')),
            ],
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('documents', models.IntegerField()),
            ],
        ),
        migrations.RunPython(create_engine_index, drop_engine_index),
        migrations.RunPython(build_index, migrations.RunPython.noop),
    ]
