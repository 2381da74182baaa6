"""The consolidated report's figures as an Excel workbook.

Each sheet takes the columns it knows from the gathered frames, in the order below, under Vietnamese
headers; a column the frames do not have is skipped and a column not named here is left out, so the
workbook keeps working as the gathering grows."""

import datetime

import pandas as pd

from binhson_plan.sheets import workbook
from reports.consolidated.document import override_sentences
from reports.consolidated.gathering import NOT_INCLUDED, lead_first
from reports.consolidated.wording import JUDGED, JUDGED_YEAR
from reports.dashboard.exports import APPROVAL, approval_label
from tasks.models import ReportIssuer

TARGETS = {
    "code": "Mã",
    "name": "Chỉ tiêu",
    "horizon": "Mốc",
    "goal": "Mục tiêu",
    "unit": "Đơn vị",
    "baseline_year": "Năm cơ sở",
    "baseline_value": "Giá trị cơ sở",
    # the value the status was judged on (a passed milestone's year), headed as section III heads it
    "latest_year": JUDGED_YEAR,
    "latest_value": JUDGED,
    "latest_estimate": f"{JUDGED} là số ước tính",
    "value": "Giá trị năm {year}",
    "value_estimate": "Giá trị năm {year} là số ước tính",
    "status": "Tình trạng",
    "explanation": "Giải thích",
    "agency": "Đơn vị chịu trách nhiệm",
    "unapproved": "Số liệu báo cáo chưa duyệt (chưa tính vào tình trạng)",
}
TASKS = {
    "code": "Mã nhiệm vụ",
    "role": "Vai trò",
    "agency": "Cơ quan, đơn vị",
    "status": "Tình hình",
    "results": "Kết quả",
    "shortcomings": "Tồn tại, hạn chế",
    "next_steps": "Năm tới",
    "budget": "Kinh phí (đồng)",
    "budget_waiting": "Kinh phí theo báo cáo chưa duyệt (đồng)",
    "approved": APPROVAL,
}
BUDGETS = (TASKS["budget"], TASKS["budget_waiting"])  # each summed apart: what awaits review is not in the total
PROPOSALS = {
    "agency": "Cơ quan, đơn vị",
    "text": "Kiến nghị, đề xuất",
    "state": "Tình trạng",
    "response": "Trả lời",
    "approved": APPROVAL,
}
REPORTS = {
    "agency": "Cơ quan, đơn vị",
    "state_label": "Trạng thái",
    "submitted_at": "Gửi lần đầu",
    "late": "Gửi muộn",
    "overdue": "Quá hạn",
    "resubmitted_at": "Gửi lại lúc",
    "deadline_note": "Ghi chú",
}
ROLES = {"lead": "Chủ trì", "coordinating": "Phối hợp"}


def consolidated_workbook(data) -> bytes:
    """The consolidated report's figures: targets (as on the dashboard), tasks with their budgets and a
    total, proposals, who reported and when."""
    tasks, proposals, targets = _with_unreported(data), data.proposals, data.targets
    if "assessment" in targets.columns:  # a qualitative target's assessment stands where a value would
        targets = targets.assign(
            latest_value=targets["assessment"].where(targets["assessment"] != "", targets["latest_value"])
        )
    if "role" in tasks.columns:
        tasks = tasks.assign(role=tasks["role"].map(lambda role: ROLES.get(role, role)))
    if {"approved", "budget"} <= set(tasks.columns):  # a budget awaiting review has a column of its own
        approved = tasks["approved"].astype(bool)
        tasks = tasks.assign(budget=tasks["budget"].where(approved, None),
                             budget_waiting=tasks["budget"].where(~approved, None))  # fmt: skip
    if "approved" in tasks.columns:  # what awaits review says so in words, not by an empty cell
        tasks = tasks.assign(approved=_approval(tasks))
    if "approved" in proposals.columns:
        proposals = proposals.assign(approved=_approval(proposals))
    reports = data.reports
    for column in ("submitted_at", "resubmitted_at"):
        if column in reports.columns:
            reports = reports.assign(**{column: reports[column].map(_moment)})
    sheets = {
        "Chỉ tiêu": _select(_with_overrides(data, targets), TARGETS, year=data.year),
        "Nhiệm vụ": _select(tasks, TASKS),
        "Kiến nghị": _select(proposals, PROPOSALS),
        "Tình hình báo cáo": _select(reports, REPORTS),
    }
    return workbook(
        sheets,
        totals=BUDGETS,
        wide={TARGETS["name"], TARGETS["explanation"], TASKS["results"]},
        headings={name: [sheet_title(name, data.report)] for name in sheets},
    )


def _with_overrides(data, targets: pd.DataFrame) -> pd.DataFrame:
    """Each target's explanation followed by the override standing in the year, in the words of section III
    ("Văn phòng huyện điều chỉnh: Đạt – lý do (người, ngày)."), beside the computed status as everywhere. In the
    explanation's cell, not a column of its own: the sheet prints at 8 pt or more. Browser pass 39: the workbook had
    no word of it, the dashboard, the PDF and the Word file had it."""
    if not {"target_id", "explanation"} <= set(targets.columns):
        return targets
    said = override_sentences(data, ReportIssuer.for_year(data.plan, data.year).reviewer_name)
    explained = [
        f"{text}{said.get(pk, '')}" for text, pk in zip(targets["explanation"], targets["target_id"], strict=True)
    ]
    return targets.assign(explanation=explained)


def sheet_title(sheet: str, report) -> str:
    """The line above a sheet's table: what it is, of which report (year, version, date) and of which plan, by its
    shown title ("(minh họa)" for an illustrative plan), so a workbook saved apart still says what it covers."""
    return (
        f"{sheet}: báo cáo tổng hợp năm {report.year}, bản {report.version}, ngày báo cáo "
        f"{report.report_date:%d/%m/%Y} – {report.plan}"
    )


def _approval(frame: pd.DataFrame) -> list[str]:
    """Each row's approval in words; a reopened report's kept content says its report is being corrected, as the
    dashboard does; a row of an agency with nothing in the report, nothing."""
    reopened = frame["reopened"] if "reopened" in frame.columns else [False] * len(frame)
    return [
        "" if approved is None else approval_label(approved, kept)
        for approved, kept in zip(frame["approved"], reopened, strict=True)
    ]


UNREPORTED = {state: f"Báo cáo {why}." for state, why in NOT_INCLUDED.items()}  # as the PDF says it


def _with_unreported(data) -> pd.DataFrame:
    """The tasks sheet's rows: what was reported, and a row for each lead and coordinating agency of a block that has
    nothing in the report, saying why (as the PDF names them), so the sheet never leaves an agency out unsaid."""
    tasks = data.tasks
    if not data.outline or "section_id" not in tasks.columns:
        return tasks
    reported = set(zip(tasks["section_id"], tasks["role"], tasks["agency_id"], strict=True))
    state = dict(zip(data.reports["agency_id"], data.reports["state"], strict=True))
    gaps = [
        {"section_id": node.section.pk, "position": node.section.position, "code": node.section.code, "role": role,
         "agency_id": held.agency_id, "agency": held.agency.name,
         "results": UNREPORTED.get(state.get(held.agency_id), "Chưa gửi báo cáo."), "approved": None, "reopened": False}
        for node in data.outline
        for role, assigned in (("lead", node.own_leads), ("coordinating", node.own_coordinating))
        for held in assigned
        if (node.section.pk, role, held.agency_id) not in reported
    ]  # fmt: skip
    if not gaps:
        return tasks
    merged = pd.concat([tasks, pd.DataFrame(gaps, columns=tasks.columns, dtype=object)], ignore_index=True)
    return merged.sort_values(["position", "role", "agency"], key=lead_first, ignore_index=True)


def _select(frame: pd.DataFrame, headers: dict[str, str], **names) -> pd.DataFrame:
    """The known columns of `frame`, in the order of `headers`, renamed to their headers."""
    known = [column for column in headers if column in frame.columns]
    return frame[known].rename(columns={column: headers[column].format(**names) for column in known})


def _moment(value):
    """A submission time as a real date and time: the gathering gives it as local-time text."""
    if not isinstance(value, str):
        return value
    for pattern in ("%H:%M %d/%m/%Y", "%d/%m/%Y %H:%M"):
        try:
            return datetime.datetime.strptime(value, pattern)
        except ValueError:
            continue
    return value or None
