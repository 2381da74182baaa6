"""The consolidated report on a schedule: a nightly draft during the season when its inputs changed,
and versions a broker outage left queued or a dead worker left building, queued again."""

import datetime

from django.utils import timezone

from reports.consolidated.gathering import digest, gather
from reports.consolidated.models import BuildState, ConsolidatedReport, follows_issuer
from reports.notifications import enqueue
from reports.reminders import season
from tasks.models import Plan, ReportIssuer


def requeue_stalled(now=None) -> list[int]:
    """Queue again the versions still queued a few minutes after they were asked for (the broker was down),
    and those whose build stopped beating (its worker was killed, ran out of memory, the machine rebooted)."""
    from reports.consolidated.jobs import build_consolidated_report_job

    stalled = ConsolidatedReport.objects.stalled(now or timezone.now())
    ids = list(stalled.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        enqueue(build_consolidated_report_job, pk)
    return ids


def rebuild_drafts(today: datetime.date | None = None) -> list[int]:
    """During the season, a new draft version whenever what goes into the report, or the year's issuer, has
    changed."""
    from reports.consolidated.jobs import build_consolidated_report_job

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
