"""A reviewer acts on the report as they saw it (issue 17, probe: "approve carries no version"). The approve,
send-back and reopen forms carry the version the page showed; a report changed since — sent back by another reviewer,
corrected and sent again — is refused with 409 and a Vietnamese message, and nothing is recorded."""

import re

import pytest

from reports.models import AgencyReport, ReportEvent
from targets.models import TargetValue
from tests.reports.helpers import ReportPage, current_report, on

pytestmark = pytest.mark.season

STALE = "Báo cáo đã thay đổi từ khi anh/chị mở trang"


def shown_version(client, report) -> str:
    """The version the review forms of the report page carry, as the browser would post it."""
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    versions = set(re.findall(r'name="version" value="(\d+)"', page))
    assert len(versions) == 1, versions
    return versions.pop()


@pytest.fixture
def reviewers(cast, plan):
    """`vanphong` and `sodantoc` both review Bình Sơn's plan (seed_demo)."""
    from reports import access

    assert access.reviews(cast["vanphong"], plan) and access.reviews(cast["sodantoc"], plan)
    return cast["vanphong"], cast["sodantoc"]


def submit(client, cast, report, change=None):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything()
    if change:
        change(page)
    assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302


def test_a_stale_approval_is_refused(client, cast, plan, reviewers):
    a, b = reviewers
    with on("2026-11-20"):
        report = current_report(plan, "LDTBXH")
        submit(client, cast, report)
        client.force_login(a)
        seen = shown_version(client, report)  # A opens the report
        client.force_login(b)
        refused = client.post(
            f"/bao-cao/{report.pk}/tra-lai/",
            {"reason": "Bổ sung số liệu.", "correction_due_on": "27/11/2026", "version": shown_version(client, report)},
        )
        assert refused.status_code == 302  # B sends it back from a fresh page
        submit(client, cast, report, lambda page: page.values.update(difficulties="Nội dung mới A chưa xem."))
        values_before = TargetValue.objects.count()
        client.force_login(a)
        response = client.post(f"/bao-cao/{report.pk}/duyet/", {"version": seen})  # from the page opened earlier
        assert response.status_code == 409
        said = response.content.decode()
        assert STALE in said and "xin tải lại trang, xem nội dung mới rồi duyệt" in said
        report.refresh_from_db()
        assert report.state == "submitted" and report.reviewed_at is not None  # B's send-back, not an approval
        assert not ReportEvent.objects.filter(report=report, action="approved").exists()
        assert TargetValue.objects.count() == values_before  # no figure became official
        fresh = shown_version(client, report)  # reloaded: the new content, and the approval goes through
        assert "Nội dung mới A chưa xem." in client.get(f"/bao-cao/{report.pk}/").content.decode()
        assert client.post(f"/bao-cao/{report.pk}/duyet/", {"version": fresh}).status_code == 302
        assert AgencyReport.objects.get(pk=report.pk).state == "approved"


def test_a_stale_send_back_is_refused(client, cast, plan, reviewers):
    a, b = reviewers
    with on("2026-11-20"):
        report = current_report(plan, "LDTBXH")
        submit(client, cast, report)
        client.force_login(a)
        seen = shown_version(client, report)
        client.force_login(b)
        assert client.post(f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung.", "version": seen}).status_code == 302
        submit(client, cast, report, lambda page: page.values.update(difficulties="Đã bổ sung."))
        client.force_login(a)
        response = client.post(f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Thiếu nguồn.", "version": seen})
        assert response.status_code == 409 and STALE in response.content.decode()
        assert AgencyReport.objects.get(pk=report.pk).state == "submitted"
        assert ReportEvent.objects.filter(report=report, action="sent_back").count() == 1


def test_a_stale_reopen_is_refused(client, cast, plan, reviewers):
    a, b = reviewers
    with on("2026-11-20"):
        report = current_report(plan, "LDTBXH")
        submit(client, cast, report)
        client.force_login(b)
        assert (
            client.post(f"/bao-cao/{report.pk}/duyet/", {"version": shown_version(client, report)}).status_code == 302
        )
        client.force_login(a)
        seen = shown_version(client, report)  # A opens the approved report
        client.force_login(b)  # B reopens it, the agency corrects and sends, B approves again
        assert client.post(f"/bao-cao/{report.pk}/mo-lai/", {"reason": "Sửa.", "version": seen}).status_code == 302
        submit(client, cast, report, lambda page: page.values.update(difficulties="Đã sửa."))
        client.force_login(b)
        assert (
            client.post(f"/bao-cao/{report.pk}/duyet/", {"version": shown_version(client, report)}).status_code == 302
        )
        client.force_login(a)
        response = client.post(f"/bao-cao/{report.pk}/mo-lai/", {"reason": "Sửa lần nữa.", "version": seen})
        assert response.status_code == 409 and STALE in response.content.decode()
        assert AgencyReport.objects.get(pk=report.pk).state == "approved"
        assert ReportEvent.objects.filter(report=report, action="reopened").count() == 1


@pytest.mark.parametrize("version", [None, "", "abc", "-1"])
def test_an_approval_without_the_version_shown_is_refused(client, cast, plan, reviewers, version):
    """A crafted request (or a page from before this rule) carries no version: it approves nothing."""
    with on("2026-11-20"):
        report = current_report(plan, "LDTBXH")
        submit(client, cast, report)
        client.force_login(reviewers[0])
        response = client.post(f"/bao-cao/{report.pk}/duyet/", {} if version is None else {"version": version})
        assert response.status_code == 409 and "xin tải lại trang" in response.content.decode()
        assert AgencyReport.objects.get(pk=report.pk).state == "submitted"
