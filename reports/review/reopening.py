"""What a report reopened after its approval said when it was approved (AgencyReport.is_reopened): the dashboard
and the consolidated report show that content until the corrected report is approved again."""

import functools
import hashlib
import operator
from dataclasses import dataclass, field

from django.db.models import Max, Q
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from reports.models import AgencyReport, Proposal, ReportAction, ReportEvent, TaskEntry
from targets.cache import cached
from tasks.models import Section


@dataclass
class Kept:
    reports: set = field(default_factory=set)  # ids of the reports reopened after approval
    entries: list = field(default_factory=list)  # their task entries as approved
    proposals: list = field(default_factory=list)  # their proposals as approved
    difficulties: dict = field(default_factory=dict)  # report id → its difficulties as approved


def approved_before_reopening(agency_reports, cache=False) -> Kept:
    """What the reports reopened after approval said when they were approved (AgencyReport.is_reopened): approved
    content stays in the consolidated report until the corrected report is approved again, while what the agency
    types meanwhile stays its own, as a draft's does. An approved report is locked, so its content at the moment it
    was reopened is the approved content, read from its history: five queries whatever the number of reports, none
    when no report is reopened. `cache`: what the history says at those moments, which no later change alters, kept
    in the figures' cache (targets.cache) under the reports and their moments, for the dashboard: two queries then;
    the consolidated report reads the database itself."""
    reopened = {r.pk: r for r in agency_reports if r.is_reopened}
    kept = Kept()
    if not reopened:
        return kept
    moments = dict(
        ReportEvent.objects.filter(report_id__in=reopened, action=ReportAction.REOPENED)
        .values("report_id")
        .annotate(last=Max("at"))
        .values_list("report_id", "last")
    )
    if not moments:
        return kept
    if cache:
        said = ";".join(f"{r}@{m.isoformat()}" for r, m in sorted(moments.items()))
        key = hashlib.blake2b(said.encode(), digest_size=16).hexdigest()
        difficulties, entries, proposals = cached("mo-lai", key, compute=lambda: _as_approved(moments))
    else:
        difficulties, entries, proposals = _as_approved(moments)
    kept.reports, kept.difficulties = set(difficulties), dict(difficulties)
    for entry in entries:
        entry.report, entry.approved_content = reopened[entry.report_id], True  # approved, though back with it
        kept.entries.append(entry)
    for proposal in proposals:
        proposal.report, proposal.approved_content = reopened[proposal.report_id], True
        kept.proposals.append(proposal)
    sections = Section.objects.in_bulk({e.section_id for e in kept.entries})
    for entry in kept.entries:
        entry.section = sections[entry.section_id]
    return kept


def _as_approved(moments) -> tuple[dict, list, list]:
    """Report id → its difficulties, and the task entries and proposals, as each report's history says they were at
    its moment in `moments` (report id → datetime): one query per table for every report, the latest record of each
    row before its report's moment (a row belongs to one report for ever, so `latest_of_each` never crosses
    reports). A report with no history from before its moment is left out: nothing known to keep."""
    before = functools.reduce(operator.or_, (Q(report_id=r, history_date__lte=m) for r, m in moments.items()))
    records = (
        AgencyReport.history.filter(
            functools.reduce(operator.or_, (Q(id=r, history_date__lte=m) for r, m in moments.items()))
        )
        .latest_of_each()
        .values_list("id", "difficulties")
    )
    difficulties = dict(records)
    content = []
    for model in (TaskEntry, Proposal):
        rows = [
            row
            for row in model.history.filter(before).latest_of_each().as_instances().order_by("report_id", "id")
            if row.report_id in difficulties
        ]
        for row in rows:
            row.__dict__.pop(SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)  # the record it was read from: not kept
        content.append(rows)
    return difficulties, content[0], content[1]
