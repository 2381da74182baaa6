"""The reporting season's reminders: before the due date, and one overdue digest after it.
Each message goes once, recorded by its key."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from binhson_plan.collation import vietnamese
from reports.models import ReportingCycle, ReportState
from reports.notices.notifications import agency_addresses, reviewer_addresses, send_once
from tasks.models import Plan

logger = logging.getLogger(__name__)


def season(year: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.datetime.strptime(f"{settings.REPORT_SEASON_START}/{year}", "%d/%m/%Y").date()
    end = datetime.datetime.strptime(f"{settings.REPORT_SEASON_END}/{year}", "%d/%m/%Y").date()
    return start, end


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind agencies that have not submitted, 14, 7, 3 and 1 days before the due date; after it,
    one digest of the overdue ones to the plan's reviewers (sent again when a report passes a later date for its
    corrections). In January the year just ended is still being reviewed (reports.demo.demo_year): its
    overdue reports are still reminded. Returns the number of messages sent."""
    today = today or timezone.localdate()
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    sent = 0
    for plan in Plan.objects.filter(is_active=True):
        for cycle in ReportingCycle.objects.filter(plan=plan, year__in=years).order_by("year"):
            sent += _remind(cycle, today)
    return sent


def _remind(cycle, today) -> int:
    sent = 0
    reports = list(cycle.reports.counted().select_related("agency", "cycle").order_by(vietnamese("agency__name")))
    pending = [r for r in reports if r.first_submitted_at is None]
    days_left = (cycle.due_on - today).days
    due_steps = [step for step in settings.REMINDER_DAYS if step >= days_left]
    if days_left >= 0 and due_steps:
        step = min(due_steps)  # the step due now, or one a missed run left behind
        for report in pending:
            subject = f"Nhắc gửi báo cáo năm {cycle.year}: còn {max(days_left, 0)} ngày (hạn {cycle.due_on:%d/%m/%Y})"
            body = (
                f"{report.agency.name} chưa gửi báo cáo kết quả thực hiện Kế hoạch năm {cycle.year}. "
                f"Hạn gửi: {cycle.due_on:%d/%m/%Y}.\n\n{settings.PORTAL_URL}{report.get_absolute_url()}"
            )
            sent += _safely(f"reminder-{report.pk}-{step}", agency_addresses(report.agency), subject, body)
    # a report a reorganisation opened late keeps its own, later due date (AgencyReport.due_on)
    overdue = [r for r in pending if r.effective_due_on < today] if days_left < 0 else []
    # sent back and not sent again by the date its corrections were due (AgencyReport.is_overdue_on_corrections)
    corrections = [r for r in reports if r.state == ReportState.SENT_BACK and r.correction_due_on
                   and r.correction_due_on < today]  # fmt: skip
    if overdue or corrections:
        names = [f"- {r.agency.name}" for r in overdue]
        names += [f"- {r.agency.name}: quá hạn bổ sung (hạn {r.correction_due_on:%d/%m/%Y})" for r in corrections]
        if overdue:
            subject = f"Các đơn vị chưa gửi báo cáo năm {cycle.year} (quá hạn {cycle.due_on:%d/%m/%Y})"
        else:
            subject = f"Các đơn vị quá hạn bổ sung báo cáo năm {cycle.year}"
        said = "chưa gửi báo cáo" if not corrections else "quá hạn gửi báo cáo hoặc bổ sung"
        body = f"Đến ngày {today:%d/%m/%Y}, {len(names)} cơ quan, đơn vị {said}:\n" + "\n".join(names)
        # one digest per cycle; a new one when the season's due date passes, or a corrections' date later than
        # any digest named
        key = f"overdue-{cycle.pk}"
        if corrections:
            key += f"-bo-sung-{max(r.correction_due_on for r in corrections):%Y%m%d}" + ("" if overdue else "-rieng")
        sent += _safely(key, reviewer_addresses([cycle.plan_id]), subject, body)
    return sent


def _safely(key, recipients, subject, body) -> bool:
    """One message; a mail server error is logged and the message is tried again on the next run."""
    try:
        return send_once(key, recipients, subject, body)
    except Exception:
        logger.exception("Không gửi được thư %s", key)
        return False
