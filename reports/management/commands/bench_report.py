"""`manage.py bench_report`: build time of the consolidated report for the real plan, split into its
stages, the ratio of the whole build to WeasyPrint alone on the same HTML, and the build time for a
plan ten times the real one's size. Everything it creates is rolled back."""

import copy
import gc
import subprocess
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from reports import pdf
from reports.completeness import ensure_entries
from reports.consolidated import excel, gathering, word
from reports.consolidated import pdf as consolidated_pdf
from reports.consolidated.models import ConsolidatedReport
from reports.models import ProposalState, ReportingCycle, ReportState, TaskEntry
from targets.models import Target
from tasks.models import Assignment, Plan, Section


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Đo thời gian dựng báo cáo tổng hợp (từng bước) với kế hoạch thật và kế hoạch lớn gấp 10 lần."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2026)
        parser.add_argument("--scale", type=int, default=10)

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                self.run(options["year"], options["scale"])
                raise Rollback
        except Rollback:
            self.stdout.write("(Dữ liệu thử đã được xóa.)")

    def run(self, year, scale):
        call_command("load_plan", stdout=open("/dev/null", "w"))
        plan = Plan.objects.get(slug="binh-son-ctdt-2021-2030")
        self.fill(plan, year)
        real = self.stages(plan, year)
        big = self.enlarge(plan, scale)
        self.fill(big, year)
        large = self.stages(big, year)
        out = self.stdout.write
        out(f"Kế hoạch thật: {plan.sections.count()} mục, {plan.targets.count()} chỉ tiêu, {real['pages']} trang PDF")
        out(
            f"Kế hoạch ×{scale}: {big.sections.count()} mục, {big.targets.count()} chỉ tiêu, {large['pages']} trang PDF"
        )
        out(f"{'bước':<22}{'thật (s)':>10}{f'×{scale} (s)':>12}{'tỷ lệ':>8}")
        for stage in ("gather", "render HTML", "WeasyPrint", "Excel", "Word", "gc", "total"):
            label = "gc (dọn bộ nhớ)" if stage == "gc" else stage
            out(f"{label:<22}{real[stage]:>10.2f}{large[stage]:>12.2f}{large[stage] / max(real[stage], 1e-6):>8.1f}")
        out(
            f"Cả quá trình / riêng WeasyPrint trên cùng HTML: {real['total'] / real['WeasyPrint']:.2f} (thật), "
            f"{large['total'] / large['WeasyPrint']:.2f} (×{scale})"
        )
        out(f"Thời gian dựng ×{scale} / thật: {large['total'] / real['total']:.1f} (tuyến tính: ≤ {scale})")

    def stages(self, plan, year):
        report = ConsolidatedReport.request(plan, year)
        timings = {"gc": 0.0}
        pause = {}

        def on_collection(phase, info):
            # Python's collector runs whenever allocations cross a threshold, and a full collection walks
            # every object alive, garbage of earlier steps included: its pauses get their own line, or
            # the step they fall in pays for the others (the ×10 PDF's garbage made Excel look 25× slower).
            if phase == "start":
                pause["start"] = time.perf_counter()
            else:
                timings["gc"] += time.perf_counter() - pause["start"]

        def timed(stage, step):
            mark, collecting = time.perf_counter(), timings["gc"]
            result = step()
            timings[stage] = time.perf_counter() - mark - (timings["gc"] - collecting)
            return result

        pdf.render_pdf("<p>khởi động</p>")  # WeasyPrint's one-off import and font loading, outside the figures
        gc.collect()  # the garbage of filling the plan, outside the figures
        gc.callbacks.append(on_collection)
        start = time.perf_counter()
        try:
            data = timed("gather", lambda: gathering.gather(report))
            html = timed("render HTML", lambda: consolidated_pdf.consolidated_html(data))
            document = timed("WeasyPrint", lambda: pdf.render_pdf(html))
            timed("Excel", lambda: excel.consolidated_workbook(data))
            timed("Word", lambda: word.consolidated_docx(data))
        finally:
            gc.callbacks.remove(on_collection)
        timings["total"] = time.perf_counter() - start
        timings["pages"] = self.pages(document)
        return timings

    @staticmethod
    def pages(document: bytes) -> str:
        info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=False).stdout.decode()
        return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")

    def fill(self, plan, year):
        """Every expected agency submits a full report; half are approved."""
        cycle = ReportingCycle.open(plan, year)
        for n, report in enumerate(cycle.reports.all()):
            ensure_entries(report)
            TaskEntry.objects.filter(report=report).update(
                status="in_progress",
                results="Đã triển khai các nội dung theo kế hoạch; kết quả cụ thể như sau. " * 4,
                shortcomings="Nguồn lực còn hạn chế. " * 2,
                next_steps="Tiếp tục triển khai. " * 2,
                budget_used=125_000_000,
            )
            report.target_entries.update(value=50, qualitative_status="progressing", note="Số liệu thử.")
            report.proposals.create(text="Đề nghị bố trí thêm kinh phí thực hiện. " * 2, state=ProposalState.RECEIVED)
            report.difficulties = "Địa bàn rộng, giao thông khó khăn. " * 2
            report.state = ReportState.APPROVED if n % 2 else ReportState.SUBMITTED
            report.save()

    def enlarge(self, plan, scale):
        """A plan with `scale` copies of the real plan's task tree and targets."""
        big = copy.copy(plan)
        big.pk, big.slug = None, f"bench-x{scale}"
        big.save()
        big.agencies.set(plan.agencies.all())
        part = Section.objects.create(plan=big, code="III", number="III", kind="part", title="NHIỆM VỤ", position=0)
        position = 0
        for copy_number in range(scale):
            mapping = {plan.sections.get(code="III").pk: part}
            for section in plan.sections.filter(code__startswith="III.").order_by("position"):
                position += 1
                number = str(int(section.number) + 6 * copy_number) if section.kind == "group" else section.number
                parent = mapping[section.parent_id]
                clone = Section.objects.create(
                    plan=big,
                    parent=parent,
                    code=f"{parent.code}.{number.strip('()')}",
                    number=number,
                    kind=section.kind,
                    title=section.title,
                    content=section.content,
                    lead_text=section.lead_text,
                    coordinating_text=section.coordinating_text,
                    position=position,
                )
                mapping[section.pk] = clone
                Assignment.objects.bulk_create(
                    [
                        Assignment(section=clone, agency_id=a.agency_id, role=a.role, scope=a.scope)
                        for a in section.assignments.all()
                    ]
                )
            Target.objects.bulk_create(
                [
                    Target(
                        **{
                            f.name: getattr(t, f.name)
                            for f in Target._meta.concrete_fields
                            if f.name not in ("id", "plan", "parent", "code")
                        },
                        plan=big,
                        code=f"{t.code}-{copy_number}",
                    )
                    for t in plan.targets.all()
                ]
            )
        return big
