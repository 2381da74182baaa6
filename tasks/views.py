"""Pages that show a plan as issued: its parts, targets and task tree."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from agencies.lineage import Lineage
from tasks.models import Plan
from tasks.structure import build_tree, walk


def plan_list(request):
    plans = list(Plan.objects.filter(is_active=True))
    return render(request, "tasks/plan_list.html", {"plans": plans})


def plan_detail(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
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
    }
    return render(request, "tasks/plan_detail.html", context)
