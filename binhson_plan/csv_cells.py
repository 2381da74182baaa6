"""Cells of the CSV files the portal writes, safe to open in Excel or LibreOffice (issue 17, item 7).

A text cell starting with = + - @, a tab or a carriage return is read by a spreadsheet as a formula
(`=HYPERLINK("http://…","lý do")` becomes a live link, `=cmd|…` worse). As OWASP's "CSV Injection" page
advises, such a cell gets a single quote in front: the spreadsheet shows the text, quote included, and runs
nothing. The csv module already quotes a cell holding a comma, a quote or a line break. Numbers written as
numbers (int, float, Decimal: -5 or -0.25) are left alone, so they stay numbers; only text is changed.
XLSX needs no quote: binhson_plan/sheets.py and reports/offline/writer.py write every text as a text cell."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value as a CSV cell: text that a spreadsheet would take for a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(row: dict) -> dict:
    return {key: csv_cell(value) for key, value in row.items()}
