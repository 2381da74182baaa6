"""The data of the week before 05/12, for the load test (run by loadtest/run.sh on a throw-away database).

`seed_demo --reports` has filled this year as it ends; here most reports are put back in the agencies'
hands through the workflow (sent back or reopened, with a reason), so staff can open and save them,
while a few stay submitted for the reviewers' queue. Everyone is already signed in, as in the middle of a
working day: a session per person is made here (a login, PBKDF2 on purpose, costs ~0.4 s of CPU once a
day and is not what a season's load is made of). Prints the cast as JSON for the locustfile.

`prepare.py` alone: the district's cast (Bình Sơn, the only plan), 50 people. `prepare.py province`: the
province's cast over every active plan (the demo's three, topped up by `bench_builds --scale 25`), 200 people:
staff of as many agencies as there are (one editable report each, spread over the plans; an agency no demo user
belongs to gets one), a reviewer of each plan, the Sở (a reviewer of every plan), leaders, anonymous visitors."""

import json
import os
import sys
import time
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhson_plan.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from django_session_timeout.middleware import SESSION_TIMEOUT_KEY  # noqa: E402

from agencies.models import Agency, Membership  # noqa: E402
from agencies.permissions import Role  # noqa: E402
from reports.cycles.opening import open_cycle  # noqa: E402
from reports.demo.seeding import demo_year  # noqa: E402
from reports.models import AgencyReport, PlanRole, PlanRoleKind, ReportState  # noqa: E402
from reports.review import workflow  # noqa: E402
from tasks.models import Plan  # noqa: E402

AWAITING_REVIEW = 3  # reports left submitted per plan, for the queue
# people per locust class (loadtest/locustfile.py): 50 for the district, 200 for the province
PEOPLE = {
    "district": {"Staff": 20, "Reviewer": 5, "Viewer": 10, "Visitor": 15},
    "province": {"Staff": 110, "Reviewer": 25, "Department": 5, "Leader": 20, "Visitor": 40},
}
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def signed_in(user) -> str:
    """The key of a new session of `user`, as a login would leave it (the idle clock started, agencies.sessions)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_TIMEOUT_KEY] = time.time()
    session.save()
    return session.session_key


def user(username):
    return get_user_model().objects.get(username=username)


def hand_back(cycle, reviewer) -> None:
    """Every report of the cycle back in its agency's hands, but for AWAITING_REVIEW left submitted."""
    reports = list(cycle.reports.select_related("agency").order_by("agency__code"))
    submitted = [r for r in reports if r.state == ReportState.SUBMITTED][:AWAITING_REVIEW]
    for report in reports:
        if report in submitted:
            continue
        if report.state == ReportState.APPROVED:
            workflow.reopen(report, by=reviewer, reason="Thử tải: đơn vị cập nhật số liệu cuối năm.")
        elif report.state == ReportState.SUBMITTED:
            workflow.send_back(report, by=reviewer, reason="Thử tải: đơn vị bổ sung số liệu.")


def plan_cast(plan, cycle) -> dict:
    reports = AgencyReport.objects.filter(cycle=cycle).order_by("agency__code")
    return {
        "targets": list(plan.targets.filter(is_active=True).order_by("position").values_list("code", flat=True)),
        "queue": list(reports.filter(pk__in=AgencyReport.objects.awaiting_review()).values_list("pk", flat=True)),
        "reports": list(reports.values_list("pk", flat=True)[:10]),  # what a reviewer opens when the queue is empty
    }


def staff_member(agency):
    """The agency's first staff member; one made (no password: signed in below) when no demo user belongs to it."""
    member = get_user_model().objects.filter(membership__agency=agency).order_by("pk").first()
    if member is None:
        member = get_user_model().objects.create_user(f"canbo.{agency.code.lower()}", first_name="Cán bộ")
        member.groups.add(Group.objects.get(name=Role.AGENCY_STAFF))
        Membership.objects.create(user=member, agency=agency)
    return member


def district():
    plan = Plan.objects.get(is_active=True)
    cycle = open_cycle(plan, demo_year(plan))  # the year seed_demo filled (in January: the year just ended)
    reviewer = user("vanphong")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        hand_back(cycle, reviewer)
    staff = []
    for report in (
        AgencyReport.objects.filter(cycle=cycle).select_related("agency", "cycle__plan").order_by("agency__code")
    ):
        if report.is_editable:
            member = get_user_model().objects.filter(membership__agency=report.agency).order_by("pk").first()
            staff.append(
                {"username": member.username, "report": report.get_absolute_url(), "session": signed_in(member)}
            )
    people = PEOPLE["district"]
    return {
        "scale": "district", "people": people, "year": cycle.year, "plans": {plan.slug: plan_cast(plan, cycle)},
        "staff": staff,
        "reviewers": [{"plan": plan.slug, "session": signed_in(reviewer)} for _ in range(people["Reviewer"])],
        "viewers": [signed_in(user("lanhdao")) for _ in range(people["Viewer"])],
    }  # fmt: skip


def province():
    plans = list(Plan.objects.filter(is_active=True).order_by("pk"))
    year = demo_year(plans[0])
    cycles = {plan.pk: open_cycle(plan, year) for plan in plans}
    people = PEOPLE["province"]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        for plan in plans:  # the demo's plans: their seeded reports back with the agencies (vanphong: Bình Sơn's)
            reviewer = user("vanphong") if PlanRole.objects.filter(user__username="vanphong", plan=plan) else None
            hand_back(cycles[plan.pk], reviewer or user("sodantoc"))
        # staff: one editable report per agency, the plans taken in turn so that every plan has its editors
        by_plan = [
            list(AgencyReport.objects.filter(cycle=cycles[p.pk]).select_related("agency", "cycle").order_by("pk"))
            for p in plans
        ]
        chosen, agencies = [], set()
        for turn in range(max(map(len, by_plan))):
            for reports in by_plan:
                if turn < len(reports) and reports[turn].agency_id not in agencies and reports[turn].is_editable:
                    chosen.append(reports[turn])
                    agencies.add(reports[turn].agency_id)
        staff = []
        for report in chosen[: people["Staff"]]:
            member = staff_member(report.agency)
            staff.append(
                {"username": member.username, "report": report.get_absolute_url(), "session": signed_in(member)}
            )
        # a reviewer of each plan (vanphong for Bình Sơn), the Sở (sodantoc) and leaders (lanhdao)
        reviewers = []
        for n, plan in enumerate(plans):
            appointed = PlanRole.objects.filter(role=PlanRoleKind.REVIEWER, plan=plan).select_related("user").first()
            if appointed is None:
                reviewer = get_user_model().objects.create_user(f"thamdinh.{n:02d}", first_name="Thẩm định")
                reviewer.groups.add(Group.objects.get(name=Role.REVIEWER))
                PlanRole.objects.create(user=reviewer, role=PlanRoleKind.REVIEWER, plan=plan)
            else:
                reviewer = appointed.user
            reviewers.append({"plan": plan.slug, "session": signed_in(reviewer)})
    return {
        "scale": "province", "people": people, "year": year,
        "plans": {plan.slug: plan_cast(plan, cycles[plan.pk]) for plan in plans},
        "staff": staff, "reviewers": reviewers[: people["Reviewer"]],
        "department": [signed_in(user("sodantoc")) for _ in range(people["Department"])],
        "leaders": [signed_in(user("lanhdao")) for _ in range(people["Leader"])],
        "agencies": Agency.objects.filter(reports__cycle__in=cycles.values()).distinct().count(),
    }  # fmt: skip


LABELS = {"Staff": "cán bộ", "Reviewer": "người thẩm định một kế hoạch", "Department": "Sở (mọi kế hoạch)",
          "Leader": "lãnh đạo", "Visitor": "khách"}  # fmt: skip


if __name__ == "__main__":
    cast = province() if sys.argv[1:] == ["province"] else district()
    print(json.dumps(cast, ensure_ascii=False))
    if cast["scale"] == "province":
        print(
            f"Quy mô tỉnh: {len(cast['plans'])} kế hoạch, {cast['agencies']} cơ quan có báo cáo năm {cast['year']}, "
            f"{len(cast['staff'])} cán bộ mỗi người một báo cáo đang soạn; "
            + ", ".join(f"{n} {LABELS[k]}" for k, n in cast["people"].items()),
            file=sys.stderr,
        )
