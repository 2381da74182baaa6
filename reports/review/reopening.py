"""What a report reopened after its approval said when it was approved (AgencyReport.is_reopened): the dashboard
and the consolidated report show that content until the corrected report is approved again."""

import functools
import operator
from dataclasses import dataclass, field

from django.db.models import Max, Q

from reports.models import AgencyReport, Proposal, ReportAction, ReportEvent, TaskEntry
from tasks.models import Section


@dataclass
class Kept:
    reports: set = field(default_factory=set)  # ids of the reports reopened after approval
    entries: list = field(default_factory=list)  # their task entries as approved
    proposals: list = field(default_factory=list)  # their proposals as approved
    difficulties: dict = field(default_factory=dict)  # report id → its difficulties as approved


def approved_before_reopening(agency_reports) -> Kept:
    """What the reports reopened after approval said when they were approved (AgencyReport.is_reopened): approved
    content stays in the consolidated report until the corrected report is approved again, while what the agency
    types meanwhile stays its own, as a draft's does. An approved report is locked, so its content at the moment it
    was reopened is the approved content, read from its history: five queries whatever the number of reports, none
    when no report is reopened."""
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
    # Every report's history up to its own moment, in one query per table: the latest record of each row before
    # its report's moment (a row belongs to one report for ever, so `latest_of_each` never crosses reports).
    before = functools.reduce(operator.or_, (Q(report_id=r, history_date__lte=m) for r, m in moments.items()))
    records = (
        AgencyReport.history.filter(
            functools.reduce(operator.or_, (Q(id=r, history_date__lte=m) for r, m in moments.items()))
        )
        .latest_of_each()
        .values_list("id", "difficulties")
    )
    for report_id, difficulties in records:
        kept.reports.add(report_id)  # no history from before the reopening: nothing known to keep
        kept.difficulties[report_id] = difficulties
    for entry in TaskEntry.history.filter(before).latest_of_each().as_instances().order_by("report_id", "id"):
        if entry.report_id in kept.reports:
            entry.report, entry.approved_content = reopened[entry.report_id], True  # approved, though back with it
            kept.entries.append(entry)
    for proposal in Proposal.history.filter(before).latest_of_each().as_instances().order_by("report_id", "id"):
        if proposal.report_id in kept.reports:
            proposal.report, proposal.approved_content = reopened[proposal.report_id], True
            kept.proposals.append(proposal)
    sections = Section.objects.in_bulk({e.section_id for e in kept.entries})
    for entry in kept.entries:
        entry.section = sections[entry.section_id]
    return kept
