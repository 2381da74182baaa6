"""'Gửi muộn' means a FIRST submission after the due date: a report sent on time, sent back and sent again
after the due date was marked late before; its mark is recomputed (and the change kept in its history)."""

import zoneinfo

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def recompute_lateness(apps, schema_editor):
    AgencyReport = apps.get_model("reports", "AgencyReport")
    Historical = apps.get_model("reports", "HistoricalAgencyReport")
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    copied = [f.attname for f in AgencyReport._meta.concrete_fields if f.attname not in ("version", "updated_at")]
    for report in AgencyReport.objects.filter(is_late=True).select_related("cycle"):
        first = report.first_submitted_at
        if first is None or first.astimezone(local).date() <= (report.due_on or report.cycle.due_on):
            report.is_late = False
            AgencyReport.objects.filter(pk=report.pk).update(is_late=False)
            Historical.objects.create(
                **{name: getattr(report, name) for name in copied},
                history_date=timezone.now(), history_type="~",
                history_change_reason="Gửi muộn chỉ tính lần gửi đầu tiên sau hạn.",
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_report_due_on"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agencyreport",
            name="is_late",
            field=models.BooleanField(
                default=False,
                help_text="Gửi lần đầu sau hạn báo cáo (gửi lại sau khi bị trả lại không tính).",
                verbose_name="gửi muộn",
            ),
        ),
        migrations.AlterField(
            model_name="historicalagencyreport",
            name="is_late",
            field=models.BooleanField(
                default=False,
                help_text="Gửi lần đầu sau hạn báo cáo (gửi lại sau khi bị trả lại không tính).",
                verbose_name="gửi muộn",
            ),
        ),
        migrations.RunPython(recompute_lateness, migrations.RunPython.noop),
    ]
