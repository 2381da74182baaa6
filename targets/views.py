"""The page of one target, and the public transparency page of approved figures."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from targets.charts import trajectory_chart
from targets.models import Target, TargetValue
from targets.status import (
    indicator_groups,
    milestones,
    observations,
    plan_progress,
    progress_by_year,
    references,
    reported_statuses,
)
from tasks.models import Plan


def current_year(plan) -> int:
    return min(max(timezone.localdate().year, plan.period_start), plan.vision_year or plan.period_end)


def target_detail(request, slug, code):
    target = get_object_or_404(
        Target.objects.select_related("plan", "responsible_agency", "parent", "section"), plan__slug=slug, code=code
    )
    year = current_year(target.plan)
    series = observations([target]).get(target.pk, {})
    refs = references([target]).get(target.pk, {})
    status = reported_statuses([target], year).get(target.pk, "")
    progress = progress_by_year(target, series, refs, status, [year])[0][1]
    first = min([*series, year])
    shown = {y: v / refs[y] for y, v in series.items() if refs.get(y)} if target.kind == "relative" else series
    head = indicator_groups([target])[target.pk][0]  # later milestones of an indicator show its values
    context = {
        "target": target,
        "sub_targets": target.sub_targets.filter(is_active=True),
        "milestones": milestones(target, year),
        "values": TargetValue.objects.filter(target_id=head)
        .select_related("source_report__agency", "recorded_by", "target")
        .order_by("year", "recorded_at"),
        "references": target.references.order_by("year"),
        "progress": progress,
        "year": year,
        "by_year": progress_by_year(target, series, refs, status, range(first, year + 1)),
        "chart": trajectory_chart(shown, progress, target.unit, target.baseline_year or target.period_start or first)
        if not target.is_qualitative
        else "",
    }
    return render(request, "targets/target_detail.html", context)


@login_not_required
def public_progress(request, slug):
    """Open to everyone: the plan's targets with approved or imported figures and their statuses."""
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    year = plan.year_from(request.GET.get("nam", ""), current_year(plan))
    targets = list(plan.targets.filter(is_active=True).select_related("responsible_agency").order_by("position"))
    progress = plan_progress(targets, year)
    series = observations(targets, until=year)
    rows = [(t, progress[t.pk], series[t.pk]) for t in targets]
    years = range(plan.period_start, (plan.vision_year or plan.period_end) + 1)
    return render(request, "targets/public_progress.html", {"plan": plan, "rows": rows, "year": year, "years": years})
