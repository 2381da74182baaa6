"""A reviewer's override of a computed status, with a written reason (PRODUCT.md §4), and which override
stands in a given year.

An override is made for one target and one year. A milestone judged once (Đạt / Không đạt, `final`) stays
judged in the years after: its override, made in a year from the milestone's on, stands in those later
years too, until a newer one (or a withdrawal) supersedes it. Every page that shows a status shows the
override beside it, never instead of it.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction

from targets.cache import cached
from targets.models import StatusOverride

# The statuses of a milestone judged once, at its year (targets.progress: `final` is set exactly for these).
FINAL_STATUSES = frozenset({"met", "not_met"})


@transaction.atomic
def override_status(target, year: int, status: str, reason: str, *, by, computed_status: str = "") -> StatusOverride:
    """Make `status` the reviewer's status of `target` in `year` ("" withdraws the override); the current
    override, if any, stays in the history, superseded."""
    reason = unicodedata.normalize("NFC", (reason or "").replace("\x00", "")).strip()
    if not reason:
        raise ValidationError("Cần ghi lý do điều chỉnh.")
    current = StatusOverride.objects.select_for_update().filter(target=target, year=year, is_current=True).first()
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    return StatusOverride.objects.create(
        target=target, year=year, status=status, computed_status=computed_status, reason=reason, by=by
    )


def standing(year: int, judged: dict[int, tuple[int, bool]]) -> dict[int, StatusOverride]:
    """Target id → the override that stands in `year`, for targets given as {id: (horizon, final)}. One query."""
    rows = StatusOverride.objects.current().filter(target_id__in=list(judged), year__lte=year).select_related("by")
    by_target = {}
    for override in rows:
        by_target.setdefault(override.target_id, []).append(override)
    found = {pk: pick(rows, year, *judged[pk]) for pk, rows in by_target.items()}
    return {pk: override for pk, override in found.items() if override}


def pick(overrides, year: int, horizon: int, final: bool) -> StatusOverride | None:
    """Of one target's current overrides, the one standing in `year`: that year's, or for a milestone judged
    once, the latest made from its year on; None when there is none or the latest applying is a withdrawal."""
    applying = [
        o for o in overrides if o.is_current and (o.year == year or (final and horizon <= o.year <= year))
    ]  # fmt: skip
    latest = max(applying, key=lambda o: (o.year, o.at, o.pk), default=None)
    return latest if latest and latest.status else None


def overrides_for(targets, year: int, progress: dict) -> dict[int, StatusOverride]:
    """Target id → the override standing in `year`, given each target's computed progress."""
    return standing(year, {t.pk: (t.horizon, progress[t.pk].final) for t in targets})


def plan_overrides(plan, targets, year: int, progress: dict) -> dict[int, StatusOverride]:
    """The overrides standing in `year` for the plan's targets, kept with its other cached figures (a new
    override bumps their generation)."""
    return cached("dieu-chinh", plan.pk, year, compute=lambda: overrides_for(targets, year, progress))


def history(target):
    """Every override of the target, newest first, superseded ones included."""
    return target.status_overrides.select_related("by").order_by("-at", "-pk")
