"""The page of one target: the plan's sentence, how it is measured, and its yearly values."""

from django.shortcuts import get_object_or_404, render

from targets.models import Target


def target_detail(request, slug, code):
    target = get_object_or_404(
        Target.objects.select_related("plan", "responsible_agency", "parent", "section"),
        plan__slug=slug,
        code=code,
    )
    context = {
        "target": target,
        "sub_targets": target.sub_targets.filter(is_active=True),
        "values": target.values.order_by("year", "recorded_at"),
    }
    return render(request, "targets/target_detail.html", context)
