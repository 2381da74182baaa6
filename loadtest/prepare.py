"""The data of the week before 05/12, for the load test (run by loadtest/run.sh on a throw-away database).

`seed_demo --reports` has filled this year as it ends; here most reports are put back in the agencies'
hands through the workflow (sent back or reopened, with a reason), so staff can open and save them,
while a few stay submitted for the reviewers' queue. Everyone is already signed in, as in the middle of a
working day: a session per person is made here (a login, PBKDF2 on purpose, costs ~0.4 s of CPU once a
day and is not what a season's load is made of). Prints the cast as JSON for the locustfile."""

import json
import os
import sys
from pathlib import Path

from reports.cycles.opening import open_cycle
from reports.review import workflow

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhson_plan.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from reports.demo.seeding import demo_year  # noqa: E402
from reports.models import AgencyReport, ReportState  # noqa: E402
from tasks.models import Plan  # noqa: E402

AWAITING_REVIEW = 3  # reports left submitted, for the queue
REVIEWERS, VIEWERS = 5, 10


def signed_in(user) -> str:
    """The key of a new session of `user`, as a login would leave it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def main():
    plan = Plan.objects.get(is_active=True)
    cycle = open_cycle(plan, demo_year(plan))  # the year seed_demo filled (in January: the year just ended)
    reviewer = get_user_model().objects.get(username="vanphong")
    reports = list(cycle.reports.select_related("agency").order_by("agency__code"))
    submitted = [r for r in reports if r.state == ReportState.SUBMITTED][:AWAITING_REVIEW]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        for report in reports:
            if report in submitted:
                continue
            if report.state == ReportState.APPROVED:
                workflow.reopen(report, by=reviewer, reason="Thử tải: đơn vị cập nhật số liệu cuối năm.")
            elif report.state == ReportState.SUBMITTED:
                workflow.send_back(report, by=reviewer, reason="Thử tải: đơn vị bổ sung số liệu.")
    staff = []
    for report in AgencyReport.objects.filter(cycle=cycle).select_related("agency").order_by("agency__code"):
        if report.is_editable:
            user = get_user_model().objects.filter(membership__agency=report.agency).order_by("pk").first()
            staff.append({"username": user.username, "report": report.pk, "session": signed_in(user)})
    queue = [r.pk for r in AgencyReport.objects.awaiting_review()]
    targets = list(plan.targets.filter(is_active=True).order_by("position").values_list("code", flat=True))
    viewer = get_user_model().objects.get(username="lanhdao")
    cast = {"plan": plan.slug, "year": cycle.year, "staff": staff, "queue": queue, "targets": targets,
            "reviewers": [signed_in(reviewer) for _ in range(REVIEWERS)],
            "viewers": [signed_in(viewer) for _ in range(VIEWERS)]}  # fmt: skip
    print(json.dumps(cast, ensure_ascii=False))


if __name__ == "__main__":
    main()
