"""Background jobs of the reports app: thin, load by id, call one function."""

from celery import shared_task

from reports import notifications, reminders


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_report_notice_job(event_id: int) -> bool:
    return notifications.send_report_notice(event_id)


@shared_task(acks_late=True)
def send_review_digest_job() -> bool:
    return notifications.send_review_digest()


@shared_task(acks_late=True)
def send_reminders_job() -> int:
    return reminders.send_reminders()
