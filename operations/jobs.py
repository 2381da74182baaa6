"""The nightly purge of what signing in leaves behind (probe 33: nothing was ever deleted): Django's expired sessions
(`clearsessions`), and django-axes' records once they no longer serve: lock rows past their cool-off, wrong passwords
older than FAILED_SIGN_IN_LOG_KEEP_DAYS, sign-ins older than SIGN_IN_LOG_KEEP_DAYS."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def purge_sign_in_records_job() -> dict[str, int]:
    from axes.handlers.proxy import AxesProxyHandler
    from axes.models import AccessAttempt

    sessions = Session.objects.filter(expire_date__lt=timezone.now()).count()
    call_command("clearsessions")
    # axes' own clean-up of lock rows needs a request (it runs at each sign-in): the same rule, without one
    past_cool_off = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - settings.AXES_COOLOFF_TIME)
    handler = AxesProxyHandler.get_implementation()
    purged = {
        "sessions": sessions,
        "locks": past_cool_off.delete()[0],
        "wrong_passwords": handler.reset_failure_logs(age_days=settings.FAILED_SIGN_IN_LOG_KEEP_DAYS),
        "sign_ins": handler.reset_logs(age_days=settings.SIGN_IN_LOG_KEEP_DAYS),
    }
    logger.info("Đã xóa dữ liệu đăng nhập cũ: %s", purged)
    return purged
