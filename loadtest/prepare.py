"""The data of the week before 05/12, for the load test (run by loadtest/run.sh on a throw-away database).

`seed_demo --reports` has filled this year as it ends; here most reports are put back in the agencies'
hands through the workflow (sent back or reopened, with a reason), so staff can open and save them,
while a few stay submitted for the reviewers' queue. Prints the cast as JSON for the locustfile."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhson_plan.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from reports.models import AgencyReport, ReportingCycle, ReportState  # noqa: E402
from tasks.models import Plan  # noqa: E402

AWAITING_REVIEW = 3  # reports left submitted, for the queue


def main():
    plan = Plan.objects.get(is_active=True)
    cycle = ReportingCycle.current(plan)
    reviewer = get_user_model().objects.get(username="vanphong")
    reports = list(cycle.reports.select_related("agency").order_by("agency__code"))
    submitted = [r for r in reports if r.state == ReportState.SUBMITTED][:AWAITING_REVIEW]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        for report in reports:
            if report in submitted:
                continue
            if report.state == ReportState.APPROVED:
                report.reopen(by=reviewer, reason="Thử tải: đơn vị cập nhật số liệu cuối năm.")
            elif report.state == ReportState.SUBMITTED:
                report.send_back(by=reviewer, reason="Thử tải: đơn vị bổ sung số liệu.")
    staff = []
    for report in AgencyReport.objects.filter(cycle=cycle).select_related("agency").order_by("agency__code"):
        if report.is_editable:
            user = get_user_model().objects.filter(membership__agency=report.agency).order_by("pk").first()
            staff.append({"username": user.username, "report": report.pk})
    queue = [r.pk for r in AgencyReport.objects.awaiting_review()]
    targets = list(plan.targets.filter(is_active=True).order_by("position").values_list("code", flat=True))
    cast = {"plan": plan.slug, "year": cycle.year, "staff": staff, "queue": queue, "targets": targets,
            "reviewer": "vanphong", "viewer": "lanhdao"}  # fmt: skip
    print(json.dumps(cast, ensure_ascii=False))


if __name__ == "__main__":
    main()
