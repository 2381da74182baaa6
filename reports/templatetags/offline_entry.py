"""The report page's "Nhập bằng tệp Excel" panel, shown to whoever may use it."""

from django import template

from reports import access
from reports.offline.views import WorkbookUploadForm, can_download

register = template.Library()


@register.inclusion_tag("reports/_workbook_panel.html", takes_context=True)
def workbook_panel(context, report):
    user = context["request"].user
    return {
        "report": report,
        "download": can_download(user, report) and not report.handed_over_at,  # its content is a successor's now
        "upload_form": WorkbookUploadForm() if access.is_own_staff(user, report) and report.is_editable else None,
        "csrf_token": context.get("csrf_token"),
    }
