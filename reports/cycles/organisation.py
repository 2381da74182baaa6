"""Which agencies a year's reporting expects, and what each of them holds, by the organisation of the cycle's
date (`ReportingCycle.due_on`: the agencies that exist on the due date report for the whole year).

The plan's assignments and targets stay as written; agencies/lineage.py says who holds them on a date.
"""

import datetime

from agencies.lineage import Lineage
from agencies.models import Agency
from binhson_plan.collation import vietnamese
from reports.editing.asking import entry_facts
from reports.models import AgencyReport, TargetEntry, TaskEntry
from targets.models import Target
from targets.status import indicator_groups
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


def ensure_entries(report: AgencyReport) -> None:
    """One entry per task the agency holds and per target it owns on the cycle's due date (the plan's
    assignments carried through the reorganisations then in force), created when missing."""
    plan, on, lineage = report.cycle.plan, report.cycle.due_on, Lineage.load()
    wanted = held_tasks(report.agency, plan, on, lineage)
    have = set(report.task_entries.values_list("section_id", "role"))
    TaskEntry.objects.bulk_create(
        [TaskEntry(report=report, section_id=pk, role=role) for pk, role in sorted(wanted - have)]
    )
    owned = list(owned_targets(report.agency, plan, on, lineage))
    groups = indicator_groups(owned)
    targets = {t.pk for t in owned if groups[t.pk][0] == t.pk}  # later milestones of an indicator share its values
    have_targets = set(report.target_entries.values_list("target_id", flat=True))
    new = [t for t in owned if t.pk in targets - have_targets]
    if new:  # each for the year the report asks for (reports.editing.asking); a value typed later follows the form's
        facts = entry_facts(report, new)
        TargetEntry.objects.bulk_create(
            [TargetEntry(report=report, target=t, value_year=facts[t.pk].ask.year or report.cycle.year) for t in new]
        )


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
    return [a for a in agencies if a.is_active or a.pk in lineage.reorganised]
