"""Form fields every form of a report shares: plain text with its limits, numbers typed the Vietnamese way, and a
form that writes only its own fields. Every error is Vietnamese and sits next to its field."""

import unicodedata

from django import forms

from binhson_plan.longtext import LINE_LIMIT, typed, visible, written_lines
from binhson_plan.number_format import vn_input_number, vn_number
from targets.numbers import NumberFormatError, parse_number

TEXT_LIMIT = 20_000


class PlainTextField(forms.CharField):
    """Free text: stored composed (NFC), without the invisible characters that pasting can bring and no document can
    hold (NUL, other control characters, U+FFFE: binhson_plan.longtext.xml_safe), and with
    line breaks as one character (a browser sends CR LF but counts one, in maxlength and the page's counter).
    At most `max_lines` lines with writing (binhson_plan.longtext: lines, not characters, make a print slow)."""

    def __init__(self, *, max_lines=None, **kwargs):
        self.max_lines = max_lines
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        text = unicodedata.normalize("NFC", typed(text)) if text else text
        return text if not text or visible(text) else ""  # nothing a reader sees is nothing (the eighth probe)

    def validate(self, value):
        super().validate(value)
        if self.max_length is not None and value and len(value) > self.max_length:  # numbers grouped as on the page
            raise forms.ValidationError(
                f"Tối đa {vn_number(self.max_length)} ký tự (đã nhập {vn_number(len(value))} ký tự, "
                f"thừa {vn_number(len(value) - self.max_length)}).",
                code="max_length",
            )
        lines = len(written_lines(value)) if self.max_lines and value else 0
        if self.max_lines and lines > self.max_lines:
            raise forms.ValidationError(
                f"Tối đa {vn_number(self.max_lines)} dòng có chữ (đã nhập {vn_number(lines)} dòng). "
                "Xin gộp các dòng ngắn thành đoạn văn, hoặc đưa danh sách dài vào tệp minh chứng.",
                code="max_lines",
            )


class WholeNumberField(forms.IntegerField):
    """Django's IntegerField, reading only the digits 0–9: its int() takes ٢٠٢٤ or ２０２４ for 2024."""

    def to_python(self, value):
        if isinstance(value, str) and any(char.isdigit() and not "0" <= char <= "9" for char in value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class VietnameseNumberField(forms.CharField):
    """A number typed the Vietnamese way (4,5 · 1.250.000); English where unambiguous."""

    def __init__(self, *, integer=False, unit=None, **kwargs):
        self.integer = integer
        self.unit = unit  # a "%" is refused unless the unit is a percentage (targets.numbers)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric" if integer else "decimal", "autocomplete": "off", "maxlength": 40}
        )

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return vn_input_number(value, integer=self.integer)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError("Số quá dài.", code="invalid")
        try:
            number = parse_number(text, integer=self.integer, unit=self.unit)
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if self.integer and number != number.to_integral_value():
            raise forms.ValidationError("Nhập số nguyên (đồng), không có phần thập phân.", code="invalid")
        if abs(number) >= 10**15:
            raise forms.ValidationError("Số quá lớn.", code="invalid")
        return int(number) if self.integer else number


def text_field(label, required=False, rows=3, **kwargs):
    return PlainTextField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        max_lines=LINE_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": f"Tối đa {vn_number(TEXT_LIMIT)} ký tự (đã nhập %(show_value)s ký tự).",
            "required": "Mục này không được để trống.",
        },
        **kwargs,
    )


class ReportFieldsForm(forms.ModelForm):
    """A form on a report writes only its own fields: the report's state and version belong to its model methods
    (`claim_version`, `submit`, `approve`…), and a form built before they changed must never write them back."""

    def save(self, commit=True):
        report = super().save(commit=False)
        if commit:
            report.save(update_fields=self._meta.fields)
        return report
