"""What a report reopened after its approval said when it was approved (AgencyReport.is_reopened): the dashboard
and the consolidated report show that content until the corrected report is approved again."""

from dataclasses import dataclass, field

from django.db.models import Max

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
    was reopened is the approved content, read from its history. No query when no report is reopened."""
    reopened = {r.pk: r for r in agency_reports if r.is_reopened}
    kept = Kept()
    if not reopened:
        return kept
    moments = (
        ReportEvent.objects.filter(report_id__in=reopened, action=ReportAction.REOPENED)
        .values("report_id")
        .annotate(last=Max("at"))
        .values_list("report_id", "last")
    )
    for report_id, moment in moments:
        report = reopened[report_id]
        record = AgencyReport.history.filter(id=report_id, history_date__lte=moment).order_by("-history_date").first()
        if record is None:
            continue  # no history from before the reopening: nothing known to keep
        kept.reports.add(report_id)
        kept.difficulties[report_id] = record.difficulties
        for entry in TaskEntry.history.as_of(moment).filter(report_id=report_id):
            entry.report, entry.approved_content = report, True  # approved, though its report is back with the agency
            kept.entries.append(entry)
        for proposal in Proposal.history.as_of(moment).filter(report_id=report_id):
            proposal.report, proposal.approved_content = report, True
            kept.proposals.append(proposal)
    sections = Section.objects.in_bulk({e.section_id for e in kept.entries})
    for entry in kept.entries:
        entry.section = sections[entry.section_id]
    return kept
