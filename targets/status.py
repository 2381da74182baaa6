"""Statuses of a plan's targets for one year, read from the database in a fixed number of queries."""

from collections import defaultdict

from django.db.models import Case, When
from django.utils import timezone

from targets.goals import Goal, Progress
from targets.models import Assessment, ReferenceValue, Target, TargetValue
from targets.progress import evaluate, nearest_open


def current_year(plan) -> int:
    """The year a plan's figures are shown for today: this year, within the plan's period (its vision year last)."""
    return min(max(timezone.localdate().year, plan.period_start), plan.vision_year or plan.period_end)


def goal_of(target: Target) -> Goal:
    number = lambda v: float(v) if v is not None else None  # noqa: E731
    return Goal(
        kind=target.kind,
        horizon=target.horizon,
        comparison=target.comparison,
        value=number(target.value),
        value_max=number(target.value_max),
        direction=target.direction or "higher",
        unit=target.input_unit,
        natural_limit=number(target.natural_limit),
        baseline_year=target.baseline_year,
        period_start=target.period_start,
        change_unit=target.unit if target.kind == "annual_change" else "",
        target_unit=target.unit if target.kind == "relative" else "",
        reference_label=target.reference[:1].lower() + target.reference[1:] if target.reference else "",
    )


def indicator_groups(targets) -> dict[int, list[int]]:
    """Target id → ids of the targets of its indicator, earliest milestone first (the first one holds
    the values; an annual-change target comes after the level targets, since its change is derived from
    their series); a target without an indicator is its own group. One query, whatever the targets."""
    return indicator_groups_and_codes(targets)[0]


def indicator_groups_and_codes(targets) -> tuple[dict[int, list[int]], dict[int, str]]:
    """(`indicator_groups`, the code of every target in them), in the same one query."""
    keyed = {(t.plan_id, t.indicator_id) for t in targets if t.indicator_id}
    members = defaultdict(list)
    codes = {t.pk: t.code for t in targets}
    rows = Target.objects.filter(
        plan_id__in={plan for plan, _ in keyed} or [0],
        indicator_id__in={ind for _, ind in keyed} or [0],
        is_active=True,
    ).order_by(Case(When(kind="annual_change", then=1), default=0), "horizon", "position")
    for pk, plan_id, indicator_id, code in rows.values_list("pk", "plan_id", "indicator_id", "code"):
        members[(plan_id, indicator_id)].append(pk)  # one series per plan, even where plans share the indicator
        codes[pk] = code
    groups = {t.pk: members[(t.plan_id, t.indicator_id)] or [t.pk] if t.indicator_id else [t.pk] for t in targets}
    return groups, codes


def observations(targets, until: int | None = None) -> dict[int, dict[int, float]]:
    """Target id → {year: current value}, years up to `until` if given: approved report values and
    imported values only. The targets of one indicator share the values recorded against its first target."""
    return flagged_observations(targets, until)[0]


def flagged_observations(targets, until: int | None = None) -> tuple[dict[int, dict[int, float]], dict[int, set[int]]]:
    """(`observations`, target id → the years among them whose value is an estimate), in the same two queries."""
    groups = indicator_groups(targets)
    stored, flagged = defaultdict(dict), defaultdict(set)
    heads = {members[0] for members in groups.values()}
    values = TargetValue.objects.current().filter(target__in=heads, year__lte=until or 9999)
    values = values.order_by("year").values_list("target_id", "year", "value", "is_estimate")
    for target_id, year, value, is_estimate in values:
        stored[target_id][year] = float(value)
        if is_estimate:
            flagged[target_id].add(year)
    heads = {t.pk: groups[t.pk][0] for t in targets}
    return (
        {t.pk: stored.get(heads[t.pk], {}) for t in targets},
        {t.pk: flagged.get(heads[t.pk], set()) for t in targets},
    )


def estimate_years(targets, until: int) -> dict[int, set[int]]:
    """Target id → the years up to `until` whose current value is an estimate (ước thực hiện), over its indicator."""
    groups = indicator_groups(targets)
    rows = TargetValue.objects.current().filter(
        target__in={members[0] for members in groups.values()}, year__lte=until, is_estimate=True
    )
    flagged = defaultdict(set)
    for target_id, year in rows.values_list("target_id", "year"):
        flagged[target_id].add(year)
    return {t.pk: flagged.get(groups[t.pk][0], set()) for t in targets}


def references(targets) -> dict[int, dict[int, float]]:
    """Target id → {year: reference value}, merged over the targets of its indicator."""
    groups = indicator_groups(targets)
    stored = defaultdict(dict)
    members = {pk for group in groups.values() for pk in group}
    for target_id, year, value in ReferenceValue.objects.filter(target__in=members).values_list(
        "target_id", "year", "value"
    ):
        stored[target_id][year] = float(value)
    merged = {}
    for target in targets:
        merged[target.pk] = {}
        for member in groups[target.pk]:
            merged[target.pk].update(stored.get(member, {}))
    return merged


def reported_statuses(targets, year: int) -> dict[int, str]:
    """Target id → the latest approved qualitative assessment up to `year`, and no later than the target's
    milestone: a milestone that has passed is judged on the assessment of its year, not a later one."""
    horizons = {t.pk: t.horizon for t in targets}
    rows = (
        Assessment.objects.current()
        .filter(target__in=targets, year__lte=year)
        .order_by("year")
        .values_list("target_id", "year", "status")
    )
    return {target_id: status for target_id, at, status in rows if at <= horizons.get(target_id, at)}


def plan_progress(targets: list[Target], year: int) -> dict[int, Progress]:
    """Each target's progress in `year`, judged against its own milestone; an estimated value reads as one."""
    (series, estimates), refs = flagged_observations(targets), references(targets)
    statuses = reported_statuses(targets, year)
    return {
        t.pk: evaluate(goal_of(t), series[t.pk], year, refs.get(t.pk), statuses.get(t.pk, ""), estimates[t.pk])
        for t in targets
    }


def milestones(target: Target, year: int) -> list[tuple[Target, Progress, bool]]:
    """The target's indicator at each of its milestones in `year`, and which one is the nearest open."""
    same = {"plan": target.plan, "indicator_id": target.indicator_id} if target.indicator_id else {"pk": target.pk}
    group = list(Target.objects.filter(is_active=True, **same).select_related("plan").order_by("horizon"))
    progress = plan_progress(group, year)
    nearest = nearest_open([t.horizon for t in group], year)
    return [(t, progress[t.pk], t.horizon == nearest) for t in group]


def progress_by_year(
    target: Target, series: dict, refs: dict, status: str, years, estimates=frozenset()
) -> list[tuple[int, Progress]]:
    """The target's status as it stood in each year, for the target page; `estimates`: the years whose value is one."""
    return [(year, evaluate(goal_of(target), series, year, refs, status, estimates)) for year in years]
