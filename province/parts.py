"""One plan's part of the province's yearly summary: what the summary says of the plan, as JSON the part keeps."""

from binhson_plan.number_format import with_unit
from province import queries
from province.indicators import Measure
from reports.consolidated.models import ConsolidatedReport
from targets.api import indicator_targets
from targets.goals import STATUS_CHOICES
from targets.models import Indicator


def plan_name(plan) -> str:
    """The plan as the summary names it (an illustrative plan says so: Plan.__str__)."""
    return str(plan)


def plan_part(plan, year: int) -> dict:
    """The plan's reporting in `year` (as its dashboard counts it: province.queries), its consolidated reports of the
    year (version, number, date, state, marked final or not) and its indicator rows."""
    row = queries.reporting([plan], year)[0]
    versions = ConsolidatedReport.objects.filter(plan=plan, year=year).order_by("version")
    return {
        "slug": plan.slug,
        "title": plan.title,
        "name": plan_name(plan),
        "label": queries.plan_label(plan),
        "illustrative": bool(getattr(plan, "is_illustrative", False)),
        "has_cycle": row.cycle is not None,
        "reporting": {
            "expected": row.summary.expected,
            "submitted": row.summary.submitted,
            "sent_back": row.sent_back,
            "approved": row.summary.approved,
            "late": row.summary.late,
            "overdue": row.summary.overdue,
            "not_sent": row.missing,
            "open_proposals": row.open_proposals,
        },
        "consolidated": [
            {
                "version": version.version,
                "number": version.number,
                "report_date": version.report_date.isoformat(),
                "state": version.state,
                "state_label": version.get_state_display(),
                "is_final": version.is_final,
            }
            for version in versions
        ],
        "indicators": indicator_rows(plan, year),
    }


def indicator_rows(plan, year: int) -> list[dict]:
    """The plan's rows of the province's indicator table in `year`: each of its targets measuring an indicator, as
    the province view shows it (province.indicators), in what a JSON field keeps."""
    indicators = list(Indicator.objects.filter(targets__plan=plan, targets__is_active=True).distinct())
    measured = indicator_targets(indicators, year, plans=[plan])  # every indicator's targets at once
    rows = []
    for indicator in indicators:
        for target, row in measured.get(indicator.pk, []):
            measure = Measure(plan, target, row)
            value = with_unit(row["value"], indicator.unit) if row["value"] is not None else "–"
            rows.append({
                "indicator": indicator.code, "name": indicator.name, "unit": indicator.unit,
                "target": target.code, "target_name": target.name, "horizon": target.horizon,
                "value": value + (" (ước)" if row["value_is_estimate"] else ""), "value_year": row["value_year"],
                "status": STATUS_CHOICES[measure.status],
                # for the workbook: the value as a number to calculate with (text in JSON), its estimate mark apart
                "number": None if row["value"] is None else str(row["value"]),
                "estimate": bool(row["value_is_estimate"]),
            })  # fmt: skip
    return rows


def part_failure(year: int) -> str:
    """Why a plan's part is missing, for the reader of the summary (the cause itself goes to the log)."""
    return (
        f"hệ thống gặp lỗi khi đọc số liệu năm {year} của kế hoạch này nên chưa đưa vào bản tổng hợp; số liệu của "
        "kế hoạch không bị ảnh hưởng. Xin dựng lại bản tổng hợp; nếu vẫn lỗi, báo quản trị viên."
    )
