"""The report page and the review queue run a constant number of queries, whatever the data size."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import AgencyReport, Evidence
from tests.conftest import queries_of
from tests.reports.helpers import ReportPage, current_report


def count(client, url):
    return queries_of(client, url)


def grow(report, times, settings, tmp_path):
    """More proposals, evidence files and saved versions: the page must not cost more queries."""
    settings.MEDIA_ROOT = tmp_path
    entry = report.task_entries.filter(role="lead").first()
    for n in range(times):
        report.proposals.create(text=f"Kiến nghị {n}", position=n)
        Evidence.objects.create(entry=entry, file=SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4 %%EOF"),
                                original_name=f"{n}.pdf", content_type="application/pdf", size=14)  # fmt: skip


def test_the_report_page_is_constant(client, cast, plan, settings, tmp_path, django_assert_num_queries):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    url = f"/bao-cao/{report.pk}/"
    client.get(url)  # the recorded figures cached (targets.cache), as on any opening after the first
    small = count(client, url)
    grow(report, 25, settings, tmp_path)
    for n in range(5):
        client.post(url, ReportPage(report).lead("III.3.b.3", results=f"Lần lưu {n}").data())
    assert small > 5 and count(client, url) == small


def test_the_review_view_is_constant(client, cast, plan, settings, tmp_path):
    report = current_report(plan, "LDTBXH")
    staff = client
    staff.force_login(cast["canbo.ldtbxh"])
    staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    small = count(client, f"/bao-cao/{report.pk}/")
    grow(report, 25, settings, tmp_path)
    AgencyReport.objects.filter(pk=report.pk).update(state="sent_back")
    client.force_login(cast["canbo.ldtbxh"])
    for n in range(5):
        client.post(f"/bao-cao/{report.pk}/", ReportPage(report).target("2030.10", note=f"Lần {n}").data("submit"))
        AgencyReport.objects.filter(pk=report.pk).update(state="sent_back")
    AgencyReport.objects.filter(pk=report.pk).update(state="submitted")
    client.force_login(cast["vanphong"])
    assert count(client, f"/bao-cao/{report.pk}/") == small


def test_the_review_queue_is_constant(client, cast, plan, django_assert_num_queries):
    client.force_login(cast["vanphong"])
    first = current_report(plan, "LDTBXH")
    AgencyReport.objects.filter(pk=first.pk).update(state="submitted", submitted_at=timezone.now())
    small = count(client, "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/")
    for year in range(2021, 2026):
        cycle_report = current_report(plan, "GDDT", year=year)
        AgencyReport.objects.filter(cycle=cycle_report.cycle).update(
            state="submitted", submitted_at=timezone.now() - datetime.timedelta(days=year - 2020)
        )
    assert AgencyReport.objects.awaiting_review().count() > 100
    assert small > 3 and count(client, "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/") == small


def _staff_of(code, plan):
    from django.contrib.auth import get_user_model

    from agencies.models import Agency, Membership
    from agencies.permissions import Role, add_role

    user = get_user_model().objects.create_user(f"canbo.{code.lower()}.test")
    Membership.objects.create(user=user, agency=Agency.objects.get(code=code))
    add_role(user, Role.AGENCY_STAFF)
    return user


def test_a_bigger_report_costs_no_more_queries(client, cast, plan):
    """LĐ-TB&XH reports on many tasks and targets; Phòng Y tế on one task led, one coordinated, one target."""
    big, small = current_report(plan, "LDTBXH"), current_report(plan, "PYT")
    assert big.target_entries.count() > 5 * small.target_entries.count() >= 5
    assert big.task_entries.count() > small.task_entries.filter(role="lead").count() == 1
    client.force_login(cast["canbo.ldtbxh"])
    client.get(f"/bao-cao/{big.pk}/")
    big_count = count(client, f"/bao-cao/{big.pk}/")
    client.force_login(_staff_of("PYT", plan))
    client.get(f"/bao-cao/{small.pk}/")
    assert count(client, f"/bao-cao/{small.pk}/") == big_count
    client.force_login(cast["vanphong"])
    assert count(client, f"/bao-cao/{big.pk}/") == count(client, f"/bao-cao/{small.pk}/")


def test_the_report_page_and_its_save_read_only_what_they_use(client, cast, plan):
    """An opening after the first reads the recorded figures from the cache (targets.cache), not the database; a
    save reads neither the files nor the tasks' texts, which only the page shows (issue 20)."""
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    url = f"/bao-cao/{report.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as opened:
        assert client.get(url).status_code == 200
    read = " ".join(query["sql"] for query in opened)
    assert "targets_targetvalue" not in read and "targets_assessment" not in read
    page = ReportPage(report).lead("III.3.b.3", results="Đã lưu.")
    with CaptureQueriesContext(connection) as saved:
        assert client.post(url, page.data()).status_code == 302
    read = " ".join(query["sql"] for query in saved)
    assert 'FROM "reports_evidence"' not in read and '"tasks_section"."parent_id" IN' not in read
    assert report.task_entries.get(section__code="III.3.b.3").results == "Đã lưu."
