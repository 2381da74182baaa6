"""Notices are an outbox: the message is written in the same transaction as the report's event, a job
sends it, a sweep retries what is still pending. Neither a broker outage nor a mail-server error loses one,
and none goes twice."""

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from binhson_plan.celery import app
from reports.models import Notification
from reports.notices.jobs import send_pending_notifications_job
from reports.notices.notifications import deliver_pending, send_report_notice
from tests.reports.helpers import ReportPage, current_report, post_seen


def later() -> datetime.datetime:
    """Ten minutes after now, when the sweep takes what its own job left (now, not when the module was
    collected: on a busy machine a test can start half an hour after collection)."""
    return timezone.now() + datetime.timedelta(minutes=10)


@pytest.fixture
def submitted(client, cast, plan):
    report = current_report(plan, "GDDT")
    client.force_login(cast["canbo.gddt"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    return report


@pytest.fixture
def broker_down():
    previous = (app.conf.broker_write_url, app.conf.task_always_eager)
    app.conf.broker_write_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False  # nothing listens there
    app._pool = app.amqp._producer_pool = None
    yield
    app.conf.broker_write_url, app.conf.task_always_eager = previous
    app._pool = app.amqp._producer_pool = None


def test_a_notice_asked_for_while_the_broker_is_down_is_sent_by_the_sweep(
    client, submitted, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_seen(client, f"/bao-cao/{submitted.pk}/tra-lai/", {"reason": "Thiếu số liệu chỉ tiêu 2025.02."})
    assert response.status_code == 302 and mail.outbox == []
    notice = Notification.objects.get(key=f"report-event-{submitted.events.last().pk}")
    assert notice.state == "pending" and "Thiếu số liệu chỉ tiêu 2025.02." in notice.body
    app.conf.task_always_eager = True  # the broker is back: beat runs the sweep
    assert send_pending_notifications_job.apply(kwargs={"now": later().isoformat()}).get() == 1
    assert [m.to for m in mail.outbox] == [["canbo.gddt@binhson.local"]] and "bị trả lại" in mail.outbox[0].subject
    assert deliver_pending(later()) == 0 and len(mail.outbox) == 1  # never twice
    notice.refresh_from_db()
    assert notice.state == "sent" and notice.sent_at is not None and notice.attempts == 1


def test_a_mail_server_error_keeps_the_notice_and_the_sweep_sends_it_once(
    client, submitted, monkeypatch, eager_jobs, django_capture_on_commit_callbacks
):
    from django.core.mail import send_mail as real_send_mail

    def refused(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("reports.notices.notifications.send_mail", refused)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_seen(client, f"/bao-cao/{submitted.pk}/duyet/")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "approved"  # the approval stands
    notice = Notification.objects.get(key=f"report-event-{submitted.events.last().pk}")
    assert (notice.state, notice.attempts) == ("pending", 1) and "SMTPServerDisconnected" in notice.last_error
    assert deliver_pending(later()) == 0  # still failing: kept, tried again later
    monkeypatch.setattr("reports.notices.notifications.send_mail", real_send_mail)
    assert deliver_pending(timezone.now()) == 0  # too fresh for the sweep: its own job may still be at it
    assert deliver_pending(later()) == 1
    assert len(mail.outbox) == 1 and "đã được duyệt" in mail.outbox[0].subject
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == ("sent", 3, "")
    assert send_report_notice(submitted.events.last().pk) is False and deliver_pending(later()) == 0


def test_the_notice_is_written_with_the_event_or_not_at_all(client, submitted, monkeypatch):
    """An approval that fails after its event was written leaves no orphan notice either."""

    def broken(report, by, **kwargs):
        raise RuntimeError("ghi số liệu thất bại")

    monkeypatch.setattr("reports.editing.asking.record_approved_values", broken)
    with pytest.raises(RuntimeError):
        post_seen(client, f"/bao-cao/{submitted.pk}/duyet/")
    assert not Notification.objects.exists() and not submitted.events.filter(action="approved").exists()


def test_the_outbox_in_the_admin(client, cast, submitted, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"/bao-cao/{submitted.pk}/tra-lai/", {"reason": "Thiếu số liệu."})
    client.force_login(cast["quantri"])
    page = client.get("/quan-tri/reports/notification/?state__exact=pending").content.decode()
    assert "bị trả lại để bổ sung" in page and "Chờ gửi" in page


def test_without_beat_the_command_sends_what_is_pending(
    client, submitted, broker_down, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"/bao-cao/{submitted.pk}/tra-lai/", {"reason": "Thiếu số liệu."})
    app.conf.task_always_eager = True
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    assert "Đã gửi 1 thư; còn 0 thư chờ gửi." in out.getvalue() and len(mail.outbox) == 1
