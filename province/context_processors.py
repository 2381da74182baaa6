"""Whether the menu offers the province's pages: only to those who may open them (province.views)."""

from agencies.permissions import Role, role_names
from reports import access


def province_link(request):
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or not ({Role.REVIEWER, Role.VIEWER, Role.ADMINISTRATOR} & role_names(user) or user.is_superuser)
    ):
        return {}
    return {"reads_province": lambda: access.reads_every_plan(user)}  # read only when the menu is drawn
