"""`manage.py seed_demo [--reports] [--json]`: demo users for every role, printed for whoever tries
the portal; with `--reports`, also the reports of every agency for the demo's year (this year; in
January the year just ended), the year before it as a finished season with its late report, and values
since 2020 (reports/demo/seeding.py)."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.permissions import Role
from reports.cycles.opening import open_cycle, open_this_year
from reports.demo import seeding as demo
from reports.demo.seeding import FIRST_YEAR
from reports.models import PlanRole, PlanRoleKind, ReportState
from tasks.models import Plan, ReportIssuer

DEMO_PASSWORD = "binhson-demo"
BINH_SON = "binh-son-ctdt-2021-2030"
# which plans each demo reviewer reviews (reports.models.PlanRole): a slug, or None for every plan of the province
REVIEWS = {"vanphong": BINH_SON, "sodantoc": None}

# (username, full name, role key, agency code or None)
DEMO_USERS = [
    ("quantri", "Quản trị hệ thống", "administrator", None),
    ("vanphong", "Nguyễn Thị Thẩm Định", "reviewer", None),
    ("sodantoc", "Sở Dân tộc và Tôn giáo", "reviewer", None),
    ("lanhdao", "Trần Văn Lãnh Đạo", "viewer", None),
    ("canbo.ldtbxh", "Lê Thị Lao Động", "agency_staff", "LDTBXH"),
    ("canbo.nnptnt", "Phạm Văn Nông", "agency_staff", "NNPTNT"),
    ("canbo.gddt", "Hoàng Thị Giáo", "agency_staff", "GDDT"),
    ("canbo.binhan", "Đinh Văn Bình An", "agency_staff", "UBND-BA"),
    ("canbo.binhkhuong", "Hồ Thị Bình Khương", "agency_staff", "UBND-BK"),
]
ROLE_GROUPS = {
    "administrator": Role.ADMINISTRATOR,
    "reviewer": Role.REVIEWER,
    "viewer": Role.VIEWER,
    "agency_staff": Role.AGENCY_STAFF,
}
ROLE_LABELS = {
    "administrator": "quản trị",
    "reviewer": "thẩm định",
    "viewer": "lãnh đạo, theo dõi (chỉ xem)",
    "agency_staff": "cán bộ đơn vị",
}


def current_agency(code: str) -> Agency:
    """The agency `code` names, or the one that carries it on now that a reorganisation ended it (its staff accounts
    moved there: agencies/reorganising.py)."""
    agency, seen = Agency.objects.select_related("successor").get(code=code), set()
    while not agency.is_active and agency.successor_id and agency.pk not in seen:
        seen.add(agency.pk)
        agency = Agency.objects.select_related("successor").get(pk=agency.successor_id)
    return agency


class Command(BaseCommand):
    help = "Tạo (hoặc đặt lại) các tài khoản dùng thử cho mọi vai trò và in ra."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="In danh sách tài khoản dạng JSON.")
        parser.add_argument("--force", action="store_true", help="Cho phép chạy khi DEBUG tắt (máy thật: không nên).")
        parser.add_argument(
            "--reports",
            action="store_true",
            help="Tạo thêm báo cáo năm nay của mọi đơn vị và số liệu chỉ tiêu từ năm 2020 (dữ liệu minh họa).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG đang tắt: tài khoản dùng thử có mật khẩu công khai. Thêm --force nếu chắc chắn.")
        missing = {code for *_, code in DEMO_USERS if code} - set(Agency.objects.values_list("code", flat=True))
        if missing:
            raise CommandError(f"Chưa có cơ quan {', '.join(sorted(missing))}: hãy chạy “manage.py load_plan” trước.")
        # One hash for every demo user: the password is public anyway, and hashing it 25 times takes seconds.
        self.password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            rows = [self.ensure_user(*spec) for spec in DEMO_USERS]
        notes = self.seed_reports(rows) if options["reports"] else []
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for row in rows:
            agency = f" – {row['agency']}" if row["agency"] else ""
            self.stdout.write(f"  {row['username']:<18} {ROLE_LABELS[row['role']]}{self.reviews(row)}{agency}")
        for note in notes:
            self.stdout.write(note)

    def seed_reports(self, rows) -> list[str]:
        """Every plan loaded that has demo data (reports/demo/): its year seeded (seed_plan). Returns what to tell the
        user: the real plan's lines as they always were, each illustrative plan's under its title, and the staff
        whose agency reports in several plans."""
        plans = demo.plans_to_seed()
        if not plans:
            raise CommandError("Chưa có kế hoạch: hãy chạy “manage.py load_plan” trước.")
        open_this_year()  # in January the new year opens empty beside the demo's, as the nightly job opens it
        notes, added, plans_of = [], set(), {}
        for plan in plans:
            lines = self.seed_plan(plan, rows, added, plans_of)
            notes += [f"{plan}:", *(f"  {line}" for line in lines)] if plan.is_illustrative else lines
        shared = {who: places for who, places in plans_of.items() if len(places) > 1}
        if shared:
            notes.append("Cán bộ có báo cáo ở nhiều kế hoạch:")
            for (username, agency), places in sorted(shared.items()):
                notes.append(f"  {username:<18} {', '.join(places)} ({agency})")
        return notes

    def seed_plan(self, plan, rows, added, plans_of) -> list[str]:
        """Every agency of the plan's cycles this year (and the year before) gets a demo user and a report
        (reports/demo/seeding.py); the rows of the new users are added to `rows`, their names to `added`, and the
        places of the plans each user reports in to `plans_of`. Returns what to tell the user."""
        year = demo.demo_year(plan)
        in_use = demo.year_in_use(plan, year)
        past = year - 1 if year > plan.period_start and not in_use and not demo.year_in_use(plan, year - 1) else None
        cycles = [open_cycle(plan, y) for y in (past, year) if y]
        # the agency each named demo user works in now (two merged agencies' users: the later one types the reports)
        usernames = {current_agency(code).code: username for username, *_, code in DEMO_USERS if code}
        staff = {}
        with transaction.atomic():
            for cycle in cycles:
                names = demo.organised_data(cycle)["staff"]
                for report in cycle.reports.select_related("agency").order_by("agency__name"):
                    agency = report.agency
                    username = usernames.get(agency.code) or f"canbo.{agency.code.lower()}"
                    if username not in usernames.values() and username not in added:
                        name = names.get(agency.code) or demo.staff_name(agency)
                        rows.append(self.ensure_user(username, name, "agency_staff", agency.code))
                        added.add(username)
                    staff[agency.code] = get_user_model().objects.get(username=username)
                    places = plans_of.setdefault((username, agency.name), [])
                    if plan.place not in places:
                        places.append(plan.place)
        issuer = demo.demo_data(plan).get("issuer")
        if issuer:  # who issues, signs and reviews the plan's reports from a year on, if the plan has none for it
            ReportIssuer.objects.get_or_create(plan=plan, from_year=issuer["from_year"], defaults=issuer)
        if in_use:
            return [in_use]
        # each plan's reports are reviewed by its own reviewer: Bình Sơn's by vanphong, the others' by the Sở
        reviewer = get_user_model().objects.get(username="vanphong" if plan.slug == BINH_SON else "sodantoc")
        try:
            with transaction.atomic():
                before = demo.seed_past_year(cycles[0], staff, reviewer) if past else None
                outcome = demo.seed_year(cycles[-1], staff, reviewer)
        except (ValidationError, ValueError) as exc:
            raise CommandError(f"Không tạo được dữ liệu minh họa năm {year}: {exc}") from exc
        return self.describe(outcome, before, cycles[-1])

    def describe(self, outcome, before, cycle) -> list[str]:
        lines = [f"Dữ liệu minh họa năm {outcome.year}, {sum(outcome.states.values())} báo cáo:"]
        lines += [f"  {state.label}: {outcome.states.get(state.value, 0)}" for state in ReportState]
        overdue = [r for r in cycle.reports.all() if r.is_overdue and not r.first_submitted_at]
        if overdue:
            lines.append(f"  Trong đó quá hạn (chưa gửi, hạn {overdue[0].cycle.due_on:%d/%m/%Y}): {len(overdue)}")
        for report in (r for r in cycle.reports.all() if r.is_overdue_on_corrections):
            lines.append(f"  Quá hạn bổ sung (hạn {report.correction_due_on:%d/%m/%Y}): {report.agency.name}")
        recorded = outcome.history_values + (before.history_values if before else 0)
        lines.append(
            f"  {recorded} giá trị chỉ tiêu các năm {FIRST_YEAR}–{outcome.year - 1}, "
            f"{outcome.proposals} kiến nghị, {outcome.evidence} tệp minh chứng."
        )
        if before is not None:
            lines.append(
                f"Năm {before.year}: {sum(before.states.values())} báo cáo, mùa báo cáo đã kết thúc, đã duyệt."
            )
        for report, at in before.late if before else []:
            lines.append(
                f"  Gửi muộn: {report.agency.name} gửi lúc {timezone.localtime(at):%H:%M %d/%m/%Y}, "
                f"sau hạn {report.cycle.due_on:%d/%m/%Y}."
            )
        return lines

    def ensure_user(self, username, full_name, role, agency_code):
        first, _, last = full_name.rpartition(" ")
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@binhson.local"
        user.is_staff = user.is_superuser = role == "administrator"
        user.is_active = True
        user.password = self.password_hash
        user.save()
        user.groups.set([Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]])
        agency = current_agency(agency_code) if agency_code else None
        if agency:
            Membership.objects.update_or_create(user=user, defaults={"agency": agency})
        else:
            Membership.objects.filter(user=user).delete()
        self.appoint(user, role)
        return {"username": username, "password": DEMO_PASSWORD, "role": role, "agency": agency and agency.code}

    def reviews(self, row) -> str:
        """Which plans a demo reviewer reviews, as the console says it: " kế hoạch Bình Sơn", " mọi kế hoạch"."""
        if row["role"] != "reviewer" or row["username"] not in REVIEWS:
            return ""
        plan = Plan.objects.filter(slug=REVIEWS[row["username"]]).first() if REVIEWS[row["username"]] else None
        return f" kế hoạch {plan.place}" if plan else " mọi kế hoạch của tỉnh"

    def appoint(self, user, role):
        """A demo reviewer's plans: `vanphong` Bình Sơn's only, `sodantoc` (the Sở) every plan of the province."""
        user.plan_roles.all().delete()
        if role != "reviewer" or user.username not in REVIEWS:
            return
        slug = REVIEWS[user.username]
        plan = Plan.objects.filter(slug=slug).first() if slug else None
        if slug and plan is None:
            raise CommandError(f"Chưa có kế hoạch {slug}: hãy chạy “manage.py load_plan” trước.")
        PlanRole.objects.create(user=user, role=PlanRoleKind.REVIEWER, plan=plan)
