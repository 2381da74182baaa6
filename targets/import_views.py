"""The reviewer's page for importing a plan's recorded values from a workbook (targets.imports)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from agencies.permissions import Role, has_role
from binhson_plan.upload_lock import a_print_slot, one_upload_at_a_time
from targets import imports
from targets.imports import FileRefused, ValueImportError, import_values
from targets.reviewing import NOT_YOUR_PLAN, refusal, reviews_plan

BUSY = (
    "Tài khoản này đang tải lên một tệp khác: chờ tệp đó được xử lý xong (thường vài giây) rồi nhập lại. "
    "Mỗi tài khoản tải lên một tệp một lúc."
)
SERVER_BUSY = "Máy chủ đang xử lý tệp của những người khác: chờ ít giây rồi nhập lại."


def import_page(request, plan):
    """The import of `plan`'s values; the caller (reports.review.views.import_values) checked that the user reviews
    `plan` (roles per plan are the reports app's). The file is read only while the account holds its upload lock
    (binhson_plan.upload_lock): one upload at a time per account. A refusal of the file itself is said next to the
    file field; the rows' errors are listed above; either answers 422, as every form with errors does."""
    if not reviews_plan(request.user, plan):
        if has_role(request.user, Role.REVIEWER):
            raise PermissionDenied(NOT_YOUR_PLAN.format(plan=plan.short_title))
        raise PermissionDenied(refusal(request.user, plan, "nhập số liệu chỉ tiêu"))
    context = {"plan": plan, "errors": [], "file_errors": [], "max_bytes": imports.MAX_BYTES}
    upload = request.FILES.get("file")
    if request.method == "POST" and upload is None:
        context["file_errors"] = ["Chưa chọn tệp."]
    elif request.method == "POST":
        with one_upload_at_a_time(request.user) as ours:
            if not ours:
                context["file_errors"] = [ours.why(BUSY)]
                return render(request, "targets/import_values.html", context, status=429)
            try:
                with a_print_slot() as slot:  # at most PRINT_CONCURRENT_DRAWS heavy works at once, over all accounts
                    if not slot:
                        context["file_errors"] = [SERVER_BUSY]
                        return render(request, "targets/import_values.html", context, status=503)
                    result = import_values(plan, upload, upload.name, by=request.user)
            except FileRefused as exc:
                context["file_errors"] = exc.errors
            except ValueImportError as exc:
                context["errors"] = exc.errors
            else:
                messages.success(
                    request,
                    f"Đã nhập {result.recorded} giá trị ({result.unchanged} không đổi, "
                    f"{result.references} giá trị tham chiếu) từ tệp “{upload.name}”."
                    + (
                        f" {result.estimates} giá trị của năm chưa kết thúc được ghi là số ước thực hiện."
                        if result.estimates
                        else ""
                    ),
                )
                return redirect("reports:import", plan.slug)
    refused = context["errors"] or context["file_errors"]
    return render(request, "targets/import_values.html", context, status=422 if refused else 200)
