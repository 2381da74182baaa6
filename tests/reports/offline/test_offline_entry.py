"""Offline entry (PRODUCT.md §10): the report goes out as a workbook, is edited with openpyxl as an agency would
in Excel, and comes back through the web form's own checks, all or nothing."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import AgencyReport, Evidence, Proposal, TargetEntry, TaskEntry
from tests.reports.helpers import ReportPage
from tests.reports.offline.workbook_helpers import (
    COORD,
    DIFFICULTIES,
    LEAD,
    PDF,
    PROPOSALS,
    QUALITATIVE,
    TARGETS,
    download,
    errors_of,
    history_counts,
    row_of,
    upload,
)


def test_it_downloads_the_report_with_its_tasks_targets_and_proposals(owner, report):
    report.proposals.create(text="Hỗ trợ kinh phí đào tạo nghề")
    book = download(owner, report)
    assert book.sheetnames == ["Hướng dẫn", LEAD, COORD, TARGETS, QUALITATIVE, PROPOSALS, DIFFICULTIES, "_he_thong"]
    assert "CÁCH ĐIỀN" in book["Hướng dẫn"]["A5"].value.upper() and book.security.lockStructure
    leads = book[LEAD]
    codes = [leads.cell(row, 1).value for row in range(2, leads.max_row + 1)]
    expected = report.task_entries.filter(role="lead").order_by("section__position")
    assert codes == [entry.section.code for entry in expected]
    assert [c.value for c in leads[1]][:7] == ["Mã", "Nhiệm vụ trong kế hoạch", "Tình hình thực hiện",
        "Kết quả đạt được", "Tồn tại, hạn chế và nguyên nhân", "Nhiệm vụ, giải pháp năm tới",
        "Kinh phí đã sử dụng (đồng)"]  # fmt: skip
    section = expected.first().section
    assert (section.title or section.content.splitlines()[0]) in leads["B2"].value  # the plan's own text
    targets = book[TARGETS]
    row = row_of(targets, "2030.08")
    assert targets.cell(row, 4).value == "%" and targets.cell(row, 5).value == 2026
    assert row_of(book[QUALITATIVE], "2045.03")
    assert book[PROPOSALS]["B2"].value == "Hỗ trợ kinh phí đào tạo nghề" and book[PROPOSALS]["B3"].value is None
    meta = book["_he_thong"]
    assert meta.sheet_state == "veryHidden"
    assert (meta["A2"].value, meta["B2"].value, meta["A3"].value, meta["B3"].value) == (
        "Báo cáo",
        report.pk,
        "Phiên bản",
        report.version,
    )


def test_a_task_too_long_for_a_row_is_cut_at_a_word_saying_where_the_rest_is(owner, report):
    """Browser pass 34: III.2.a (1 503 characters) printed cut mid-sentence in a narrowed column, Excel's rows being
    at most 409 pt tall. What is shown fits the row by the workbook's own count, and says the rest is on the portal;
    a task of ordinary length is shown whole; the workbook still comes back."""
    entries = report.task_entries.filter(role="lead").select_related("section").order_by("section__position")
    long, short = entries[0].section, entries[1].section
    sentence = "Đẩy mạnh kêu gọi đầu tư, liên kết trong sản xuất và tiêu thụ sản phẩm theo chuỗi giá trị. "
    long.content = sentence * 40  # 3 600 characters
    long.save()
    sheet = download(owner, report)[LEAD]
    width = sheet.column_dimensions["B"].width
    shown = sheet.cell(row_of(sheet, long.code), 2).value
    assert shown.endswith(" … (còn tiếp: xem toàn văn trên trang Kế hoạch của cổng)")
    assert "Đẩy mạnh kêu gọi đầu tư, liên kết" in shown and len(shown) < len(long.content)
    last_word = shown.removesuffix(" … (còn tiếp: xem toàn văn trên trang Kế hoạch của cổng)").split()[-1]
    assert last_word in sentence.replace(",", "").replace(".", "").split()  # cut at a word, not within one
    lines = sum(max(1, -(-len(part) // int(width - 2))) for part in shown.split("\n"))
    assert lines * 15 <= 409 and sheet.row_dimensions[row_of(sheet, long.code)].height <= 409
    whole = sheet.cell(row_of(sheet, short.code), 2).value
    assert "còn tiếp" not in whole and short.content.split()[0] in whole
    assert upload(owner, report, download(owner, report)).status_code == 302


def test_only_input_cells_are_unlocked_and_validated(owner, report):
    book = download(owner, report)
    for sheet in book.worksheets:
        assert sheet.protection.sheet, sheet.title
        assert not sheet.protection.password
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate  # values only
    leads = book[LEAD]
    assert leads["A2"].protection.locked and leads["B2"].protection.locked
    assert not any(leads[f"{c}2"].protection.locked for c in "CDEFG")
    rules = {str(v.sqref).split()[0][:1] + v.type: v for v in leads.data_validations.dataValidation}
    assert rules["Clist"].formula1 == '"Chưa triển khai,Đang triển khai,Hoàn thành,Chậm tiến độ"'
    assert rules["Gwhole"].formula1 == "0"
    targets = book[TARGETS]
    row = row_of(targets, "2030.08")
    decimal = [v for v in targets.data_validations.dataValidation if v.type == "decimal" and f"G{row}" in v.sqref]
    assert [(v.formula1, v.formula2) for v in decimal] == [("0", "100")]  # a percentage
    lists = {v.formula1 for v in book[QUALITATIVE].data_validations.dataValidation if v.type == "list"}
    assert lists == {'"Đã đạt,Đang thực hiện,Chưa đạt"'}


def test_every_validation_stops_a_wrong_value_and_shows_its_prompt(owner, report):
    """openpyxl writes a validation with its messages off, and then Excel and LibreOffice take 150 in a 0–100
    cell, “Chắc vậy” in a Có/Không cell and “Xong rồi” in the status list, and never show the prompt."""
    book = download(owner, report)
    rules = [(sheet.title, v) for sheet in book.worksheets for v in sheet.data_validations.dataValidation]
    kinds = {(title, v.type) for title, v in rules}
    assert {(LEAD, "list"), (LEAD, "whole"), (LEAD, "textLength"), (TARGETS, "decimal"), (TARGETS, "date"),
            (TARGETS, "list"), (QUALITATIVE, "list"), (PROPOSALS, "textLength")} <= kinds  # fmt: skip
    for title, rule in rules:
        where = f"{title} {rule.sqref}"
        assert rule.showErrorMessage and rule.showInputMessage, where
        assert rule.errorStyle in (None, "stop"), where  # stop is the default: the value is refused
        assert rule.errorTitle and rule.error and rule.promptTitle and rule.prompt, where
        assert len(rule.promptTitle) <= 32 and len(rule.errorTitle) <= 32, where  # Excel's limits, or it
        assert len(rule.prompt) <= 255 and len(rule.error) <= 255, where  # "repairs" the file on opening
    targets = book[TARGETS]
    row = row_of(targets, "2030.08")
    percent = next(v for v in targets.data_validations.dataValidation if v.type == "decimal" and f"G{row}" in v.sqref)
    assert (percent.prompt, percent.error) == ("Nhập số từ 0 đến 100.", "Giá trị phải là số từ 0 đến 100.")
    estimate = next(v for v in targets.data_validations.dataValidation if f"I{row}" in v.sqref)
    assert estimate.error == "Chọn một mục trong danh sách của ô: Có, Không."
    status = next(v for v in book[LEAD].data_validations.dataValidation if "C2" in v.sqref)
    assert status.error == (
        "Chọn một mục trong danh sách của ô: Chưa triển khai, Đang triển khai, Hoàn thành, Chậm tiến độ."
    )


def test_the_instructions_print_within_an_a4_page(owner, report):
    """One wrapped column, printed portrait on A4: LibreOffice does not shrink a single column wider than the
    page, so the column itself fits between the margins, even in a font wider than Calibri (DejaVu Sans, which
    LibreOffice uses without Calibri, takes 6,9 pt a character there)."""
    sheet = download(owner, report)["Hướng dẫn"]
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("portrait", "9")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)  # Excel shrinks it if it must
    printable = 595 - 72 * (sheet.page_margins.left + sheet.page_margins.right)  # A4 is 595 pt wide
    assert sheet.column_dimensions["A"].width * 7 <= printable
    assert sheet.max_column == 1
    for row in range(1, sheet.max_row + 1):
        cell = sheet.cell(row, 1)
        assert cell.value is None or cell.alignment.wrap_text, row


def test_a_filled_workbook_comes_back_into_the_report(owner, report):
    entry = report.task_entries.filter(role="lead").order_by("section__position").first()
    Evidence.objects.create(entry=entry, file=SimpleUploadedFile("a.pdf", PDF), original_name="a.pdf",
                            content_type="application/pdf", size=1)  # fmt: skip
    book = download(owner, report)
    leads = book[LEAD]
    leads["C2"], leads["D2"], leads["E2"] = "Hoàn thành", "Đã mở 3 lớp dạy nghề.\nĐã hỗ trợ 120 hộ.", "Thiếu giáo viên."
    leads["G2"] = 125_000_000
    coordinating = book[COORD]
    coordinating["D2"] = "Đã phối hợp tuyên truyền."
    targets = book[TARGETS]
    row = row_of(targets, "2030.08")
    targets[f"G{row}"], targets[f"H{row}"], targets[f"I{row}"] = 42.5, "30/11/2026", "Có"
    targets[f"J{row}"] = "Số liệu của phòng."
    qualitative = book[QUALITATIVE]
    qualitative[f"D{row_of(qualitative, '2045.03')}"] = "Đang thực hiện"
    book[PROPOSALS]["B2"] = "Bổ sung kinh phí đào tạo nghề"
    book[DIFFICULTIES]["A2"] = "Địa bàn rộng, đi lại khó khăn."
    response = upload(owner, report, book)
    assert response.status_code == 302, errors_of(response)
    entry.refresh_from_db()
    assert (entry.status, entry.results, entry.shortcomings, entry.budget_used) == (
        "completed",
        "Đã mở 3 lớp dạy nghề.\nĐã hỗ trợ 120 hộ.",
        "Thiếu giáo viên.",
        125_000_000,
    )
    assert entry.evidence.get().original_name == "a.pdf"  # evidence is not in the workbook, and stays
    value = TargetEntry.objects.get(report=report, target__code="2030.08")
    assert (value.value, value.as_of.isoformat(), value.is_estimate, value.note) == (
        42.5,
        "2026-11-30",
        True,
        "Số liệu của phòng.",
    )
    assert TargetEntry.objects.get(report=report, target__code="2045.03").qualitative_status == "progressing"
    assert list(report.proposals.values_list("text", flat=True)) == ["Bổ sung kinh phí đào tạo nghề"]
    report.refresh_from_db()
    assert report.difficulties == "Địa bàn rộng, đi lại khó khăn." and report.version == 1
    page = owner.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Đã lưu nội dung tệp Excel" in page and "Đã hỗ trợ 120 hộ." in page and "125.000.000" in page
    assert 'value="42,5"' in page


def test_the_upload_is_in_the_history_like_a_web_save(owner, cast, report):
    book = download(owner, report)
    book[LEAD]["D2"] = "Kết quả từ Excel"
    assert upload(owner, report, book, name="bao-cao-ldtbxh.xlsx").status_code == 302
    record = TaskEntry.history.filter(report_id=report.pk, results="Kết quả từ Excel").get()
    assert record.history_user == cast["canbo.ldtbxh"]
    assert record.history_change_reason == "Nhập từ tệp Excel “bao-cao-ldtbxh.xlsx”"
    page = owner.get(f"/bao-cao/{report.pk}/lich-su/").content.decode()
    assert "Nhập từ tệp Excel" in page.split('id="lich-su"')[1]


def test_an_untouched_workbook_changes_nothing(owner, report):
    """Re-uploading an unchanged workbook neither writes nor bumps the version: the page another tab has open
    can still be saved, and the same workbook, edited afterwards, is still taken."""
    assert upload(owner, report, download(owner, report)).status_code == 302  # a report nobody has filled yet
    report.refresh_from_db()
    assert report.version == 0
    page = ReportPage(report).fill_everything()
    page.lead(report.task_entries.filter(role="lead").first().section.code, results="Hai dòng\r\nthứ hai")
    report.proposals.create(text="Hỗ trợ kinh phí đào tạo nghề")
    assert owner.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    other_tab = ReportPage(report)  # the page as a second tab shows it, before the upload
    before, updated = history_counts(), AgencyReport.objects.values_list("updated_at", flat=True).get(pk=report.pk)
    book = download(owner, report)
    response = upload(owner, report, book, name="bao-cao-ldtbxh.xlsx")
    assert response.status_code == 302
    assert history_counts() == before  # not even a line break rewritten
    report.refresh_from_db()
    assert (report.version, report.updated_at) == (1, updated)
    shown = owner.get(response["Location"]).content.decode()
    assert "Tệp không có gì thay đổi so với báo cáo đang lưu: không có gì được lưu." in shown
    assert "bao-cao-ldtbxh.xlsx" in shown and "Đã lưu nội dung tệp Excel" not in shown
    web = other_tab.data() | {"difficulties": "Sửa trên tab khác"}
    assert owner.post(f"/bao-cao/{report.pk}/", web).status_code == 302  # no conflict: nothing was saved
    report.refresh_from_db()
    assert (report.version, report.difficulties) == (2, "Sửa trên tab khác")


def test_a_workbook_uploaded_unchanged_can_still_be_edited_and_uploaded(owner, report):
    book = download(owner, report)
    assert upload(owner, report, book).status_code == 302
    before = history_counts()
    book[LEAD]["D2"] = "Đã mở 3 lớp dạy nghề."
    response = upload(owner, report, book)
    assert response.status_code == 302, errors_of(response)
    assert "Đã lưu nội dung tệp Excel" in owner.get(response["Location"]).content.decode()
    assert TaskEntry.objects.filter(report=report, results="Đã mở 3 lớp dạy nghề.").count() == 1
    assert history_counts()[TaskEntry] == before[TaskEntry] + 1
    report.refresh_from_db()
    assert report.version == 1


def test_a_workbook_downloaded_before_a_web_save_is_refused(owner, report):
    book = download(owner, report)
    web = ReportPage(report).data() | {"difficulties": "Trên web"}
    assert owner.post(f"/bao-cao/{report.pk}/", web).status_code == 302
    book[DIFFICULTIES]["A2"] = "Từ Excel"
    response = upload(owner, report, book)
    assert response.status_code == 422
    assert "Báo cáo đã thay đổi sau khi tải tệp này (lần lưu gần nhất:" in errors_of(response)
    report.refresh_from_db()
    assert report.difficulties == "Trên web" and report.version == 1


def test_a_workbook_is_taken_once(owner, report):
    book = download(owner, report)
    book[DIFFICULTIES]["A2"] = "Lần một"
    assert upload(owner, report, book).status_code == 302
    book[DIFFICULTIES]["A2"] = "Lần hai"
    assert "Báo cáo đã thay đổi sau khi tải tệp này" in errors_of(upload(owner, report, book))
    report.refresh_from_db()
    assert report.difficulties == "Lần một"


def test_every_bad_cell_is_named_and_nothing_is_saved(owner, report):
    book = download(owner, report)
    leads, targets, qualitative = book[LEAD], book[TARGETS], book[QUALITATIVE]
    leads["D2"] = "Kết quả đúng, nhưng không được lưu vì ô khác sai"
    leads["C3"] = "Xong rồi"
    leads["E3"] = "x" * 20_001
    leads["G3"] = "4,5,6"
    percent = row_of(targets, "2030.08")
    targets[f"G{percent}"] = "1.250"
    other = row_of(targets, "2030.10")
    targets[f"G{other}"] = 120
    targets[f"I{other}"] = "Có lẽ"
    targets[f"H{other}"] = "31/02/2026"
    assessed = row_of(qualitative, "2045.03")
    qualitative[f"D{assessed}"] = "Tốt"
    book[PROPOSALS]["B3"] = "=A1+1"
    response = upload(owner, report, book)
    assert response.status_code == 422
    text = errors_of(response)
    for expected in [
        "Trang “Nhiệm vụ chủ trì”, dòng 3, cột C (Tình hình thực hiện): “Xong rồi” không có trong danh sách",
        "Trang “Nhiệm vụ chủ trì”, dòng 3, cột E (Tồn tại, hạn chế và nguyên nhân): Tối đa 20.000 ký tự",
        "Trang “Nhiệm vụ chủ trì”, dòng 3, cột G (Kinh phí đã sử dụng (đồng)): “4,5,6” không phải là số",
        f"Trang “Chỉ tiêu định lượng”, dòng {percent}, cột G (Giá trị): “1.250” có thể hiểu hai cách",
        f"Trang “Chỉ tiêu định lượng”, dòng {other}, cột G (Giá trị): Tỷ lệ phần trăm phải từ 0 đến 100.",
        f"Trang “Chỉ tiêu định lượng”, dòng {other}, cột H (Số liệu tính đến ngày): Ngày không hợp lệ",
        f"Trang “Chỉ tiêu định lượng”, dòng {other}, cột I (Ước thực hiện): “Có lẽ” không có trong danh sách",
        f"Trang “Chỉ tiêu định tính”, dòng {assessed}, cột D (Đánh giá): “Tốt” không có trong danh sách",
        "Trang “Kiến nghị, đề xuất”, dòng 3, cột B (Kiến nghị, đề xuất): ô chứa công thức (=A1+1)",
    ]:
        assert expected in text, expected
    assert text.split("<main", 1)[1].count("<li>") == 9  # in the page, not its menu bar
    assert not TaskEntry.objects.filter(report=report).exclude(results="").exists()
    report.refresh_from_db()
    assert report.version == 0


def test_rows_sorted_after_unprotecting_the_sheet_are_refused(owner, report):
    report.proposals.create(text="Một", position=0)
    report.proposals.create(text="Hai", position=1)
    book = download(owner, report)
    leads, proposals = book[LEAD], book[PROPOSALS]
    first, second = leads["A2"].value, leads["A3"].value
    leads["D2"] = "Kết quả của nhiệm vụ thứ nhất"
    for sheet in (leads, proposals):  # what sorting does: whole rows change places
        for column in range(1, sheet.max_column + 1):
            top, below = sheet.cell(2, column), sheet.cell(3, column)
            top.value, below.value = below.value, top.value
    response = upload(owner, report, book)
    assert response.status_code == 422
    text = errors_of(response)
    assert f"dòng 2, cột A (Mã): dòng này lúc tải về là của mã “{first}”, nay là “{second}”" in text
    assert "Kiến nghị, đề xuất”, dòng 2, cột A (STT): dòng này lúc tải về là của mã “1”, nay là “2”" in text
    assert not report.task_entries.exclude(results="").exists()


def test_text_that_only_looks_like_a_formula_is_kept_as_text(owner, report):
    book = download(owner, report)
    cell = book[LEAD]["D2"]
    cell.value = "=5 hộ được hỗ trợ"
    cell.data_type = "s"  # as Excel stores it in a cell formatted as text (the workbook's text cells are)
    book[LEAD]["E2"] = "- Thiếu giáo viên"
    assert upload(owner, report, book).status_code == 302
    entry = report.task_entries.filter(role="lead").order_by("section__position").first()
    assert (entry.results, entry.shortcomings) == ("=5 hộ được hỗ trợ", "- Thiếu giáo viên")


def test_a_percentage_typed_with_its_sign_counts_as_shown(owner, report):
    book = download(owner, report)
    targets = book[TARGETS]
    cell = targets[f"G{row_of(targets, '2030.08')}"]
    cell.value, cell.number_format = 0.955, "0.0%"  # Excel stores "95,5%" typed in a cell so
    assert upload(owner, report, book).status_code == 302
    assert TargetEntry.objects.get(report=report, target__code="2030.08").value == 95.5


def test_a_number_cell_is_read_as_the_number_it_holds(owner, report):
    book = download(owner, report)
    targets = book[TARGETS]
    targets[f"G{row_of(targets, '2030.08')}"] = 12.345  # "12,345" typed as text would be ambiguous; a number is not
    targets[f"G{row_of(targets, '2030.10')}"] = "12,5"  # a number typed as text, the Vietnamese way
    assert upload(owner, report, book).status_code == 302
    values = dict(TargetEntry.objects.filter(report=report).values_list("target__code", "value"))
    assert (values["2030.08"], values["2030.10"]) == (Decimal("12.345"), Decimal("12.5"))
    again = download(owner, report)
    assert again[TARGETS][f"G{row_of(targets, '2030.08')}"].value == 12.345
    assert upload(owner, report, again).status_code == 302  # and it goes back and forth unchanged
    assert TargetEntry.objects.get(report=report, target__code="2030.08").value == Decimal("12.345")


@pytest.mark.parametrize(
    "written, said",
    [("1e999", "ô ghi “inf”, không phải là số: nhập một số"), ("-1e999", "ô ghi “-inf”, không phải là số"),
     ("nan", "bị hỏng: không đọc được nội dung")],
)  # fmt: skip
def test_a_number_cell_holding_no_number_is_refused_not_taken_for_empty(owner, report, written, said):
    """The seventh probe: a number cell's XML holding no number ("1e999" reads as infinity) was answered as saved,
    the value lost."""
    TargetEntry.objects.filter(report=report, target__code="2030.08").update(value=71)
    book = download(owner, report)
    targets = book[TARGETS]
    targets[f"G{row_of(targets, '2030.08')}"] = 123456.789  # a mark to find in the sheet's XML
    buffer = io.BytesIO()
    book.save(buffer)
    packed, unpacked = io.BytesIO(), zipfile.ZipFile(buffer)
    with zipfile.ZipFile(packed, "w") as out:
        for item in unpacked.infolist():
            content = unpacked.read(item.filename)
            out.writestr(item, content.replace(b"<v>123456.789</v>", f"<v>{written}</v>".encode()))
    response = upload(owner, report, packed.getvalue())
    assert response.status_code == 422 and said in errors_of(response)
    assert TargetEntry.objects.get(report=report, target__code="2030.08").value == 71


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_nan_or_infinity_set_with_openpyxl_is_refused_not_taken_for_empty(owner, report, number):
    """Issue 17's probe: openpyxl writes NaN and infinity as a number cell with an empty value (`<v></v>`), which
    it reads back as an empty cell: the upload was answered as saved and the entry's value emptied."""
    TargetEntry.objects.filter(report=report, target__code="2030.08").update(value=71)
    before = history_counts()
    book = download(owner, report)
    targets = book[TARGETS]
    row = row_of(targets, "2030.08")
    targets[f"G{row}"] = number  # as the probe did
    buffer = io.BytesIO()
    book.save(buffer)
    archive = zipfile.ZipFile(buffer)
    written = [re.search(rf'<c r="G{row}"[^>]*>(.*?)</c>'.encode(), archive.read(name)) for name in archive.namelist()]
    assert b"<v></v>" in [found.group(1) for found in written if found]  # what arrives: a number cell left empty
    response = upload(owner, report, buffer.getvalue())
    assert response.status_code == 422
    said = f"Trang “Chỉ tiêu định lượng”, dòng {row}, cột G (Giá trị): ô không có số (NaN hay vô cực)"
    assert said in errors_of(response)
    assert TargetEntry.objects.get(report=report, target__code="2030.08").value == 71
    assert history_counts() == before


def test_excel_escapes_of_pasted_characters_are_read_as_those_characters(owner, report):
    """The seventh probe: Excel writes a line break pasted from Word as "_x000B_"; it was saved as those letters."""
    book = download(owner, report)
    book[LEAD]["D2"] = "Dòng một_x000B_dòng hai_xFFFE_._x005F_x0041_"
    assert upload(owner, report, book).status_code == 302
    entry = report.task_entries.filter(role="lead").order_by("section__position").first()
    assert entry.results == "Dòng một\ndòng hai._x0041_"


def test_proposals_emptied_are_removed_and_answered_ones_stay(owner, cast, report):
    kept = report.proposals.create(text="Giữ nguyên", position=0)
    dropped = report.proposals.create(text="Bỏ đi", position=1)
    answered = report.proposals.create(text="Đã trả lời", position=2, response="Đã chuyển Sở.", state="answered")
    book = download(owner, report)
    proposals = book[PROPOSALS]
    assert proposals["B4"].protection.locked and not proposals["B2"].protection.locked
    proposals["B3"], proposals["B4"], proposals["B6"] = None, "Sửa câu đã trả lời", "Kiến nghị mới"
    assert upload(owner, report, book).status_code == 302
    assert list(report.proposals.values_list("pk", "text")) == [
        (kept.pk, "Giữ nguyên"),
        (answered.pk, "Đã trả lời"),
        (answered.pk + 1, "Kiến nghị mới"),
    ]
    assert not Proposal.objects.filter(pk=dropped.pk).exists()
