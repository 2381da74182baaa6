"""Values sent in a report and not yet approved, shown on the target page beside the recorded ones: they live in
reports (a layer above), which fills the slot below in its AppConfig.ready(); without it there are none."""

from collections.abc import Callable

# (user, target, year) → the entries of reports sent and awaiting approval that `user` may read, for the target's
# indicator, with `value`, `is_estimate`, `qualitative_status`, `value_year` and `report.agency`
_source: Callable | None = None


def provide(source: Callable) -> None:
    global _source
    _source = source


def pending_values(user, target, year) -> list:
    return _source(user, target, year) if _source else []
