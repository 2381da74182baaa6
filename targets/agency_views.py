"""An agency's page: today's tasks and targets in every plan (or, for an agency that no longer exists, those it held
on its last day), and its lineage. The list of agencies is agencies/views.py."""

import datetime

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from agencies.lineage import Lineage
from agencies.models import Agency
from agencies.permissions import Role, has_role
from agencies.views import seen_from
from targets.models import Target
from tasks.models import Plan, Section
from tasks.visibility import opens_plan


def agency_detail(request, code):
    """Today's tasks and targets, or, for an agency that no longer exists, those it held on its last day; and its
    lineage: what it became and what it took over, with dates and legal bases."""
    agency = get_object_or_404(Agency, code=code)
    lineage = Lineage.load()
    ended = lineage.ended.get(agency.pk)
    on = ended.effective_on - datetime.timedelta(days=1) if ended else timezone.localdate()
    named = Agency.objects.in_bulk(lineage.agency_ids()) if lineage.steps else {}
    history = [seen_from(s, agency.pk, "into", named) for s in lineage.became(agency.pk)]
    history += [seen_from(s, agency.pk, "from", named) for s in lineage.came_from(agency.pk)]
    # agency staff see only the plans where their agency has a part (tasks.visibility); others every plan
    staff = has_role(request.user, Role.AGENCY_STAFF)
    hidden = [plan.pk for plan in Plan.objects.all() if not opens_plan(request.user, plan)] if staff else []
    sections = (
        Section.objects.active().exclude(plan__in=hidden).select_related("plan", "parent").order_by("plan", "position")
    )
    context = {
        "agency": agency,
        "on": on,
        "ending": seen_from(ended, agency.pk, "into", named) if ended else None,
        "history": sorted(history, key=lambda e: (e["date"], e["side"] == "into")),
        "led": sections.led_by(agency, on, lineage),
        "coordinated": sections.coordinated_by(agency, on, lineage),
        "targets": Target.objects.filter(is_active=True)
        .exclude(plan__in=hidden)
        .filter(lineage.target_condition(agency.pk, on))
        .select_related("plan")
        .order_by("plan", "horizon", "position"),
    }
    return render(request, "agencies/agency_detail.html", context)
