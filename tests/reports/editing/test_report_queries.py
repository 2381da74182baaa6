"""The report page and the review queue run a constant number of queries, whatever the data size."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
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
