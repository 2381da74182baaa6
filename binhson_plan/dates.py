"""One rule for every date the portal reads, from a form, a workbook, an import or a data file.

A date is written day/month/year with a four-digit year ("30/11/2026"; "30-11-2026", "30.11.2026" and the eight
digits "30112026", all a phone's number pad can type, read the same), names a day that exists, and lies between
01/01/2000 and 31/12/2100. The range: the plan runs 2021–2030 with a vision to 2045, its baselines are 2020, and
older statistics a district keeps start this century; a year outside it is always a typo ("0026" for 2026, "9999" as
"no end"), and such a date would open, close or date something for centuries. Every refusal says the same thing
wherever the date was typed, beginning "Ngày không hợp lệ". Files also take the ISO form 2026-11-30 (`iso=True`):
the YAML plan and reorganisation files are written so, and a spreadsheet's date cell reaches an import so.
"""

import calendar
import datetime
import re

import yaml
from django import forms
from django.db import models

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
EXAMPLE = "30/11/2026"
PLACEHOLDER = "ngày/tháng/năm"
# re.ASCII: \d alone would take ٠٦/١٢/٢٠٢٦ or ０６/１２/２０２６ (Arabic-Indic, full-width digits) for a date.
_WRITTEN = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})", re.ASCII)
_DIGITS = re.compile(r"(\d{2})(\d{2})(\d{4})", re.ASCII)  # ddmmyyyy: a phone's number pad has no "/" (pass 39)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: 00:00:00)?", re.ASCII)  # a date cell read as text by pandas ends so


class DateError(ValueError):
    """Why a date is refused, in Vietnamese."""


def day_text(day: datetime.date) -> str:
    """dd/mm/yyyy, with a four-digit year even for year 1 (strftime writes "1")."""
    return f"{day.day:02}/{day.month:02}/{day.year:04}"


def parse_day(text: str, iso: bool = False) -> datetime.date:
    """The day `text` names; DateError when it is not written day/month/year (or, with `iso`, year-month-day),
    does not exist or is out of range."""
    text = str(text).strip()
    if any(char.isdigit() and not "0" <= char <= "9" for char in text):
        typed = text[:40]
        raise DateError(f"Ngày không hợp lệ: “{typed}” có chữ số không phải 0–9: gõ lại bằng các phím số thông thường.")
    found, iso_found = _WRITTEN.fullmatch(text), iso and _ISO.fullmatch(text)
    digits = _DIGITS.fullmatch(text)
    if iso_found:
        year, month, day = (int(part) for part in iso_found.groups())
    elif found:
        day, month, year = int(found[1]), int(found[3]), int(found[4])
    elif digits:
        day, month, year = (int(part) for part in digits.groups())
    else:
        raise DateError(
            f"Ngày không hợp lệ: viết theo dạng {PLACEHOLDER}, năm đủ 4 chữ số, ví dụ {EXAMPLE} hoặc "
            f"{EXAMPLE.replace('/', '')}" + (f" (đã nhập “{text[:40]}”)." if text else ".")
        )
    if not 1 <= month <= 12:
        raise DateError(f"Ngày không hợp lệ: tháng phải từ 1 đến 12 (đã nhập {text}).")
    last = calendar.monthrange(year, month)[1] if year else 31
    if not 1 <= day <= last:
        raise DateError(f"Ngày không hợp lệ: tháng {month}/{year:04} chỉ có ngày 1 đến {last} (đã nhập {text}).")
    if not year:
        raise DateError(_range_message(text))
    return check_day(datetime.date(year, month, day), typed=text)


def check_day(day: datetime.date, typed: str = "") -> datetime.date:
    """`day` itself when it lies in the portal's range; DateError otherwise (saying `typed`, as it was written)."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    if not EARLIEST <= day <= LATEST:
        raise DateError(_range_message(typed or day_text(day)))
    return day


def _range_message(text: str) -> str:
    return f"Ngày không hợp lệ: phải từ {day_text(EARLIEST)} đến {day_text(LATEST)} (đã nhập {text})."


class DayInput(forms.DateInput):
    def __init__(self, attrs=None):
        super().__init__({"placeholder": PLACEHOLDER, "inputmode": "numeric"} | (attrs or {}), format="%d/%m/%Y")


class DayField(forms.DateField):
    """A form's date, by the rule above; a model's DateField in a ModelForm or the admin takes it through
    `formfield_overrides = DAY_FIELDS` (an admin) or `formfield_callback = day_formfield` (a ModelForm)."""

    widget = DayInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()  # spaces alone are a blank date, not an invalid one (the fifteenth probe)
        if value in self.empty_values:
            return None
        try:
            if isinstance(value, datetime.date):
                return check_day(value)
            return parse_day(value)
        except DateError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


# An admin's `formfield_overrides`: its date fields read by the rule (its calendar widget kept).
DAY_FIELDS = {models.DateField: {"form_class": DayField}}


def day_formfield(model_field, **kwargs):
    """A ModelForm's `formfield_callback`: its model's date fields become DayFields."""
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("form_class", DayField)
        kwargs.setdefault("widget", DayInput)
    return model_field.formfield(**kwargs)


class YamlDatesAsText(yaml.SafeLoader):
    """YAML that leaves dates as text: PyYAML would build 2025-02-30 itself and fail with no line or field;
    as text it reaches `parse_day`, and the file's checker reports it with its entry and field."""


YamlDatesAsText.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
