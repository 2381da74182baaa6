"""Recording target values: every change is a new version; nothing is overwritten."""

from django.db import transaction

from targets.models import Assessment, TargetValue


@transaction.atomic
def record_value(
    target, year, value, *, by=None, as_of=None, is_estimate=False, source="", source_report=None, note="", reason=""
):
    """Make `value` the current value of `target` for `year`; return the new version, or None if unchanged.
    `reason` says why a correction replaces the current version (required from the correction page)."""
    current = TargetValue.objects.select_for_update().filter(target=target, year=year, is_current=True).first()
    if current and (current.value, current.as_of, current.is_estimate) == (value, as_of, is_estimate):
        return None
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    return TargetValue.objects.create(
        target=target, year=year, value=value, as_of=as_of, is_estimate=is_estimate, source=source,
        source_report=source_report, note=note, reason=reason, recorded_by=by,
    )  # fmt: skip


def record_approved_values(report, by) -> list[TargetValue]:
    """The approved report's target values become the targets' values for the year each was asked for (the
    cycle's, or a passed milestone's that was missing: reports.asking); a value that would no longer count is
    left in the report, not recorded."""
    from reports.asking import entry_facts

    source = f"Báo cáo năm {report.cycle.year} của {report.agency.name}"
    entries = list(report.target_entries.select_related("target"))
    facts = entry_facts(report, [entry.target for entry in entries])
    recorded = []
    for entry in entries:
        if not facts[entry.target_id].counts(entry):
            continue
        if entry.value is not None:
            version = record_value(
                entry.target, entry.value_year, entry.value, by=by, as_of=entry.as_of, is_estimate=entry.is_estimate,
                source=source, source_report=report, note=entry.note,
            )  # fmt: skip
            if version:
                recorded.append(version)
        if entry.qualitative_status:
            record_assessment(entry.target_id, entry.value_year, entry.qualitative_status, by=by, source_report=report)
    return recorded


@transaction.atomic
def record_assessment(target_id, year, status, *, by=None, source_report=None, note=""):
    """Make `status` the current assessment of a qualitative target for `year`; None if unchanged."""
    current = Assessment.objects.select_for_update().filter(target_id=target_id, year=year, is_current=True).first()
    if current and current.status == status:
        return None
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    return Assessment.objects.create(
        target_id=target_id, year=year, status=status, source_report=source_report, note=note, recorded_by=by
    )
