"""E-mail to agencies when their report is sent back, reopened or approved, and one daily digest of new
submissions to each reviewer, of the plans they review. Every message goes through the outbox (`Notification`):
written once by its key — for a report's event, in the event's own transaction — then sent by a job, and retried
by a sweep while the broker or the mail server is down. Never lost, never sent twice."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agencies.permissions import Role
from binhson_plan.collation import sort_key
from reports.access import reviews
from reports.models import NoticeState, Notification, PlanRoleKind, ReportAction, ReportEvent
from tasks.models import ReportIssuer

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
    event = ReportEvent.objects.select_related("report__agency", "report__cycle__plan", "by").get(pk=event_id)
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
    # the body that reviews the plan's reports of the year acted: named in the message (tasks.ReportIssuer); an
    # agency can report in several plans: the message says which
    plan = report.cycle.plan
    body = ReportIssuer.for_year(plan, report.cycle.year).reviewer_name
    by_body = {
        ReportAction.APPROVED: f"đã được {body} duyệt",
        ReportAction.SENT_BACK: f"bị {body} trả lại để bổ sung",
        ReportAction.REOPENED: f"được {body} mở lại để chỉnh sửa",
    }[event.action]
    subject = f"Báo cáo năm {report.cycle.year} của {report.agency.short_name} ({plan.short_title}) {verb}"
    lines = [
        f"Báo cáo năm {report.cycle.year} của {report.agency.name} theo Kế hoạch {plan.title_in_sentence} {by_body}."
    ]
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


DIGEST = "review-digest-"


def _digest_key(user, day: datetime.date) -> str:
    """Each reviewer's digest of the day: one message per recipient and day (`review-digest-u<id>-<yyyy-mm-dd>`).
    Before digests went per reviewer, one message of the day went to all (`review-digest-<yyyy-mm-dd>`)."""
    return f"{DIGEST}u{user.pk}-{day.isoformat()}"


def _previous_digest(user) -> datetime.datetime | None:
    """When `user`'s previous digest was written: their own, else the last shared one that went to them."""
    own = Notification.objects.filter(key__startswith=f"{DIGEST}u{user.pk}-").order_by("-created_at").first()
    if own is not None:
        return own.created_at
    shared = Notification.objects.filter(key__startswith=DIGEST).exclude(key__startswith=f"{DIGEST}u")
    for notice in shared.order_by("-created_at").only("recipients", "created_at").iterator():
        if user.email in notice.recipient_list():
            return notice.created_at
    return None


def _digest_body(events) -> str:
    """The new submissions, grouped by plan under its short title, each group with its review queue."""
    by_plan = {}
    for event in events:
        by_plan.setdefault(event.report.cycle.plan, []).append(event)
    lines = [f"Có {len(events)} báo cáo mới gửi, chờ thẩm định."]
    for plan in sorted(by_plan, key=lambda p: (p.is_illustrative, sort_key(p.short_title))):
        lines += ["", f"{plan.short_title} ({len(by_plan[plan])} báo cáo):"]
        for event in by_plan[plan]:
            late = " (gửi muộn)" if event.report.is_late else ""
            when = timezone.localtime(event.at).strftime("%H:%M %d/%m/%Y")
            lines.append(f"- {event.report.agency.name}, báo cáo năm {event.report.cycle.year}, gửi lúc {when}{late}")
        lines.append(f"Danh sách chờ thẩm định: {settings.PORTAL_URL}{reverse('reports:queue', args=[plan.slug])}")
    return "\n".join(lines)


def send_review_digest(now: datetime.datetime | None = None) -> bool:
    """One mail a day to each reviewer listing the reports submitted, in the plans they review (every plan for the
    Sở), since their previous digest; none to a reviewer with nothing new. True when a mail went out now. The
    day's messages are written together before any is sent; a mail-server error is raised after the others
    went, and the messages it stopped stay pending for the sweep."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    reviewers = (
        get_user_model()
        .objects.filter(plan_roles__role=PlanRoleKind.REVIEWER, groups__name=Role.REVIEWER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("email", "pk")
    )
    windows = {}
    for user in reviewers:
        windows[user] = _previous_digest(user) or now - datetime.timedelta(days=1)
    if not windows:
        return False
    events = list(
        ReportEvent.objects.filter(action=ReportAction.SUBMITTED, at__gt=min(windows.values()), at__lte=now)
        .select_related("report__agency", "report__cycle__plan")
        .order_by("at")
    )
    subject = f"Báo cáo mới chờ thẩm định ngày {today:%d/%m/%Y}"
    keys = []
    with transaction.atomic():
        for user, since in windows.items():
            theirs = [e for e in events if e.at > since and reviews(user, e.report.cycle.plan)]
            if theirs:
                key = _digest_key(user, today)
                record(key, [user.email], subject, _digest_body(theirs))
                keys.append(key)
    sent, failure = False, None
    pending = dict(Notification.objects.filter(key__in=keys, state=NoticeState.PENDING).values_list("key", "pk"))
    for key in (key for key in keys if key in pending):  # by address, as the reviewers were read
        try:
            sent |= deliver(pending[key])
        except Exception as exc:
            failure = failure or exc  # recorded on the message; the others still go
    if failure is not None:
        raise failure
    return sent
