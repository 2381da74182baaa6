"""Who may see and change which report: one helper per need, each doing the 404 and the check."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agencies.lineage import Lineage
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


def is_member(user, report) -> bool:
    """Staff of the report's agency, or of an agency it ended into (who carry on its work)."""
    own = user_agency(user)
    return bool(own) and (report.agency_id == own.pk or report.agency_id in predecessors(own))


def shows_content(user, report) -> bool:
    """Whether `user` reads what the report says: its agency's staff always; anyone else only once it is sent and
    not returned for changes (`AgencyReport.is_shared`). Others see that it exists and its state, no more."""
    return report.is_shared or is_member(user, report)


def get_report_for_reader(request, pk) -> AgencyReport:
    report = _report(pk)
    if can_read_all(request.user) or is_member(request.user, report):
        return report
    raise PermissionDenied("Bạn chỉ xem được báo cáo của đơn vị mình.")


def get_report_content_for_reader(request, pk) -> AgencyReport:
    """A report whose content (files, print) the reader may have: see `shows_content`."""
    report = get_report_for_reader(request, pk)
    if not shows_content(request.user, report):
        raise PermissionDenied(REOPENED if report.is_reopened else UNSENT)
    return report


UNSENT = "Báo cáo chưa gửi (hoặc đã trả lại, đơn vị đang bổ sung): nội dung chỉ đơn vị xem được cho đến khi gửi."
REOPENED = (
    "Báo cáo đã duyệt đang được mở lại để đơn vị sửa: bản in và tệp Excel của báo cáo chỉ đơn vị xem được cho đến khi "
    "gửi lại. Nội dung đã duyệt vẫn được dùng trên bảng điều khiển và trong báo cáo tổng hợp."
)


def predecessors(agency) -> set[int]:
    """The agencies that ended (renamed, merged, split, dissolved) into `agency`, directly or not: its staff read
    their reports (read only), the history of what the agency carries on."""
    return Lineage.load().predecessors_of(agency.pk)


def is_own_staff(user, report) -> bool:
    """Staff of the report's own agency: the only ones who change it."""
    return report.agency == user_agency(user) and has_role(user, Role.AGENCY_STAFF)


def get_report_for_editor(request, pk) -> AgencyReport:
    report = _report(pk)
    if not is_own_staff(request.user, report):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được sửa báo cáo của đơn vị mình.")
    return report


def get_report_for_reviewer(request, pk) -> AgencyReport:
    if not is_reviewer(request.user):
        raise PermissionDenied("Chỉ Văn phòng huyện được thẩm định báo cáo.")
    return _report(pk)


def require_reviewer(request) -> None:
    if not is_reviewer(request.user):
        raise PermissionDenied("Chỉ Văn phòng huyện được dùng chức năng này.")
