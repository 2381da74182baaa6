"""Template filters that show numbers and target values the Vietnamese way (1.250.000,5): thin filters over
binhson_plan/number_format.py, the one number and unit formatter."""

import re

from django import template

from binhson_plan.longtext import printed_lines
from binhson_plan.number_format import joined, vn_number, with_unit
from binhson_plan.number_format import too_large as too_large  # re-exported, as vn_number and with_unit: the
from binhson_plan.number_format import vn_input_number as vn_input_number  # modules of reports/ still import them
from targets.charts import sparkline as draw
from targets.models import COMPARISON_SYMBOLS  # from here (to switch to binhson_plan.number_format)

register = template.Library()
register.filter("vn_number", vn_number)  # 1.250.000,5
register.filter("with_unit", with_unit)  # 14,2% · 27 triệu đồng/người/năm


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
    return joined(text, target.unit)


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

    return mark_safe("<br>".join(conditional_escape(line) for line in printed_lines(text)))


@register.filter
def typed_paragraphs(text):
    """An agency's typed text as paragraphs (one per line with writing), bounded as `typed_lines`."""
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
    return draw(series or {}, unit=unit or "", estimates=estimates or ())


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
