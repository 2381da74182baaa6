"""The fifteenth probe: a value for an earlier year (a passed milestone's, asked by the 2026 report) was taken "as
of" a day of 2026 and recorded so on approval. A value for year Y is as of a day of Y; only the cycle's own year
runs to its cut-off (targets.as_of), on the page, in the workbook, in the import and in the correction."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from reports.models import TargetEntry
from targets.models import TargetValue
from tests.reports.editing.test_report_input import field_error
from tests.reports.helpers import ReportPage, on, post_seen

pytestmark = pytest.mark.season
TARGETS = "Chỉ tiêu định lượng"
PASSED = "2025.22"  # its last milestone was 2025, whose value is missing: the 2026 report asks for it
WINDOW_2025 = "Ngày số liệu của năm 2025 phải từ 01/01/2025 đến 31/12/2025"


@pytest.mark.parametrize(("typed", "estimate"), [("30/11/2026", False), ("06/12/2026", True), ("31/12/2026", True)])
def test_an_earlier_year_s_value_dated_in_the_report_s_year_is_refused_and_never_recorded(
    client, cast, report, typed, estimate
):
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report).fill_everything().target(PASSED, value="83", as_of=typed, is_estimate=estimate)
        response = client.post(f"/bao-cao/{report.pk}/", page.data("submit"))
        assert response.status_code == 422
        html = response.content.decode()
        error = field_error(html, page.field("target", PASSED, "as_of"))
        assert f"{WINDOW_2025} (đã nhập {typed})." in error, error
        assert f'value="{typed}"' in html and 'value="83"' in html  # what was typed stays
        report.refresh_from_db()
        assert report.state == "draft"
        assert TargetEntry.objects.get(report=report, target__code=PASSED).value is None
        client.force_login(cast["vanphong"])
        post_seen(client, f"/bao-cao/{report.pk}/duyet/")
        assert not TargetValue.objects.filter(target__code=PASSED).exists()


def test_an_earlier_year_s_value_dated_within_its_year_is_recorded_so(client, cast, report):
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report).fill_everything().target(PASSED, value="83", as_of="31/12/2025", is_estimate=False)
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
        client.force_login(cast["vanphong"])
        assert post_seen(client, f"/bao-cao/{report.pk}/duyet/").status_code == 302
    value = TargetValue.objects.current().get(target__code=PASSED)
    assert (value.year, value.value, str(value.as_of)) == (2025, Decimal("83"), "2025-12-31")


def test_the_workbook_offers_and_checks_the_earlier_year_s_window(client, cast, report):
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        book = load_workbook(io.BytesIO(client.get(f"/bao-cao/{report.pk}/excel/").content))
        sheet = book[TARGETS]
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == PASSED)
        rule = next(v for v in sheet.data_validations.dataValidation if f"H{row}" in str(v.sqref))
        assert "từ 01/01/2025 đến 31/12/2025" in rule.error, rule.error
        sheet[f"G{row}"], sheet[f"H{row}"] = 83, "30/11/2026"
        buffer = io.BytesIO()
        book.save(buffer)
        upload = SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())
        response = client.post(f"/bao-cao/{report.pk}/excel/tai-len/", {"workbook": upload})
        assert response.status_code == 422
        assert f"dòng {row}, cột H (Số liệu tính đến ngày): {WINDOW_2025}" in response.content.decode()
    assert TargetEntry.objects.get(report=report, target__code=PASSED).value is None
