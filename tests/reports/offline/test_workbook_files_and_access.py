"""Offline entry (PRODUCT.md §10): the files the upload refuses, who may download and upload a workbook, the year's
zip of workbooks, and how the workbook prints."""

import datetime
import io
import math
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from reports.models import AgencyReport, TargetEntry
from tests.reports.helpers import ReportPage, current_report, printed_font_size
from tests.reports.offline.workbook_helpers import (
    COORD,
    DIFFICULTIES,
    LEAD,
    PROPOSALS,
    TARGETS,
    download,
    errors_of,
    row_of,
    upload,
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "không phải tệp Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "tệp Excel cũ (.xls)"),
        (b"PK\x03\x04 not really a zip", "bị hỏng"),
        (b"x" * (5 * 1024 * 1024 + 1), "nặng hơn 5 MB (5.242.881 byte), quá giới hạn 5 MB (5.242.880 byte)"),
    ],
)
def test_a_wrong_file_is_refused_in_vietnamese(owner, report, content, message):
    response = upload(owner, report, content, name="anh.xlsx")
    assert response.status_code == 422
    assert message in errors_of(response)


def test_no_file_is_refused(owner, report):
    response = owner.post(f"/bao-cao/{report.pk}/excel/tai-len/", {})
    assert response.status_code == 400 and "Chưa chọn tệp Excel" in errors_of(response)


def test_a_workbook_not_made_by_the_portal_is_refused(owner, report):
    from openpyxl import Workbook

    response = upload(owner, report, Workbook())
    assert response.status_code == 422 and "không phải tệp báo cáo tải từ cổng" in errors_of(response)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(owner, report):

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (64 * 1024 * 1024) + b"/>")
    assert len(buffer.getvalue()) < 200_000
    response = upload(owner, report, buffer.getvalue())
    assert response.status_code == 422 and "quá lớn khi giải nén" in errors_of(response)


def test_a_sheet_with_too_many_rows_is_refused(owner, report):
    book = download(owner, report)
    for row in range(1, 2_100):
        book[DIFFICULTIES].cell(row + 10, 1).value = row
    response = upload(owner, report, book)
    assert response.status_code == 422 and "hơn 2000 dòng" in errors_of(response)


def test_a_sheet_with_too_many_columns_is_refused(owner, report):
    book = download(owner, report)
    for column in range(1, 45):
        book[DIFFICULTIES].cell(3, column).value = column
    response = upload(owner, report, book)
    assert response.status_code == 422 and "hơn 40 cột" in errors_of(response)


def test_another_agencys_workbook_is_refused(owner, client, cast, plan, report):
    other = current_report(plan, "UBND-BA")
    client.force_login(cast["canbo.binhan"])
    book = download(client, other)
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, book)
    assert response.status_code == 422
    assert f"Tệp này là báo cáo năm 2026 của {other.agency.name}, không phải báo cáo năm 2026" in errors_of(response)
    client.force_login(cast["canbo.binhan"])
    assert upload(client, report, book).status_code == 403  # and nobody uploads into another agency's report


def test_a_submitted_report_takes_no_workbook(owner, report):
    book = download(owner, report)
    AgencyReport.objects.filter(pk=report.pk).update(state="submitted")
    response = upload(owner, report, book)
    assert response.status_code == 422 and "không sửa được" in errors_of(response)


ROLES = {"anonymous": None, "owner": "canbo.ldtbxh", "other_staff": "canbo.binhan", "reviewer": "vanphong",
         "viewer": "lanhdao", "admin": "quantri"}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_who_may_download_the_workbook(client, cast, report, role):
    if ROLES[role]:
        client.force_login(cast[ROLES[role]])
    response = client.get(f"/bao-cao/{report.pk}/excel/")
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    elif role in ("owner", "reviewer"):
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content))["_he_thong"]["B2"].value == report.pk
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_only_the_agencys_staff_upload(client, cast, report, role):
    client.force_login(cast["canbo.ldtbxh"])
    book = download(client, report)
    book[DIFFICULTIES]["A2"] = f"Tải lên bởi {role}"
    client.logout()
    if ROLES[role]:
        client.force_login(cast[ROLES[role]])
    response = upload(client, report, book)
    report.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    elif role == "owner":
        assert response.status_code == 302 and report.difficulties == "Tải lên bởi owner"
    else:
        assert response.status_code == 403
    if role != "owner":
        assert report.difficulties == "" and report.version == 0
    if ROLES[role]:
        assert client.get(f"/bao-cao/{report.pk}/excel/tai-len/").status_code in (405, 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_reviewers_download_every_agencys_workbook(client, cast, report, role):
    if ROLES[role]:
        client.force_login(cast[ROLES[role]])
    response = client.get(f"/ky-bao-cao/{report.cycle_id}/excel.zip")
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    elif role == "reviewer":
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    else:
        assert response.status_code == 403


def test_the_season_zip_holds_one_blank_workbook_per_agency(client, cast, report):

    client.force_login(cast["vanphong"])
    assert (
        f'href="/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/{report.cycle_id}/excel.zip"'
        in client.get("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/").content.decode()
    )
    response = client.get(f"/ky-bao-cao/{report.cycle_id}/excel.zip")
    assert 'filename="bao-cao-2026-excel.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    reports = list(report.cycle.reports.select_related("agency"))
    assert sorted(archive.namelist()) == sorted(f"bao-cao-2026-{r.agency.code.lower()}.xlsx" for r in reports)
    book = load_workbook(io.BytesIO(archive.read("bao-cao-2026-ubnd-ba.xlsx")))
    commune = next(r for r in reports if r.agency.code == "UBND-BA")
    assert (book["_he_thong"]["B2"].value, book["_he_thong"]["B3"].value) == (commune.pk, 0)
    codes = [c.value for c in book[COORD]["A"][1:]]
    assert codes and codes == [e.section.code for e in commune.task_entries.filter(role="coordinating")]
    assert all(c.value is None for c in book[COORD]["D"][1:])  # blank answers
    client.force_login(cast["canbo.binhan"])
    book[COORD]["D2"] = "Xã điền từ tệp của huyện"
    assert upload(client, commune, book).status_code == 302  # the agency fills the reviewer's copy and uploads it
    assert commune.task_entries.filter(results="Xã điền từ tệp của huyện").exists()


def test_the_report_page_offers_what_each_person_may_do(client, cast, report):
    url = f"/bao-cao/{report.pk}/"
    client.force_login(cast["canbo.ldtbxh"])
    page = client.get(url).content.decode()
    assert 'id="tai-tep-excel"' in page and 'id="tai-len-tep-excel"' in page
    client.force_login(cast["vanphong"])
    page = client.get(url).content.decode()
    assert 'id="tai-tep-excel"' in page and 'id="tai-len-tep-excel"' not in page
    client.force_login(cast["lanhdao"])
    assert 'id="tep-excel"' not in client.get(url).content.decode()
    AgencyReport.objects.filter(pk=report.pk).update(state="submitted")
    client.force_login(cast["canbo.ldtbxh"])
    page = client.get(url).content.decode()
    assert 'id="tai-tep-excel"' in page and 'id="tai-len-tep-excel"' not in page


def test_text_written_as_a_formula_stays_text_in_the_downloaded_workbook(owner, report):
    """Issue 17, item 7: an agency's proposal and its own name starting with "=" are text cells, never formulas."""
    formula = '=HYPERLINK("http://x","lý do")'
    report.proposals.create(text=formula)
    report.agency.name = formula
    report.agency.save()
    book = download(owner, report)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value == formula]
    assert {c.parent.title for c in cells} == {PROPOSALS, "_he_thong"}
    assert all(c.data_type == "s" for c in cells)


def test_an_empty_date_follows_the_web_forms_rule_in_the_instructions_and_on_upload(client, cast, report):
    """Tester, 06/12/2026: the page said “Để trống: tính đến 06/12/2026”, the workbook “… tính đến ngày
    31/12/2026”. Both now say the page's rule, and an empty date uploaded is dated by it."""
    with time_machine.travel(datetime.datetime(2026, 12, 6, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        client.force_login(cast["canbo.ldtbxh"])
        assert "Để trống: tính đến 06/12/2026" in client.get(f"/bao-cao/{report.pk}/").content.decode()
        book = download(client, report)
        instructions = [c.value for c in book["Hướng dẫn"]["A"] if c.value and c.value.startswith("3.")]
        assert len(instructions) == 1 and "để trống: tính đến 06/12/2026 nếu tải lên hôm nay" in instructions[0]
        assert "tải lên từ 01/01/2027: tính đến 31/12/2026" in instructions[0]
        targets = book[TARGETS]
        row = row_of(targets, "2030.08")
        targets[f"G{row}"], targets[f"H{row}"] = 42.5, None
        passed = row_of(targets, "2025.22")  # its milestone, 2025, has passed: the report asks for 2025's value
        assert targets.cell(passed, 5).value == 2025
        assert "Để trống ngày: tính đến 31/12/2025." in targets.cell(passed, 11).value  # as the page says beside it
        page = client.get(f"/bao-cao/{report.pk}/").content.decode()
        card = page[page.index('id="chi-tieu-2025.22"') :]
        assert "Để trống: tính đến 31/12/2025" in card[: card.index("</section>")]
        targets[f"G{passed}"], targets[f"H{passed}"] = 49.5, None
        response = upload(client, report, book)
        assert response.status_code == 302, errors_of(response)
    assert TargetEntry.objects.get(report=report, target__code="2030.08").as_of == datetime.date(2026, 12, 6)
    assert TargetEntry.objects.get(report=report, target__code="2025.22").as_of == datetime.date(2025, 12, 31)


def test_every_sheet_prints_at_8_pt_or_more(client, cast, report):
    """Tester, 06/12/2026: “Nhiệm vụ chủ trì”, 252 characters wide fitted to one A4 landscape page, printed at
    about 6 pt. The sheets follow the consolidated workbook's rule: A4 while the text columns stay readable, else
    A3, never below 8 pt; and the rows are as tall as their text wrapped to the narrower columns."""
    with time_machine.travel(datetime.datetime(2026, 12, 6, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        client.force_login(cast["canbo.ldtbxh"])
        report.task_entries.filter(role="lead").update(results="Đã mở lớp dạy nghề cho đồng bào. " * 8)
        book = download(client, report)
    printed = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    assert [sheet.title for sheet in printed] == book.sheetnames[:-1]  # all but the hidden one
    for sheet in printed:
        assert printed_font_size(sheet) >= 8, (sheet.title, printed_font_size(sheet))
        assert str(sheet.page_setup.paperSize) in ("9", "8") and sheet.sheet_properties.pageSetUpPr.fitToPage
    leads = book[LEAD]
    assert str(leads.page_setup.paperSize) == "8"  # A3: on A4 its text columns would be too narrow to read
    results = leads.column_dimensions["D"].width
    assert 24 <= results < 45 and leads.row_dimensions[2].height >= 15 * math.ceil(264 / (results - 2))
    assert str(book[DIFFICULTIES].page_setup.paperSize) == "9"  # one column fits A4 at 8 pt or more as it is


def test_the_hidden_sheet_s_numbers_are_read_in_digits_0_to_9_only(owner, report):
    """Issue 17, second probe: Python's int() reads ٣ (Arabic-Indic) or ３ (full-width) as 3."""
    book = download(owner, report)
    book[DIFFICULTIES]["A2"] = "Từ Excel"
    arabic = str(report.version).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    book["_he_thong"]["B3"] = arabic
    response = upload(owner, report, book)
    assert response.status_code == 422
    assert "phần thông tin ẩn của báo cáo bị sửa hoặc hỏng" in errors_of(response)
    report.refresh_from_db()
    assert report.difficulties != "Từ Excel"


def test_a_reviewer_hands_out_a_workbook_only_while_the_report_is_blank(
    client, cast, owner, report, django_assert_max_num_queries
):
    """Once the agency has typed on the portal, the reviewer is told why there is no blank workbook: the agency
    signs in and takes its own, and a blank one uploaded over the draft would empty it."""
    reviewer = type(client)()
    reviewer.force_login(cast["vanphong"])
    assert reviewer.get(f"/bao-cao/{report.pk}/excel/").status_code == 200  # blank: a form to hand out
    code = report.task_entries.filter(role="lead").order_by("section__position").first().section.code
    assert (
        owner.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, results="KQ5821").data()).status_code == 302
    )
    with django_assert_max_num_queries(9):  # one more than before roles per plan: the plans the reviewer reviews
        response = reviewer.get(f"/bao-cao/{report.pk}/excel/")
    page = response.content.decode()
    assert response.status_code == 403 and "KQ5821" not in page
    assert "Tệp Excel trống chỉ tải được khi đơn vị chưa nhập gì" in page
    assert "cán bộ của đơn vị tải tệp của báo cáo trên trang báo cáo" in page
