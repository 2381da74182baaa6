"""The production path: a real Celery worker on Redis builds the report from the database it shares
with the test; a worker killed mid-build is replaced and the same version is finished exactly once;
with the broker down, asking for a build says it is delayed and nothing else breaks."""

import io
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from binhson_plan.celery import app
from reports.consolidated.models import ConsolidatedReport
from tests.reports.real_year import check_docx, check_pdf, check_xlsx

BROKER = os.environ.get("CELERY_BROKER_URL", "")
BUILD = "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/"  # the consolidated reports of the demo's plan
# CI (.ci/run) provides both and sets CI_EXPECT_BROKER: there these tests always run, and fail if either is missing.
needs_real_services = pytest.mark.skipif(
    not os.environ.get("CI_EXPECT_BROKER") and (not BROKER or connection.vendor != "postgresql"),
    reason="needs a broker and PostgreSQL, as .ci/run provides (a worker cannot see an in-memory SQLite test database)",
)


def start_worker(tmp_path, name, **env):
    db = connection.settings_dict
    environment = (
        os.environ
        | {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "MEDIA_ROOT": str(tmp_path),
            "CELERY_BROKER_URL": BROKER,
            "DEBUG": "1",
        }
        | env
    )
    log = open(tmp_path / f"{name}.log", "w")
    # It listens to the queue of this test's xdist worker only (tests/conftest.py).
    command = [sys.executable, "-m", "celery", "-A", "binhson_plan", "worker", "--pool", "solo", "--loglevel", "INFO",
               "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle",
               "--queues", app.conf.task_default_queue]  # fmt: skip
    return subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def state(pk):
    return ConsolidatedReport.objects.values_list("state", flat=True).get(pk=pk)


def stop(worker):
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


@needs_real_services
def test_a_real_worker_builds_the_report(transactional_db, client, cast, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert app.conf.task_always_eager is False
    call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())  # the real year of demo data
    worker = start_worker(tmp_path, "tho-dung-1")
    try:
        client.force_login(User.objects.get(username="vanphong"))  # the seed reset the demo passwords
        response = client.post(BUILD, {"number": "12/BC-UBND", "report_date": "05/12/2026",
                                              "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi", "recipients": "Lưu: VT",
                                              "signer_authority": "KT. CHỦ TỊCH", "signer_position": "PHÓ CHỦ TỊCH",
                                              "signer_name": "Phạm Quang Sự"}, follow=True)  # fmt: skip
        assert "Đang dựng bản 1" in response.content.decode(), re.findall(
            r"alert[^>]*>([^<]*)", response.content.decode()
        )
        report = ConsolidatedReport.objects.get()
        assert wait_for(lambda: state(report.pk) == "ready", 120), (tmp_path / "tho-dung-1.log").read_text()[-3000:]
        report.refresh_from_db()
        assert (tmp_path / report.pdf.name).stat().st_size > 10_000
        status = client.get(f"/tong-hop/{report.pk}/trang-thai/").json()
        assert status["state"] == "ready" and status["files"]["pdf"].endswith("/tep/pdf/")
        assert client.get(status["files"]["docx"]).status_code == 200
        check_docx(report, check_pdf(report))  # the worker's files read back as in the in-process test
        check_xlsx(report)
    finally:
        stop(worker)


@needs_real_services
def test_a_worker_killed_mid_build_is_replaced_and_the_build_finishes_once(transactional_db, plan, settings, tmp_path):
    from reports.consolidated.jobs import build_consolidated_report_job

    settings.MEDIA_ROOT = tmp_path
    slow = start_worker(tmp_path, "tho-cham", REPORT_BUILD_DELAY="30", CELERY_VISIBILITY_TIMEOUT="4")
    try:
        report = ConsolidatedReport.request(plan, 2026)
        build_consolidated_report_job.apply_async((report.pk,), retry=False)
        assert wait_for(lambda: state(report.pk) == "building", 60), (tmp_path / "tho-cham.log").read_text()[-3000:]
        os.killpg(slow.pid, signal.SIGKILL)  # the worker dies in the middle of the build
        slow.wait(10)
    finally:
        stop(slow)
    assert state(report.pk) == "building"
    replacement = start_worker(
        tmp_path, "tho-thay", CELERY_VISIBILITY_TIMEOUT="4", CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
    )  # fmt: skip
    try:
        finished = wait_for(lambda: state(report.pk) == "ready", 150)
        assert finished, (tmp_path / "tho-thay.log").read_text()[-3000:]
    finally:
        stop(replacement)
    assert ConsolidatedReport.objects.filter(plan=plan, year=2026).count() == 1
    assert ConsolidatedReport.objects.filter(state="ready").count() == 1
    built = ConsolidatedReport.objects.get()
    folder = tmp_path / "bao-cao-tong-hop"
    kept = sorted(str(path.relative_to(tmp_path)) for path in folder.rglob("*") if path.is_file())
    assert kept == sorted([built.pdf.name, built.xlsx.name, built.docx.name])  # nothing half-written or orphaned


def test_with_the_broker_down_a_build_is_said_to_be_delayed(transactional_db, client, cast, plan):
    previous = (app.conf.broker_write_url, app.conf.task_always_eager)
    app.conf.broker_write_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False  # nothing listens there
    app._pool = app.amqp._producer_pool = None  # connections are made afresh, to the dead broker
    try:
        client.force_login(User.objects.get(username="vanphong"))  # the seed reset the demo passwords
        response = client.post(BUILD, {"number": "…/BC-UBND", "report_date": "05/12/2026",
                                              "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi", "recipients": "Lưu: VT",
                                              "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự"},
                               follow=True)  # fmt: skip
        html = response.content.decode()
        assert response.status_code == 200 and "hàng đợi đang gián đoạn nên việc dựng bị chậm lại" in html
        assert ConsolidatedReport.objects.get().state == "queued"
        assert client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").status_code == 200  # nothing else breaks
        assert client.get(f"/ke-hoach/{plan.slug}/").status_code == 200
    finally:
        app.conf.broker_write_url, app.conf.task_always_eager = previous
        app._pool = app.amqp._producer_pool = None
