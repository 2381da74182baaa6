"""Browser pass 27: section III's targets table headed its value column "Số liệu mới nhất đến năm 2026" while a
target whose milestone has passed shows the value of its milestone year (2025.01: "2025: 30,2 (ước)"), and Phụ lục 1
and the workbook show 2026 = 33,5. The column says what the value is, the value the status was judged on, with its
year, in the PDF, the Word draft and the workbook alike; the figures stay the same."""

import io
import subprocess

import pandas as pd
import pytest
from django.core.management import call_command
from docx import Document

from reports.consolidated.models import ConsolidatedReport
from tests.conftest import SLUG
from tests.reports.consolidated.test_consolidated_pages import COVER
from tests.reports.helpers import on

pytestmark = pytest.mark.season

HEADER = "Số liệu dùng để đánh giá"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def passed_milestone(plan, tmp_path):
    """2025.01 (income, milestone 2025): 2020, 2025 and a later 2026 value."""
    csv = tmp_path / "so-lieu.csv"
    csv.write_text(
        "target_code,year,value,as_of,note,reference\n"
        "2025.01,2020,18.6,31/12/2020,Số liệu thử,\n"
        "2025.01,2025,30.2,31/12/2025,Số liệu thử,\n"
        "2025.01,2026,33.5,30/11/2026,Số liệu thử,\n",
        encoding="utf-8",
    )
    with on("2026-12-06"):
        call_command("import_values", str(csv), stdout=io.StringIO())
    return plan


def files(client, cast, eager_jobs, capture):
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        with capture(execute=True):
            client.post(f"/ke-hoach/{SLUG}/tong-hop/", COVER)
        report = ConsolidatedReport.objects.get()
        return {kind: client.get(f"/tong-hop/{report.pk}/tep/{kind}/") for kind in ("pdf", "docx", "xlsx")}


def test_the_value_column_says_it_is_the_judged_value_with_its_year(
    client, cast, passed_milestone, eager_jobs, django_capture_on_commit_callbacks, tmp_path
):
    got = files(client, cast, eager_jobs, django_capture_on_commit_callbacks)
    assert all(r.status_code == 200 for r in got.values())

    document = Document(io.BytesIO(b"".join(got["docx"].streaming_content)))
    table = next(
        t for t in document.tables if t.rows[0].cells[0].text == "Mã" and "Tình trạng" in t.rows[0].cells[-1].text
    )
    header = [c.text for c in table.rows[0].cells]
    assert header[4] == HEADER and not any("mới nhất" in h for h in header)
    row = next(r for r in table.rows if r.cells[0].text == "2025.01")
    assert row.cells[4].text.startswith("2025: 30,2 triệu đồng/người/năm")  # the same figure as before
    said = " ".join(" ".join(p.text for p in document.paragraphs).split())
    assert f"Cột “{HEADER}”" in said and "số liệu năm mốc" in said

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"".join(got["pdf"].streaming_content))
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "mới nhất đến năm" not in text and f"Cột “{HEADER}”" in text

    sheet = pd.read_excel(io.BytesIO(b"".join(got["xlsx"].streaming_content)), sheet_name="Chỉ tiêu", header=1,
                          dtype={"Mã": str}).set_index("Mã")  # fmt: skip
    assert not [c for c in sheet.columns if "gần nhất" in c]
    income = sheet.loc["2025.01"]
    assert (income["Năm của số liệu dùng để đánh giá"], income[HEADER], income["Giá trị năm 2026"]) == (
        2025,
        30.2,
        33.5,
    )
