"""Values that jump get a word of explanation (issue 10, item 7): a refused import row unless its note is
filled, and the reviewer sees the value flagged in the review queue, on the report page and the dashboard."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.models import TargetValue
from targets.recording import record_value
from tests.reports.helpers import ReportPage, current_report, post_seen
from tests.reports.offline.workbook_helpers import TARGETS, download, row_of, upload

SLUG = "binh-son-ctdt-2021-2030"
HISTORY = "target_code,year,value,note\n2030.10,2021,20,\n2030.10,2022,22,\n2030.10,2023,24,\n2030.10,2024,26,\n"


@pytest.fixture
def reviewer(client, cast):
    client.force_login(cast["vanphong"])
    return client


def imported(client, text: str):
    return client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/",
        {"file": SimpleUploadedFile("so-lieu.csv", text.encode())},
        follow=True,
    )


@pytest.mark.parametrize(("value", "refused"), [("32", False), ("32,1", True)])
def test_an_import_row_outside_the_series_band_needs_its_note(reviewer, plan, value, refused):
    # yearly changes of 2 points: the band allows 3 × 2 = 6 points a year
    html = imported(reviewer, HISTORY + f'2030.10,2025,"{value}",\n').content.decode()
    if refused:
        assert "Dòng 6, cột value: Số liệu thay đổi bất thường: tăng từ 26% (năm 2024) lên 32,1% (năm 2025)" in html
        assert "Cần ghi giải thích ở cột note." in html
        assert not TargetValue.objects.exists()  # all or nothing
    else:
        assert TargetValue.objects.get(target__code="2030.10", year=2025).value == Decimal(value)


@pytest.mark.parametrize(("value", "refused"), [("41", False), ("41,5", True)])
def test_an_import_row_moving_more_than_15_points_needs_its_note(reviewer, plan, value, refused):
    html = imported(
        reviewer, f'target_code,year,value,note\n2025.22,2024,26,\n2025.22,2025,"{value}",\n'
    ).content.decode()
    assert ("quá 15 điểm %" in html) == refused
    assert TargetValue.objects.filter(target__code="2025.22", year=2025).exists() == (not refused)


def test_an_import_row_beyond_the_natural_limit_needs_its_note(reviewer, plan):
    plan.targets.filter(code="2030.06").update(natural_limit=1)  # the HDI cannot pass 1
    html = imported(reviewer, 'target_code,year,value,note\n2030.06,2024,"1,2",\n').content.decode()
    assert "1,2 chỉ số trên giới hạn tự nhiên 1 chỉ số" in html
    assert not TargetValue.objects.exists()
    imported(reviewer, "target_code,year,value,note\n2030.06,2024,1,\n")
    assert TargetValue.objects.get(target__code="2030.06").value == 1


def test_a_note_lets_the_row_in_and_is_kept(reviewer, plan):
    imported(reviewer, HISTORY + "2030.10,2025,40,Mở thêm trung tâm dạy nghề Bình An.\n")
    assert TargetValue.objects.get(target__code="2030.10", year=2025).note == "Mở thêm trung tâm dạy nghề Bình An."


NOTE = "Có thêm 2 doanh nghiệp may tuyển lao động DTTS."


def explained_45(client, cast, plan, action):
    """2030.10 rises 2 points a year to 28 (2025); the agency types 45 for 2026, explained, and saves or submits."""
    target = plan.targets.get(code="2030.10")
    for year, value in {2021: 20, 2022: 22, 2023: 24, 2024: 26, 2025: 28}.items():
        record_value(target, year, Decimal(value), source="Nhập thử")
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything().target("2030.10", value="45", note=NOTE)
    assert client.post(f"/bao-cao/{report.pk}/", page.data(action)).status_code == 302
    return target, report, NOTE


def test_the_reviewer_sees_the_jump_in_the_queue_the_report_and_the_dashboard(client, cast, plan):
    target, report, note = explained_45(client, cast, plan, "submit")
    client.force_login(cast["vanphong"])
    queue = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    flagged = queue[queue.index(f'id="bat-thuong-{report.pk}"') :]
    assert "Số liệu thay đổi bất thường" in flagged and "2030.10" in flagged[:400]
    view = client.get(f"/bao-cao/{report.pk}/").content.decode()
    line = view[view.index('id="chi-tieu-2030.10"') : view.index("</tr>", view.index('id="chi-tieu-2030.10"'))]
    assert "⚠ Số liệu thay đổi bất thường: tăng từ 28% (năm 2025) lên 45% (năm 2026)" in line and note in line
    assert "table-warning" in line
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    assert "⚠ Số liệu năm 2026 thay đổi bất thường: tăng từ 28% (năm 2025) lên 45% (năm 2026)" in dashboard
    assert f"Ghi chú: {note}" in dashboard


def test_a_steady_value_is_not_flagged(client, cast, plan):
    target = plan.targets.get(code="2030.10")
    for year, value in {2021: 20, 2022: 22, 2023: 24, 2024: 26, 2025: 28}.items():
        record_value(target, year, Decimal(value), source="Nhập thử")
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    client.post(
        f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().target("2030.10", value="30").data("submit")
    )
    client.force_login(cast["vanphong"])
    assert (
        f'id="bat-thuong-{report.pk}"'
        not in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    )
    assert "thay đổi bất thường" not in client.get(f"/bao-cao/{report.pk}/").content.decode()


def field_error(html: str, name: str) -> str:
    """The error rendered right after the named textarea (crispy puts it in the same div)."""
    after = html.index("</textarea>", html.index(f'name="{name}"'))
    feedback = html.find("invalid-feedback", after)
    return "" if feedback == -1 or feedback - after > 600 else html[feedback : html.find("</div>", feedback)]


def test_a_changed_value_that_jumps_needs_its_note_rewritten_or_confirmed(client, cast, plan):
    # 45 (explained) is sent; the agency then types 4,5 by mistake and keeps the note written for 45.
    target, report, note = explained_45(client, cast, plan, "save")
    page = ReportPage(report).target("2030.10", value="4,5")
    page.values["difficulties"] = "Thiếu cán bộ."
    response = client.post(f"/bao-cao/{report.pk}/", page.data("save"))
    assert response.status_code == 422
    html = response.content.decode()
    error = field_error(html, page.field("target", "2030.10", "note"))
    assert "giảm từ 28% (năm 2025) xuống 4,5% (năm 2026)" in error
    assert "Ghi chú hiện có được viết cho giá trị trước: sửa ghi chú cho giá trị mới, hoặc đánh dấu" in error
    assert "Đơn vị đã ghi chú giải thích." not in html
    assert 'value="4,5"' in html and "Thiếu cán bộ." in html  # everything typed is kept
    assert f'name="{page.field("target", "2030.10", "note_confirmed")}"' in html
    entry = report.target_entries.get(target=target)
    assert entry.value == 45 and entry.note == note
    # the tick says the note still holds; a rewritten note says so too
    assert client.post(f"/bao-cao/{report.pk}/", page.target("2030.10", note_confirmed=True).data()).status_code == 302
    entry.refresh_from_db()
    assert entry.value == Decimal("4.5") and entry.note == note
    page = ReportPage(report).target("2030.10", value="45", note="Số đúng là 45: có thêm 2 doanh nghiệp may.")
    assert client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    entry.refresh_from_db()
    assert entry.value == 45 and entry.note.startswith("Số đúng là 45")


def test_a_workbook_value_that_jumps_has_its_note_confirmed_on_the_refusal_page(client, cast, plan):
    """The workbook has no tick beside a note: its refusal asked for one only the web page has, and offline the
    person could only rewrite a note that was right (browser pass 36). The refusal page offers the tick."""
    target, report, note = explained_45(client, cast, plan, "save")
    book = download(client, report)
    sheet = book[TARGETS]
    row = row_of(sheet, "2030.10")
    sheet[f"G{row}"] = 4.5
    refused = upload(client, report, book)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert f"dòng {row}" in html and "Ghi chú hiện có được viết cho giá trị trước" in html
    assert "đánh dấu ô xác nhận ghi chú dưới đây khi tải tệp lên lại" in html
    assert "Ghi chú trên vẫn giải thích đúng giá trị mới" not in html  # the page's tick, which is not here
    assert 'name="confirm_notes"' in html and 'name="confirm_budgets"' not in html
    entry = report.target_entries.get(target=target)
    assert entry.value == 45
    assert upload(client, report, book, confirm_notes="on").status_code == 302
    entry.refresh_from_db()
    assert entry.value == Decimal("4.5") and entry.note == note


def test_a_value_awaiting_approval_that_jumps_is_flagged_on_the_dashboard(
    client, cast, plan, django_assert_max_num_queries
):
    target, report, note = explained_45(client, cast, plan, "submit")
    client.force_login(cast["vanphong"])
    client.get(f"/bang-dieu-khien/{SLUG}/2026/")  # the plan's figures cached, as on any visit after the first
    with django_assert_max_num_queries(25):  # judging the values awaiting approval costs no query
        dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    start = dashboard.index('id="bat-thuong-cho-duyet-2030.10-LDTBXH"')
    flag = dashboard[start : dashboard.index("</div>", start)]
    assert "⚠ Số liệu năm 2026 thay đổi bất thường: tăng từ 28% (năm 2025) lên 45% (năm 2026)" in flag
    assert f"Ghi chú: {note}" in flag
    before = dashboard[dashboard.rfind("unapproved-value", 0, start) : start]
    assert "45%" in before and "Chưa duyệt" in before  # beside the value awaiting approval
    assert dashboard.count("bat-thuong-cho-duyet-") == 1  # a steady value awaiting approval is not flagged


@pytest.mark.parametrize("note", ["\u200b\u2065", "\u3164", "\U000e0041", "\u00a0"])
def test_a_note_of_invisible_characters_explains_nothing(reviewer, plan, note):
    """The tenth probe: a zero-width space and an unassigned code point passed for the note a jump needs."""
    html = imported(reviewer, HISTORY + f'2030.10,2025,"32,1",{note}\n').content.decode()
    assert "Cần ghi giải thích ở cột note." in html
    assert not TargetValue.objects.exists()
