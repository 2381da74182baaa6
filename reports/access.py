"""Who may see and change which report: one helper per need, each doing the 404 and the check."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agencies.permissions import Role, has_role
from reports.models import AgencyReport


def user_agency(user):
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.agency if membership else None


def is_reviewer(user) -> bool:
    return has_role(user, Role.REVIEWER)


def can_read_all(user) -> bool:
    """Reviewers, viewers and administrators read every agency's report."""
    return user.is_superuser or any(has_role(user, role) for role in (Role.REVIEWER, Role.VIEWER, Role.ADMINISTRATOR))


def _report(pk):
    return get_object_or_404(AgencyReport.objects.select_related("agency", "cycle__plan"), pk=pk)


def get_report_for_reader(request, pk) -> AgencyReport:
    report = _report(pk)
    own = user_agency(request.user)
    if can_read_all(request.user) or report.agency == own or (own and report.agency_id in predecessors(own)):
        return report
    raise PermissionDenied("Bạn chỉ xem được báo cáo của đơn vị mình.")


def predecessors(agency) -> set[int]:
    """The agencies that ended (renamed, merged, split, dissolved) into `agency`, directly or not: its staff read
    their reports (read only), the history of what the agency carries on."""
    from agencies.lineage import Lineage

    return Lineage.load().predecessors_of(agency.pk)


def get_report_for_editor(request, pk) -> AgencyReport:
    report = _report(pk)
    if report.agency != user_agency(request.user) or not has_role(request.user, Role.AGENCY_STAFF):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được sửa báo cáo của đơn vị mình.")
    return report


def get_report_for_reviewer(request, pk) -> AgencyReport:
    if not is_reviewer(request.user):
        raise PermissionDenied("Chỉ Văn phòng huyện được thẩm định báo cáo.")
    return _report(pk)


def require_reviewer(request) -> None:
    if not is_reviewer(request.user):
        raise PermissionDenied("Chỉ Văn phòng huyện được dùng chức năng này.")
