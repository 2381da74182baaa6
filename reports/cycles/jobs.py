"""The nightly job that opens each active plan's cycle of the year on its first day (or the first night after)."""

from celery import shared_task

from binhson_plan.celery import RIDE_OUT_DATABASE_OUTAGES
from reports.cycles.opening import open_this_year


@shared_task(acks_late=True, **RIDE_OUT_DATABASE_OUTAGES)
def open_cycles_job() -> int:
    return open_this_year()
