"""Details of review and audit: racing reviewers, the first value in the history, answered
proposals, cycle dates, field checks, error pages."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client

from agencies.permissions import Role
from reports.models import AgencyReport, ReportingCycle
from reports.review import workflow
from tests.reports.helpers import ReportPage, current_report


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


def submitted(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    report.refresh_from_db()
    assert report.state == "submitted"
    return report


def test_two_reviewers_acting_at_once_cannot_both_succeed(client, cast, report):
    submitted(client, cast, report)
    first, second = AgencyReport.objects.get(pk=report.pk), AgencyReport.objects.get(pk=report.pk)
    workflow.approve(first, by=cast["vanphong"])
    with pytest.raises(PermissionDenied):
        workflow.send_back(second, by=cast["vanphong"], reason="Bổ sung")
    report.refresh_from_db()
    assert report.state == "approved" and list(report.events.values_list("action", flat=True))[-1] == "approved"


def test_the_first_value_typed_is_in_the_history(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).target("2030.10", value="4,1").data())
    html = client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode()
    history = html[html.index('id="lich-su"') :]
    assert "Chỉ tiêu 2030.10" in history and "<td>giá trị</td>" in history and "4,1" in history
    assert "Lê Thị Lao Động" in history
    assert "+00:00" not in history and "2026-" not in history  # dates shown dd/mm/yyyy, local time


def test_an_answered_proposal_stays_as_answered(client, cast, report):
    proposal = report.proposals.create(text="Cấp thêm kinh phí.", response="Đã bố trí trong dự toán 2027.",
                                       state="answered")  # fmt: skip
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    page.values["proposal-0-text"] = "Sửa lại sau khi đã được trả lời"
    page.values["proposal-0-DELETE"] = "on"
    client.post(f"/bao-cao/{report.pk}/", page.data())
    proposal.refresh_from_db()
    assert proposal.text == "Cấp thêm kinh phí." and proposal.response == "Đã bố trí trong dự toán 2027."
    assert "Trả lời của Văn phòng huyện: <span" in client.get(f"/bao-cao/{report.pk}/").content.decode()


@pytest.mark.parametrize(
    ("kind", "code", "name", "typed", "message"),
    [
        ("target", "2030.09", "value", "150", "Tỷ lệ phần trăm phải từ 0 đến 100."),  # the share of labour, a level
        ("target", "2045.03", "qualitative_status", "tot", "Hãy chọn một lựa chọn hợp lệ"),
        ("coordinating", "III.2.b", "results", "y" * 20_001, "Tối đa 20.000 ký tự"),
    ],
)
def test_more_field_checks(client, cast, report, kind, code, name, typed, message):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    if kind == "coordinating":
        page.coordinating(code, typed)
    else:
        page.target(code, **{name: typed})
    response = client.post(f"/bao-cao/{report.pk}/", page.data())
    assert response.status_code == 422 and message in response.content.decode()


def test_counts_cannot_be_negative(client, cast, plan):
    from targets.models import Target

    target = Target(kind="level", unit="hộ", comparison=">=", value=10)
    assert target.value_error(-1) == "Giá trị không được âm."
    assert target.value_error(0) is None


def test_difficulties_are_limited_in_length(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    page.values["difficulties"] = "x" * 20_001
    response = client.post(f"/bao-cao/{report.pk}/", page.data())
    assert response.status_code == 422
    assert "Tối đa 20.000 ký tự (đã nhập 20.001 ký tự, thừa 1)." in response.content.decode()  # grouped as on the page


def test_an_administrator_reads_reports(client, cast, report):
    admin = cast["lanhdao"]
    admin.groups.set([Group.objects.get(name=Role.ADMINISTRATOR)])
    client.force_login(admin)
    assert client.get(f"/bao-cao/{report.pk}/").status_code == 200


def test_a_reviewer_sets_the_cycle_dates(client, cast, report):
    client.force_login(cast["vanphong"])
    url = f"/ky-bao-cao/{report.cycle_id}/"
    data = {"opens_on": "01/01/2026", "due_on": "05/12/2026", "data_cutoff": "30/11/2026", "locks_on": "01/12/2026"}
    response = client.post(url, data)
    assert (
        response.status_code == 422 and "Ngày khóa nhập liệu phải từ hạn báo cáo trở đi." in response.content.decode()
    )
    response = client.post(url, data | {"locks_on": "31/13/2026"})
    assert response.status_code == 422 and "Ngày không hợp lệ" in response.content.decode()
    assert client.post(url, data | {"locks_on": "20/12/2026"}).status_code == 302
    cycle = ReportingCycle.objects.get(pk=report.cycle_id)
    assert (cycle.data_cutoff, cycle.locks_on) == (datetime.date(2026, 11, 30), datetime.date(2026, 12, 20))
    assert cycle.history.first().history_user == cast["vanphong"]


def test_entry_waits_for_the_opening_date(client, cast, report):
    ReportingCycle.objects.filter(pk=report.cycle_id).update(
        opens_on=datetime.date.today() + datetime.timedelta(days=3)
    )
    client.force_login(cast["canbo.ldtbxh"])
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data())
    assert response.status_code == 409 and "chưa mở hoặc đã khóa" in response.content.decode()


def test_a_value_without_a_date_is_dated_the_day_typed_then_at_the_cycle_cut_off(client, cast, report):
    # While its year runs a value is dated the day it is typed (PRODUCT.md §5); once the year is over, at the
    # cycle's cut-off. (It used to be dated at the cut-off, 31/12, even when typed in November.)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        client.force_login(cast["canbo.ldtbxh"])
        client.post(f"/bao-cao/{report.pk}/", ReportPage(report).target("2030.10", value="4", as_of="").data())
    assert report.target_entries.get(target__code="2030.10").as_of == datetime.date(2026, 11, 20)
    with time_machine.travel(datetime.datetime(2027, 1, 5, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        client.force_login(cast["canbo.ldtbxh"])
        client.post(f"/bao-cao/{report.pk}/", ReportPage(report).target("2030.03", value="9,8", as_of="").data())
    assert report.target_entries.get(target__code="2030.03").as_of == report.cycle.data_cutoff


def test_evidence_cannot_be_removed_once_the_cycle_is_locked(client, cast, report, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence.objects.create(entry=report.task_entries.first(), file=SimpleUploadedFile("a.pdf", b"%PDF"),
                                       original_name="a.pdf", content_type="application/pdf", size=4)  # fmt: skip
    ReportingCycle.objects.filter(pk=report.cycle_id).update(
        locks_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    client.force_login(cast["canbo.ldtbxh"])
    assert client.post(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/").status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_stale_form_token_gets_a_vietnamese_page(cast, report):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["canbo.ldtbxh"])
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data())
    assert response.status_code == 403 and "Xin mở lại trang vừa dùng rồi thao tác lại" in response.content.decode()


def test_a_sent_back_report_of_last_year_is_shown_on_this_years_page(client, cast, plan):
    old = current_report(plan, "LDTBXH", year=2025)
    AgencyReport.objects.filter(pk=old.pk).update(state="sent_back", return_reason="Thiếu số liệu.")
    this_year = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    html = client.get(f"/bao-cao/{this_year.pk}/").content.decode()
    assert "Báo cáo năm 2025 bị trả lại để bổ sung" in html and f"/bao-cao/{old.pk}/" in html


def test_a_cut_off_years_ahead_is_refused_and_a_blank_date_is_never_a_day_to_come(client, cast, report):
    """The fourteenth probe: the 2025 cycle's cut-off set to 31/12/2026 dated its approved values 31/12/2026 (a day to
    come, no estimate), and the 2026 cycle's to 31/12/2031 let a value of 2026 be dated 2029."""
    client.force_login(cast["vanphong"])
    cycle = report.cycle
    data = {"opens_on": "01/01/2026", "due_on": "05/12/2026", "data_cutoff": "31/12/2031", "locks_on": ""}
    page = client.post(f"/ky-bao-cao/{cycle.pk}/", data).content.decode()
    assert "Ngày số liệu tính đến phải trong năm 2026 hoặc đến 31/01/2027 (số liệu thu vào tháng 1)." in page
    cycle.refresh_from_db()
    assert cycle.data_cutoff == datetime.date(2026, 12, 31)
    cycle.data_cutoff = datetime.date(2027, 1, 31)  # allowed: figures collected into January
    assert cycle.default_as_of(2026, today=datetime.date(2027, 1, 5)) == datetime.date(2027, 1, 5)  # not the 31st
    assert cycle.default_as_of(2026, today=datetime.date(2027, 2, 5)) == datetime.date(2027, 1, 31)
