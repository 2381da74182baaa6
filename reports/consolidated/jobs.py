"""Background jobs of the consolidated report: its build (thin: load by id, call one function), and the schedule —
a nightly draft during the season when its inputs changed, and versions a broker outage left queued or a dead worker
left building, queued again."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from binhson_plan.celery import DATABASE_OUTAGES, RIDE_OUT_DATABASE_OUTAGES
from binhson_plan.queueing import enqueue
from reports.consolidated.build import build_consolidated_report
from reports.consolidated.gathering import digest, gather
from reports.consolidated.models import BuildState, ConsolidatedReport, follows_issuer
from reports.notices.reminders import season
from tasks.models import Plan, ReportIssuer

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
    **RIDE_OUT_DATABASE_OUTAGES | {"autoretry_for": (*DATABASE_OUTAGES, OSError)},
)
def build_consolidated_report_job(self, report_id: int) -> int:
    # a message the broker gives again because its worker died unacknowledged: that run is dead, take over
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return build_consolidated_report(report_id, taking_over=redelivered).pk


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def rebuild_draft_reports_job() -> list[int]:
    return rebuild_drafts()


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def requeue_stalled_builds_job() -> list[int]:
    return requeue_stalled()


def requeue_stalled(now=None) -> list[int]:
    """Queue again the versions still queued a few minutes after they were asked for (the broker was down),
    and those whose build stopped beating (its worker was killed, ran out of memory, the machine rebooted)."""
    stalled = ConsolidatedReport.objects.stalled(now or timezone.now())
    ids = list(stalled.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        enqueue(build_consolidated_report_job, pk)
    return ids


def rebuild_drafts(today: datetime.date | None = None) -> list[int]:
    """During the season, a new draft version whenever what goes into the report, or the year's issuer, has
    changed."""
    today = today or timezone.localdate()
    start, end = season(today.year)
    if not start <= today <= end:
        return []
    queued = []
    for plan in Plan.objects.filter(is_active=True):
        versions = ConsolidatedReport.objects.filter(plan=plan, year=today.year).order_by("-version")
        if versions.filter(state__in=[BuildState.QUEUED, BuildState.BUILDING]).exists():
            continue  # one is on its way
        ready = versions.filter(state=BuildState.READY).first()
        probe = ready or ConsolidatedReport(plan=plan, year=today.year, report_date=today)
        issuer = ReportIssuer.for_year(plan, today.year)
        if ready and ready.inputs_digest == digest(gather(probe)) and follows_issuer(ready, issuer):
            continue  # nothing changed: neither what goes in, nor who issues, signs and receives it
        report = ConsolidatedReport.request(plan, today.year)
        enqueue(build_consolidated_report_job, report.pk)
        queued.append(report.pk)
    return queued
