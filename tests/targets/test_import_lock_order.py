"""Two writers touching the same targets in different orders (two imports whose rows come in opposite orders, an
import beside an approval) each locked one target and waited for the other's: PostgreSQL ends such a deadlock by
aborting one of them. Every multi-row writer now locks all its targets first, in one order (by id)."""

import threading
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client

from targets import imports
from targets.models import TargetValue
from tests.reports.helpers import on

ROWS = {"2025.07": "2025.07,2025,{},31/12/2025,,", "2030.04": "2030.04,2026,{},,,"}


def _file(codes, value) -> SimpleUploadedFile:
    lines = ["target_code,year,value,as_of,note,reference", *(ROWS[code].format(value) for code in codes)]
    return SimpleUploadedFile("so-lieu.csv", "\n".join(lines).encode())


@pytest.mark.django_db(transaction=True)
def test_two_imports_in_opposite_orders_queue_instead_of_deadlocking(cast, plan):
    if connection.vendor != "postgresql":
        pytest.skip("the deadlock is reproduced on PostgreSQL, the production database (.ci/run)")
    record = imports.record_value

    def slow(*args, **kwargs):  # each row's write takes a while: long enough for the other import to start
        version = record(*args, **kwargs)
        time.sleep(0.5)
        return version

    files = {"a": _file(["2025.07", "2030.04"], 82), "b": _file(["2030.04", "2025.07"], 83)}
    statuses, errors = {}, {}
    with on("2026-12-06"), mock.patch.object(imports, "record_value", slow):
        reviewers = {}
        for name, user in zip(files, ["vanphong", "sodantoc"], strict=True):  # two people: uploads are one at a time
            reviewers[name] = Client(raise_request_exception=True)  # per account (issue 17)
            reviewers[name].force_login(cast[user])
        start = threading.Barrier(2)

        def post(name):
            try:
                start.wait(30)
                response = reviewers[name].post(f"/ke-hoach/{plan.slug}/nhap-so-lieu/", {"file": files[name]})
                statuses[name] = response.status_code
            except Exception as error:  # noqa: BLE001 — the deadlock surfaces as an exception: record it
                errors[name] = repr(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post, args=(name,)) for name in files]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == {}
    assert statuses == {"a": 302, "b": 302}
    current = TargetValue.objects.current().filter(target__plan=plan, target__code__in=ROWS)
    assert current.count() == 2
    assert len({version.value for version in current}) == 1  # one import landed after the other, whole
