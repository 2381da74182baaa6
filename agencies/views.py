"""The list of agencies, with where each one that ended went. An agency's own page shows what it leads,
coordinates and owns in every plan, so it lives above the plans' apps (targets/agency_views.py), and shows its
reorganisations with `seen_from`."""

from django.shortcuts import render

from agencies.lineage import Lineage
from agencies.models import Agency, ReorganisationKind
from binhson_plan.collation import vietnamese


def agency_list(request):
    lineage = Lineage.load()
    agencies = list(Agency.objects.order_by("kind", vietnamese("name")))
    named = {a.pk: a for a in agencies}
    for agency in agencies:
        step = lineage.ended.get(agency.pk)
        agency.ending = seen_from(step, agency.pk, "into", named) if step else None
    return render(request, "agencies/agency_list.html", {"agencies": agencies})


def seen_from(step, agency_id: int, side: str, named: dict) -> dict:
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
