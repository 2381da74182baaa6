"""The portal's roles, kept as Django groups (created by a migration, given in admin)."""

from django.contrib.auth.models import Group


class Role:
    AGENCY_STAFF = "Cán bộ đơn vị"
    REVIEWER = "Văn phòng huyện (thẩm định)"
    VIEWER = "Lãnh đạo, theo dõi"
    ADMINISTRATOR = "Quản trị"

    ALL = [AGENCY_STAFF, REVIEWER, VIEWER, ADMINISTRATOR]


def has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    return any(group.name == role for group in user.groups.all())


def add_role(user, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))
