"""Forms of the agency report page. Every error is Vietnamese and sits next to its field."""

import datetime
import unicodedata

from django import forms
from django.conf import settings
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone

from binhson_plan.dates import DayField, day_formfield
from binhson_plan.longtext import LINE_LIMIT, typed, visible, written_lines
from reports.evidence import ALLOWED_EXTENSIONS, check_evidence_file
from reports.models import (
    AgencyReport,
    Proposal,
    ProposalState,
    QualitativeStatus,
    ReportingCycle,
    TargetEntry,
    TaskEntry,
    TaskStatus,
)
from targets.numbers import NumberFormatError, parse_number
from targets.plausibility import describe
from targets.templatetags.plan_format import vn_input_number, vn_number

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


class ReportForm(ReportFieldsForm):
    version = WholeNumberField(widget=forms.HiddenInput)
    difficulties = text_field("Khó khăn, vướng mắc")

    class Meta:
        model = AgencyReport
        fields = ["difficulties"]


SMALL_BUDGET = 100_000  # đồng: less is rarely a year's spending on a task, more often "1.250" for 1.250.000
BUDGET_SHRINK = 1_000  # a budget under a thousandth of the one it replaces is most likely a slip of the unit


def budget_doubt(value: int | None, previous: int | None) -> str:
    """Why a budget typed should be confirmed before it is saved, in Vietnamese; "" when it need not."""
    if value is None:
        return ""
    if previous and value * BUDGET_SHRINK < previous:
        return f"Số này nhỏ hơn một phần nghìn số đã lưu ({vn_number(previous)} đồng)."
    if 0 < value < SMALL_BUDGET:
        return f"Số này dưới {vn_number(SMALL_BUDGET)} đồng."
    return ""


class LeadEntryForm(forms.ModelForm):
    results = text_field("Kết quả đạt được")
    shortcomings = text_field("Tồn tại, hạn chế và nguyên nhân")
    next_steps = text_field("Nhiệm vụ, giải pháp năm tới")
    budget_used = VietnameseNumberField(label="Kinh phí đã sử dụng (đồng)", integer=True, unit="đồng", required=False)
    new_evidence = forms.FileField(
        label="Thêm minh chứng",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    # The budget the person confirmed ("Đúng, tôi nhập … đồng"), in whole đồng: a confirmation of 1.250 does
    # not carry over to another number typed later. The page shows the box only when it asks.
    budget_confirmed = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    budget_to_confirm = None  # the budget asked about, set by clean()

    class Meta:
        model = TaskEntry
        fields = ["status", "results", "shortcomings", "next_steps", "budget_used"]
        labels = {"status": "Tình hình thực hiện"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "— Chọn —"), *TaskStatus.choices]
        # the browser refuses a file over the limit before sending it (portal.js): nginx would refuse the whole page
        self.fields["new_evidence"].widget.attrs["data-max-bytes"] = settings.EVIDENCE_MAX_BYTES

    def clean_budget_used(self):
        value = self.cleaned_data["budget_used"]
        if value is not None and value < 0:
            raise forms.ValidationError("Kinh phí không được âm.")
        return value

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("budget_used")
        if "budget_used" in self.changed_data and "budget_used" not in self.errors:
            doubt = budget_doubt(value, self.initial.get("budget_used"))
            if doubt and (cleaned.get("budget_confirmed") or "").strip() != str(value):
                self.budget_to_confirm = value
                self.add_error(
                    "budget_used",
                    f"Anh/chị nhập {vn_number(value)} đồng — đúng không? {doubt} "
                    "Nếu đúng, xác nhận rồi lưu lại; nếu không, sửa lại số. Chưa lưu gì cho đến khi xác nhận.",
                )
        return cleaned

    def clean_new_evidence(self):
        upload = self.cleaned_data.get("new_evidence")
        if upload:
            self.evidence_type, upload.name = check_evidence_file(upload)  # the name cleaned, its extension checked
        return upload


class CoordinatingEntryForm(forms.ModelForm):
    results = text_field("Kết quả phối hợp")

    class Meta:
        model = TaskEntry
        fields = ["results"]


class TargetEntryForm(forms.ModelForm):
    value = VietnameseNumberField(label="Giá trị", required=False)
    as_of = DayField(label="Số liệu tính đến ngày", required=False)
    note = text_field("Ghi chú, nguồn số liệu")
    note_confirmed = forms.BooleanField(label="Ghi chú trên vẫn giải thích đúng giá trị mới", required=False)

    class Meta:
        model = TargetEntry
        fields = ["value", "as_of", "is_estimate", "qualitative_status", "note"]
        labels = {"is_estimate": "Ước thực hiện", "qualitative_status": "Đánh giá"}

    facts = None  # reports.asking.EntryFacts, given by attach()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualitative_status"].choices = [("", "— Chọn —"), *QualitativeStatus.choices]
        if self.instance.target_id:
            self.fields["value"].unit = self.instance.target.input_unit

    def attach(self, facts) -> None:
        """The year the report asks for (reports.asking): the value is for that year, and where nothing would
        count (a passed milestone whose value is there) the fields only show what was typed."""
        self.facts = facts
        year = facts.ask.year
        if year is None:
            for name in ("value", "as_of", "is_estimate", "qualitative_status"):
                self.fields[name].disabled = True
        self.fields["value"].label = f"Giá trị năm {year or self.instance.value_year}"
        cycle = self.instance.report.cycle
        self.as_of_window = cycle.as_of_window(year or self.instance.value_year)
        self.default_as_of = cycle.default_as_of(year or self.instance.value_year)
        ongoing = year is not None and timezone.localdate() <= datetime.date(year, 12, 31)
        if ongoing and self.instance.value is None and not self.instance.target.is_qualitative:
            self.initial["is_estimate"] = True  # typed before its year ends: an estimate, unless unticked
        self.fields["qualitative_status"].label = f"Đánh giá năm {year or self.instance.value_year}"

    @property
    def year_given(self) -> bool:
        """Whether the saved entry already holds what the passed milestone asks for (reports.asking)."""
        return bool(self.facts and self.facts.ask.given(self.instance))

    @property
    def year_notice(self) -> str:
        return self.facts.ask.notice_for(self.instance) if self.facts else ""

    @property
    def value_year(self) -> int | None:
        """The year the value typed here is for: the year asked once it is typed, else the one it was typed for."""
        if self.facts is None or self.facts.ask.year is None or not self.is_bound:
            return self.instance.value_year
        typed = {"value", "qualitative_status"} & set(self.changed_data)
        return self.facts.ask.year if typed else self.instance.value_year

    @property
    def jumps(self) -> list[str]:
        """Why the value shown needs a word of explanation (targets.plausibility)."""
        if self.facts is None or self.facts.ask.year is None or self.value_year != self.facts.ask.year:
            return []  # a value that no longer counts is not checked
        value = self.cleaned_data.get("value") if hasattr(self, "cleaned_data") else self.instance.value
        return self.facts.jumps(self.value_year, value)

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None:
            error = self.instance.target.value_error(value)
            if error:
                raise forms.ValidationError(error)
        return value

    def clean(self):
        cleaned = super().clean()
        as_of = cleaned.get("as_of")
        today = timezone.localdate()
        if as_of and as_of > today and not cleaned.get("is_estimate") and not self.fields["as_of"].disabled:
            # a figure "as of" a day still to come can only be an estimate ("ước thực hiện đến 31/12")
            self.add_error(
                "as_of",
                f"Ngày số liệu sau hôm nay ({today:%d/%m/%Y}) chỉ dùng cho số ước tính: đánh dấu “Ước thực hiện” "
                "hoặc ghi ngày đã qua.",
            )
        if as_of and self.facts is not None and not self.fields["as_of"].disabled:
            first, last = self.instance.report.cycle.as_of_window(self.value_year)
            if not first <= as_of <= last:
                self.add_error(
                    "as_of",
                    f"Ngày số liệu của năm {self.value_year} phải từ {first:%d/%m/%Y} đến {last:%d/%m/%Y} "
                    f"(đã nhập {as_of.day:02}/{as_of.month:02}/{as_of.year:04}).",
                )
        typed = "value" in self.changed_data and "value" not in self.errors  # a value kept as it was is listed
        if typed and "note" not in self.changed_data and not cleaned.get("note_confirmed"):  # by the completeness
            reasons = self.jumps  # check instead; a note kept as it was was written for the value before
            if reasons and not (cleaned.get("note") or "").strip():
                self.add_error("note", f"{describe(reasons)} Cần ghi chú giải thích (lý do, nguồn số liệu) để lưu.")
            elif reasons:
                self.add_error("note", f"{describe(reasons)} Ghi chú hiện có được viết cho giá trị trước: sửa ghi "
                               "chú cho giá trị mới, hoặc đánh dấu “Ghi chú trên vẫn giải thích đúng giá trị mới” "
                               "để lưu.")  # fmt: skip
        return cleaned

    @property
    def asks_confirmation(self) -> bool:
        """Whether the note's confirmation tick is shown: beside a note already written, once the value jumps."""
        return bool(self.instance.note.strip() and (self.jumps or "note" in self.errors))


class ProposalForm(forms.ModelForm):
    text = text_field("Kiến nghị, đề xuất", required=True, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new row may stay empty (it is then skipped): only a proposal already saved must keep its text.
        self.fields["text"].required = bool(self.instance.pk)
        if self.instance.pk and self.instance.response:
            self.fields["text"].disabled = True  # the district has answered it: it stays as answered

    class Meta:
        model = Proposal
        fields = ["text"]


LeadEntryFormSet = modelformset_factory(TaskEntry, form=LeadEntryForm, extra=0)
CoordinatingEntryFormSet = modelformset_factory(TaskEntry, form=CoordinatingEntryForm, extra=0)
TargetEntryFormSet = modelformset_factory(TargetEntry, form=TargetEntryForm, extra=0)
MAX_PROPOSALS = 50
TOO_MANY_PROPOSALS = f"Tối đa {MAX_PROPOSALS} kiến nghị trong một báo cáo: gộp bớt các kiến nghị gần nhau."


class BaseProposalFormSet(BaseModelFormSet):
    """The page's "+" button adds rows without a limit, so the server counts: at most MAX_PROPOSALS
    proposals kept (blank rows do not count), and never more than twice as many rows read at all
    (without a limit a formset quietly saves up to max_num + 1000 rows)."""

    default_error_messages = {
        "too_many_forms": TOO_MANY_PROPOSALS,
        "too_few_forms": "Thiếu kiến nghị.",
        "missing_management_form": "Dữ liệu gửi lên không khớp với trang. Xin tải lại trang.",
    }

    def clean(self):
        super().clean()
        deleted = set(map(id, self.deleted_forms)) if self.can_delete else set()
        kept = [f for f in self.forms if id(f) not in deleted and (f.instance.pk or f.has_changed())]
        # and those saved before that this post leaves out (its rows counted from 0 says nothing of them): a tampered
        # form adding rows each time reached 145 (the sixth probe)
        posted = {f.instance.pk for f in self.forms if f.instance.pk}
        untouched = self.get_queryset().exclude(pk__in=posted).count() if self.get_queryset() is not None else 0
        if len(kept) + untouched > MAX_PROPOSALS:
            raise forms.ValidationError(TOO_MANY_PROPOSALS, code="too_many_forms")


ProposalFormSet = modelformset_factory(
    Proposal,
    form=ProposalForm,
    formset=BaseProposalFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_PROPOSALS,
    absolute_max=2 * MAX_PROPOSALS,
)


class SendBackForm(forms.Form):
    """The reason, and (sending back, not reopening) the date the corrections are due, pre-filled with
    `AgencyReport.default_correction_due_on`."""

    reason = text_field("Lý do", required=True)
    correction_due_on = DayField(
        label="Hạn bổ sung",
        required=False,
        help_text="Đơn vị gửi lại bản bổ sung trước hết ngày này; sau đó báo cáo bị ghi là quá hạn bổ sung. "
        "Mặc định: 5 ngày làm việc sau hôm nay, không sớm hơn hạn gửi báo cáo.",
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["reason"].error_messages["required"] = "Cần ghi lý do để đơn vị biết phải bổ sung gì."
        if report is not None:
            self.fields["correction_due_on"].initial = report.default_correction_due_on()

    def clean_correction_due_on(self):
        due, today = self.cleaned_data.get("correction_due_on"), timezone.localdate()
        if due and due < today:
            raise forms.ValidationError(f"Hạn bổ sung không được trước hôm nay ({today:%d/%m/%Y}).")
        locks_on = self.report.cycle.locks_on if self.report else None
        if due and locks_on and due > locks_on:
            raise forms.ValidationError(
                f"Hạn bổ sung phải trước khi kỳ khóa nhập liệu ({locks_on:%d/%m/%Y}): sau đó đơn vị không gửi được."
            )
        return due


class ProposalResponseForm(forms.ModelForm):
    response = text_field("Trả lời")

    class Meta:
        model = Proposal
        fields = ["state", "response"]
        labels = {"state": "Tình trạng xử lý"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("state") == ProposalState.ANSWERED and not cleaned.get("response"):  # the ninth probe
            self.add_error("response", "Cần ghi nội dung trả lời khi chọn “Đã trả lời”.")
        return cleaned


class CycleDatesForm(forms.ModelForm):
    class Meta:
        model = ReportingCycle
        fields = ["opens_on", "due_on", "data_cutoff", "locks_on"]
        formfield_callback = day_formfield

    def clean(self):
        cleaned = super().clean()
        # Within the plan's years, and the year after its last (a cycle may lock in January): a date
        # typed as 2062 or 0205 is a typo that would quietly open or close the cycle for decades.
        plan = self.instance.plan
        first, last = datetime.date(plan.period_start, 1, 1), datetime.date(plan.last_year + 1, 12, 31)
        for name in self.Meta.fields:
            value = cleaned.get(name)
            if value and not first <= value <= last:
                self.add_error(
                    name, f"Ngày phải trong thời gian của kế hoạch, từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}."
                )
        opens, due, locks = cleaned.get("opens_on"), cleaned.get("due_on"), cleaned.get("locks_on")
        if opens and due and due < opens:
            self.add_error("due_on", "Hạn báo cáo phải sau ngày mở nhập liệu.")
        if locks and due and locks < due:
            self.add_error("locks_on", "Ngày khóa nhập liệu phải từ hạn báo cáo trở đi.")
        return cleaned


class ReportDueForm(ReportFieldsForm):
    """The reviewer gives one report its own due date (a report a reorganisation opened late in the season)."""

    class Meta:
        model = AgencyReport
        fields = ["due_on"]
        labels = {"due_on": "Hạn gửi của đơn vị"}
        help_texts = {"due_on": "Để trống: hạn của kỳ báo cáo. Báo cáo gửi sau hạn này được ghi là gửi muộn."}
        formfield_callback = day_formfield

    def clean_due_on(self):
        due, cycle = self.cleaned_data.get("due_on"), self.instance.cycle
        first = self.instance.first_submitted_at
        if first and due != self.instance.due_on:  # its lateness was judged when it was first sent
            raise forms.ValidationError(
                f"Báo cáo đã gửi lần đầu lúc {timezone.localtime(first):%H:%M %d/%m/%Y}: gửi đúng hạn hay muộn đã "
                "tính theo hạn lúc đó, nên không đổi hạn gửi được nữa."
            )
        if due and due < cycle.opens_on:
            raise forms.ValidationError(f"Hạn gửi phải từ ngày mở nhập liệu ({cycle.opens_on:%d/%m/%Y}) trở đi.")
        if due and cycle.locks_on and due > cycle.locks_on:
            raise forms.ValidationError(
                f"Hạn gửi phải trước khi kỳ khóa nhập liệu ({cycle.locks_on:%d/%m/%Y}): sau đó đơn vị không gửi được."
            )
        return due


class CycleOpenForm(forms.Form):
    year = WholeNumberField(
        label="Năm báo cáo",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "Nhập năm bằng chữ số, ví dụ 2024.", "required": "Nhập năm cần mở."},
    )
