"""The plan's reviewers override a target's computed status with a written reason (PRODUCT.md §4); the computed
status stays beside it on every page, and every override stays in the history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from agencies.permissions import Role, has_role
from targets.forms import StatusOverrideForm
from targets.models import Target
from targets.overrides import history, override_status, standing
from targets.reviewing import NOT_YOUR_PLAN, refusal, reviews_plan
from targets.status import current_year, flagged_observations, progress_by_year, references, reported_statuses


def can_override(user, plan) -> bool:
    return reviews_plan(user, plan)


def computed_progress(target, year: int):
    """The target's status in `year` as computed from approved data."""
    series, estimates = (found[target.pk] for found in flagged_observations([target]))
    refs = references([target]).get(target.pk, {})
    status = reported_statuses([target], year).get(target.pk, "")
    return progress_by_year(target, series, refs, status, [year], estimates)[0][1]


def override_form(target, year: int, data=None) -> StatusOverrideForm:
    """The years offered are those a reviewer can judge: the plan's first to this one (reporting_years)."""
    years = target.plan.reporting_years()
    return StatusOverrideForm(years, target.horizon, data, initial={"year": min(max(year, years[0]), years[-1])})


def status_override(request, slug, code):
    """The override form (also on the target's page) and the target's overrides so far."""
    target = get_object_or_404(Target.objects.select_related("plan"), plan__slug=slug, code=code)
    if not has_role(request.user, Role.REVIEWER):
        raise PermissionDenied(refusal(request.user, target.plan, "điều chỉnh tình trạng chỉ tiêu"))
    if not can_override(request.user, target.plan):
        raise PermissionDenied(NOT_YOUR_PLAN.format(plan=target.plan.short_title))
    form = override_form(target, current_year(target.plan), request.POST or None)
    if request.method == "POST" and form.is_valid():
        year, status = form.cleaned_data["year"], form.cleaned_data["status"]
        if status == "met" and year < target.horizon:
            status = "achieved"  # "Đạt" ahead of the milestone's year: reached, not judged once (targets.progress)
        computed = computed_progress(target, year)
        if not status and target.pk not in standing(year, {target.pk: (target.horizon, computed.final)}):
            form.add_error("status", f"Tình trạng năm {year} của chỉ tiêu này chưa được điều chỉnh, không có gì để bỏ.")
        else:
            override_status(
                target, year, status, form.cleaned_data["reason"], by=request.user, computed_status=computed.status
            )
            done = f"Đã điều chỉnh tình trạng năm {year}" if status else f"Đã bỏ điều chỉnh tình trạng năm {year}"
            messages.success(request, f"{done}; tình trạng tính theo số liệu vẫn hiện bên cạnh.")
            return redirect(target)
    context = {"target": target, "form": form, "overrides": history(target)}
    return render(request, "targets/status_override.html", context, status=422 if request.method == "POST" else 200)
