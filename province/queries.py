"""What the province view reads for a year: every plan's reporting, in a number of queries that does not grow with
the number of plans."""

from dataclasses import dataclass

from django.db.models import Count

from binhson_plan.collation import sort_key as vietnamese_order
from reports.dashboard.queries import Completeness, completeness_counts
from reports.models import Proposal, ProposalState, ReportingCycle
from tasks.models import Plan


def plan_label(plan) -> str:
    """A plan in a line of the province's tables: the area it covers ("huyện Ba Tơ (minh họa)"; the titles are a
    sentence long). Not the body that issued it: the district People's Committees ended on 01/07/2025 and the
    province carries their plans (the second browser pass)."""
    return plan.short_title


@dataclass
class PlanReporting:
    """One plan's reporting in the year: counted as its own dashboard counts it (reports.dashboard.queries)."""

    plan: Plan
    cycle: ReportingCycle | None
    summary: Completeness
    open_proposals: int  # proposals of sent reports not answered yet

    @property
    def label(self) -> str:
        return plan_label(self.plan)

    @property
    def missing(self) -> int:
        """Reports never sent (overdue ones included)."""
        return self.summary.not_submitted

    @property
    def sent_back(self) -> int:
        """Reports sent, then sent back for corrections and not sent again: with the agency, neither with the reviewer
        nor never sent. Sent, sent back and never sent add up to the reports expected (a report reopened after its
        approval counts as sent, by its approved content, as the consolidated report counts it)."""
        return self.summary.sent_back


def plans_of_province():
    """The plans the province follows: active ones, illustrative ones marked where they show."""
    return sorted(Plan.objects.filter(is_active=True), key=lambda plan: vietnamese_order(plan.title))


def reporting(plans, year) -> list[PlanReporting]:
    """Each plan's reporting in `year`, in the order of `plans`: three queries, whatever the number of plans and
    reports (the counts are made by the database: reports.dashboard.queries.completeness_counts)."""
    cycles = {cycle.plan_id: cycle for cycle in ReportingCycle.objects.filter(year=year, plan__in=plans)}
    counts = completeness_counts(list(cycles.values()))
    open_proposals = dict(
        Proposal.objects.shared()
        .counted()
        .filter(report__cycle__in=list(cycles.values()))
        .exclude(state=ProposalState.ANSWERED)
        .values_list("report__cycle__plan")
        .annotate(count=Count("pk"))
    )
    result = []
    for plan in plans:
        cycle = cycles.get(plan.pk)
        summary = counts.get(cycle.pk, Completeness()) if cycle else Completeness()
        result.append(PlanReporting(plan, cycle, summary, open_proposals.get(plan.pk, 0)))
    return result
