"""The Celery app. Background jobs live in `<app>/jobs.py` and are named `…_job`.

With no CELERY_BROKER_URL, settings make every job run in-process (eager), so the portal
needs no Redis to be tried out.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhson_plan.settings")

app = Celery("binhson_plan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
app.autodiscover_tasks(["reports.consolidated"], related_name="jobs")  # the consolidated report's own package
