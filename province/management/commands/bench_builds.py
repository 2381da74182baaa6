"""`manage.py bench_builds`: the season's builds on real workers (scripts/bench-builds.sh starts them), timed from
the queue to the last file. `--scale N` first tops the database up to N plans (as bench_province does, but kept);
`--drafts` queues the nightly draft of every active plan (reports.consolidated.jobs.rebuild_drafts) and waits for
them; `--summary` asks for the province's yearly summary (a group of per-plan jobs, then the assembly) and waits.
Each prints the wall time, how many builds ran at once at most, and any failure."""

import datetime
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from province import jobs
from province.management.commands.bench_province import Command as BenchProvince
from province.models import ProvinceSummary, SummaryState
from reports.consolidated.jobs import rebuild_drafts
from reports.consolidated.models import BuildState, ConsolidatedReport
from tasks.models import Plan

YEAR = 2026
NIGHT = datetime.date(YEAR, 12, 4)  # the night before the due date, in the season


def most_at_once(intervals) -> int:
    """The largest number of (start, end) intervals that overlap at one moment."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = peak = 0
    for _moment, step in events:
        running += step
        peak = max(peak, running)
    return peak


class Command(BaseCommand):
    help = "Đo thời gian dựng báo cáo tổng hợp của mọi kế hoạch và bản tổng hợp toàn tỉnh trên các worker thật."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="bổ sung đến chừng ấy kế hoạch (giữ lại)")
        parser.add_argument("--drafts", action="store_true", help="dựng bản nháp của mọi kế hoạch")
        parser.add_argument("--summary", action="store_true", help="dựng bản tổng hợp toàn tỉnh")
        parser.add_argument("--timeout", type=int, default=1800, help="chờ tối đa (giây)")

    def handle(self, *args, **options):
        if options["scale"]:
            with transaction.atomic():
                BenchProvince().province({"plans": options["scale"], "agencies": 120, "reports": 600})
        plans = Plan.objects.filter(is_active=True).count()
        if options["drafts"]:
            self.drafts(plans, options["timeout"])
        if options["summary"]:
            self.summary(plans, options["timeout"])

    def wait(self, done, timeout):
        started = time.monotonic()
        while not done():
            if time.monotonic() - started > timeout:
                raise CommandError(f"Quá {timeout} giây mà chưa dựng xong.")
            time.sleep(0.2)

    def drafts(self, plans, timeout):
        ConsolidatedReport.objects.filter(year=YEAR).delete()
        started = time.monotonic()
        queued = rebuild_drafts(NIGHT)
        underway = [BuildState.QUEUED, BuildState.BUILDING]
        self.wait(lambda: not ConsolidatedReport.objects.filter(pk__in=queued, state__in=underway).exists(), timeout)
        seconds = time.monotonic() - started
        built = ConsolidatedReport.objects.filter(pk__in=queued)
        failed = built.exclude(state=BuildState.READY)
        per_plan = max((built.filter(plan_id=p).count() for p in built.values_list("plan_id", flat=True)), default=0)
        peak = most_at_once(built.values_list("started_at", "finished_at"))
        self.stdout.write(
            f"Bản nháp của {plans} kế hoạch: {len(queued)} bản trong {seconds:.1f} s; tối đa {peak} bản dựng cùng lúc; "
            f"mỗi kế hoạch {per_plan} bản; lỗi {failed.count()}"
        )
        for report in failed:
            self.stdout.write(f"  lỗi: {report.plan.slug}: {report.state} {report.error}")

    def summary(self, plans, timeout):
        user = get_user_model().objects.filter(is_superuser=True).first()
        started = time.monotonic()
        with transaction.atomic():
            summary, _queued = jobs.request_summary(YEAR, NIGHT, by=user)
        underway = [SummaryState.QUEUED, SummaryState.BUILDING]
        self.wait(lambda: ProvinceSummary.objects.filter(pk=summary.pk).exclude(state__in=underway).exists(), timeout)
        seconds = time.monotonic() - started
        summary.refresh_from_db()
        parts = summary.parts.order_by("finished_at").values_list("finished_at", flat=True)
        parts_seconds = (parts.last() - summary.requested_at).total_seconds() if parts else 0.0
        self.stdout.write(
            f"Bản tổng hợp toàn tỉnh, {plans} kế hoạch: {seconds:.1f} s (các phần xong sau {parts_seconds:.1f} s); "
            f"{summary.get_state_display()}{': ' + summary.error if summary.error else ''}"
        )
