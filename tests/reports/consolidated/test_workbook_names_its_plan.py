"""A consolidated report's files say which plan they cover: each Excel sheet opens with a title row naming the
report, its year and the plan (by its shown title, "(minh họa)" included) above the frozen header, and the downloads
of two plans' reports of the same year carry the plan in their names, so they never overwrite each other."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from tasks.models import Plan
from tests.reports.helpers import on
from tests.tasks.test_illustrative_plans import PLANS

BA_TO = "minh-hoa-ba-to-ctdt-2021-2030"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def two_built(plan):
    call_command("load_plan", str(PLANS / "minh_hoa_ba_to.yaml"), stdout=io.StringIO())
    ba_to = Plan.objects.get(slug=BA_TO)
    with on("2026-12-06"):
        return [build_consolidated_report(ConsolidatedReport.request(p, 2026).pk) for p in (plan, ba_to)]


def download(client, user, report, kind):
    with on("2026-12-06"):
        client.force_login(user)
        response = client.get(f"/tong-hop/{report.pk}/tep/{kind}/")
    assert response.status_code == 200
    return response


def test_each_sheet_names_the_report_the_year_and_the_plan_above_a_frozen_header(client, cast, two_built):
    for report in two_built:
        assert report.state == "ready", report.error
        content = b"".join(download(client, cast["sodantoc"], report, "xlsx").streaming_content)
        book = load_workbook(io.BytesIO(content))
        assert book.sheetnames == ["Chỉ tiêu", "Nhiệm vụ", "Kiến nghị", "Tình hình báo cáo"]
        for sheet in book:
            title = sheet["A1"].value
            assert title.startswith(f"{sheet.title}: báo cáo tổng hợp năm 2026, bản 1, ngày báo cáo "), title
            assert title.endswith(f"Kế hoạch {report.plan.display_title}"), title
            assert sheet["A1"].font.bold and "A1" in sheet.merged_cells
            assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
            assert sheet.auto_filter.ref.startswith("A2:")
        assert book["Chỉ tiêu"]["A2"].value == "Mã" and book["Tình hình báo cáo"]["A2"].value == "Cơ quan, đơn vị"
    illustrative = load_workbook(io.BytesIO(b"".join(download(client, cast["sodantoc"], two_built[1], "xlsx"))))
    assert "(minh họa)" in illustrative["Chỉ tiêu"]["A1"].value


def test_two_plans_downloads_of_a_year_have_names_of_their_own(client, cast, two_built):
    for kind in ("pdf", "xlsx", "docx"):
        names = [download(client, cast["sodantoc"], report, kind)["Content-Disposition"] for report in two_built]
        assert names == [
            f'attachment; filename="bao-cao-tong-hop-binh-son-ctdt-2021-2030-2026-ban-1.{kind}"',
            f'attachment; filename="bao-cao-tong-hop-{BA_TO}-2026-ban-1.{kind}"',
        ]
