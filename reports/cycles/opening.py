"""Opening a plan's year: its cycle with the plan's dates, and one report per expected agency. Pages never open
one (they read `cycle_of`); a reviewer does (Kỳ báo cáo), or the nightly job on the year's first day."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reports.cycles.organisation import ensure_entries, expected_agencies
from reports.models import AgencyReport, ReportingCycle
from tasks.models import Plan


def cycle_of(plan, year: int) -> ReportingCycle | None:
    """The plan's cycle of `year` if it was opened; looking creates nothing."""
    cycle = ReportingCycle.objects.filter(plan=plan, year=year).first()
    if cycle is not None:
        cycle.plan = plan  # the plan at hand, not read again (its reports' addresses carry its slug)
    return cycle


def open_cycle(plan, year: int, by=None, latest: int | None = None) -> ReportingCycle:
    """The plan's cycle for `year`, created with the plan's due date and one report per expected agency. `latest`: the
    last year a person may open (this one: a year to come has no values yet; the twelfth probe opened 2030 in 2026 and
    had values "as of" 01/11/2030 approved)."""
    last_year = plan.vision_year or plan.period_end
    if not plan.period_start <= year <= last_year:
        raise ValidationError(f"Năm báo cáo phải trong khoảng {plan.period_start}–{last_year}.")
    if latest is not None and year > latest:
        raise ValidationError(f"Năm {year} chưa đến: chỉ mở được kỳ báo cáo của năm nay ({latest}) hoặc các năm trước.")
    with transaction.atomic():
        cycle, created = ReportingCycle.objects.get_or_create(
            plan=plan,
            year=year,
            defaults={
                "opens_on": datetime.date(year, 1, 1),
                "due_on": datetime.date(year, plan.report_due_month, plan.report_due_day),
                "data_cutoff": datetime.date(year, 12, 31),
                "opened_by": by,
            },
        )
        if created:
            ensure_reports(cycle)
    return cycle


def open_this_year(today=None) -> int:
    """The nightly job's part: every active plan's cycle of this year, opened if it was not; how many opened."""
    year = (today or timezone.localdate()).year
    opened = 0
    for plan in Plan.objects.filter(is_active=True):
        if plan.period_start <= year <= (plan.vision_year or plan.period_end) and cycle_of(plan, year) is None:
            open_cycle(plan, year)
            opened += 1
    return opened


def entries_follow_the_plan(plan) -> int:
    """After the plan was loaded again (targets.signals.plan_loaded): every report still being filled in a cycle not
    closed gets an entry for each task and target its agency now holds; how many reports were looked at."""
    reports = AgencyReport.objects.counted().filter(cycle__plan=plan).select_related("cycle__plan", "agency")
    editable = [r for r in reports if r.is_editable]
    for report in editable:
        ensure_entries(report)
    return len(editable)


def ensure_reports(cycle, lineage=None, due_on=None) -> tuple[set[int], int]:
    """One report for every agency that leads or coordinates a task or owns a target on the cycle's due
    date: the organisation of that day, after the reorganisations then in force (reports.cycles.organisation).
    The reports added get `due_on` as their own due date (a reorganisation opening them late in the season).
    Returns the ids of those agencies and how many reports were added."""
    existing = set(cycle.reports.values_list("agency_id", flat=True))
    expected = expected_agencies(cycle.plan, cycle.due_on, lineage)
    added = AgencyReport.objects.bulk_create(
        [AgencyReport(cycle=cycle, agency=a, due_on=due_on) for a in expected if a.pk not in existing]
    )
    for report in added:  # made with its entries, so that no page has to write them when it is read
        report.cycle = cycle
        ensure_entries(report)
    return {a.pk for a in expected}, len(added)
