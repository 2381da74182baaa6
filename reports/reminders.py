"""The reporting season's schedule: reminders before the due date, one overdue digest after it,
and a nightly draft of the consolidated report. Each message goes once, recorded by its key."""

import datetime

from django.conf import settings
from django.utils import timezone

from reports.models import ConsolidatedReport, ReportingCycle
from reports.notifications import agency_addresses, enqueue, reviewer_addresses, send_once
from tasks.models import Plan


def _season(year: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.datetime.strptime(f"{settings.REPORT_SEASON_START}/{year}", "%d/%m/%Y").date()
    end = datetime.datetime.strptime(f"{settings.REPORT_SEASON_END}/{year}", "%d/%m/%Y").date()
    return start, end


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind agencies that have not submitted, 14, 7, 3 and 1 days before the due date; after it,
    one digest of the overdue ones to Văn phòng huyện. Returns the number of messages sent."""
    today = today or timezone.localdate()
    sent = 0
    for plan in Plan.objects.filter(is_active=True):
        cycle = ReportingCycle.objects.filter(plan=plan, year=today.year).first()
        if cycle is None:
            continue
        pending = (
            cycle.reports.filter(first_submitted_at__isnull=True).select_related("agency").order_by("agency__name")
        )
        days_left = (cycle.due_on - today).days
        if days_left in settings.REMINDER_DAYS:
            for report in pending:
                subject = f"Nhắc gửi báo cáo năm {cycle.year}: còn {days_left} ngày (hạn {cycle.due_on:%d/%m/%Y})"
                body = (
                    f"{report.agency.name} chưa gửi báo cáo kết quả thực hiện Kế hoạch năm {cycle.year}. "
                    f"Hạn gửi: {cycle.due_on:%d/%m/%Y}.\n\n{settings.PORTAL_URL}{report.get_absolute_url()}"
                )
                sent += send_once(f"reminder-{report.pk}-{days_left}", agency_addresses(report.agency), subject, body)
        elif days_left < 0 and pending:
            names = "\n".join(f"- {r.agency.name}" for r in pending)
            subject = f"Các đơn vị chưa gửi báo cáo năm {cycle.year} (quá hạn {cycle.due_on:%d/%m/%Y})"
            body = f"Đến ngày {today:%d/%m/%Y}, {len(pending)} cơ quan, đơn vị chưa gửi báo cáo:\n{names}"
            sent += send_once(f"overdue-{cycle.pk}", reviewer_addresses(), subject, body)
    return sent


def rebuild_drafts(today: datetime.date | None = None) -> list[int]:
    """During the season, a new draft version whenever what goes into the report has changed."""
    from reports.consolidation import digest, gather
    from reports.jobs import build_consolidated_report_job

    today = today or timezone.localdate()
    start, end = _season(today.year)
    if not start <= today <= end:
        return []
    queued = []
    for plan in Plan.objects.filter(is_active=True):
        latest = ConsolidatedReport.objects.filter(plan=plan, year=today.year).order_by("-version").first()
        probe = latest or ConsolidatedReport(plan=plan, year=today.year, report_date=today)
        if latest and latest.inputs_digest == digest(gather(probe)):
            continue
        report = ConsolidatedReport.request(plan, today.year)
        enqueue(build_consolidated_report_job, report.pk)
        queued.append(report.pk)
    return queued
