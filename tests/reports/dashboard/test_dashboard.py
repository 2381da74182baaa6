"""The district dashboard, its exports, the value import, the public page and the progress API."""

import csv
import datetime
import io
from decimal import Decimal

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agencies.models import Membership
from agencies.permissions import Role, add_role
from targets.models import TargetValue
from tests.conftest import DATA, queries_of
from tests.reports.helpers import ReportPage, bhxh_sends, current_report, on, post_seen

pytestmark = pytest.mark.season  # who has reported, late or overdue, depends on the day
SLUG = "binh-son-ctdt-2021-2030"
URL = f"/bang-dieu-khien/{SLUG}/2026/"


@pytest.fixture
def imported(plan):
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    return plan


@pytest.fixture
def reviewer(client, cast):
    client.force_login(cast["vanphong"])
    return client


@pytest.mark.parametrize(
    ("user", "status"),
    [("vanphong", 200), ("lanhdao", 200), ("quantri", 200), ("canbo.ldtbxh", 403), ("canbo.binhan", 403)],
)
def test_who_sees_the_dashboard(client, cast, plan, user, status):
    client.force_login(cast[user])
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}chi-tieu.xlsx").status_code == status
    assert client.get("/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/").status_code == (
        200 if user == "vanphong" else 403
    )


def test_anonymous_visitors_go_to_login(client, plan):
    for url in [URL, "/bang-dieu-khien/", f"{URL}chi-tieu.xlsx", "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/"]:
        assert client.get(url)["Location"].startswith("/dang-nhap/")


def test_who_has_not_reported_at_a_glance(client, cast, imported):
    staff = client
    approved = current_report(imported, "LDTBXH")
    with on("2026-12-01"):  # on time (due 05/12/2026)
        staff.force_login(cast["canbo.ldtbxh"])
        staff.post(f"/bao-cao/{approved.pk}/", ReportPage(approved).fill_everything().data("submit"))
        client.force_login(cast["vanphong"])
        post_seen(client, f"/bao-cao/{approved.pk}/duyet/")
        summary = client.get(URL).content.decode().split('id="bang-don-vi"')[0]
        assert "<strong>21</strong> chưa gửi" in summary and "quá hạn" not in summary  # not yet: due on 05/12
    late = current_report(imported, "GDDT")
    with on("2026-12-08"):
        staff.force_login(cast["canbo.gddt"])
        staff.post(f"/bao-cao/{late.pk}/", ReportPage(late).fill_everything().data("submit"))
        client.force_login(cast["vanphong"])
        html = client.get(URL).content.decode()
    summary = html[html.index('id="tinh-hinh-bao-cao"') : html.index('id="bang-don-vi"')]
    assert "<strong>22</strong> phải báo cáo" in summary and "<strong>2</strong> đã gửi" in summary
    assert "<strong>1</strong> đúng hạn" in summary and "<strong>1</strong> gửi muộn" in summary
    assert "<strong>1</strong> đã duyệt" in summary
    assert "<strong>20</strong> chưa gửi" in summary and "<strong>20</strong> quá hạn" in summary
    table = html[html.index('id="bang-don-vi"') :]
    assert table.index("Chưa gửi") < table.index("Phòng Giáo dục và Đào tạo")  # who has not reported comes first
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in table.split("<tr>")[2:]}
    assert "Quá hạn" in rows["Ủy ban nhân dân xã Bình An"] and "Gửi muộn" not in rows["Ủy ban nhân dân xã Bình An"]
    assert "Gửi muộn" in rows["Phòng Giáo dục và Đào tạo"] and "Quá hạn" not in rows["Phòng Giáo dục và Đào tạo"]
    ldtbxh = rows["Phòng Lao động - Thương binh và Xã hội"]
    assert "Gửi muộn" not in ldtbxh and "Quá hạn" not in ldtbxh


def test_which_targets_are_slipping_and_why(reviewer, imported):
    html = reviewer.get(URL).content.decode()
    # the column holds the value the status was judged on (a passed milestone's year), so never headed "latest"
    assert '<th scope="col">Số liệu dùng để đánh giá</th>' in html and "Gần nhất" not in html
    row = html[html.index('id="ct-2025.19"') : html.index("</tr>", html.index('id="ct-2025.19"'))]
    # the 2025 milestones have passed: each is judged once, on its year or the latest value before it
    assert "Không đạt" in row and "<svg" in row
    assert "Mốc 2025 đã qua. Chưa có số liệu năm 2025; số liệu gần nhất trước mốc (năm 2024) là 90%" in row
    row = html[html.index('id="ct-2025.12"') : html.index("</tr>", html.index('id="ct-2025.12"'))]
    assert "Đạt" in row and "Không đạt" not in row and "98,6" in row
    income = html[html.index('id="ct-2025.01"') : html.index("</tr>", html.index('id="ct-2025.01"'))]
    assert "27 triệu đồng/người/năm, gấp 1,5 lần năm 2020" in income
    assert "trên 2 lần năm 2020 (36 triệu đồng/người/năm)" in income


def test_filters(reviewer, imported):
    html = reviewer.get(URL + "?status=not_met").content.decode()
    assert 'id="ct-2025.19"' in html and 'id="ct-2025.12"' not in html
    html = reviewer.get(URL + "?horizon=2030").content.decode()
    assert 'id="ct-2030.03"' in html and 'id="ct-2025.01"' not in html
    html = reviewer.get(URL + "?agency=BHXH").content.decode()
    assert 'id="ct-2025.19"' in html and 'id="ct-2025.01"' not in html


def test_tasks_show_the_lead_agencys_status(client, cast, plan):
    report = current_report(plan, "TTYT")
    client.force_login(cast["vanphong"])
    ReportPage(report)  # entries exist
    report.task_entries.filter(section__code="III.3.c.3").update(status="delayed", results="Thiếu bác sĩ ở tuyến xã.")
    type(report).objects.filter(pk=report.pk).update(state="submitted")  # a draft is its agency's own
    html = client.get(URL + "?task_status=delayed").content.decode()
    tasks = html[html.index('id="nhiem-vu"') : html.index('id="kien-nghi"')]
    assert "III.3.c.3" in tasks and "Chậm tiến độ" in tasks and "Thiếu bác sĩ ở tuyến xã." in tasks
    assert "Chưa duyệt" in tasks
    assert "III.2.d.3" not in tasks
    html = client.get(URL + "?task_agency=TTYT").content.decode()
    tasks = html[html.index('id="nhiem-vu"') : html.index('id="kien-nghi"')]
    assert "III.2.d.3" in tasks and "III.3.c.3" in tasks and "III.1" not in tasks


@on("2026-12-01")
def test_a_task_whose_lead_was_sent_back_is_not_said_never_reported(client, cast, plan):
    report = current_report(plan, "GDDT")  # Phòng GD&ĐT leads III.2.d.2
    client.force_login(cast["canbo.gddt"])
    assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    assert post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung kết quả."}).status_code == 302
    html = client.get(URL + "?task_agency=GDDT").content.decode()
    tasks = html[html.index('id="nhiem-vu"') : html.index('id="kien-nghi"')]
    assert "III.2.d.2" in tasks and "Bị trả lại, đang bổ sung" in tasks and "Chưa báo cáo" not in tasks
    sheet = pd.read_excel(
        io.BytesIO(client.get(f"/bang-dieu-khien/{SLUG}/2026/nhiem-vu.xlsx?task_agency=GDDT").content)
    )
    assert set(sheet["Tình hình thực hiện"]) == {"Bị trả lại, đang bổ sung"}


@on("2026-12-01")
def test_the_dashboard_counts_as_sent_what_the_consolidated_report_counts(client, cast, plan):
    """A sent-back report is back with its agency: neither the dashboard nor the consolidated report counts it as
    sent; both its first submission's timeliness and its send-back are still said."""
    from reports.consolidated.gathering import gather
    from reports.consolidated.models import ConsolidatedReport

    for code, user in (("GDDT", "canbo.gddt"), ("LDTBXH", "canbo.ldtbxh")):
        report = current_report(plan, code)
        client.force_login(cast[user])
        page = ReportPage(report).fill_everything()
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    assert post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung."}).status_code == 302
    html = client.get(URL).content.decode()
    summary = html[html.index('id="tinh-hinh-bao-cao"') : html.index('id="bang-don-vi"')]
    assert "<strong>1</strong> đã gửi" in summary and "<strong>1</strong> bị trả lại, đang bổ sung" in summary
    assert (
        "Gửi lần đầu: <strong>2</strong> báo cáo (<strong>2</strong> đúng hạn, <strong>0</strong> gửi muộn)" in summary
    )
    assert "<strong>20</strong> chưa gửi" in summary
    data = gather(ConsolidatedReport(plan=plan, year=2026, report_date=datetime.date(2026, 12, 1)))
    assert int(data.reports["included"].astype(bool).sum()) == 1


def test_open_proposals_and_their_answers(reviewer, plan):
    report = current_report(plan, "UBND-BK")
    report.proposals.create(text="Làm cầu qua suối.", state="forwarded", response="Đã chuyển Phòng KT&HT.")
    type(report).objects.filter(pk=report.pk).update(state="approved")  # a draft's proposals are its agency's own
    html = reviewer.get(URL).content.decode()
    section = html[html.index('id="kien-nghi"') :]
    assert "Làm cầu qua suối." in section and "Đã chuyển xử lý" in section and "Đã chuyển Phòng KT&amp;HT." in section


def test_exports_reopen_with_the_same_numbers(reviewer, imported):
    for table, columns in [
        ("tinh-hinh-bao-cao", ["Cơ quan, đơn vị", "Trạng thái", "Gửi lần đầu", "Gửi muộn", "Quá hạn", "Gửi lại lúc",
                               "Ghi chú"]),
        ("chi-tieu", ["Mã", "Chỉ tiêu", "Mốc", "Mục tiêu", "Đơn vị", "Năm của số liệu dùng để đánh giá",
                      "Số liệu dùng để đánh giá",
                      "Số ước tính", "Số liệu báo cáo chưa duyệt (chưa tính vào tình trạng)", "Tình trạng",
                      "Giải thích", "Phương pháp", "Văn phòng huyện điều chỉnh", "Lý do điều chỉnh",
                      "Người điều chỉnh", "Điều chỉnh lúc", "Đơn vị chịu trách nhiệm"]),
        ("nhiem-vu", ["Mã", "Nhiệm vụ", "Cơ quan chủ trì", "Tình hình thực hiện", "Kết quả", "Báo cáo của đơn vị"]),
        ("kien-nghi", ["Cơ quan, đơn vị", "Kiến nghị, đề xuất", "Tình trạng", "Trả lời", "Báo cáo của đơn vị"]),
    ]:  # fmt: skip
        response = reviewer.get(f"{URL}{table}.xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        frame = pd.read_excel(io.BytesIO(response.content))
        assert list(frame.columns) == columns
    targets = pd.read_excel(io.BytesIO(reviewer.get(f"{URL}chi-tieu.xlsx").content), dtype={"Mã": str})
    row = targets[targets["Mã"] == "2030.03"].iloc[0]
    assert (row["Số liệu dùng để đánh giá"], row["Năm của số liệu dùng để đánh giá"], row["Tình trạng"]) == (
        14.2,
        2024,
        "Đúng tiến độ",
    )
    assert len(targets) == 52
    filtered = pd.read_excel(io.BytesIO(reviewer.get(f"{URL}chi-tieu.xlsx?horizon=2045").content))
    assert len(filtered) == 4
    assert reviewer.get(f"{URL}khong-co.xlsx").status_code == 404


@pytest.mark.parametrize("url", [URL, f"/ke-hoach/{SLUG}/chi-tieu/2025.01/", f"/api/plans/{SLUG}/progress/?year=2026"])
def test_constant_queries_at_two_data_sizes(client, cast, plan, url):
    client.force_login(cast["sodantoc"])  # the Sở reviews every plan: the second plan below too
    client.get(url)  # the year's cycle is created on first view
    small = queries_of(client, url)
    assert small > 3
    targets = list(plan.targets.exclude(kind="qualitative"))
    TargetValue.objects.bulk_create(
        [
            TargetValue(target=t, year=y, value=Decimal(50 + y % 7), source="x")
            for t in targets
            for y in range(2020, 2027)
        ]
    )
    assert queries_of(client, url) == small
    # A plan of another size (the tiny test plan: 5 sections, 3 targets) runs the same number of queries.
    call_command("load_plan", str(DATA / "tiny_plan.yaml"), stdout=io.StringIO())
    other = url.replace(SLUG, "tra-bong-thu-nghiem").replace("2025.01", "2027.01")
    client.get(other)
    assert queries_of(client, other) == small


def test_the_public_page_shows_only_approved_figures(client, cast, plan):
    report = bhxh_sends(client, plan, "2025.19", "93,7")
    html = client.get(f"/cong-khai/{SLUG}/").content.decode()
    assert "93,7" not in html and "Công khai kết quả thực hiện" in html
    api = client.get(f"/api/plans/{SLUG}/progress/?year=2026").json()
    assert next(t for t in api["targets"] if t["code"] == "2025.19")["values"] == {}
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    client.logout()
    # 2025.19's only milestone (2025) has passed without its value: the report gave that year's value
    assert "2025: 93,7" in client.get(f"/cong-khai/{SLUG}/").content.decode()


def test_the_progress_api(client, imported):
    data = client.get(f"/api/plans/{SLUG}/progress/?year=2024").json()
    assert data["year"] == 2024 and len(data["targets"]) == 52
    poverty = next(t for t in data["targets"] if t["code"] == "2030.03")
    assert poverty["values"] == {"2020": 27.5, "2021": 23.2, "2022": 20.1, "2023": 16.7, "2024": 14.2}
    assert poverty["status"] == "on_track" and poverty["milestone"] == 2030 and poverty["method"] == "cagr"
    assert set(poverty) == {
        "code",
        "name",
        "horizon",
        "measured_unit",
        "values",
        "estimates",
        "status",
        "status_label",
        "milestone",
        "final",
        "value_year",
        "value",
        "value_is_estimate",
        "baseline_year",
        "baseline_value",
        "target_value",
        "reference",
        "ratio_to_reference",
        "method",
        "ratio",
        "explanation",
        "method_note",
        "override",
    }
    statuses = {t["status"] for t in data["targets"]}
    assert statuses <= {"achieved", "on_track", "acceleration_needed", "limited", "deterioration",
                        "insufficient_data", "qualitative"}  # fmt: skip
    response = client.get(f"/api/plans/{SLUG}/progress/?year=2024&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (
        len(rows) == 52
        and next(r for r in rows if r["code"] == "2030.03")["values"]
        == "2020: 27.5; 2021: 23.2; 2022: 20.1; 2023: 16.7; 2024: 14.2"
    )
    assert client.get(f"/api/plans/{SLUG}/progress/?year=1990").status_code == 400
    assert client.get("/api/plans/khong-co/progress/").status_code == 404


@on("2026-11-20")  # the page judges this year: 2026
def test_the_target_page_explains_with_a_chart(client, cast, imported):
    client.force_login(cast["vanphong"])  # signed in that day
    html = client.get(f"/ke-hoach/{SLUG}/chi-tieu/2025.19/").content.decode()
    assert "Tình trạng năm 2026" in html and "Đi xuống" in html
    chart = html[html.index('id="bieu-do"') : html.index("</figure>")]
    assert "<svg" in chart and "stroke-dasharray" in chart and "2024: 90" in chart
    assert 'id="theo-nam"' in html and 'id="so-lieu"' in html


def test_the_milestones_of_one_indicator_share_their_values(client, cast, imported):
    from reports.cycles.organisation import ensure_entries

    # 2030.03 (< 10% by 2030) and 2045.02 (zero) are one series: the poverty rate
    data = client.get(f"/api/plans/{SLUG}/progress/?year=2024").json()
    by_code = {t["code"]: t for t in data["targets"]}
    assert (
        by_code["2045.02"]["values"]
        == by_code["2030.03"]["values"]
        == {"2020": 27.5, "2021": 23.2, "2022": 20.1, "2023": 16.7, "2024": 14.2}
    )
    assert by_code["2045.02"]["method"] == "linear" and by_code["2030.03"]["method"] == "cagr"
    # income: 2030.02 is judged on the values of 2025.01 against the reference series
    assert by_code["2030.02"]["values"] == {"2020": 18.0, "2022": 22.0, "2024": 27.0}
    # ratios to the national income 18/50.6 = 0.355731 → 27/64.8 = 0.416667: CAGR_o = 1.171296^(1/4) − 1 = 0.040317,
    # CAGR_r = (0.5/0.355731)^(1/10) − 1 = 0.034630, R = 1.1642
    assert by_code["2030.02"]["status"] == "on_track" and by_code["2030.02"]["ratio"] == pytest.approx(1.1642, abs=1e-3)
    # the agency reports the series once, on its earliest milestone
    report = current_report(imported, "LDTBXH")
    ensure_entries(report)
    codes = set(report.target_entries.values_list("target__code", flat=True))
    assert "2030.03" in codes and "2045.02" not in codes
    client.force_login(cast["vanphong"])
    page = client.get(f"/ke-hoach/{SLUG}/chi-tieu/2045.02/").content.decode()
    assert 'id="cac-moc"' in page and "mốc 2030 (đang xét)" in page and "Số liệu ghi ở chỉ tiêu 2030.03" in page


def test_the_report_form_says_which_milestones_share_a_value(client, cast, plan):
    report = current_report(plan, "TCKH")
    client.force_login(cast["vanphong"])

    staff = get_user_model().objects.create_user("canbo.tckh")
    Membership.objects.create(user=staff, agency=report.agency)
    add_role(staff, Role.AGENCY_STAFF)
    client.force_login(staff)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Số liệu này dùng chung cho mốc sau của cùng chỉ số: 2030.02, 2045.01." in html
    assert 'id="chi-tieu-2030.02"' not in html
