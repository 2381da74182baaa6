"""Agency pages: what each agency leads, coordinates and owns in every plan."""

from django.shortcuts import get_object_or_404, render

from agencies.models import Agency
from binhson_plan.collation import vietnamese
from targets.models import Target
from tasks.models import Section


def agency_list(request):
    agencies = Agency.objects.order_by("kind", vietnamese("name"))
    return render(request, "agencies/agency_list.html", {"agencies": agencies})


def agency_detail(request, code):
    agency = get_object_or_404(Agency, code=code)
    sections = Section.objects.active().select_related("plan", "parent").order_by("plan", "position")
    context = {
        "agency": agency,
        "led": sections.led_by(agency),
        "coordinated": sections.coordinated_by(agency),
        "targets": Target.objects.filter(responsible_agency=agency, is_active=True)
        .select_related("plan")
        .order_by("plan", "horizon", "position"),
    }
    return render(request, "agencies/agency_detail.html", context)
