"""Reading an uploaded report workbook safely, then each cell turned into the text the web form would have posted,
or into an error naming its sheet, row and column.

The work one upload can cost is bounded before openpyxl opens it. The declared sizes bound the bytes (zipfile stops
a member at its declared size): the raw file, the whole archive unpacked, and each member unpacked, the shared
strings and each sheet tightly. Then every XML member openpyxl would parse is first read as a stream by expat, which
builds no tree: a cap on elements (what parsing costs, far more than bytes: 23 MB of tiny strings took 11 s where
23 MB of long text takes a fraction of one), on shared strings, on rows per sheet and filled cells per row, and no
DTD (no entity expansion). A time budget (settings.WORKBOOK_UPLOAD_SECONDS, well below gunicorn's timeout) is
checked all along the stream and while the rows are read, so that a file the caps let through on a busy server is
refused with a message, never by gunicorn killing the worker."""

import datetime
import io
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.parsers import expat

from django.conf import settings
from openpyxl import load_workbook

from reports.offline.layout import ASSESSMENT_LABELS, BY_KEY, FORMAT, META_SHEET, NO, STATUS_LABELS, YES, Sheet, where
from targets.templatetags.plan_format import vn_number

# The caps, each a generous multiple of what a real workbook holds. Measured on the portal's own download of the
# largest demo report, saved again by LibreOffice as Excel would (shared strings): 22 KB, 86 KB unpacked, shared
# strings 26 KB holding 125 strings, the largest sheet 28 KB, 1 336 XML elements in all. The longest report the form
# accepts: the plan's largest report has 38 text cells, which at forms.TEXT_LIMIT (20 000 characters) of 3 bytes
# each make 2,3 MB of shared strings, or 2,9 MB in one sheet as the portal writes it (non-ASCII as &#NNNN;).
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_TEXT_MEMBER_BYTES = 8 * 1024 * 1024  # the shared strings, and each sheet
MAX_OTHER_MEMBER_BYTES = 1024 * 1024  # any other XML: styles, theme, workbook, relations (real: 10 KB at most)
MAX_MEMBERS = 200
MAX_ELEMENTS = 100_000  # XML elements in the whole workbook (real: 1 336)
MAX_SHARED_STRINGS = 20_000  # real: 125; a report has a few hundred text cells at most
MAX_ROWS = 2_000  # a report has a few dozen rows per sheet
MAX_COLUMNS = 40
CHUNK = 64 * 1024
FORMULA = "ô chứa công thức ({formula}). Chỉ nhập giá trị; nếu muốn ghi chữ bắt đầu bằng dấu =, gõ thêm dấu ' ở đầu ô."


class WorkbookError(Exception):
    """The upload is refused: every reason, in Vietnamese."""

    asks_budget_confirmation = False  # some errors only ask to confirm a budget (reports.forms.budget_doubt)

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


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
        raise WorkbookError([f"{named} lớn hơn {MAX_BYTES // (1024 * 1024)} MB: không phải tệp báo cáo tải từ cổng."])
    if not data:
        raise WorkbookError([f"{named} rỗng."])
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise WorkbookError([f"{named} là tệp Excel cũ (.xls): mở bằng Excel, lưu lại dạng .xlsx rồi tải lên."])
    if data[:4] != b"PK\x03\x04":
        raise WorkbookError([f"{named} không phải tệp Excel (.xlsx). Tải lên đúng tệp tải từ trang báo cáo."])
    budget = Budget(named)
    try:
        _check_archive(data, named, budget)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError([f"{named} bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được."]) from None
    try:
        return _read(book, named, budget)
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError([f"{named} bị hỏng: không đọc được nội dung."]) from None
    finally:
        book.close()


class Budget:
    """The time one upload may take to read: `check()` raises WorkbookError once it is spent."""

    def __init__(self, named: str, seconds: float | None = None):
        self.seconds = settings.WORKBOOK_UPLOAD_SECONDS if seconds is None else seconds
        self.named, self.ends = named, time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() >= self.ends:
            raise WorkbookError([f"{self.named} {TOO_COMPLEX} (đọc quá {self.seconds:g} giây)."])


TOO_COMPLEX = (
    "quá phức tạp để xử lý: không phải tệp báo cáo tải từ cổng, hoặc đã bị thêm quá nhiều ô, chuỗi chữ hay định "
    "dạng. Hãy tải tệp mới từ trang báo cáo, điền lại rồi tải lên"
)


def _check_archive(data: bytes, named: str, budget: Budget) -> None:
    """Refuse a zip that unpacks too large, as a whole or in one XML member, then read each XML member as a stream
    with caps on its elements, shared strings, rows and filled columns, within the time budget. A member is XML by
    its first bytes, not its name: openpyxl finds its parts through [Content_Types].xml and the relations, under any
    name. Any other member (a picture) is parsed by nobody."""
    too_large = f"{named} quá lớn khi giải nén: không phải tệp báo cáo tải từ cổng."
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise WorkbookError([too_large])
        scan = _Scan(named, budget)
        for member in members:
            with archive.open(member) as source:
                head = source.read(CHUNK)
                if not _is_xml(head):
                    continue
                if member.file_size > _member_cap(member.filename):
                    raise WorkbookError([too_large])
                scan.member(head, source)


def _is_xml(head: bytes) -> bool:
    """Whether a member starting with `head` is XML (UTF-8, or UTF-16 as XML allows), which openpyxl may parse."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return bool(head) and (not text or text[:1] == b"<" or head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))


def _member_cap(name: str) -> int:
    """The shared strings and the sheets hold the text; a part under another name gets the tighter cap."""
    holds_text = name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/")
    return MAX_TEXT_MEMBER_BYTES if holds_text else MAX_OTHER_MEMBER_BYTES


class _Scan:
    """One expat pass over each XML member: it builds nothing, so memory stays flat whatever the member holds."""

    def __init__(self, named: str, budget: Budget):
        self.named, self.budget, self.elements = named, budget, 0

    def member(self, head: bytes, source) -> None:
        self.depth, self.rows, self.strings = 0, 0, 0
        self.cell_depth, self.filled, self.cell_counted = None, 0, False
        self.is_sheet = self.is_strings = False  # known by the root element, whatever the member's name
        parser = expat.ParserCreate()
        parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
        parser.StartDoctypeDeclHandler = self._doctype  # OOXML has none: no DTD, so no entity expansion
        try:
            chunk = head
            while chunk:
                self.budget.check()
                parser.Parse(chunk, False)
                chunk = source.read(CHUNK)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise WorkbookError([f"{self.named} bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được."]) from None

    def _start(self, tag, _attributes) -> None:
        self.depth += 1
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise WorkbookError([f"{self.named} {TOO_COMPLEX} (hơn {vn_number(MAX_ELEMENTS)} phần tử XML)."])
        if not self.elements % 4096:
            self.budget.check()
        local = tag.rsplit(":", 1)[-1]
        if self.depth == 1:
            self.is_sheet, self.is_strings = local == "worksheet", local == "sst"
        if self.is_strings and self.depth == 2 and local == "si":
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise WorkbookError([f"{self.named} {TOO_COMPLEX} (hơn {vn_number(MAX_SHARED_STRINGS)} chuỗi chữ)."])
        if not self.is_sheet:
            return
        if local == "row":
            self.rows += 1
            if self.rows > MAX_ROWS:
                raise WorkbookError([f"{self.named} có trang hơn {MAX_ROWS} dòng: không phải tệp báo cáo."])
            self.filled = 0
        elif local == "c":
            self.cell_depth, self.cell_counted = self.depth, False
        elif self.cell_depth is not None and self.depth == self.cell_depth + 1 and not self.cell_counted:
            self.cell_counted = True  # a cell with a value, a formula or inline text
            self.filled += 1
            if self.filled > MAX_COLUMNS:
                raise WorkbookError([f"{self.named} có dòng hơn {MAX_COLUMNS} cột: không phải tệp báo cáo."])

    def _end(self, tag) -> None:
        if self.depth == self.cell_depth:
            self.cell_depth = None
        self.depth -= 1

    def _doctype(self, *_args) -> None:
        raise WorkbookError([f"{self.named} bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được."])


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
            int(values["Báo cáo"]), int(values["Phiên bản"]), str(values["Đơn vị"]), str(values["Tên đơn vị"]),
            int(values["Năm"]),
        )  # fmt: skip
        for _label, key, row, pk in (r for r in meta if r and r[0] == "Dòng"):
            if key not in BY_KEY or not 2 <= int(row) <= MAX_ROWS:
                raise ValueError(key)
            uploaded.rows.setdefault(key, []).append((int(row), int(pk) if pk is not None else None))
    except (KeyError, TypeError, ValueError):
        raise WorkbookError([f"{named}: phần thông tin ẩn của báo cáo bị sửa hoặc hỏng. Tải tệp mới."]) from None
    missing = [BY_KEY[key].title for key in uploaded.rows if BY_KEY[key].title not in book.sheetnames]
    if missing:
        raise WorkbookError([f"{named} thiếu trang: {', '.join(missing)}. Không đổi tên hay xóa trang."])
    for key, placed in uploaded.rows.items():
        sheet = BY_KEY[key]
        last = max(row for row, _pk in placed)
        rows = book[sheet.title].iter_rows(min_row=1, max_row=last, max_col=len(sheet.columns))
        cells = {}
        for number, row in enumerate(rows, start=1):
            budget.check()
            cells[number] = list(row)
        uploaded.cells[key] = {row: cells.get(row, []) for row, _pk in placed}
    return uploaded


def normal_text(text: str) -> str:
    """Text as the form would keep it, for telling an unchanged cell from a changed one."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def number_text(value) -> str:
    """A number cell as text VietnameseNumberField reads back exactly: its shortest exact decimal, with a
    decimal comma, and a fourth decimal added to three ("123,456" alone reads as ambiguous on the page)."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(number, "f")
    whole, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) == 3:
        fraction += "0"
    return f"{whole},{fraction}" if fraction else whole


def cell_text(cell, kind: str) -> str | None:
    """What the web form would have posted for this cell: text, or None where the field is left out (a yes/no
    answered no). Raises ValueError with the Vietnamese reason when the cell cannot be read."""
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", "n")
    if data_type == "f" or (isinstance(value, str) and data_type not in ("s", "inlineStr") and value[:1] == "="):
        raise ValueError(FORMULA.format(formula=str(value)[:40]))
    if data_type == "e":
        raise ValueError(f"ô đang báo lỗi ({value}): nhập giá trị.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None if kind == "yesno" else ""
    reader = _READERS.get(kind, _text)
    return reader(value, cell)


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


def day_text(value: datetime.date) -> str:
    """dd/mm/yyyy with a four-digit year even for year 1, which strftime writes as "1"."""
    return f"{value.day:02}/{value.month:02}/{value.year:04}"


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
