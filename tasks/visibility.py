"""Who sees which plan's pages. The roles per plan and the agencies' reports live in reports (a layer above), which
fills the two slots below in its AppConfig.ready(), as targets.pending's; without it every logged-in user sees every
plan.

Two kinds of page:
- the plan as issued (its text, task tree, targets and their goals): what the public page and the open data show.
  Everyone logged in opens it, but agency staff only for the plans where their agency has a part;
- the pages behind it (a target's recorded values and who recorded them, values sent and not yet approved, status
  overrides and their reasons, goal history): only for those who read the plan (its reviewers, leadership,
  administrators) and for staff whose agency has a part in it."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied

# (user, plan) → whether `user` may open the plan as issued
_opens: Callable | None = None
# (user, plan) → whether `user` may read the plan's pages behind the public ones
_reads: Callable | None = None

NOT_SHOWN = "Bạn không được giao theo dõi kế hoạch “{plan}”."  # as reports.access.NOT_READ


def provide(opens: Callable, reads: Callable) -> None:
    global _opens, _reads
    _opens, _reads = opens, reads


def opens_plan(user, plan) -> bool:
    return _opens is None or _opens(user, plan)


def sees_plan(user, plan) -> bool:
    return _reads is None or _reads(user, plan)


def check_opens(user, plan) -> None:
    """PermissionDenied, in Vietnamese and naming the plan, unless `user` may open the plan as issued."""
    if not opens_plan(user, plan):
        raise PermissionDenied(NOT_SHOWN.format(plan=plan.display_title))


def check_sees(user, plan) -> None:
    """PermissionDenied, in Vietnamese and naming the plan, unless `user` reads the plan's pages behind the public."""
    if not sees_plan(user, plan):
        raise PermissionDenied(NOT_SHOWN.format(plan=plan.display_title))
