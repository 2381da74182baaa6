"""Cells of the CSV and XLSX files the portal writes, safe to open in Excel or LibreOffice (issue 17, item 7).

A text cell starting with = + - @, a tab or a carriage return is read by a spreadsheet as a formula
(`=HYPERLINK("http://…","lý do")` becomes a live link, `=cmd|…` worse). As OWASP's "CSV Injection" page
advises, such a cell gets a single quote in front: the spreadsheet shows the text, quote included, and runs
nothing. The csv module already quotes a cell holding a comma, a quote or a line break. Numbers written as
numbers (int, float, Decimal: -5 or -0.25) are left alone, so they stay numbers; only text is changed.
In XLSX every text is written as a text cell (`xlsx_text`: binhson_plan/sheets.py, reports/offline/writer.py), and
one starting like a formula also carries Excel's quote prefix (the cell style's `quotePrefix`, what typing a leading
' in Excel sets): the text is kept as typed, no quote added to it, and editing the cell in Excel or LibreOffice
never turns it into a formula."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value as a CSV cell: text that a spreadsheet would take for a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(row: dict) -> dict:
    return {key: csv_cell(value) for key, value in row.items()}


def xlsx_text(cell) -> None:
    """An openpyxl cell holding text: kept as a text cell (openpyxl would take "=…" for a formula, "#N/A" for an
    error), with Excel's quote prefix when it starts like a formula. Every XLSX writer calls it on every cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
