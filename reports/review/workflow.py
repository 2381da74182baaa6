"""A report's state changes and what follows each, in one place (the Zulip `actions` style): the state rules and the
event are the model's (`AgencyReport.submit`, `approve`, `send_back`, `reopen`, `hand_over`); what follows is here —
the approved values recorded as the plan's, the agency told by mail. Every page, job and command changes a report's
state through these functions."""

from django.core.exceptions import ValidationError
from django.db import transaction

from binhson_plan.queueing import enqueue
from reports.editing import asking
from reports.editing.completeness import missing_items
from reports.notices.jobs import deliver_notification_job
from reports.notices.notifications import record_report_notice


def submit(report, by, at=None):
    """Sent to the reviewer if nothing is missing (ValidationError lists what is)."""
    return report.submit(by, missing_items, at=at)


@transaction.atomic
def approve(report, by, at=None, notify=True, seen=...):
    """`notify=False`: no message to the agency (the demo year's transitions, whose addresses are not real).
    `seen`: the version the reviewer's page showed; ReportChanged, approving nothing, if the report changed since
    (`AgencyReport._transition`), checked before its values are.
    ValidationError, approving nothing, when a value's date lies outside the window in force now (the cycle's
    cut-off moved back after the report was sent): the reviewer sends it back."""
    if seen is not ...:
        report.lock_as_seen(seen)
    stray = asking.dates_outside_window(report)
    if stray:
        raise ValidationError(
            "Chưa duyệt được: ngày số liệu của chỉ tiêu " + "; ".join(stray) + " nằm ngoài khoảng ngày cho phép theo "
            "mốc “số liệu tính đến” hiện hành của kỳ báo cáo. Trả lại báo cáo để đơn vị sửa ngày số liệu."
        )
    event = report.approve(by, at=at, seen=seen)
    asking.record_approved_values(report, by, at=at)
    if notify:
        _notify_agency(event)
    return event


@transaction.atomic
def send_back(report, by, reason: str, correction_due_on=None, at=None, notify=True, seen=...):
    event = report.send_back(by, reason, correction_due_on=correction_due_on, at=at, seen=seen)
    if notify:
        _notify_agency(event)
    return event


@transaction.atomic
def reopen(report, by, reason: str, seen=...):
    event = report.reopen(by, reason, seen=seen)
    _notify_agency(event)
    return event


def _notify_agency(event) -> None:
    """The agency's message written in the event's transaction; a job sends it once that commits."""
    notice = record_report_notice(event)
    if notice is not None:
        enqueue(deliver_notification_job, notice.pk)
