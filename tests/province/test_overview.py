"""The province view (/tinh/): every plan's reporting in a year, as each plan's own dashboard counts it, for the Sở
and leadership only, in a number of queries that does not grow with the plans."""

import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from reports.cycles.opening import open_cycle
from reports.models import AgencyReport, PlanRole, PlanRoleKind, Proposal, ReportState
from tasks.models import Plan
from tests.conftest import DATA, queries_of
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season  # late and overdue depend on the day
URL = "/tinh/"
TINY = "tra-bong-thu-nghiem"


@pytest.fixture
def two_plans(plan):
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=io.StringIO())
    return plan, Plan.objects.get(slug=TINY)


def row_of(html: str, slug: str) -> list[str]:
    """The figures of a plan's row, cell by cell (the first cell, the plan's name, left out)."""
    row = html.split(f'id="kh-{slug}"')[1].split("</tr>")[0]
    cells = row.split('<td class="text-end">')[1:]
    return [re.sub(r"<[^>]+>", "", cell.split("</td>")[0]).strip() for cell in cells]


WHO = [("lanhdao", 200), ("quantri", 200), ("sodantoc", 200), ("vanphong", 403), ("canbo.ldtbxh", 403),
       ("canbo.binhan", 403)]  # fmt: skip


@pytest.mark.parametrize(("user", "status"), WHO)
def test_who_sees_the_province_view(client, cast, two_plans, user, status):
    """The Sở (reviewer of every plan), leadership and administrators; not a reviewer of one plan (vanphong reviews
    Bình Sơn's only), nor agency staff. The menu offers the page to those who may open it, and to no one else."""
    client.force_login(cast[user])
    response = client.get(URL)
    assert response.status_code == status
    assert client.get(f"{URL}bang-tinh.xlsx").status_code == status
    if status == 403:
        html = response.content.decode()
        assert "Trang toàn tỉnh dành cho Sở Dân tộc và Tôn giáo" in html
        # each told where to go, by a menu they have (browser pass 39: staff were sent to menus they lack)
        staff = user.startswith("canbo.")
        assert ("mục “Báo cáo của đơn vị”" in html) == staff and ("mục Thẩm định hoặc Bảng điều khiển" in html) != staff
    menu = client.get("/ke-hoach/").content.decode().split("</nav>")[0]
    assert (f'href="{URL}">Toàn tỉnh</a>' in menu) == (status == 200)


def test_a_viewer_named_to_one_plan_does_not_see_the_province(client, cast, two_plans):
    binh_son, _ = two_plans
    PlanRole.objects.create(user=cast["lanhdao"], role=PlanRoleKind.VIEWER, plan=binh_son)
    client.force_login(cast["lanhdao"])
    assert client.get(URL).status_code == 403
    assert f'href="{URL}">Toàn tỉnh</a>' not in client.get("/ke-hoach/").content.decode()


def test_anonymous_visitors_go_to_login(client, plan):
    for url in [URL, f"{URL}bang-tinh.xlsx"]:
        assert client.get(url)["Location"].startswith("/dang-nhap/")


def test_each_plan_counted_as_its_dashboard_counts_it(client, cast, two_plans):
    binh_son, tiny = two_plans
    with on("2026-12-10"):  # after Bình Sơn's due date (05/12) and the tiny plan's (20/11)
        report = current_report(binh_son, "LDTBXH")
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report).fill_everything()
        page.values["proposal-0-text"] = "Đề nghị tỉnh hỗ trợ kinh phí"
        client.post(f"/bao-cao/{report.pk}/", page.data("submit"))  # late: sent after 05/12
        assert AgencyReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED
        open_cycle(tiny, 2026)
        client.force_login(cast["lanhdao"])
        html = client.get(URL, {"year": 2026}).content.decode()
        dashboard = client.get(f"/bang-dieu-khien/{binh_son.slug}/2026/").content.decode()
    expected = AgencyReport.objects.filter(cycle__plan=binh_son, cycle__year=2026).count()
    open_proposals = Proposal.objects.filter(report=report).count()
    assert open_proposals >= 1
    # expected, sent, sent back, not sent, approved, late, overdue, open proposals
    assert row_of(html, binh_son.slug) == [str(expected), "1", "0", str(expected - 1), "0", "1", str(expected - 1),
                                           str(open_proposals)]  # fmt: skip
    assert f"<strong>{expected}</strong> phải báo cáo" in dashboard and "<strong>1</strong> đã gửi" in dashboard
    tiny_reports = AgencyReport.objects.filter(cycle__plan=tiny, cycle__year=2026).count()
    assert tiny_reports == 2
    assert row_of(html, TINY) == ["2", "0", "0", "2", "0", "0", "2", "0"]  # none sent, both past 20/11/2026


def send(client, user, report) -> None:
    client.force_login(user)
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    assert response.status_code == 302, response.content.decode()[:500]


def test_a_sent_back_report_is_counted_apart_and_the_columns_add_up(client, cast, two_plans):
    """A report sent back for corrections is neither sent (it is with the agency again) nor never sent: it has its
    own column, on the page and in the Excel file, and sent + sent back + not sent = expected."""
    binh_son, _ = two_plans
    ldtbxh, binh_an = current_report(binh_son, "LDTBXH"), current_report(binh_son, "UBND-BA")
    with on("2026-11-16"):
        send(client, cast["canbo.ldtbxh"], ldtbxh)
        send(client, cast["canbo.binhan"], binh_an)
        client.force_login(cast["vanphong"])
        response = post_seen(client, f"/bao-cao/{ldtbxh.pk}/tra-lai/", {"reason": "Bổ sung nguồn số liệu."})
        assert response.status_code == 302
        assert AgencyReport.objects.get(pk=ldtbxh.pk).state == ReportState.SENT_BACK
        client.force_login(cast["lanhdao"])
        html = client.get(URL, {"year": 2026}).content.decode()
        sheet = load_workbook(io.BytesIO(client.get(f"{URL}bang-tinh.xlsx", {"year": 2026}).content)).active
    expected = AgencyReport.objects.filter(cycle__plan=binh_son, cycle__year=2026).count()
    head = html.split('id="bang-ke-hoach"')[1].split("</thead>")[0]
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head)[:5] == [
        "Kế hoạch", "Phải báo cáo", "Đã gửi", "Bị trả lại", "Chưa gửi"]  # fmt: skip
    row = row_of(html, binh_son.slug)
    assert row[:4] == [str(expected), "1", "1", str(expected - 2)]
    assert int(row[1]) + int(row[2]) + int(row[3]) == int(row[0])
    assert "Phải báo cáo = Đã gửi + Bị trả lại + Chưa gửi." in html
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:5] == ("Kế hoạch", "Phải báo cáo", "Đã gửi", "Bị trả lại", "Chưa gửi")  # under the title
    mine = next(r for r in rows[3:] if r[0] == binh_son.display_title)
    assert mine[1:5] == (expected, 1, 1, expected - 2)


def test_a_report_approved_shows_at_once(client, cast, two_plans):
    """Whatever the page keeps between requests, an approval changes the counts on the next request."""
    binh_son, _ = two_plans
    report = current_report(binh_son, "LDTBXH")
    with on("2026-11-16"):
        send(client, cast["canbo.ldtbxh"], report)
        client.force_login(cast["lanhdao"])
        before = row_of(client.get(URL, {"year": 2026}).content.decode(), binh_son.slug)
        client.force_login(cast["vanphong"])
        assert post_seen(client, f"/bao-cao/{report.pk}/duyet/").status_code == 302
        client.force_login(cast["lanhdao"])
        after = row_of(client.get(URL, {"year": 2026}).content.decode(), binh_son.slug)
    assert (before[1], before[4]) == ("1", "0")  # sent, approved
    assert (after[1], after[4]) == ("1", "1")


def test_a_year_without_a_cycle_says_so(client, cast, two_plans):
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        html = client.get(URL, {"year": 2023}).content.decode()
    assert "Chưa mở kỳ báo cáo năm 2023." in html
    assert row_of(html, TINY) == ["0"] * 8


def test_a_wrong_year_shows_the_latest(client, cast, two_plans):
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        for text in ["abc", "1999", "٢٠٢٦", "2031"]:
            html = client.get(URL, {"year": text}).content.decode()
            assert "năm 2026</h1>" in html, text


def test_the_excel_file_has_a_row_per_plan_and_a_filtered_one_is_named_apart(client, cast, two_plans):
    binh_son, tiny = two_plans
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        open_cycle(binh_son, 2026)
        response = client.get(f"{URL}bang-tinh.xlsx", {"year": 2026})
        filtered = client.get(f"{URL}bang-tinh.xlsx", {"year": 2026, "plan": TINY, "status": "met"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # what the file is, above its table, as the page's heading says it
    assert rows[0][0] == "Các kế hoạch công tác dân tộc của tỉnh: tình hình báo cáo năm 2026"
    assert rows[1][0] == "Tải từ trang Toàn tỉnh lúc 10:00 06/12/2026."
    assert rows[2][:3] == ("Kế hoạch", "Phải báo cáo", "Đã gửi")
    names = {row[0] for row in rows[3:]}
    assert {binh_son.display_title, tiny.display_title} <= names
    assert response["Content-Disposition"] == 'attachment; filename="toan-tinh-2026.xlsx"'
    # a filtered download says its filters in its name, and its reporting sheet follows the plan filter as the
    # indicator sheet does
    assert filtered["Content-Disposition"] == f'attachment; filename="toan-tinh-2026-loc-{TINY}-dat.xlsx"'
    reporting, indicators = load_workbook(io.BytesIO(filtered.content)).worksheets
    rows = [row[0] for row in reporting.iter_rows(values_only=True)]
    assert rows[1] == f"Chỉ gồm: kế hoạch {tiny.display_title}; tình trạng Đạt."
    assert rows[3:] == ["Kế hoạch", tiny.display_title]
    assert indicators["A1"].value == "Các kế hoạch công tác dân tộc của tỉnh: chỉ tiêu theo chỉ số, năm 2026"
    assert indicators["A2"].value == rows[1]


def copies_of(plan, count: int, first: int = 0) -> None:
    """`count` more plans like `plan`, each with a 2026 cycle, two reports and a proposal."""
    agencies = list(AgencyReport.objects.filter(cycle__plan=plan).values_list("agency_id", flat=True)[:2])
    fields = {f.name: getattr(plan, f.name) for f in Plan._meta.concrete_fields if f.name not in ("id", "slug")}
    for n in range(first, first + count):
        copy = Plan.objects.create(**fields, slug=f"{plan.slug}-{n}")
        cycle = open_cycle(copy, 2026)  # no sections: no reports of its own
        reports = [AgencyReport.objects.create(cycle=cycle, agency_id=agency) for agency in agencies]
        Proposal.objects.create(report=reports[0], text="Kiến nghị")


def test_queries_do_not_grow_with_the_plans(client, cast, two_plans):
    binh_son, tiny = two_plans
    with on("2026-12-06"):
        client.force_login(cast["lanhdao"])
        open_cycle(tiny, 2026)
        copies_of(tiny, 1)  # 3 plans
        at_three = queries_of(client, f"{URL}?year=2026")
        copies_of(tiny, 27, first=1)  # 30 plans
        assert Plan.objects.count() == 30
        at_thirty = queries_of(client, f"{URL}?year=2026")
    assert at_three == at_thirty
