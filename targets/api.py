"""Open data, read-only and public: the plans, their agencies (with their reorganisations), targets and tasks as
JSON; `?year=` gives who led and coordinated each task, and who owned each target, that year."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from agencies.lineage import Lineage
from agencies.models import Agency
from binhson_plan.collation import vietnamese
from binhson_plan.csv_cells import csv_row
from targets.cache import cached, plan_estimates, plan_figures
from targets.models import Indicator, Target
from targets.overrides import overrides_for, plan_overrides
from targets.status import current_year, estimate_years, observations
from targets.status import plan_progress as progress_of
from tasks.models import Plan
from tasks.structure import build_tree


def _json(data, status=200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 1})


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _plan_summary(request, plan) -> dict:
    return {
        "slug": plan.slug,
        "number": plan.number,
        "title": plan.display_title,
        "illustrative": plan.is_illustrative,
        "issuing_body": plan.issuing_body,
        "issued_on": plan.issued_on.isoformat(),
        "signer": {
            "authority": plan.signer_authority,
            "position": plan.signer_position,
            "name": plan.signer_name,
        },
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "vision_year": plan.vision_year,
        "report_due": {"day": plan.report_due_day, "month": plan.report_due_month},
        "reports_to": plan.reports_to,
        "url": request.build_absolute_uri(f"/api/plans/{plan.slug}/"),
    }


def _task(node) -> dict:
    """A task with who leads and coordinates it in the organisation of the answer's date (`as_of`), and, where the
    plan names agencies at this level, the ones it names."""
    section = node.section
    return {
        "code": section.code,
        "number": section.number,
        "title": section.title,
        "content": section.content,
        "lead_agencies": [a.agency.code for a in node.leads],
        # who runs what where the plan splits a block: the field (III.2.c) or national programme (III.3.đ)
        "leads": [{"agency": a.agency.code, "scope": a.scope or None} for a in node.leads],
        "coordinating_agencies": [a.agency.code for a in node.coordinating],
        "lead_agencies_in_plan": [a.agency.code for a in node.planned_leads],
        "coordinating_agencies_in_plan": [a.agency.code for a in node.planned_coordinating],
        "lead_text": section.lead_text,
        "coordinating_text": section.coordinating_text,
        "children": [_task(child) for child in node.children],
    }


def _agency(agency, lineage, codes) -> dict:
    """An agency with its lineage: the reorganisations that took from it and gave to it, with dates."""

    def step(s, side):
        others = s.successors if side == "successors" else s.predecessors
        return {"reorganisation": s.code, "kind": s.kind, "effective_on": s.effective_on.isoformat(),
                "legal_basis": s.legal_basis, side: [codes[a] for a in others if a in codes],
                "moved": [label for a, label in s.move_labels if side == "successors" or a == agency.pk]}  # fmt: skip

    ended = lineage.ended.get(agency.pk)
    return {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "is_active": agency.is_active,
        "ended_on": ended.effective_on.isoformat() if ended else None,
        "successors": [step(s, "successors") for s in lineage.became(agency.pk)],
        "predecessors": [step(s, "predecessors") for s in lineage.came_from(agency.pk)],
    }


def _target(target) -> dict:
    return {
        "code": target.code,
        "horizon": target.horizon,
        "statement": target.statement,
        "name": target.name,
        "unit": target.unit,
        "kind": target.kind,
        "comparison": target.comparison or None,
        "value": _number(target.value),
        "value_max": _number(target.value_max),
        "direction": target.direction or None,
        "baseline_year": target.baseline_year,
        "period_start": target.period_start,
        "measured_unit": target.input_unit,
        "reference": target.reference or None,
        "indicator": target.indicator.code if target.indicator_id else None,
        "natural_limit": _number(target.natural_limit),
        "section": target.section.code if target.section_id else None,
        "parent": target.parent.code if target.parent else None,
        "responsible_agency": target.responsible_agency.code,
    }


@login_not_required
@require_safe
def plan_index(request):
    return _json([_plan_summary(request, plan) for plan in Plan.objects.filter(is_active=True)])


def _year(request, plan):
    """The year asked for (`?year=`), None when none was; a ValueError with the answer's message when it is wrong."""
    text = request.GET.get("year", "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and plan.period_start <= int(text) <= plan.last_year):
        raise ValueError(f"Năm phải từ {plan.period_start} đến {plan.last_year}.")
    return int(text)


@login_not_required
@require_safe
def plan_detail(request, slug):
    """The plan with its agencies (and their lineage) and its tasks, led and coordinated as in `?year=` (the year's
    due date: the organisation that reports for it) or, without it, today."""
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        return _json({"error": "Không tìm thấy kế hoạch."}, status=404)
    try:
        year = _year(request, plan)
    except ValueError as exc:
        return _json({"error": str(exc)}, status=400)
    on = plan.organisation_date(year) if year else timezone.localdate()
    lineage = Lineage.load()
    targets = list(
        plan.targets.filter(is_active=True).select_related("responsible_agency", "parent", "section", "indicator")
    )
    owners = lineage.owners(targets, on)
    part_three = next((node for node in build_tree(plan, on, lineage) if node.section.code == "III"), None)
    agencies = list(
        Agency.objects.filter(Q(plans=plan) | Q(pk__in=lineage.agency_ids())).distinct().order_by(vietnamese("name"))
    )
    codes = {a.pk: a.code for a in agencies}
    data = _plan_summary(request, plan) | {
        "year": year,
        "as_of": on.isoformat(),
        "agencies": [_agency(a, lineage, codes) for a in agencies],
        "targets": [_target(t) | {"owner": owners[t.pk].code} for t in sorted(targets, key=lambda t: t.position)],
        "tasks": [_task(node) for node in part_three.children] if part_three else [],
    }
    return _json(data)


STATUS_FIELDS = ["code", "name", "horizon", "measured_unit", "values", "estimates", "status", "status_label",
                 "milestone", "final", "value_year", "value", "value_is_estimate", "baseline_year", "baseline_value",
                 "target_value", "reference", "ratio_to_reference", "method", "ratio", "explanation", "method_note",
                 "override_status", "override_label", "override_reason", "override_by", "override_at",
                 "override_year"]  # fmt: skip


@login_not_required
@require_safe
def plan_progress(request, slug):
    """Each target's approved or imported values and its status in `year`; JSON, or CSV with format=csv."""
    plan = Plan.objects.filter(slug=slug, is_active=True).first()
    if plan is None:
        return _json({"error": "Không tìm thấy kế hoạch."}, status=404)
    year_text = request.GET.get("year", "").strip()
    last = min(plan.last_year, current_year(plan))  # a year still to come has no values to judge
    number = year_text.isascii() and year_text.isdigit()
    valid = number and plan.period_start <= int(year_text) <= last
    if year_text and not valid:
        later = " (năm sau chưa có số liệu)" if number and int(year_text) > last else ""
        message = f"Năm phải là một số từ {plan.period_start} đến {last}{later}; đã nhập “{year_text[:20]}”."
        return _json({"error": message}, status=400)
    year = int(year_text) if year_text else current_year(plan)
    targets = list(plan.targets.filter(is_active=True).order_by("position"))
    progress, series = plan_figures(plan, targets, year)
    overrides = plan_overrides(plan, targets, year, progress)
    estimates = plan_estimates(plan, targets, year)
    rows = [_progress_row(t, progress[t.pk], series[t.pk], overrides.get(t.pk), estimates[t.pk]) for t in targets]
    if request.GET.get("format") == "csv":
        return _csv(rows, f"{plan.slug}-{year}.csv")
    return _json({"plan": plan.slug, "year": year, "targets": rows})


def _progress_row(target, p, series, override, estimates) -> dict:
    """One target's status in the year: the milestone judged, the values it was judged on (in the measured
    unit) and which of them are estimates (ước thực hiện), the plain sentence and the method's small print,
    and a reviewer's override beside it."""
    return {
        "code": target.code,
        "name": target.name,
        "horizon": target.horizon,
        "measured_unit": target.input_unit,
        "values": {str(y): v for y, v in series.items()},
        "estimates": {str(y): y in estimates for y in series},
        "status": p.status,
        "status_label": p.label,
        "milestone": p.milestone,
        "final": p.final,
        "value_year": p.value_year,
        "value": p.value,
        "value_is_estimate": p.value_year in estimates if p.value is not None else None,
        "baseline_year": p.baseline_year,
        "baseline_value": p.baseline_value,
        "target_value": p.target_value,
        "reference": target.reference or None,
        "ratio_to_reference": p.details.get("ratio_value"),
        "method": p.method,
        "ratio": round(p.ratio, 4) if p.ratio is not None else None,
        "explanation": p.explanation,
        "method_note": p.method_note,
        "override": None
        if override is None
        else {
            "status": override.status,
            "label": override.label,
            "reason": override.reason,
            "by": override.by_name,
            "at": timezone.localtime(override.at).isoformat(timespec="seconds"),
            "year": override.year,
        },
    }


def _indicator_year(request, plans):
    """The year asked for (`?year=`) or, without it, this year, within the years of the active plans (as
    `/api/plans/<slug>/` takes it); a ValueError with the answer's message when it is wrong."""
    first = min((plan.period_start for plan in plans), default=timezone.localdate().year)
    last = max((plan.last_year for plan in plans), default=first)
    text = request.GET.get("year", "")
    if not text:
        return min(max(timezone.localdate().year, first), last)
    if not (text.isascii() and text.isdigit() and first <= int(text) <= last):
        raise ValueError(f"Năm phải từ {first} đến {last}.")
    return int(text)


def indicator_targets(indicators, year, plans=None) -> dict[int, list[tuple]]:
    """Indicator id → (target, its progress row) for every active plan's target measuring it, as the plan's progress
    answer shows that target in `year` (approved or imported values only; each plan's targets their own series).
    A fixed number of queries, whatever the number of plans: the progress is computed for all the targets at once,
    and kept in the cache until the data changes (targets.cache). `plans`: only those plans' targets."""
    indicator_ids = sorted(i.pk for i in indicators)
    plan_ids = "tat-ca" if plans is None else ",".join(str(p) for p in sorted(plan.pk for plan in plans))
    return cached("chi-so", year, ",".join(map(str, indicator_ids)), plan_ids,
                  compute=lambda: _indicator_targets(indicator_ids, year, plans))  # fmt: skip


def _indicator_targets(indicator_ids, year, plans) -> dict[int, list[tuple]]:
    measuring = Target.objects.filter(indicator__in=indicator_ids, is_active=True, plan__is_active=True)
    if plans is not None:
        measuring = measuring.filter(plan__in=plans)
    targets = list(measuring.select_related("plan", "responsible_agency").order_by("plan__slug", "horizon", "position"))
    progress, series = progress_of(targets, year), observations(targets, until=year)
    overrides = overrides_for(targets, year, progress)
    estimates = estimate_years(targets, year)
    measuring = {}
    for t in targets:
        row = _progress_row(t, progress[t.pk], series[t.pk], overrides.get(t.pk), estimates[t.pk])
        measuring.setdefault(t.indicator_id, []).append((t, row))
    return measuring


def _indicators(request, indicators) -> JsonResponse:
    """Each indicator with every active plan's target measuring it in `?year=` (`indicator_targets`)."""
    plans = list(Plan.objects.filter(is_active=True))
    try:
        year = _indicator_year(request, plans)
    except ValueError as exc:
        return _json({"error": str(exc)}, status=400)
    measuring = {
        indicator: [{"plan": target.plan.slug} | _indicator_target(row) for target, row in rows]
        for indicator, rows in indicator_targets(indicators, year).items()
    }
    return [
        {
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "direction": indicator.direction or None,
            "aggregation": indicator.aggregation,
            "denominator": indicator.denominator or None,
            "listed": indicator.listed,
            "year": year,
            "targets": measuring.get(indicator.pk, []),
        }
        for indicator in indicators
    ]


INDICATOR_TARGET_FIELDS = ["code", "name", "horizon", "value", "value_year", "value_is_estimate", "status",
                           "status_label", "milestone", "final", "override"]  # fmt: skip


def _indicator_target(row) -> dict:
    return {key: row[key] for key in INDICATOR_TARGET_FIELDS}


@login_not_required
@require_safe
def indicator_index(request):
    """Every indicator of the province, with the targets of the active plans that measure it, in `?year=`."""
    answer = _indicators(request, list(Indicator.objects.order_by("code")))
    return answer if isinstance(answer, JsonResponse) else _json(answer)


@login_not_required
@require_safe
def indicator_detail(request, code):
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        return _json({"error": "Không tìm thấy chỉ số."}, status=404)
    answer = _indicators(request, [indicator])
    return answer if isinstance(answer, JsonResponse) else _json(answer[0])


def _csv(rows, filename):
    import csv

    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that Excel opens the UTF-8 Vietnamese text correctly
    writer = csv.DictWriter(response, fieldnames=STATUS_FIELDS)
    writer.writeheader()
    for row in rows:
        values = "; ".join(f"{year}: {value}" for year, value in row["values"].items())
        estimates = "; ".join(f"{year}: {'có' if flag else 'không'}" for year, flag in row["estimates"].items())
        override = {f"override_{key}": value for key, value in (row["override"] or {}).items()}
        flat = {"values": values, "estimates": estimates} | override
        for key in ("final", "value_is_estimate"):  # yes and no as the CSV's reader says them (JSON keeps true/false)
            if isinstance(row.get(key), bool):
                flat[key] = "có" if row[key] else "không"
        writer.writerow(csv_row({k: v for k, v in row.items() if k != "override"} | flat))
    return response
