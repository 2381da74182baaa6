"""What the report workbook holds: its sheets, their columns, and which form field each input column fills.
The writer and the reader both follow these lists, so a column cannot mean one thing going out and
another coming back."""

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from reports.models import TaskStatus
from targets.models import QualitativeStatus

FORMAT = "binhson-bao-cao-don-vi/1"  # changes when the layout does: an older workbook is then refused
META_SHEET = "_he_thong"  # very hidden: the report, its version, and which row holds which entry
INSTRUCTIONS = "Hướng dẫn"
YES, NO = "Có", "Không"
EMPTY_PROPOSAL_ROWS = 10

# Kinds of column. Shown only: code (identifies the row), info, number_info. Input: the others.
INPUT_KINDS = {"text", "status", "money", "number", "date", "yesno", "assessment"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str = ""  # the form field the column fills; "" for a column that is only shown
    kind: str = "info"
    width: int = 14

    @property
    def is_input(self) -> bool:
        return self.kind in INPUT_KINDS


@dataclass(frozen=True)
class Sheet:
    key: str  # also the build_forms() name of the form or formset it fills
    title: str
    columns: tuple[Column, ...]

    def letter(self, field: str) -> str | None:
        """The column letter of a form field, None when the sheet does not hold it."""
        for number, column in enumerate(self.columns, start=1):
            if column.field == field:
                return get_column_letter(number)
        return None

    def header_of(self, letter: str) -> str:
        for number, column in enumerate(self.columns, start=1):
            if get_column_letter(number) == letter:
                return column.header
        return ""


CODE = Column("Mã", kind="code", width=12)
LEADS = Sheet(
    "leads",
    "Nhiệm vụ chủ trì",
    (
        CODE,
        Column("Nhiệm vụ trong kế hoạch", width=55),
        Column("Tình hình thực hiện", "status", "status", 18),
        Column("Kết quả đạt được", "results", "text", 45),
        Column("Tồn tại, hạn chế và nguyên nhân", "shortcomings", "text", 40),
        Column("Nhiệm vụ, giải pháp năm tới", "next_steps", "text", 40),
        Column("Kinh phí đã sử dụng (đồng)", "budget_used", "money", 18),
        Column("Minh chứng đã đính kèm (thêm, gỡ trên trang web)", width=24),
    ),
)
COORDINATING = Sheet(
    "coordinating",
    "Nhiệm vụ phối hợp",
    (
        CODE,
        Column("Nhiệm vụ trong kế hoạch", width=55),
        Column("Cơ quan chủ trì", width=30),
        Column("Kết quả phối hợp", "results", "text", 60),
    ),
)
TARGETS = Sheet(
    "targets",
    "Chỉ tiêu định lượng",
    (
        CODE,
        Column("Chỉ tiêu", width=45),
        Column("Mục tiêu", width=16),
        Column("Đơn vị tính", width=12),
        Column("Năm của số liệu", width=10),
        Column("Giá trị năm trước", kind="number_info", width=12),
        Column("Giá trị", "value", "number", 14),
        Column("Số liệu tính đến ngày", "as_of", "date", 14),
        Column("Ước thực hiện", "is_estimate", "yesno", 11),
        Column("Ghi chú, nguồn số liệu", "note", "text", 40),
        Column("Lưu ý", width=40),
    ),
)
QUALITATIVE = Sheet(
    "qualitative",
    "Chỉ tiêu định tính",
    (
        CODE,
        Column("Chỉ tiêu", width=55),
        Column("Năm đánh giá", width=10),
        Column("Đánh giá", "qualitative_status", "assessment", 18),
        Column("Ghi chú, nguồn số liệu", "note", "text", 45),
        Column("Lưu ý", width=40),
    ),
)
PROPOSALS = Sheet(
    "proposals",
    "Kiến nghị, đề xuất",
    (
        Column("STT", kind="code", width=6),
        Column("Kiến nghị, đề xuất", "text", "text", 80),
        Column("Trả lời của cơ quan thẩm định", width=45),
    ),
)
DIFFICULTIES = Sheet("report", "Khó khăn, vướng mắc", (Column("Khó khăn, vướng mắc", "difficulties", "text", 110),))
SHEETS = (LEADS, COORDINATING, TARGETS, QUALITATIVE, PROPOSALS, DIFFICULTIES)
SHEET_ORDER = {sheet.key: number for number, sheet in enumerate(SHEETS)}
BY_KEY = {sheet.key: sheet for sheet in SHEETS}

STATUS_LABELS = dict(TaskStatus.choices)  # key → Vietnamese label, the list offered in the cell
ASSESSMENT_LABELS = dict(QualitativeStatus.choices)


def number_bounds(target) -> tuple[int | None, int | None]:
    """The bounds of the cell's number validation, the same as Target.value_error."""
    if target.is_percentage:
        return 0, 100
    if target.is_yearly_change:
        return -100, 100
    return 0, None


def where(sheet: Sheet, row: int | None = None, letter: str | None = None) -> str:
    """How every error names its cell: Trang “Nhiệm vụ chủ trì”, dòng 5, cột E (Tồn tại, hạn chế và nguyên nhân), the
    sheet's name in the quotation marks the portal writes everywhere."""
    text = f"Trang “{sheet.title}”"
    if row:
        text += f", dòng {row}"
    if letter:
        text += f", cột {letter} ({sheet.header_of(letter)})"
    return text
