"""Agency pages: what each agency leads, coordinates and owns in every plan, and where it came from or went."""

import datetime

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from agencies.lineage import Lineage
from agencies.models import Agency, ReorganisationKind
from binhson_plan.collation import vietnamese
from targets.models import Target
from tasks.models import Section


def agency_list(request):
    lineage = Lineage.load()
    agencies = list(Agency.objects.order_by("kind", vietnamese("name")))
    named = {a.pk: a for a in agencies}
    for agency in agencies:
        step = lineage.ended.get(agency.pk)
        agency.ending = _event(step, agency.pk, "into", named) if step else None
    return render(request, "agencies/agency_list.html", {"agencies": agencies})


def agency_detail(request, code):
    """Today's tasks and targets, or, for an agency that no longer exists, those it held on its last day; and its
    lineage: what it became and what it took over, with dates and legal bases."""
    agency = get_object_or_404(Agency, code=code)
    lineage = Lineage.load()
    ended = lineage.ended.get(agency.pk)
    on = ended.effective_on - datetime.timedelta(days=1) if ended else timezone.localdate()
    named = Agency.objects.in_bulk(lineage.agency_ids()) if lineage.steps else {}
    history = [_event(s, agency.pk, "into", named) for s in lineage.became(agency.pk)]
    history += [_event(s, agency.pk, "from", named) for s in lineage.came_from(agency.pk)]
    sections = Section.objects.active().select_related("plan", "parent").order_by("plan", "position")
    context = {
        "agency": agency,
        "on": on,
        "ending": _event(ended, agency.pk, "into", named) if ended else None,
        "history": sorted(history, key=lambda e: (e["date"], e["side"] == "into")),
        "led": sections.led_by(agency, on, lineage),
        "coordinated": sections.coordinated_by(agency, on, lineage),
        "targets": Target.objects.filter(is_active=True)
        .filter(lineage.target_condition(agency.pk, on))
        .select_related("plan")
        .order_by("plan", "horizon", "position"),
    }
    return render(request, "agencies/agency_detail.html", context)


def _event(step, agency_id: int, side: str, named: dict) -> dict:
    """One reorganisation seen from one agency: `into` (it gave something away) or `from` (it received)."""
    if side == "into":
        receivers = step.successors
        if step.kind in (ReorganisationKind.TRANSFER, ReorganisationKind.DISSOLUTION):
            receivers = tuple(dict.fromkeys(a for a, _ in step.move_labels))
        others, items = receivers, [label for _, label in step.move_labels]
    else:
        others, items = step.predecessors, [label for a, label in step.move_labels if a == agency_id]
    return {
        "side": side,
        "kind": step.kind,
        "kind_label": ReorganisationKind(step.kind).label,
        "date": step.effective_on,
        "agencies": [named[a] for a in others if a in named],
        "items": items,
        "takes_rest": agency_id in step.main,
        "legal_basis": step.legal_basis,
        "code": step.code,
    }
