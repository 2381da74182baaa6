"""Errors a person can fix and actions that say what happens next (issue 11, items 2 and 3), through real URLs."""

import re
from html import unescape

import pytest
from django.utils import timezone

from reports.consolidated.models import BuildState, ConsolidatedReport
from tests.reports.helpers import ReportPage, current_report, on, post_seen


@pytest.fixture
def staff_client(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    return client


def numeric_target(page: ReportPage) -> str:
    """The code of a target the page asks a number for."""
    for form in page.forms["targets"].forms:
        if not form.instance.target.is_qualitative and form.facts.ask.year and not form.fields["value"].disabled:
            return form.instance.target.code
    raise AssertionError("no numeric target asked")


def error_summary(html: str) -> list[tuple[str, str]]:
    """(link target, text) of each error listed at the top of the page."""
    box = re.search(r'<div class="alert alert-danger" role="alert" id="loi-nhap".*?</ul>', html, re.S).group(0)
    return [
        (target, unescape(text))
        for target, text in re.findall(
            r'<a class="alert-link fw-normal" href="#([^"]+)" data-error-link>(.*?)</a>', box
        )
    ]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_failed_save_lists_every_field_in_error_each_linked_to_its_field(staff_client, report):
    page = ReportPage(report)
    task, target = page.forms["leads"].forms[0].instance.section.code, numeric_target(page)
    page.lead(task, budget_used="mười triệu").target(target, value="abc")
    page.values["difficulties"] = "x" * 20_001
    response = staff_client.post(f"/bao-cao/{report.pk}/", page.data())
    html = response.content.decode()
    assert response.status_code == 422
    listed = dict(error_summary(html))
    budget, value = f"id_{page.field('lead', task, 'budget_used')}", f"id_{page.field('target', target, 'value')}"
    assert list(listed) == [budget, value, "id_difficulties"]  # in page order
    assert listed[budget] == (
        f"Nhiệm vụ {task} – Kinh phí đã sử dụng (đồng): “mười triệu” không phải là số. Ví dụ cách viết đúng: 1.250.000."
    )  # a whole number of đồng: no decimal example
    assert listed[value].startswith(f"Chỉ tiêu {target} – Giá trị năm ")
    assert listed[value].endswith("“abc” không phải là số. Ví dụ cách viết đúng: 4,5 hoặc 1.250.000.")
    assert listed["id_difficulties"].startswith("Khó khăn, vướng mắc: Tối đa 20.000 ký tự")
    for field_id in listed:
        assert f'id="{field_id}"' in html  # each link leads to its field
    assert "Chưa lưu: có ô nhập chưa đúng (3 lỗi)." in html
    assert messages_of(response) == []  # the list says it all: no second message


def test_after_a_failed_save_what_is_missing_says_it_is_of_the_saved_copy(staff_client, report):
    """Browser pass 34: after a failed save the list of what is missing named a task's status and results the page
    showed filled in just above: it is of the saved copy, and now says so."""
    report.refresh_from_db()
    saved_at = timezone.localtime(report.updated_at).strftime("%H:%M %d/%m/%Y")
    assert "(chưa tính nội dung vừa nhập)" not in staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    page = ReportPage(report)
    task = page.forms["leads"].forms[0].instance.section.code
    page.lead(task, results="Đã làm xong.", budget_used="mười triệu")
    html = staff_client.post(f"/bao-cao/{report.pk}/", page.data()).content.decode()
    box = html[html.index('id="con-thieu"') : html.index("</div>", html.index('id="con-thieu"'))]
    assert f"Còn thiếu trước khi gửi, theo bản đã lưu lúc {saved_at} (chưa tính nội dung vừa nhập)" in box
    assert f"Nhiệm vụ {task}: chưa ghi kết quả đạt được." in box  # still missing in the saved copy


def test_the_ready_to_send_note_never_shows_beside_errors(staff_client, report):
    complete = ReportPage(report).fill_everything()
    staff_client.post(f"/bao-cao/{report.pk}/", complete.data())
    assert "Báo cáo đã đủ nội dung, có thể gửi." in staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    page = ReportPage(report)
    page.target(numeric_target(page), value="1.2.3")
    html = staff_client.post(f"/bao-cao/{report.pk}/", page.data()).content.decode()
    assert 'id="loi-nhap"' in html
    assert "Báo cáo đã đủ nội dung, có thể gửi." not in html


@on("2026-12-01")  # before the due date (05/12/2026): see test_report_workflow.py for a late submission
def test_submitting_gives_one_message_that_says_what_happens_next(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])  # signed in that day
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"), follow=True)
    [message] = messages_of(response)
    assert re.fullmatch(
        r"Đã gửi báo cáo đến Văn phòng huyện lúc \d\d:\d\d\. Văn phòng huyện sẽ thẩm định rồi duyệt, hoặc trả lại "
        r"kèm lý do để đơn vị bổ sung; đơn vị được thông báo kết quả\.",
        message,
    )


def test_a_submit_that_cannot_go_says_once_that_the_draft_was_kept(staff_client, report):
    response = staff_client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit"), follow=True)
    [message] = messages_of(response)
    assert re.fullmatch(r"Đã lưu nháp lúc \d\d:\d\d\. Chưa gửi được: .*", message)
    report.refresh_from_db()
    assert report.state == "draft"


def test_submit_and_approve_ask_first_and_say_what_happens(staff_client, client, cast, report):
    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    submit = re.search(r'<button type="submit" name="action" value="submit"[^>]*>', html).group(0)
    assert 'data-confirm-title="Gửi báo cáo năm' in submit and "Văn phòng huyện thẩm định" in submit
    staff_client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    approve = re.search(r"<button[^>]*>Duyệt báo cáo</button>", html, re.S).group(0)
    assert "Duyệt báo cáo của Phòng Lao động - Thương binh và Xã hội?" in approve
    assert "đơn vị không sửa được nữa" in approve and "trang công khai" in approve


def test_the_send_back_reason_box_opens_only_when_sending_back(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    closed = re.search(r'<details class="flex-grow-1 reveal" id="tra-lai">(.*?)</details>', html, re.S)
    assert closed and 'name="reason"' in closed.group(1)  # inside the closed box, nowhere else
    assert html.count('name="reason"') == 1
    response = post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": ""})
    assert response.status_code == 422
    assert '<details class="flex-grow-1 reveal" id="tra-lai" open>' in response.content.decode()


def test_an_approved_report_says_by_whom_and_when_at_the_top(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    report.refresh_from_db()
    approved_at = report.events.get(action="approved").at
    for reader in ("canbo.ldtbxh", "lanhdao"):
        client.force_login(cast[reader])
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
        note = re.search(r'<div class="alert alert-success" role="status" id="da-duyet">(.*?)</div>', html, re.S)
        assert note, reader
        text = " ".join(note.group(1).split())
        assert f"lúc {timezone.localtime(approved_at).strftime('%H:%M %d/%m/%Y')}" in text
        assert "người duyệt: Nguyễn Thị Thẩm Định" in text
        assert html.index('id="da-duyet"') < html.index("1. Nhiệm vụ đơn vị chủ trì")


def test_marking_final_asks_first_and_the_build_says_it_is_under_way(client, cast, plan):
    built = ConsolidatedReport.request(plan, 2026)
    ConsolidatedReport.objects.filter(pk=built.pk).update(state=BuildState.READY)
    client.force_login(cast["vanphong"])
    html = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026").content.decode()
    final = re.search(r"<button[^>]*>Đánh dấu chính thức</button>", html, re.S).group(0)
    assert 'data-confirm-title="Đánh dấu bản 1 là bản chính thức?"' in final
    assert "trở thành báo cáo chính thức năm 2026 của Ủy ban nhân dân huyện Bình Sơn gửi" in final
    assert re.search(r'<form method="post" class="row g-2" id="dung-ban-moi" data-busy="Đang dựng[^"]*">', html)
    assert '<button type="submit" class="btn btn-primary" data-build>Dựng báo cáo</button>' in html


@on("2026-12-01")
def test_approving_says_figures_were_recorded_only_when_the_report_has_some(client, cast, plan):
    """Phòng Tư pháp answers for no target: its approval says so, instead of figures recorded."""
    empty = current_report(plan, "TP")
    assert not empty.target_entries.exists()
    type(empty).objects.filter(pk=empty.pk).update(state="submitted")
    full = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    assert client.post(f"/bao-cao/{full.pk}/", ReportPage(full).fill_everything().data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    said = post_seen(client, f"/bao-cao/{empty.pk}/duyet/", follow=True).content.decode()
    assert "(báo cáo không có số liệu chỉ tiêu)" in said and "số liệu đã được ghi vào chỉ tiêu" not in said
    said = post_seen(client, f"/bao-cao/{full.pk}/duyet/", follow=True).content.decode()
    assert "số liệu đã được ghi vào chỉ tiêu" in said


def send_dialog(html: str) -> str:
    start = html.index('name="action" value="submit"')
    return unescape(re.search(r'data-confirm="([^"]*)"', html[start:]).group(1))


def test_the_send_dialog_of_an_incomplete_report_says_it_may_only_be_saved(staff_client, report):
    """Browser pass 39: with "Còn thiếu trước khi gửi (10)" at the top, the dialog still said the page would be
    saved and sent; only afterwards came "Chưa gửi được". It now says what happens either way."""
    dialog = send_dialog(staff_client.get(f"/bao-cao/{report.pk}/").content.decode())
    assert dialog.startswith("Bản đã lưu còn thiếu ") and "chỉ được lưu nháp, chưa gửi" in dialog
    assert "Đủ thì nội dung trên trang được lưu rồi gửi đến" in dialog
    page = ReportPage(report).fill_everything()
    assert staff_client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    dialog = send_dialog(staff_client.get(f"/bao-cao/{report.pk}/").content.decode())
    assert dialog.startswith("Nội dung trên trang được lưu rồi gửi đến") and "còn thiếu" not in dialog
