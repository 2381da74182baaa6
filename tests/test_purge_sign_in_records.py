"""Probe 33: sessions and django-axes' records were never deleted. Beat runs the purge every night; it removes an
expired session (Django's `clearsessions`) and axes' records past what they serve, and keeps the rest."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from binhson_plan.celery import app
from operations.jobs import purge_sign_in_records_job
from tests.reports.helpers import on

JOB = "operations.jobs.purge_sign_in_records_job"


def test_beat_runs_the_purge_every_night():
    app.loader.import_default_modules()
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == JOB]
    assert len(entries) == 1 and JOB in app.tasks
    schedule = entries[0]["schedule"]
    assert schedule.hour == {3} and schedule.minute == {15} and len(schedule.day_of_week) == 7


def session(expires: datetime.datetime) -> str:
    store = SessionStore()
    store["marker"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    return store.session_key


@on("2026-12-07", "03:15")
def test_the_purge_removes_an_expired_session_and_old_sign_in_records(db):
    now = timezone.now()
    expired, live = session(now - datetime.timedelta(minutes=1)), session(now + datetime.timedelta(hours=8))
    common = {"user_agent": "trình duyệt", "http_accept": "*/*", "path_info": "/dang-nhap/"}
    for days in (1, 500):
        AccessLog.objects.create(username=f"dang-nhap-{days}", ip_address="10.0.0.1", **common)
        AccessFailureLog.objects.create(username=f"sai-{days}", ip_address="10.0.0.1", **common)
        AccessAttempt.objects.create(username=f"khoa-{days}", ip_address="10.0.0.1", failures_since_start=1, **common)
    AccessLog.objects.filter(username="dang-nhap-500").update(attempt_time=now - datetime.timedelta(days=500))
    AccessFailureLog.objects.filter(username="sai-500").update(attempt_time=now - datetime.timedelta(days=31))
    AccessAttempt.objects.filter(username="khoa-500").update(attempt_time=now - datetime.timedelta(hours=1))
    AccessAttempt.objects.filter(username="khoa-1").update(attempt_time=now - datetime.timedelta(minutes=1))

    purged = purge_sign_in_records_job()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert not Session.objects.filter(session_key=expired).exists()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["dang-nhap-1"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["sai-1"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["khoa-1"]  # still within its cool-off
    assert purged == {"sessions": 1, "locks": 1, "wrong_passwords": 1, "sign_ins": 1}


def test_an_account_signing_in_again_and_again_keeps_one_record_an_address(cast):
    """Probe 35: each sign-in kept a row (1,4 kB, 400 days): one account signing in at nginx's pace grew the database
    by 124 MB a day. Only the latest sign-in from each address is kept; the addresses it is known at stay known."""
    from django.test import Client

    for address in ["10.0.0.7"] * 5 + ["10.0.0.8"] * 3:
        client = Client(REMOTE_ADDR=address)
        response = client.post("/dang-nhap/", {"username": "vanphong", "password": "binhson-demo"})
        assert response.status_code == 302 and response["Location"] != "/dang-nhap/"
    rows = AccessLog.objects.filter(username="vanphong")
    assert sorted(rows.values_list("ip_address", flat=True)) == ["10.0.0.7", "10.0.0.8"]
    assert AccessLog.objects.filter(username="canbo.ldtbxh").count() == 0  # another account's records untouched
