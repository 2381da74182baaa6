"""Who may see and change which report: one helper per need, each doing the 404 and the check."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from agencies.lineage import Lineage
from agencies.models import Membership
from agencies.permissions import Role, account_of, has_role
from reports.models import AgencyReport, PlanRole, PlanRoleKind
from targets import reviewing
from targets.status import current_year
from tasks.models import Plan, ReportIssuer


def user_agency(user):
    if not user.is_authenticated:
        return None
    membership = user._meta.get_field("membership")
    if not membership.is_cached(user):  # the membership and its agency in one query, kept on the user as Django would
        membership.set_cached_value(user, Membership.objects.select_related("agency").filter(user=user).first())
    membership = getattr(user, "membership", None)
    return membership.agency if membership else None


def is_reviewer(user) -> bool:
    return has_role(user, Role.REVIEWER)


def can_read_all(user) -> bool:
    """Reviewers, viewers and administrators read every agency's report."""
    return user.is_superuser or any(has_role(user, role) for role in (Role.REVIEWER, Role.VIEWER, Role.ADMINISTRATOR))


def _plan_rows(user) -> list[tuple[str, int | None]]:
    """The user's (role, plan id) rows, read once per request (cached on the user object, like role_names)."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_portal_plan_roles"):
        user._portal_plan_roles = list(PlanRole.objects.filter(user=user).values_list("role", "plan_id"))
    return user._portal_plan_roles


def reviews_every_plan(user) -> bool:
    """A reviewer appointed to every plan of the province (the Sở Dân tộc và Tôn giáo)."""
    return is_reviewer(user) and (PlanRoleKind.REVIEWER, None) in _plan_rows(user)


def reads_every_plan(user) -> bool:
    """Whether `user` reads every plan of the province: administrators, the Sở (a reviewer of every plan), and
    viewers (leadership) whose rows name no plan or every plan. The province's pages are theirs."""
    if user.is_superuser or has_role(user, Role.ADMINISTRATOR):
        return True
    if has_role(user, Role.VIEWER):
        named = {p for role, p in _plan_rows(user) if role == PlanRoleKind.VIEWER}
        if not named or None in named:
            return True
    return reviews_every_plan(user)


def _reviewed_ids(user) -> set[int]:
    return {plan for role, plan in _plan_rows(user) if role == PlanRoleKind.REVIEWER and plan is not None}


def reviews(user, plan) -> bool:
    """Whether `user` reviews `plan`: a reviewer appointed to it, or to every plan."""
    return is_reviewer(user) and (reviews_every_plan(user) or plan.pk in _reviewed_ids(user))


def plans_reviewed_by(user):
    """The active plans `user` reviews (none for anyone but a reviewer with rows)."""
    active = Plan.objects.filter(is_active=True)
    if not is_reviewer(user):
        return active.none()
    return active if reviews_every_plan(user) else active.filter(pk__in=_reviewed_ids(user))


def reads_plan(user, plan) -> bool:
    """Whether `user` reads the plan's pages for reviewers and leadership (dashboard, consolidated reports): its
    reviewers, administrators, and viewers (every plan, unless their rows name some)."""
    if user.is_superuser or has_role(user, Role.ADMINISTRATOR) or reviews(user, plan):
        return True
    if not has_role(user, Role.VIEWER):
        return False
    named = {p for role, p in _plan_rows(user) if role == PlanRoleKind.VIEWER}
    return not named or None in named or plan.pk in named


def plans_read_by(user):
    """The active plans whose reviewers' and leadership's pages `user` reads (see `reads_plan`)."""
    active = Plan.objects.filter(is_active=True)
    if user.is_superuser or has_role(user, Role.ADMINISTRATOR):
        return active
    named = {p for role, p in _plan_rows(user) if role == PlanRoleKind.VIEWER}
    if has_role(user, Role.VIEWER) and (not named or None in named):
        return active
    allowed = Q(pk__in=named) if has_role(user, Role.VIEWER) else Q(pk__in=[])
    return active.filter(allowed) | plans_reviewed_by(user)


def staff_plan_ids(user) -> set[int]:
    """The plans where the user's agency has a part: it reports in one of their cycles, or the plan names it; the
    same for an agency it carries on (predecessors). Read once per request (cached on the user object)."""
    agency = user_agency(user)
    if agency is None or not has_role(user, Role.AGENCY_STAFF):
        return set()
    if not hasattr(user, "_portal_staff_plans"):
        agencies = {agency.pk} | predecessors(agency)
        reported = AgencyReport.objects.filter(agency_id__in=agencies).values_list("cycle__plan_id", flat=True)
        named = Plan.agencies.through.objects.filter(agency_id__in=agencies).values_list("plan_id", flat=True)
        user._portal_staff_plans = set(reported) | set(named)
    return user._portal_staff_plans


def opens_plan(user, plan) -> bool:
    """The plan as issued (what the public page shows): everyone logged in, but agency staff (who read no plan as
    reviewers or leadership do) only where their agency has a part."""
    if reads_plan(user, plan) or not has_role(user, Role.AGENCY_STAFF):
        return True
    return plan.pk in staff_plan_ids(user)


def sees_plan(user, plan) -> bool:
    """The plan's pages behind the public ones (recorded values and who recorded them, values awaiting approval,
    overrides and their reasons): those who read the plan, and staff whose agency has a part in it."""
    return reads_plan(user, plan) or plan.pk in staff_plan_ids(user)


NOT_YOUR_PLAN = reviewing.NOT_YOUR_PLAN  # "Bạn không được giao thẩm định kế hoạch “{plan}”."
NOT_READ = "Bạn không được giao theo dõi kế hoạch “{plan}”."
NO_PLAN = (
    "Tài khoản của bạn chưa được phân công thẩm định kế hoạch nào. Xin quản trị viên phân công "
    "(Quản trị → Phân công theo kế hoạch)."
)


def reviewer_name(plan, year: int | None = None) -> str:
    """The body that reviews the plan's reports of `year` (this year's, within the plan, by default)."""
    return ReportIssuer.for_year(plan, current_year(plan) if year is None else year).reviewer_name


def not_reviewer(user, plan=None, year: int | None = None) -> str:
    """The refusal for someone who is no reviewer: who reviews (the plan's body of the year, when there is a plan),
    and what their own account is."""
    if plan is None:
        return f"Chức năng này dành cho cơ quan thẩm định; {account_of(user)}."
    body = reviewer_name(plan, year)
    return f"Báo cáo của kế hoạch “{plan.short_title}” do {body} thẩm định; {account_of(user)}."


def not_reading(user, plan) -> str:
    """The refusal for someone who does not read the plan's pages: a reviewer of other plans is told it is not one
    of theirs to review; anyone else, not one of theirs to follow."""
    if is_reviewer(user) and not has_role(user, Role.VIEWER):
        return NOT_YOUR_PLAN.format(plan=plan.short_title)
    return NOT_READ.format(plan=plan.short_title)


def not_for_readers(user, page: str) -> str:
    """The refusal of a page for reviewers and leadership (`page`: "Bảng điều khiển", …) to anyone else."""
    return f"{page} dành cho cơ quan thẩm định và lãnh đạo; {account_of(user)}."


def get_plan_for_user(request, slug, *, review=False) -> Plan:
    """The active plan `slug` (404 otherwise) if the user may read its pages (`review=False`) or review it."""
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    if review:
        check_reviews(request.user, plan)
    elif not reads_plan(request.user, plan):
        raise PermissionDenied(not_reading(request.user, plan))
    return plan


def check_reviews(user, plan, year: int | None = None) -> None:
    """PermissionDenied, in Vietnamese and fit for the person, unless `user` reviews `plan`."""
    if not is_reviewer(user):
        raise PermissionDenied(not_reviewer(user, plan, year))
    if not reviews(user, plan):
        raise PermissionDenied(NOT_YOUR_PLAN.format(plan=plan.short_title))


def in_plan(slug, field: str = "plan__slug") -> dict:
    """The filter that keeps a lookup within the plan its address names (`slug`; None: an old plan-less address,
    still served for the POSTs of forms opened before the addresses carried their plan). In the lookup's own query:
    a wrong plan is the same 404 as a missing id, at no extra query."""
    return {} if slug is None else {field: slug}


def _report(pk, slug=None):
    reports = AgencyReport.objects.select_related("agency", "cycle__plan")
    return get_object_or_404(reports, pk=pk, **in_plan(slug, "cycle__plan__slug"))


def is_member(user, report) -> bool:
    """Staff of the report's agency, or of an agency it ended into (who carry on its work)."""
    own = user_agency(user)
    return bool(own) and (report.agency_id == own.pk or report.agency_id in predecessors(own))


def shows_content(user, report) -> bool:
    """Whether `user` reads what the report says: its agency's staff always; anyone else only once it is sent and
    not returned for changes (`AgencyReport.is_shared`). Others see that it exists and its state, no more."""
    return report.is_shared or is_member(user, report)


def get_report_for_reader(request, pk, slug=None) -> AgencyReport:
    report = _report(pk, slug)
    if can_read_all(request.user) and reads_plan(request.user, report.cycle.plan) or is_member(request.user, report):
        return report
    if can_read_all(request.user):
        raise PermissionDenied(not_reading(request.user, report.cycle.plan))
    if user_agency(request.user) is None:
        raise PermissionDenied(f"Bạn không xem được báo cáo này; {account_of(request.user)}.")
    raise PermissionDenied("Bạn chỉ xem được báo cáo của đơn vị mình.")


def get_report_content_for_reader(request, pk, slug=None) -> AgencyReport:
    """A report whose content (files, print) the reader may have: see `shows_content`."""
    report = get_report_for_reader(request, pk, slug)
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


def get_report_for_editor(request, pk, slug=None) -> AgencyReport:
    return check_editor(request, _report(pk, slug))


def check_editor(request, report) -> AgencyReport:
    """`report`, if `request`'s user may change it."""
    if not is_own_staff(request.user, report):
        raise PermissionDenied(f"Chỉ cán bộ {report.agency.name} được sửa báo cáo này; {account_of(request.user)}.")
    return report


def get_report_for_reviewer(request, pk, slug=None) -> AgencyReport:
    report = _report(pk, slug)
    check_reviews(request.user, report.cycle.plan, report.cycle.year)
    return report


def require_reviewer(request) -> None:
    if not is_reviewer(request.user):
        raise PermissionDenied(not_reviewer(request.user))
