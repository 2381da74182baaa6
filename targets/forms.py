"""The correction of a recorded value: a new version with a reason, never an edit in place."""

import unicodedata

from django import forms
from django.utils import timezone

from binhson_plan.dates import DayField
from binhson_plan.longtext import typed, visible
from binhson_plan.number_format import vn_input_number
from targets.as_of import as_of_window, default_as_of, must_be_estimate
from targets.goals import JUDGEMENTS
from targets.models import NOTE_LIMIT
from targets.numbers import NumberFormatError, parse_number
from targets.overrides import FINAL_STATUSES
from targets.recording import UNSEEN


class CorrectionForm(forms.Form):
    year = forms.TypedChoiceField(label="Năm", coerce=int)
    value = forms.CharField(label="Giá trị đúng", max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    as_of = DayField(
        label="Số liệu tính đến ngày",
        required=False,
        help_text="Trong năm của số liệu. Để trống: hôm nay nếu năm chưa kết thúc, ngày 31/12 nếu năm đã qua.",
    )
    is_estimate = forms.BooleanField(
        label="Ước thực hiện",
        required=False,
        help_text="Số liệu của năm chưa kết thúc luôn được ghi là số ước thực hiện.",
    )
    note = forms.CharField(
        label="Ghi chú",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ghi chú của số liệu đang ghi (nguồn, giải thích biến động) được giữ sang bản đính chính; "
        "sửa nếu cần.",
    )
    reason = forms.CharField(
        label="Lý do đính chính",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ví dụ: cơ quan thống kê công bố lại số liệu; đơn vị báo cáo nhầm đơn vị tính.",
        error_messages={"required": "Cần ghi lý do đính chính."},
    )
    # "<year>:<id of the current version>" as the page was opened ("<year>:" when that year had none): a correction
    # posted after another version of that year landed is refused (issue 17: it overwrote that figure unseen)
    based_on = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, target, years, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["year"].error_messages["invalid_choice"] = (
            f"Chọn một năm từ {years[0]} đến {years[-1]}: năm chưa đến thì chưa có số liệu để đính chính."
        )

    def clean_value(self):
        try:
            value = parse_number(self.cleaned_data["value"], unit=self.target.input_unit)
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc)) from None
        error = self.target.value_error(value)
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_reason(self):
        reason = unicodedata.normalize("NFC", typed(self.cleaned_data["reason"])).strip()
        if not visible(reason):  # invisible characters alone are no reason
            raise forms.ValidationError("Cần ghi lý do đính chính.")
        return reason

    def clean_note(self):
        note = unicodedata.normalize("NFC", typed(self.cleaned_data["note"])).strip()
        return note if visible(note) else ""  # invisible characters alone explain nothing

    def clean(self):
        cleaned = super().clean()
        year, as_of, today = cleaned.get("year"), cleaned.get("as_of"), timezone.localdate()
        first, last = as_of_window(year) if year else (None, None)  # the one rule (targets.as_of)
        if year and as_of and not first <= as_of <= last:  # the tenth probe: 2025's value "as of" 01/01/2030
            self.add_error(
                "as_of",
                f"Ngày tính số liệu phải trong năm {year} (từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}), năm của số liệu.",
            )
        elif as_of and as_of > today and not cleaned.get("is_estimate"):  # as the report form (the thirteenth probe)
            self.add_error(
                "as_of",
                f"Ngày số liệu sau hôm nay ({today:%d/%m/%Y}) chỉ dùng cho số ước tính: đánh dấu “Ước thực hiện” "
                "hoặc ghi ngày đã qua.",
            )
        if year and not self.errors:  # as the report form and the import (targets.as_of): no date is the day typed
            # while the year runs, else its last day; and a value of a year not ended yet is an estimate (the
            # fifteenth probe: 2026's value with no date, no estimate, replaced an approved estimate on 06/12/2026)
            cleaned["as_of"] = cleaned.get("as_of") or default_as_of(year, today)
            cleaned["is_estimate"] = cleaned.get("is_estimate") or must_be_estimate(year, today)
        return cleaned


def seen(year, current) -> str:
    """The hidden `based_on` of the correction form: the year and the current version shown."""
    return f"{year}:{current.pk if current else ''}"


def seen_version(text: str, year: int):
    """The id of the version of `year` the page showed (None: none), or UNSEEN when the post names none for that
    year (a post not from the page, or the year changed in the form)."""
    shown_year, _, pk = (text or "").partition(":")
    if shown_year != str(year) or not (pk == "" or (pk.isascii() and pk.isdigit())):
        return UNSEEN
    return int(pk) if pk else None


def initial_for(current, year) -> dict:
    """The form starts from the value being corrected, so only what is wrong needs typing; a value of a year not
    ended yet starts as an estimate."""
    running = must_be_estimate(year, timezone.localdate())
    if current is None:
        return {"year": year, "is_estimate": running, "based_on": seen(year, None)}
    return {
        "year": year,
        "based_on": seen(year, current),
        "value": vn_input_number(current.value),
        "as_of": current.as_of,
        "is_estimate": current.is_estimate or running,
        "note": current.note,  # the agency's note (a flagged jump's explanation) carries forward (the fifteenth probe)
    }


class StatusOverrideForm(forms.Form):
    """A reviewer's status for a target in one year, with the reason (targets.overrides)."""

    year = forms.TypedChoiceField(label="Năm", coerce=int)
    status = forms.ChoiceField(label="Tình trạng điều chỉnh")
    reason = forms.CharField(
        label="Lý do điều chỉnh",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ghi rõ căn cứ: số liệu nguồn khác, đánh giá của ngành, sai sót của số liệu đã duyệt…",
        error_messages={"required": "Cần ghi lý do điều chỉnh."},
    )

    def __init__(self, years, horizon: int, *args, **kwargs):
        """`years`: the years a reviewer can judge (the plan's first to this one); `horizon`: the milestone's
        year. From it on, a milestone is judged once (Đạt / Không đạt); before it, only its pace or "Đạt"
        reached ahead (targets.progress), never "Không đạt"."""
        super().__init__(*args, **kwargs)
        self.years, self.horizon = list(years), horizon
        self.fields["year"].choices = [(year, year) for year in self.years]
        self.fields["year"].error_messages["invalid_choice"] = (
            f"Chỉ điều chỉnh được tình trạng của các năm từ {self.years[0]} đến {self.years[-1]}: "
            "năm sau chưa có gì để đánh giá."
        )
        final = [(code, JUDGEMENTS[code]) for code in ("met", "not_met")]
        pace = [(code, label) for code, label in JUDGEMENTS.items() if code != "not_met"]
        if self.years[0] >= horizon:
            groups = final
        elif self.years[-1] < horizon:
            groups = pace
        else:
            groups = [
                (f"Năm {horizon} trở đi (đã đến năm mốc)", final),
                (f"Các năm trước {horizon} (chưa đến năm mốc)", pace),
            ]
            self.fields["status"].widget.attrs["data-milestone-year"] = horizon  # portal.js: the year's group only
        self.fields["status"].choices = [("", "— Bỏ điều chỉnh, dùng lại tình trạng tính theo số liệu —"), *groups]
        self.fields["status"].error_messages["invalid_choice"] = "Chọn một tình trạng trong danh sách."
        self.fields["status"].required = False

    def clean(self):
        data = super().clean()
        year, status = data.get("year"), data.get("status")
        if year is None or not status:
            return data
        if year >= self.horizon and status not in FINAL_STATUSES:
            self.add_error(
                "status", f"Năm {year} đã đến năm mốc {self.horizon} của chỉ tiêu: chỉ chọn “Đạt” hoặc “Không đạt”."
            )
        elif year < self.horizon and status == "not_met":
            self.add_error(
                "status",
                f"Năm {year} chưa đến năm mốc {self.horizon}: chưa thể “Không đạt”; "
                "chọn “Đạt” (đã đạt trước mốc) hoặc một tình trạng về tiến độ.",
            )
        return data

    def clean_reason(self):
        reason = unicodedata.normalize("NFC", typed(self.cleaned_data["reason"])).strip()
        if not visible(reason):  # invisible characters alone are no reason
            raise forms.ValidationError("Cần ghi lý do điều chỉnh.")
        return reason
