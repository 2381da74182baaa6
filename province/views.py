"""The province view (/tinh/): for a chosen year, every plan's reporting, for the Sở and for leadership."""

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from agencies.permissions import Role, has_role
from binhson_plan.sheets import workbook
from province import queries
from reports import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_province_reader(user) -> None:
    """The province view is for the Sở (a reviewer of every plan), leadership and administrators."""
    allowed = user.is_superuser or has_role(user, Role.VIEWER) or has_role(user, Role.ADMINISTRATOR)
    if not (allowed or access.is_reviewer(user)):
        raise PermissionDenied("Trang toàn tỉnh dành cho Sở Dân tộc và Tôn giáo và lãnh đạo.")


def _years(plans, today) -> list[int]:
    """The years a reader can pick: from the earliest plan's start to this year, within the plans' years."""
    if not plans:
        return [today.year]
    first = min(plan.period_start for plan in plans)
    last = max(first, min(today.year, max(plan.last_year for plan in plans)))
    return list(range(first, last + 1))


def _year(request, years) -> int:
    """The year asked for (`?year=`), the latest one offered when none or a wrong one is asked."""
    text = request.GET.get("year", "")
    return int(text) if text.isascii() and text.isdigit() and int(text) in years else years[-1]


def overview(request):
    require_province_reader(request.user)
    plans = queries.plans_of_province()
    years = _years(plans, timezone.localdate())
    year = _year(request, years)
    rows = queries.reporting(plans, year)
    return render(request, "province/overview.html", {"year": year, "years": years, "rows": rows})


REPORTING_COLUMNS = ["Kế hoạch", "Phải báo cáo", "Đã gửi", "Đã duyệt", "Gửi muộn", "Quá hạn", "Chưa gửi",
                     "Kiến nghị chưa trả lời"]  # fmt: skip


def reporting_frame(rows) -> pd.DataFrame:
    data = [
        [
            str(row.plan),
            row.summary.expected,
            row.summary.submitted,
            row.summary.approved,
            row.summary.late,
            row.summary.overdue,
            row.missing,
            row.open_proposals,
        ]  # fmt: skip
        for row in rows
    ]
    return pd.DataFrame(data, columns=REPORTING_COLUMNS)


def export(request):
    require_province_reader(request.user)
    plans = queries.plans_of_province()
    year = _year(request, _years(plans, timezone.localdate()))
    content = workbook({f"Báo cáo các kế hoạch {year}": reporting_frame(queries.reporting(plans, year))})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="toan-tinh-{year}.xlsx"'
    return response
