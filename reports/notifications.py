"""E-mail to agencies when their report is sent back, reopened or approved, and one daily digest
of new submissions to Văn phòng huyện. Each message is recorded once by its key, never sent twice."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from agencies.permissions import Role
from reports.models import Notification, ReportAction, ReportEvent

logger = logging.getLogger(__name__)


def send_once(key: str, recipients: list[str], subject: str, body: str) -> bool:
    """Send unless a message with this key was already sent; True when it went out now."""
    if not recipients:
        return False
    try:
        with transaction.atomic():
            Notification.objects.create(key=key, recipients=", ".join(recipients), subject=subject)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except IntegrityError:
        return False
    return True


def enqueue(job, *args) -> dict:
    """Queue a job once the current transaction commits (at once outside one). The returned dict says
    {"queued": True} only once the broker accepted the job, or the job ran in-process (no broker);
    any failure to hand it over is logged and says {"queued": False}, never fatal: what was saved stands
    and the job waits for the next run (a sweep, or the person asking again)."""
    outcome = {"queued": None}

    def send():
        in_process = job.app.conf.task_always_eager
        try:
            job.apply_async(args, retry=False)
        except Exception as exc:
            if in_process:  # ran here and failed: the job recorded its own error where the page shows it
                logger.exception("Việc %s chạy không thành công", job.name)
                outcome["queued"] = True
                return
            # The broker is down (OperationalError), or the transport cannot even load (a missing module
            # such as kombu's `packaging`, a bad URL): either way nothing reached the queue.
            kind = "broker" if isinstance(exc, OperationalError) else type(exc).__name__
            logger.exception("Không đưa được việc %s vào hàng đợi (%s)", job.name, kind)
            outcome["queued"] = False
        else:
            outcome["queued"] = True

    transaction.on_commit(send)
    return outcome


def notify_agency(report, event) -> None:
    from reports.jobs import send_report_notice_job

    enqueue(send_report_notice_job, event.pk)


def agency_addresses(agency) -> list[str]:
    users = get_user_model().objects.filter(membership__agency=agency, is_active=True).exclude(email="")
    return sorted(users.values_list("email", flat=True))


def send_report_notice(event_id: int) -> bool:
    event = ReportEvent.objects.select_related("report__agency", "report__cycle", "by").get(pk=event_id)
    report = event.report
    verb = {
        ReportAction.APPROVED: "đã được duyệt",
        ReportAction.SENT_BACK: "bị trả lại để bổ sung",
        ReportAction.REOPENED: "được mở lại để chỉnh sửa",
    }.get(event.action)
    if verb is None:
        return False
    subject = f"Báo cáo năm {report.cycle.year} của {report.agency.short_name} {verb}"
    lines = [f"Báo cáo năm {report.cycle.year} của {report.agency.name} {verb}."]
    if event.reason:
        lines.append(f"Lý do: {event.reason}")
    lines.append(f"Xem báo cáo: {settings.PORTAL_URL}{report.get_absolute_url()}")
    return send_once(f"report-event-{event.pk}", agency_addresses(report.agency), subject, "\n\n".join(lines))


def reviewer_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=Role.REVIEWER, is_active=True).exclude(email="")
    return sorted(users.values_list("email", flat=True))


def send_review_digest(now: datetime.datetime | None = None) -> bool:
    """One mail a day to reviewers listing the reports submitted since the previous digest."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    previous = Notification.objects.filter(key__startswith="review-digest-").order_by("-sent_at").first()
    since = previous.sent_at if previous else now - datetime.timedelta(days=1)
    events = (
        ReportEvent.objects.filter(action=ReportAction.SUBMITTED, at__gt=since, at__lte=now)
        .select_related("report__agency", "report__cycle")
        .order_by("at")
    )
    if not events:
        return False
    lines = [f"Có {len(events)} báo cáo mới gửi, chờ thẩm định:"]
    for event in events:
        late = " (gửi muộn)" if event.report.is_late else ""
        when = timezone.localtime(event.at).strftime("%H:%M %d/%m/%Y")
        lines.append(f"- {event.report.agency.name}, báo cáo năm {event.report.cycle.year}, gửi lúc {when}{late}")
    lines.append(f"Danh sách chờ thẩm định: {settings.PORTAL_URL}/tham-dinh/")
    subject = f"Báo cáo mới chờ thẩm định ngày {today:%d/%m/%Y}"
    return send_once(f"review-digest-{today.isoformat()}", reviewer_addresses(), subject, "\n".join(lines))
