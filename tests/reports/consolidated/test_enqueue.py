"""Asking for a job says "queued" only when the broker took it (or it ran in-process): a transport that
cannot even load — the production fault of a worker image without kombu's `packaging` — is a queue
outage the reviewer is told about, and it is logged."""

import importlib.util
import logging

import pytest

from binhson_plan.celery import app
from binhson_plan.queueing import enqueue
from reports.consolidated.jobs import build_consolidated_report_job
from reports.consolidated.models import ConsolidatedReport

COVER = {"number": "…/BC-UBND", "report_date": "05/12/2026", "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
         "recipients": "Lưu: VT", "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự"}  # fmt: skip


@pytest.fixture
def broken_transport():
    """A broker URL whose kombu transport fails to import its library, as `redis://` did without `packaging`."""
    assert importlib.util.find_spec("pymongo") is None  # kombu's MongoDB transport imports it when connecting
    previous = (app.conf.broker_write_url, app.conf.task_always_eager)
    app.conf.broker_write_url, app.conf.task_always_eager = "mongodb://127.0.0.1:1/binhson", False
    app._pool = app.amqp._producer_pool = None  # connections are made afresh, through the broken transport
    yield
    app.conf.broker_write_url, app.conf.task_always_eager = previous
    app._pool = app.amqp._producer_pool = None


def test_a_transport_that_cannot_load_is_not_counted_as_queued(
    db, plan, broken_transport, caplog, django_capture_on_commit_callbacks
):
    report = ConsolidatedReport.request(plan, 2026)
    with (
        caplog.at_level(logging.ERROR, logger="reports.notices.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = enqueue(build_consolidated_report_job, report.pk)
    assert outcome == {"queued": False}
    assert "Không đưa được việc" in caplog.text and "ModuleNotFoundError" in caplog.text


def test_the_reviewer_is_told_the_queue_is_down_not_that_the_build_runs(
    transactional_db, client, cast, plan, broken_transport
):
    client.force_login(cast["vanphong"])
    html = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", COVER, follow=True).content.decode()
    assert "hàng đợi đang gián đoạn" in html
    assert "trang sẽ tự cập nhật khi xong" not in html
    assert ConsolidatedReport.objects.get().state == "queued"  # recorded, waiting for the queue to come back


def test_a_job_run_in_process_counts_as_queued_even_when_it_fails(
    db, plan, eager_jobs, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def fail(*args, **kwargs):
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setattr(build_consolidated_report_job, "run", fail)
    report = ConsolidatedReport.request(plan, 2026)
    with (
        caplog.at_level(logging.ERROR, logger="reports.notices.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = enqueue(build_consolidated_report_job, report.pk)
    assert outcome == {"queued": True}  # no broker to wait for: the job ran, its own error is on the page
    assert "chạy không thành công" in caplog.text
