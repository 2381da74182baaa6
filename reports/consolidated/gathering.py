"""Gathering a year's agency reports and target values into the frames the consolidated report prints.

Missing values stay missing: every frame is built with `dtype=object`, so a budget nobody reported
is None, never NaN (a float NaN is true in a template and breaks number formatting).
"""

import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone

from agencies.lineage import Lineage
from binhson_plan.collation import vietnamese
from reports.consolidated.models import ConsolidatedReport
from reports.models import SHARED_STATES, Proposal, ReportingCycle, ReportState, TaskEntry
from targets.models import COMPARISON_SYMBOLS, TargetValue
from targets.progress import STATUS_LABELS
from targets.status import indicator_groups, observations, plan_progress
from targets.templatetags.plan_format import target_goal, with_unit
from tasks.models import Assignment
from tasks.structure import build_tree, held, walk

INCLUDED = SHARED_STATES  # what was sent and not returned for changes: a draft is its agency's own

REPORT_COLUMNS = ["report_id", "agency_id", "agency", "agency_code", "state", "state_label", "approved", "included",
                  "submitted_at", "late", "overdue", "resubmitted_at", "deadline_note", "difficulties"]  # fmt: skip
TASK_COLUMNS = ["section_id", "position", "code", "role", "agency_id", "agency", "status", "results", "shortcomings",
                "next_steps", "budget", "approved"]  # fmt: skip
TARGET_COLUMNS = ["target_id", "code", "name", "horizon", "goal", "goal_unit", "unit", "baseline_year",
                  "baseline_value",
                  "latest_year", "latest_value", "latest_estimate", "assessment", "value", "status", "status_code",
                  "explanation",
                  "agency"]  # fmt: skip
PROPOSAL_COLUMNS = ["agency", "text", "state", "response", "approved"]


@dataclass
class Consolidated:
    report: ConsolidatedReport
    cycle: ReportingCycle | None  # None: the year has no reporting cycle, and building never opens one
    reports: pd.DataFrame
    tasks: pd.DataFrame
    targets: pd.DataFrame
    proposals: pd.DataFrame
    difficulties: pd.DataFrame
    outline: list = field(default_factory=list)  # the plan's part III, nodes in document order
    series: dict = field(default_factory=dict)  # target id → {year: value}
    estimates: dict = field(default_factory=dict)  # target id → the years whose value is an estimate

    @property
    def plan(self):
        return self.report.plan

    @property
    def year(self):
        return self.report.year


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """A frame whose missing values are None: object columns, so pandas never turns None into NaN."""
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def gather(report: ConsolidatedReport) -> Consolidated:
    """Everything the documents say, as pandas frames: only submitted or approved agency reports. A year with
    no reporting cycle is built from the target values alone; building never opens a cycle (nor its reports)."""
    cycle = ReportingCycle.objects.filter(plan=report.plan, year=report.year).first()
    due_on = cycle.due_on if cycle else report.plan.organisation_date(report.year)
    agency_reports = (  # a report handed over to a successor says what the successor's now says: not twice
        cycle.reports.filter(handed_over_at__isnull=True).select_related("agency").order_by(vietnamese("agency__name"))
        if cycle
        else []
    )
    reports = frame(
        [
            {
                "report_id": r.pk,
                "agency_id": r.agency_id,
                "agency": r.agency.name,
                "agency_code": r.agency.code,
                "state": r.state,
                "state_label": r.get_state_display(),
                "approved": r.state == ReportState.APPROVED,
                "included": r.state in INCLUDED,
                "submitted_at": _local(r.first_submitted_at),
                "late": r.is_late,  # one meaning of the due date (AgencyReport.is_overdue, is_late, resubmitted_at)
                "overdue": r.is_overdue,
                "resubmitted_at": _local(r.resubmitted_at),
                "deadline_note": r.deadline_note(),
                "difficulties": r.difficulties,
            }  # fmt: skip
            for r in agency_reports
        ],
        REPORT_COLUMNS,
    )
    included = reports[reports["included"].astype(bool)]
    approved = dict(zip(included["report_id"], included["approved"], strict=True))
    entries = TaskEntry.objects.filter(report_id__in=list(approved)).select_related("report__agency", "section")
    held = _held_pairs(report.plan, due_on)
    entries = [e for e in entries if (e.section_id, e.report.agency_id) in held]
    tasks = frame(
        [
            {
                "section_id": e.section_id,
                "position": e.section.position,
                "code": e.section.code,
                "role": e.role,
                "agency_id": e.report.agency_id,
                "agency": e.report.agency.name,
                "status": e.get_status_display() if e.status else "",
                "results": e.results.strip(),
                "shortcomings": e.shortcomings.strip(),
                "next_steps": e.next_steps.strip(),
                "budget": e.budget_used,
                "approved": approved[e.report_id],
            }  # fmt: skip
            for e in entries
        ],
        TASK_COLUMNS,
    ).sort_values(["position", "role", "agency"], ignore_index=True)
    proposals = frame(
        [
            {
                "agency": p.report.agency.name,
                "text": p.text,
                "state": p.get_state_display(),
                "response": p.response.strip(),
                "approved": approved[p.report_id],
            }  # fmt: skip
            for p in Proposal.objects.filter(report_id__in=list(approved)).select_related("report__agency")
        ],
        PROPOSAL_COLUMNS,
    )
    difficulties = included[included["difficulties"].str.strip() != ""][["agency", "difficulties", "approved"]]
    targets, series, estimates = _targets(report, due_on)
    return Consolidated(
        report, cycle, reports, tasks, targets, proposals, difficulties.reset_index(drop=True),
        outline=_outline(report.plan, due_on), series=series, estimates=estimates,
    )  # fmt: skip


def _estimates(targets, until: int) -> dict[int, set[int]]:
    """Target id → the years whose current value is an estimate (ước thực hiện), over its indicator."""
    groups = indicator_groups(targets)
    rows = TargetValue.objects.current().filter(
        target__in={members[0] for members in groups.values()}, year__lte=until, is_estimate=True
    )
    flagged = {}
    for target_id, year in rows.values_list("target_id", "year"):
        flagged.setdefault(target_id, set()).add(year)
    return {t.pk: flagged.get(groups[t.pk][0], set()) for t in targets}


def _targets(report, due_on):
    plan_targets = list(
        report.plan.targets.filter(is_active=True).select_related("responsible_agency").order_by("position")
    )
    progress = plan_progress(plan_targets, report.year)
    owners = Lineage.load().owners(plan_targets, due_on)  # who answers for each target that year
    series = observations(plan_targets, until=report.year)
    estimates = _estimates(plan_targets, report.year)
    rows = []
    for t in plan_targets:
        values, judged = series.get(t.pk, {}), progress[t.pk]
        # the baseline the status was judged from (for an annual change, the year before its period)
        if judged.baseline_year is not None:
            baseline_year = judged.baseline_year
        else:
            baseline_year = t.baseline_year if t.baseline_year in values else (min(values) if values else None)
        # the value the status speaks about: for a passed milestone, the one of its year, not the latest
        latest_year = judged.value_year if judged.value_year is not None else (max(values) if values else None)
        rows.append(
            {
                "target_id": t.pk,
                "code": t.code,
                "name": t.name,
                "horizon": t.horizon,
                "goal": _goal(t, judged),
                "goal_unit": t.unit,
                "unit": t.input_unit,
                "baseline_year": baseline_year,
                "baseline_value": values.get(baseline_year),
                "latest_year": latest_year,
                "latest_value": values.get(latest_year),
                "latest_estimate": latest_year in estimates[t.pk],
                # a qualitative target has an agency's assessment, never a value
                "assessment": _assessment(judged),
                "value": values.get(report.year),
                "status": STATUS_LABELS[progress[t.pk].status],
                "status_code": progress[t.pk].status,
                "explanation": progress[t.pk].explanation,
                "agency": owners[t.pk].name,
            }  # fmt: skip
        )
    return frame(rows, TARGET_COLUMNS), series, estimates


def _assessment(judged) -> str:
    """What stands for the latest value of a qualitative target: the assessment its status was judged on."""
    if judged.method != "qualitative":
        return ""
    assessment = judged.details.get("assessment")
    return f"Đơn vị đánh giá: {assessment}" if assessment else "Chưa có đánh giá"


def _goal(target, judged) -> str:
    """The milestone and what it compares with; a multiple of the baseline also in the unit its values are
    reported in: "> 2 lần năm 2020, tức > 37,2 triệu đồng/người/năm"."""
    text = target_goal(target)
    if target.kind == "multiple_of_baseline" and judged.target_value is not None:
        symbol = COMPARISON_SYMBOLS.get(target.comparison, "")
        text += f", tức {f'{symbol} ' if symbol else ''}{with_unit(judged.target_value, target.input_unit)}"
    return text


def _held_pairs(plan, on) -> set[tuple[int, int]]:
    """(section, agency) of every task an agency leads or coordinates in the organisation of `on`: what an agency
    reported on a task it no longer holds (a transfer took it; reports/organisation.py hands it over) is not
    printed under a task whose block names other agencies, nor counted in its budget."""
    assignments = Assignment.objects.filter(section__plan=plan, section__is_active=True).select_related("agency")
    return {(h.section_id, h.agency_id) for h in held(assignments, on, Lineage.load())}


def _outline(plan, on):
    """Part III with the leads and coordinators of the cycle's due date: each year under its own organisation."""
    part_three = next((node for node in build_tree(plan, on) if node.section.code == "III"), None)
    return list(walk(part_three.children)) if part_three else []


def inputs_of(data: Consolidated) -> list[dict]:
    included = data.reports[data.reports["included"].astype(bool)]
    return [
        {"agency": row.agency, "state": row.state, "report_id": int(row.report_id)} for row in included.itertuples()
    ]


def digest(data: Consolidated) -> str:
    """A fingerprint of everything that goes into the documents: same digest, same documents."""
    payload = {
        "plan_number": data.plan.number,
        "reports": data.reports.drop(columns=["report_id"]).astype(str).to_dict("records"),
        "tasks": data.tasks.astype(str).to_dict("records"),
        "targets": data.targets.astype(str).to_dict("records"),
        "proposals": data.proposals.astype(str).to_dict("records"),
        "overrides": _overrides_of(data),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _overrides_of(data: Consolidated) -> list[str]:
    """The reviewers' status overrides standing in the year: an override alone changes the report."""
    from targets.overrides import FINAL_STATUSES, standing

    judged = {
        row["target_id"]: (row["horizon"], row["status_code"] in FINAL_STATUSES)
        for row in data.targets.to_dict("records")
    }
    found = standing(data.year, judged)
    return sorted(f"{pk}:{o.status}:{o.reason}:{o.at:%Y%m%d%H%M%S}" for pk, o in found.items())
