"""The signed-in user's roles and agency, for the menu."""

from agencies.permissions import Role, role_names


def roles(request):
    # An error page for a request refused before authentication ran (a bad Host header) has no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    names = role_names(user)
    membership = getattr(user, "membership", None) if Role.AGENCY_STAFF in names else None
    return {
        "is_reviewer": Role.REVIEWER in names,
        "can_read_all": user.is_superuser or bool({Role.REVIEWER, Role.VIEWER, Role.ADMINISTRATOR} & names),
        "is_agency_staff": membership is not None,
        "user_agency": membership.agency if membership else None,
    }
