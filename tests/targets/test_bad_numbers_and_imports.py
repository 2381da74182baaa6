"""Numbers in other scripts' digits, and import files that are too big once unpacked or named too long:
each refused with a Vietnamese reason (or the name shortened), never a server error or a dead worker."""

import datetime
import io
import zipfile
from decimal import Decimal

import pandas
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from targets.imports import ValueImportError, import_values
from targets.models import TargetValue
from targets.numbers import NumberFormatError, parse_number
from tests.reports.helpers import ReportPage, current_report


@pytest.mark.parametrize("typed", ["١٢٣", "１２３４", "١٫٥", "۱۲", "12３", "४५"])
def test_digits_outside_0_to_9_are_refused(typed):
    with pytest.raises(NumberFormatError, match="chữ số không phải 0–9"):
        parse_number(typed)
    with pytest.raises(NumberFormatError, match="chữ số không phải 0–9"):
        parse_number(typed, integer=True)


def test_the_report_form_refuses_them(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    code = next(f.instance.target.code for f in page.forms["targets"] if not f.instance.target.is_qualitative)
    response = client.post(f"/bao-cao/{report.pk}/", page.target(code, value="１２３４").data())
    assert response.status_code == 422
    assert "“１２３４” có chữ số không phải 0–9" in response.content.decode()


def test_an_import_refuses_them_in_years_and_values(plan):
    rows = "target_code,year,value\n2025.01,２０２０,18\n2025.01,2021,١٢\n"
    with pytest.raises(ValueImportError) as refused:
        import_values(plan, io.BytesIO(rows.encode()), "so-lieu.csv")
    assert refused.value.errors[0].startswith("Dòng 2, cột year: năm “２０２０” không hợp lệ")
    assert refused.value.errors[1].startswith("Dòng 3, cột value: “١٢” có chữ số không phải 0–9")


def workbook(rows: int, row_xml: str = "<row><c t='inlineStr'><is><t>x</t></is></c></row>") -> bytes:
    """A minimal .xlsx whose only sheet repeats one row: tiny packed, `rows` rows unpacked."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData>' + row_xml * rows + "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
        'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
        'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def pandas_must_not_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pandas was asked to parse a workbook that should have been refused before")

    monkeypatch.setattr(pandas, "read_excel", refuse)


def test_a_workbook_of_half_a_million_rows_is_refused_before_pandas_reads_it(plan, pandas_must_not_read):
    bomb = workbook(500_000, "<row><c><v>1</v></c></row>")  # 12 MB of XML, under the unpacked-size limit
    assert len(bomb) < 200 * 1024  # the probe's file was 190 KB
    with pytest.raises(ValueImportError) as refused:
        import_values(plan, io.BytesIO(bomb), "bom.xlsx")
    assert refused.value.errors == ["Tệp “bom.xlsx” có hơn 20000 dòng."]


def test_a_workbook_that_unpacks_too_large_is_refused_unread(plan, pandas_must_not_read):
    bomb = workbook(1_000_000)  # 50 MB of XML in 100 KB
    assert len(bomb) < 200 * 1024
    with pytest.raises(ValueImportError) as refused:
        import_values(plan, io.BytesIO(bomb), "lon.xlsx")
    assert refused.value.errors == ["Tệp “lon.xlsx” quá lớn khi giải nén (tối đa 20000 dòng)."]


def test_a_workbook_too_wide_is_refused(plan, pandas_must_not_read):
    wide = "<row>" + "<c t='inlineStr'><is><t>x</t></is></c>" * 60 + "</row>"
    with pytest.raises(ValueImportError) as refused:
        import_values(plan, io.BytesIO(workbook(2, wide)), "rong.xlsx")
    assert refused.value.errors == ["Tệp “rong.xlsx” có hơn 50 cột."]


def test_a_csv_of_a_million_lines_is_refused_before_it_is_parsed(plan, monkeypatch):
    monkeypatch.setattr(pandas, "read_csv", lambda *a, **k: pytest.fail("read_csv on a file to refuse"))
    with pytest.raises(ValueImportError) as refused:
        import_values(plan, io.BytesIO(b"target_code,year,value\n" + b",,\n" * 1_000_000), "dai.csv")
    assert refused.value.errors == ["Tệp “dai.csv” có hơn 20000 dòng."]


def test_a_good_workbook_still_imports(plan):
    row = "<row><c t='inlineStr'><is><t>{}</t></is></c><c><v>{}</v></c><c><v>{}</v></c></row>"
    header = row.replace("<c><v>{}</v></c><c><v>{}</v></c>", "<c t='inlineStr'><is><t>year</t></is></c>"
                         "<c t='inlineStr'><is><t>value</t></is></c>").format("target_code")  # fmt: skip
    content = workbook(1, header + row.format("2025.01", 2020, 18) + row.format("2025.01", 2021, 19.5))
    result = import_values(plan, io.BytesIO(content), "tot.xlsx")
    assert result.recorded == 2
    assert {str(v.value) for v in TargetValue.objects.filter(target__code="2025.01")} >= {"18.0000", "19.5000"}


def test_an_import_file_with_a_very_long_name_is_recorded_under_a_shortened_one(client, cast, plan):
    client.force_login(cast["vanphong"])
    name = "Số liệu chỉ tiêu giảm nghèo các xã đặc biệt khó khăn huyện Bình Sơn " * 5 + ".csv"
    upload = SimpleUploadedFile(name, b"target_code,year,value\n2025.01,2020,18\n")
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": upload})
    assert response.status_code == 302
    value = TargetValue.objects.get(target__code="2025.01", year=2020)
    assert len(value.source) <= 255 and value.source.startswith("Nhập từ tệp Số liệu chỉ tiêu") and "…" in value.source


@pytest.mark.parametrize("typed", ["10000000000000000", "99999999999999999999"])
def test_an_import_refuses_a_number_no_value_can_be_not_with_a_server_error(client, cast, plan, typed):
    """The sixth probe: 10^16 in a file of values was a 500 (numeric field overflow on PostgreSQL)."""
    rows = f"target_code,year,value,reference\n2025.01,2013,{typed},\n2030.01,2024,12,{typed}\n"
    client.force_login(cast["vanphong"])
    upload = SimpleUploadedFile("so-lieu.csv", rows.encode(), content_type="text/csv")
    response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Dòng 2, cột value: số quá lớn (phải nhỏ hơn 1.000.000.000.000.000)." in page
    assert "Dòng 3, cột reference: số quá lớn" in page
    assert not TargetValue.objects.filter(year__in=[2013, 2024], target__code__in=["2025.01", "2030.01"]).exists()


@pytest.mark.parametrize("typed", ["10000000000000000", "99999999999999999999"])
def test_the_correction_form_refuses_it_next_to_the_field(client, cast, plan, typed):
    client.force_login(cast["vanphong"])
    url = f"/ke-hoach/{plan.slug}/chi-tieu/2025.01/dinh-chinh/"
    response = client.post(url, {"year": 2020, "value": typed, "as_of": "", "reason": "Số liệu mới."})
    assert response.status_code in (200, 422)
    assert "Số quá lớn (phải nhỏ hơn 1.000.000.000.000.000)." in response.content.decode()
    assert 'value="Số liệu mới."' in response.content.decode() or "Số liệu mới." in response.content.decode()


def test_a_file_of_thousands_of_bad_rows_lists_the_first_two_hundred(client, cast, plan):
    """The sixth probe: 19 000 bad rows listed 57 000 errors in an 11 MB page."""
    rows = "target_code,year,value\n" + "".join(f"X{n},abc,xyz\n" for n in range(1000))
    client.force_login(cast["vanphong"])
    response = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", rows.encode())}
    )
    page = response.content.decode()
    assert response.status_code == 422 and page.count("<li>Dòng ") == 200
    total = int(page.split("Chưa nhập gì: tệp có ")[1].split(" lỗi")[0])
    assert f"… và {total - 200} lỗi khác: sửa các lỗi trên rồi nhập lại để xem tiếp." in page and total >= 1000


def test_the_correction_form_keeps_a_value_s_date_in_its_year_and_offers_no_year_to_come(client, cast, plan):
    """The tenth probe: 2025's value was stored "as of" 01/01/2030, and a value for 2031 was taken."""
    this_year = timezone.localdate().year  # the run's day (tests/conftest.py)
    client.force_login(cast["vanphong"])
    url = f"/ke-hoach/{plan.slug}/chi-tieu/2025.01/dinh-chinh/"
    data = {"year": 2025, "value": "5", "as_of": "01/01/2030", "reason": "Sửa số liệu sai."}
    page = client.post(url, data).content.decode()
    assert "Ngày tính số liệu phải trong năm 2025 (từ 01/01/2025 đến 31/12/2025), năm của số liệu." in page
    assert 'value="01/01/2030"' in page and "Sửa số liệu sai." in page  # what was typed stays
    page = client.post(url, data | {"year": this_year + 1, "as_of": ""}).content.decode()
    assert f"Chọn một năm từ 2020 đến {this_year}: năm chưa đến thì chưa có số liệu để đính chính." in page
    assert f'<option value="{this_year + 1}"' not in client.get(url).content.decode()
    assert not TargetValue.objects.filter(target__code="2025.01").exists()
    assert client.post(url, data | {"as_of": "31/12/2025"}).status_code == 302


def test_an_import_takes_no_year_to_come_and_keeps_a_value_s_date_in_its_year(client, cast, plan):
    """The browser pass after issue 18: 2028's value was imported in 2026, and 2023's "as of" 31/12/2024."""
    coming = timezone.localdate().year + 2  # the run's day (tests/conftest.py)
    client.force_login(cast["vanphong"])
    rows = f'target_code,year,value,as_of\n2030.07,{coming},"72,5",\n2030.07,2023,"70,9",31/12/2024\n'
    response = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", rows.encode())}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert f"Dòng 2, cột year: năm “{coming}” không hợp lệ (từ 2011 đến {coming - 2})." in page
    assert (
        "Dòng 3, cột as_of: ngày tính số liệu phải trong năm 2023 (từ 01/01/2023 đến 31/12/2023), năm của số liệu."
        in page
    )
    assert not TargetValue.objects.filter(target__code="2030.07").exists()


def test_an_imported_note_past_its_limit_is_refused_with_its_line(client, cast, plan):
    """The eleventh probe: a 100 000-character note was stored; its error was noted after the row was taken."""
    client.force_login(cast["vanphong"])
    rows = "target_code,year,value,as_of,note\n2025.01,2021,3,," + "a" * 100_000 + "\n"
    response = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", rows.encode())}
    )
    assert response.status_code == 422
    assert "Dòng 2, cột note: ghi chú dài 100.000 ký tự, tối đa 2.000." in response.content.decode()
    assert not TargetValue.objects.filter(target__code="2025.01").exists()


def test_a_figure_as_of_a_day_to_come_is_no_recorded_figure(client, cast, plan):
    """The thirteenth probe: the import and the correction recorded 2026's figure "as of" 31/12/2026 on 06/12/2026, not
    as an estimate, though the report form refuses it."""
    today = timezone.localdate()  # the run's day, 20/11/2026 (tests/conftest.py): tomorrow is in the same year
    later = today + datetime.timedelta(days=1)
    client.force_login(cast["vanphong"])
    rows = f"target_code,year,value,as_of\n2030.01,{today.year},27,{later:%d/%m/%Y}\n"
    page = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", rows.encode())}
    ).content.decode()
    assert f"Dòng 2, cột as_of: ngày tính số liệu {later:%d/%m/%Y} chưa đến" in page
    url = f"/ke-hoach/{plan.slug}/chi-tieu/2030.02/dinh-chinh/"
    data = {"year": today.year, "value": "10", "as_of": f"{later:%d/%m/%Y}", "reason": "Số liệu cuối năm."}
    page = client.post(url, data).content.decode()
    assert f"Ngày số liệu sau hôm nay ({today:%d/%m/%Y}) chỉ dùng cho số ước tính" in page
    assert not TargetValue.objects.filter(target__code__in=["2030.01", "2030.02"]).exists()
    assert client.post(url, data | {"is_estimate": "on"}).status_code == 302  # as an estimate it is taken


SPACES = {"no-break": "\u00a0", "narrow no-break": "\u202f", "plain": " "}


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_a_space_groups_thousands_only_in_threes(space):
    """Issue 17 (the probe's second pass): "7 2" with a space between its digits was read as 72."""
    for typed in (f"7{space}2", f"12{space}34", f"1{space}2345", f"1234{space}567", f"1{space}234{space}5"):
        with pytest.raises(NumberFormatError, match="không phải là số. Ví dụ cách viết đúng"):
            parse_number(typed)
        with pytest.raises(NumberFormatError, match="không phải là số. Ví dụ cách viết đúng"):
            parse_number(typed, integer=True)
    assert parse_number(f"1{space}234") == 1234 and parse_number(f"12{space}345{space}678,5") == Decimal("12345678.5")


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_the_report_form_refuses_digits_split_by_a_space(client, cast, plan, space):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    form = next(f for f in page.forms["targets"] if not f.instance.target.is_qualitative)
    typed = f"7{space}2"
    response = client.post(f"/bao-cao/{report.pk}/", page.target(form.instance.target.code, value=typed).data())
    assert response.status_code == 422
    assert f"“{typed}” không phải là số. Ví dụ cách viết đúng: 4,5 hoặc 1.250.000." in response.content.decode()
    assert report.target_entries.get(pk=form.instance.pk).value is None


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_an_import_refuses_digits_split_by_a_space(client, cast, plan, space):
    client.force_login(cast["vanphong"])
    rows = f"target_code,year,value\n2030.07,2023,7{space}2\n2025.01,2023,1{space}234\n"
    response = client.post(
        "/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile("so-lieu.csv", rows.encode())}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert f"Dòng 2, cột value: “7{space}2” không phải là số. Ví dụ cách viết đúng: 4,5 hoặc 1.250.000." in page
    assert "Dòng 3" not in page  # 1 234: a thousands group of three
    assert not TargetValue.objects.exists()
