"""Background jobs of the reports app: thin, load by id, call one function."""

import datetime

from celery import shared_task

from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES
from reports.notices import notifications, reminders

# A mail server that refuses a message is tried again after 1, 2, 4, 8 and 16 minutes; after that the
# sweep (every few minutes, from beat) keeps trying while the message is pending.
MAIL_RETRY_SECONDS = 60


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, **RIDE_OUT_DATABASE_OUTAGES)
def deliver_notification_job(self, notification_id: int) -> bool:
    try:
        return notifications.deliver(notification_id)
    except Exception as exc:
        if not isinstance(exc, notifications.MAIL_ERRORS) or self.request.is_eager:
            raise  # in-process (no broker, no beat): the error is on the message; `send_notifications` retries
        raise self.retry(exc=exc, countdown=MAIL_RETRY_SECONDS * 2**self.request.retries, max_retries=5) from exc


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def send_pending_notifications_job(now: str | None = None) -> int:
    return notifications.deliver_pending(datetime.datetime.fromisoformat(now) if now else None)


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def send_review_digest_job() -> bool:
    return notifications.send_review_digest()


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def send_reminders_job() -> int:
    return reminders.send_reminders()
