"""Excel that opens cleanly: the dashboard exports and the consolidated workbook hold values only (agency
text starting with =, +, - or @ stays text), local times, printable pages and budget totals."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import time_machine
from django.db.models import Sum
from openpyxl import load_workbook

from binhson_plan.sheets import cell_value
from reports.consolidated.excel import consolidated_workbook
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from reports.models import AgencyReport, Proposal, TaskEntry
from tests.reports.helpers import ReportPage, current_report, post_seen, printed_font_size

SLUG = "binh-son-ctdt-2021-2030"
A4, A3 = "9", "8"  # paper sizes, as OOXML numbers them
URL = f"/bang-dieu-khien/{SLUG}/2026/"
HYPERLINK = '=HYPERLINK("http://x","bấm")'
ANSWER = "=SUM(A1:A2) hộ đã được hỗ trợ"
AGENCY_TEXTS = [HYPERLINK, "+84 905", "-5 hộ", "@admin", ANSWER]
SUBMITTED_AT = datetime.datetime(2026, 11, 20, 20, 30, tzinfo=datetime.UTC)  # 03:30 on 21/11 in Bình Sơn
LOCAL_SUBMITTED_AT = datetime.datetime(2026, 11, 21, 3, 30)
LDTBXH = "Phòng Lao động - Thương binh và Xã hội"
TWO_LINES = "Đã xây 2 phòng học.\r\nĐã sửa 1 trường."  # as a browser sends a text area


@pytest.fixture
def typed_by_agencies(client, cast, plan):
    """LĐ-TB&XH submits (at a fixed instant) text that looks like formulas, a budget on two of its
    three tasks and the proposal "@admin", which the office answers and approves; GD&ĐT submits a
    budget and two lines of results on one task of two."""
    report = current_report(plan, "LDTBXH")
    page = ReportPage(report).fill_everything().add_proposal("@admin")
    page.lead("III.3.b.3", results=HYPERLINK, budget_used="125.000.000")
    page.lead("III.3.c.2", results="+84 905", budget_used="")
    page.lead("III.3.đ", results="-5 hộ", budget_used="2.500.000")
    with time_machine.travel(SUBMITTED_AT, tick=False):  # signed in then too: an 8-hour idle session would have ended
        client.force_login(cast["canbo.ldtbxh"])
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    other = current_report(plan, "GDDT")
    page = ReportPage(other).fill_everything().lead("III.2.d.2", results=TWO_LINES, budget_used="40.000.000")
    client.force_login(cast["canbo.gddt"])
    assert client.post(f"/bao-cao/{other.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    proposal = Proposal.objects.get(report=report, text="@admin")
    answer = {f"p{proposal.pk}-state": "answered", f"p{proposal.pk}-response": ANSWER}
    assert client.post(f"/bao-cao/{report.pk}/kien-nghi/{proposal.pk}/", answer).status_code == 302
    assert post_seen(client, f"/bao-cao/{report.pk}/duyet/").status_code == 302
    return plan


def open_workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def formula_elements(content: bytes) -> list[str]:
    """The worksheets whose XML has an <f> (formula) element: a cell Excel would compute."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert names
        return [n for n in names if re.search(rb"<(\w+:)?f[\s>/]", archive.read(n))]


def text_cells(book) -> dict[str, str]:
    """Every text cell's value → its data type, over all sheets."""
    return {c.value: c.data_type for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}


def assert_values_only(content: bytes):
    assert formula_elements(content) == []
    book = open_workbook(content)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert cell.value not in ("nan", "NaN", "None", "NaT", "<NA>"), (sheet.title, cell.coordinate)
    return book


def assert_ready_to_print(sheet, rows: int, header: int = 1):
    """Landscape, one page wide, on A4 or, when its columns would print too small there, A3; never under 8 pt. The
    header (in row `header`, under the title rows if any) frozen, repeated on every page and filtering the data."""
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) in (A4, A3)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert printed_font_size(sheet) >= 8, sheet.title
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.freeze_panes == f"A{header + 1}" and sheet.print_title_rows.replace("$", "") == f"{header}:{header}"
    last = sheet.cell(header, sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A{header}:{last}{rows + header}"
    assert all(cell.font.bold for cell in sheet[header])


def test_dashboard_exports_keep_agency_text_as_text(client, cast, typed_by_agencies):
    client.force_login(cast["vanphong"])
    found = {}
    for table in ("tinh-hinh-bao-cao", "chi-tieu", "nhiem-vu", "kien-nghi"):
        response = client.get(f"{URL}{table}.xlsx")
        assert response.status_code == 200
        book = assert_values_only(response.content)
        found |= text_cells(book)
    for text in [*AGENCY_TEXTS, "= 100%"]:
        assert found.get(text) == "s", text  # the exact text, stored as text


def test_the_dashboard_shows_submission_times_in_local_time(client, cast, typed_by_agencies):
    client.force_login(cast["vanphong"])
    sheet = open_workbook(client.get(f"{URL}tinh-hinh-bao-cao.xlsx").content).active
    header = [c.value for c in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[LDTBXH]["Gửi lần đầu"] == LOCAL_SUBMITTED_AT
    column = header.index("Gửi lần đầu") + 1
    moment = next(c for c in sheet.iter_cols(min_col=column, max_col=column, min_row=2) for c in c if c.value)
    assert moment.number_format == "hh:mm dd/mm/yyyy"  # as the pages and PDFs write a moment
    assert rows["Phòng Giáo dục và Đào tạo"]["Gửi lần đầu"] is not None
    never_sent = [r for name, r in rows.items() if not AgencyReport.objects.get(agency__name=name).first_submitted_at]
    assert len(never_sent) == 20 and all(r["Gửi lần đầu"] is None for r in never_sent)
    assert_ready_to_print(sheet, rows=22)


def test_dashboard_exports_are_ready_to_print(client, cast, typed_by_agencies):
    client.force_login(cast["vanphong"])
    for table, rows in [("chi-tieu", 52), ("nhiem-vu", None), ("kien-nghi", 1)]:
        sheet = open_workbook(client.get(f"{URL}{table}.xlsx").content).active
        assert_ready_to_print(sheet, rows=rows if rows is not None else sheet.max_row - 1)
    tasks = open_workbook(client.get(f"{URL}nhiem-vu.xlsx").content).active
    widths = {c.value: tasks.column_dimensions[c.column_letter].width for c in tasks[1]}
    assert widths["Nhiệm vụ"] >= 24 and tasks.cell(2, 2).alignment.wrap_text  # long plan text wraps
    assert widths["Mã"] < 20 and not tasks.cell(2, 1).alignment.wrap_text


def moments(book) -> list:
    """Every date-time cell of the workbook."""
    return [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, datetime.datetime)]


def test_every_moment_in_the_workbooks_is_to_the_minute_as_the_pages_write_it(client, cast, plan):
    """A submission and a reviewer's status override at 15:25:46,657 in Bình Sơn: "15:25 20/11/2026" in every cell,
    never a second or a fraction of one, in the dashboard's files and the consolidated workbook alike."""
    report = current_report(plan, "LDTBXH")
    page = ReportPage(report).fill_everything()
    at = datetime.datetime(2026, 11, 20, 8, 25, 46, 657000, tzinfo=datetime.UTC)
    with time_machine.travel(at, tick=False):
        client.force_login(cast["canbo.ldtbxh"])
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
        client.force_login(cast["vanphong"])
        override = {"year": 2026, "status": "met", "reason": "Số liệu tỉnh đã công bố."}
        assert client.post(f"/ke-hoach/{SLUG}/chi-tieu/2025.19/dieu-chinh-tinh-trang/", override).status_code == 302
        books = {
            table: open_workbook(client.get(f"{URL}{table}.xlsx").content)
            for table in ("tinh-hinh-bao-cao", "chi-tieu")
        }
    books["tổng hợp"] = open_workbook(consolidated(plan))
    for name, book in books.items():
        found = moments(book)
        assert found, name
        for cell in found:
            assert cell.value == datetime.datetime(2026, 11, 20, 15, 25), (name, cell.coordinate)
            assert cell.number_format == "hh:mm dd/mm/yyyy", (name, cell.coordinate)


def consolidated(plan) -> bytes:
    return consolidated_workbook(gather(ConsolidatedReport.request(plan, 2026)))


def test_the_consolidated_workbook_keeps_agency_text_as_text(typed_by_agencies):
    book = assert_values_only(consolidated(typed_by_agencies))
    assert book.sheetnames == ["Chỉ tiêu", "Nhiệm vụ", "Kiến nghị", "Tình hình báo cáo"]
    found = text_cells(book)
    for text in [*AGENCY_TEXTS, "= 100%"]:
        assert found.get(text) == "s", text
    results = [c for c in book["Nhiệm vụ"]["E"] if c.value and c.value.startswith("Đã xây")]
    assert [c.value for c in results] == ["Đã xây 2 phòng học.\nĐã sửa 1 trường."] and results[0].alignment.wrap_text
    reports = book["Tình hình báo cáo"]
    header = [c.value for c in reports[2]]  # under the title row
    row = next(r for r in reports.iter_rows(min_row=3, values_only=True) if r[0] == LDTBXH)
    assert row[header.index("Gửi lần đầu")] == LOCAL_SUBMITTED_AT
    for sheet in book:
        assert_ready_to_print(sheet, rows=sheet.max_row - 2 - (sheet.title == "Nhiệm vụ"), header=2)


def test_the_consolidated_workbook_prints_at_8_pt_or_more(typed_by_agencies):
    """A wide sheet (targets: 14 columns) goes on A3 landscape with its long text wrapped, a narrow one stays on
    A4: each one page wide with its 11 pt text printed at 8 pt or more, even in LibreOffice without Calibri (it
    printed at about 4,5 pt on A4)."""
    book = open_workbook(consolidated(typed_by_agencies))
    papers = {sheet.title: str(sheet.page_setup.paperSize) for sheet in book}
    assert (papers["Chỉ tiêu"], papers["Tình hình báo cáo"]) == (A3, A4)  # the tasks' paper: as their text needs
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.fitToHeight) == 0
        assert printed_font_size(sheet) >= 8, sheet.title
        assert {c.font.size for c in sheet[1] if c.value} == {c.font.size for c in sheet[2]} == {11}  # title, header
        for cell in sheet[2]:  # the header, under the title row (which spans the table and wraps)
            width = sheet.column_dimensions[cell.column_letter].width
            below = [c for c in sheet[cell.column_letter][2:] if isinstance(c.value, str)]  # headers always wrap
            longest = max((len(c.value) for c in below), default=0)
            assert all(c.alignment.wrap_text for c in below if len(c.value) > width), cell.value  # never cut
            assert width >= min(16, longest + 2), (sheet.title, cell.value)  # readable, never a sliver
    for title, header in (("Chỉ tiêu", "Chỉ tiêu"), ("Chỉ tiêu", "Giải thích"), ("Nhiệm vụ", "Kết quả")):
        sheet = book[title]
        letter = next(c.column_letter for c in sheet[2] if c.value == header)
        assert sheet.column_dimensions[letter].width >= 24 and sheet[f"{letter}3"].alignment.wrap_text


def test_the_consolidated_workbook_totals_the_budgets(typed_by_agencies):
    # LĐ-TB&XH's report is approved; GD&ĐT's is sent and not yet approved: its budget is totalled apart.
    sheet = open_workbook(consolidated(typed_by_agencies))["Nhiệm vụ"]
    header = [c.value for c in sheet[2]]  # under the title row
    budget, waiting = header.index("Kinh phí (đồng)"), header.index("Kinh phí theo báo cáo chưa duyệt (đồng)")
    *entries, total = list(sheet.iter_rows(min_row=3))
    budgets = [row[budget].value for row in entries]
    reported = TaskEntry.objects.filter(report__state="approved", budget_used__isnull=False)
    assert sorted(b for b in budgets if b is not None) == sorted(reported.values_list("budget_used", flat=True))
    assert sorted(b for b in budgets if b is not None) == [2_500_000, 125_000_000]
    assert [row[waiting].value for row in entries if row[waiting].value is not None] == [40_000_000]
    assert budgets.count(None) == len(entries) - 2  # no budget: an empty cell, never "nan" nor 0
    assert total[0].value == "Tổng cộng" and total[0].font.bold
    assert total[budget].value == 127_500_000 == reported.aggregate(total=Sum("budget_used"))["total"]
    assert total[waiting].value == 40_000_000 and total[waiting].font.bold
    assert total[budget].data_type == "n" and total[budget].font.bold and total[budget].number_format == "#,##0"
    assert all(row[budget].number_format == "#,##0" for row in entries if row[budget].value)
    assert sheet.auto_filter.ref.endswith(str(len(entries) + 2))  # sorting the data leaves the total below it


def test_the_consolidated_workbook_follows_the_gathered_columns(typed_by_agencies):
    data = gather(ConsolidatedReport.request(typed_by_agencies, 2026))
    data.targets = data.targets.drop(columns=["goal"]).assign(a_column_added_later="x")
    book = open_workbook(consolidated_workbook(data))
    header = [c.value for c in book["Chỉ tiêu"][2]]  # under the title row
    assert "Mục tiêu" not in header and "a_column_added_later" not in header and "x" not in text_cells(book)
    assert header[:2] == ["Mã", "Chỉ tiêu"] and "Giá trị năm 2026" in header
    assert [c.value for c in book["Nhiệm vụ"][2]][:3] == ["Mã nhiệm vụ", "Vai trò", "Cơ quan, đơn vị"]


def test_cell_values():
    moment = datetime.datetime(2026, 12, 31, 17, 5, tzinfo=datetime.UTC)
    assert cell_value(moment) == datetime.datetime(2027, 1, 1, 0, 5)  # a new year in Bình Sơn
    assert cell_value(pd.Timestamp(moment)) == datetime.datetime(2027, 1, 1, 0, 5)
    for missing in (None, float("nan"), Decimal("NaN"), pd.NA, pd.NaT, np.float64("nan"), ""):
        assert cell_value(missing) is None, missing
    assert (cell_value(True), cell_value(np.bool_(False))) == ("Có", None)
    assert [cell_value(v) for v in (Decimal("125000000.00"), 95.0, np.int64(7), Decimal("4.5"))] == [
        125_000_000,
        95,
        7,
        4.5,
    ]
    assert type(cell_value(95.0)) is int and type(cell_value(np.int64(7))) is int
    assert cell_value("Dòng một\x0bdòng hai\x01") == "Dòng mộtdòng hai"  # characters a worksheet cannot hold
    assert cell_value("Dòng một\r\ndòng hai\rba") == "Dòng một\ndòng hai\nba"  # a text area's line breaks
    assert cell_value(HYPERLINK) == HYPERLINK
    assert cell_value(datetime.date(2026, 2, 5)) == datetime.date(2026, 2, 5)
