"""Reading an uploaded report workbook safely, then each cell turned into the text the web form would have posted,
or into an error naming its sheet, row and column.

The work one upload can cost is bounded before openpyxl opens it (binhson_plan.workbooks, with the caps below),
and the time budget is checked again while the rows are read."""

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from binhson_plan import workbooks
from binhson_plan.dates import day_text
from binhson_plan.number_format import number_text, too_large, vn_number
from binhson_plan.workbooks import Budget, Limits, WorkbookRefused, check_archive
from reports.offline.layout import ASSESSMENT_LABELS, BY_KEY, FORMAT, META_SHEET, NO, STATUS_LABELS, YES, Sheet, where

# The caps, each a generous multiple of what a real workbook holds. Measured on the portal's own download of the
# largest demo report, saved again by LibreOffice as Excel would (shared strings): 22 KB, 86 KB unpacked, shared
# strings 26 KB holding 125 strings, the largest sheet 28 KB, 1 336 XML elements in all. The longest report the form
# accepts: the plan's largest report has 38 text cells, which at forms.TEXT_LIMIT (20 000 characters) of 3 bytes
# each make 2,3 MB of shared strings, or 2,9 MB in one sheet as the portal writes it (non-ASCII as &#NNNN;).
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_TEXT_MEMBER_BYTES = 8 * 1024 * 1024  # the shared strings, and each sheet
MAX_OTHER_MEMBER_BYTES = 256 * 1024  # any other XML: styles, theme, workbook, relations (real: 11 KB at most)
MAX_MEMBERS = 200
MAX_ELEMENTS = 100_000  # XML elements in the whole workbook (real: 1 336)
MAX_ATTRIBUTES = 200_000  # XML attributes in the whole workbook (real: 2 671; 7 023 in the consolidated report)
MAX_STRUCTURE = 5_000  # XML elements besides the rows and the shared strings (real: 590 at most)
MAX_FORMULAS = 50  # a report holds none (the reader names each cell that has one); 1 000 shared ones took 11 s
MAX_SHARED_STRINGS = 20_000  # real: 125; a report has a few hundred text cells at most
MAX_ROWS = 2_000  # a report has a few dozen rows per sheet
MAX_COLUMNS = 40
LIMITS = Limits(
    unpacked_bytes=MAX_UNPACKED_BYTES,
    text_member_bytes=MAX_TEXT_MEMBER_BYTES,
    other_member_bytes=MAX_OTHER_MEMBER_BYTES,
    members=MAX_MEMBERS,
    elements=MAX_ELEMENTS,
    attributes=MAX_ATTRIBUTES,
    structure=MAX_STRUCTURE,
    formulas=MAX_FORMULAS,
    shared_strings=MAX_SHARED_STRINGS,
    rows=MAX_ROWS,
    columns=MAX_COLUMNS,
)
FORMULA = "ô chứa công thức ({formula}). Chỉ nhập giá trị; nếu muốn ghi chữ bắt đầu bằng dấu =, gõ thêm dấu ' ở đầu ô."


class WorkbookError(Exception):
    """The upload is refused: every reason, in Vietnamese."""

    asks_budget_confirmation = False  # some errors only ask to confirm a budget (reports.editing.forms.budget_doubt)
    asks_note_confirmation = False  # or that a note written for the value before still explains the new one
    unread = False  # refused before its cells were read: said next to the file field, to choose another file

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class WorkbookUnread(WorkbookError):
    """Refused before openpyxl read it (binhson_plan.workbooks): what it would cost, not what it holds."""

    unread = True


@dataclass(order=True)
class CellError:
    sheet_order: int
    row: int
    letter: str
    message: str = field(compare=False)
    sheet: Sheet = field(compare=False, default=None)

    def __str__(self) -> str:
        return f"{where(self.sheet, self.row or None, self.letter or None)}: {self.message}"


@dataclass
class UploadedBook:
    report_id: int
    version: int
    agency_code: str
    agency_name: str
    year: int
    rows: dict = field(default_factory=dict)  # sheet key → [(row, entry id or None)]
    cells: dict = field(default_factory=dict)  # sheet key → {row: [cells of the row]}
    new_proposal_rows: list = field(default_factory=list)  # the rows of the proposals added, in order


def read_book(upload, name: str) -> UploadedBook:
    """The workbook's identity and the cells of its rows; WorkbookError when it cannot be one of ours."""
    data = upload.read(MAX_BYTES + 1)
    named = f"Tệp “{name[:80]}”"
    if len(data) > MAX_BYTES:
        size = getattr(upload, "size", None) or len(data)  # what was read stops one byte past the limit
        raise WorkbookError([f"{named} {too_large(size, MAX_BYTES)}: không phải tệp báo cáo tải từ cổng."])
    if not data:
        raise WorkbookError([f"{named} rỗng."])
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise WorkbookError([f"{named} là tệp Excel cũ (.xls): mở bằng Excel, lưu lại dạng .xlsx rồi tải lên."])
    if data[:4] != b"PK\x03\x04":
        raise WorkbookError([f"{named} không phải tệp Excel (.xlsx). Tải lên đúng tệp tải từ trang báo cáo."])
    budget = Budget()
    try:
        return _read_checked(data, named, budget)
    except WorkbookRefused as refused:
        raise WorkbookUnread([_refusal(refused, named)]) from None


def _read_checked(data: bytes, named: str, budget: Budget) -> UploadedBook:
    try:
        check_archive(data, LIMITS, budget)
        book = load_workbook(workbooks.budgeted(data, budget), read_only=True, data_only=False, keep_links=False)
    except WorkbookRefused:
        raise
    except Exception:
        raise WorkbookError([f"{named} bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được."]) from None
    try:
        return _read(book, named, budget)
    except (WorkbookError, WorkbookRefused):
        raise
    except Exception:
        raise WorkbookError([f"{named} bị hỏng: không đọc được nội dung."]) from None
    finally:
        book.close()


TOO_COMPLEX = (
    "quá phức tạp để xử lý: không phải tệp báo cáo tải từ cổng, hoặc đã bị thêm quá nhiều ô, chuỗi chữ hay định "
    "dạng. Hãy tải tệp mới từ trang báo cáo, điền lại rồi tải lên"
)


def _refusal(refused: WorkbookRefused, named: str) -> str:
    """The reason binhson_plan.workbooks gave, for the agency's page."""
    if refused.reason == workbooks.TIME:
        return f"{named} {TOO_COMPLEX} (đọc quá {refused.limit:g} giây)."
    return {
        workbooks.UNPACKED: f"{named} quá lớn khi giải nén: không phải tệp báo cáo tải từ cổng.",
        workbooks.ELEMENTS: f"{named} {TOO_COMPLEX} (hơn {vn_number(MAX_ELEMENTS)} phần tử XML).",
        workbooks.SHARED_STRINGS: f"{named} {TOO_COMPLEX} (hơn {vn_number(MAX_SHARED_STRINGS)} chuỗi chữ).",
        workbooks.ROWS: f"{named} có trang hơn {MAX_ROWS} dòng: không phải tệp báo cáo.",
        workbooks.COLUMNS: f"{named} có dòng hơn {MAX_COLUMNS} cột: không phải tệp báo cáo.",
        workbooks.STRUCTURE: f"{named} {TOO_COMPLEX} (định dạng, thuộc tính hay cấu trúc XML vượt mức cho phép).",
        workbooks.FORMULAS: f"{named} {TOO_COMPLEX} (hơn {vn_number(MAX_FORMULAS)} công thức, hoặc công thức quá dài).",
    }.get(refused.reason, f"{named} bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được.")


def _read(book, named: str, budget: Budget) -> UploadedBook:
    if META_SHEET not in book.sheetnames:
        raise WorkbookError([f"{named} không phải tệp báo cáo tải từ cổng (thiếu phần thông tin ẩn của báo cáo)."])
    meta = []
    for row in book[META_SHEET].iter_rows(max_row=MAX_ROWS, max_col=4, values_only=True):
        budget.check()
        meta.append(row)
    values = {row[0]: row[1] for row in meta if row and row[0] != "Dòng"}
    if values.get("Định dạng") != FORMAT:
        raise WorkbookError(
            [f"{named} được tải theo mẫu cũ hoặc không phải tệp báo cáo: tải tệp mới từ trang báo cáo."]
        )
    try:
        uploaded = UploadedBook(
            _whole(values["Báo cáo"]), _whole(values["Phiên bản"]), str(values["Đơn vị"]),
            str(values["Tên đơn vị"]), _whole(values["Năm"]),
        )  # fmt: skip
        for _label, key, row, pk in (r for r in meta if r and r[0] == "Dòng"):
            if key not in BY_KEY or not 2 <= _whole(row) <= MAX_ROWS:
                raise ValueError(key)
            uploaded.rows.setdefault(key, []).append((_whole(row), _whole(pk) if pk is not None else None))
    except (KeyError, TypeError, ValueError):
        raise WorkbookError([f"{named}: phần thông tin ẩn của báo cáo bị sửa hoặc hỏng. Tải tệp mới."]) from None
    missing = [BY_KEY[key].title for key in uploaded.rows if BY_KEY[key].title not in book.sheetnames]
    if missing:
        raise WorkbookError([f"{named} thiếu trang: {', '.join(missing)}. Không đổi tên hay xóa trang."])
    for key, placed in uploaded.rows.items():
        sheet = BY_KEY[key]
        last = max(row for row, _pk in placed)
        rows = book[sheet.title].iter_rows(min_row=1, max_row=last, max_col=len(sheet.columns))
        blank = _numbers_without_a_value(book[sheet.title], budget)
        cells = {}
        for number, row in enumerate(rows, start=1):
            budget.check()
            cells[number] = [NOT_A_NUMBER if (number, col) in blank else c for col, c in enumerate(row, start=1)]
        uploaded.cells[key] = {row: cells.get(row, []) for row, _pk in placed}
    return uploaded


class _NotANumber:
    """A number cell whose XML holds a value element with nothing in it: what openpyxl writes for NaN and
    infinity (`<c t="n"><v></v></c>`), and no spreadsheet writes for a cell left or made empty (it leaves the value
    out). openpyxl reads it as empty, which would empty the value; `cell_text` refuses it as the number it is not."""

    value, data_type = float("nan"), "n"


NOT_A_NUMBER = _NotANumber()


def _numbers_without_a_value(sheet, budget: Budget) -> set[tuple[int, int]]:
    """(row, column) of the sheet's number cells holding an empty value element and no formula (`_NotANumber`), by
    one expat pass over the sheet's XML within the upload's time budget (binhson_plan.workbooks has capped its
    size). A formula's cell keeps its own refusal (`FORMULA`): openpyxl writes its value empty too."""
    found, state = set(), {"cell": None, "value": None, "empty": False, "formula": False, "row": 0, "column": 0}

    def start(tag, attributes):
        local = tag.rsplit(":", 1)[-1]
        if local == "row":
            state["row"], state["column"] = int(attributes.get("r") or state["row"] + 1), 0
        elif local == "c":
            letters = "".join(ch for ch in attributes.get("r", "") if ch.isalpha())
            state["column"] = column_index_from_string(letters) if letters else state["column"] + 1
            state["cell"], state["empty"], state["formula"] = attributes.get("t", "n"), False, False
        elif local == "f":
            state["formula"] = True
        elif local == "v" and state["cell"] == "n":
            state["value"] = ""

    def text(chars):
        if state["value"] is not None:
            state["value"] += chars

    def end(tag):
        local = tag.rsplit(":", 1)[-1]
        if local == "v" and state["value"] is not None:
            state["empty"], state["value"] = not state["value"].strip(), None
        elif local == "c":
            if state["empty"] and not state["formula"]:
                found.add((state["row"], state["column"]))
            state["cell"] = None

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    with sheet.parent._archive.open(sheet._worksheet_path) as source:
        while chunk := source.read(65536):
            budget.check()
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return found


def _whole(value) -> int:
    """A whole number of the hidden sheet, as the portal wrote it: a number, or text of the digits 0–9 only
    (int() would also take ١٢ or １２)."""
    if isinstance(value, str) and not (value.isascii() and value.strip().lstrip("-").isdigit()):
        raise ValueError(value)
    return int(value)


def normal_text(text: str) -> str:
    """Text as the form would keep it, for telling an unchanged cell from a changed one."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def cell_text(cell, kind: str) -> str | None:
    """What the web form would have posted for this cell: text, or None where the field is left out (a yes/no
    answered no). Raises ValueError with the Vietnamese reason when the cell cannot be read."""
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", "n")
    if isinstance(value, float) and not math.isfinite(value):  # "nan", "inf" written into a number cell
        said = "không có số (NaN hay vô cực)" if cell is NOT_A_NUMBER else f"ghi “{value}”"
        raise ValueError(f"ô {said}, không phải là số: nhập một số.")
    if isinstance(value, str) and data_type in ("s", "inlineStr"):
        value = _unescaped(value)
    if data_type == "f" or (isinstance(value, str) and data_type not in ("s", "inlineStr") and value[:1] == "="):
        raise ValueError(FORMULA.format(formula=str(value)[:40]))
    if data_type == "e":
        raise ValueError(f"ô đang báo lỗi ({value}): nhập giá trị.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None if kind == "yesno" else ""
    reader = _READERS.get(kind, _text)
    return reader(value, cell)


ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(text: str) -> str:
    """A cell's text with Excel's escapes of characters XML cannot hold ("_x000B_", a line break pasted from Word)
    turned back into the characters, which the form then treats as it treats them typed; "_x005F_" is Excel's
    escape of "_" itself."""
    return ESCAPED.sub(lambda found: chr(int(found.group(1), 16)), text)


def _text(value, cell) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y}" if value.time() == datetime.time() else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int | float):
        return number_text(value)
    return str(value)


def _number(value, cell) -> str:
    if isinstance(value, bool) or isinstance(value, datetime.date | datetime.time):
        raise ValueError("ô này cần một số, không phải ngày giờ hay Đúng/Sai.")
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", "") or ""):
            # Excel stores "95%" typed in a cell as 0.95 shown as 95%: what was seen is what counts, sign
            # included, so that the form refuses it where the unit is not a percentage
            try:
                return number_text(Decimal(repr(value)) * 100) + "%"
            except InvalidOperation:
                raise ValueError("ô này cần một số.") from None
        return number_text(value)
    return str(value).strip()


def _date(value, cell) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return day_text(value)
    return _text(value, cell).strip()


def _yes_no(value, cell) -> str | None:
    if value is True or (isinstance(value, str) and _same(value, YES)):
        return "on"
    if value is False or (isinstance(value, str) and _same(value, NO)):
        return None
    raise ValueError(f"“{str(value)[:40]}” không có trong danh sách: chọn {YES} hoặc {NO}.")


def _choice(labels: dict):
    def read(value, cell) -> str:
        for key, label in labels.items():
            if _same(str(value), label):
                return key
        raise ValueError(f"“{str(value)[:60]}” không có trong danh sách: {', '.join(labels.values())}.")

    return read


def _same(text: str, label: str) -> bool:
    return normal_text(text).casefold() == label.casefold()


_READERS = {
    "number": _number,
    "money": _number,
    "date": _date,
    "yesno": _yes_no,
    "status": _choice(STATUS_LABELS),
    "assessment": _choice(ASSESSMENT_LABELS),
}
