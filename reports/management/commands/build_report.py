"""`manage.py build_report --plan SLUG --year YYYY`: build a new version of the consolidated report
in the foreground and print the names of its three files in the storage."""

from django.core.management.base import BaseCommand, CommandError

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from tasks.models import Plan


class Command(BaseCommand):
    help = "Dựng báo cáo tổng hợp (PDF, Excel, Word) ngay, không qua hàng đợi, rồi in đường dẫn các tệp."

    def add_arguments(self, parser):
        parser.add_argument("--plan", default="binh-son-ctdt-2021-2030")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, **options):
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch “{options['plan']}”.")
        last = plan.reporting_years()[-1]  # a year still to come has nothing to report
        if not plan.period_start <= options["year"] <= last:
            raise CommandError(f"Năm phải từ {plan.period_start} đến {last}: năm sau chưa có gì để tổng hợp.")
        report = build_consolidated_report(ConsolidatedReport.request(plan, options["year"]).pk)
        for field in (report.pdf, report.xlsx, report.docx):
            self.stdout.write(field.name)  # its name in the storage (under MEDIA_ROOT, or in the bucket)
