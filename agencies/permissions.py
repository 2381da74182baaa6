"""The portal's roles, kept as Django groups (created by a migration, given in admin)."""

from django.contrib.auth.models import Group


class Role:
    AGENCY_STAFF = "Cán bộ đơn vị"
    REVIEWER = "Văn phòng huyện (thẩm định)"
    VIEWER = "Lãnh đạo, theo dõi"
    ADMINISTRATOR = "Quản trị"

    ALL = [AGENCY_STAFF, REVIEWER, VIEWER, ADMINISTRATOR]


def role_names(user) -> set[str]:
    """The user's roles, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_portal_roles"):
        user._portal_roles = set(user.groups.values_list("name", flat=True))
    return user._portal_roles


def has_role(user, role: str) -> bool:
    return role in role_names(user)


def add_role(user, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))
    user.__dict__.pop("_portal_roles", None)


def account_of(user) -> str:
    """The user's account in words, for a refusal that fits the person ("tài khoản của bạn là …"): the agency of its
    staff, leadership that reads, a reviewer, or an account given no role yet."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if has_role(user, Role.AGENCY_STAFF):
        if membership is None:
            return "tài khoản cán bộ của bạn chưa gắn với đơn vị nào: xin quản trị viên gắn đơn vị"
        return f"tài khoản của bạn là tài khoản cán bộ {membership.agency.name}"
    if has_role(user, Role.VIEWER):
        return "tài khoản của bạn là tài khoản lãnh đạo, theo dõi (chỉ xem)"
    if has_role(user, Role.REVIEWER):
        return "tài khoản của bạn là tài khoản thẩm định"
    return "tài khoản của bạn chưa được giao vai trò nào: xin quản trị viên phân công"
