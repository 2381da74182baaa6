"""Reads never write (issue 18, point 6): opening a year is an action (a reviewer, a command, the nightly job), and
a report is made with its entries, so no page a person reads writes a row — only the session and the login
records may change on a request."""

import re
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.cycles.opening import open_cycle
from reports.models import ReportingCycle, TargetEntry, TaskEntry
from targets.loading import load_plan_file
from tests.conftest import SLUG

BOOKKEEPING = ("django_session", "axes_")


def writes(queries) -> list[str]:
    found = []
    for query in queries:
        sql = query["sql"]
        if re.match(r"^\s*(INSERT|UPDATE|DELETE)\b", sql, re.I) and not any(name in sql for name in BOOKKEEPING):
            found.append(sql[:120])
    return found


def test_no_page_opens_a_year(client, cast, plan):
    pages = {
        "canbo.binhan": ["/", "/bao-cao/"],
        "vanphong": [
            "/",
            "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/",
            "/bang-dieu-khien/",
            f"/bang-dieu-khien/{SLUG}/2026/",
            "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/",
        ],
        "lanhdao": ["/", f"/bang-dieu-khien/{SLUG}/2026/", f"/bang-dieu-khien/{SLUG}/2026/tinh-hinh-bao-cao.xlsx"],
    }
    for user, urls in pages.items():
        client.force_login(cast[user])
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code in (200, 302), url
            assert writes(queries) == [], url
    assert not ReportingCycle.objects.exists()


def test_a_report_is_made_with_its_entries_and_its_page_and_workbook_write_nothing(client, cast, plan):
    cycle = open_cycle(plan, 2026)
    report = cycle.reports.get(agency__code="LDTBXH")
    assert report.task_entries.exists() and report.target_entries.exists()  # made when the year opened
    client.force_login(cast["canbo.ldtbxh"])
    for url in (f"/bao-cao/{report.pk}/", f"/bao-cao/{report.pk}/excel/", f"/bao-cao/{report.pk}/in/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert writes(queries) == [], url


def test_a_plan_loaded_again_gives_the_open_reports_the_entries_they_now_need(cast, plan, settings):
    cycle = open_cycle(plan, 2026)
    report = cycle.reports.get(agency__code="LDTBXH")
    tasks, targets = report.task_entries.count(), report.target_entries.count()
    TaskEntry.objects.filter(report=report).delete()
    TargetEntry.objects.filter(report=report).delete()  # as a task or target added to the plan after the year opened
    load_plan_file(Path(settings.DEFAULT_PLAN_FILE))
    assert (report.task_entries.count(), report.target_entries.count()) == (tasks, targets)
