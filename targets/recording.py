"""Recording target values: every change is a new version; nothing is overwritten."""

from django.db import transaction

from targets.models import Assessment, Target, TargetValue

UNSEEN = object()  # `based_on` not given: the writer does not claim to have seen a version


class ValueChanged(Exception):
    """The current value is no longer the one the writer saw (issue 17: a correction over a figure unseen)."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"the current value is now {current and current.pk}")


def _lock_target(target_id):
    """Every writer of a target's values and assessments waits here for the one before it (issue 17): on
    PostgreSQL a lock on the current version, once released, finds it no longer current and the new version
    then broke the unique index; the target row stays, so writers queue and each reads the latest version."""
    Target.objects.select_for_update().filter(pk=target_id).values_list("pk", flat=True).first()


def lock_targets(target_ids):
    """Lock every target a multi-row write will touch, in one order (by id), before the first is written: two
    writers touching the same targets in different orders (an import's rows, an approval's entries) then queue
    instead of each holding one lock and waiting for the other's (a deadlock PostgreSQL ends by aborting one)."""
    list(Target.objects.select_for_update().filter(pk__in=set(target_ids)).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def record_value(
    target, year, value, *, by=None, as_of=None, is_estimate=False, source="", source_report=None, note="", reason="",
    at=None, based_on=UNSEEN,
):  # fmt: skip
    """Make `value` the current value of `target` for `year`; return the new version, or None if unchanged.
    `reason` says why a correction replaces the current version (required from the correction page); `at` when
    it was recorded, if not now (an approval dated in the past: the value carries the approval's time);
    `based_on` the id of the current version the writer saw (None: none), else ValueChanged is raised."""
    _lock_target(target.pk)
    current = TargetValue.objects.filter(target=target, year=year, is_current=True).first()
    if based_on is not UNSEEN and (current.pk if current else None) != based_on:
        raise ValueChanged(current)
    if not changes(current, value, as_of, is_estimate, note):
        return None
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    version = TargetValue.objects.create(
        target=target, year=year, value=value, as_of=as_of, is_estimate=is_estimate, source=source,
        source_report=source_report, note=note, reason=reason, recorded_by=by,
    )  # fmt: skip
    return _dated(version, at)


def changes(current, value, as_of, is_estimate, note) -> bool:
    """Whether recording this over the `current` version makes a new version."""
    same = current and (current.value, current.as_of, current.is_estimate) == (value, as_of, is_estimate)
    return not (same and (not note or current.note == note))  # a new note is a change too (the eighth probe)


def _dated(version, at):
    """The new version with `at` as its recording time (auto_now_add sets now on create)."""
    if at is not None:
        type(version).objects.filter(pk=version.pk).update(recorded_at=at)
        version.recorded_at = at
    return version


@transaction.atomic
def record_assessment(target_id, year, status, *, by=None, source_report=None, note="", at=None):
    """Make `status` the current assessment of a qualitative target for `year`; None if unchanged. `at` as for
    record_value."""
    _lock_target(target_id)
    current = Assessment.objects.filter(target_id=target_id, year=year, is_current=True).first()
    if current and current.status == status:
        return None
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    version = Assessment.objects.create(
        target_id=target_id, year=year, status=status, source_report=source_report, note=note, recorded_by=by
    )
    return _dated(version, at)
