"""`manage.py bench_pages`: the server CPU (process time) and the queries of every page of the season's load
(loadtest/locustfile.py), one at a time through Django's test client with DEBUG off, on the demo's data (`make run`'s:
the three plans seeded). It says where `loadtest/run.sh`'s CPU per request goes: the web process's share of it, page by
page, without locust and PostgreSQL sharing the machine. `--profile NAME` prints cProfile's costliest functions of one
page. Everything it changes is rolled back."""

import io
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings

from reports.models import AgencyReport, ReportState
from tasks.models import Plan


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Đo thời gian CPU và số truy vấn của từng trang trong tải mùa báo cáo (dữ liệu minh họa, DEBUG tắt)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15, help="Số lần mở mỗi trang (lần đầu không tính).")
        parser.add_argument("--profile", help="Tên trang cần in hồ sơ cProfile (như cột “trang”).")

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError("Đo với DEBUG tắt, như máy thật: DEBUG=0 SECRET_KEY=… manage.py bench_pages")
        plan = Plan.objects.filter(slug="binh-son-ctdt-2021-2030").first()
        if plan is None or not AgencyReport.objects.filter(cycle__plan=plan).exists():
            raise CommandError("Chưa có dữ liệu minh họa: chạy load_plan (3 kế hoạch) và seed_demo --reports trước.")
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["127.0.0.1"]):
                self.run(plan, options)
                raise Rollback
        except Rollback:
            pass

    def pages(self, plan):
        """(name, username or None, url) of each page of the load mix, on Bình Sơn's newest year."""
        report = AgencyReport.objects.filter(cycle__plan=plan).select_related("cycle").order_by("-cycle__year")
        year = report[0].cycle.year
        this_year = report.filter(cycle__year=year)
        own = this_year.filter(agency__code="GDDT").get()
        submitted = this_year.filter(state=ReportState.SUBMITTED).first() or own
        target = plan.targets.order_by("pk").values_list("code", flat=True)[0]
        slug = plan.slug
        return [
            ("báo cáo: mở", "canbo.gddt", f"/ke-hoach/{slug}/bao-cao/{own.pk}/"),
            ("báo cáo: thẩm định", "vanphong", f"/ke-hoach/{slug}/bao-cao/{submitted.pk}/"),
            ("hàng chờ thẩm định", "vanphong", f"/ke-hoach/{slug}/tham-dinh/"),
            ("bảng điều khiển", "vanphong", f"/bang-dieu-khien/{slug}/{year}/"),
            ("trang chỉ tiêu", "lanhdao", f"/ke-hoach/{slug}/chi-tieu/{target}/"),
            ("toàn tỉnh (/tinh/)", "sodantoc", f"/tinh/?year={year}"),
            ("API: chỉ số", "sodantoc", f"/api/indicators/?year={year}"),
            ("trang công khai", None, f"/cong-khai/{slug}/"),
            ("API: tiến độ", None, f"/api/plans/{slug}/progress/?year={year}"),
            ("API: kế hoạch", None, f"/api/plans/{slug}/"),
        ]

    def run(self, plan, options):
        out = self.stdout.write
        out(f"{'trang':<24}{'trung vị ms CPU':>17}{'tối thiểu':>11}{'ms thực':>9}{'truy vấn':>10}")
        users = get_user_model().objects
        medians = []
        for name, username, url in self.pages(plan):
            client = Client(HTTP_HOST="127.0.0.1")
            if username:
                client.force_login(users.get(username=username))
            cpu, wall, queries = [], [], 0
            for run in range(options["runs"] + 1):
                executed = []

                def count(execute, sql, *rest, executed=executed):
                    executed.append(sql)
                    return execute(sql, *rest)

                with connection.execute_wrapper(count):
                    start_cpu, start = time.process_time(), time.perf_counter()
                    response = client.get(url, secure=True)
                    elapsed_cpu, elapsed = time.process_time() - start_cpu, time.perf_counter() - start
                if response.status_code != 200:
                    raise CommandError(f"{name} {url}: {response.status_code}")
                if run:  # the first warms the caches
                    cpu.append(elapsed_cpu * 1000)
                    wall.append(elapsed * 1000)
                    queries = len(executed)
            medians.append(statistics.median(cpu))
            out(f"{name:<24}{medians[-1]:>17.1f}{min(cpu):>11.1f}{statistics.median(wall):>9.1f}{queries:>10}")
            if options["profile"] == name:
                self.profile(client, url)

    def profile(self, client, url):
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(client.get, url, secure=True)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        self.stdout.write(text.getvalue())
