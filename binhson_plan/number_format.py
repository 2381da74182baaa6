"""How the portal writes a number and its unit, the Vietnamese way (1.250.000,5 · 14,2% · 27 triệu đồng): one
plain module for pages, prints, workbooks, explanations and messages. Reading typed numbers back is
targets/numbers.py.

- `vn_number`: a stored value exactly, trailing zeros dropped ("1.250.000,5"); the `vn_number` template filter.
- `fmt`: a computed figure rounded to a number of decimals ("3,3", or "3,30" with `keep`), for explanations.
- `joined` / `with_unit`: a number and its unit: "%" glued to the number (14,2%, 7,6%/năm), any other unit after
  a space (3,7 điểm %/năm, 33,5 triệu đồng), so "14,2%" is spelled one way everywhere.
- `vn_input_number` and `number_text`: a number as a form field shows it for editing and reads it back unchanged.
- `too_large`: an upload's size against its limit, in MB and bytes.
"""

import re
from decimal import Decimal

from django.utils.numberformat import format as number_format


def vn_number(value):
    """1250000.5 → "1.250.000,5"; trailing zeros dropped; None → "–". NaN is refused: a missing value
    must arrive as None, and a NaN that reached a page is a bug to find, not a number to print."""
    if value is None or value == "":
        return "–"
    value = Decimal(str(value))
    if not value.is_finite():
        raise ValueError(f"vn_number: {value} is not a number to print; pass None for a missing value")
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_format(value, ",", places, 3, ".", force_grouping=True)


def fmt(number: float | None, places: int = 2, keep: bool = False) -> str:
    """A number the Vietnamese way for explanations: 1.234,5; `keep` keeps the trailing zeros (3,30 beside 3,12)."""
    if number is None:
        return "–"
    text = f"{number:,.{places}f}"
    text = text.rstrip("0").rstrip(".") if places and not keep else text
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return "0" if text == "-0" else text


def joined(number: str, unit: str) -> str:
    """A number (already written) and its unit as the plan writes them: "%" glued to the number (95,5%, 7,6%/năm),
    so a line never breaks between them; any other unit after a space (3,7 điểm %/năm, 33,5 triệu đồng)."""
    unit = (unit or "").strip()
    if not unit:
        return number
    return f"{number}{unit}" if unit.startswith("%") else f"{number} {unit}"


def with_unit(value, unit):
    """A value with the unit it is measured in: "14,2%", "27 triệu đồng/người/năm"; "–" when missing."""
    if value is None or value == "":
        return "–"
    return joined(vn_number(value), unit)


def vn_input_number(value, integer=False) -> str:
    """A number as a form shows it for editing, in a form `parse_number` reads back unchanged: whole
    đồng grouped ("500.000"); other numbers grouped only from a million up ("1250", "1.250.000,5"),
    since "1.250" alone could be read as 1,25."""
    text = vn_number(value)
    if not integer and abs(Decimal(str(value))) < 1_000_000:
        text = text.replace(".", "")
    if not integer and re.fullmatch(r"-?[1-9]\d{0,2},\d{3}", text):
        text += "0"  # "12,345" could be read as twelve thousand; "12,3450" only as 12,345
    return text


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


def megabytes(size: float) -> str:
    """“0,1 MB”: what an account wrote in a day, its allowance."""
    return f"{fmt(size / (1024 * 1024), 1)} MB"


def too_large(size: int, limit: int) -> str:
    """Why an upload is refused for its size, in MB and in bytes, for every upload (evidence, workbook, values), so a
    file a few bytes over does not read as the limit itself: "nặng hơn 10 MB (10.485.860 byte), quá giới hạn 10 MB
    (10.485.760 byte)"."""

    def megabytes(n: int) -> str:
        return vn_number(round(n / (1024 * 1024), 1))

    weighs = "nặng hơn" if megabytes(size) == megabytes(limit) else "nặng"
    return (
        f"{weighs} {megabytes(size)} MB ({vn_number(size)} byte), "
        f"quá giới hạn {megabytes(limit)} MB ({vn_number(limit)} byte)"
    )
