"""The dashboard's tables as sheets (completeness, targets, tasks, proposals), written by binhson_plan.sheets; the
consolidated report's workbook uses the same frames and labels."""

import pandas as pd

from reports.dashboard.queries import is_approved, unapproved_text
from targets.goals import JUDGED, JUDGED_YEAR, STATUS_LABELS
from targets.templatetags.plan_format import target_goal
from tasks.models import PLAN_REVIEWING_BODY


def completeness_frame(summary) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Cơ quan, đơn vị": r.agency.name,
                "Trạng thái": r.state_label,
                "Gửi lần đầu": r.first_submitted_at,  # shown in local time by workbook()
                "Gửi muộn": r.is_late,  # one meaning of the due date (AgencyReport.is_overdue, is_late, resubmitted_at)
                "Quá hạn": r.is_overdue,
                "Gửi lại lúc": r.resubmitted_at,
                "Ghi chú": r.deadline_note(),  # as Phụ lục 3 says it: "Quá hạn bổ sung (hạn …)", "… muộn so với …"
            }
            for r in summary.reports
        ],
        columns=["Cơ quan, đơn vị", "Trạng thái", "Gửi lần đầu", "Gửi muộn", "Quá hạn", "Gửi lại lúc", "Ghi chú"],
        dtype=object,
    )


def targets_frame(groups, year, reviewer=PLAN_REVIEWING_BODY) -> pd.DataFrame:
    """The targets sheet; `reviewer` is the body that reviews the year (ReportIssuer.reviewer_name), named in the
    override column's header."""
    override_columns = [f"{reviewer} điều chỉnh", *OVERRIDE_COLUMNS[1:]]
    rows = []
    for _section, items in groups:
        for row in items:
            t, p = row.target, row.progress
            rows.append(
                {
                    "Mã": t.code,
                    "Chỉ tiêu": t.name,
                    "Mốc": t.horizon,
                    "Mục tiêu": _goal(t),
                    "Đơn vị": t.input_unit,
                    JUDGED_YEAR: row.latest_year,
                    JUDGED: row.latest_value,
                    "Số ước tính": "Có" if row.estimated else "",
                    UNAPPROVED: "; ".join(unapproved_text(e, t) for e in row.unapproved),
                    "Tình trạng": STATUS_LABELS[p.status],
                    "Giải thích": p.explanation,
                    "Phương pháp": p.method_note,
                    **dict(zip(override_columns, _override_cells(row.override).values(), strict=True)),
                    "Đơn vị chịu trách nhiệm": (row.owner or t.responsible_agency).name,  # the year's
                }
            )
    columns = [
        "Mã",
        "Chỉ tiêu",
        "Mốc",
        "Mục tiêu",
        "Đơn vị",
        JUDGED_YEAR,
        JUDGED,
        "Số ước tính",
        UNAPPROVED,
        "Tình trạng",
        "Giải thích",
        "Phương pháp",
        *override_columns,
        "Đơn vị chịu trách nhiệm",
    ]
    return pd.DataFrame(rows, columns=columns, dtype=object)  # object: a missing year stays None, never NaN


UNAPPROVED = "Số liệu báo cáo chưa duyệt (chưa tính vào tình trạng)"
OVERRIDE_COLUMNS = ["Điều chỉnh", "Lý do điều chỉnh", "Người điều chỉnh", "Điều chỉnh lúc"]


def _override_cells(override) -> dict:
    """A reviewer's override beside the computed status (targets/overrides.py): empty cells when none."""
    if override is None:
        return dict.fromkeys(OVERRIDE_COLUMNS)
    return dict(zip(OVERRIDE_COLUMNS, [override.label, override.reason, override.by_name, override.at], strict=True))


APPROVAL = "Báo cáo của đơn vị"


def approval_label(approved: bool, reopened: bool = False) -> str:
    """Whether what a row shows comes from an approved report or from one sent and not yet approved; approved content
    kept while its report, reopened, is corrected (reports.reopening) says so, as the dashboard's page does."""
    if not approved:
        return "Chưa duyệt"
    return "Đã duyệt; báo cáo được mở lại để sửa" if reopened else "Đã duyệt"


def _approval(item) -> str:
    """An entry's or a proposal's: approved with its report, or kept as approved while its report, reopened, is back
    with the agency (reports.reopening)."""
    return approval_label(is_approved(item), reopened=getattr(item, "approved_content", False))


def tasks_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Mã": r.assignment.section.code,
                "Nhiệm vụ": r.assignment.section.title or r.assignment.section.content,
                "Cơ quan chủ trì": r.assignment.agency.name
                + (f" ({r.assignment.scope})" if r.assignment.scope else ""),
                # a reopened report's kept status is marked in the approval column, as proposals are
                "Tình hình thực hiện": r.entry.get_status_display() if r.entry and r.entry.status else r.unreported,
                "Kết quả": r.entry.results if r.entry else "",
                APPROVAL: _approval(r.entry) if r.entry else None,
            }
            for r in rows
        ],
        columns=["Mã", "Nhiệm vụ", "Cơ quan chủ trì", "Tình hình thực hiện", "Kết quả", APPROVAL],
        dtype=object,
    )


def proposals_frame(items) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Cơ quan, đơn vị": p.report.agency.name,
                "Kiến nghị, đề xuất": p.text,
                "Tình trạng": p.get_state_display(),
                "Trả lời": p.response,
                APPROVAL: _approval(p),
            }
            for p in items
        ],
        columns=["Cơ quan, đơn vị", "Kiến nghị, đề xuất", "Tình trạng", "Trả lời", APPROVAL],
        dtype=object,
    )


def _goal(target) -> str:
    """The milestone and what it is measured against ("= 0,5 lần thu nhập bình quân chung cả nước")."""
    return target_goal(target)
