"""Excel workbooks that open cleanly: every cell a value (never a formula), Vietnamese headers, times in
Asia/Ho_Chi_Minh, A4 landscape pages one page wide. Cells are made directly with openpyxl, each in one
pass with its style, so the time grows with the number of cells and nothing more."""

import datetime
import io
import math
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from binhson_plan.csv_cells import xlsx_text
from binhson_plan.longtext import xml_safe

PLAIN, BOLD = Font(name="Calibri", size=11), Font(name="Calibri", size=11, bold=True)
NARROWEST, WIDEST = 8, 50  # column widths in characters; text wider than WIDEST wraps
A4, A3 = "9", "8"  # the paper size codes of the OOXML standard
# Printing: one page wide, and no text smaller than MIN_PRINTED. A column of one character is taken as
# CHARACTER_POINTS wide: Calibri's 5,25 pt in Excel, but LibreOffice without Calibri draws the sheet in a wider font
# (DejaVu Sans: 7,1 pt a character in LibreOffice 7.4's PDF, 7,5 kept), and the page must be readable there too.
FONT_SIZE, MIN_PRINTED, CHARACTER_POINTS = 11, 8, 7.5
# A long text column is narrowed (and wraps) to fit the page, to no less than this many characters: on A4 to
# READABLE, or the sheet goes on A3, where it may go down to NARROWEST_TEXT
READABLE, NARROWEST_TEXT = 24, 16
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


TOP = Alignment(vertical="top")


WRAPPED = Alignment(wrap_text=True, vertical="top")


# a moment reads as on the pages and in the PDFs ("15:25 20/11/2026"), to the minute
FORMATS = {"": "General", " ngày": "dd/mm/yyyy", " ngày giờ": "hh:mm dd/mm/yyyy", " số": "#,##0",
           " số thập phân": "#,##0.###"}  # fmt: skip


TOTAL = "Tổng cộng"


SUMMED = frozenset({"Kinh phí (đồng)"})  # columns whose sheet ends with a "Tổng cộng" row


LINE_HEIGHT = 15  # points, one line of 11 pt Calibri


SIDE_MARGIN = 0.5  # inches, each side


PAPERS = ((A4, 842), (A3, 1191))  # landscape page widths in points: A4 when the sheet fits it, else A3


def cell_value(value):
    """What one cell holds: None for anything missing (None, NaN, NaT, pd.NA, ""), "Có" for yes and
    nothing for no, whole numbers as int, times converted to local time (Excel times carry no zone) and cut to the
    minute (as the pages and PDFs show them), text as typed, less the control characters a worksheet cannot hold."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "Có" if value else None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            return None
        return int(value) if value == int(value) else float(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return local.replace(second=0, microsecond=0)
    if isinstance(value, int | datetime.date):
        return value
    return _text(str(value))


def _text(value: str) -> str | None:
    # a browser sends a text area's line breaks as \r\n; a cell breaks its lines on \n alone
    return xml_safe(value.replace("\r\n", "\n").replace("\r", "\n")) or None


def workbook(
    sheets: dict[str, pd.DataFrame],
    totals: Collection[str] = SUMMED,
    wide: Collection[str] = (),
    heading: Sequence[str] = (),
    headings: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """One sheet per frame, its columns as headers: bold frozen header row repeated on every printed
    page, an autofilter over the data, columns sized to their content, long text wrapped, and a bold
    "Tổng cộng" row under each column named in `totals` (a value summed here, not a formula). The text columns
    named in `wide`, the ones a reader reads most, stay READABLE on either paper; the others give way first.
    The lines of `heading` (a title, the first in bold, then what the figures are) stand above each table, each
    across its width; `headings` gives a sheet (by its name in `sheets`) lines of its own instead."""
    book = Workbook()
    book.remove(book.active)  # the empty sheet every new workbook starts with
    styles = _Styles(book)
    for name, frame in sheets.items():
        lines = (headings or {}).get(name, heading)
        _write_sheet(book.create_sheet(_sheet_title(name)), frame, totals, styles, wide, lines)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    return "".join(" " if c in "[]:*?/\\" else c for c in name)[:31]


def _write_sheet(sheet, frame: pd.DataFrame, totals: Collection[str], styles, wide: Collection[str] = (), heading=()):
    headers = [str(column) for column in frame.columns]
    rows = [[cell_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in headers]
    natural = [_width(header, column) for header, column in zip(headers, columns, strict=True)]
    texts = [any(isinstance(v, str) for v in column) for column in columns]
    narrowest = [narrowest_width(h, text) for h, text in zip(headers, texts, strict=True)]
    narrowest = [
        max(n, min(READABLE, full)) if n and h in wide else n
        for n, h, full in zip(narrowest, headers, natural, strict=True)
    ]
    paper, widths = fit_page(natural, narrowest)
    wraps = [
        width < full or _wraps(width, column) for width, full, column in zip(widths, natural, columns, strict=True)
    ]
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    top = len(heading)  # the header's row is top + 1
    for number, row in enumerate([headers, *rows], start=top + 1):
        lines = _lines(row, widths, [True] * len(headers) if number == top + 1 else wraps)
        if lines > 1:  # a row's height is not worked out again on opening: wrapped text would be cut
            sheet.row_dimensions[number].height = LINE_HEIGHT * lines
    last = get_column_letter(max(1, len(headers)))
    _print_setup(sheet, f"A{top + 1}:{last}{top + len(rows) + 1}", paper, top + 1)
    for number, line in enumerate(heading, start=1):
        sheet.append([_cell(sheet, line, styles.of(line, "tên bảng" if number == 1 else "ô", wrapped=True))])
        sheet.merge_cells(f"A{number}:{last}{number}")
        sheet.row_dimensions[number].height = LINE_HEIGHT * _lines([line], [sum(widths)], [True])
    flat = [False] * len(headers)
    sheet.append(_row(sheet, headers, styles, "tiêu đề", flat))
    for row in rows:
        sheet.append(_row(sheet, row, styles, "ô", wraps))
    summed = {i: _sum(columns[i]) for i, header in enumerate(headers) if header in totals}
    if summed:
        total_row = [summed.get(i, TOTAL if i == 0 else None) for i in range(len(headers))]
        sheet.append(_row(sheet, total_row, styles, "tổng cộng", flat))


def _row(sheet, values, styles, role: str, wraps) -> list:
    """One row's cells, each with its style; an empty value is left as an empty cell without one."""
    return [
        None if v is None else _cell(sheet, v, styles.of(v, role, wrap)) for v, wrap in zip(values, wraps, strict=True)
    ]


def _print_setup(sheet, data_range: str, paper: str, header_row: int = 1):
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = data_range  # the header and the data, never the total row
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = paper
    sheet.page_margins.left = sheet.page_margins.right = SIDE_MARGIN
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = True  # a printed table keeps its cell borders
    sheet.oddFooter.center.text = "Trang &P/&N"


def _cell(sheet, value, style: StyleArray):
    cell = Cell(sheet, 1, 1, value, style_array=style)  # append() gives it its row and column
    xlsx_text(cell)  # text stays text, never a formula; "=…" with Excel's quote prefix
    return cell


class _Styles:
    """The named cell styles of one workbook, each registered the first time a cell needs it. A cell is
    created with its style's array: far cheaper than a font and an alignment of its own or a look-up by
    name, and Excel's style list shows only the few in use."""

    def __init__(self, book):
        self.book, self.arrays = book, {}

    def of(self, value, role: str, wrapped: bool = False) -> StyleArray:
        key = (role, wrapped, _kind(value))
        if key not in self.arrays:
            kind = key[2]
            header = role == "tiêu đề"
            style = NamedStyle(
                f"Bảng: {role}{' xuống dòng' if wrapped else ''}{kind}",
                font=PLAIN if role == "ô" else BOLD,
                fill=HEADER_FILL if header else PatternFill(),
                alignment=WRAPPED if wrapped or header else TOP,
                number_format=FORMATS[kind],
            )
            self.book.add_named_style(style)
            self.arrays[key] = style.as_tuple()
        return self.arrays[key]


def _kind(value) -> str:
    if isinstance(value, datetime.datetime):
        return " ngày giờ"
    if isinstance(value, datetime.date):
        return " ngày"
    if isinstance(value, int | float) and abs(value) > 9999:  # years (2030) stay ungrouped
        return " số" if isinstance(value, int) else " số thập phân"
    return ""


def _sum(column) -> int | float:
    numbers = [v for v in column if isinstance(v, int | float)]
    total = math.fsum(numbers) if any(isinstance(v, float) for v in numbers) else sum(numbers)
    return int(total) if total == int(total) else total


def _shown_length(value) -> int:
    if isinstance(value, str):
        return max(len(line) for line in value.splitlines()) if value.strip() else len(value)
    if isinstance(value, datetime.datetime):
        return len("hh:mm dd/mm/yyyy")
    if isinstance(value, datetime.date):
        return len("dd/mm/yyyy")
    if isinstance(value, int | float):
        return len(f"{value:,}")
    return 0


def _width(header: str, column) -> int:
    """Wide enough for the longest value and the header's longest word (headers wrap), at most WIDEST:
    a wide sheet printed one page wide shrinks less."""
    longest = max((_shown_length(v) for v in column), default=0)
    word = max((len(w) for w in header.split()), default=0)
    return min(WIDEST, max(NARROWEST, word + 2, longest + 2))


def _printed_width(widths) -> float:
    """The columns' width in points, as wide as a reader's office program may draw them (CHARACTER_POINTS)."""
    return sum(width * CHARACTER_POINTS for width in widths)


def _room(paper_width: float) -> float:
    """How wide the columns may be, in points, for their text to print at MIN_PRINTED or larger."""
    return (paper_width - 2 * 72 * SIDE_MARGIN) * FONT_SIZE / MIN_PRINTED


def narrowest_width(header: str, text: bool) -> int:
    """How narrow a column may be made: a text column to its header's longest word; others not at all (0)."""
    return max(NARROWEST, max((len(w) for w in header.split()), default=0) + 2) if text else 0


def fit_page(widths: list[int], narrowest: list[int]) -> tuple[str, list[int]]:
    """The paper and the column widths that print the sheet one page wide with text of MIN_PRINTED or more: the
    widest text columns narrowed to a common limit, as little as needed; A4 while they stay READABLE."""
    for (paper, page_width), floor in zip(PAPERS, (READABLE, NARROWEST_TEXT), strict=True):
        fitted = _narrowed(widths, [max(n, floor) if n else 0 for n in narrowest], _room(page_width))
        if fitted:
            return paper, fitted
    return A3, [min(w, max(n, NARROWEST_TEXT)) if n else w for w, n in zip(widths, narrowest, strict=True)]


def _narrowed(widths, floors, points) -> list[int] | None:
    """`widths` with every text column (floor > 0) cut to the largest common limit that fits `points`, never below
    its floor; None when even the floors do not fit."""

    def cut(limit):
        return [min(w, max(f, limit)) if f else w for w, f in zip(widths, floors, strict=True)]

    for limit in range(max(widths, default=0), 0, -1):
        if _printed_width(cut(limit)) <= points:
            return cut(limit)
    return None


def _lines(row, widths, wraps) -> int:
    """About how many lines the row's wrapped text takes: a little more rather than cut."""
    lines = 1
    for value, width, wrapped in zip(row, widths, wraps, strict=True):
        if wrapped and isinstance(value, str):
            per_line = max(1, width - 2)
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n")))
    return lines


def _wraps(width: int, column) -> bool:
    return width >= WIDEST or any(isinstance(v, str) and "\n" in v for v in column)
