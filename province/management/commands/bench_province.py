"""`manage.py bench_province`: median server time of the province view (/tinh/), the indicator API and the
yearly summary's build, at real size (the demo's three plans) and at province scale (25 plans, about 120 agencies
and 600 reports a year), each page also as a ratio to a trivial view measured in the same process, and the
ratio between the two sizes. Everything it creates is rolled back."""

import datetime
import io
import re
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client, override_settings

from agencies.models import Agency
from agencies.permissions import Role, add_role
from operations.timing import measure
from province import jobs, queries
from province.models import ProvinceSummary, SummaryState
from reports.cycles.opening import open_cycle
from reports.models import AgencyReport, ReportingCycle
from targets.models import Target, TargetValue
from tasks.models import Plan

PLANS = settings.BASE_DIR / "binhson_plan" / "plans"
ILLUSTRATIVE = ["minh_hoa_tra_bong.yaml", "minh_hoa_ba_to.yaml"]
REFORM = ["sap_xep_2025_binh_son.yaml", "sap_xep_2025_minh_hoa_tra_bong.yaml", "sap_xep_2025_minh_hoa_ba_to.yaml"]
YEAR = 2026


class Rollback(Exception):
    pass


def quiet() -> io.StringIO:
    return io.StringIO()


class Command(BaseCommand):
    help = (
        "Đo thời gian phục vụ của trang toàn tỉnh, API chỉ số và bản tổng hợp toàn tỉnh ở quy mô thật và quy mô tỉnh."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=25, help="số kế hoạch ở quy mô tỉnh")
        parser.add_argument("--agencies", type=int, default=120, help="số cơ quan ở quy mô tỉnh (xấp xỉ)")
        parser.add_argument("--reports", type=int, default=600, help="số báo cáo một năm ở quy mô tỉnh (xấp xỉ)")
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, **options):
        try:
            with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media), transaction.atomic():
                self.run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("(Dữ liệu thử đã được xóa.)")

    def run(self, options):
        call_command("load_indicators", stdout=quiet())
        call_command("load_plan", stdout=quiet())
        for name in ILLUSTRATIVE:
            call_command("load_plan", str(PLANS / name), stdout=quiet())
        for name in REFORM:  # as make run: the 2025 reform before the demo's years
            call_command("load_reorganisation", str(PLANS / name), stdout=quiet())
        call_command("seed_demo", reports=True, force=True, stdout=quiet())
        user = get_user_model().objects.create_user("bench.leader")
        add_role(user, Role.VIEWER)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        urls = {
            "trivial (/dang-nhap/)": "/dang-nhap/",
            "toàn tỉnh (/tinh/)": f"/tinh/?year={YEAR}",
            "API chỉ số": f"/api/indicators/?year={YEAR}",
        }
        real = measure(client, urls, options["runs"]), self.summary_seconds(user), self.counts()
        started = time.perf_counter()
        self.province(options)
        built = time.perf_counter() - started
        province = measure(client, urls, options["runs"]), self.summary_seconds(user), self.counts()
        self.report(real, province, built)

    def summary_seconds(self, user) -> tuple[float, float, float]:
        """The yearly summary built in this process: every plan's part, then the three files. Returns the parts'
        time, the assembly's, and the time two workers would take (the parts split between them, longest first,
        then the assembly): computed from the measured parts, not measured on two workers."""
        plans = queries.plans_of_province()
        summary = ProvinceSummary.request(YEAR, datetime.date(YEAR, 12, 10), plans, by=user)
        each = []
        for plan in plans:
            start = time.perf_counter()
            jobs.build_plan_part(summary.pk, plan.pk)
            each.append(time.perf_counter() - start)
        start = time.perf_counter()
        summary = jobs.assemble_summary(summary.pk)
        assembly = time.perf_counter() - start
        assert summary.state == SummaryState.READY, (summary.state, summary.error)
        workers = [0.0, 0.0]
        for seconds in sorted(each, reverse=True):
            workers[workers.index(min(workers))] += seconds
        ProvinceSummary.objects.filter(pk=summary.pk).delete()
        return sum(each), assembly, max(workers) + assembly

    def counts(self) -> dict:
        return {
            "kế hoạch": Plan.objects.filter(is_active=True).count(),
            "cơ quan": Agency.objects.count(),
            f"báo cáo năm {YEAR}": AgencyReport.objects.filter(cycle__year=YEAR).count(),
            "chỉ tiêu": Target.objects.count(),
        }

    def province(self, options) -> None:
        """Plans shaped like the illustrative ones, under other slugs, their agencies drawn from one pool so that the
        province has about `--agencies` agencies; each plan's year opened, then topped up to about `--reports`."""
        existing = Agency.objects.count()
        extra_plans = max(options["plans"] - Plan.objects.filter(is_active=True).count(), 0)
        pool = max(options["agencies"] - existing, 1)
        with tempfile.TemporaryDirectory() as folder:
            for n in range(extra_plans):
                source = (PLANS / ILLUSTRATIVE[n % 2]).read_text(encoding="utf-8")
                slug = re.search(r"^  slug: (\S+)", source, re.M).group(1)
                codes = sorted(set(re.findall(r"\{code: ((?:TRB|BTO)-[A-Z-]+),", source)))
                text = source.replace(slug, f"{slug}-{n}")
                for i, code in enumerate(codes):
                    text = re.sub(rf"\b{re.escape(code)}\b", f"TINH-{(n * 5 + i) % pool:03d}", text)
                path = Path(folder) / f"plan-{n}.yaml"
                path.write_text(text, encoding="utf-8")
                call_command("load_plan", str(path), stdout=quiet())
                plan = Plan.objects.get(slug=f"{slug}-{n}")
                open_cycle(plan, YEAR)
                values = [
                    TargetValue(target=t, year=y, value=Decimal(40 + (y - 2020) * 3 + t.position % 7),
                                as_of=datetime.date(y, 12, 31), source="thử")
                    for t in plan.targets.exclude(kind="qualitative")
                    for y in range(2020, YEAR)
                ]  # fmt: skip
                TargetValue.objects.bulk_create(values)
        missing = options["reports"] - AgencyReport.objects.filter(cycle__year=YEAR).count()
        cycles = list(ReportingCycle.objects.filter(year=YEAR, plan__is_active=True).order_by("pk"))
        taken = set(AgencyReport.objects.filter(cycle__in=cycles).values_list("cycle_id", "agency_id"))
        agencies = list(Agency.objects.filter(code__startswith="TINH-").order_by("code"))
        free = [(c.pk, a.pk) for a in agencies for c in cycles if (c.pk, a.pk) not in taken]
        AgencyReport.objects.bulk_create(
            [AgencyReport(cycle_id=cycle, agency_id=agency) for cycle, agency in free[: max(missing, 0)]]
        )

    def report(self, real, province, built):
        out = self.stdout.write
        (real_pages, real_summary, real_counts), (prov_pages, prov_summary, prov_counts) = real, province
        out("Quy mô thật: " + ", ".join(f"{v} {k}" for k, v in real_counts.items()))
        out("Quy mô tỉnh: " + ", ".join(f"{v} {k}" for k, v in prov_counts.items()) + f" (tạo trong {built:.1f} s)")
        out(f"{'trang':<24}{'thật: ms':>10}{'× trivial':>11}{'truy vấn':>10}{'tỉnh: ms':>10}{'× trivial':>11}"
            f"{'truy vấn':>10}{'tỉnh / thật':>13}")  # fmt: skip
        trivial_real, trivial_province = real_pages["trivial (/dang-nhap/)"][0], prov_pages["trivial (/dang-nhap/)"][0]
        for name in real_pages:
            (ms_real, q_real), (ms_province, q_province) = real_pages[name], prov_pages[name]
            out(
                f"{name:<24}{ms_real:>10.1f}{ms_real / trivial_real:>11.1f}{q_real:>10}{ms_province:>10.1f}"
                f"{ms_province / trivial_province:>11.1f}{q_province:>10}{ms_province / ms_real:>13.2f}"
            )
        plans_real, plans_province = real_counts["kế hoạch"], prov_counts["kế hoạch"]
        for label, (parts, assembly, two) in ((f"{plans_real} kế hoạch", real_summary),
                                              (f"{plans_province} kế hoạch", prov_summary)):  # fmt: skip
            out(
                f"Bản tổng hợp toàn tỉnh, {label}: các phần {parts:.2f} s + dựng tệp {assembly:.2f} s = "
                f"{parts + assembly:.2f} s trên một worker; hai worker (tính từ thời gian từng phần): {two:.2f} s"
            )
        ratio = (prov_summary[0] + prov_summary[1]) / (real_summary[0] + real_summary[1])
        out(f"Tỷ lệ thời gian dựng (một worker) {ratio:.2f} khi số kế hoạch gấp {plans_province / plans_real:.2f}")
