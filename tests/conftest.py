"""Shared fixtures: the Bình Sơn plan as shipped, a fixed cast of named demo users, and a chosen today.

No test reads the wall clock. The whole run travels to one chosen moment before anything is
collected (module constants such as `YEAR = timezone.localdate().year` included) and time ticks on
from there: 20/11/2026, in the season before the due date, unless `PORTAL_TEST_TODAY=YYYY-MM-DD`
chooses another day. CI runs the date-sensitive tests (marker `season`) again on 02/01, 04/12,
06/12 and 31/12 (.ci/run). A test that needs a particular day travels there itself
(`time_machine.travel`), which nests inside this one.
"""

import datetime
import os
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tasks.models import Plan

DATA = Path(__file__).parent / "data"
SLUG = "binh-son-ctdt-2021-2030"
DEFAULT_TODAY = "2026-11-20"


def chosen_today() -> datetime.datetime:
    """10:00 in Bình Sơn on the day the run chose (PORTAL_TEST_TODAY, else DEFAULT_TODAY)."""
    day = datetime.date.fromisoformat(os.environ.get("PORTAL_TEST_TODAY") or DEFAULT_TODAY)
    return datetime.datetime.combine(day, datetime.time(10), zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))


_travel = time_machine.travel(chosen_today(), tick=True)


def pytest_configure(config):
    _travel.start()
    _a_queue_of_its_own()


def _a_queue_of_its_own():
    """Under pytest-xdist (`make test` runs the suite on several workers), each worker queues its jobs on a queue of
    its own on the broker CI gives the suite (one Redis database): a real Celery worker started by one worker's
    test (tests/reports/consolidated/test_worker.py) listens to that queue only, and never takes a job another
    worker queued about a database it cannot see. Alone (no xdist), jobs go to Celery's default queue."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        from binhson_plan.celery import app

        app.conf.task_default_queue = f"celery-{worker}"


def pytest_unconfigure(config):
    _travel.stop()


def pytest_report_header(config):
    return f"hôm nay (chọn cho lần chạy này): {chosen_today():%d/%m/%Y %H:%M}"


def _ensure_plan_and_cast():
    if not Plan.objects.filter(slug=SLUG).exists():
        call_command("load_indicators", stdout=open("/dev/null", "w"))  # as `make run`: the province's list first
        call_command("load_plan", stdout=open("/dev/null", "w"))
    if not get_user_model().objects.filter(username="vanphong").exists():
        call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the plan and the demo users once; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        _ensure_plan_and_cast()


# CI runs the file-touching tests a second time with their files in an S3 bucket: PORTAL_TEST_S3_ENDPOINT is the
# address of an S3 server (.ci/run starts moto_server) and each run, each xdist worker, gets a fresh bucket there.
S3_ENDPOINT = os.environ.get("PORTAL_TEST_S3_ENDPOINT", "")
# A MEDIA_ROOT nobody can create, not even root: with S3 on, anything still writing a file by its path fails.
NO_MEDIA_ROOT = "/proc/binhson-no-media-root"


def s3_client(endpoint):
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )


def fresh_bucket(endpoint) -> str:
    import uuid

    bucket = f"binhson-test-{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}-{uuid.uuid4().hex[:10]}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    return bucket


def s3_storages(endpoint, bucket) -> dict:
    """settings.STORAGES with the default storage in `bucket`, as binhson_plan/settings.py makes it from the
    AWS_* variables."""
    options = {
        "bucket_name": bucket, "endpoint_url": endpoint, "access_key": "test", "secret_key": "test",
        "region_name": "us-east-1", "addressing_style": "path", "signature_version": "s3v4", "default_acl": None,
        "querystring_auth": True, "file_overwrite": False,
    }  # fmt: skip
    return settings.STORAGES | {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}}


@pytest.fixture(scope="session", autouse=True)
def media_of_this_run(tmp_path_factory):
    """Files the tests upload or build go to a folder of this run, of this xdist worker under pytest-xdist
    (tmp_path_factory), never to the repository's media/: two workers building the same version of a consolidated
    report (the same file name) would overwrite each other's file between its writing and its reading back. A test
    that needs a folder of its own still sets `settings.MEDIA_ROOT = tmp_path`. With PORTAL_TEST_S3_ENDPOINT set,
    they go to a fresh bucket of this run on that S3 server instead, and MEDIA_ROOT is a folder that cannot exist."""
    from django.test import override_settings

    if S3_ENDPOINT:
        with override_settings(MEDIA_ROOT=NO_MEDIA_ROOT, STORAGES=s3_storages(S3_ENDPOINT, fresh_bucket(S3_ENDPOINT))):
            yield
        return
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3 server: CI's (PORTAL_TEST_S3_ENDPOINT), else moto's, started in this process for the session."""
    if S3_ENDPOINT:
        yield S3_ENDPOINT
        return
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    """This test's files in a fresh bucket on the S3 server, MEDIA_ROOT a folder that cannot exist; yields
    (a boto3 client, the bucket's name) to look into the bucket directly."""
    from django.test import override_settings

    bucket = fresh_bucket(s3_endpoint)
    with override_settings(MEDIA_ROOT=NO_MEDIA_ROOT, STORAGES=s3_storages(s3_endpoint, bucket)):
        yield s3_client(s3_endpoint), bucket


@pytest.fixture(scope="session", autouse=True)
def locks_of_this_run(tmp_path_factory):
    """The locks held on the machine while the cache server is down (binhson_plan.upload_lock.held_here) are files
    of this run, of this xdist worker: two workers, or another run on the machine, whose demo accounts have the same
    numbers would otherwise hold each other's print and upload locks."""
    from binhson_plan import upload_lock

    machine_wide, upload_lock.LOCAL_LOCKS = upload_lock.LOCAL_LOCKS, tmp_path_factory.mktemp("locks")
    yield
    upload_lock.LOCAL_LOCKS = machine_wide


@pytest.fixture(autouse=True)
def prints_drawn_without_a_clock(settings):
    """A print is stopped after PRINT_DRAW_SECONDS on the clock (reports/documents/pdf.py): on a shared machine
    a test's print may take any time, so the limit is the business of the tests that set it, never of the others."""
    settings.PRINT_DRAW_SECONDS = 0


@pytest.fixture(autouse=True)
def requests_answered_without_a_share(settings):
    """An account's requests spend a share of the server's time (binhson_plan.middleware.fair_share): on a shared
    machine a test's in-process builds and prints may take any time, so the share is the business of the tests that
    set it (tests/test_account_allowances.py), never of the others."""
    settings.ACCOUNT_REQUEST_SECONDS = 10**9


@pytest.fixture(autouse=True)
def empty_cache():
    """Figures are cached per plan and year (targets/cache.py): each test starts, like its data, afresh."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def plan(db):
    _ensure_plan_and_cast()  # a transactional (browser) test empties the tables when it ends
    return Plan.objects.get(slug=SLUG)


@pytest.fixture
def cast(plan):
    """The demo users by name: quantri, vanphong, lanhdao, canbo.ldtbxh, canbo.binhan, …"""
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def eager_jobs():
    """Run Celery jobs in-process for this test, even when CI configured a real broker."""
    from binhson_plan.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


class PortalClient(Client):
    """Django's test client, but a GET of an old plan-less address (`/bao-cao/<id>/…`, reports/old_addresses.py)
    is answered as a browser would: its permanent redirect (301) to the address under the plan is followed. Tests
    written before the addresses carried their plan keep opening the old ones, which keeps those working; what the
    301 itself says is asserted in tests/reports/test_plan_in_addresses.py (with a plain `Client`)."""

    def get(self, path, data=None, follow=False, **extra):
        response = super().get(path, data, follow=follow, **extra)
        if not follow and response.status_code == 301 and _is_old_address(path):
            response = super().get(response["Location"], **extra)
        return response


def _is_old_address(path) -> bool:
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    try:
        return (resolve(urlsplit(path).path).url_name or "").startswith("old_")
    except Resolver404:
        return False


@pytest.fixture
def client():
    return PortalClient()


def queries_of(client, url) -> int:
    """How many SQL statements one GET runs (counted at the driver, so nothing can reset the count)."""
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.fixture
def seed_text():
    return (DATA / "seed_plan.txt").read_text(encoding="utf-8")


@pytest.fixture
def shipped_plan_file():
    return Path(settings.DEFAULT_PLAN_FILE)


from tests.browser import browser  # noqa: E402,F401  (a fixture shared by the browser tests)
