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

from reports.consolidated import excel, gathering, word
from reports.consolidated import pdf as consolidated_pdf
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from reports.cycles.organisation import ensure_entries
from reports.documents import pdf
from reports.models import ProposalState, ReportState, TaskEntry
from targets.models import Target
from tasks.models import Assignment, Plan, Section

STEPS = ("gather", "render HTML", "WeasyPrint", "Excel", "Word")


def _staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).first()


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Đo thời gian dựng báo cáo tổng hợp (từng bước) với kế hoạch thật và kế hoạch lớn gấp 10 lần."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2026)
        parser.add_argument("--scale", type=int, default=10)
        parser.add_argument(
            "--van-ban-dai",
            action="store_true",
            help="Đo thêm thời gian in một báo cáo có văn bản dài (bình thường, văn xuôi 20.000 ký tự mỗi ô, "
            "“a” xuống dòng 9.995 lần mỗi ô) và dựng báo cáo tổng hợp có báo cáo văn xuôi đủ dài.",
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                if options["van_ban_dai"]:
                    self.long_text(options["year"])
                else:
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
        # CPU time of this process beside the wall clock: on a machine shared with other work the wall
        # clock of one step can double between two runs, its CPU time does not
        out(f"{'bước':<22}{'thật (s)':>10}{f'×{scale} (s)':>12}{'tỷ lệ':>8}{'tỷ lệ CPU':>11}")
        for stage in (*STEPS, "total", "gc"):
            label = "gc giữa các bước" if stage == "gc" else stage
            ratio, cpu = (large[key] / max(real[key], 1e-6) for key in (stage, f"{stage} CPU"))
            out(f"{label:<22}{real[stage]:>10.2f}{large[stage]:>12.2f}{ratio:>8.1f}{cpu:>11.1f}")
        out(
            f"Cả quá trình / riêng WeasyPrint trên cùng HTML: {real['total'] / real['WeasyPrint']:.2f} (thật), "
            f"{large['total'] / large['WeasyPrint']:.2f} (×{scale})"
        )
        out(f"Thời gian dựng ×{scale} / thật: {large['total'] / real['total']:.1f} (tuyến tính: ≤ {scale})")

    def long_text(self, year):
        """Issue 17: the print of one agency's report and a consolidated build, with long typed text."""
        from django.conf import settings
        from django.test import Client
        from django.test.utils import override_settings

        from binhson_plan.longtext import LINE_LIMIT, laid_out_lines

        call_command("load_plan", stdout=open("/dev/null", "w"))
        plan = Plan.objects.get(slug="binh-son-ctdt-2021-2030")
        cycle = open_cycle(plan, year)
        report = cycle.reports.get(agency__code="LDTBXH")
        ensure_entries(report)
        sentence = "Đã hỗ trợ nhà ở, đất sản xuất và nước sinh hoạt cho đồng bào dân tộc thiểu số tại các xã. "
        prose = "\n".join([sentence * 10] * 40)[:20_000]
        cases = [("bình thường", "Đã triển khai theo kế hoạch. " * 4), ("văn xuôi 20.000 ký tự", prose)]
        cases.append(("“a” xuống dòng ×9.995 (lưu vòng qua biểu mẫu)", "a\n" * 9995))
        cases.append(("“a” xuống dòng ×200 (đúng giới hạn dòng)", "a\n" * 200))
        cases.append(("200 dòng 90 ký tự (đúng giới hạn dòng)", ("x" * 89 + "\n") * 200))
        cases.append(("chữ khó dàn trang “ᙱم ” (lần dò thứ năm)", ("\u1671\u0645 " * 7000)[:19_990]))
        pdf.render_pdf("<p>khởi động</p>")
        out = self.stdout.write
        out(f"Giới hạn: {LINE_LIMIT} dòng có chữ mỗi ô; in trên cổng tối đa {settings.PRINT_MAX_LINES} dòng; "
            f"tải máy: {open('/proc/loadavg').read().split()[:3]}")  # fmt: skip
        drawn = []
        render = pdf.render_pdf

        def measured(html, **kwargs):  # the HTML each print lays out, drawn even past the cap, to measure it
            drawn.append(laid_out_lines(html))
            return render(html, **kwargs)

        pdf.render_pdf = measured
        try:
            with override_settings(ALLOWED_HOSTS=["*"], PRINT_MAX_LINES=10**9, PRINT_DRAW_SECONDS=0):
                client = Client()
                member = report.agency.members.select_related("user").first()
                client.force_login(member.user if member else _staff())
                for label, text in cases:
                    fields = self.fill_text(report, text)
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = client.get(f"{report.get_absolute_url()}in/")
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    lines = drawn[-1]
                    out(
                        f"In báo cáo, {label}, {fields} ô: {wall:.1f} s ({cpu:.1f} s CPU), "
                        f"{self.pages(response.content)} trang, {lines} dòng ước tính, "
                        f"{1000 * cpu / max(lines, 1):.2f} s CPU/1.000 dòng"
                    )
            # the slowest case again under the portal's own clock limit: refused in time, never past gunicorn's 30 s
            with override_settings(ALLOWED_HOSTS=["*"], PRINT_MAX_LINES=10**9):
                from django.core.cache import cache

                cache.clear()
                wall = time.perf_counter()
                status = client.get(f"{report.get_absolute_url()}in/").status_code
                out(f"Cùng bản in, giới hạn {settings.PRINT_DRAW_SECONDS:g} giây: trả {status} sau "
                    f"{time.perf_counter() - wall:.1f} s")  # fmt: skip
        finally:
            pdf.render_pdf = render
        self.fill_text(report, prose)
        report.state = ReportState.SUBMITTED
        report.save()
        timings = self.stages(plan, year)
        out(f"Tổng hợp có một báo cáo văn xuôi đủ dài: {timings['total']:.1f} s ({timings['total CPU']:.1f} s CPU), "
            f"{timings['pages']} trang")  # fmt: skip

    @staticmethod
    def fill_text(report, text) -> int:
        fields = 0
        for entry in report.task_entries.all():
            names = ["results", "shortcomings", "next_steps"] if entry.role == "lead" else ["results"]
            for name in names:
                setattr(entry, name, text)
            entry.save()
            fields += len(names)
        fields += report.target_entries.filter(pk__in=report.target_entries.values("pk")[:3]).update(note=text)
        report.proposals.all().delete()
        report.proposals.create(text=text)
        report.difficulties = text
        report.save()
        return fields + 2

    def stages(self, plan, year):
        report = ConsolidatedReport.request(plan, year)
        timings = {"gc": 0.0, "gc CPU": 0.0}

        def timed(stage, step):
            # The garbage earlier steps left is collected before each step, timed on its own line and kept
            # out of the steps and the total: a full collection walks every object alive, so whichever step
            # it fell in paid for the others' garbage (the ×10 PDF's made Excel look 25× slower).
            wall, cpu = time.perf_counter(), time.process_time()
            gc.collect()
            timings["gc"] += time.perf_counter() - wall
            timings["gc CPU"] += time.process_time() - cpu
            wall, cpu = time.perf_counter(), time.process_time()
            result = step()
            timings[stage], timings[f"{stage} CPU"] = time.perf_counter() - wall, time.process_time() - cpu
            return result

        pdf.render_pdf("<p>khởi động</p>")  # WeasyPrint's one-off import and font loading, outside the figures
        data = timed("gather", lambda: gathering.gather(report))
        html = timed("render HTML", lambda: consolidated_pdf.consolidated_html(data))
        document = timed("WeasyPrint", lambda: pdf.render_pdf(html))
        timed("Excel", lambda: excel.consolidated_workbook(data))
        timed("Word", lambda: word.consolidated_docx(data))
        timings["total"] = sum(timings[stage] for stage in STEPS)
        timings["total CPU"] = sum(timings[f"{stage} CPU"] for stage in STEPS)
        timings["pages"] = self.pages(document)
        return timings

    @staticmethod
    def pages(document: bytes) -> str:
        info = subprocess.run(["pdfinfo", "-"], input=document, capture_output=True, check=False).stdout.decode()
        return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")

    def fill(self, plan, year):
        """Every expected agency submits a full report; half are approved."""
        cycle = open_cycle(plan, year)
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
