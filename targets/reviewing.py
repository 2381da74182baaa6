"""Which plans a reviewer reviews is the reports app's (its roles per plan, a layer above), which fills the slot
below in its AppConfig.ready(), as targets.pending's; without it a reviewer reviews every plan."""

from collections.abc import Callable

from agencies.permissions import Role, has_role

# (user, plan) → whether the user, a reviewer, is appointed to review the plan
_check: Callable | None = None


def provide(check: Callable) -> None:
    global _check
    _check = check


def reviews_plan(user, plan) -> bool:
    """Whether `user` reviews `plan`: a reviewer appointed to it (or to every plan)."""
    return has_role(user, Role.REVIEWER) and (_check is None or _check(user, plan))
