"""Which plans a reviewer reviews is the reports app's (its roles per plan, a layer above), which fills the slot
below in its AppConfig.ready(), as targets.pending's; without it a reviewer reviews every plan."""

from collections.abc import Callable

from agencies.permissions import Role, account_of, has_role
from targets.status import current_year
from tasks.models import ReportIssuer

# (user, plan) → whether the user, a reviewer, is appointed to review the plan
_check: Callable | None = None


def provide(check: Callable) -> None:
    global _check
    _check = check


def reviews_plan(user, plan) -> bool:
    """Whether `user` reviews `plan`: a reviewer appointed to it (or to every plan)."""
    return has_role(user, Role.REVIEWER) and (_check is None or _check(user, plan))


NOT_YOUR_PLAN = "Bạn không được giao thẩm định kế hoạch “{plan}”."  # reports.access says the same


def refusal(user, plan, what: str, also: str = "") -> str:
    """A non-reviewer's refusal of `what` ("đính chính số liệu"): who does it for the plan this year (the body that
    reviews it, `also` others), and what the user's own account is."""
    body = ReportIssuer.for_year(plan, current_year(plan)).reviewer_name
    others = f" {also}" if also else ""
    return f"Việc {what} của kế hoạch “{plan.short_title}” do {body}{others} làm; {account_of(user)}."
