"""Background jobs of the reports app: thin, load by id, call one function."""

from celery import shared_task
from django.db import DatabaseError

from reports import notifications, reminders
from reports.consolidation import build_consolidated_report


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_report_notice_job(event_id: int) -> bool:
    return notifications.send_report_notice(event_id)


@shared_task(acks_late=True)
def send_review_digest_job() -> bool:
    return notifications.send_review_digest()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=True,
    max_retries=3,
)
def build_consolidated_report_job(report_id: int) -> int:
    return build_consolidated_report(report_id).pk


@shared_task(acks_late=True)
def send_reminders_job() -> int:
    return reminders.send_reminders()


@shared_task(acks_late=True)
def rebuild_draft_reports_job() -> list[int]:
    return reminders.rebuild_drafts()


@shared_task(acks_late=True)
def requeue_stalled_builds_job() -> list[int]:
    return reminders.requeue_stalled()
