"""One plan's part of the province's yearly summary: what the summary says of the plan, as JSON the part keeps."""

from province import queries
from reports.consolidated.models import ConsolidatedReport


def plan_name(plan) -> str:
    """The plan as the summary names it, an illustrative plan marked so."""
    name = str(plan)
    return f"{name} (minh họa)" if getattr(plan, "is_illustrative", False) else name


def plan_part(plan, year: int) -> dict:
    """The plan's reporting in `year` (as its dashboard counts it: province.queries), its consolidated reports of the
    year (version, number, date, state, marked final or not) and its indicator rows."""
    row = queries.reporting([plan], year)[0]
    versions = ConsolidatedReport.objects.filter(plan=plan, year=year).order_by("version")
    return {
        "slug": plan.slug,
        "title": plan.title,
        "name": plan_name(plan),
        "illustrative": bool(getattr(plan, "is_illustrative", False)),
        "has_cycle": row.cycle is not None,
        "reporting": {
            "expected": row.summary.expected,
            "submitted": row.summary.submitted,
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
    """The plan's rows of the province's indicator table in `year`: empty for now. The Indicator model (one indicator
    read across plans, issue 19 point 2) comes on another branch; after the merge this returns one dict per target of
    the plan that measures an indicator — {"indicator": code, "name", "unit", "target": the target's code, "value",
    "value_year", "status"} — and the summary's section II and its "Chỉ tiêu" sheet print them (province.document)."""
    return []


def part_failure(year: int) -> str:
    """Why a plan's part is missing, for the reader of the summary (the cause itself goes to the log)."""
    return (
        f"hệ thống gặp lỗi khi đọc số liệu năm {year} của kế hoạch này nên chưa đưa vào bản tổng hợp; số liệu của "
        "kế hoạch không bị ảnh hưởng. Xin dựng lại bản tổng hợp; nếu vẫn lỗi, báo quản trị viên."
    )
