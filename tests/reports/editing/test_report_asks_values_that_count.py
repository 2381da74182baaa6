"""The report form asks only for values that count (issue 10, item 1): in 2026 a target whose last milestone
(2025) has passed is asked for its 2025 value while that is missing, and for nothing once it is there."""

from decimal import Decimal

import pytest

from reports.editing.completeness import missing_items
from targets.models import Assessment, TargetValue
from targets.recording import record_assessment, record_value
from tests.reports.helpers import ReportPage, current_report, post_seen
from tests.reports.offline.workbook_helpers import TARGETS, download, row_of


@pytest.fixture
def staff(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    return client


def card(html: str, code: str) -> str:
    start = html.index(f'id="chi-tieu-{code}"')
    return html[start : html.index("</section>", start)]


def submit(client, report, page):
    return client.post(f"/bao-cao/{report.pk}/", page.data("submit"))


def approve(client, cast, report):
    client.force_login(cast["vanphong"])
    assert post_seen(client, f"/bao-cao/{report.pk}/duyet/").status_code == 302
    report.refresh_from_db()
    assert report.state == "approved"


def test_a_passed_milestone_without_its_value_is_asked_for_that_years_value(staff, cast, report):
    html = staff.get(f"/bao-cao/{report.pk}/").content.decode()
    passed = card(html, "2025.22")  # 50% of workers trained by 2025; no later milestone
    assert "Chưa có số liệu năm 2025 của mốc 2025: nhập số liệu năm 2025." in passed
    assert "Giá trị năm 2025" in passed and "Năm 2024:" in passed
    assert "Giá trị năm 2026" in card(html, "2030.03")  # the poverty rate has milestones ahead
    response = submit(staff, report, ReportPage(report).fill_everything().target("2025.22", value="49,5"))
    assert response.status_code == 302
    entry = report.target_entries.get(target__code="2025.22")
    assert (entry.value, entry.value_year) == (Decimal("49.5"), 2025)
    assert report.target_entries.get(target__code="2030.03").value_year == 2026
    approve(staff, cast, report)
    assert TargetValue.objects.current().get(target__code="2025.22").year == 2025
    assert TargetValue.objects.current().get(target__code="2030.03").year == 2026
    row = staff.get("/bang-dieu-khien/binh-son-ctdt-2021-2030/2026/").content.decode()
    row = row[row.index('id="ct-2025.22"') : row.index("</tr>", row.index('id="ct-2025.22"'))]
    # fill_everything sends its values as estimates ("ước thực hiện"), and the sentence says so
    assert "Không đạt" in row and "Năm 2025 ước đạt 49,5%, chưa đạt mục tiêu 50%." in row


def test_a_missing_passed_value_is_what_the_completeness_check_asks_for(staff, report):
    page = ReportPage(report).fill_everything().target("2025.22", value="")
    submit(staff, report, page)
    report.refresh_from_db()
    assert report.state == "draft"
    assert "Chỉ tiêu 2025.22: chưa nhập giá trị năm 2025." in missing_items(report)


def test_once_the_milestones_value_is_there_nothing_is_asked(staff, plan, report):
    record_value(plan.targets.get(code="2025.22"), 2025, Decimal("51"), source="Nhập thử")
    html = staff.get(f"/bao-cao/{report.pk}/").content.decode()
    passed = card(html, "2025.22")
    assert "Mốc 2025 đã qua và đã có số liệu năm 2025: không cần nhập số liệu năm 2026." in passed
    assert "Số liệu năm 2025: 51%." in passed and "51 %" not in passed  # "%" glued to its number, as everywhere
    # the workbook says it too (browser pass 33: its note said a value was there without saying it)
    sheet = download(staff, report)[TARGETS]
    notes = sheet.cell(row_of(sheet, "2025.22"), sheet.max_column).value
    assert "Mốc 2025 đã qua và đã có số liệu năm 2025" in notes and "Số liệu năm 2025: 51%." in notes
    page = ReportPage(report)
    assert f'name="{page.field("target", "2025.22", "value")}"' not in passed  # no field to fill
    assert f'name="{page.field("target", "2025.22", "note")}"' in passed
    submit(staff, report, page.fill_everything().target("2025.22", value="80"))  # a value posted anyway
    report.refresh_from_db()
    assert report.state == "submitted" and not any("2025.22" in item for item in missing_items(report))
    assert report.target_entries.get(target__code="2025.22").value is None  # ignored, not stored


def test_the_year_before_is_the_passed_milestones_recorded_value_once_it_is_there(staff, plan, report):
    """Browser pass 34: a 2026 report, its 2025 milestone already recorded (an estimate), showed the 2024 value as
    the year before on the sent report's page and in the workbook, beside "đã có số liệu năm 2025"."""
    target = plan.targets.get(code="2025.22")
    record_value(target, 2024, Decimal("48"), source="Nhập thử")
    record_value(target, 2025, Decimal("51"), is_estimate=True, source="Nhập thử")
    sheet = download(staff, report)[TARGETS]
    headers = [cell.value for cell in sheet[1]]
    row = row_of(sheet, "2025.22")
    assert sheet.cell(row, headers.index("Giá trị năm trước") + 1).value == 51
    notes = sheet.cell(row, sheet.max_column).value
    assert "Giá trị năm trước (năm 2025) là số ước thực hiện." in notes
    assert submit(staff, report, ReportPage(report).fill_everything()).status_code == 302
    html = staff.get(f"/bao-cao/{report.pk}/").content.decode()
    start = html.index('id="chi-tieu-2025.22"')
    shown = html[start : html.index("</tr>", start)]
    assert "51% (ước)" in shown and "năm 2025" in shown and "48%" not in shown and "năm 2024" not in shown


def test_a_value_this_report_recorded_stays_asked_after_reopening(staff, cast, report):
    submit(staff, report, ReportPage(report).fill_everything().target("2025.22", value="49,5"))
    approve(staff, cast, report)
    assert post_seen(staff, f"/bao-cao/{report.pk}/mo-lai/", {"reason": "Sửa số liệu 2025."}).status_code == 302
    staff.force_login(cast["canbo.ldtbxh"])
    html = staff.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Mốc 2025 đã qua: số liệu nhập ở đây là số liệu năm 2025 của mốc 2025" in card(html, "2025.22")
    submit(staff, report, ReportPage(report).target("2025.22", value="50,5"))
    approve(staff, cast, report)
    value = TargetValue.objects.current().get(target__code="2025.22", year=2025)
    assert value.value == Decimal("50.5") and value.source_report == report


def test_a_qualitative_target_whose_milestone_passed_is_assessed_for_its_year(client, cast, plan):
    report = current_report(plan, "NNPTNT")
    client.force_login(cast["canbo.nnptnt"])
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Chưa có đánh giá năm 2025 của mốc 2025: nhập đánh giá năm 2025." in card(html, "2025.09")
    submit(client, report, ReportPage(report).fill_everything().target("2025.09", qualitative_status="achieved"))
    approve(client, cast, report)
    assert Assessment.objects.current().get(target__code="2025.09").year == 2025
    record_assessment(plan.targets.get(code="2025.11").pk, 2025, "progressing")
    other = current_report(plan, "TNMT")
    assert "2025.11" not in " ".join(missing_items(other))
