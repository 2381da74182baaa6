"""Statuses of a plan's targets for one year, read from the database in a fixed number of queries."""

from collections import defaultdict

from targets.models import ReferenceValue, Target, TargetValue
from targets.progress import Goal, Progress, evaluate


def goal_of(target: Target) -> Goal:
    number = lambda v: float(v) if v is not None else None  # noqa: E731
    return Goal(
        kind=target.kind,
        horizon=target.horizon,
        comparison=target.comparison,
        value=number(target.value),
        value_max=number(target.value_max),
        direction=target.direction or "higher",
        unit=target.unit if target.kind == "relative" else target.input_unit,
        natural_limit=number(target.natural_limit),
        baseline_year=target.baseline_year,
        period_start=target.period_start,
    )


def observations(targets) -> dict[int, dict[int, float]]:
    """Target id → {year: current value}: approved report values and imported values only."""
    series = defaultdict(dict)
    for target_id, year, value in (
        TargetValue.objects.current().filter(target__in=targets).values_list("target_id", "year", "value")
    ):
        series[target_id][year] = float(value)
    return series


def references(targets) -> dict[int, dict[int, float]]:
    series = defaultdict(dict)
    for target_id, year, value in ReferenceValue.objects.filter(target__in=targets).values_list(
        "target_id", "year", "value"
    ):
        series[target_id][year] = float(value)
    return series


def reported_statuses(targets, year: int) -> dict[int, str]:
    """Target id → the latest approved qualitative assessment up to `year`."""
    from reports.models import ReportState, TargetEntry

    rows = (
        TargetEntry.objects.filter(
            target__in=targets, report__state=ReportState.APPROVED, report__cycle__year__lte=year
        )
        .exclude(qualitative_status="")
        .order_by("report__cycle__year")
        .values_list("target_id", "qualitative_status")
    )
    return dict(rows)


def plan_progress(targets: list[Target], year: int) -> dict[int, Progress]:
    """Each target's progress in `year`, judged against its own milestone."""
    series, refs, statuses = observations(targets), references(targets), reported_statuses(targets, year)
    return {
        t.pk: evaluate(goal_of(t), series.get(t.pk, {}), year, refs.get(t.pk), statuses.get(t.pk, "")) for t in targets
    }


def progress_by_year(target: Target, series: dict, refs: dict, status: str, years) -> list[tuple[int, Progress]]:
    """The target's status as it stood in each year, for the target page."""
    return [(year, evaluate(goal_of(target), series, year, refs, status)) for year in years]
