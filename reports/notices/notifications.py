"""E-mail to agencies when their report is sent back, reopened or approved, and one daily digest
of new submissions to Văn phòng huyện. Every message goes through the outbox (`Notification`): written
once by its key — for a report's event, in the event's own transaction — then sent by a job, and retried
by a sweep while the broker or the mail server is down. Never lost, never sent twice."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from agencies.permissions import Role
from reports.models import NoticeState, Notification, PlanRoleKind, ReportAction, ReportEvent

logger = logging.getLogger(__name__)
# The sweep leaves a fresh message to the job that was queued for it.
SWEEP_GRACE = datetime.timedelta(minutes=1)
# What a mail server that is down or refuses raises: worth trying again later.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def record(key: str, recipients: list[str], subject: str, body: str) -> Notification | None:
    """Write the message to the outbox, in the caller's transaction; None when nobody is to receive it
    or this key was written before."""
    if not recipients:
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(key=key, recipients=", ".join(recipients), subject=subject, body=body)
    except IntegrityError:
        return None


def deliver(notification_id: int) -> bool:
    """Send one pending message; True when it went out now. A mail-server error is recorded on the message,
    which stays pending for the next try, and raised."""
    with transaction.atomic():
        # skip_locked: a message another worker is sending right now is theirs to finish.
        pending = Notification.objects.select_for_update(skip_locked=True).filter(state=NoticeState.PENDING)
        notice = pending.filter(pk=notification_id).first()
        if notice is None:
            return False
        notice.attempts += 1
        try:
            send_mail(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, notice.recipient_list())
        except Exception as exc:
            notice.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            notice.save(update_fields=["attempts", "last_error"])
            failure = exc
        else:
            notice.state, notice.sent_at, notice.last_error = NoticeState.SENT, timezone.now(), ""
            notice.save(update_fields=["attempts", "state", "sent_at", "last_error"])
            failure = None
    if failure is not None:
        logger.warning("Chưa gửi được thư %s (lần %s): %s", notice.key, notice.attempts, notice.last_error)
        raise failure
    return True


def deliver_pending(now: datetime.datetime | None = None) -> int:
    """The sweep: try every message still pending (but not one written in the last minute); the number sent."""
    now = now or timezone.now()
    due = Notification.objects.filter(state=NoticeState.PENDING, created_at__lte=now - SWEEP_GRACE)
    sent = 0
    for pk in due.order_by("created_at").values_list("pk", flat=True):
        try:
            sent += deliver(pk)
        except Exception:
            continue  # recorded on the message; the next sweep tries again
    return sent


def send_once(key: str, recipients: list[str], subject: str, body: str) -> bool:
    """Write the message unless its key was written before, and send it if it is still pending; True when
    it went out now. A mail-server error is raised, and the message stays pending."""
    notice = record(key, recipients, subject, body) or Notification.objects.filter(key=key).first()
    return notice is not None and deliver(notice.pk)


def agency_addresses(agency) -> list[str]:
    users = get_user_model().objects.filter(membership__agency=agency, is_active=True).exclude(email="")
    return sorted(users.values_list("email", flat=True))


def send_report_notice(event_id: int) -> bool:
    """The message of one event, written if it was not and sent if it is still pending."""
    event = ReportEvent.objects.select_related("report__agency", "report__cycle", "by").get(pk=event_id)
    notice = record_report_notice(event) or Notification.objects.filter(key=f"report-event-{event.pk}").first()
    return notice is not None and deliver(notice.pk)


def record_report_notice(event) -> Notification | None:
    report = event.report
    verb = {
        ReportAction.APPROVED: "đã được duyệt",
        ReportAction.SENT_BACK: "bị trả lại để bổ sung",
        ReportAction.REOPENED: "được mở lại để chỉnh sửa",
    }.get(event.action)
    if verb is None:
        return None
    subject = f"Báo cáo năm {report.cycle.year} của {report.agency.short_name} {verb}"
    lines = [f"Báo cáo năm {report.cycle.year} của {report.agency.name} {verb}."]
    if event.reason:
        lines.append(f"Lý do: {event.reason}")
    if event.action == ReportAction.SENT_BACK and report.correction_due_on:
        due = f"{report.correction_due_on:%d/%m/%Y}"
        subject += f" (hạn bổ sung {due})"
        lines.append(f"Hạn bổ sung: {due}. Gửi lại báo cáo trước hết ngày này; sau đó báo cáo bị ghi quá hạn bổ sung.")
    lines.append(f"Xem báo cáo: {settings.PORTAL_URL}{report.get_absolute_url()}")
    return record(f"report-event-{event.pk}", agency_addresses(report.agency), subject, "\n\n".join(lines))


def reviewer_addresses(plan_ids) -> list[str]:
    """The addresses of the reviewers of any of the plans (appointed to one of them, or to every plan)."""
    appointed = Q(plan_roles__role=PlanRoleKind.REVIEWER) & (
        Q(plan_roles__plan__in=list(plan_ids)) | Q(plan_roles__plan=None)
    )
    users = get_user_model().objects.filter(appointed, groups__name=Role.REVIEWER, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_review_digest(now: datetime.datetime | None = None) -> bool:
    """One mail a day to reviewers listing the reports submitted since the previous digest."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    previous = Notification.objects.filter(key__startswith="review-digest-").order_by("-created_at").first()
    since = previous.created_at if previous else now - datetime.timedelta(days=1)
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
    plans = {event.report.cycle.plan_id for event in events}
    return send_once(f"review-digest-{today.isoformat()}", reviewer_addresses(plans), subject, "\n".join(lines))
