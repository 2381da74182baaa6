"""The Celery app. Background jobs live in `<app>/jobs.py` (or `<app>/<package>/jobs.py`) and are named `…_job`.

With no CELERY_BROKER_URL, settings make every job run in-process (eager), so the portal
needs no Redis to be tried out.
"""

import os

from celery import Celery
from django.db import DatabaseError, InterfaceError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhson_plan.settings")

app = Celery("binhson_plan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
# reports/ keeps its jobs in its packages, one `jobs.py` each
app.autodiscover_tasks(
    ["reports.consolidated", "reports.cycles", "reports.documents", "reports.handover", "reports.notices"],
    related_name="jobs",
)

# Jobs retry database errors (a restart, a failover, a full connection table) for long enough to ride out
# an outage of several minutes: after 10, 20, 40, 80, 120 and 120 s, six and a half minutes in all. No
# jitter, so the total is what is written here.
# A connection the server dropped mid-job ("connection already closed") is Django's InterfaceError, no DatabaseError:
# it is ridden out too (probe 34: a build whose connection dropped showed "Đang dựng" for 6–10 minutes, its failure
# written on the same dead connection, until the sweep took it up).
DATABASE_OUTAGES = (DatabaseError, InterfaceError)
RIDE_OUT_DATABASE_OUTAGES = {
    "autoretry_for": DATABASE_OUTAGES,
    "retry_backoff": 10,
    "retry_backoff_max": 120,
    "retry_jitter": False,
    "max_retries": 6,
}
