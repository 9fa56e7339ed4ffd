"""Reports get a slug (their part of every URL under /reports/) and keep the PDF they came from."""

from django.db import migrations, models
from django.utils.text import slugify


def give_slugs(apps, schema_editor):
    """Year and city ("2023-siena"), with the edition number when two reports would share it (as Report.free_slug)."""
    Report = apps.get_model("workshop_sessions", "Report")
    HistoricalReport = apps.get_model("workshop_sessions", "HistoricalReport")
    taken = set()
    for report in Report.objects.order_by("start_date", "id"):
        base = slugify(f"{report.start_date.year} {report.place.split(',')[0]}")[:90] or f"edition-{report.number}"
        slug = base if base not in taken else f"{base}-{report.number}"
        taken.add(slug)
        Report.objects.filter(pk=report.pk).update(slug=slug)
        HistoricalReport.objects.filter(id=report.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("workshop_sessions", "0003_long_change_reasons"),
    ]

    operations = [
        # No index until the AlterField below makes the column unique: on PostgreSQL, a SlugField's
        # index has a "_like" twin, and altering an indexed slug to unique creates that twin again
        # under the same name ("relation ..._like already exists"), so a fresh database could not migrate.
        migrations.AddField(
            model_name="report", name="slug", field=models.SlugField(max_length=100, null=True, db_index=False)
        ),
        migrations.AddField(
            model_name="historicalreport", name="slug", field=models.SlugField(max_length=100, null=True)
        ),
        migrations.RunPython(give_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="report",
            name="slug",
            field=models.SlugField(
                help_text="The report's part of its URLs, e.g. 2023-siena: fixed once given", max_length=100, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="historicalreport",
            name="slug",
            field=models.SlugField(
                db_index=True, help_text="The report's part of its URLs, e.g. 2023-siena: fixed once given", max_length=100
            ),
        ),
        migrations.CreateModel(
            name="ReportFile",
            fields=[
                (
                    "report",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="file",
                        serialize=False,
                        to="workshop_sessions.report",
                    ),
                ),
                ("sha256", models.CharField(max_length=64)),
                ("content", models.BinaryField()),
            ],
        ),
    ]
