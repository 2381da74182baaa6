"""Pages of the consolidated report: reviewers start a build and watch it; readers download."""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agencies.lineage import Lineage
from binhson_plan.allowance import CONSOLIDATED_BUILDS
from binhson_plan.dates import day_formfield
from binhson_plan.longtext import typed, visible
from binhson_plan.queueing import enqueue
from reports import access
from reports.consolidated.cover import FORM_FIELDS, cover_gaps
from reports.consolidated.coverage import coverage_note, left_out_now
from reports.consolidated.jobs import build_consolidated_report_job
from reports.consolidated.models import (
    BuildState,
    BuildUnderway,
    ConsolidatedReport,
    build_refusal,
    cover_defaults,
    stale_issuer,
)
from reports.models import ReportingCycle
from reports.plan_choice import choose_plan
from targets.status import current_year
from tasks.models import ReportIssuer

logger = logging.getLogger(__name__)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


RECIPIENTS_LIMIT = 2000  # characters of "Nơi nhận": a real list is a few hundred


class CoverForm(forms.ModelForm):
    plan_number = forms.CharField(
        label="Số hiệu của Kế hoạch",
        required=False,
        max_length=100,
        help_text="Ví dụ: 1234/KH-UBND. Khi có số, báo cáo trích dẫn Kế hoạch theo số và ngày ban hành.",
    )

    class Meta:
        model = ConsolidatedReport
        fields = [
            "number",
            "report_date",
            "addressee",
            "recipients",
            "signer_authority",
            "signer_position",
            "signer_name",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 6})}
        error_messages = {"recipients": {"max_length": "Nơi nhận tối đa 2.000 ký tự: rút gọn danh sách nơi nhận."}}
        formfield_callback = day_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].max_length = RECIPIENTS_LIMIT  # the twelfth probe: 100 000 characters were taken
        self.fields["recipients"].validators.append(MaxLengthValidator(RECIPIENTS_LIMIT))
        self.fields["recipients"].widget.attrs["maxlength"] = RECIPIENTS_LIMIT
        for field in self.fields.values():
            field.error_messages["required"] = "Mục này không được để trống."

    def clean(self):
        """Text pasted from Word keeps none of what a Word file cannot hold (a vertical tab from Shift+Enter, U+FFFE):
        one such character in the signer's name made every build fail at its Word file (the sixth probe)."""
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = typed(value)
                if self.fields[name].required and not visible(cleaned[name]):  # a number or signer no one sees
                    self.add_error(name, "Mục này không được để trống.")
        return cleaned


def _reader(request):
    if not access.can_read_all(request.user):
        raise PermissionDenied(access.not_for_readers(request.user, "Báo cáo tổng hợp"))


def consolidated_choice(request):
    """/tong-hop/: the consolidated reports of the reader's one plan, or the list of their plans."""
    _reader(request)
    return choose_plan(request, access.plans_read_by(request.user), "reports:consolidated", "Báo cáo tổng hợp")


def _reported(request, pk, slug=None) -> ConsolidatedReport:
    """A consolidated report (404 if none) of a plan the user reads."""
    _reader(request)
    report = get_object_or_404(ConsolidatedReport.objects.select_related("plan"), pk=pk, **access.in_plan(slug))
    if not access.reads_plan(request.user, report.plan):
        raise PermissionDenied(access.not_reading(request.user, report.plan))
    return report


def consolidated_list(request, slug):
    _reader(request)
    plan = access.get_plan_for_user(request, slug)
    reviews = access.reviews(request.user, plan)
    this_year = current_year(plan)
    year = plan.year_from(request.GET.get("nam", ""), this_year)
    if year > this_year:  # a year still to come has nothing to report: its report is never built
        messages.info(request, f"Năm {year} chưa đến nên chưa có gì để tổng hợp; đang hiển thị năm {this_year}.")
        return redirect(f"{reverse('reports:consolidated', args=[plan.slug])}?nam={this_year}")
    versions = ConsolidatedReport.objects.filter(plan=plan, year=year).select_related("requested_by")
    latest = versions.first()
    form = None
    issuer = ReportIssuer.for_year(plan, year)  # who issues and signs the year's report
    if reviews:
        form = CoverForm(
            request.POST or None,
            initial={"plan_number": plan.number},
            instance=ConsolidatedReport(**cover_defaults(plan, year, latest)),
        )
    status = 200
    if request.method == "POST":
        access.check_reviews(request.user, plan)
        refused = build_refusal(request.user) if form.is_valid() else ""
        if refused:  # the cover typed stays in the form below
            messages.error(request, refused)
            status = 429
        elif form.is_valid():
            try:
                return _start(request, plan, year, form)
            except BuildUnderway as refusal:  # the cover typed stays in the form below
                messages.error(request, str(refusal))
                status = 409
    context = {
        "plan": plan,
        "year": year,
        "versions": versions,
        "final_version": next((v for v in versions if v.is_final), None),  # named in the confirmation
        "form": form,
        "years": plan.reporting_years(),
        "issuer": issuer,
        "stale_issuer": stale_issuer(plan, year, issuer, Lineage.load()),
        "has_cycle": ReportingCycle.objects.filter(plan=plan, year=year).exists(),
        "coverage": _coverage_notes(plan, year, versions) if reviews else {},
        "reviews_plan": reviews,
        "gaps": cover_gaps(plan, issuer, {name: form[name].value() for name in FORM_FIELDS}, request.user)
        if form
        else [],
    }
    return render(request, "reports/consolidated_list.html", context, status=422 if form and form.errors else status)


def _coverage_notes(plan, year, versions) -> dict[int, str]:
    """Version id → what it holds of the agencies' reports and what it lacks, said before it is marked official."""
    markable = [v for v in versions if v.state == BuildState.READY and not v.is_final]
    now = left_out_now(plan, year) if any(v.left_out is None for v in markable) else []
    return {v.pk: coverage_note(v.version, v.inputs, v.left_out, now) + _unnumbered(v) for v in markable}


def _unnumbered(version) -> str:
    """A version built with the number's placeholder ("…/BC-UBND") is said so before it becomes the official one."""
    if "…" not in version.number and "..." not in version.number and version.number.strip():
        return ""
    return (f" Bản {version.version} chưa có số văn bản (in “Số: {version.number or '…'}”): nếu đây là bản trình ký, "
            "điền số rồi dựng lại.")  # fmt: skip


def _start(request, plan, year, form):
    """Ask for a new version and queue it; BuildUnderway, with nothing saved, while another is on its way."""
    cover = {name: form.cleaned_data[name] for name in form.Meta.fields}
    with transaction.atomic():
        report = ConsolidatedReport.request_unless_underway(plan, year, by=request.user, **cover)
        CONSOLIDATED_BUILDS.spend(request.user, 1)
        number = " ".join(form.cleaned_data["plan_number"].split())
        if number != plan.number:
            plan.number, plan._history_user = number, request.user  # kept in the plan's history
            plan.save(update_fields=["number"])
    outcome = enqueue(build_consolidated_report_job, report.pk)
    if outcome["queued"] is False:
        messages.warning(
            request,
            f"Đã ghi yêu cầu dựng bản {report.version}, nhưng hàng đợi đang gián đoạn nên việc dựng bị chậm lại. "
            "Bản này sẽ được dựng khi hàng đợi hoạt động trở lại; các chức năng khác vẫn dùng bình thường.",
        )
    else:
        report.refresh_from_db(fields=["state", "error"])
        if report.state == BuildState.READY:
            messages.success(request, f"Đã dựng xong bản {report.version}.")  # built in-process (no broker)
        elif report.state == BuildState.FAILED:
            messages.error(request, f"Bản {report.version}: {report.error}")
        elif outcome["queued"]:
            messages.success(request, f"Đang dựng bản {report.version}; trang sẽ tự cập nhật khi xong.")
        else:  # handed over when the surrounding transaction commits: say only what is sure
            messages.success(request, f"Đã ghi yêu cầu dựng bản {report.version}; trạng thái ở bảng dưới.")
    return redirect(f"{reverse('reports:consolidated', args=[plan.slug])}?nam={year}")


def consolidated_status(request, pk, slug=None):
    report = _reported(request, pk, slug)
    files = {kind: reverse("reports:consolidated_file", args=[report.plan.slug, pk, kind]) for kind in CONTENT_TYPES}
    markable = access.reviews(request.user, report.plan) and report.state == BuildState.READY and not report.is_final
    # a version that finished while its page was open gets its button from here: its confirmation says the same
    coverage = _coverage_notes(report.plan, report.year, [report]).get(report.pk, "") if markable else ""
    return JsonResponse(
        {
            "state": report.state,
            "label": report.get_state_display(),
            "error": report.error,
            "files": files if report.state == BuildState.READY else {},
            "is_final": report.is_final,
            "final_url": reverse("reports:consolidated_final", args=[report.plan.slug, pk]) if markable else "",
            "coverage": coverage,
        }
    )


def consolidated_file(request, pk, kind, slug=None):
    report = _reported(request, pk, slug)
    if kind not in CONTENT_TYPES or report.state != BuildState.READY:
        raise Http404("Tệp chưa có.")
    field = getattr(report, kind)
    # the plan in the name: two plans' reports of a year, downloaded side by side, must not overwrite each other
    name = f"bao-cao-tong-hop-{report.plan.slug}-{report.year}-ban-{report.version}.{kind}"
    try:
        content = field.open("rb")
    except (FileNotFoundError, ValueError):  # recorded, but gone from the disk (a restore without the media…)
        logger.error("Tệp %s của báo cáo tổng hợp %s không còn trên đĩa", kind, report.pk)
        message = (
            f"Tệp {kind.upper()} của bản {report.version} không còn trên máy chủ. Xin dựng lại báo cáo, "
            "hoặc báo quản trị viên khôi phục tệp."
        )
        return render(request, "404.html", {"message": message}, status=404)
    return FileResponse(content, as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind])


@require_POST
def consolidated_final(request, pk, slug=None):
    access.require_reviewer(request)
    report = get_object_or_404(ConsolidatedReport.objects.select_related("plan"), pk=pk, **access.in_plan(slug))
    access.check_reviews(request.user, report.plan)
    try:
        report.mark_final(by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Bản {report.version} là bản chính thức.")
    return redirect(f"{reverse('reports:consolidated', args=[report.plan.slug])}?nam={report.year}")
