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
from binhson_plan.number_format import with_unit
from reports.consolidated.models import ConsolidatedReport
from reports.dashboard.queries import indicator_key, proposal_order, unapproved_text, unapproved_values
from reports.models import SHARED_STATES, Proposal, ReportingCycle, ReportState, TaskEntry
from reports.review.reopening import approved_before_reopening
from targets.goals import STATUS_LABELS
from targets.models import COMPARISON_SYMBOLS
from targets.overrides import FINAL_STATUSES, standing
from targets.status import estimate_years, observations, plan_progress
from targets.templatetags.plan_format import target_goal
from tasks.models import Assignment
from tasks.structure import build_tree, held, walk

INCLUDED = SHARED_STATES  # what was sent and not returned for changes: a draft is its agency's own

REPORT_COLUMNS = ["report_id", "agency_id", "agency", "agency_code", "state", "state_label", "approved", "included",
                  "submitted_at", "late", "overdue", "resubmitted_at", "deadline_note", "difficulties"]  # fmt: skip
TASK_COLUMNS = ["section_id", "position", "code", "role", "agency_id", "agency", "status", "results", "shortcomings",
                "next_steps", "budget", "approved", "reopened"]  # fmt: skip
TARGET_COLUMNS = ["target_id", "code", "name", "horizon", "goal", "goal_unit", "unit", "baseline_year",
                  "baseline_value",
                  "latest_year", "latest_value", "latest_estimate", "assessment", "value", "value_estimate", "status",
                  "status_code",
                  "explanation",
                  "agency", "unapproved"]  # fmt: skip
PROPOSAL_COLUMNS = ["agency", "text", "state", "response", "approved", "reopened"]


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


NOT_INCLUDED = {  # why a report sent is not in the consolidated report, as every document says it
    "sent_back": "bị trả lại để bổ sung, chưa đưa vào tổng hợp",
    "reopened": "được mở lại để sửa, chưa đưa lại vào tổng hợp",
}


def lead_first(column: pd.Series) -> pd.Series:
    """The sort key of a tasks frame's column: the lead before the coordinating agencies, as the PDF lists them."""
    return column.map({"lead": 0, "coordinating": 1}) if column.name == "role" else column


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """A frame whose missing values are None: object columns, so pandas never turns None into NaN."""
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def gather(report: ConsolidatedReport) -> Consolidated:
    """Everything the documents say, as pandas frames: only submitted or approved agency reports. A year with
    no reporting cycle is built from the target values alone; building never opens a cycle (nor its reports).
    A report sent before its agency ended in a reorganisation (handed over since) stands in for the agencies now
    holding its part until they send their own (`_standing_in`): the year's count and totals do not drop the day a
    reorganisation is recorded, and nothing is counted twice."""
    cycle = ReportingCycle.objects.filter(plan=report.plan, year=report.year).first()
    due_on = cycle.due_on if cycle else report.plan.organisation_date(report.year)
    agency_reports = list(  # a report handed over to a successor says what the successor's now says: not twice
        cycle.reports.counted().select_related("agency").order_by(vietnamese("agency__name")) if cycle else []
    )
    lineage = Lineage.load().of_cycle(cycle)  # a cycle closed before a reorganisation was recorded stays as it was
    held = _held_pairs(report.plan, due_on, lineage)
    standing = _standing_in(cycle, agency_reports, held, lineage)
    kept = approved_before_reopening(agency_reports)
    rows = []
    for r in agency_reports:
        row = {
            "report_id": r.pk, "agency_id": r.agency_id, "agency": r.agency.name, "agency_code": r.agency.code,
            "state": "reopened" if r.is_reopened else r.state, "state_label": r.state_label,
            "approved": r.state == ReportState.APPROVED or r.pk in kept.reports,
            "included": r.state in INCLUDED or r.pk in kept.reports, "submitted_at": _local(r.first_submitted_at),
            # one meaning of the due date (AgencyReport.is_overdue, is_late, resubmitted_at)
            "late": r.is_late, "overdue": r.is_overdue, "resubmitted_at": _local(r.resubmitted_at),
            "deadline_note": r.deadline_note(), "difficulties": kept.difficulties.get(r.pk, r.difficulties),
        }  # fmt: skip
        if r.pk in kept.reports:
            row["state_label"] += " (tổng hợp theo nội dung đã duyệt trước khi mở lại)"
        stand_ins = standing.reports.get(r.agency_id)
        if stand_ins and not row["included"]:
            approved = all(k.state == ReportState.APPROVED for k in stand_ins)
            names = "; ".join(k.agency.name for k in stand_ins)
            row |= {
                "state": ReportState.APPROVED if approved else ReportState.SUBMITTED,
                "state_label": f"{ReportState.APPROVED.label if approved else ReportState.SUBMITTED.label} "
                f"(báo cáo của {names} trước sắp xếp; đơn vị chưa gửi báo cáo của mình)",
                "approved": approved, "included": True,
                "submitted_at": _local(min(k.first_submitted_at for k in stand_ins if k.first_submitted_at)),
                "late": any(k.is_late for k in stand_ins), "overdue": False, "resubmitted_at": None,
                "deadline_note": "Gửi muộn" if any(k.is_late for k in stand_ins) else "",
                "difficulties": "\n".join(k.difficulties.strip() for k in standing.main.get(r.agency_id, [])
                                          if k.difficulties.strip()),
            }  # fmt: skip
        rows.append(row)
    reports = frame(rows, REPORT_COLUMNS)
    included = reports[reports["included"].astype(bool)]
    own = [r.pk for r in agency_reports if r.state in INCLUDED]
    approved = {r.pk: r.state == ReportState.APPROVED for r in agency_reports if r.state in INCLUDED}
    approved |= {k.pk: k.state == ReportState.APPROVED for k in standing.kept}
    approved |= dict.fromkeys(kept.reports, True)
    entries = [*TaskEntry.objects.filter(report_id__in=own).select_related("report__agency", "section"), *kept.entries]
    entries = [(e, e.report.agency, "") for e in entries if (e.section_id, e.report.agency_id) in held]
    tasks = frame(
        [
            {
                "section_id": e.section_id,
                "position": e.section.position,
                "code": e.section.code,
                "role": e.role,
                "agency_id": agency.pk,
                "agency": agency.name,
                "status": e.get_status_display() if e.status else "",
                "results": f"{note}{e.results.strip()}",
                "shortcomings": e.shortcomings.strip(),
                "next_steps": e.next_steps.strip(),
                "budget": e.budget_used,
                "approved": approved[e.report_id],
                "reopened": e.report_id in kept.reports,  # approved content kept while its report is corrected
            }  # fmt: skip
            for e, agency, note in [*entries, *standing.entries]
        ],
        TASK_COLUMNS,
    ).sort_values(["position", "role", "agency"], key=lead_first, ignore_index=True)
    sent = Proposal.objects.filter(report_id__in=own).select_related("report__agency")
    proposals = frame(
        [
            {
                "agency": agency.name,
                "text": p.text,
                "state": p.get_state_display(),
                "response": p.response.strip(),
                "approved": approved[p.report_id],
                "reopened": p.report_id in kept.reports,
            }  # fmt: skip
            # in the dashboard's order: a reopened report's kept proposal among the approved, where it was
            for p, agency in sorted(
                [*((p, p.report.agency) for p in [*sent, *kept.proposals]), *standing.proposals],
                key=lambda item: proposal_order(item[0], item[1].name, approved[item[0].report_id]),
            )
        ],
        PROPOSAL_COLUMNS,
    )
    difficulties = included[included["difficulties"].str.strip() != ""][["agency", "difficulties", "approved"]]
    # a list, not a Series: a Series given to an empty frame would become its rows
    difficulties = difficulties.assign(reopened=list(included.loc[difficulties.index, "state"] == "reopened"))
    targets, series, estimates = _targets(report, due_on, lineage)
    return Consolidated(
        report, cycle, reports, tasks, targets, proposals, difficulties.reset_index(drop=True),
        outline=_outline(report.plan, due_on, lineage), series=series, estimates=estimates,
    )  # fmt: skip


@dataclass
class _StandingIn:
    kept: list = field(default_factory=list)  # the handed-over reports that were sent
    reports: dict = field(default_factory=dict)  # holder agency id → the kept reports standing in for it
    main: dict = field(default_factory=dict)  # main successor id → the kept reports whose proposals it took
    entries: list = field(default_factory=list)  # (task entry, holder agency, note)
    proposals: list = field(default_factory=list)  # (proposal, main successor agency)


def _standing_in(cycle, agency_reports, held, lineage) -> _StandingIn:
    """The handed-over reports that had been sent (submitted or approved) when their agency ended: each task entry
    counts under the agency that holds the task now (the first, as its budget went there), and the proposals and
    difficulties under the main successor, for as long as that agency has not sent its own report (then its own,
    which received the same content, counts instead)."""
    found = _StandingIn()
    if cycle is None:
        return found
    kept = list(
        cycle.reports.handed_over().filter(state__in=INCLUDED).select_related("agency")
        .order_by(vietnamese("agency__name"))
    )  # fmt: skip
    sent = {r.pk: r for r in agency_reports if r.state in INCLUDED and r.submitted_at}
    given = [  # the parts a transfer took from a sent report of an agency that goes on: gone from it since
        h for h in TaskEntry.history.filter(report_id__in=list(sent), history_type="-").select_related("section")
        if h.history_date > sent[h.report_id].submitted_at
    ]  # fmt: skip
    if not kept and not given:
        return found
    on = cycle.due_on
    waiting = {r.agency_id: r.agency for r in agency_reports if r.state not in INCLUDED}
    by_pk = {k.pk: k for k in kept} | sent
    kept_entries = TaskEntry.objects.filter(report__in=kept).select_related("section").order_by("report", "pk")
    for e in [*kept_entries, *given]:
        source = by_pk[e.report_id]
        holders = lineage.holders(source.agency_id, on, section_id=e.section_id)
        holder = waiting.get(holders[0]) if holders else None
        if holder is None or (e.section_id, holder.pk) not in held:
            continue
        found.entries.append((e, holder, f"(Theo báo cáo của {source.agency.name} trước sắp xếp) "))
        found.reports.setdefault(holder.pk, [])
        if source not in found.reports[holder.pk]:
            found.reports[holder.pk].append(source)
    for source in kept:
        holders = lineage.holders(source.agency_id, on)  # the rest: the successor, or a split's main one
        main = waiting.get(holders[0]) if holders else None
        if main is None:
            continue
        found.main.setdefault(main.pk, []).append(source)
        if source not in found.reports.setdefault(main.pk, []):
            found.reports[main.pk].append(source)
        found.proposals += [(p, main) for p in source.proposals.order_by("position")]
    found.kept = [k for k in by_pk.values() if any(k in group for group in found.reports.values())]
    return found


def _targets(report, due_on, lineage):
    plan_targets = list(
        report.plan.targets.filter(is_active=True).select_related("responsible_agency").order_by("position")
    )
    progress = plan_progress(plan_targets, report.year)
    owners = lineage.owners(plan_targets, due_on)  # who answers for each target that year
    series = observations(plan_targets, until=report.year)
    estimates = estimate_years(plan_targets, report.year)
    unapproved = unapproved_values(report.plan, report.year)
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
                "value_estimate": values.get(report.year) is not None and report.year in estimates[t.pk],
                "status": STATUS_LABELS[progress[t.pk].status],
                "status_code": progress[t.pk].status,
                "explanation": progress[t.pk].explanation,
                "agency": owners[t.pk].name,
                "unapproved": "; ".join(unapproved_text(e, t) for e in unapproved.get(indicator_key(t), [])),
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


def _held_pairs(plan, on, lineage) -> set[tuple[int, int]]:
    """(section, agency) of every task an agency leads or coordinates in the organisation of `on`: what an agency
    reported on a task it no longer holds (a transfer took it; reports/handover/handing.py hands it over) is not
    printed under a task whose block names other agencies, nor counted in its budget."""
    assignments = Assignment.objects.filter(section__plan=plan, section__is_active=True).select_related("agency")
    return {(h.section_id, h.agency_id) for h in held(assignments, on, lineage)}


def _outline(plan, on, lineage=None):
    """Part III with the leads and coordinators of the cycle's due date: each year under its own organisation."""
    part_three = next((node for node in build_tree(plan, on, lineage) if node.section.code == "III"), None)
    return list(walk(part_three.children)) if part_three else []


def inputs_of(data: Consolidated) -> list[dict]:
    """The agency reports the documents hold, each with its state then ("approved", "submitted", "reopened")."""
    included = data.reports[data.reports["included"].astype(bool)]
    return [
        {"agency": row.agency, "state": row.state, "report_id": int(row.report_id)} for row in included.itertuples()
    ]


def left_out_of(data: Consolidated) -> list[dict]:
    """The year's agency reports the documents do not hold (never sent, or sent back), each with its state then."""
    left = data.reports[~data.reports["included"].astype(bool)]
    return [{"agency": row.agency, "state": row.state, "report_id": int(row.report_id)} for row in left.itertuples()]


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
    judged = {
        row["target_id"]: (row["horizon"], row["status_code"] in FINAL_STATUSES)
        for row in data.targets.to_dict("records")
    }
    found = standing(data.year, judged)
    return sorted(f"{pk}:{o.status}:{o.reason}:{o.at:%Y%m%d%H%M%S}" for pk, o in found.items())
