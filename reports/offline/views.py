"""Offline entry's URLs: the report as a workbook (its agency's staff and reviewers), the workbook uploaded
back (its agency's staff, one upload at a time per account), and every agency's workbook of a year in one zip
(reviewers)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from binhson_plan.middleware import counts_its_own_writes
from binhson_plan.upload_lock import a_print_slot, one_print_at_a_time, one_upload_at_a_time
from reports import access
from reports.documents.views import busy_page
from reports.models import ReportingCycle, ReportState
from reports.offline.reader import MAX_BYTES
from reports.offline.upload import WorkbookError, apply_workbook
from reports.offline.writer import CONTENT_TYPE, cycle_zip, file_name, report_workbook
from tasks.models import ReportIssuer


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label="Tệp Excel đã điền (.xlsx)",
        error_messages={"required": "Chưa chọn tệp Excel để tải lên.", "empty": "Tệp đã chọn rỗng."},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "data-max-bytes": MAX_BYTES,  # refused in the browser before it is sent (portal.js)
            }
        ),
    )
    confirm_budgets = forms.BooleanField(
        label="Đúng, các khoản kinh phí nêu trên là số tôi nhập", required=False
    )  # offered on the refusal page only, when the workbook's budgets need confirming
    confirm_notes = forms.BooleanField(
        label="Đúng, ghi chú của các chỉ tiêu nêu trên vẫn giải thích đúng giá trị mới", required=False
    )  # and when a note written for the value before is asked about


def can_download(user, report) -> bool:
    """The agency's own staff and the reviewers: the workbook is a tool to fill or hand out the report. A reviewer
    gets it blank (to hand out) or sent; what the agency is typing stays its own (access.shows_content)."""
    reviewer = access.reviews(user, report.cycle.plan)
    return access.is_own_staff(user, report) or (reviewer and (report.is_blank or report.is_shared))


# A blank workbook is handed out only while nothing was typed: an agency that has typed on the portal signs in,
# and a blank workbook uploaded over its draft would empty what it typed.
TYPED_ON_THE_PORTAL = (
    "Tệp Excel trống chỉ tải được khi đơn vị chưa nhập gì; đơn vị này đã nhập trên cổng: cán bộ của đơn vị tải tệp "
    "của báo cáo trên trang báo cáo."
)


def workbook_download(request, pk, slug=None):
    report = access.get_report_for_reader(request, pk, slug)
    if not can_download(request.user, report):
        if access.reviews(request.user, report.cycle.plan) and report.is_reopened:
            raise PermissionDenied(access.REOPENED)
        if access.reviews(request.user, report.cycle.plan):
            raise PermissionDenied(f"{access.UNSENT} {TYPED_ON_THE_PORTAL}")
        reviewer = ReportIssuer.for_year(report.cycle.plan, report.cycle.year).reviewer_name
        raise PermissionDenied(f"Chỉ cán bộ {report.agency.name} và {reviewer} được tải tệp Excel của báo cáo.")
    return _attachment(report_workbook(report), CONTENT_TYPE, file_name(report))


BUSY = (
    "Tài khoản này đang tải lên một tệp Excel khác: chờ tệp đó được xử lý xong (thường vài giây) rồi tải lên lại. "
    "Mỗi tài khoản tải lên một tệp một lúc."
)
SERVER_BUSY = "Máy chủ đang xử lý tệp của những người khác: chờ ít giây rồi tải lên lại."


@require_POST
@counts_its_own_writes  # a workbook past the day's text is refused in the refusal's list
def workbook_upload(request, pk, slug=None):
    report = access.get_report_for_editor(request, pk, slug)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, report, [e for errors in form.errors.values() for e in errors], 400)
    upload = form.cleaned_data["workbook"]
    with one_upload_at_a_time(request.user) as ours:
        if not ours:
            form.add_error("workbook", ours.why(BUSY))
            return _refused(request, report, [ours.why(BUSY)], 429, retry_form=form)
        with a_print_slot() as slot:  # at most PRINT_CONCURRENT_DRAWS heavy works at once, over all accounts
            if not slot:
                form.add_error("workbook", SERVER_BUSY)
                return _refused(request, report, [SERVER_BUSY], 503, retry_form=form)
            try:
                saved = apply_workbook(
                    request,
                    report,
                    upload,
                    confirm_budgets=form.cleaned_data["confirm_budgets"],
                    confirm_notes=form.cleaned_data["confirm_notes"],
                )
            except WorkbookError as exc:
                if exc.unread:  # too costly to read: another file is needed, so the error goes next to the field
                    for error in exc.errors:
                        form.add_error("workbook", error)
                    return _refused(request, report, exc.errors, 422, retry_form=form)
                confirm = {"budgets": exc.asks_budget_confirmation, "notes": exc.asks_note_confirmation}
                return _refused(request, report, exc.errors, 422, confirm=confirm)
    if not saved:
        messages.info(
            request,
            f"Tệp không có gì thay đổi so với báo cáo đang lưu: không có gì được lưu. Tệp “{upload.name[:80]}” "
            "vẫn dùng được để sửa tiếp bằng Excel.",
        )
        return redirect(report)
    messages.success(
        request,
        f"Đã lưu nội dung tệp Excel “{upload.name[:80]}” lúc {timezone.localtime():%H:%M}. Muốn sửa tiếp bằng "
        "Excel, hãy tải tệp mới (tệp vừa tải lên đã cũ).",
    )
    return redirect(report)


def _refused(request, report, errors, status, confirm=None, retry_form=None):
    """The refusal page. `confirm`: which confirmations it offers ("budgets", "notes": True or False); `retry_form`:
    the form as posted, its error next to the file field, to upload again."""
    confirm = confirm or {}
    context = {
        "report": report,
        "errors": errors,
        "confirm_form": WorkbookUploadForm() if any(confirm.values()) else None,
        "confirm": confirm,
        "retry_form": retry_form,
    }
    if report.state == ReportState.SENT_BACK:  # the header names who sent it back or reopened it
        context["reviewer_name"] = ReportIssuer.for_year(report.cycle.plan, report.cycle.year).reviewer_name
    return render(request, "reports/workbook_upload.html", context, status=status)


ZIP = "Tệp nén chưa tạo được"


def cycle_workbooks(request, pk, slug=None):
    cycle = get_object_or_404(ReportingCycle.objects.select_related("plan"), pk=pk, **access.in_plan(slug))
    access.check_reviews(request.user, cycle.plan)
    # a year's workbooks take seconds to write: drawn under the prints' limits (binhson_plan.upload_lock), so that a
    # few reviewers' tabs cannot hold every worker (the tenth probe)
    with one_print_at_a_time(request.user) as mine:
        if not mine:
            message = mine.why("Tệp nén của tài khoản này đang được tạo, xin chờ ít giây rồi tải lại.")
            return busy_page(request, None, message, 429, ZIP)
        with a_print_slot() as slot:
            if not slot:
                return busy_page(
                    request, None, "Máy chủ đang bận tạo các tệp khác, xin chờ ít giây rồi tải lại.", 503, ZIP
                )
            content = cycle_zip(cycle)
    return _attachment(content, "application/zip", f"bao-cao-{cycle.year}-excel.zip")


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
