"""The public page's workbook: open to everyone, like the page itself (targets.views.public_progress)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from reports.dashboard.public_workbook import public_workbook
from reports.dashboard.views import XLSX
from targets.views import public_rows, public_year
from tasks.models import Plan, ReportIssuer


@login_not_required
@require_safe
def public_table(request, slug):
    """The figures of the public page for `?nam=` as an Excel workbook; a year still to come gives this year's."""
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    asked, year = public_year(plan, request.GET.get("nam", ""))
    rows = public_rows(plan, year)
    content = public_workbook(plan, year, rows, asked, lambda: ReportIssuer.for_year(plan, year).reviewer_name)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-bang-so-lieu-{year}.xlsx"'
    return response
