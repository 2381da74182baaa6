"""Background jobs of the consolidated report: thin, load by id, call one function."""

from celery import shared_task
from django.db import DatabaseError

from reports.consolidated import schedule
from reports.consolidated.build import build_consolidated_report


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
def rebuild_draft_reports_job() -> list[int]:
    return schedule.rebuild_drafts()


@shared_task(acks_late=True)
def requeue_stalled_builds_job() -> list[int]:
    return schedule.requeue_stalled()
