"""The province view (/tinh/): for a chosen year, every plan's reporting, for the Sở and for leadership."""

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from agencies.permissions import Role, has_role
from binhson_plan.collation import sort_key as vietnamese_order
from binhson_plan.number_format import with_unit
from binhson_plan.sheets import workbook
from province import queries
from province.indicators import indicator_blocks, measured_indicators, plan_label
from reports import access
from targets.goals import STATUS_CHOICES

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


def _filters(request) -> dict:
    return {key: request.GET.get(key, "").strip()[:100] for key in ("indicator", "status", "plan")}


def overview(request):
    require_province_reader(request.user)
    plans = queries.plans_of_province()
    years = _years(plans, timezone.localdate())
    year = _year(request, years)
    f = _filters(request)
    blocks = indicator_blocks(plans, year, f["indicator"], f["status"], f["plan"])
    context = {
        "year": year,
        "years": years,
        "rows": queries.reporting(plans, year),
        "blocks": blocks,
        "filters": f,
        "plans": plans,
        "indicator_choices": sorted(measured_indicators(plans), key=lambda i: vietnamese_order(i.name)),
        "status_labels": STATUS_CHOICES,
    }
    return render(request, "province/overview.html", context)


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


INDICATOR_COLUMNS = ["Chỉ số", "Kế hoạch", "Chỉ tiêu", "Mốc", "Số liệu gần nhất", "Năm của số liệu", "Tình trạng",
                     "Nhận định", "Điều chỉnh của cơ quan thẩm định"]  # fmt: skip


def _override(row) -> str:
    override = row["override"]
    return f"{override['label']}: {override['reason']} ({override['by']})" if override else ""


def indicator_frame(blocks) -> pd.DataFrame:
    data = [
        [
            block.indicator.name,
            plan_label(m.plan),
            f"{m.target.code} {m.target.name}",
            m.target.horizon,
            with_unit(m.row["value"], block.unit) + (" (ước)" if m.row["value_is_estimate"] else ""),
            m.row["value_year"] or "",
            STATUS_CHOICES[m.status],
            m.row["explanation"],
            _override(m.row),
        ]  # fmt: skip
        for block in blocks
        for m in block.measures
    ]
    return pd.DataFrame(data, columns=INDICATOR_COLUMNS)


def export(request):
    require_province_reader(request.user)
    plans = queries.plans_of_province()
    year = _year(request, _years(plans, timezone.localdate()))
    f = _filters(request)
    content = workbook({
        f"Báo cáo các kế hoạch {year}": reporting_frame(queries.reporting(plans, year)),
        f"Chỉ tiêu theo chỉ số {year}": indicator_frame(indicator_blocks(plans, year, f["indicator"], f["status"],
                                                                          f["plan"])),
    })  # fmt: skip
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="toan-tinh-{year}.xlsx"'
    return response
