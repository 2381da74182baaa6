"""The fifteenth probe: an "as of" date of spaces alone was refused as "Ngày không hợp lệ" instead of read as blank.
Every date field (binhson_plan.dates.DayField) strips what is typed before reading it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import ReportingCycle, TargetEntry
from targets.models import TargetValue
from tests.reports.helpers import ReportPage, current_report, on

pytestmark = pytest.mark.season
SPACES = "   \t "


def test_spaces_in_the_report_s_as_of_date_are_a_blank_date(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report).target("2030.10", value="33,4", as_of=SPACES)
        response = client.post(f"/bao-cao/{report.pk}/", page.data())
        assert response.status_code == 302, response.content.decode()[:200]
    entry = TargetEntry.objects.get(report=report, target__code="2030.10")
    assert (entry.value, entry.as_of) == (Decimal("33.4"), datetime.date(2026, 12, 6))


def test_spaces_in_the_correction_s_and_the_cycle_s_dates_are_blank(client, cast, plan):
    client.force_login(cast["vanphong"])
    url = reverse("tasks:value_correction", args=[plan.slug, "2030.04"])
    data = {"year": 2025, "value": "56", "as_of": SPACES, "reason": "Số liệu công bố lại."}
    assert client.post(url, data).status_code == 302
    assert TargetValue.objects.current().get(target__code="2030.04", year=2025).as_of == datetime.date(2025, 12, 31)
    cycle = current_report(plan, "LDTBXH").cycle
    dates = {"opens_on": "01/01/2026", "due_on": "05/12/2026", "data_cutoff": "31/12/2026", "locks_on": SPACES}
    assert client.post(f"/ky-bao-cao/{cycle.pk}/", dates).status_code == 302
    assert ReportingCycle.objects.get(pk=cycle.pk).locks_on is None
