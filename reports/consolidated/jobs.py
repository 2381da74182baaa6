"""Background jobs of the consolidated report: thin, load by id, call one function."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES
from reports.consolidated import schedule
from reports.consolidated.build import build_consolidated_report

# A run never outlives the sweep's patience (REPORT_BUILD_STALE_MINUTES of silence): it is stopped first, marked
# failed with a message, and so the sweep can never take a live run for dead and start a second one beside it.
BUILD_SOFT_TIME_LIMIT = max(settings.REPORT_BUILD_STALE_MINUTES * 60 - 60, 30)
BUILD_TIME_LIMIT = BUILD_SOFT_TIME_LIMIT + 30


# Also a full or unwritable disk (OSError), on the same schedule: room may be made meanwhile.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=BUILD_SOFT_TIME_LIMIT,
    time_limit=BUILD_TIME_LIMIT,
    **RIDE_OUT_DATABASE_OUTAGES | {"autoretry_for": (DatabaseError, OSError)},
)
def build_consolidated_report_job(self, report_id: int) -> int:
    # a message the broker gives again because its worker died unacknowledged: that run is dead, take over
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return build_consolidated_report(report_id, taking_over=redelivered).pk


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def rebuild_draft_reports_job() -> list[int]:
    return schedule.rebuild_drafts()


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def requeue_stalled_builds_job() -> list[int]:
    return schedule.requeue_stalled()
