"""Messages on the report page never contradict each other or the data, and the form says what it asks
(issue 16, items 5 and 8), through real URLs on the shipped plan and the demo cast."""

import re

import pytest

from reports.editing.completeness import missing_items
from reports.models import ReportState
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, current_report, post_seen

READY = "Báo cáo đã đủ nội dung, có thể gửi."


@pytest.fixture
def staff_client(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    return client


def notice(html: str) -> str:
    """The note under the header saying what the report still needs (id="con-thieu"), as plain text."""
    box = re.search(r'<div class="alert[^"]*" id="con-thieu">(.*?)</div>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", box).split())


def test_a_report_sent_back_says_what_the_request_still_waits_for(staff_client, report, cast):
    staff_client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    reviewer = PortalClient()
    reviewer.force_login(cast["vanphong"])
    reason = "Bổ sung khó khăn, vướng mắc về kinh phí."
    assert post_seen(reviewer, f"/bao-cao/{report.pk}/tra-lai/", {"reason": reason}).status_code == 302

    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Văn phòng huyện đề nghị bổ sung:" in html and reason in html
    assert READY not in html  # not a green "ready" right under the request for more
    assert 'class="alert alert-warning" id="con-thieu"' in html
    assert notice(html).startswith("Chưa bổ sung: chưa có mục nào được sửa kể từ khi Văn phòng huyện trả lại")

    page = ReportPage(report)
    page.values["difficulties"] = "Thiếu kinh phí đối ứng cho 3 xã."
    assert staff_client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert READY not in html
    said = notice(html)
    assert said.startswith("Đã sửa 1 mục kể từ khi bị trả lại") and "Khó khăn, vướng mắc" in said
    assert "bấm Lưu và gửi báo cáo để gửi lại" in said


def test_a_refused_save_is_not_listed_as_changed_since_the_report_was_sent_back(staff_client, report, cast):
    """Browser pass 33: a save refused for a wrong value listed the text it had not saved under "Đã sửa … kể từ
    khi bị trả lại" and asked to send the report again; the list is of what is saved."""
    staff_client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    reviewer = PortalClient()
    reviewer.force_login(cast["vanphong"])
    assert post_seen(reviewer, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung kinh phí."}).status_code == 302

    page = ReportPage(report).target("2025.22", value="150")
    page.values["difficulties"] = "Thiếu kinh phí đối ứng cho 3 xã."
    response = staff_client.post(f"/bao-cao/{report.pk}/", page.data())
    html = response.content.decode()
    assert response.status_code == 422 and "Tỷ lệ phần trăm phải từ 0 đến 100." in html
    assert "Thiếu kinh phí đối ứng cho 3 xã." in html  # what was typed stays in its field
    assert notice(html).startswith("Chưa bổ sung: chưa có mục nào được sửa kể từ khi Văn phòng huyện trả lại")


def test_a_complete_draft_still_says_it_can_be_sent(staff_client, report):
    staff_client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data())
    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert notice(html) == READY


def test_dates_ask_for_ngay_thang_nam(staff_client, report, cast):
    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "dd/mm/yyyy" not in html
    assert 'placeholder="ngày/tháng/năm"' in html
    reviewer = PortalClient()
    reviewer.force_login(cast["vanphong"])
    for url in (
        f"/ky-bao-cao/{report.cycle.pk}/",
        "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/",
        "/ke-hoach/binh-son-ctdt-2021-2030/chi-tieu/2030.03/dinh-chinh/",
    ):
        html = reviewer.get(url).content.decode()
        assert "dd/mm/yyyy" not in html and 'placeholder="ngày/tháng/năm"' in html, url


def test_the_empty_last_proposal_box_is_not_marked_required(staff_client, report):
    page = ReportPage(report).add_proposal("Hỗ trợ kinh phí đối ứng.")
    assert staff_client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "để trống ô cuối nếu không cần thêm" in html
    labels = re.findall(r'<label\s+for="id_proposal-(\d+)-text"[^>]*>(.*?)</label>', html, re.S)
    marked = {number: "asteriskField" in label or "*" in label for number, label in labels}
    assert marked == {"0": True, "1": False}  # the saved proposal keeps its text; the blank row may stay blank
    assert "asteriskField" not in html.split('id="kien-nghi-mau"')[1].split("</template>")[0]


def test_line_breaks_count_as_one_character_as_the_counter_shows(staff_client, report):
    """The browser counts a line break as one character (maxlength, the counter) but sends it as two (CR LF)."""
    line = ("Đoạn văn dài, " * 8)[:98] + "."  # 99 characters; 200 lines, the most a text may have
    text = "\r\n".join([line] * 200) + "x"  # 20.000 characters when a line break counts one
    assert len(text.replace("\r\n", "\n")) == 20_000 < len(text)
    page = ReportPage(report)
    page.values["difficulties"] = text
    response = staff_client.post(f"/bao-cao/{report.pk}/", page.data())
    assert response.status_code == 302, re.findall(r"Tối đa[^<]*", response.content.decode())
    report.refresh_from_db()
    assert report.difficulties == text.replace("\r\n", "\n")


def card(html: str, code: str) -> str:
    start = html.index(f'id="chi-tieu-{code}"')
    return html[start : html.index("</section>", start)]


def test_a_passed_milestones_assessment_once_saved_is_no_longer_said_missing(client, cast, plan):
    report = current_report(plan, "NNPTNT")
    client.force_login(cast["canbo.nnptnt"])
    asked = "Chưa có đánh giá năm 2025 của mốc 2025: nhập đánh giá năm 2025."
    assert asked in card(client.get(f"/bao-cao/{report.pk}/").content.decode(), "2025.09")
    page = ReportPage(report).target("2025.09", qualitative_status="achieved")
    assert client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    saved = card(client.get(f"/bao-cao/{report.pk}/").content.decode(), "2025.09")
    assert asked not in saved and "Chưa có" not in saved
    assert "Mốc 2025 đã qua: đánh giá nhập ở đây là đánh giá năm 2025 của mốc 2025" in saved
    assert 'value="achieved" selected' in saved
    assert not any("2025.09" in item for item in missing_items(report))


def test_saving_a_text_typed_before_line_breaks_were_one_character_is_not_a_change(staff_client, report, cast):
    """A text submitted with CR LF (as stored before) and saved again unchanged (now LF) is not "đã sửa"."""
    staff_client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    type(report).objects.filter(pk=report.pk).update(
        difficulties="Thiếu kinh phí.\r\nThiếu cán bộ."
    )  # as stored before
    reviewer = PortalClient()
    reviewer.force_login(cast["vanphong"])
    post_seen(reviewer, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung nguồn số liệu."})
    report.refresh_from_db()
    assert (
        report.state == ReportState.SENT_BACK and "\r\n" in report.events.latest("at").snapshot["Khó khăn, vướng mắc"]
    )
    assert staff_client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data()).status_code == 302
    report.refresh_from_db()
    assert report.difficulties == "Thiếu kinh phí.\nThiếu cán bộ."
    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert notice(html).startswith("Chưa bổ sung:")
