"""Issue 17 (the probe's second pass): text starting like a formula (= + - @) was written to the XLSX files as a
plain text cell, without Excel's quote prefix, so editing the cell in Excel turned it into a live formula. Every
workbook the portal writes keeps such text as typed, as a text cell with the quote prefix (binhson_plan.csv_cells
.xlsx_text); the province's yearly summary is checked in tests/province/test_summary.py."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat
from openpyxl import load_workbook

from agencies.models import Agency
from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from targets.models import Indicator
from tests.conftest import DATA
from tests.reports.helpers import ReportPage, current_report

pytestmark = pytest.mark.season  # a cycle of the run's year, opened and saved within its season

SLUG = "binh-son-ctdt-2021-2030"
REASON = '=HYPERLINK("http://x","lý do")'
NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
PROPOSAL = "+1+cmd|' /C calc'!A0"


def quoted_text(content: bytes, text: str, start=False) -> list:
    """The cells of the workbook holding `text` (or, with `start`, text starting with it), each checked to be a
    text cell with Excel's quote prefix."""
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value == text or start and isinstance(c.value, str) and c.value.startswith(text)]  # fmt: skip
    assert cells, text
    assert all(c.data_type == "s" and c.quotePrefix for c in cells), [(c.coordinate, c.quotePrefix) for c in cells]
    return cells


@pytest.fixture
def data(plan, cast, client):
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    client.force_login(cast["vanphong"])
    url = f"/ke-hoach/{SLUG}/chi-tieu/2025.19/dieu-chinh-tinh-trang/"
    assert client.post(url, {"year": 2026, "status": "met", "reason": REASON}).status_code == 302
    Agency.objects.filter(code="LDTBXH").update(name=NAME)
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).add_proposal(PROPOSAL).data()).status_code == 302
    return report


def test_the_dashboard_workbooks(client, cast, data):
    client.force_login(cast["vanphong"])
    quoted_text(client.get(f"/bang-dieu-khien/{SLUG}/2026/chi-tieu.xlsx").content, REASON)
    quoted_text(client.get(f"/bang-dieu-khien/{SLUG}/2026/tinh-hinh-bao-cao.xlsx").content, NAME)


def test_the_public_workbook(client, data):
    response = client.get(f"/cong-khai/{SLUG}/bang-so-lieu.xlsx?nam=2026")
    assert response.status_code == 200
    quoted_text(response.content, REASON)


def test_the_province_workbook(client, cast, data):
    Indicator.objects.update(name=Concat(Value("-"), "name"))  # the province's sheet names them
    client.force_login(cast["lanhdao"])
    response = client.get("/tinh/bang-tinh.xlsx?year=2026")
    assert response.status_code == 200
    quoted_text(response.content, "-", start=True)


def test_the_report_workbook(client, cast, data):
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get(f"/bao-cao/{data.pk}/excel/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    quoted_text(content, PROPOSAL)
    quoted_text(content, NAME)


def test_the_consolidated_workbook(client, cast, data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consolidated = build_consolidated_report(ConsolidatedReport.request(data.cycle.plan, 2026).pk)
    assert consolidated.state == "ready", consolidated.error
    client.force_login(cast["vanphong"])
    response = client.get(f"/tong-hop/{consolidated.pk}/tep/xlsx/")
    assert response.status_code == 200
    quoted_text(b"".join(response.streaming_content), NAME)
