"""`manage.py bench_dashboard`: median server time of the dashboard, the target page and the progress
API at the real plan's size and at province scale, each as a ratio to a trivial view measured in
the same process. Everything it creates is rolled back."""

import datetime
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client

from agencies.models import Agency
from agencies.permissions import Role, add_role
from operations.timing import measure
from reports.models import AgencyReport, ReportingCycle
from targets.models import Target, TargetValue
from tasks.models import Assignment, Plan, Section


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Đo thời gian phục vụ của bảng điều khiển, trang chỉ tiêu và API tiến độ ở quy mô thật và quy mô tỉnh."

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=100)
        parser.add_argument("--agencies", type=int, default=30)
        parser.add_argument("--targets", type=int, default=60)
        parser.add_argument("--years", type=int, default=25)
        parser.add_argument("--runs", type=int, default=21)

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                self.run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("(Dữ liệu thử đã được xóa.)")

    def run(self, options):
        call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))
        plan = Plan.objects.get(slug="binh-son-ctdt-2021-2030")
        call_command(
            "import_values",
            str(settings.BASE_DIR / "tests" / "data" / "vi_du_so_lieu.csv"),
            stdout=open("/dev/null", "w"),
        )
        user = get_user_model().objects.create_user("bench.reviewer")
        add_role(user, Role.REVIEWER)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        year = 2026
        urls = {
            "trivial (/dang-nhap/)": "/dang-nhap/",
            "dashboard": f"/bang-dieu-khien/{plan.slug}/{year}/",
            "target page": f"/ke-hoach/{plan.slug}/chi-tieu/2025.19/",
            "progress API": f"/api/plans/{plan.slug}/progress/?year={year}",
        }
        real = measure(client, urls, options["runs"])
        started = time.perf_counter()
        counts = self.province(plan, options)
        built = time.perf_counter() - started
        province = measure(client, urls, options["runs"])
        self.report(real, province, counts, built)

    def province(self, real_plan, options):
        """Synthetic plans of a province: agencies, sections with leads, targets, years of values and reports."""
        years = range(2021, 2021 + options["years"])
        for n in range(options["plans"]):
            plan = Plan.objects.create(
                slug=f"bench-{n}",
                title=f"Kế hoạch thử {n}",
                issuing_body="UBND huyện thử",
                place="Thử",
                issued_on=datetime.date(2022, 1, 1),
                signer_position="CHỦ TỊCH",
                signer_name="Thử",
                period_start=2021,
                period_end=2045,
                report_due_day=5,
                report_due_month=12,
                reports_to="UBND tỉnh",
            )
            agencies = Agency.objects.bulk_create(
                [
                    Agency(code=f"b{n}-{a}", name=f"Đơn vị {n}-{a}", short_name=f"ĐV {a}", kind="specialised_office")
                    for a in range(options["agencies"])
                ]
            )
            plan.agencies.set(agencies)
            part = Section.objects.create(plan=plan, code="III", number="III", kind="part", position=0)
            sections = Section.objects.bulk_create(
                [
                    Section(
                        plan=plan,
                        parent=part,
                        code=f"III.{s + 1}",
                        number=str(s + 1),
                        kind="group",
                        position=s + 1,
                        title=f"Nhiệm vụ {s + 1}",
                    )
                    for s in range(10)
                ]
            )
            Assignment.objects.bulk_create(
                [Assignment(section=s, agency=agencies[i % len(agencies)], role="lead") for i, s in enumerate(sections)]
            )
            targets = Target.objects.bulk_create(
                [
                    Target(
                        plan=plan,
                        code=f"T{t}",
                        horizon=2030,
                        statement="Chỉ tiêu thử",
                        name=f"Chỉ tiêu {t}",
                        unit="%",
                        kind="level",
                        comparison=">=",
                        value=90,
                        direction="higher",
                        responsible_agency=agencies[t % len(agencies)],
                        position=t,
                    )
                    for t in range(options["targets"])
                ]
            )
            TargetValue.objects.bulk_create(
                [
                    TargetValue(target=t, year=y, value=Decimal(40 + (y - 2021) * 2 + i % 5), source="thử")
                    for i, t in enumerate(targets)
                    for y in years
                ]
            )
            cycles = ReportingCycle.objects.bulk_create(
                [
                    ReportingCycle(
                        plan=plan,
                        year=y,
                        opens_on=datetime.date(y, 1, 1),
                        due_on=datetime.date(y, 12, 5),
                        data_cutoff=datetime.date(y, 12, 31),
                    )
                    for y in years
                ]
            )
            AgencyReport.objects.bulk_create([AgencyReport(cycle=c, agency=a) for c in cycles for a in agencies])
        return {
            "kế hoạch": Plan.objects.count(),
            "cơ quan": Agency.objects.count(),
            "chỉ tiêu": Target.objects.count(),
            "giá trị theo năm": TargetValue.objects.count(),
            "báo cáo": AgencyReport.objects.count(),
        }

    def report(self, real, province, counts, built):
        out = self.stdout.write
        out("Dữ liệu quy mô tỉnh: " + ", ".join(f"{v:,} {k}".replace(",", ".") for k, v in counts.items()))
        out(f"(tạo trong {built:.1f} s)")
        out(
            f"{'trang':<24}{'thật: ms':>10}{'× trivial':>11}{'truy vấn':>10}{'tỉnh: ms':>10}{'× trivial':>11}"
            f"{'truy vấn':>10}{'tỉnh / thật':>13}"
        )
        trivial_real, trivial_province = real["trivial (/dang-nhap/)"][0], province["trivial (/dang-nhap/)"][0]
        for name in real:
            (ms_real, q_real), (ms_province, q_province) = real[name], province[name]
            out(
                f"{name:<24}{ms_real:>10.1f}{ms_real / trivial_real:>11.1f}{q_real:>10}{ms_province:>10.1f}"
                f"{ms_province / trivial_province:>11.1f}{q_province:>10}{ms_province / ms_real:>13.2f}"
            )
