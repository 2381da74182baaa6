"""The nightly purges. What signing in leaves behind (probe 33: nothing was ever deleted): Django's expired sessions
(`clearsessions`), and django-axes' records once they no longer serve: lock rows past their cool-off, wrong passwords
older than FAILED_SIGN_IN_LOG_KEEP_DAYS, sign-ins older than SIGN_IN_LOG_KEEP_DAYS. And the stored files no row
points at, left by a save or a build stopped between writing a file and recording it."""

import datetime
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


# A save records its evidence file in the request that wrote it, a build its files within REPORT_BUILD_STALE_MINUTES:
# a file no row points at a day after it was written never will be. Such files are left by a request or a build
# stopped in between (probe 37: a worker killed mid-save, its transaction rolled back, the evidence file kept).
UNRECORDED_FILE_GRACE = datetime.timedelta(days=1)


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def sweep_unrecorded_files_job() -> int:
    """Delete the stored files (local folder or S3 bucket) that no row points at and that are older than
    UNRECORDED_FILE_GRACE; the number deleted."""
    from django.core.files.storage import default_storage

    from binhson_plan.backup import recorded_files
    from binhson_plan.files import all_names, discard

    stored = all_names()  # before the rows: a file recorded in between is then among them
    unrecorded = set(stored) - recorded_files()
    written_before = timezone.now() - UNRECORDED_FILE_GRACE
    old = []
    for name in sorted(unrecorded):
        try:
            if default_storage.get_modified_time(name) < written_before:
                old.append(name)
        except FileNotFoundError:
            continue  # deleted meanwhile
    discard(old)
    if old:
        logger.warning("Đã xóa %d tệp không thuộc bản ghi nào: %s", len(old), ", ".join(old[:20]))
    return len(old)
