"""The page of one target, the correction of its values, and the public transparency page of approved figures."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from agencies.devices import remember
from agencies.forms import SignInForm
from agencies.lineage import Lineage
from agencies.permissions import Role, has_role
from binhson_plan.number_format import with_unit
from targets.as_of import must_be_estimate
from targets.cache import cached, plan_estimates, plan_figures
from targets.charts import chart_legend, target_chart
from targets.forms import CorrectionForm, initial_for, seen, seen_version
from targets.goal_history import goal_history
from targets.models import Target, TargetValue
from targets.override_views import can_override, override_form
from targets.overrides import history as override_history
from targets.overrides import overrides_for, plan_overrides
from targets.overrides import pick as pick_override
from targets.pending import pending_values
from targets.recording import ValueChanged, record_value
from targets.reviewing import NOT_YOUR_PLAN, refusal, reviews_plan
from targets.status import (  # current_year: also imported from here by reports/consolidated/views.py
    current_year,
    flagged_observations,
    indicator_groups,
    milestones,
    progress_by_year,
    references,
    reported_statuses,
)
from targets.templatetags.plan_format import target_value
from tasks.models import Plan, ReportIssuer
from tasks.visibility import check_sees

VALUES_PER_PAGE = 100


def target_detail(request, slug, code):
    target = get_object_or_404(
        Target.objects.select_related("plan", "responsible_agency", "parent", "section"), plan__slug=slug, code=code
    )
    check_sees(request.user, target.plan)  # recorded values and who recorded them, values awaiting approval, overrides
    year = current_year(target.plan)
    figures = cached("target-page", target.pk, year, compute=lambda: target_figures(target, year))
    owner_of = _owner_by_year(target)
    # a hundred versions a page: a reviewer correcting a value in a loop made the page 21 times slower (probe 36)
    versions = (
        TargetValue.objects.filter(target_id=figures["head"])
        .select_related("source_report__agency", "source_report__cycle__plan", "recorded_by", "target")
        .order_by("year", "recorded_at", "pk")
    )
    values = Paginator(versions, VALUES_PER_PAGE).get_page(request.GET.get("trang"))
    start = (values.number - 1) * VALUES_PER_PAGE  # read even when there are none: the same queries at any size
    values.object_list = list(versions[start : start + VALUES_PER_PAGE])
    context = figures | {
        "target": target,
        "owner": owner_of(year),
        "owners": _owner_periods(owner_of, min([y for y, _ in figures["by_year"]] + [year]), year),
        "sub_targets": target.sub_targets.filter(is_active=True),
        "values": values,
        "references": target.references.order_by("year"),
        "goal_history": goal_history(target),
        "year": year,
        "reviewer_name": ReportIssuer.for_year(target.plan, year).reviewer_name,
        "can_correct": can_correct(request.user, target.plan),
        "override_form": override_form(target, year) if can_override(request.user, target.plan) else None,
        "pending": pending_values(request.user, target, year),  # sent, not yet approved: shown, counted nowhere
    }
    return render(request, "targets/target_detail.html", context)


def _owner_by_year(target):
    """year → the agency that answers for the target in that year's organisation (its due date)."""
    lineage = Lineage.load()

    def owner_of(year):
        return lineage.owners([target], target.plan.organisation_date(year))[target.pk]

    return owner_of


def _owner_periods(owner_of, first: int, last: int) -> list[tuple[int, int, object]]:
    """(from year, to year, agency) for each run of years under one owner: a series continues across a merge."""
    periods = []
    for year in range(first, last + 1):
        agency = owner_of(year)
        if periods and periods[-1][2] == agency:
            periods[-1] = (periods[-1][0], year, agency)
        else:
            periods.append((year, year, agency))
    return periods


def target_figures(target, year) -> dict:
    """What the target page computes from approved data: its status, each milestone's, the status year by
    year and the chart."""
    series, estimates = (found[target.pk] for found in flagged_observations([target]))
    refs = references([target]).get(target.pk, {})
    status = reported_statuses([target], year).get(target.pk, "")
    progress = progress_by_year(target, series, refs, status, [year], estimates)[0][1]
    first = min([*series, year])
    chart, lines = (
        ("", frozenset()) if target.is_qualitative else target_chart(target, series, refs, progress, first, estimates)
    )
    by_year = progress_by_year(target, series, refs, status, range(first, year + 1), estimates)
    group = milestones(target, year)
    overrides = list(override_history(target))  # a reviewer's status stands beside the computed one
    return {
        "head": indicator_groups([target])[target.pk][0],  # later milestones of an indicator show its values
        "milestones": group,
        "milestone_overrides": overrides_for([t for t, _, _ in group], year, {t.pk: p for t, p, _ in group}),
        "progress": progress,
        "override": pick_override(overrides, year, target.horizon, progress.final),
        "overrides": overrides,
        "by_year": by_year,
        "by_year_overrides": {y: pick_override(overrides, y, target.horizon, p.final) for y, p in by_year},
        "chart": chart,
        "chart_legend": chart_legend(target, lines, target_value(target)),  # the lines the chart drew, only those
        "estimates": estimates,  # the years whose value is an estimate: "(ước)" wherever such a value shows
    }


def can_correct(user, plan) -> bool:
    return user.is_superuser or reviews_plan(user, plan)


def value_correction(request, slug, code):
    """The plan's reviewers correct a recorded value: a new version with a reason; the old one stays in the history."""
    target = get_object_or_404(Target.objects.select_related("plan"), plan__slug=slug, code=code)
    if not (request.user.is_superuser or has_role(request.user, Role.REVIEWER)):
        raise PermissionDenied(refusal(request.user, target.plan, "đính chính số liệu", also="và quản trị viên"))
    if not can_correct(request.user, target.plan):
        raise PermissionDenied(NOT_YOUR_PLAN.format(plan=target.plan.short_title))
    if target.is_qualitative:
        raise Http404("Chỉ tiêu định tính không có số liệu để đính chính.")
    head = Target.objects.get(pk=indicator_groups([target])[target.pk][0])  # where the indicator's values live
    plan = target.plan
    years = range(plan.period_start - 1, current_year(plan) + 1)  # a year still to come has no value yet
    asked = request.GET.get("nam", "")
    year = int(asked) if asked.isascii() and asked.isdigit() and int(asked) in years else current_year(plan)
    current = TargetValue.objects.current().filter(target=head, year=year).first()
    form = CorrectionForm(head, years, request.POST or None, initial=initial_for(current, year))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        note = data["note"]
        if "note" not in request.POST:  # a post without the field (not the page's) keeps the note it does not name
            replaced = TargetValue.objects.current().filter(target=head, year=data["year"]).first()
            note = replaced.note if replaced else ""
        shown_year = data["based_on"].partition(":")[0]
        if data["based_on"] and shown_year != str(data["year"]):  # the year changed in the form: its figure unseen
            current_of_year = TargetValue.objects.current().filter(target=head, year=data["year"]).first()
            return _changed_meanwhile(request, target, head, years, data["year"], current_of_year, shown_year)
        try:
            version = record_value(
                head, data["year"], data["value"], by=request.user, as_of=data["as_of"],
                is_estimate=data["is_estimate"], source="Đính chính", reason=data["reason"], note=note,
                based_on=seen_version(data["based_on"], data["year"]),
            )  # fmt: skip
        except ValueChanged as changed:
            return _changed_meanwhile(request, target, head, years, data["year"], changed.current)
        if version:
            estimate = ""
            if data["is_estimate"]:  # "năm chưa kết thúc" only of a year not over (browser pass 37)
                running = must_be_estimate(data["year"], timezone.localdate())
                estimate = " (số ước thực hiện: năm chưa kết thúc)" if running else " (số ước thực hiện)"
            messages.success(
                request, f"Đã ghi số liệu năm {data['year']} đính chính{estimate}; bản cũ vẫn lưu trong lịch sử."
            )
        else:
            messages.info(request, "Số liệu không thay đổi nên không ghi phiên bản mới.")
        return redirect(target)
    context = {"target": target, "head": head, "form": form, "current": current}
    return render(request, "targets/value_correction.html", context)


def _changed_meanwhile(request, target, head, years, year, current, shown_year=None):
    """The correction refused: another version of `year` landed after the page was opened, or the page showed
    another year's figure (`shown_year`: the year was changed in the form; the nineteenth probe). Everything typed
    stays; the page now shows the year's figure and the form is based on it, so a second post is a decision made
    seeing it."""
    data = request.POST.copy()
    data["based_on"] = seen(year, current)
    if shown_year:  # the page showed another year's figure: what came with it becomes the chosen year's own
        chosen = initial_for(current, year)
        # "Ước thực hiện" (browser pass 37: a correction of 2024 saved as an estimate of 2026's ticked box)
        data.pop("is_estimate", None)
        if chosen["is_estimate"]:
            data["is_estimate"] = "on"
        # the note, unless typed anew, as the help text promises (browser pass 40: 2025's note lost for 2026's)
        shown = (
            TargetValue.objects.current().filter(target=head, year=shown_year).first() if shown_year.isdigit() else None
        )
        if data.get("note", "").strip() == (shown.note if shown else "").strip():
            data["note"] = chosen.get("note", "")
    form = CorrectionForm(head, years, data)
    form.is_valid()
    if current:
        landed = f"{with_unit(current.value, head.input_unit)}, {current.source or 'không ghi nguồn'}, lúc " + (
            f"{timezone.localtime(current.recorded_at):%H:%M %d/%m/%Y}"
        )
    else:
        landed = "số liệu đã bị gỡ"
    if shown_year:
        figure = f"hiện có: {landed}" if current else "chưa có số liệu"
        said = (f"Trang đang hiện số liệu năm {shown_year}, còn anh/chị chọn năm {year} (năm {year} {figure}): "
                f"xin xem số liệu năm {year} rồi đính chính.")  # fmt: skip
    else:
        said = (f"Số liệu năm {year} vừa được ghi lại ({landed}) sau khi anh/chị mở trang: xin xem số liệu mới rồi "
                "đính chính.")  # fmt: skip
    form.add_error(None, f"{said} Nội dung anh/chị vừa nhập chưa được lưu, vẫn còn bên dưới.")
    context = {"target": target, "head": head, "form": form, "current": current}
    return render(request, "targets/value_correction.html", context, status=409)


def public_year(plan, asked_text: str) -> tuple[int, int]:
    """(the year asked for in `?nam=`, the year the public page and its workbook show): a year still to come has
    nothing to judge, so this year's figures instead; anything that is not a year shows this year."""
    asked = plan.year_from(asked_text, current_year(plan))
    return asked, min(asked, current_year(plan))


def public_rows(plan, year) -> list[tuple]:
    """(target, progress, series, override, estimate years) of each active target, in the plan's order: the
    approved or imported figures, from the cache (two queries when cached)."""
    targets = list(plan.targets.filter(is_active=True).select_related("responsible_agency").order_by("position"))
    progress, series = plan_figures(plan, targets, year)
    overrides = plan_overrides(plan, targets, year, progress)
    estimates = plan_estimates(plan, targets, year)
    return [(t, progress[t.pk], series[t.pk], overrides.get(t.pk), estimates[t.pk]) for t in targets]


@login_not_required
def public_progress(request, slug):
    """Open to everyone: the plan's targets with approved or imported figures and their statuses."""
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    asked, year = public_year(plan, request.GET.get("nam", ""))
    future = (
        f"Năm {asked} chưa đến nên chưa có số liệu để đánh giá; trang đang hiển thị năm {year}." if asked > year else ""
    )
    rows = public_rows(plan, year)
    context = {"plan": plan, "rows": rows, "year": year, "years": plan.reporting_years(), "future": future}
    # asked only where an override is shown: a cached page stays at two queries
    context["reviewer_name"] = functools.cache(lambda: ReportIssuer.for_year(plan, year).reviewer_name)
    return render(request, "targets/public_progress.html", context)


class LoginWithPublicPages(LoginView):
    """The sign-in page, with the way to each plan's public page beside it: a visitor without an account comes to
    the portal's address and finds the figures anyone may read (a browser pass found no way to them)."""

    form_class = SignInForm

    def form_valid(self, form):
        response = super().form_valid(form)
        remember(self.request, response, form.get_user().get_username())  # agencies.devices: a known browser
        return response

    def get_context_data(self, **kwargs):
        plans = Plan.objects.filter(is_active=True).order_by("is_illustrative", "-issued_on")
        return super().get_context_data(**kwargs) | {"public_plans": plans}
