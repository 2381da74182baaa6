"""Bad input of every kind: a Vietnamese message next to the field, everything else typed kept, no 500."""

import unicodedata
from decimal import Decimal

import pytest
from django.utils.html import escape

from tests.reports.helpers import ReportPage, on


@pytest.fixture
def staff_client(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    return client


def post(client, report, page, action="save"):
    return client.post(f"/bao-cao/{report.pk}/", page.data(action))


def field_error(html: str, field_name: str) -> str:
    """The error text rendered right after the named field (crispy puts it in the same div)."""
    start = html.index(f'name="{field_name}"')
    tag = html.rfind("<", 0, start)
    after = html.index("</textarea>", start) if html.startswith("<textarea", tag) else html.index(">", start)
    feedback = html.find("invalid-feedback", after)
    if feedback == -1 or feedback - after > 600:
        return ""
    return html[feedback : html.find("</div>", feedback)]


@pytest.mark.parametrize(
    ("kind", "code", "name", "typed", "message"),
    [
        ("target", "2030.10", "value", "abc", "“abc” không phải là số"),
        ("target", "2030.10", "value", "1.250", "có thể hiểu hai cách"),
        ("target", "2025.22", "value", "120", "Tỷ lệ phần trăm phải từ 0 đến 100."),
        ("target", "2025.22", "value", "-5", "Tỷ lệ phần trăm phải từ 0 đến 100."),
        ("target", "2030.10", "value", "4,5,6", "không phải là số"),
        ("target", "2030.10", "as_of", "31/02/2026", "Ngày không hợp lệ"),
        ("target", "2030.10", "as_of", "hôm qua", "Ngày không hợp lệ"),
        ("lead", "III.3.b.3", "budget_used", "1.250.000,5", "Nhập số nguyên (đồng)"),
        ("lead", "III.3.b.3", "budget_used", "-1000", "Kinh phí không được âm."),
        ("lead", "III.3.b.3", "budget_used", "mười triệu", "không phải là số"),
        ("lead", "III.3.b.3", "status", "xong", "Hãy chọn một lựa chọn hợp lệ"),
        ("lead", "III.3.b.3", "results", "x" * 100_000, "Tối đa 20.000 ký tự"),
    ],
)
def test_a_bad_field_is_reported_next_to_it_and_nothing_typed_is_lost(
    staff_client, report, kind, code, name, typed, message
):
    page = ReportPage(report)
    getattr(page, kind)(code, **{name: typed})
    page.coordinating("III.2.b", "Đã phối hợp mở 3 lớp dạy nghề <b>đậm</b>.")
    page.target("2030.03", value="9,8", note="Số liệu rà soát cuối năm.")
    page.values["difficulties"] = "Thiếu kinh phí đối ứng."
    response = post(staff_client, report, page)
    assert response.status_code == 422
    html = response.content.decode()
    field = page.field(kind, code, name)
    error = field_error(html, field)
    assert message in error, error[:500]
    assert "Chưa lưu: có ô nhập chưa đúng" in html
    assert "Đã phối hợp mở 3 lớp dạy nghề &lt;b&gt;đậm&lt;/b&gt;." in html  # kept, and escaped
    assert "Số liệu rà soát cuối năm." in html and 'value="9,8"' in html and "Thiếu kinh phí đối ứng." in html
    if len(typed) < 1000:
        assert escape(typed) in html  # the bad value itself is shown back for correction
    report.refresh_from_db()
    assert report.version == 0 and report.difficulties == ""  # nothing half-saved


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("4,5", "4.5"), ("4.5", "4.5"), ("4", "4"), ("  4,25 ", "4.25"), ("4,5%", "4.5"), ("0,5", "0.5")],
)
def test_numbers_are_read_the_vietnamese_way(staff_client, report, typed, stored):
    page = ReportPage(report).target("2030.10", value=typed)
    assert post(staff_client, report, page).status_code == 302
    assert report.target_entries.get(target__code="2030.10").value == Decimal(stored)


@pytest.mark.parametrize(("typed", "stored"), [("1.250.000", 1250000), ("1,250,000", 1250000), ("1250000", 1250000)])
def test_budgets_accept_grouped_thousands(staff_client, report, typed, stored):
    page = ReportPage(report).lead("III.3.b.3", budget_used=typed)
    assert post(staff_client, report, page).status_code == 302
    assert report.task_entries.get(section__code="III.3.b.3").budget_used == stored


def test_numbers_are_shown_the_vietnamese_way(staff_client, report):
    page = ReportPage(report).lead("III.3.b.3", budget_used="1250000").target("2030.10", value="4.5")
    post(staff_client, report, page)
    html = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'value="1.250.000"' in html and 'value="4,5"' in html


def test_script_tags_are_stored_as_text_and_shown_escaped(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = ReportPage(report).lead("III.3.b.3", results=hostile).add_proposal(hostile)
    page.values["difficulties"] = hostile
    post(client, report, page)
    assert report.task_entries.get(section__code="III.3.b.3").results == hostile
    for user in ("canbo.ldtbxh", "vanphong"):
        if user == "vanphong":  # outside the agency the content shows once sent
            type(report).objects.filter(pk=report.pk).update(state="submitted")
        client.force_login(cast[user])
        html = client.get(f"/bao-cao/{report.pk}/").content.decode()
        history = client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode()  # the panel, read when opened
        for shown in (html, history):
            assert "<script>alert" not in shown and "<img src=x" not in shown
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html + history


def test_nul_characters_are_dropped_not_stored(staff_client, report):
    page = ReportPage(report).lead("III.3.b.3", results="Kết quả\x00 tốt").add_proposal("Đề\x00 xuất")
    assert post(staff_client, report, page).status_code == 302
    assert report.task_entries.get(section__code="III.3.b.3").results == "Kết quả tốt"
    assert report.proposals.get().text == "Đề xuất"


def test_decomposed_unicode_is_stored_composed(staff_client, report):
    decomposed = unicodedata.normalize("NFD", "Đã hoàn thành kế hoạch")
    page = ReportPage(report).lead("III.3.b.3", results=decomposed)
    page.values["difficulties"] = decomposed
    post(staff_client, report, page)
    report.refresh_from_db()
    assert report.difficulties == "Đã hoàn thành kế hoạch"
    assert report.task_entries.get(section__code="III.3.b.3").results == "Đã hoàn thành kế hoạch"


def test_text_just_under_the_limit_is_accepted(staff_client, report):
    page = ReportPage(report).lead("III.3.b.3", results="ạ" * 20_000)
    assert post(staff_client, report, page).status_code == 302


def test_a_value_as_of_a_day_to_come_is_an_estimate_or_refused(client, cast, report):
    with on("2026-11-20", "10:00"):  # 31/12/2026 is still to come
        staff_client = client
        staff_client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report).target("2030.10", value="12", as_of="31/12/2026", is_estimate=False)
        response = post(staff_client, report, page)
        assert response.status_code == 422
        html = response.content.decode()
        error = field_error(html, page.field("target", "2030.10", "as_of"))
        assert "Ngày số liệu sau hôm nay (20/11/2026) chỉ dùng cho số ước tính: đánh dấu “Ước thực hiện”" in error
        assert 'value="12"' in html and 'value="31/12/2026"' in html
        page.fill_everything().target("2030.10", value="12", as_of="31/12/2026", is_estimate=True)
        assert post(staff_client, report, page, "submit").status_code == 302  # "ước thực hiện đến 31/12"
        client.force_login(cast["vanphong"])
        shown = client.get(f"/bao-cao/{report.pk}/").content.decode()
        assert "12% (ước)" in shown and "năm 2026, ước đến 31/12/2026" in shown


def test_a_passed_milestones_recorded_estimate_is_said_to_be_one(staff_client, report):
    from targets.recording import record_value

    entry = report.target_entries.filter(target__horizon=2025, target__unit="%").select_related("target").first()
    record_value(entry.target, 2025, Decimal("82.3"), source="Báo cáo năm 2025", is_estimate=True)
    page = staff_client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Số liệu năm 2025: 82,3% (ước)." in page


def test_a_value_that_jumps_needs_a_note_next_to_it(staff_client, report, plan):
    from targets.recording import record_value

    record_value(plan.targets.get(code="2030.10"), 2025, Decimal("30"), source="Nhập thử")
    page = ReportPage(report).fill_everything().target("2030.10", value="75", note="")
    response = post(staff_client, report, page, "submit")
    assert response.status_code == 422
    html = response.content.decode()
    error = field_error(html, page.field("target", "2030.10", "note"))
    assert "Số liệu thay đổi bất thường: tăng từ 30% (năm 2025) lên 75% (năm 2026): 45 điểm % mỗi năm" in error
    assert "Cần ghi chú giải thích" in error
    assert 'value="75"' in html and "Năm 2025: <strong>30%</strong>" in html  # what was typed is kept
    report.refresh_from_db()
    assert report.state == "draft" and report.version == 0
    page.target("2030.10", note="Mở thêm 2 trung tâm dạy nghề.")
    assert post(staff_client, report, page, "submit").status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"


def test_proposals_are_separate_items_and_can_be_removed(staff_client, report):
    page = ReportPage(report).add_proposal("Thứ nhất").add_proposal("Thứ hai")
    post(staff_client, report, page)
    assert list(report.proposals.values_list("text", flat=True)) == ["Thứ nhất", "Thứ hai"]
    page = ReportPage(report)
    page.values["proposal-0-DELETE"] = "on"
    post(staff_client, report, page)
    assert list(report.proposals.values_list("text", flat=True)) == ["Thứ hai"]


def test_a_tampered_form_does_not_500(staff_client, report):
    page = ReportPage(report)
    page.values["lead-0-id"] = "999999"
    page.values["version"] = "không phải số"
    page.values["target-TOTAL_FORMS"] = "abc"
    response = post(staff_client, report, page)
    assert response.status_code == 400
    assert "Xin tải lại trang" in response.content.decode()
