"""A report sent back carries a due date for its corrections (issue 16, item 3): the reviewer sets it on the
send-back form (proposed: five working days later, not before the report's own due date), the agency's message
names it, and past it the report is "quá hạn bổ sung" wherever "quá hạn" is shown. The first submission's
timeliness stays as it was; sent again after it, the report says so. Each day is chosen by the test (due date:
05/12/2026; 06/12/2026 is a Sunday)."""

import datetime
import subprocess

import pytest
from django.core import mail

from reports.models import ReportAction, ReportingCycle
from reports.notices.reminders import send_reminders
from tests.reports.helpers import current_report, on, post_seen
from tests.reports.review.test_deadline import SLUG, appendix_3_row, export_row, row_of, submit

pytestmark = pytest.mark.season
NAME = "Phòng Lao động - Thương binh và Xã hội"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def row_of_year(html: str, year: int) -> str:
    table = html[html.index('id="bao-cao-cua-don-vi"') :].split("</table>")[0]
    [row] = [row for row in table.split("<tr>") if f">{year}</a>" in row]
    return row


def pdf_bytes_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def send_back(client, cast, report, **data):
    client.force_login(cast["vanphong"])
    return post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung nguồn số liệu."} | data)


def test_sent_back_after_the_due_date_the_report_is_overdue_on_its_corrections_everywhere(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    report = current_report(plan, "LDTBXH")
    with on("2026-11-16", "08:00"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on("2026-12-06", "09:00"), django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        response = send_back(client, cast, report, correction_due_on="10/12/2026")
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.correction_due_on == datetime.date(2026, 12, 10)
        assert report.history.first().correction_due_on == datetime.date(2026, 12, 10)  # in the report's history
    [message] = mail.outbox  # the agency is told by when
    assert message.to == ["canbo.ldtbxh@binhson.local"] and "10/12/2026" in message.subject
    assert "Hạn bổ sung: 10/12/2026." in message.body and "Bổ sung nguồn số liệu." in message.body
    with on("2026-12-10", "16:00"):  # the day itself: not yet overdue
        client.force_login(cast["canbo.ldtbxh"])
        header = client.get(f"/bao-cao/{report.pk}/").content.decode().split("</header>")[0]
        assert "Hạn bổ sung: <strong>10/12/2026</strong>" in header and "Quá hạn" not in header
        history = client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode()
        history = history[history.index('id="lich-su"') :].split("</table>")[0]
        assert "hạn bổ sung" in history.lower() and "10/12/2026" in history  # who set it, and when, in the history
        client.force_login(cast["vanphong"])  # the reviewer sees by when, before it has passed, wherever it is listed
        assert "Hạn bổ sung 10/12/2026" in row_of(
            client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode(), "tinh-hinh-nop", NAME
        )
        row = row_of(client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode(), "bang-don-vi", NAME)
        assert "Hạn bổ sung 10/12/2026" in row and "Quá hạn" not in row
        assert export_row(client, NAME)["Ghi chú"] == "Hạn bổ sung 10/12/2026"
    with on("2026-12-11"):
        client.force_login(cast["canbo.ldtbxh"])
        page = client.get(f"/bao-cao/{report.pk}/").content.decode()
        asked = page[page.index('id="ly-do-tra-lai"') :].split("</div>\n</div>")[0]
        assert "Bổ sung nguồn số liệu." in asked and "bổ sung: <strong>10/12/2026</strong> – đã quá hạn" in asked
        header = page.split("</header>")[0]
        assert "Quá hạn bổ sung (hạn 10/12/2026)" in header and "Gửi muộn" not in header
        listed = row_of_year(client.get("/bao-cao/").content.decode(), 2026)  # the agency's own list says it too
        assert "Quá hạn bổ sung (hạn 10/12/2026)" in listed
        printed = client.get(f"/bao-cao/{report.pk}/in/")
        assert printed.status_code == 200
        text = " ".join(pdf_bytes_text(printed.content).split())
        assert "Hạn gửi: 05/12/2026. Gửi lần đầu lúc 08:00 16/11/2026. Quá hạn bổ sung (hạn 10/12/2026)." in text
        assert "Gửi lần đầu lúc 08:00 16/11/2026" in header  # the first submission was on time, and stays so
        mine = row_of(client.get("/bao-cao/").content.decode(), "bao-cao-cua-don-vi", "2026")
        assert "Quá hạn bổ sung (hạn 10/12/2026)" in mine
        client.force_login(cast["vanphong"])
        with django_assert_max_num_queries(15):
            queue = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
        assert "Quá hạn bổ sung (hạn 10/12/2026)" in row_of(queue, "tinh-hinh-nop", NAME)
        dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
        row = row_of(dashboard, "bang-don-vi", NAME)
        assert "Quá hạn bổ sung (hạn 10/12/2026)" in row and "Gửi muộn" not in row
        assert "<strong>22</strong> quá hạn (21 chưa gửi, 1 quá hạn bổ sung)" in dashboard  # each kind said
        exported = export_row(client, NAME)
        assert exported["Quá hạn"] == "Có" and exported["Ghi chú"] == "Quá hạn bổ sung (hạn 10/12/2026)"
        appendix = appendix_3_row(client, cast, django_capture_on_commit_callbacks, "11/12/2026", NAME)
        assert "08:00 16/11/2026" in appendix and "Quá hạn bổ sung (hạn 10/12/2026)" in appendix
        assert "Gửi muộn" not in appendix
    with on("2026-12-14", "08:30"):  # sent again after its corrections' date: said, and no longer overdue
        told = submit(client, cast["canbo.ldtbxh"], report)
        assert ("Báo cáo gửi lại sau hạn bổ sung 10/12/2026, được ghi nhận là gửi lại muộn so với hạn bổ sung."
                in told)  # fmt: skip
        assert not report.is_late and not report.is_overdue
        client.force_login(cast["vanphong"])
        row = row_of(client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode(), "hang-cho", NAME)
        assert "Gửi lại lúc 08:30 14/12/2026, muộn so với hạn bổ sung 10/12/2026" in row
        assert "Gửi muộn" not in row and "Quá hạn" not in row
        appendix = appendix_3_row(client, cast, django_capture_on_commit_callbacks, "14/12/2026", NAME)
        assert "Gửi lại lúc 08:30 14/12/2026 (muộn so với hạn bổ sung 10/12/2026)" in appendix
        assert "Gửi muộn" not in appendix and "Quá hạn" not in appendix


def test_sent_late_then_sent_again_within_its_corrections_date_it_is_not_told_it_was_late_again(client, cast, plan):
    """Browser pass 33: a report first sent after its due date, sent back, then sent again before its corrections'
    date was told "Báo cáo gửi sau hạn, được ghi nhận là gửi muộn", as if this sending were late."""
    report = current_report(plan, "LDTBXH")
    with on("2026-12-07", "08:00"):  # after 05/12/2026
        assert "Báo cáo gửi sau hạn, được ghi nhận là gửi muộn." in submit(client, cast["canbo.ldtbxh"], report)
    with on("2026-12-08", "09:00"):
        assert send_back(client, cast, report, correction_due_on="14/12/2026").status_code == 302
    with on("2026-12-11", "10:00"):
        told = submit(client, cast["canbo.ldtbxh"], report)
        assert "Báo cáo gửi lại trong hạn bổ sung 14/12/2026." in told
        assert "gửi muộn" not in told and "gửi lại muộn" not in told
        report.refresh_from_db()
        assert report.is_late  # the first submission stays late, as the pages say


@pytest.mark.parametrize(
    "day, proposed",
    [
        ("2026-12-06", "11/12/2026"),  # a Sunday: Monday to Friday of the week after
        ("2026-12-09", "16/12/2026"),  # a Wednesday: the weekend is not counted
        ("2026-11-18", "05/12/2026"),  # before the due date: never earlier than the time the others have
    ],
)
def test_the_send_back_form_proposes_five_working_days(client, cast, plan, day, proposed):
    report = current_report(plan, "LDTBXH")
    with on("2026-11-16", "08:00"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on(day):
        client.force_login(cast["vanphong"])
        page = client.get(f"/bao-cao/{report.pk}/").content.decode()
        form = page[page.index('id="tra-lai"') :].split("</form>")[0]
        assert f'name="correction_due_on" value="{proposed}"' in form and "Hạn bổ sung" in form
        send_back(client, cast, report, correction_due_on="")  # left empty: the proposed date
        report.refresh_from_db()
        assert f"{report.correction_due_on:%d/%m/%Y}" == proposed


@pytest.mark.parametrize(
    "typed, said",
    [
        ("05/12/2026", "Hạn bổ sung không được trước hôm nay (06/12/2026)."),
        ("31/02/2026", "Ngày không hợp lệ: tháng 2/2026 chỉ có ngày 1 đến 28 (đã nhập 31/02/2026)."),
        ("mai", "Ngày không hợp lệ: viết theo dạng ngày/tháng/năm"),
    ],
)
def test_a_corrections_date_before_today_or_not_a_date_is_refused_next_to_the_field(client, cast, plan, typed, said):
    report = current_report(plan, "LDTBXH")
    with on("2026-11-16", "08:00"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on("2026-12-06"):
        response = send_back(client, cast, report, reason="Thiếu số liệu 2025.02.", correction_due_on=typed)
        assert response.status_code == 422
        form = response.content.decode()
        form = form[form.index('id="tra-lai"') :].split("</form>")[0]
        field = form[form.index('name="correction_due_on"') :]
        assert said in field[: field.index("</div>", field.index(said)) + 6] and "is-invalid" in form
        assert "Thiếu số liệu 2025.02." in form and f'value="{typed}"' in form  # nothing typed is lost
        report.refresh_from_db()
        assert report.state == "submitted" and report.correction_due_on is None
        assert not report.events.filter(action=ReportAction.SENT_BACK).exists()


def test_a_report_past_its_corrections_date_is_in_the_overdue_digest(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    with on("2026-11-16", "08:00"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on("2026-11-18"):
        send_back(client, cast, report, correction_due_on="25/11/2026")
    mail.outbox.clear()
    send_reminders(datetime.date(2026, 11, 25))  # the date itself: the agencies' reminders, no digest
    assert not [m for m in mail.outbox if m.to == ["sodantoc@binhson.local", "vanphong@binhson.local"]]
    mail.outbox.clear()
    send_reminders(datetime.date(2026, 11, 26))
    [digest] = [m for m in mail.outbox if m.to == ["sodantoc@binhson.local", "vanphong@binhson.local"]]
    assert f"- {NAME}: quá hạn bổ sung (hạn 25/11/2026)" in digest.body and "quá hạn bổ sung" in digest.subject
    mail.outbox.clear()
    send_reminders(datetime.date(2026, 11, 27))
    assert not [m for m in mail.outbox if m.to == ["sodantoc@binhson.local", "vanphong@binhson.local"]]  # once
    mail.outbox.clear()
    send_reminders(datetime.date(2026, 12, 6))  # the season's digest names it with the reports never sent
    [digest] = [m for m in mail.outbox if m.to == ["sodantoc@binhson.local", "vanphong@binhson.local"]]
    assert f"- {NAME}: quá hạn bổ sung (hạn 25/11/2026)" in digest.body
    assert "- Ủy ban nhân dân xã Bình An" in digest.body


def test_in_january_the_year_just_ended_is_still_reminded(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    with on("2026-12-03"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on("2027-01-04"):
        send_back(client, cast, report, reason="Bổ sung số liệu cả năm.", correction_due_on="06/01/2027")
    mail.outbox.clear()
    send_reminders(datetime.date(2027, 1, 7))
    [digest] = [m for m in mail.outbox if m.to == ["sodantoc@binhson.local", "vanphong@binhson.local"]]
    assert "năm 2026" in digest.subject and "- Ủy ban nhân dân xã Bình An" in digest.body
    assert f"- {NAME}: quá hạn bổ sung (hạn 06/01/2027)" in digest.body
    assert ReportingCycle.objects.filter(year=2026).exists()


def test_a_report_is_printed_with_the_date_it_was_sent_and_its_excel_panel_says_what_it_offers(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    with on("2026-11-16", "08:00"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on("2027-03-02"):  # printed months later: the document keeps the day it was sent
        client.force_login(cast["vanphong"])
        text = " ".join(pdf_bytes_text(client.get(f"/bao-cao/{report.pk}/in/").content).split())
        assert "ngày 16 tháng 11 năm 2026" in text and "ngày 02 tháng 3 năm 2027" not in text
        page = client.get(f"/bao-cao/{report.pk}/").content.decode()
        panel = page[page.index('id="tep-excel"') :].split("</details>")[0]
        assert "Tệp Excel của báo cáo" in panel and "rồi tải lên lại tại đây" not in panel
        assert "báo cáo không ở trạng thái sửa được" in panel and "tai-len-tep-excel" not in panel


def sent_back_and_sent_again(client, cast, report, staff: str, *days: tuple[str, str]) -> None:
    """Sent on days[0], sent back on days[1] with corrections due on its second item, sent again on days[2]."""
    (sent, _), (returned, due), (again, _) = days
    with on(sent, "08:00"):
        submit(client, cast[staff], report)
    with on(returned, "09:00"):
        assert send_back(client, cast, report, correction_due_on=due).status_code == 302
    with on(again, "08:30"):
        submit(client, cast[staff], report)


def test_a_report_sent_back_again_shows_its_corrections_date_once_and_no_earlier_resubmission(client, cast, plan):
    """Browser pass 9: the header said "Hạn bổ sung 15/12/2026 | Hạn gửi … | Hạn bổ sung: 15/12/2026", and a report
    sent back a second time still showed "Gửi lại lúc …" from the round before."""
    report = current_report(plan, "LDTBXH")
    sent_back_and_sent_again(client, cast, report, "canbo.ldtbxh", ("2026-11-16", ""), ("2026-11-17", "24/11/2026"),
                             ("2026-11-18", ""))  # fmt: skip
    with on("2026-11-19", "09:00"):
        assert send_back(client, cast, report, correction_due_on="26/11/2026").status_code == 302
        client.force_login(cast["canbo.ldtbxh"])
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert header.count("26/11/2026") == 1 and "Hạn bổ sung: <strong>26/11/2026</strong>" in header
        assert "Gửi lại lúc" not in header
        report.refresh_from_db()
        assert report.deadline_note() == "Hạn bổ sung 26/11/2026"
        client.force_login(cast["vanphong"])  # the lists keep their badge: they have no sentence beside it
        assert "Hạn bổ sung 26/11/2026" in row_of(
            client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode(), "tinh-hinh-nop", NAME
        )
