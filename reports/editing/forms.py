"""Forms of the agency report page. Every error is Vietnamese and sits next to its field."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.forms import BaseModelFormSet, modelformset_factory
from django.forms.renderers import Jinja2
from django.utils import timezone

from binhson_plan.dates import DayField
from binhson_plan.number_format import vn_number
from reports.editing.evidence import ALLOWED_EXTENSIONS, check_evidence_file
from reports.editing.fields import (
    ReportFieldsForm,
    VietnameseNumberField,
    WholeNumberField,
    text_field,
)
from reports.models import AgencyReport, Proposal, TargetEntry, TaskEntry, TaskStatus
from targets.models import QualitativeStatus
from targets.plausibility import describe


# The page renders each field with crispy-forms (`|as_crispy_field`) through one flat template of the same markup as
# bootstrap5/field.html (templates/reports/crispy/field.html); errors in a block under the field, as without a helper.
class FixedHelper(FormHelper):
    """A helper set once at import and never changed: what it tells crispy-forms for each field (`get_attributes`,
    some thirty attributes crispy-forms gathers again for every field of the page) is worked out once. crispy-forms
    copies it into each field's own context, so the dict kept here is never changed by a page."""

    def get_attributes(self, template_pack=None):
        key = template_pack or ""
        kept = self.__dict__.setdefault("_attributes", {})
        if key not in kept:
            kept[key] = super().get_attributes(*([template_pack] if template_pack else []))
        return kept[key]


REPORT_FIELD_HELPER = FixedHelper()
REPORT_FIELD_HELPER.field_template = "reports/crispy/field.html"
REPORT_FIELD_HELPER.error_text_inline = False
# Their widgets through Django's Jinja2 form renderer: the same markup as its template renderer (Django keeps both
# sets of widget templates), at a fraction of the cost for the page's sixty fields and hidden inputs.
REPORT_RENDERER = Jinja2()


class ReportForm(ReportFieldsForm):
    helper = REPORT_FIELD_HELPER
    default_renderer = REPORT_RENDERER
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
    helper = REPORT_FIELD_HELPER
    results = text_field("Kết quả đạt được")
    shortcomings = text_field("Tồn tại, hạn chế và nguyên nhân")
    next_steps = text_field("Nhiệm vụ, giải pháp năm tới")
    budget_used = VietnameseNumberField(label="Kinh phí đã sử dụng (đồng)", integer=True, unit="đồng", required=False)
    new_evidence = forms.FileField(
        label="Thêm minh chứng",
        required=False,
        # Django's own wording ("Tập tin được gửi là rỗng.") said "tập tin" where the portal says "tệp" (pass 39)
        error_messages={
            "empty": "Tệp đã chọn rỗng (0 byte): chọn tệp minh chứng có nội dung.",
            "invalid": "Không đọc được tệp đã chọn: chọn lại tệp.",
        },  # fmt: skip
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

    room = None  # the report's EvidenceRoom, shared by the save's task forms (saving.build_forms)

    def clean_new_evidence(self):
        upload = self.cleaned_data.get("new_evidence")
        if upload:
            if self.room is not None:
                self.room.check(
                    upload, self.instance
                )  # before the checks of its content: a file with no room is not read
            self.evidence_type, upload.name = check_evidence_file(upload)  # the name cleaned, its extension checked
            if self.room is not None:
                self.room.take(upload)
        return upload


class CoordinatingEntryForm(forms.ModelForm):
    helper = REPORT_FIELD_HELPER
    results = text_field("Kết quả phối hợp")

    class Meta:
        model = TaskEntry
        fields = ["results"]


class TargetEntryForm(forms.ModelForm):
    helper = REPORT_FIELD_HELPER
    value = VietnameseNumberField(label="Giá trị", required=False)
    as_of = DayField(label="Số liệu tính đến ngày", required=False)
    note = text_field("Ghi chú, nguồn số liệu")
    note_confirmed = forms.BooleanField(label="Ghi chú trên vẫn giải thích đúng giá trị mới", required=False)

    class Meta:
        model = TargetEntry
        fields = ["value", "as_of", "is_estimate", "qualitative_status", "note"]
        labels = {"is_estimate": "Ước thực hiện", "qualitative_status": "Đánh giá"}

    facts = None  # reports.editing.asking.EntryFacts, given by attach()
    # how the person confirms a note written for the value before: the page's tick, or the workbook refusal page's
    # (reports.offline.upload), and whether clean() asked for it
    confirm_note = "đánh dấu “Ghi chú trên vẫn giải thích đúng giá trị mới”"
    note_to_confirm = False
    shared_milestones = None  # reports.editing.saving.SharedMilestones, given by build_forms()

    @property
    def shared_with(self) -> list[str]:
        """The codes of the later milestones of the target's indicator, which share this value."""
        return self.shared_milestones(self.instance.target_id) if self.shared_milestones else []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualitative_status"].choices = [("", "— Chọn —"), *QualitativeStatus.choices]
        if self.instance.target_id:
            self.fields["value"].unit = self.instance.target.input_unit

    def attach(self, facts) -> None:
        """The year the report asks for (reports.editing.asking): the value is for that year, and where nothing would
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
        """Whether the saved entry already holds what the passed milestone asks for (reports.editing.asking)."""
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
                self.note_to_confirm = True
                self.add_error("note", f"{describe(reasons)} Ghi chú hiện có được viết cho giá trị trước: sửa ghi "
                               f"chú cho giá trị mới, hoặc {self.confirm_note} để lưu.")  # fmt: skip
        return cleaned

    @property
    def asks_confirmation(self) -> bool:
        """Whether the note's confirmation tick is shown: beside a note already written, once the value jumps."""
        return bool(self.instance.note.strip() and (self.jumps or "note" in self.errors))


class ProposalForm(forms.ModelForm):
    helper = REPORT_FIELD_HELPER
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


class RowIdField(forms.ModelChoiceField):
    """A form's row id, found among the rows its formset has read (`rows`: posted id → row) instead of one query
    per form; an id that is not among them is looked up as Django's field does (and refused if unknown)."""

    def __init__(self, *args, rows, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values:
            row = self.rows().get(str(value))
            if row is not None:
                return row
        return super().to_python(value)


class ReportRowsFormSet(BaseModelFormSet):
    """A model formset over a report's rows, read beforehand when `rows` is given (a list, in the page's order)."""

    def __init__(self, *args, rows=None, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        return super().get_queryset() if self.rows is None else self.rows

    def _rows_by_id(self) -> dict:
        if not hasattr(self, "_rows_by_posted_id"):
            self._rows_by_posted_id = {str(row.pk): row for row in self.get_queryset()}
        return self._rows_by_posted_id

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:
            form.fields[name] = RowIdField(
                field.queryset, initial=field.initial, required=False, widget=field.widget, rows=self._rows_by_id
            )


LeadEntryFormSet = modelformset_factory(
    TaskEntry, form=LeadEntryForm, formset=ReportRowsFormSet, extra=0, renderer=REPORT_RENDERER
)
CoordinatingEntryFormSet = modelformset_factory(
    TaskEntry, form=CoordinatingEntryForm, formset=ReportRowsFormSet, extra=0, renderer=REPORT_RENDERER
)
TargetEntryFormSet = modelformset_factory(
    TargetEntry, form=TargetEntryForm, formset=ReportRowsFormSet, extra=0, renderer=REPORT_RENDERER
)
MAX_PROPOSALS = 50
TOO_MANY_PROPOSALS = f"Tối đa {MAX_PROPOSALS} kiến nghị trong một báo cáo: gộp bớt các kiến nghị gần nhau."


class BaseProposalFormSet(ReportRowsFormSet):
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
        saved = self.get_queryset()  # read already, to find the posted rows
        untouched = sum(1 for proposal in saved if proposal.pk not in posted) if saved is not None else 0
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
    renderer=REPORT_RENDERER,
)
