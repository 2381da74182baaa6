"""What the dashboard, the target pages, the public page and the consolidated report show of the demo year on
06/12/2026, the day after the due date: no year still to come judged, the reviewing body of the year's issuer,
estimates marked "(ước)", and values sent but not yet approved shown as such, never a draft's."""

import io
import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from reports.models import AgencyReport, ReportingCycle, TargetEntry
from reports.review import workflow
from targets.models import Target
from targets.overrides import override_status
from tasks.models import ReportIssuer
from tests.conftest import queries_of
from tests.reports.helpers import on, post_seen
from tests.reports.real_year import flat, pdf_text

pytestmark = pytest.mark.season

SLUG = "binh-son-ctdt-2021-2030"
DASHBOARD = f"/bang-dieu-khien/{SLUG}/2026/"
PUBLIC = f"/cong-khai/{SLUG}/"


@pytest.fixture
def demo(plan, settings, tmp_path):
    """The demo year as seeded on 06/12/2026; the test runs on that day."""
    settings.MEDIA_ROOT = tmp_path
    with on("2026-12-06"):
        call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())
        yield plan


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return flat(response.content.decode())


def login(client, username):
    """Log in as a demo user as seed_demo left them (it resets their passwords)."""
    client.force_login(get_user_model().objects.get(username=username))


def row_of(text: str, code: str) -> str:
    start = text.index(f'id="ct-{code}"')
    return text[start : text.index("</tr>", start)]


def test_the_public_page_offers_years_up_to_this_one_and_never_judges_a_year_to_come(client, demo):
    text = page(client, PUBLIC)
    assert '<option value="2026" selected>' in text and 'value="2027"' not in text and 'value="2045"' not in text
    later = page(client, f"{PUBLIC}?nam=2030")
    assert "Năm 2030 chưa đến nên chưa có số liệu để đánh giá; trang đang hiển thị năm 2026." in later
    assert "Tình trạng năm 2026" in later and "Tình trạng năm 2030" not in later
    assert "Năm 2030 chưa đến" not in page(client, f"{PUBLIC}?nam=2025")


def test_the_dashboard_sends_a_year_to_come_to_this_year_with_a_word(client, demo):
    login(client, "lanhdao")
    response = client.get(f"/bang-dieu-khien/{SLUG}/2030/", follow=True)
    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert "Năm 2030 chưa đến nên chưa có số liệu để đánh giá; đang hiển thị năm 2026." in response.content.decode()
    export = client.get(f"/bang-dieu-khien/{SLUG}/2030/chi-tieu.xlsx")
    assert export.status_code == 302 and export["Location"] == DASHBOARD
    assert client.get(f"/bang-dieu-khien/{SLUG}/2025/").status_code == 200


def test_no_year_to_come_is_built_or_judged_by_the_consolidated_report_nor_the_api(client, cast, plan):
    with on("2026-12-06"):  # 2026 is this year, 2027 one to come
        client.force_login(cast["vanphong"])
        response = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2030", follow=True)
        assert response.redirect_chain == [("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", 302)]
        assert "Năm 2030 chưa đến nên chưa có gì để tổng hợp; đang hiển thị năm 2026." in response.content.decode()
        cover = {"plan_number": "29/KH-UBND", "number": "45/BC-UBND", "report_date": "06/12/2026",
                 "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi", "recipients": "Lưu: VT",
                 "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự"}  # fmt: skip
        assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2030", cover).status_code == 302
        with pytest.raises(CommandError, match="Năm phải từ 2021 đến 2026: năm sau chưa có gì để tổng hợp."):
            call_command("build_report", plan=SLUG, year=2027, stdout=io.StringIO())
        assert not ConsolidatedReport.objects.filter(year__gt=2026).exists()
        assert not ReportingCycle.objects.filter(year__gt=2026).exists()
        later = client.get(f"/api/plans/{SLUG}/progress/?year=2030")
        assert later.status_code == 400
        assert later.json() == {
            "error": "Năm phải là một số từ 2021 đến 2026 (năm sau chưa có số liệu); đã nhập “2030”."
        }
        # browser pass 39: letters were answered about later years
        words = client.get(f"/api/plans/{SLUG}/progress/?year=abc")
        assert words.json() == {"error": "Năm phải là một số từ 2021 đến 2026; đã nhập “abc”."}
        early = client.get(f"/api/plans/{SLUG}/progress/?year=2020")  # browser pass 40: not "năm sau"
        assert early.json() == {"error": "Năm phải là một số từ 2021 đến 2026; đã nhập “2020”."}
        assert client.get(f"/api/plans/{SLUG}/progress/?year=%202026").status_code == 200  # a space around is no error
        assert client.get(f"/api/plans/{SLUG}/progress/?year=2026").status_code == 200


def test_a_status_override_names_the_reviewing_body_of_the_years_issuer(client, demo):
    ReportIssuer.objects.create(
        plan=demo, from_year=2026, issuing_body="Ủy ban nhân dân xã Bình Sơn", place="Bình Sơn",
        signer_position="CHỦ TỊCH", signer_name="Nguyễn Văn A", reviewing_body="Văn phòng HĐND và UBND xã Bình Sơn",
    )  # fmt: skip
    target = Target.objects.get(plan=demo, code="2030.06")
    override_status(
        target,
        2026,
        "on_track",
        "Số liệu năm 2026 của tỉnh chưa công bố.",
        by=get_user_model().objects.get(username="vanphong"),
    )
    said = "Văn phòng HĐND và UBND xã Bình Sơn điều chỉnh:"
    assert said in row_of(page(client, PUBLIC), "2030.06")
    assert "Văn phòng huyện" not in page(client, PUBLIC)
    login(client, "vanphong")
    dashboard = page(client, DASHBOARD)
    assert said in row_of(dashboard, "2030.06") and "Văn phòng huyện điều chỉnh" not in dashboard
    detail = page(client, f"/ke-hoach/{SLUG}/chi-tieu/2030.06/")
    assert said in detail and "Văn phòng huyện điều chỉnh" not in detail
    assert "Điều chỉnh tình trạng (Văn phòng HĐND và UBND xã Bình Sơn)" in detail
    export = pd.read_excel(io.BytesIO(client.get(f"{DASHBOARD}chi-tieu.xlsx").content), header=None, dtype=str)
    header = [str(cell) for cell in export.iloc[(export == "Mã").any(axis=1).idxmax()]]
    assert "Văn phòng HĐND và UBND xã Bình Sơn điều chỉnh" in header and "Văn phòng huyện điều chỉnh" not in header


def test_an_estimate_is_marked_uoc_on_the_dashboard_and_the_public_page(client, demo):
    public = row_of(page(client, PUBLIC), "2030.01")  # 2025 and 2026 are estimates in the demo, 2024 is not
    assert "2024: 2.381,8 tỷ đồng;" in public
    assert "2025: 2.560,4 tỷ đồng (ước);" in public and "2026: 2.755 tỷ đồng (ước)</td>" in public
    login(client, "lanhdao")
    dashboard = row_of(page(client, DASHBOARD), "2030.01")
    assert "2.755 tỷ đồng (ước)<div" in dashboard
    assert "(ước)" not in row_of(page(client, DASHBOARD), "2025.03")  # an approved value, not an estimate


def test_an_estimate_is_marked_uoc_beside_a_report_and_as_a_baseline(client, demo):
    """Browser pass 9: "Năm trước" on the report page, the agency's workbook and the consolidated report's "Năm gốc"
    showed an estimate as a plain value, while the form and the dashboard marked it."""
    from openpyxl import load_workbook

    report = AgencyReport.objects.get(cycle__year=2026, agency__code="LDTBXH")
    login(client, "vanphong")
    previous = page(client, report.get_absolute_url())
    previous = previous[previous.index('id="chi-tieu-2030.03"') :].split("</tr>")[0]
    assert "20,1% (ước)<div" in previous and "năm 2025" in previous
    detail = page(client, f"/ke-hoach/{SLUG}/chi-tieu/2030.03/")  # the target's own page, under its status
    judged = detail[detail.index('id="so-lieu-danh-gia"') :].split("</p>")[0]
    assert "năm 2026, 16,4% (ước)" in judged
    chart = page(client, f"/ke-hoach/{SLUG}/chi-tieu/2030.01/")  # its chart's points say so too
    assert "<title>2025: 2.560,4 tỷ đồng (ước)</title>" in chart and "<title>2024: 2.381,8 tỷ đồng</title>" in chart
    goal = re.search(r"<title>Mục tiêu năm 2030: ([\d.,]+) tỷ đồng</title>", chart).group(1)
    assert len(goal.rpartition(",")[2]) <= 1 if "," in goal else True  # "3.591,1", not "3.591,0935"
    login(client, "canbo.ldtbxh")
    book = load_workbook(io.BytesIO(client.get(f"/bao-cao/{report.pk}/excel/").content))
    [line] = [line for line in book["Chỉ tiêu định lượng"].iter_rows(values_only=True) if line[0] == "2030.03"]
    assert "Giá trị năm trước (năm 2025) là số ước thực hiện." in line[-1]
    built = build_consolidated_report(ConsolidatedReport.request(demo, 2026).pk)
    assert built.state == "ready", built.error
    assert "2025: 2.560,4 tỷ đồng (ước)" in flat(pdf_text(built.pdf.path))


def test_values_awaiting_approval_are_counted_per_agency(client, demo):
    """Browser pass 9: "(6 số liệu của Phòng NN&PTNT; Trung tâm Y tế)" read as six values of the one office."""
    _staff_sends_again("NNPTNT")
    AgencyReport.objects.filter(cycle__year=2026, agency__code="TTYT").update(state="submitted")  # sent, as is
    TargetEntry.objects.filter(report__agency__code="TTYT").update(value=70, is_estimate=True)
    login(client, "vanphong")
    note = re.search(r"đang chờ duyệt \(([^)]*)\)", page(client, DASHBOARD)).group(1)
    counted = [part for part in note.split("; ") if " số liệu của " in part]
    assert [part.split(" số liệu của ")[1] for part in counted] == ["Phòng NN&amp;PTNT", "Trung tâm Y tế"]
    assert counted[0] == "4 số liệu của Phòng NN&amp;PTNT" and re.fullmatch(
        r"\d+ số liệu của Trung tâm Y tế", counted[1]
    )


def _staff_sends_again(code):
    """The agency sends its report again (after the demo's send-back), through the report's own method."""
    report = AgencyReport.objects.get(cycle__year=2026, agency__code=code)
    workflow.submit(report, by=get_user_model().objects.get(username=f"canbo.{code.lower()}"))
    return report


def test_values_sent_and_not_yet_approved_are_shown_as_such_and_a_drafts_never(client, demo):
    _staff_sends_again("NNPTNT")  # 2025.10, 2030.04, 2030.12, 2030.17: values for 2026, awaiting review
    TargetEntry.objects.filter(report__agency__code="TTYT", target__code="2030.07").update(value=72.5)  # a draft
    nnptnt = AgencyReport.objects.get(cycle__year=2026, agency__code="NNPTNT").agency
    login(client, "vanphong")
    dashboard = page(client, DASHBOARD)
    # 2025.10 and 2030.16, milestones of one indicator, show its one value: five rows marked, four values
    assert (
        f"5 chỉ tiêu có số liệu trong báo cáo đã gửi đang chờ duyệt (4 số liệu của "
        f"{nnptnt.short_name.replace('&', '&amp;')}; chỉ tiêu 2025.10 và 2030.16 chung một số liệu): ghi bên dưới, "
        "“Chưa duyệt”, chưa tính vào tình trạng cho đến khi được duyệt." in dashboard
    )
    targets = dashboard[dashboard.index('id="chi-tieu"') : dashboard.index('id="nhiem-vu"')]
    marked = [row for row in targets.split('<tr id="ct-')[1:] if ">Chưa duyệt</span>" in row]
    assert len(marked) == 5 and all(row.count(">Chưa duyệt</span>") == 1 for row in marked)
    row = row_of(dashboard, "2030.17")
    assert '48,3% (ước)<div class="text-muted">năm 2026, báo cáo của Phòng NN&amp;PTNT</div>' in row
    assert ">Chưa duyệt</span>" in row
    assert "Đúng tiến độ" in row and "tăng lên 48,00% (ước năm 2025)" in row  # approved values only; 2025 is ước
    assert (
        "72,5" not in row_of(dashboard, "2030.07")
        and "báo cáo của Trung tâm Y tế"
        not in dashboard[dashboard.index('id="chi-tieu"') : dashboard.index('id="nhiem-vu"')]
    )
    report = build_consolidated_report(ConsolidatedReport.request(demo, 2026).pk)
    assert report.state == "ready", report.error
    printed = flat(pdf_text(report.pdf.path))
    assert "số liệu ghi “báo cáo chưa duyệt” là của báo cáo đã gửi, đang thẩm định, chưa tính vào tình trạng" in printed
    assert f"2025: 48% (ước) (2026: 48,3% (ước), báo cáo chưa duyệt của {nnptnt.name})" in printed
    assert "72,5" not in printed
    # Phụ lục 1 holds approved values only, and its legend says where those awaiting review are
    assert ("“–”: chưa có số liệu được duyệt (số liệu của báo cáo đang thẩm định, nếu có, nêu tại mục III với ghi chú "
            "“báo cáo chưa duyệt”)") in printed  # fmt: skip


def test_the_dashboard_says_which_reports_are_back_with_their_agencies_and_why_each_is_overdue(client, demo):
    """The demo year: Nông nghiệp sent back and past its corrections' due date, two agencies never sent; the
    reviewer reopens two approved reports. Each kind is said apart, as "đã gửi" and "quá hạn" count it."""
    login(client, "vanphong")
    for code in ("TNMT", "BHXH"):
        report = AgencyReport.objects.get(cycle__year=2026, agency__code=code)
        assert post_seen(client, f"/bao-cao/{report.pk}/mo-lai/", {"reason": "Sửa số liệu."}).status_code == 302
    dashboard = page(client, DASHBOARD)
    summary = dashboard[dashboard.index('id="tinh-hinh-bao-cao"') : dashboard.index('id="bang-don-vi"')]
    assert "<strong>19</strong> đã gửi" in summary  # the reopened by their approved content, not the sent-back
    assert (
        "Gửi lần đầu: <strong>20</strong> báo cáo (<strong>20</strong> đúng hạn, <strong>0</strong> gửi muộn); trong "
        "20 báo cáo này, <strong>1</strong> bị trả lại, đang ở đơn vị để bổ sung (chưa tính vào “đã gửi”) và "
        "<strong>2</strong> được mở lại để sửa (vẫn tính theo nội dung đã duyệt)</span>" in summary
    )
    assert "<strong>2</strong> chưa gửi" in summary
    assert "<strong>3</strong> quá hạn (2 chưa gửi, 1 quá hạn bổ sung)</span>" in summary


def test_the_dashboard_runs_as_many_queries_whatever_awaits_approval(client, demo):
    login(client, "lanhdao")
    queries_of(client, DASHBOARD)  # the figures cached
    before = queries_of(client, DASHBOARD)
    _staff_sends_again("NNPTNT")
    AgencyReport.objects.filter(cycle__year=2026, agency__code="TTYT").update(state="submitted")
    TargetEntry.objects.filter(report__agency__code="TTYT").update(value=70, is_estimate=True)
    assert "Chưa duyệt" in page(client, DASHBOARD)
    assert queries_of(client, DASHBOARD) == before


def test_a_range_and_its_unit_stay_whole_in_the_printed_status_column(demo):
    """2025.02's reason, in the narrow "Tình trạng và lý do" column: "cần giảm 4,0–4,5 điểm %/năm" never breaks
    after the dash, nor between the range and its unit."""
    report = build_consolidated_report(ConsolidatedReport.request(demo, 2026).pk)
    lines = pdf_text(report.pdf.path).replace("\u00a0", " ").splitlines()
    assert any("4,0–4,5 điểm %/năm" in line for line in lines)
    assert not [line for line in lines if line.rstrip().endswith("–") or line.rstrip().endswith(("4,0", "4,5"))]


def test_the_targets_workbook_marks_estimates_and_values_awaiting_approval(client, demo):
    _staff_sends_again("NNPTNT")
    login(client, "lanhdao")
    response = client.get(f"/bang-dieu-khien/{SLUG}/2026/chi-tieu.xlsx")
    rows = {r["Mã"]: r for r in pd.read_excel(io.BytesIO(response.content), dtype=object).to_dict("records")}
    forest = rows["2030.17"]
    assert forest["Số ước tính"] == "Có" and forest["Số liệu dùng để đánh giá"] == 48
    unapproved = "2026: 48,3% (ước), báo cáo chưa duyệt của Phòng Nông nghiệp và Phát triển nông thôn"
    assert forest["Số liệu báo cáo chưa duyệt (chưa tính vào tình trạng)"] == unapproved
    assert pd.isna(rows["2025.03"]["Số ước tính"])


def test_what_awaits_approval_names_the_years_reviewing_body(client, demo):
    ReportIssuer.objects.create(
        plan=demo, from_year=2026, issuing_body="Ủy ban nhân dân xã Bình Sơn", place="Bình Sơn",
        signer_position="CHỦ TỊCH", signer_name="Nguyễn Văn A", reviewing_body="Văn phòng HĐND và UBND xã Bình Sơn",
    )  # fmt: skip
    login(client, "lanhdao")
    dashboard = page(client, DASHBOARD)
    assert 'title="Báo cáo của đơn vị đã gửi, Văn phòng HĐND và UBND xã Bình Sơn chưa duyệt">Chưa duyệt' in dashboard
    assert "Văn phòng huyện chưa duyệt" not in dashboard  # "Văn phòng huyện" still names an agency that reports
