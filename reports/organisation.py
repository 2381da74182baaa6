"""Which agencies a year's reporting expects, and what each of them holds, by the organisation of the cycle's
date (`ReportingCycle.due_on`: the agencies that exist on the due date report for the whole year).

The plan's assignments and targets stay as written; agencies/lineage.py says who holds them on a date.
"""

import datetime

from agencies.lineage import Lineage
from agencies.models import Agency
from binhson_plan.collation import vietnamese
from targets.models import Target
from tasks.models import Assignment, Role


def held_tasks(agency, plan, on: datetime.date, lineage: Lineage) -> set[tuple[int, str]]:
    """(section id, role) of every assignment of the plan the agency holds on `on`; an agency that leads a
    section does not also report on it as a coordinator."""
    assignments = Assignment.objects.filter(section__plan=plan, section__is_active=True)
    pairs = set(assignments.filter(lineage.condition(agency.pk, on)).values_list("section_id", "role"))
    leading = {section for section, role in pairs if role == Role.LEAD}
    return {(section, role) for section, role in pairs if role == Role.LEAD or section not in leading}


def owned_targets(agency, plan, on: datetime.date, lineage: Lineage):
    """The plan's active targets the agency answers for on `on`."""
    return Target.objects.filter(plan=plan, is_active=True).filter(lineage.target_condition(agency.pk, on))


def expected_agencies(plan, on: datetime.date, lineage: Lineage | None = None) -> list[Agency]:
    """Every agency that holds a task or a target of the plan on `on`. An agency closed by hand (not by a
    reorganisation) is left out, as before reorganisations existed."""
    lineage = lineage or Lineage.load()
    ids = set()
    for agency_id, section_id in Assignment.objects.filter(section__plan=plan, section__is_active=True).values_list(
        "agency_id", "section_id"
    ):
        ids.update(lineage.holders(agency_id, on, section_id=section_id))
    for target_id, agency_id in Target.objects.filter(plan=plan, is_active=True).values_list(
        "pk", "responsible_agency_id"
    ):
        ids.update(lineage.holders(agency_id, on, target_id=target_id))
    agencies = Agency.objects.filter(pk__in=ids).order_by(vietnamese("name"))
    return [a for a in agencies if a.is_active or a.pk in lineage.ended]


def refresh_cycles(since: datetime.date) -> dict[str, int]:
    """After a reorganisation from `since`: every cycle due on or after it expects that year's agencies.
    Reports nobody has touched yet (never saved, never sent) follow the new organisation: those of agencies
    no longer expected are removed, and their empty entries for what the agency no longer holds. A report
    someone worked on is kept as it is, for the reviewer to see."""
    from reports.models import ReportingCycle, ReportState

    counts = {"cycles": 0, "reports_added": 0, "reports_removed": 0}
    lineage = Lineage.load()
    for cycle in ReportingCycle.objects.filter(due_on__gte=since).select_related("plan"):
        before = cycle.reports.count()
        cycle.ensure_reports()
        counts["reports_added"] += cycle.reports.count() - before
        expected = {a.pk for a in expected_agencies(cycle.plan, cycle.due_on, lineage)}
        untouched = cycle.reports.filter(version=0, state=ReportState.DRAFT, first_submitted_at__isnull=True)
        _, removed = untouched.exclude(agency__in=expected).delete()
        counts["reports_removed"] += removed.get("reports.AgencyReport", 0)
        for report in untouched.select_related("agency", "cycle__plan"):
            _follow(report, lineage)
        counts["cycles"] += 1
    return counts


def _follow(report, lineage) -> None:
    """An untouched report's entries: what the agency holds on the cycle's date, no more, no less."""
    from reports.completeness import ensure_entries

    if not (report.task_entries.exists() or report.target_entries.exists()):
        return  # never opened: its entries are made when it is
    plan, on = report.cycle.plan, report.cycle.due_on
    held = held_tasks(report.agency, plan, on, lineage)
    for entry in report.task_entries.all():
        if (entry.section_id, entry.role) not in held:
            entry.delete()
    report.target_entries.exclude(target__in=owned_targets(report.agency, plan, on, lineage)).delete()
    ensure_entries(report)
