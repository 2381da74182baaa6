"""A qualitative target shows its previous year's assessment where a numeric target shows its previous value: in
the "Năm trước" column of the report page, and beside the agency's field, with a passed milestone's assessment as a
passed milestone's value is (browser pass 7, item 1)."""

from decimal import Decimal

import pytest

from targets.recording import record_assessment, record_value
from tests.reports.helpers import ReportPage, current_report, on

pytestmark = pytest.mark.season


@pytest.fixture
def report(plan):
    """Phòng Nông nghiệp's 2026 report, after its 2025 milestones were assessed and measured."""
    record_assessment(plan.targets.get(code="2025.09").pk, 2025, "progressing")  # qualitative, milestone 2025
    record_value(plan.targets.get(code="2025.07"), 2025, Decimal("82.3"), source="Nhập thử")  # numeric, 2025
    return current_report(plan, "NNPTNT")


def row(html: str, code: str) -> str:
    start = html.index(f'id="chi-tieu-{code}"')
    return html[start : html.index("</tr>", start)]


def card(html: str, code: str) -> str:
    start = html.index(f'id="chi-tieu-{code}"')
    return html[start : html.index("</section>", start)]


def submitted(client, cast, report):
    client.force_login(cast["canbo.nnptnt"])
    assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code == 302
    client.force_login(cast["vanphong"])


def test_the_report_page_shows_the_previous_years_assessment(client, cast, report):
    with on("2026-12-06"):
        submitted(client, cast, report)
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    qualitative = row(html, "2025.09").split("<td")
    assert "Mốc 2025 đã qua và đã có đánh giá năm 2025" in row(html, "2025.09")
    assert "Đang thực hiện" in qualitative[3] and "năm 2025" in qualitative[3]  # the "Năm trước" cell
    assert "82,3%" in row(html, "2025.07").split("<td")[3]  # as a numeric target does


def test_a_year_without_an_assessment_still_shows_a_dash(client, cast, plan):
    report = current_report(plan, "NNPTNT")
    with on("2026-12-06"):
        submitted(client, cast, report)
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert row(html, "2025.09").split("<td")[3].split("</td>")[0].endswith(">–")


def test_the_agency_sees_the_passed_milestones_assessment_beside_its_form(client, cast, report):
    with on("2026-12-06"):
        client.force_login(cast["canbo.nnptnt"])
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    passed = card(html, "2025.09")
    assert "Mốc 2025 đã qua và đã có đánh giá năm 2025: không cần nhập đánh giá năm 2026." in passed
    assert "Đánh giá năm 2025: đang thực hiện." in passed
    assert "Số liệu năm 2025: 82,3%." in card(html, "2025.07")


def test_a_qualitative_field_shows_the_year_before_as_a_numeric_field_does(client, cast, plan):
    record_assessment(plan.targets.get(code="2025.09").pk, 2024, "not_achieved")
    report = current_report(plan, "NNPTNT")
    with on("2026-12-06"):
        client.force_login(cast["canbo.nnptnt"])
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    asked = card(html, "2025.09")  # 2025 not assessed yet: asked for 2025, beside 2024's assessment
    assert "Chưa có đánh giá năm 2025 của mốc 2025: nhập đánh giá năm 2025." in asked
    assert "Năm 2024: <strong>chưa đạt</strong>" in asked
    assert "Năm 2024: <span" in card(html, "2025.07") and "chưa có số liệu" in card(html, "2025.07")


def test_a_report_with_no_targets_says_so_rather_than_an_empty_table(client, cast, plan):
    """Browser pass 8: a commune's report, which answers for no target, showed the table's header and no row."""
    report = current_report(plan, "UBND-BA")
    assert not report.target_entries.exists()
    with on("2026-11-20"):
        client.force_login(cast["canbo.binhan"])
        assert (
            client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code
            == 302
        )
        client.force_login(cast["vanphong"])
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    section = html[html.index("3. Chỉ tiêu</h2>") : html.index("</h2>", html.index("3. Chỉ tiêu</h2>") + 20)]
    assert 'id="bang-chi-tieu"' not in section and '<p class="text-muted">Không có.</p>' in section
