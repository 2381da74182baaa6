"""Open data, read-only and public: the plans, their agencies, targets and tasks as JSON."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

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
        "title": plan.title,
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
    section = node.section
    return {
        "code": section.code,
        "number": section.number,
        "title": section.title,
        "content": section.content,
        "lead_agencies": [a.agency.code for a in node.leads],
        "coordinating_agencies": [a.agency.code for a in node.coordinating],
        "lead_text": section.lead_text,
        "coordinating_text": section.coordinating_text,
        "children": [_task(child) for child in node.children],
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
        "parent": target.parent.code if target.parent else None,
        "responsible_agency": target.responsible_agency.code,
    }


@login_not_required
@require_GET
def plan_index(request):
    return _json([_plan_summary(request, plan) for plan in Plan.objects.filter(is_active=True)])


@login_not_required
@require_GET
def plan_detail(request, slug):
    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        return _json({"error": "Không tìm thấy kế hoạch."}, status=404)
    targets = plan.targets.filter(is_active=True).select_related("responsible_agency", "parent")
    part_three = next((node for node in build_tree(plan) if node.section.code == "III"), None)
    data = _plan_summary(request, plan) | {
        "agencies": [
            {"code": a.code, "name": a.name, "short_name": a.short_name, "kind": a.kind}
            for a in plan.agencies.order_by("name")
        ],
        "targets": [_target(target) for target in targets.order_by("position")],
        "tasks": [_task(node) for node in part_three.children] if part_three else [],
    }
    return _json(data)


STATUS_FIELDS = ["code", "name", "horizon", "values", "status", "milestone", "method", "ratio", "explanation"]


@login_not_required
@require_GET
def plan_progress(request, slug):
    """Each target's approved or imported values and its status in `year`; JSON, or CSV with format=csv."""
    from targets.cache import plan_figures
    from targets.views import current_year

    plan = Plan.objects.filter(slug=slug, is_active=True).first()
    if plan is None:
        return _json({"error": "Không tìm thấy kế hoạch."}, status=404)
    year_text = request.GET.get("year", "")
    last = plan.last_year
    valid = year_text.isascii() and year_text.isdigit() and plan.period_start <= int(year_text) <= last
    if year_text and not valid:
        return _json({"error": f"Năm phải từ {plan.period_start} đến {last}."}, status=400)
    year = int(year_text) if year_text else current_year(plan)
    targets = list(plan.targets.filter(is_active=True).order_by("position"))
    progress, series = plan_figures(plan, targets, year)
    rows = []
    for target in targets:
        p = progress[target.pk]
        values = {str(y): v for y, v in series[target.pk].items()}
        rows.append(
            {
                "code": target.code,
                "name": target.name,
                "horizon": target.horizon,
                "values": values,
                "status": p.status,
                "milestone": p.milestone,
                "method": p.method,
                "ratio": round(p.ratio, 4) if p.ratio is not None else None,
                "explanation": p.explanation,
            }
        )
    if request.GET.get("format") == "csv":
        return _csv(rows, f"{plan.slug}-{year}.csv")
    return _json({"plan": plan.slug, "year": year, "targets": rows})


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
        writer.writerow(row | {"values": values})
    return response
