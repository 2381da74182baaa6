"""A portal of many plans: a staff member's reports across plans and a reviewer's queue, in a number of queries
that does not grow with the number of plans (3 and 30)."""

import datetime

import pytest
from django.utils import timezone

from agencies.models import Agency
from reports.models import AgencyReport, PlanRole, ReportingCycle, ReportState
from tasks.models import Plan
from tests.conftest import queries_of
from tests.reports.helpers import another_plan, on

pytestmark = pytest.mark.season


def plans_with_reports(plan, count: int, state=ReportState.DRAFT, first=True) -> list:
    """`count` plans (Bình Sơn's first, unless `first` is False, then copies), each with a 2026 cycle and a report of
    Bình An's (UBND-BA)."""
    agency, made = Agency.objects.get(code="UBND-BA"), Plan.objects.count()
    titled = [(f"ke-hoach-{made + i}", f"Kế hoạch trên địa bàn xã Thử {made + i:02d}") for i in range(count)]
    plans = ([plan] if first else []) + [another_plan(plan, *named) for named in titled[: count - first]]
    day = datetime.date
    for each in plans:
        cycle = ReportingCycle.objects.create(
            plan=each, year=2026, opens_on=day(2026, 1, 1), due_on=day(2026, 12, 5), data_cutoff=day(2026, 11, 30)
        )
        submitted = timezone.now() if state == ReportState.SUBMITTED else None
        AgencyReport.objects.create(cycle=cycle, agency=agency, state=state, submitted_at=submitted)
    return plans


def test_a_staff_member_sees_every_report_of_their_agency_marked_by_plan(client, cast, plan):
    plans = plans_with_reports(plan, 3)
    elsewhere = another_plan(plan, "khong-co-phan", "Kế hoạch trên địa bàn xã Không Phần")
    day = datetime.date
    ReportingCycle.objects.create(
        plan=elsewhere, year=2026, opens_on=day(2026, 1, 1), due_on=day(2026, 12, 5), data_cutoff=day(2026, 11, 30)
    )
    client.force_login(cast["canbo.binhan"])
    page = client.get("/bao-cao/").content.decode()
    table = page[page.index('id="bao-cao-cua-don-vi"') :].split("</table>")[0]
    assert table.count("<tr>") == 1 + 3  # the heading, one row per plan and year
    for each in plans:
        assert f'<span title="{each.title}">{each.short_title}</span>' in table
    assert "huyện Bình Sơn" in table and "Không Phần" not in table


def test_a_staff_members_list_takes_as_many_queries_at_3_and_30_plans(client, cast, plan):
    client.force_login(cast["canbo.binhan"])
    plans_with_reports(plan, 3)
    few = queries_of(client, "/bao-cao/")
    plans_with_reports(plan, 27, first=False)
    assert AgencyReport.objects.filter(agency__code="UBND-BA").count() == 30
    assert queries_of(client, "/bao-cao/") == few


@on("2026-12-06")
def test_a_reviewers_queue_and_plan_list_take_as_many_queries_at_3_and_30_plans(client, cast, plan):
    client.force_login(cast["sodantoc"])  # the Sở reviews every plan
    plans_with_reports(plan, 3, state=ReportState.SUBMITTED)
    queue = f"/ke-hoach/{plan.slug}/tham-dinh/"
    few = queries_of(client, queue), queries_of(client, "/tham-dinh/")
    plans_with_reports(plan, 27, state=ReportState.SUBMITTED, first=False)
    assert queries_of(client, queue) == few[0]
    assert queries_of(client, "/tham-dinh/") == few[1]
    listed = client.get("/tham-dinh/").content.decode()
    assert listed.count('href="/ke-hoach/') >= 30  # every plan the Sở reviews, each by its title
    assert Plan.objects.order_by("-pk").first().title in listed
    page = client.get(queue).content.decode()
    assert "Báo cáo chờ thẩm định (1)" in page and plan.title in page  # its own plan's only, named


@on("2026-12-06")
def test_a_staff_member_with_a_part_in_two_plans_lands_on_the_list_of_their_reports(client, cast, plan):
    plans_with_reports(plan, 2)
    client.force_login(cast["canbo.binhan"])
    assert client.get("/")["Location"] == "/bao-cao/"


@on("2026-12-06")
def test_a_viewer_named_on_one_plan_reads_that_plan_only(client, cast, plan):
    other = plans_with_reports(plan, 2)[1]
    PlanRole.objects.create(user=cast["lanhdao"], role="viewer", plan=plan)
    client.force_login(cast["lanhdao"])
    assert client.get(f"/bang-dieu-khien/{plan.slug}/2026/").status_code == 200
    assert client.get(f"/bang-dieu-khien/{other.slug}/2026/").status_code == 403
    assert client.get(f"/ke-hoach/{other.slug}/tong-hop/").status_code == 403
    assert client.get("/tong-hop/")["Location"] == f"/ke-hoach/{plan.slug}/tong-hop/"  # the one plan they read
