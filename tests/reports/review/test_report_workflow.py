"""Concurrency, deadlines, cycles, notifications and landing pages around the agency report."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from reports.cycles.jobs import open_cycles_job
from reports.cycles.opening import open_this_year
from reports.models import AgencyReport, Notification, ReportingCycle
from reports.notices.notifications import send_review_digest
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, current_report, post_seen

pytestmark = pytest.mark.season  # lateness and the review digest depend on the day


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


def test_a_second_save_of_a_stale_page_is_refused_and_keeps_what_was_typed(cast, report):
    first, second = PortalClient(), PortalClient()
    first.force_login(cast["canbo.ldtbxh"])
    second.force_login(cast["canbo.ldtbxh"])
    stale = ReportPage(report)  # both opened the page at version 0
    first.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead("III.3.b.3", results="Bản của người thứ nhất.").data())

    mine = stale.lead("III.3.b.3", results="Bản của người thứ hai, gõ rất lâu.")
    mine.values["difficulties"] = "Khó khăn do người thứ hai ghi."
    response = second.post(f"/bao-cao/{report.pk}/", mine.data())
    assert response.status_code == 409
    html = response.content.decode()
    assert "Chưa lưu:" in html and "Lê Thị Lao Động đã lưu báo cáo này lúc" in html
    assert "Bản của người thứ hai, gõ rất lâu." in html and "Khó khăn do người thứ hai ghi." in html
    report.refresh_from_db()
    assert report.task_entries.get(section__code="III.3.b.3").results == "Bản của người thứ nhất."
    assert report.difficulties == ""

    # Saving again from the page shown (which now carries the current version) keeps their text.
    version = html.split('name="version" value="')[1].split('"')[0]
    assert version == str(report.version)
    assert second.post(f"/bao-cao/{report.pk}/", mine.data() | {"version": version}).status_code == 302
    assert report.task_entries.get(section__code="III.3.b.3").results == "Bản của người thứ hai, gõ rất lâu."


def test_a_submission_after_the_due_date_is_accepted_and_marked_late(client, cast, report):
    ReportingCycle.objects.filter(pk=report.cycle_id).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(cast["canbo.ldtbxh"])
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"), follow=True)
    report.refresh_from_db()
    assert report.state == "submitted" and report.is_late
    assert "gửi muộn" in response.content.decode()
    client.force_login(cast["vanphong"])
    assert "Gửi muộn" in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()


def test_the_review_queue_is_oldest_first(client, cast, plan):
    now = timezone.now()
    for hours, code in [(1, "GDDT"), (5, "LDTBXH"), (3, "UBND-BA")]:
        report = current_report(plan, code)
        AgencyReport.objects.filter(pk=report.pk).update(
            state="submitted", submitted_at=now - datetime.timedelta(hours=hours)
        )
    queue = list(AgencyReport.objects.awaiting_review().values_list("agency__code", flat=True))
    assert queue == ["LDTBXH", "UBND-BA", "GDDT"]
    client.force_login(cast["vanphong"])
    html = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    table = html[html.index('id="hang-cho"') : html.index("</table>", html.index('id="hang-cho"'))]
    assert table.index("Lao động") < table.index("Bình An") < table.index("Giáo dục")


def test_the_current_cycle_opens_on_its_date_with_a_report_per_expected_agency_and_never_by_a_visit(client, cast, plan):
    assert not ReportingCycle.objects.exists()
    client.force_login(cast["canbo.binhan"])
    for page in (
        "/",
        "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/",
        "/bang-dieu-khien/",
    ):  # reads never write (issue 18): no visit opens a year
        client.force_login(cast["vanphong"] if page != "/" else cast["canbo.binhan"])
        client.get(page, follow=True)
    assert not ReportingCycle.objects.exists()
    assert open_cycles_job.apply().get() == 1  # the nightly job opens it; a second run finds it open
    assert open_cycles_job.apply().get() == 0
    client.force_login(cast["canbo.binhan"])
    response = client.get("/")
    cycle = ReportingCycle.objects.get()
    assert cycle.year == timezone.localdate().year and cycle.due_on == datetime.date(cycle.year, 12, 5)
    assert response["Location"] == cycle.reports.get(agency__code="UBND-BA").get_absolute_url()
    expected = {"VPH", "TCNV", "UBND-BA", "UBND-BK", "BHXH", "TP", "CAH", "BCHQS", "MTTQ", "BTGHU", "BDVHU"}
    assert expected <= set(cycle.reports.values_list("agency__code", flat=True))
    assert not cycle.reports.filter(agency__code__in=["BDT-TINH", "NHCSXH-TINH"]).exists()


def test_a_reviewer_opens_a_past_year_for_back_filling(client, cast, plan):
    client.force_login(cast["vanphong"])
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": 2022}, follow=True)
    assert "Đã mở kỳ báo cáo năm 2022" in response.content.decode()
    cycle = ReportingCycle.objects.get(year=2022)
    assert cycle.due_on == datetime.date(2022, 12, 5) and cycle.opened_by == cast["vanphong"]
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": 2050})
    assert response.status_code == 422 and "Năm báo cáo phải trong khoảng 2021–2045." in response.content.decode()
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": "hai nghìn"})
    assert "Nhập năm bằng chữ số, ví dụ 2024." in response.content.decode()
    for typed in ("٢٠٢٤", "２０２４"):  # Arabic-Indic, full-width: Python's int() reads them as 2024
        response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": typed})
        assert response.status_code == 422 and "Nhập năm bằng chữ số, ví dụ 2024." in response.content.decode()
    assert not ReportingCycle.objects.filter(year=2024).exists()
    client.force_login(cast["canbo.ldtbxh"])
    assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": 2023}).status_code == 403


def test_a_late_back_filled_report_for_a_past_year(client, cast, plan):
    report = current_report(plan, "LDTBXH", year=2023)
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    report.refresh_from_db()
    assert report.state == "submitted" and report.is_late


def test_the_digest_goes_once_a_day_with_every_new_submission(cast, plan):
    for code in ("LDTBXH", "GDDT"):
        report = current_report(plan, code)
        page = ReportPage(report).fill_everything()
        client = PortalClient()
        client.force_login(cast[f"canbo.{code.lower()}"])
        client.post(f"/bao-cao/{report.pk}/", page.data("submit"))
    assert mail.outbox == []  # not one mail per click
    assert send_review_digest() is True
    assert send_review_digest() is False
    assert [message.to for message in mail.outbox] == [["sodantoc@binhson.local"], ["vanphong@binhson.local"]]
    for message in mail.outbox:  # one each: the Sở reviews every plan, vanphong Bình Sơn's
        assert "Phòng Lao động - Thương binh và Xã hội" in message.body and "Phòng Giáo dục và Đào tạo" in message.body
    assert Notification.objects.filter(key__startswith="review-digest-").count() == 2
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert send_review_digest(tomorrow) is False  # nothing new since


def test_an_approval_mail_is_sent_once(client, cast, plan, django_capture_on_commit_callbacks, eager_jobs):
    from reports.notices.notifications import send_report_notice

    report = current_report(plan, "GDDT")
    client.force_login(cast["canbo.gddt"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["canbo.gddt@binhson.local"]
    assert send_report_notice(report.events.last().pk) is False
    assert len(mail.outbox) == 1


def test_a_reviewer_answers_a_proposal(client, cast, plan):
    report = current_report(plan, "UBND-BA")
    proposal = report.proposals.create(text="Đề nghị hỗ trợ làm đường vào thôn Trà Bung.")
    AgencyReport.objects.filter(pk=report.pk).update(state="submitted")  # sent: the reviewer's to answer
    client.force_login(cast["vanphong"])
    url = f"/bao-cao/{report.pk}/kien-nghi/{proposal.pk}/"
    answered = client.post(
        url, {f"p{proposal.pk}-state": "forwarded", f"p{proposal.pk}-response": "Đã chuyển Phòng KT&HT."}
    )
    proposal.refresh_from_db()
    assert proposal.state == "forwarded" and proposal.responded_by == cast["vanphong"]
    # the page opens at the proposal, far below the message at its top: the proposal says it was saved (browser
    # pass 33)
    assert answered["Location"].endswith(f"?da-tra-loi={proposal.pk}#kien-nghi-{proposal.pk}")
    page = client.get(answered["Location"].split("#")[0]).content.decode()
    block = page[page.index(f'id="kien-nghi-{proposal.pk}"') :].split("</form>")[0]
    assert f"Đã lưu trả lời lúc {timezone.localtime(proposal.responded_at):%H:%M %d/%m/%Y}." in block
    client.post(url, {f"p{proposal.pk}-state": "bogus", f"p{proposal.pk}-response": ""}, follow=True)
    proposal.refresh_from_db()
    assert proposal.state == "forwarded"
    client.force_login(cast["canbo.binhan"])
    assert "Đã chuyển Phòng KT&amp;HT." in client.get(f"/bao-cao/{report.pk}/").content.decode()


def test_landing_pages(client, cast, plan):
    open_this_year()  # the nightly job of the year's first day opened it
    client.force_login(cast["lanhdao"])
    assert client.get("/")["Location"] == "/bang-dieu-khien/"
    client.force_login(cast["canbo.ldtbxh"])
    report_url = client.get("/")["Location"]
    page = client.get(report_url).content.decode()
    assert "Hạn gửi: <strong>05/12/" in page and "Đang soạn" in page
    assert client.get("/bao-cao/").status_code == 200


def test_a_year_no_night_opened_is_offered_to_the_reviewer_and_explained_to_staff(client, cast, plan):
    """The browser pass after issue 18: without celery beat (the embedded mode) nothing opened the new year, and staff
    landed on the plan's page with no word of why."""
    year = timezone.localdate().year  # the run's day (tests/conftest.py)
    client.force_login(cast["canbo.binhan"])
    page = client.get("/", follow=True).content.decode()
    assert (
        f"Kỳ báo cáo năm {year} chưa mở. Khi Văn phòng huyện mở kỳ, báo cáo năm {year} của đơn vị sẽ có ở đây." in page
    )
    client.force_login(cast["vanphong"])
    queue = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    assert f"Kỳ báo cáo năm {year} chưa mở" in queue and f"Mở kỳ báo cáo năm {year}</button>" in queue
    assert not ReportingCycle.objects.exists()  # offered, not done by looking
    client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": year})
    assert ReportingCycle.objects.get().year == year
    assert "chưa mở" not in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    client.force_login(cast["canbo.binhan"])
    assert client.get("/")["Location"].startswith("/ke-hoach/binh-son-ctdt-2021-2030/bao-cao/")


def test_the_open_cycles_command_opens_this_year_once(plan):
    out = io.StringIO()
    call_command("open_cycles", stdout=out)
    call_command("open_cycles", stdout=out)
    assert out.getvalue().splitlines() == ["Đã mở 1 kỳ báo cáo năm nay.", "Kỳ báo cáo năm nay đã mở từ trước."]
    assert ReportingCycle.objects.get().year == timezone.localdate().year


def test_the_cycles_are_listed_newest_first_whatever_the_order_they_were_opened(client, cast, plan):
    client.force_login(cast["vanphong"])
    for year in (2025, 2026, 2024):
        client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": year})
    page = client.get("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/").content.decode()
    listed = re.findall(r'<td><a href="/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/\d+/">(\d{4})</a></td>', page)
    assert listed == ["2026", "2025", "2024"]


def test_a_year_to_come_is_not_opened(client, cast, plan):
    """The twelfth probe: 2030's cycle, opened in 2026, had values "as of" 01/11/2030 approved as the plan's."""
    this_year = timezone.localdate().year
    client.force_login(cast["vanphong"])
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/", {"year": this_year + 1})
    assert response.status_code == 422
    assert (
        f"Năm {this_year + 1} chưa đến: chỉ mở được kỳ báo cáo của năm nay ({this_year}) hoặc các năm trước."
        in response.content.decode()
    )
    assert not ReportingCycle.objects.exists()
