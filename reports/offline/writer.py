"""The report workbook an agency fills offline: an instructions sheet, one sheet per part of the report page,
data validation on the input cells, every other cell locked (sheet protection without a password), and a very
hidden sheet naming the report, its version and the entry on each row. Every cell is a value, never a formula."""

import datetime
import io
import math
import zipfile

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.properties import PageSetupProperties

from binhson_plan.csv_cells import xlsx_text
from binhson_plan.number_format import with_unit
from binhson_plan.sheets import HEADER_FILL, SIDE_MARGIN, cell_value, fit_page, narrowest_width
from reports.editing.forms import MAX_PROPOSALS
from reports.editing.saving import build_forms
from reports.offline.layout import (
    ASSESSMENT_LABELS,
    COORDINATING,
    DIFFICULTIES,
    EMPTY_PROPOSAL_ROWS,
    FORMAT,
    INSTRUCTIONS,
    LEADS,
    META_SHEET,
    NO,
    PROPOSALS,
    QUALITATIVE,
    STATUS_LABELS,
    TARGETS,
    YES,
    number_bounds,
)
from reports.offline.validation import Validations
from targets.templatetags.plan_format import paragraphs, target_value
from tasks.models import ReportIssuer

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill, pale yellow
CLOSED_FILL = PatternFill("solid", fgColor="EDEDED")  # an input cell that cannot be changed in this report
PLAIN, BOLD = Font(name="Calibri", size=11), Font(name="Calibri", size=11, bold=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")
# The instructions' one column, in characters, with 1,27 cm side margins: narrower than an A4 portrait page even
# where Calibri is missing and a wider font stands in (LibreOffice does not shrink a single wrapped column to fit)
INSTRUCTIONS_WIDTH, INSTRUCTIONS_MARGIN = 70, 0.5
LINE_HEIGHT, MAX_HEIGHT = 15, 409  # points; 409 is the tallest row Excel allows
ROW_LINES = MAX_HEIGHT // LINE_HEIGHT
CONTINUED = " … (còn tiếp: xem toàn văn trên trang Kế hoạch của cổng)"
NUMBER_FORMATS = {"text": "@", "money": "#,##0", "date": "dd/mm/yyyy", "number": "General", "number_info": "General"}
FREE_TEXT = {"text", "info"}  # columns of free text, which may be narrowed to fit the page: their text wraps
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Line:
    """One row of a sheet: the entry it holds (its id for the hidden sheet), its values in column order, and
    which input columns stay closed in this report (a passed milestone, an answered proposal)."""

    def __init__(self, pk, values, closed=(), bounds=(0, None), dates=None):
        self.pk, self.values, self.closed, self.bounds, self.dates = pk, values, set(closed), bounds, dates


def file_name(report) -> str:
    return f"bao-cao-{report.cycle.year}-{slugify(report.agency.code)}.xlsx"


def report_workbook(report) -> bytes:
    """The report as it stands at its current version, as an .xlsx file."""
    report.refresh_from_db(fields=["version", "difficulties", "state"])
    forms = build_forms(report)
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "Cổng theo dõi Kế hoạch công tác dân tộc huyện Bình Sơn"
    book.properties.title = f"Báo cáo năm {report.cycle.year} – {report.agency.name}"
    _instructions(book.create_sheet(INSTRUCTIONS), report)
    targets = [form for form in forms["targets"] if not form.instance.target.is_qualitative]
    qualitative = [form for form in forms["targets"] if form.instance.target.is_qualitative]
    placed = {}
    for sheet, lines in (
        (LEADS, [_lead(form) for form in forms["leads"]]),
        (COORDINATING, [_coordinating(form) for form in forms["coordinating"]]),
        (TARGETS, [_target(form, report) for form in targets]),
        (QUALITATIVE, [_qualitative(form, report) for form in qualitative]),
        (PROPOSALS, _proposals(forms["proposals"])),
        (DIFFICULTIES, [Line(report.pk, [report.difficulties])]),
    ):
        placed[sheet.key] = _write_sheet(book.create_sheet(sheet.title), sheet, lines)
    _meta(book.create_sheet(META_SHEET), report, placed)
    book.security = WorkbookProtection(lockStructure=True)  # no sheet added, renamed, removed or unhidden
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LEFT_OUT = "khong-kem-theo.txt"


def cycle_zip(cycle) -> bytes:
    """Every agency's workbook of the cycle in one zip, to hand out at the start of the season: blank, or as sent.
    A report its agency is typing (or changing after a send-back) is the agency's own: left out, and named in a
    note (reports/models/report.py, SHARED_STATES)."""
    buffer, left_out = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        reports = cycle.reports.counted()  # a handed-over one is its successor's now
        for report in reports.select_related("agency", "cycle__plan").order_by("agency__name"):
            if report.is_blank or report.is_shared:
                archive.writestr(file_name(report), report_workbook(report))
            else:
                left_out.append(f"- {report.agency.name}: {report.state_label.lower()}")
        if left_out:
            note = ["Không kèm tệp của các đơn vị đang nhập báo cáo trên cổng (nội dung chưa gửi là của đơn vị):"]
            archive.writestr(LEFT_OUT, "\ufeff" + "\r\n".join([*note, *left_out, ""]))  # BOM: Notepad reads UTF-8
    return buffer.getvalue()


def _task_text(section) -> str:
    lines = [f"{section.label} {section.title}".strip()] if section.title else []
    if section.kind == "item" and section.parent:
        lines.append(f"(thuộc {section.parent.label} {section.parent.title})")
    lines += paragraphs(section.content)
    lines += [f"{child.number} {child.content}" for child in section.children.all() if child.is_active]
    return "\n".join(lines)


def _lead(form) -> Line:
    entry = form.instance
    evidence = ", ".join(item.original_name for item in entry.evidence.all())
    return Line(
        entry.pk,
        [entry.section.code, _task_text(entry.section), STATUS_LABELS.get(entry.status), entry.results,
         entry.shortcomings, entry.next_steps, entry.budget_used, evidence or "chưa có"],
    )  # fmt: skip


def _coordinating(form) -> Line:
    entry = form.instance
    return Line(entry.pk, [entry.section.code, _task_text(entry.section), entry.section.lead_text, entry.results])


def _asked(form, report) -> tuple[int, str]:
    """The year the value is for, and what the page says about it (reports.editing.asking)."""
    facts = getattr(form, "facts", None)
    ask = facts.ask if facts else None
    year = (ask.year if ask else None) or getattr(form.instance, "value_year", None) or report.cycle.year
    notes = [ask.notice_for(form.instance)] if ask and ask.notice else []
    if form.fields["value"].disabled and form.instance.value is not None:
        notes.append(f"Giá trị đã nhập cho năm {year} không còn được tính, không được ghi khi duyệt.")
    shared = getattr(form, "shared_with", None)
    if shared:
        notes.append(f"Số liệu này dùng chung cho mốc sau của cùng chỉ số: {', '.join(shared)}.")
    target = form.instance.target
    if ask and ask.recorded is not None:  # what the page says beside it (browser pass 33: the workbook said a value
        # was there without saying it)
        if target.is_qualitative:
            notes.append(f"Đánh giá năm {ask.milestone}: {ask.recorded.get_status_display().lower()}.")
        else:
            estimate = " (ước)" if ask.recorded.is_estimate else ""
            notes.append(f"Số liệu năm {ask.milestone}: {with_unit(ask.recorded.value, target.input_unit)}{estimate}.")
    if ask and ask.year is None:  # nothing to enter this year: no word on how to enter it
        return year, " ".join(notes)
    if target.kind == "annual_change":
        notes.append(f"Nhập mức của chỉ số ({target.input_unit}) năm {year}, không nhập mức thay đổi.")
    elif target.measured_unit:
        notes.append(f"Nhập số liệu năm {year} theo {target.measured_unit}.")
    if target.is_percentage:
        notes.append("Nhập số phần trăm từ 0 đến 100 (95 nghĩa là 95%).")
    return year, " ".join(notes)


def _target(form, report) -> Line:
    entry, target = form.instance, form.instance.target
    year, notes = _asked(form, report)
    if year != report.cycle.year:  # the page says it beside the date too (ReportingCycle.default_as_of)
        notes = f"{notes} Để trống ngày: tính đến {report.cycle.default_as_of(year):%d/%m/%Y}.".strip()
    last = getattr(form, "last_value", None)
    if last is not None and last.is_estimate:  # the page writes "(ước)" beside it; a number cell cannot
        notes = f"Giá trị năm trước (năm {last.year}) là số ước thực hiện. {notes}".strip()
    closed = {"value", "as_of", "is_estimate"} if form.fields["value"].disabled else set()
    return Line(
        entry.pk,
        [target.code, f"{target.name}\n{target.statement}", target_value(target), target.input_unit, year,
         last.value if last else None, entry.value, entry.as_of, YES if form["is_estimate"].value() else NO,
         entry.note, notes],
        closed, number_bounds(target), form.as_of_window,
    )  # fmt: skip


def _qualitative(form, report) -> Line:
    entry, target = form.instance, form.instance.target
    year, notes = _asked(form, report)
    closed = {"qualitative_status"} if form.fields["qualitative_status"].disabled else set()
    return Line(
        entry.pk,
        [target.code, f"{target.name}\n{target.statement}", year, ASSESSMENT_LABELS.get(entry.qualitative_status),
         entry.note, notes],
        closed,
    )  # fmt: skip


def _proposals(formset) -> list[Line]:
    existing = [form.instance for form in formset if form.instance.pk]
    lines = []
    for number, proposal in enumerate(existing, start=1):
        answer = f"{proposal.get_state_display()}: {proposal.response}" if proposal.response else None
        lines.append(Line(proposal.pk, [number, proposal.text, answer], {"text"} if proposal.response else ()))
    free = max(0, min(EMPTY_PROPOSAL_ROWS, MAX_PROPOSALS - len(existing)))
    lines += [Line(None, [len(existing) + n, None, None]) for n in range(1, free + 1)]
    return lines


def _write_sheet(ws, sheet, lines) -> list[tuple[int, int | None]]:
    """The sheet's header and rows; returns (row, entry id) for the hidden sheet."""
    validations = Validations(ws)
    paper, widths = _fitted(sheet)
    for number, (column, width) in enumerate(zip(sheet.columns, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(number)].width = width
        cell = ws.cell(1, number, column.header)
        xlsx_text(cell)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAPPED
    headers = zip(sheet.columns, widths, strict=True)
    ws.row_dimensions[1].height = LINE_HEIGHT * max(_lines(column.header, width) for column, width in headers)
    placed = []
    for row, line in enumerate(lines, start=2):
        for number, (column, value, width) in enumerate(zip(sheet.columns, line.values, widths, strict=True), start=1):
            if not column.is_input and isinstance(value, str):
                value = line.values[number - 1] = _within_a_row(value, width)
            cell = ws.cell(row, number)
            cell.value = cell_value(value)
            xlsx_text(cell)  # text typed as "=…" stays text: never a formula, and shown with Excel's quote prefix
            cell.font, cell.alignment = PLAIN, WRAPPED
            cell.number_format = NUMBER_FORMATS.get(column.kind, "General")
            if column.is_input and column.field not in line.closed:
                cell.fill, cell.protection = INPUT_FILL, Protection(locked=False)
                validations.add(column.kind, cell.coordinate, line.dates if column.kind == "date" else line.bounds)
            elif column.is_input:
                cell.fill = CLOSED_FILL
        heights = [_lines(v, w) for w, v in zip(widths, line.values, strict=True) if isinstance(v, str)]
        ws.row_dimensions[row].height = min(MAX_HEIGHT, LINE_HEIGHT * max([1, *heights]))
        placed.append((row, line.pk))
    if not lines:
        ws.cell(2, 1, "Đơn vị không có nội dung nào ở phần này.").font = PLAIN
    _print_setup(ws, paper)
    _protect(ws)
    return placed


def _fitted(sheet) -> tuple[str, list[int]]:
    """The paper and column widths that print the sheet one page wide with its text at 8 pt or more, by the
    consolidated workbook's rule (binhson_plan.sheets.fit_page): the free-text columns (typed or shown) narrowed
    and wrapped as little as needed, A4 while they stay readable, else A3; lists, numbers and dates keep theirs."""
    narrowest = [narrowest_width(c.header, c.kind in FREE_TEXT) for c in sheet.columns]
    return fit_page([c.width for c in sheet.columns], narrowest)


def _within_a_row(text: str, width: int) -> str:
    """Shown text (the plan's) as much as a row can hold, Excel's rows being at most 409 pt tall: a long task's text
    is cut at a word and says where the rest is (browser pass 34: III.2.a printed cut mid-sentence). The count of
    lines errs on the long side (_lines), so what it lets through is seen whole."""
    if _lines(text, width) <= ROW_LINES:
        return text
    words = text.split(" ")
    while len(words) > 1 and _lines(" ".join(words) + CONTINUED, width) > ROW_LINES:
        words.pop()
    return " ".join(words).rstrip(",;:.") + CONTINUED


def _lines(value, width: int) -> int:
    per_line = max(1, width - 2)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(value).split("\n"))


def _print_setup(ws, paper: str) -> None:
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = paper  # A4, or A3 when A4 would print the text smaller than 8 pt
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = True


def _protect(ws) -> None:
    """Locked cells cannot change; no password, since it only guards against slips, not people."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # columns may be widened and rows made taller to read long text
    ws.protection.formatRows = False


def _empty_as_of(cycle) -> str:
    """What an empty "as of" date becomes, by the web form's rule (ReportingCycle.default_as_of): the day the
    file is uploaded while the year runs, the cycle's cut-off once it is over."""
    year, today = cycle.year, timezone.localdate()
    now = cycle.default_as_of(year, today)
    if today > datetime.date(year, 12, 31):
        return f"để trống: tính đến {now:%d/%m/%Y}."
    later = cycle.default_as_of(year, datetime.date(year + 1, 1, 1))
    return (
        f"để trống: tính đến {now:%d/%m/%Y} nếu tải lên hôm nay (như trên trang báo cáo: ngày tải lên, khi năm "
        f"{year} chưa hết; tải lên từ 01/01/{year + 1}: tính đến {later:%d/%m/%Y})."
    )


def _instructions(ws, report) -> None:
    cycle, now = report.cycle, timezone.localtime()
    reviewer = ReportIssuer.for_year(cycle.plan, cycle.year).reviewer_name  # who reviews, and answers proposals
    lines = [
        (f"BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM {cycle.year} – {report.agency.name.upper()}", True),
        (f"Kế hoạch: {cycle.plan.display_title}", False),
        (f"Hạn gửi: {report.effective_due_on:%d/%m/%Y}. Tệp tải về lúc {now:%H:%M %d/%m/%Y}, "
         f"theo bản lưu số {report.version} của báo cáo ({report.state_label.lower()}).", False),
        ("", False),
        ("Cách điền", True),
        ("1. Chỉ nhập vào các ô nền vàng; các ô khác bị khóa. Không thêm, xóa hay sắp xếp lại dòng, "
         "không đổi tên trang.", False),
        ("2. Tình hình thực hiện, Ước thực hiện và Đánh giá: chọn trong danh sách của ô.", False),
        ("3. Số nhập bằng số. Tỷ lệ phần trăm nhập từ 0 đến 100 (95 nghĩa là 95%). Kinh phí tính bằng đồng, "
         f"số nguyên. Ngày viết ngày/tháng/năm, ví dụ 30/11/2026; {_empty_as_of(cycle)}", False),
        ("4. Không nhập công thức: ô có công thức (bắt đầu bằng dấu =) bị từ chối khi tải lên.", False),
        (f"5. Kiến nghị, đề xuất: mỗi kiến nghị một dòng, tối đa {MAX_PROPOSALS}. Xóa chữ của một kiến nghị "
         f"để bỏ kiến nghị đó; kiến nghị {reviewer} đã trả lời không sửa được.", False),
        ("6. Minh chứng (tệp đính kèm) không nhập được qua tệp này: thêm hoặc gỡ trên trang báo cáo.", False),
        ("", False),
        ("Tải lên", True),
        ("7. Trên trang báo cáo, mục “Nhập bằng tệp Excel”, chọn tệp này và bấm “Tải lên”. Cổng kiểm tra như khi "
         "nhập trên web: nếu có lỗi, không nội dung nào được lưu và từng lỗi được nêu theo trang, dòng, cột.", False),
        ("8. Nếu báo cáo thay đổi sau khi tải tệp này (lưu trên web, tải lên một tệp Excel, kể cả chính tệp này, "
         "hay bị trả lại), tệp bị từ chối để không ghi đè nội dung mới: tải tệp mới, chép phần đã sửa sang rồi tải "
         "lên lại.", False),
        (f"9. Tải lên chỉ lưu nháp. Gửi báo cáo đến {reviewer} "
         "bằng nút “Lưu và gửi báo cáo” trên trang web.", False),
    ]  # fmt: skip
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    for row, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row, 1, text or None)
        xlsx_text(cell)
        cell.font, cell.alignment = (BOLD if bold else PLAIN), WRAPPED
        ws.row_dimensions[row].height = LINE_HEIGHT * _lines(text, INSTRUCTIONS_WIDTH)
    ws.page_setup.orientation, ws.page_setup.paperSize = "portrait", "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # never cut at the right edge
    ws.page_margins.left = ws.page_margins.right = INSTRUCTIONS_MARGIN
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    _protect(ws)


def _meta(ws, report, placed) -> None:
    rows = [
        ("Định dạng", FORMAT),
        ("Báo cáo", report.pk),
        ("Phiên bản", report.version),
        ("Đơn vị", report.agency.code),
        ("Tên đơn vị", report.agency.name),
        ("Năm", report.cycle.year),
    ]
    rows += [("Dòng", key, row, pk) for key, lines in placed.items() for row, pk in lines]
    for row in rows:
        ws.append([cell_value(value) for value in row])
        for cell in ws[ws.max_row]:
            xlsx_text(cell)  # an agency named "=…" stays text: never a formula
    ws.sheet_state = "veryHidden"
    _protect(ws)
