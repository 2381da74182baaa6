"""Numbers and dates that cannot be true are refused on the report page and in its workbook, with the reason
next to the field and everything else typed kept: a "%" on a value that is not a percentage, an "as of"
date outside the year it is for, a budget far too small (until the person confirms it); and a value typed
before its year ends is an estimate, dated the day it was typed."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from agencies.models import Membership
from agencies.permissions import Role, add_role
from reports.models import ReportingCycle, TargetEntry
from tests.reports.editing.test_report_input import field_error
from tests.reports.helpers import ReportPage, current_report, rendered_form_data
from tests.reports.offline.workbook_helpers import upload as upload_workbook

TARGETS = "Chỉ tiêu định lượng"
IN_SEASON = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture
def health(client, plan):
    """The health centre's report, whose life expectancy targets are in years, and its staff signed in."""
    report = current_report(plan, "TTYT")
    staff = get_user_model().objects.create_user("canbo.ttyt")
    Membership.objects.create(user=staff, agency=report.agency)
    add_role(staff, Role.AGENCY_STAFF)
    client.force_login(staff)
    return report


@pytest.fixture
def staff(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    return client


def post(client, report, page):
    return client.post(f"/bao-cao/{report.pk}/", page.data())


def kept(page, html):
    """What the other fields held is shown back."""
    return "Thiếu kinh phí đối ứng." in html and 'value="9,8"' in html and "Số liệu rà soát cuối năm." in html


def with_other_values(page):
    page.target("2030.03", value="9,8", note="Số liệu rà soát cuối năm.")
    page.values["difficulties"] = "Thiếu kinh phí đối ứng."
    return page


def workbook(client, report):
    response = client.get(f"/bao-cao/{report.pk}/excel/")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(client, report, book):
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post(
        f"/bao-cao/{report.pk}/excel/tai-len/", {"workbook": SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())}
    )


def row_of(sheet, code):
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == code)


# A "%" on a unit that is not a percentage


def test_a_percent_sign_is_refused_for_a_value_in_years(client, health):
    report = health
    page = ReportPage(report).target("2030.07.1", value="72,5%").target("2030.07", value="74,1", note="Theo TTYT.")
    page.values["difficulties"] = "Thiếu bác sĩ."
    response = post(client, report, page)
    assert response.status_code == 422
    html = response.content.decode()
    error = field_error(html, page.field("target", "2030.07.1", "value"))
    assert "“72,5%” có dấu %, nhưng giá trị này tính bằng năm, không phải tỷ lệ phần trăm" in error, error
    assert 'value="72,5%"' in html and 'value="74,1"' in html and "Theo TTYT." in html and "Thiếu bác sĩ." in html
    assert TargetEntry.objects.get(report=report, target__code="2030.07.1").value is None
    page = ReportPage(report).target("2030.07.1", value="72,5")
    assert post(client, report, page).status_code == 302
    assert TargetEntry.objects.get(report=report, target__code="2030.07.1").value == Decimal("72.5")


def test_a_percent_sign_is_refused_on_a_budget_and_kept_on_a_percentage(staff, report):
    page = with_other_values(ReportPage(report)).lead("III.3.b.3", budget_used="125.000.000%")
    response = post(staff, report, page)
    assert response.status_code == 422
    html = response.content.decode()
    assert "giá trị này tính bằng đồng" in field_error(html, page.field("lead", "III.3.b.3", "budget_used"))
    assert kept(page, html)
    assert post(staff, report, ReportPage(report).target("2030.10", value="33,4%")).status_code == 302
    assert TargetEntry.objects.get(report=report, target__code="2030.10").value == Decimal("33.4")


def test_a_percent_formatted_cell_is_refused_in_the_workbook_for_a_value_in_years(client, health):
    report = health
    book = workbook(client, report)
    sheet = book[TARGETS]
    cell = sheet[f"G{row_of(sheet, '2030.07.1')}"]
    cell.value, cell.number_format = 0.725, "0.0%"  # "72,5%" typed in Excel
    response = upload(client, report, book)
    assert response.status_code == 422
    assert f"dòng {cell.row}, cột G (Giá trị): “72,5%” có dấu %" in response.content.decode()
    assert TargetEntry.objects.get(report=report, target__code="2030.07.1").value is None


# "As of" dates


WINDOW = "Ngày số liệu của năm 2026 phải từ 01/01/2026 đến 31/12/2026"
NO_DAY = "Ngày không hợp lệ: phải từ 01/01/2000 đến 31/12/2100"  # the one rule of every date (binhson_plan.dates)


@pytest.mark.parametrize(
    ("typed", "said"), [("31/12/2027", WINDOW), ("01/01/0001", NO_DAY), ("31/12/9999", NO_DAY), ("31/12/2025", WINDOW)]
)
def test_an_as_of_date_outside_the_year_is_refused_next_to_it(staff, report, typed, said):
    page = with_other_values(ReportPage(report)).target("2030.10", value="33,4", as_of=typed)
    response = post(staff, report, page)
    assert response.status_code == 422
    html = response.content.decode()
    error = field_error(html, page.field("target", "2030.10", "as_of"))
    assert said in error, error
    assert kept(page, html) and f'value="{typed}"' in html
    entry = TargetEntry.objects.get(report=report, target__code="2030.10")
    assert (entry.value, entry.as_of) == (None, None)
    report.refresh_from_db()
    assert report.version == 0


@pytest.mark.parametrize(("typed", "day"), [("01/01/2026", (2026, 1, 1)), ("31/12/2026", (2026, 12, 31))])
def test_an_as_of_date_within_the_year_is_saved(staff, report, typed, day):
    assert post(staff, report, ReportPage(report).target("2030.10", value="33,4", as_of=typed)).status_code == 302
    assert TargetEntry.objects.get(report=report, target__code="2030.10").as_of == datetime.date(*day)


def test_a_cut_off_in_january_extends_the_window_to_it(staff, report):
    ReportingCycle.objects.filter(pk=report.cycle_id).update(data_cutoff=datetime.date(2027, 1, 15))
    page = ReportPage(report).target("2030.10", value="33,4", as_of="16/01/2027")
    response = post(staff, report, page)
    assert "phải từ 01/01/2026 đến 15/01/2027" in field_error(
        response.content.decode(), page.field("target", "2030.10", "as_of")
    )
    page = ReportPage(report).target("2030.10", value="33,4", as_of="15/01/2027")
    assert post(staff, report, page).status_code == 302


def test_the_workbook_checks_the_same_window_and_a_stored_bad_date_is_fixed_in_it(staff, report):
    # 01/01/0001 saved before dates were checked: the workbook says where and how to fix it, and takes the fix
    TargetEntry.objects.filter(report=report, target__code="2030.10").update(
        value=Decimal("33.4"), as_of=datetime.date(1, 1, 1)
    )
    book = workbook(staff, report)
    sheet = book[TARGETS]
    row = row_of(sheet, "2030.10")
    rule = next(v for v in sheet.data_validations.dataValidation if f"H{row}" in str(v.sqref))
    assert (rule.type, rule.formula1, rule.formula2) == ("date", "46023", "46387")  # 01/01/2026, 31/12/2026
    assert "từ 01/01/2026 đến 31/12/2026" in rule.error
    response = upload(staff, report, book)
    assert response.status_code == 422
    assert (
        f"dòng {row}, cột H (Số liệu tính đến ngày): Ngày không hợp lệ: phải từ 01/01/2000 đến 31/12/2100 "
        "(đã nhập 01/01/0001)" in response.content.decode()
    )
    sheet[f"H{row}"] = datetime.datetime(2026, 11, 15)  # a day gone by (the run is on 20/11/2026)
    assert upload(staff, report, book).status_code == 302
    assert TargetEntry.objects.get(report=report, target__code="2030.10").as_of == datetime.date(2026, 11, 15)
    book = workbook(staff, report)
    book[TARGETS][f"H{row}"] = "01/01/0001"  # and typed in the workbook, it is refused like on the page
    response = upload(staff, report, book)
    assert response.status_code == 422 and "(đã nhập 01/01/0001)" in response.content.decode()


# Estimates


def typed_on_the_page(client, report, code, value, untick=False):
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    data = rendered_form_data(html[html.index('id="report-form"') :] if 'id="report-form"' in html else html)
    page = ReportPage(report)
    data[page.field("target", code, "value")] = value
    if untick:
        data.pop(page.field("target", code, "is_estimate"), None)
    return client.post(f"/bao-cao/{report.pk}/", data | {"action": "save"})


def test_a_value_typed_before_its_year_ends_is_an_estimate_of_that_day(staff, report):
    with time_machine.travel(IN_SEASON, tick=False):
        assert typed_on_the_page(staff, report, "2030.10", "33,4").status_code == 302
        html = staff.get(f"/bao-cao/{report.pk}/").content.decode()
    entry = TargetEntry.objects.get(report=report, target__code="2030.10")
    assert (entry.value, entry.is_estimate, entry.as_of) == (Decimal("33.4"), True, datetime.date(2026, 11, 20))
    assert "Để trống: tính đến 20/11/2026." in html


def test_an_agency_that_unticks_the_estimate_gives_the_actual_value(staff, report):
    with time_machine.travel(IN_SEASON, tick=False):
        assert typed_on_the_page(staff, report, "2030.10", "33,4", untick=True).status_code == 302
    entry = TargetEntry.objects.get(report=report, target__code="2030.10")
    assert (entry.is_estimate, entry.as_of) == (False, datetime.date(2026, 11, 20))


def test_a_value_typed_after_its_year_ends_is_not_an_estimate(client, cast, report):
    with time_machine.travel(IN_SEASON + datetime.timedelta(days=46), tick=False):  # 05/01/2027, still open
        client.force_login(cast["canbo.ldtbxh"])
        staff = client
        assert typed_on_the_page(staff, report, "2030.10", "33,4").status_code == 302
    entry = TargetEntry.objects.get(report=report, target__code="2030.10")
    assert (entry.is_estimate, entry.as_of) == (False, datetime.date(2026, 12, 31))


# Budgets far too small are saved only once confirmed

BUDGET_TASK = "III.3.b.3"


def budget_of(report):
    return report.task_entries.get(section__code=BUDGET_TASK).budget_used


def test_a_budget_under_a_thousandth_of_the_one_it_replaces_waits_for_a_confirmation(staff, report):
    assert post(staff, report, ReportPage(report).lead(BUDGET_TASK, budget_used="620.000.000")).status_code == 302
    page = with_other_values(ReportPage(report)).lead(BUDGET_TASK, budget_used="1.250", results="Đã mở 3 lớp.")
    response = post(staff, report, page)
    assert response.status_code == 422
    html = response.content.decode()
    field = page.field("lead", BUDGET_TASK, "budget_used")
    error = field_error(html, field)
    assert "Anh/chị nhập 1.250 đồng — đúng không? Số này nhỏ hơn một phần nghìn số đã lưu (620.000.000 đồng)." in error
    assert "Đúng, tôi nhập 1.250 đồng" in html and kept(page, html) and "Đã mở 3 lớp." in html
    assert budget_of(report) == 620_000_000  # nothing saved until confirmed
    data = rendered_form_data(html[html.index('id="report-form"') :])
    confirm = page.field("lead", BUDGET_TASK, "budget_confirmed")
    assert data[field] == "1.250" and confirm not in data  # shown unticked
    wrong = staff.post(f"/bao-cao/{report.pk}/", data | {field: "900", confirm: "1250", "action": "save"})
    assert wrong.status_code == 422 and "Anh/chị nhập 900 đồng — đúng không?" in wrong.content.decode()
    response = staff.post(f"/bao-cao/{report.pk}/", data | {confirm: "1250", "action": "save"})  # ticked
    assert response.status_code == 302
    assert budget_of(report) == 1250
    entry = report.task_entries.get(section__code=BUDGET_TASK)
    assert entry.results == "Đã mở 3 lớp." and [h.budget_used for h in entry.history.all()[:2]] == [1250, 620_000_000]


@pytest.mark.parametrize(("typed", "asked"), [("50.000", True), ("99.999", True), ("100.000", False), ("0", False)])
def test_a_budget_under_a_hundred_thousand_dong_is_confirmed(staff, report, typed, asked):
    response = post(staff, report, ReportPage(report).lead(BUDGET_TASK, budget_used=typed))
    assert response.status_code == (422 if asked else 302)
    if asked:
        assert f"Anh/chị nhập {typed} đồng — đúng không? Số này dưới 100.000 đồng." in response.content.decode()
        assert budget_of(report) is None


def test_a_small_budget_in_a_workbook_is_confirmed_on_the_refusal_page(staff, report):
    assert post(staff, report, ReportPage(report).lead(BUDGET_TASK, budget_used="620.000.000")).status_code == 302
    book = workbook(staff, report)
    sheet = book["Nhiệm vụ chủ trì"]
    row = row_of(sheet, BUDGET_TASK)
    sheet[f"G{row}"] = 1250
    response = upload(staff, report, book)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"dòng {row}, cột G (Kinh phí đã sử dụng (đồng)): Anh/chị nhập 1.250 đồng — đúng không?" in html
    assert 'id="xac-nhan-kinh-phi"' in html and "Đúng, các khoản kinh phí nêu trên là số tôi nhập" in html
    assert budget_of(report) == 620_000_000
    assert upload_workbook(staff, report, book, confirm_budgets="on").status_code == 302
    assert budget_of(report) == 1250


# Values that jump, over a small denominator


@pytest.mark.parametrize(("typed", "flagged"), [("50", False), ("100", True)])
def test_one_commune_reaching_the_standard_is_not_a_jump(client, cast, plan, typed, flagged):
    from targets.recording import record_value

    target = plan.targets.get(code="2030.04")  # 100% of the two communes meet the new-countryside standard
    assert target.denominator == 2
    for year in range(2021, 2026):
        record_value(target, year, Decimal(0), source="Nhập thử")
    report = current_report(plan, "NNPTNT")
    client.force_login(cast["canbo.nnptnt"])
    page = ReportPage(report).target("2030.04", value=typed)
    response = post(client, report, page)
    if not flagged:
        assert response.status_code == 302
        assert TargetEntry.objects.get(report=report, target__code="2030.04").value == Decimal(typed)
        client.force_login(cast["vanphong"])
        assert "thay đổi bất thường" not in client.get(f"/bao-cao/{report.pk}/").content.decode()
        return
    assert response.status_code == 422
    error = field_error(response.content.decode(), page.field("target", "2030.04", "note"))
    assert "tăng từ 0% (năm 2025) lên 100% (năm 2026): 100 điểm % mỗi năm, quá 50 điểm %" in error
