"""Gathering a year's agency reports and target values into the frames the consolidated report prints."""

import hashlib
import json
import logging
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone

from reports.consolidated.models import ConsolidatedReport
from reports.models import Proposal, ReportingCycle, ReportState, TaskEntry
from targets.progress import STATUS_LABELS
from targets.status import observations, plan_progress
from targets.templatetags.plan_format import target_value
from tasks.structure import build_tree, walk

logger = logging.getLogger(__name__)
INCLUDED = (ReportState.SUBMITTED, ReportState.APPROVED)


@dataclass
class Consolidated:
    report: ConsolidatedReport
    cycle: ReportingCycle
    reports: pd.DataFrame
    tasks: pd.DataFrame
    targets: pd.DataFrame
    proposals: pd.DataFrame
    difficulties: pd.DataFrame
    outline: list = field(default_factory=list)  # the plan's part III, nodes in document order
    series: dict = field(default_factory=dict)  # target id → {year: value}

    @property
    def plan(self):
        return self.report.plan

    @property
    def year(self):
        return self.report.year


def gather(report: ConsolidatedReport) -> Consolidated:
    """Everything the documents say, as pandas frames: only submitted or approved agency reports."""
    cycle = ReportingCycle.open(report.plan, report.year)
    agency_reports = cycle.reports.select_related("agency").order_by("agency__name")
    reports = pd.DataFrame.from_records(
        [
            {
                "report_id": r.pk,
                "agency": r.agency.name,
                "agency_code": r.agency.code,
                "state": r.state,
                "state_label": r.get_state_display(),
                "approved": r.state == ReportState.APPROVED,
                "included": r.state in INCLUDED,
                "submitted_at": timezone.localtime(r.first_submitted_at).strftime("%H:%M %d/%m/%Y")
                if r.first_submitted_at
                else "",
                "late": r.is_late,
                "difficulties": r.difficulties,
            }
            for r in agency_reports
        ],
        columns=[
            "report_id",
            "agency",
            "agency_code",
            "state",
            "state_label",
            "approved",
            "included",
            "submitted_at",
            "late",
            "difficulties",
        ],
    )
    included = reports[reports["included"]]
    approved = dict(zip(included["report_id"], included["approved"], strict=True))
    entries = TaskEntry.objects.filter(report_id__in=list(approved)).select_related("report__agency", "section")
    tasks = pd.DataFrame.from_records(
        [
            {
                "section_id": e.section_id,
                "position": e.section.position,
                "code": e.section.code,
                "role": e.role,
                "agency": e.report.agency.name,
                "status": e.get_status_display() if e.status else "",
                "results": e.results,
                "shortcomings": e.shortcomings,
                "next_steps": e.next_steps,
                "budget": e.budget_used,
                "approved": approved[e.report_id],
            }
            for e in entries
        ],
        columns=[
            "section_id",
            "position",
            "code",
            "role",
            "agency",
            "status",
            "results",
            "shortcomings",
            "next_steps",
            "budget",
            "approved",
        ],
    ).sort_values(["position", "role", "agency"], ignore_index=True)
    proposals = pd.DataFrame.from_records(
        [
            {
                "agency": p.report.agency.name,
                "text": p.text,
                "state": p.get_state_display(),
                "response": p.response,
                "approved": approved[p.report_id],
            }
            for p in Proposal.objects.filter(report_id__in=list(approved)).select_related("report__agency")
        ],
        columns=["agency", "text", "state", "response", "approved"],
    )
    difficulties = included[included["difficulties"].str.strip() != ""][["agency", "difficulties", "approved"]]
    targets, series = _targets(report)
    return Consolidated(
        report,
        cycle,
        reports,
        tasks,
        targets,
        proposals,
        difficulties.reset_index(drop=True),
        outline=_outline(report.plan),
        series=series,
    )


def _targets(report):
    plan_targets = list(
        report.plan.targets.filter(is_active=True).select_related("responsible_agency").order_by("position")
    )
    progress = plan_progress(plan_targets, report.year)
    series = observations(plan_targets, until=report.year)
    rows = []
    for t in plan_targets:
        values = series.get(t.pk, {})
        rows.append(
            {
                "target_id": t.pk,
                "code": t.code,
                "name": t.name,
                "horizon": t.horizon,
                "goal": target_value(t),
                "unit": t.input_unit,
                "value": values.get(report.year),
                "status": STATUS_LABELS[progress[t.pk].status],
                "status_code": progress[t.pk].status,
                "explanation": progress[t.pk].explanation,
                "agency": t.responsible_agency.name,
            }
        )
    columns = ["target_id", "code", "name", "horizon", "goal", "unit", "value", "status", "status_code", "explanation",
               "agency"]  # fmt: skip
    return pd.DataFrame.from_records(rows, columns=columns), series


def _outline(plan):
    part_three = next((node for node in build_tree(plan) if node.section.code == "III"), None)
    return list(walk(part_three.children)) if part_three else []


def inputs_of(data: Consolidated) -> list[dict]:
    included = data.reports[data.reports["included"]]
    return [
        {"agency": row.agency, "state": row.state, "report_id": int(row.report_id)} for row in included.itertuples()
    ]


def digest(data: Consolidated) -> str:
    """A fingerprint of everything that goes into the documents: same digest, same documents."""
    payload = {
        "reports": data.reports.drop(columns=["report_id"]).astype(str).to_dict("records"),
        "tasks": data.tasks.astype(str).to_dict("records"),
        "targets": data.targets.astype(str).to_dict("records"),
        "proposals": data.proposals.astype(str).to_dict("records"),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
