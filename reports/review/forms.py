"""Forms of the reviewer: sending back, answering a proposal, a cycle's dates, a report's own due date, opening a
year. Every error is Vietnamese and sits next to its field."""

import datetime

from django import forms
from django.utils import timezone

from binhson_plan.dates import DayField, day_formfield
from reports.editing.fields import ReportFieldsForm, WholeNumberField, text_field
from reports.models import AgencyReport, Proposal, ProposalState, ReportingCycle, ReportState, TargetEntry
from targets.as_of import as_of_window


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
    """A cycle's dates, each bounded by the cycle's year Y (the fifteenth probe took a due date in 2040, an opening in
    the next year and a cut-off of 01/01 for a report due in December): entry opens within Y; the report is due after
    it opens, within Y or in January after it; the figures are counted to a day within Y or in January after it, at
    most CUTOFF_BEFORE_DUE days before the due date and never before a value already sent; entry locks from the due
    date on. Each rule is said in the field's help text."""

    CUTOFF_BEFORE_DUE = 30  # days: a report due 05/12 counts its figures to 05/11 at the earliest

    class Meta:
        model = ReportingCycle
        fields = ["opens_on", "due_on", "data_cutoff", "locks_on"]
        formfield_callback = day_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year, before = self.instance.year, self.CUTOFF_BEFORE_DUE
        if year:
            helps = {
                "opens_on": f"Trong năm {year} (từ 01/01/{year} đến 31/12/{year}).",
                "due_on": f"Sau ngày mở nhập liệu, trong năm {year} hoặc đến 31/01/{year + 1}.",
                "data_cutoff": f"Số liệu năm {year} tính đến ngày này: trong năm {year} hoặc đến 31/01/{year + 1}, "
                f"không sớm hơn {before} ngày trước hạn báo cáo, và không trước ngày của số liệu đơn vị đã gửi.",
                "locks_on": "Từ hạn báo cáo trở đi. Để trống: không khóa (báo cáo muộn vẫn nhận).",
            }
            for name, text in helps.items():
                self.fields[name].help_text = text

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
        year = self.instance.year
        january = datetime.date(year + 1, 1, 31)
        opens, due = cleaned.get("opens_on"), cleaned.get("due_on")
        if opens and opens.year != year:
            self.add_error("opens_on", f"Ngày mở nhập liệu phải trong năm {year} (từ 01/01/{year} đến 31/12/{year}).")
        if due and not datetime.date(year, 1, 1) <= due <= january:
            self.add_error("due_on", f"Hạn báo cáo phải trong năm {year} hoặc đến 31/01/{year + 1}.")
        cutoff = cleaned.get("data_cutoff")
        if cutoff and not datetime.date(year, 1, 1) <= cutoff <= january:
            # a value's date may run to the cut-off: 31/12/2031 for the 2026 cycle dated approved values years ahead
            self.add_error(
                "data_cutoff",
                f"Ngày số liệu tính đến phải trong năm {year} hoặc đến 31/01/{year + 1} (số liệu thu vào tháng 1).",
            )
        opens, due, cutoff = cleaned.get("opens_on"), cleaned.get("due_on"), cleaned.get("data_cutoff")
        if cutoff and due and cutoff < due - datetime.timedelta(days=self.CUTOFF_BEFORE_DUE):
            earliest = due - datetime.timedelta(days=self.CUTOFF_BEFORE_DUE)
            self.add_error(
                "data_cutoff",
                f"Ngày số liệu tính đến không được sớm hơn {self.CUTOFF_BEFORE_DUE} ngày trước hạn báo cáo "
                f"{due:%d/%m/%Y}: chọn từ {earliest:%d/%m/%Y} trở đi.",
            )
        cutoff = cleaned.get("data_cutoff")
        if cutoff and self.instance.pk:
            self._keep_dates_sent(cutoff)
        locks = cleaned.get("locks_on")
        if opens and due and due <= opens:  # the eleventh probe: a due date on the opening day was taken
            self.add_error("due_on", "Hạn báo cáo phải sau ngày mở nhập liệu.")
        if locks and due and locks < due:
            self.add_error("locks_on", "Ngày khóa nhập liệu phải từ hạn báo cáo trở đi.")
        return cleaned

    def _keep_dates_sent(self, cutoff) -> None:
        """A cut-off moved back never leaves a value already sent (a report submitted or approved) dated after it: the
        fifteenth probe moved it from 31/01/2027 to 01/01/2026 and approved values "as of" 31/01/2027."""
        year = self.instance.year
        last = as_of_window(year, cutoff)[1]
        later = (
            TargetEntry.objects.filter(
                report__cycle=self.instance, report__state__in=[ReportState.SUBMITTED, ReportState.APPROVED],
                value_year=year, as_of__gt=last,
            )
            .exclude(value=None)
            .select_related("report__agency", "target")
            .order_by("-as_of", "report__agency__name", "target__code")
        )  # fmt: skip
        entries = list(later[:6])
        if entries:
            named = "; ".join(
                f"{e.report.agency.name}, chỉ tiêu {e.target.code} ({e.as_of:%d/%m/%Y})" for e in entries[:5]
            )
            more = " và các số liệu khác" if len(entries) > 5 else ""
            self.add_error(
                "data_cutoff",
                f"Báo cáo đã gửi có số liệu năm {year} tính đến ngày {entries[0].as_of:%d/%m/%Y}, sau ngày này ({named}"
                f"{more}): chọn ngày từ {entries[0].as_of:%d/%m/%Y} trở đi, hoặc trả lại các báo cáo đó để đơn vị sửa "
                "ngày số liệu trước.",
            )


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
