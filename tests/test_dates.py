"""One rule for every date the portal reads (binhson_plan.dates): impossible dates are refused with the same
Vietnamese message at every entry point, forms, workbook, imports, data files and the admin, and nothing is saved
(issue 17: impossible dates reached the database through cycle dates, corrections and imports)."""

import io
import textwrap

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import models
from openpyxl import load_workbook

from agencies.models import Reorganisation
from binhson_plan.dates import DayField, parse_day
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from reports.models import TargetEntry
from targets.models import TargetValue
from tasks.models import Plan
from tests.reports.helpers import ReportPage, current_report, post_seen
from tests.reports.review.test_deadline import submit

RANGE = "Ngày không hợp lệ: phải từ 01/01/2000 đến 31/12/2100 (đã nhập {})."
FORMAT = (
    "Ngày không hợp lệ: viết theo dạng ngày/tháng/năm, năm đủ 4 chữ số, ví dụ 30/11/2026 hoặc 30112026 (đã nhập “{}”)."
)
DIGITS = "Ngày không hợp lệ: “{}” có chữ số không phải 0–9: gõ lại bằng các phím số thông thường."
# What a person types, and what every entry point answers.
TYPED = [
    ("31/02/2026", "Ngày không hợp lệ: tháng 2/2026 chỉ có ngày 1 đến 28 (đã nhập 31/02/2026)."),
    ("29/02/2027", "Ngày không hợp lệ: tháng 2/2027 chỉ có ngày 1 đến 28 (đã nhập 29/02/2027)."),
    ("31/04/2026", "Ngày không hợp lệ: tháng 4/2026 chỉ có ngày 1 đến 30 (đã nhập 31/04/2026)."),
    ("00/12/2026", "Ngày không hợp lệ: tháng 12/2026 chỉ có ngày 1 đến 31 (đã nhập 00/12/2026)."),
    ("30/13/2026", "Ngày không hợp lệ: tháng phải từ 1 đến 12 (đã nhập 30/13/2026)."),
    ("01/01/0026", RANGE.format("01/01/0026")),
    ("31/12/9999", RANGE.format("31/12/9999")),
    ("31/12/1999", RANGE.format("31/12/1999")),
    ("1/1/26", FORMAT.format("1/1/26")),
    ("3011202", FORMAT.format("3011202")),
    ("20261130", "Ngày không hợp lệ: tháng phải từ 1 đến 12 (đã nhập 20261130)."),  # year first: refused, not misread
    # Issue 17, second probe: Python's \d and int() read Arabic-Indic and full-width digits as 0–9.
    ("٠٦/١٢/٢٠٢٦", DIGITS.format("٠٦/١٢/٢٠٢٦")),
    ("０６/１２/２０２６", DIGITS.format("０６/１２/２０２６")),
    ("06/12/٢٠٢٦", DIGITS.format("06/12/٢٠٢٦")),
    ("2026-11-30", FORMAT.format("2026-11-30")),  # last: an import takes it (a date cell's text)
]
# The data files are written year-month-day (YAML): the same rule, the same words.
WRITTEN_ISO = [
    ("2026-02-31", "Ngày không hợp lệ: tháng 2/2026 chỉ có ngày 1 đến 28 (đã nhập 2026-02-31)."),
    ("2026-13-30", "Ngày không hợp lệ: tháng phải từ 1 đến 12 (đã nhập 2026-13-30)."),
    ("0026-01-01", RANGE.format("0026-01-01")),
    ("9999-12-31", RANGE.format("9999-12-31")),
]


@pytest.mark.parametrize(("typed", "message"), TYPED)
def test_the_rule_itself(typed, message):
    with pytest.raises(ValueError) as refused:
        parse_day(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize(("typed", "day"), [("29/02/2028", "2028-02-29"), ("1/2/2026", "2026-02-01"),
                                            ("30-11-2026", "2026-11-30"), (" 30.11.2026 ", "2026-11-30"),
                                            ("30112026", "2026-11-30"), ("01022026", "2026-02-01"),
                                            ("01/01/2000", "2000-01-01"), ("31/12/2100", "2100-12-31")])  # fmt: skip
def test_real_days_are_read(typed, day):
    assert parse_day(typed).isoformat() == day


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


@pytest.mark.parametrize(("typed", "message"), TYPED)
def test_the_report_form(client, cast, report, typed, message):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).target("2030.10", value="12", as_of=typed)
    response = client.post(f"/bao-cao/{report.pk}/", page.data())
    assert response.status_code == 422 and message in response.content.decode()
    assert not TargetEntry.objects.filter(report=report, as_of__isnull=False).exists()


@pytest.mark.parametrize(("typed", "message"), TYPED[::3])
def test_the_offline_workbook(client, cast, report, typed, message):
    client.force_login(cast["canbo.ldtbxh"])
    book = load_workbook(io.BytesIO(client.get(f"/bao-cao/{report.pk}/excel/").content))
    sheet = book["Chỉ tiêu định lượng"]
    row = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == "2030.10")
    sheet[f"G{row}"], sheet[f"H{row}"] = 12, typed
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("bao-cao.xlsx", buffer.getvalue())
    response = client.post(f"/bao-cao/{report.pk}/excel/tai-len/", {"workbook": upload})
    assert response.status_code == 422
    assert f"dòng {row}, cột H (Số liệu tính đến ngày): {message}" in response.content.decode()
    assert not TargetEntry.objects.filter(report=report, as_of__isnull=False).exists()


@pytest.mark.parametrize(("typed", "message"), TYPED)
@pytest.mark.parametrize("name", ["opens_on", "due_on", "data_cutoff", "locks_on"])
def test_the_cycle_dates(client, cast, plan, name, typed, message):
    client.force_login(cast["vanphong"])
    cycle = open_cycle(plan, 2030)
    before = [cycle.opens_on, cycle.due_on, cycle.data_cutoff, cycle.locks_on]
    dates = {"opens_on": "01/01/2030", "due_on": "05/12/2030", "data_cutoff": "31/12/2030", "locks_on": "15/01/2031"}
    response = client.post(f"/ky-bao-cao/{cycle.pk}/", dates | {name: typed})
    assert response.status_code != 302 and message in response.content.decode()
    cycle.refresh_from_db()
    assert [cycle.opens_on, cycle.due_on, cycle.data_cutoff, cycle.locks_on] == before


def test_a_date_typed_on_a_phones_number_pad_is_read(client, cast, report):
    """Browser pass 39: every date box opens a phone's number pad (inputmode numeric), which has no "/": the eight
    digits it can type are the day, month and year."""
    client.force_login(cast["vanphong"])
    response = client.post(f"/bao-cao/{report.pk}/han-gui/", {"due_on": "15122026"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.due_on.isoformat() == "2026-12-15"


@pytest.mark.parametrize(("typed", "message"), TYPED)
def test_a_report_s_own_due_date(client, cast, report, typed, message):
    client.force_login(cast["vanphong"])
    response = client.post(f"/bao-cao/{report.pk}/han-gui/", {"due_on": typed})
    assert response.status_code == 422 and message in response.content.decode()
    report.refresh_from_db()
    assert report.due_on is None


@pytest.mark.parametrize(("typed", "message"), TYPED)
def test_the_date_a_sent_back_report_s_corrections_are_due(client, cast, report, typed, message):
    submit(client, cast["canbo.ldtbxh"], report)
    report.refresh_from_db()
    assert report.state == "submitted"
    client.force_login(cast["vanphong"])
    data = {"reason": "Thiếu số liệu.", "correction_due_on": typed}
    response = post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", data)
    assert response.status_code == 422 and message in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted" and report.correction_due_on is None


@pytest.mark.parametrize(("typed", "message"), TYPED)
def test_a_correction(client, cast, plan, typed, message):
    client.force_login(cast["vanphong"])
    data = {"year": "2025", "value": "12", "as_of": typed, "reason": "Cơ quan thống kê công bố lại."}
    response = client.post(f"/ke-hoach/{plan.slug}/chi-tieu/2030.10/dinh-chinh/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not TargetValue.objects.filter(target__code="2030.10").exists()


@pytest.mark.parametrize(("typed", "message"), TYPED)
def test_the_consolidated_report_s_date(client, cast, plan, typed, message):
    client.force_login(cast["vanphong"])
    cover = {"number": "45/BC-UBND", "report_date": typed, "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
             "recipients": "Lưu: VT", "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự"}  # fmt: skip
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/", cover)
    assert response.status_code == 422 and message in response.content.decode()
    assert not ConsolidatedReport.objects.exists()


@pytest.mark.parametrize(("typed", "message"), TYPED[:-1])  # an import also takes a date cell's ISO text
def test_an_import_of_values(client, cast, plan, typed, message):
    client.force_login(cast["vanphong"])
    csv = f"target_code,year,value,as_of\n2025.01,2020,18,31/12/2020\n2025.01,2021,19,{typed}\n".encode()
    response = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", csv)}
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert not TargetValue.objects.filter(target__code="2025.01").exists()


@pytest.mark.parametrize(("written", "message"), WRITTEN_ISO)
def test_an_import_of_values_written_year_first(client, cast, plan, written, message):
    client.force_login(cast["vanphong"])
    csv = f"target_code,year,value,as_of\n2025.01,2021,19,{written}\n".encode()
    response = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", csv)}
    )
    assert message in response.content.decode()
    assert not TargetValue.objects.exists()


@pytest.mark.parametrize(("written", "message"), WRITTEN_ISO)
def test_the_plan_file(plan, shipped_plan_file, tmp_path, written, message):
    text = shipped_plan_file.read_text(encoding="utf-8")
    assert text.count("  issued_on: 2022-08-08\n") == 1
    path = tmp_path / "ke-hoach.yaml"
    path.write_text(text.replace("  issued_on: 2022-08-08\n", f"  issued_on: {written}\n"), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_plan", str(path), stdout=io.StringIO())
    assert f"ke-hoach.yaml: plan: trường “issued_on”: {message}" in str(refused.value)
    assert Plan.objects.get().issued_on.isoformat() == "2022-08-08"


@pytest.mark.parametrize(("written", "message"), WRITTEN_ISO)
def test_the_reorganisation_file(plan, tmp_path, written, message):
    path = tmp_path / "sap-xep.yaml"
    path.write_text(textwrap.dedent(f"""\
        plan: {plan.slug}
        reorganisations:
          - code: doi-ten
            kind: rename
            effective_on: {written}
            legal_basis: Quyết định minh họa
            predecessors: [VHTT]
            successors: [TTVHTT]
        """), encoding="utf-8")  # fmt: skip
    with pytest.raises(CommandError) as refused:
        call_command("load_reorganisation", str(path), stdout=io.StringIO())
    assert f"sap-xep.yaml: reorganisations, mục 1 (doi-ten): trường “effective_on”: {message}" in str(refused.value)
    assert not Reorganisation.objects.exists()


def admin_date_fields():
    """(admin, model field) for every plain date field an admin page of the portal edits, inlines included."""
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin] + [inline(model, admin.site) for inline in model_admin.inlines]
        for each in admins:
            for field in each.model._meta.concrete_fields:
                if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
                    yield each, field


def test_every_date_of_the_admin_is_read_by_the_rule():
    found = list(admin_date_fields())
    assert {f"{field.model.__name__}.{field.name}" for _, field in found} >= {
        "Plan.issued_on", "ReportingCycle.opens_on", "ReportingCycle.locks_on", "Reorganisation.effective_on"
    }  # fmt: skip
    for model_admin, field in found:
        form_field = model_admin.formfield_for_dbfield(field, request=None)
        assert isinstance(form_field, DayField), f"{type(model_admin).__name__}: {field.name}"
        with pytest.raises(Exception, match="tháng 2/2026 chỉ có ngày 1 đến 28"):
            form_field.clean("31/02/2026")


def test_the_admin_refuses_an_impossible_date(client, cast, plan):
    client.force_login(cast["quantri"])
    cycle = open_cycle(plan, 2030)
    data = {"plan": plan.pk, "year": 2030, "opens_on": "01/01/2030", "due_on": "31/12/9999",
            "data_cutoff": "31/12/2030", "locks_on": ""}  # fmt: skip
    response = client.post(f"/quan-tri/reports/reportingcycle/{cycle.pk}/change/", data)
    assert response.status_code == 200 and RANGE.format("31/12/9999") in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.due_on.year == 2030
