"""Every job celery beat is told to run exists under that name: a job moved to another module (issue 18) and
scheduled under its old name would never run, silently."""

from django.conf import settings

from binhson_plan.celery import app


def test_every_scheduled_job_is_a_registered_job():
    app.loader.import_default_modules()  # what a worker does on start: autodiscovery of every jobs module
    scheduled = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert {name: task for name, task in scheduled.items() if task not in app.tasks} == {}
    assert "reports.cycles.jobs.open_cycles_job" in scheduled.values()  # a year opens by itself on its first night
