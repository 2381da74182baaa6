"""Each target entry says which year its value is for: the cycle's year, or the year of a milestone that has
passed while its value is still missing (reports.completeness.asked_years). Existing entries are for their
cycle's year, as they always were."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

HELP = "Năm kỳ báo cáo; hoặc năm của mốc đã qua khi số liệu năm đó còn thiếu (reports.completeness)."


def cycle_years(apps, schema_editor):
    AgencyReport = apps.get_model("reports", "AgencyReport")
    year = Subquery(AgencyReport.objects.filter(pk=OuterRef("report_id")).values("cycle__year")[:1])
    for name in ("TargetEntry", "HistoricalTargetEntry"):
        apps.get_model("reports", name).objects.filter(value_year=None).update(value_year=year)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_build_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaltargetentry",
            name="value_year",
            field=models.PositiveSmallIntegerField(help_text=HELP, null=True, verbose_name="năm của số liệu"),
        ),
        migrations.AddField(
            model_name="targetentry",
            name="value_year",
            field=models.PositiveSmallIntegerField(help_text=HELP, null=True, verbose_name="năm của số liệu"),
        ),
        migrations.RunPython(cycle_years, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicaltargetentry",
            name="value_year",
            field=models.PositiveSmallIntegerField(help_text=HELP, verbose_name="năm của số liệu"),
        ),
        migrations.AlterField(
            model_name="targetentry",
            name="value_year",
            field=models.PositiveSmallIntegerField(help_text=HELP, verbose_name="năm của số liệu"),
        ),
        migrations.AlterField(
            model_name="historicaltargetentry",
            name="value",
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="giá trị"),
        ),
        migrations.AlterField(
            model_name="targetentry",
            name="value",
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="giá trị"),
        ),
    ]
