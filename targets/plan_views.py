"""A plan's page as issued: its parts and task tree, today's agencies beside the plan's own words, and its targets
under the sections they belong to. The list of plans is tasks/views.py."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from agencies.lineage import Lineage
from targets.status import current_year
from tasks.models import Plan, ReportIssuer
from tasks.structure import build_tree, walk
from tasks.visibility import check_opens


def plan_detail(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    check_opens(request.user, plan)  # the plan as issued, as the public page shows it; staff: their plans only
    lineage = Lineage.load()
    parts = build_tree(plan, lineage=lineage)  # today's agencies beside the plan's own words
    targets = list(plan.targets.filter(is_active=True).select_related("responsible_agency").order_by("position"))
    owners = lineage.owners(targets, timezone.localdate())
    by_section = {}
    for target in targets:
        target.owner = owners[target.pk]
        by_section.setdefault(target.section_id, []).append(target)
    for node in walk(parts):
        node.targets = by_section.pop(node.section.pk, [])
    context = {
        "plan": plan,
        "parts": parts,
        "unplaced_targets": [t for ts in by_section.values() for t in ts],
        "issuer": ReportIssuer.for_year(plan, current_year(plan)),  # who receives the reports this year, and sums up
    }
    return render(request, "tasks/plan_detail.html", context)
