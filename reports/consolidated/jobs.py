"""Background jobs of the consolidated report: thin, load by id, call one function."""

from celery import shared_task
from django.db import DatabaseError

from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES
from reports.consolidated import schedule
from reports.consolidated.build import build_consolidated_report


# Also a full or unwritable disk (OSError), on the same schedule: room may be made meanwhile.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    **RIDE_OUT_DATABASE_OUTAGES | {"autoretry_for": (DatabaseError, OSError)},
)
def build_consolidated_report_job(report_id: int) -> int:
    return build_consolidated_report(report_id).pk


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def rebuild_draft_reports_job() -> list[int]:
    return schedule.rebuild_drafts()


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def requeue_stalled_builds_job() -> list[int]:
    return schedule.requeue_stalled()
