"""Template filters that show numbers and target values the Vietnamese way (1.250.000,5)."""

import re
from decimal import Decimal

from django import template
from django.utils.numberformat import format as number_format

from targets.models import COMPARISON_SYMBOLS

register = template.Library()


@register.filter
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


@register.filter
def target_value(target):
    """The milestone as a short phrase: "> 2 lần", "4–4,5 điểm %/năm", "≥ 98%", "= 0%" (the comparison's symbol,
    a space, the number, its unit as `with_unit` joins it)."""
    if target.is_qualitative:
        return "Định tính"
    if target.comparison == "range":
        text = f"{vn_number(target.value)}–{vn_number(target.value_max)}"
    else:
        text = f"{COMPARISON_SYMBOLS[target.comparison]} {vn_number(target.value)}"
    unit = (target.unit or "").strip()
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}".strip()


@register.filter
def target_goal(target):
    """The milestone and what it is measured against: "> 2 lần năm 2020", "= 0,5 lần thu nhập bình quân
    chung cả nước", "giảm 4–4,5 điểm %/năm"."""
    text = target_value(target)
    if target.kind == "multiple_of_baseline" and target.baseline_year:
        return f"{text} năm {target.baseline_year}"
    if target.kind == "relative" and target.reference:
        return f"{text} {target.reference[:1].lower()}{target.reference[1:]}"
    if target.kind == "annual_change":  # "tăng 6,5%/năm", never "tăng = 6,5%/năm"
        return f"{'giảm' if target.direction == 'lower' else 'tăng'} {text.removeprefix('= ')}"
    return text


@register.filter
def typed_lines(text):
    """An agency's typed text for a print: its lines with writing, one per line, runs of empty lines collapsed and
    at most binhson_plan.longtext.LINE_LIMIT lines (a print's cost grows with its lines; see binhson_plan.longtext)."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from binhson_plan.longtext import printed_lines

    return mark_safe("<br>".join(conditional_escape(line) for line in printed_lines(text)))


@register.filter
def typed_paragraphs(text):
    """An agency's typed text as paragraphs (one per line with writing), bounded as `typed_lines`."""
    from binhson_plan.longtext import printed_lines

    return printed_lines(text)


@register.filter
def paragraphs(text):
    """Split verbatim plan text into its paragraphs (one per line in the data file)."""
    return [line for line in (text or "").splitlines() if line.strip()]


@register.filter
def dict_get(mapping, key):
    """mapping[key] in a template, None when absent."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def sparkline(series, unit="", estimates=()):
    """A small SVG line of a {year: value} series, its values read out with their unit, an estimate's with "(ước)":
    {% sparkline row.series row.target.input_unit row.estimate_years %}."""
    from targets.charts import sparkline as draw

    return draw(series or {}, unit=unit or "", estimates=estimates or ())


@register.filter
def with_unit(value, unit):
    """A value with the unit it is measured in: "14,2%", "27 triệu đồng/người/năm"; "–" when missing."""
    if value is None or value == "":
        return "–"
    unit = (unit or "").strip()
    return f"{vn_number(value)}{unit}" if unit.startswith("%") else f"{vn_number(value)} {unit}".strip()


NUMBER_THEN_WORD = re.compile(r"(\d) (?=[^\W\d_])")  # "54.000.000 đồng", "37,2 triệu"
COMPOUND_UNIT = re.compile(r"[^\s/<>&;]+(?:/[^\s/<>&;]+)+")  # a word with "/": "đồng/người/năm)", "3,30%/năm"
NUMBER_RANGE = re.compile(r"\d[\d.,]*–\d[\d.,]*")  # "4,0–4,5": a renderer may break after the dash


@register.filter
def unbroken_units(text):
    """Printed text (the PDF) where a line never breaks between a number and the word after it (its unit), nor
    inside a unit with "/", nor inside a range ("4,0–4,5"): a no-break space after the number, and the word with "/"
    and the range each held whole in a `span.unit` (white-space: nowrap), since a renderer may break after "/" or
    "–". A narrow column may still put "đồng/người/năm" on the line after "triệu", never "người/năm" on the line
    after "đồng/"."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    text = NUMBER_THEN_WORD.sub("\\1\u00a0", str(conditional_escape(text if text is not None else "")))
    text = NUMBER_RANGE.sub(lambda m: f'<span class="unit">{m.group(0)}</span>', text)
    text = COMPOUND_UNIT.sub(lambda m: f'<span class="unit">{m.group(0)}</span>', text)
    return mark_safe(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>"))  # typed lines: CR LF
