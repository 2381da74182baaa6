"""A report's history people can read (issue 11, item 4): names, not ids; proposals with their text; the newest
first; collapsed until opened; in pages. The panel is read when opened (issue 20): its own address,
/ke-hoach/<plan>/bao-cao/<id>/lich-su/, which the report page's panel fetches; without script its link opens the report
page with the history (?lich-su=1)."""

import re
from html import unescape

from reports.editing.history import PER_PAGE
from tests.reports.helpers import ReportPage, post_seen


def history_rows(html: str) -> list[list[str]]:
    """The cells of each row of the history table, as text."""
    table = re.search(r'<table class="[^"]*" id="lich-su">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in row] for row in cells]


def test_related_records_are_named_not_numbered(client, cast, report):
    report.difficulties = "Thiếu cán bộ."
    report._history_user = cast["canbo.ldtbxh"]
    report.save()
    client.force_login(cast["canbo.ldtbxh"])
    rows = history_rows(client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode())
    agency = [row for row in rows if row[3] == "cơ quan, đơn vị"]
    assert agency and agency[0][5] == "Phòng Lao động - Thương binh và Xã hội"
    assert not any(row[5] == str(report.agency_id) for row in rows if row[3] in ("cơ quan, đơn vị", "kỳ báo cáo"))


def test_proposals_show_their_text_and_the_newest_change_comes_first(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    page.values["difficulties"] = "Địa bàn rộng, đi lại khó khăn."
    client.post(f"/bao-cao/{report.pk}/", page.data())
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).add_proposal("Bổ sung kinh phí hỗ trợ nhà ở.").data())
    rows = history_rows(client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode())
    added = rows[0]  # the latest save first
    assert added[2:] == ["Kiến nghị", "thêm mới", "", "Bổ sung kinh phí hỗ trợ nhà ở."]
    assert added[1] == "Lê Thị Lao Động"
    difficulties = next(i for i, row in enumerate(rows) if row[3] == "khó khăn, vướng mắc")
    assert difficulties > 0


def test_a_changed_proposal_is_named_by_its_text(client, cast, report):
    proposal = report.proposals.create(text="Tăng định mức hỗ trợ học sinh bán trú.", position=0)
    proposal.state, proposal.response = "answered", "Đã trình UBND tỉnh."
    proposal._history_user = cast["vanphong"]
    proposal.save()
    type(report).objects.filter(pk=report.pk).update(state="submitted")  # a draft's history is its agency's own
    client.force_login(cast["vanphong"])
    rows = history_rows(client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode())
    answer = next(row for row in rows if row[3] == "trả lời của huyện")
    assert answer[2] == "Kiến nghị “Tăng định mức hỗ trợ học sinh bán trú.”"
    assert answer[5] == "Đã trình UBND tỉnh."


def test_the_history_is_collapsed_and_paged(client, cast, report):
    staff = cast["canbo.ldtbxh"]
    for number in range(PER_PAGE + 5):
        report.difficulties = f"Lần sửa thứ {number + 1}."
        report._history_user = staff
        report.save()
    client.force_login(staff)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert '<details class="mt-4 history" id="lich-su-thay-doi">' in html  # closed until opened
    html = client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode()  # opened: fetched
    assert '<details class="mt-4 history" id="lich-su-thay-doi" open>' in html
    assert "trang 1/2" in html
    first = history_rows(html)
    assert len(first) == PER_PAGE and first[0][5] == f"Lần sửa thứ {PER_PAGE + 5}."
    assert 'href="?lich-su=2#lich-su-thay-doi"' in html
    html = client.get(f"/bao-cao/{report.pk}/?lich-su=2").content.decode()
    assert '<details class="mt-4 history" id="lich-su-thay-doi" open>' in html  # a later page comes open
    later = history_rows(html)
    assert "Lần sửa thứ 1." in [row[5] for row in later]  # the oldest changes on the last page
    assert not [row for row in later if row[5].startswith("Lần sửa") and row in first]
    assert client.get(f"/bao-cao/{report.pk}/?lich-su=abc").status_code == 200  # a bad page number: the first


def test_the_steps_of_the_review_are_listed_newest_first_and_collapsed(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung số liệu."})
    client.force_login(cast["canbo.ldtbxh"])
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    steps = re.search(r'<details class="mt-4" id="qua-trinh-xu-ly">.*?</details>', html, re.S).group(0)
    assert steps.index("Trả lại để bổ sung") < steps.index("Gửi báo cáo")  # the newest first
    assert "Bổ sung số liệu." in steps and "Quá trình xử lý (2)" in steps


def test_the_report_page_reads_its_history_only_when_it_is_opened(client, cast, report):
    staff = cast["canbo.ldtbxh"]
    report.difficulties = "Thiếu cán bộ."
    report._history_user = staff
    report.save()
    client.force_login(staff)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'id="lich-su"' not in html and "Lịch sử thay đổi" in html  # the panel, closed, without its rows
    fragment = f"/ke-hoach/{report.cycle.plan.slug}/bao-cao/{report.pk}/lich-su/"
    assert f'href="?lich-su=1#lich-su-thay-doi" data-history="{fragment}"' in html  # fetched, or followed
    panel = client.get(fragment).content.decode()
    assert panel.startswith('<details class="mt-4 history" id="lich-su-thay-doi" open>') and "<html" not in panel
    assert "Thiếu cán bộ." in [row[5] for row in history_rows(panel)]
    without_script = client.get(f"/bao-cao/{report.pk}/?lich-su=1").content.decode()  # the link, followed
    assert "Thiếu cán bộ." in [row[5] for row in history_rows(without_script)]
    assert '<details class="mt-4 history" id="lich-su-thay-doi">' in without_script
