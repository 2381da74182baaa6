"""How wide the Word draft's table columns are: measured with the fonts' own metrics, as the PDF lays them out."""

import functools
import pathlib
import unicodedata

from docx.shared import Pt
from fontTools.ttLib import TTFont

from binhson_plan.longtext import xml_safe

CELL_PADDING = 3  # points, left and right of a table cell's text, as in the PDF


FONT_FOLDERS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation")  # fonts-liberation2


def docx_lines(text: str) -> str:
    """A typed text's line breaks as python-docx breaks a run: one per line (a browser sends CRLF, which it would
    break twice), less the characters a Word file cannot hold (saved before the form refused them)."""
    return xml_safe(text.replace("\r\n", "\n").replace("\r", "\n"))


def column_widths(part, text_width: int, size: int) -> list[int]:
    """The table's column widths (EMU): the model's shares of the line, except that a column is never narrower than
    its longest word (a code such as 2025.01 or III.2.d.1, a unit such as đồng/người/năm) or, for a number column,
    its longest value, as the PDF lays it out (the browser's min-content width): a fixed-layout table in Word or
    LibreOffice otherwise breaks them inside ("2025.0" / "1", "đồng/ngườ" / "i/năm"). The others share the rest."""
    rows = [*part.rows, *part.totals]
    needs = []
    for index, header in enumerate(part.headers):
        cells = [str(row[index]) for row in rows]
        pieces = [line for cell in cells for line in docx_lines(cell).split("\n")] if index in part.numeric else (
            [word for cell in cells for word in cell.split()])  # fmt: skip
        need = max([_text_points(word, size, bold=True) for word in header.split()] + [
            _text_points(piece, size) for piece in pieces])  # fmt: skip
        needs.append(Pt(need + 2 * CELL_PADDING + 1))
    weights, widths = list(part.widths), [0] * len(needs)
    free = set(range(len(needs)))  # the columns that get their share of what the others leave
    while free:
        room = text_width - sum(widths[i] for i in range(len(needs)) if i not in free)
        shares = {i: room * weights[i] / sum(weights[i] for i in free) for i in free}
        short = {i for i in free if shares[i] < needs[i]}
        if not short:
            widths = [int(shares[i]) if i in free else widths[i] for i in range(len(needs))]
            break
        for i in short:
            widths[i] = needs[i]
        free -= short
    if sum(widths) > text_width:  # more long words than the line holds: all shrink alike, the table stays on the page
        widths = [w * text_width / sum(widths) for w in widths]
    return [int(w) for w in widths]


def _text_points(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` prints in Times New Roman (Liberation Serif's metrics, which are Times New Roman's)."""
    advances, per_em = _metrics(bold)
    fallback = advances.get(ord("n"), per_em // 2)
    return sum(advances.get(ord(c), fallback) for c in unicodedata.normalize("NFC", text)) * size / per_em


@functools.cache
def _metrics(bold: bool) -> tuple[dict[int, int], int]:
    """Each character's advance width and the font's units per em; without the font file (fonts-liberation2, a
    system package of the project), every character half an em wide, as Times New Roman's digits are."""
    name = f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf"
    for folder in FONT_FOLDERS:
        path = pathlib.Path(folder) / name
        if path.exists():
            font = TTFont(path, lazy=True)
            widths = font["hmtx"].metrics
            return {code: widths[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm
    return {}, 2  # no character known: each takes the fallback, 1 unit of 2
