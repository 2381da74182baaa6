"""`manage.py bench_report_page`: the server CPU (process time, which a shared machine inflates far less than the
wall clock) of opening and of saving the staff report page (`…/bao-cao/<id>/`), as `loadtest/run.sh` does it,
through Django's test client with DEBUG off. On the demo year (`seed_demo --reports`, made here if the database has
none); the reports measured are handed back to their agency first, as `loadtest/prepare.py` does. Everything it
creates or changes is rolled back."""

import io
import statistics
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings

from reports.cycles.opening import open_cycle
from reports.models import AgencyReport, ReportState
from reports.review import workflow
from tasks.models import Plan

sys.path.insert(0, str(Path(settings.BASE_DIR) / "loadtest"))
from form_reader import FormReader  # noqa: E402  (what a browser posts back, as the load test reads it)


class Rollback(Exception):
    pass


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Đo thời gian CPU của máy chủ khi mở và khi lưu trang báo cáo của đơn vị (dữ liệu minh họa, DEBUG tắt)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=21, help="Số lần mở và số lần lưu mỗi báo cáo.")
        parser.add_argument(
            "--profile", choices=["open", "save"], help="In hồ sơ cProfile (25 hàm tốn nhất) của lần mở/lưu."
        )

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError("Đo với DEBUG tắt, như máy thật: DEBUG=0 SECRET_KEY=… manage.py bench_report_page")
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["127.0.0.1"]):
                self.run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("(Dữ liệu thử đã được xóa.)")

    def reports(self):
        """The demo year's largest report and its median one (by rows on the page), given back to the agency."""
        if not AgencyReport.objects.exists():
            call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))
            call_command("seed_demo", reports=True, force=True, stdout=open("/dev/null", "w"))
        # Bình Sơn's (the real plan) when `make run` loaded the illustrative ones beside it
        plans = Plan.objects.filter(is_active=True)
        plan = plans.filter(slug="binh-son-ctdt-2021-2030").first() or plans.get()
        year = AgencyReport.objects.filter(cycle__plan=plan).order_by("-cycle__year").values_list("cycle__year")[0][0]
        cycle = open_cycle(plan, year)
        reviewer = get_user_model().objects.filter(is_superuser=True).first()
        sized = []
        for report in cycle.reports.select_related("agency"):
            if report.state == ReportState.APPROVED:
                workflow.reopen(report, by=reviewer, reason="Đo tải.")
            elif report.state == ReportState.SUBMITTED:
                workflow.send_back(report, by=reviewer, reason="Đo tải.")
            rows = report.task_entries.count() + report.target_entries.count()
            if report.is_editable and rows:
                sized.append((rows, report.pk))
        sized.sort()
        picked = {"lớn nhất": sized[-1][1], "trung vị": sized[len(sized) // 2][1]}
        return {name: AgencyReport.objects.select_related("agency").get(pk=pk) for name, pk in picked.items()}

    def run(self, options):
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            reports = self.reports()
        out = self.stdout.write
        out(f"{'báo cáo':<34}{'mục':>5}{'':>3}{'trung vị ms CPU':>17}{'p95':>8}{'ms thực':>9}{'truy vấn':>10}")
        for name, report in reports.items():
            user = get_user_model().objects.filter(membership__agency=report.agency).order_by("pk").first()
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            rows = report.task_entries.count() + report.target_entries.count()
            label = f"{name}: {report.agency.short_name}"[:33]
            for action, figures in self.measure(client, report, options).items():
                cpu, wall, queries = figures
                out(
                    f"{label:<34}{rows:>5}{action:>5}{statistics.median(cpu):>15.1f}{percentile(cpu, 0.95):>8.1f}"
                    f"{statistics.median(wall):>9.1f}{queries:>10}"
                )
                label = ""

    def measure(self, client, report, options):
        """(CPU ms, wall ms, queries) of each open and each save; the first of each warms the caches and is not
        counted, nor a profiled one."""
        url = report.get_absolute_url()  # under its plan
        cpu, wall, queries = {"mở": [], "lưu": []}, {"mở": [], "lưu": []}, {}
        page = None
        for run in range(options["runs"] + 2):
            for action in ("mở", "lưu"):
                if action == "mở":
                    args = (client.get, url)
                else:
                    reader = FormReader()
                    reader.feed(page.content.decode())
                    args = (client.post, url, reader.data | {"action": "save", "difficulties": f"Khó khăn {run}."})
                executed = []

                def count(execute, sql, *rest, executed=executed):
                    executed.append(sql)
                    return execute(sql, *rest)

                profiled = run == 1 and options["profile"] == {"mở": "open", "lưu": "save"}[action]
                with connection.execute_wrapper(count):
                    # the save's on-commit work runs in the request, as it would outside this rolled-back transaction
                    with TestCase.captureOnCommitCallbacks(execute=True):
                        start_cpu, start = time.process_time(), time.perf_counter()
                        response = self.profile(*args) if profiled else args[0](*args[1:], secure=True)
                        elapsed_cpu, elapsed = time.process_time() - start_cpu, time.perf_counter() - start
                expected = 200 if action == "mở" else 302
                if response.status_code != expected:
                    raise CommandError(f"{action} {url}: {response.status_code} (chờ {expected})")
                if action == "mở":
                    page = response
                if run > 1 or (run == 1 and not options["profile"]):
                    cpu[action].append(elapsed_cpu * 1000)
                    wall[action].append(elapsed * 1000)
                    queries[action] = len(executed)
        return {action: (cpu[action], wall[action], queries[action]) for action in cpu}

    def profile(self, method, *args):
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting on PostgreSQL
        response = profiler.runcall(method, *args, secure=True)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(30)
        self.stdout.write(text.getvalue())
        return response
