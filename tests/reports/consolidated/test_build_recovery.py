"""A build whose worker died is noticed by its silent heartbeat and queued again, and still finishes
exactly once; jobs ride out a database outage of a few minutes."""

import datetime
import re

import pytest
from celery.utils.time import get_exponential_backoff_interval
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

from binhson_plan.celery import app
from reports.consolidated import build
from reports.consolidated.jobs import (
    build_consolidated_report_job,
    rebuild_draft_reports_job,
    requeue_stalled,
    requeue_stalled_builds_job,
)
from reports.consolidated.models import ConsolidatedReport
from reports.notices.jobs import (
    deliver_notification_job,
    send_pending_notifications_job,
    send_reminders_job,
    send_review_digest_job,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def left_building(plan, minutes_ago):
    """A version as a worker killed mid-build leaves it: building, its last beat `minutes_ago`."""
    report = ConsolidatedReport.request(plan, 2026)
    then = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    ConsolidatedReport.objects.filter(pk=report.pk).update(state="building", started_at=then, heartbeat_at=then)
    return report


def test_a_build_whose_worker_died_is_queued_again_and_finishes_once(
    plan, eager_jobs, django_capture_on_commit_callbacks
):
    dead = left_building(plan, minutes_ago=20)
    alive = left_building(plan, minutes_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled() == [dead.pk]
    dead.refresh_from_db()
    assert dead.state == "ready" and dead.finished_at  # its own file, under a name of its own (never written over)
    assert re.search(rf"ban-{dead.version}-[0-9a-f]{{8}}\.pdf$", dead.pdf.name), dead.pdf.name
    assert ConsolidatedReport.objects.get(pk=alive.pk).state == "building"  # still beating: left alone
    assert ConsolidatedReport.objects.filter(plan=plan, year=2026).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled() == []  # finished: nothing more to do


def test_a_build_beats_between_its_steps(plan, monkeypatch):
    report = ConsolidatedReport.request(plan, 2026)
    beats = []
    real = build._heartbeat
    monkeypatch.setattr(build, "_heartbeat", lambda pk, claim: beats.append(pk) or real(pk, claim))
    build.build_consolidated_report(report.pk)
    report.refresh_from_db()
    assert len(beats) == 4 and report.state == "ready"  # after gathering, and after each of the three files
    assert report.started_at <= report.heartbeat_at <= report.finished_at


def test_a_run_taken_over_stops_quietly_and_only_one_finishes(plan, monkeypatch):
    """The sweep thought the first run dead and started another; the first one wakes up later."""
    report = ConsolidatedReport.request(plan, 2026)
    real_gather = build.gather
    finished_by_second = []

    def slow_gather(version):
        if not finished_by_second:  # the first run, stalled here while the second does the whole build
            finished_by_second.append(None)
            silent = timezone.now() - datetime.timedelta(minutes=20)  # stalled long enough to be taken for dead
            ConsolidatedReport.objects.filter(pk=version.pk).update(heartbeat_at=silent)
            finished_by_second[0] = build.build_consolidated_report(version.pk).finished_at
        return real_gather(version)

    monkeypatch.setattr(build, "gather", slow_gather)
    first = build.build_consolidated_report(report.pk)
    assert first.state == "ready" and first.error == ""
    assert first.finished_at == finished_by_second[0]  # the second run's finish stands; the first wrote nothing


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("the database system is shutting down"),
        InterfaceError("connection already closed"),  # probe 34: the server dropped the connection mid-build
    ],
)
def test_a_database_error_is_retried_and_the_build_finishes(plan, eager_jobs, monkeypatch, error):
    report = ConsolidatedReport.request(plan, 2026)
    real_gather, failures = build.gather, []

    def flaky_gather(version):
        if len(failures) < 5:  # more than a short backoff allows
            failures.append(1)
            raise error
        return real_gather(version)

    monkeypatch.setattr(build, "gather", flaky_gather)
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:
        build_consolidated_report_job.apply((report.pk,))  # in-process, each retry runs at once
    finally:
        app.conf.task_eager_propagates = propagates
    report.refresh_from_db()
    assert len(failures) == 5 and report.state == "ready" and report.error == ""


@pytest.mark.parametrize(
    "job",
    [
        build_consolidated_report_job,
        rebuild_draft_reports_job,
        requeue_stalled_builds_job,
        deliver_notification_job,
        send_pending_notifications_job,
        send_reminders_job,
        send_review_digest_job,
    ],
)
def test_every_job_waits_out_a_two_minute_database_outage(job):
    assert issubclass(OperationalError, job.autoretry_for) and DatabaseError in job.autoretry_for
    assert InterfaceError in job.autoretry_for  # a dropped connection
    waits = [
        get_exponential_backoff_interval(int(job.retry_backoff), n, job.retry_backoff_max, job.retry_jitter)
        for n in range(job.max_retries)
    ]
    assert sum(waits) >= 2 * 60 * 2  # twice the two minutes, for a database that comes back slowly
