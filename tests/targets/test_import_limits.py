"""Issue 17, finding 5, for the import of values (/nhap-so-lieu/): a small file that costs the server a long read
(a 65 KB workbook whose shared strings unpack to 19,5 MB held a worker for 18,7 s) is refused before pandas reads
it, by the checks the report workbook upload uses (binhson_plan.workbooks), said next to the file field, with
nothing saved; a CSV is bounded by its rows and fields; and one account imports one file at a time."""

import csv
import io
import zipfile

import pandas
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from agencies.permissions import Role, add_role
from binhson_plan.upload_lock import one_upload_at_a_time
from binhson_plan.workbooks import Budget, check_archive
from reports.models import PlanRole
from targets import import_views, imports
from targets.imports import LIMITS, MAX_COLUMNS, MAX_ROWS
from targets.models import ReferenceValue, TargetValue
from tests.reports.offline.test_offline_upload_limits import (
    BILLION_LAUGHS,
    bzipped,
    rewritten,
    shared_strings,
    with_shared_strings,
)
from tests.reports.offline.test_workbook_structure_limits import (
    HOSTILE_PARTS,
    sst_rooted,
    utf32_styles,
)
from tests.targets.test_bad_numbers_and_imports import workbook

TOO_COMPLEX = "quá phức tạp để xử lý"
CELL = "<c t='inlineStr'><is><t>{}</t></is></c>"


def values_workbook(*rows: tuple) -> bytes:
    """A workbook of values with inline strings, as small as a real one: the header, then `rows`."""
    header = "<row>" + "".join(CELL.format(name) for name in ("target_code", "year", "value")) + "</row>"
    body = "".join("<row>" + "".join(CELL.format(cell) for cell in row) + "</row>" for row in rows)
    return workbook(1, header + body)


GOOD = values_workbook(("2025.01", "2020", "18"), ("2025.01", "2021", "19,5"))


@pytest.fixture
def reviewer(client, cast):
    client.force_login(cast["vanphong"])
    return client


@pytest.fixture
def pandas_must_not_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pandas was asked to read a file that should have been refused before")

    monkeypatch.setattr(pandas, "read_excel", refuse)
    monkeypatch.setattr(pandas, "read_csv", refuse)


def post(client, content: bytes, name: str = "so-lieu.xlsx"):
    return client.post("/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": SimpleUploadedFile(name, content)})


def next_to_the_field(response) -> str:
    page = response.content.decode()
    assert 'id="tep" accept=".csv,.xlsx" aria-invalid="true" aria-describedby="tep-loi"' in page
    return page.split('id="tep-loi"')[1].split("</div>")[0]


def assert_nothing_saved():
    assert not TargetValue.objects.exists()  # a value is never overwritten: each is a version of its own
    assert not ReferenceValue.objects.exists() and not ReferenceValue.history.exists()


def unpacked(content: bytes) -> int:
    return sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(content)).infolist())


def _a_row_of_empty_cells(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b"<row>" + b'<c r="A9"/>' * 500_000 + b"</row></sheetData>")


def _entities(xml: bytes) -> bytes:
    dtd = BILLION_LAUGHS.split(b"<styleSheet")[0]
    return dtd + xml.split(b"?>", 1)[1].replace(b"<t>2025.01</t>", b"<t>&lol3;</t>")


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        pytest.param(
            lambda: with_shared_strings(GOOD, shared_strings(*[b"<si><t>a</t></si>"] * 1_150_000)),
            "quá lớn khi giải nén",
            id="the probe's file: 1,15 million one-letter shared strings, 19,5 MB",
        ),
        pytest.param(
            lambda: with_shared_strings(
                GOOD, shared_strings(*[b"<si><t>a</t></si>"] * 1_150_000), "xl/media/image1.png"
            ),
            "quá lớn khi giải nén",
            id="the same, named as a picture",
        ),
        pytest.param(
            lambda: with_shared_strings(GOOD, shared_strings(*[b"<si><t>a</t></si>"] * 60_000)),
            f"{TOO_COMPLEX}: có quá nhiều ô, chuỗi chữ hay định dạng. Hãy chép riêng bảng số liệu (các cột "
            "target_code, year, value…) sang một tệp mới, lưu lại rồi tải lên (hơn 50.000 chuỗi chữ).",
            id="60 000 shared strings, under the size caps",
        ),
        pytest.param(
            lambda: rewritten(GOOD, {"xl/worksheets/sheet1.xml": _a_row_of_empty_cells}),
            f"{TOO_COMPLEX}",
            id="a row of 500 000 empty cells",
        ),
        pytest.param(
            lambda: rewritten(GOOD, {"xl/worksheets/sheet1.xml": _entities}),
            "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được.",
            id="entities that expand",
        ),
        pytest.param(
            lambda: bzipped(GOOD),
            "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được.",
            id="parts packed with bzip2 (26th probe)",
        ),
    ],
)
def test_a_workbook_costly_to_read_is_refused_before_pandas_reads_it(
    reviewer, plan, hostile, message, pandas_must_not_read, django_assert_max_num_queries
):
    content = hostile()
    assert len(content) < 100_000
    with django_assert_max_num_queries(8):
        response = post(reviewer, content, "bom.xlsx")
    assert response.status_code == 422
    assert message in next_to_the_field(response) and "Tệp “bom.xlsx”" in next_to_the_field(response)
    assert_nothing_saved()


def test_the_probes_file_unpacks_as_the_issue_says():
    content = with_shared_strings(GOOD, shared_strings(*[b"<si><t>a</t></si>"] * 1_150_000))
    assert len(content) < 70_000 and 19_000_000 < unpacked(content) < 20 * 1024 * 1024  # under the old cap


def test_the_time_budget_refuses_a_read_that_runs_over(reviewer, plan, settings):
    settings.WORKBOOK_UPLOAD_SECONDS = 0
    response = post(reviewer, GOOD)
    assert f"{TOO_COMPLEX}" in next_to_the_field(response) and "(đọc quá 0 giây)" in next_to_the_field(response)
    assert_nothing_saved()


def test_the_caps_let_the_largest_file_of_values_through():
    """MAX_ROWS rows of six columns, as inline strings or as shared strings two of which in each row are its own
    (a note, a date): the largest file the import takes."""
    inline = "<row>" + CELL.format("2025.01") * 6 + "</row>"
    check_archive(workbook(MAX_ROWS + 1, inline), LIMITS, Budget(seconds=60))
    shared = "<row>" + "<c t='s'><v>0</v></c>" * 6 + "</row>"
    strings = shared_strings(*[f"<si><t>Ghi chú {n}</t></si>".encode() for n in range(2 * MAX_ROWS)])
    check_archive(with_shared_strings(workbook(MAX_ROWS + 1, shared), strings), LIMITS, Budget(seconds=60))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"target_code,year,value\n" + b",".join([b"1"] * 500_000) + b"\n", "có hơn 50 cột.", id="wide"),
        pytest.param(b"target_code,year,value\n" + b"1,2,3\n" * 30_000, "có hơn 20000 dòng.", id="long"),
        pytest.param(b"target_code;year;value\n" + b";;" * 100 + b"\n", "có hơn 50 cột.", id="another separator"),
    ],
)
def test_a_csv_too_wide_or_too_long_is_refused_before_pandas_reads_it(
    reviewer, plan, content, message, pandas_must_not_read
):
    response = post(reviewer, content, "dai.csv")
    assert f"Tệp “dai.csv” {message}" in next_to_the_field(response)
    assert_nothing_saved()


def test_a_real_file_of_values_still_imports_after_the_checks(reviewer, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(60):
        response = post(reviewer, GOOD)
    assert response.status_code == 302
    assert {str(v.value) for v in TargetValue.objects.filter(target__code="2025.01")} == {"18.0000", "19.5000"}
    csv = 'target_code;year;value;note\n2025.01;2022;20;"Ghi chú; có dấu chấm phẩy"\n'.encode()
    assert post(reviewer, csv, "so-lieu.csv").status_code == 302
    assert TargetValue.objects.get(target__code="2025.01", year=2022).note == "Ghi chú; có dấu chấm phẩy"


def test_a_second_import_by_the_same_account_waits_and_another_account_goes_on(reviewer, cast, plan, monkeypatch):
    """Two imports in flight at once, as from two tabs: the second of the same account is refused next to the file
    field, nothing of it saved; another reviewer's import at the same moment goes through, and so does the first."""
    same_account, other_reviewer = Client(), Client()
    same_account.force_login(cast["vanphong"])
    colleague = get_user_model().objects.create_user("vanphong.hai")
    add_role(colleague, Role.REVIEWER)
    PlanRole.objects.create(user=colleague, role="reviewer", plan=plan)  # a reviewer of the same plan
    other_reviewer.force_login(colleague)
    during, real_import = {}, import_views.import_values

    def import_while_others_start(*args, **kwargs):
        if not during:
            during["same"] = post(same_account, values_workbook(("2025.01", "2023", "21")), "lan-hai.xlsx")
            during["other"] = post(other_reviewer, values_workbook(("2025.01", "2024", "22")), "dong-nghiep.xlsx")
        return real_import(*args, **kwargs)

    monkeypatch.setattr(import_views, "import_values", import_while_others_start)
    assert post(reviewer, GOOD, "lan-mot.xlsx").status_code == 302
    refused = during["same"]
    assert refused.status_code == 429
    assert "đang tải lên một tệp khác" in next_to_the_field(refused)
    assert during["other"].status_code == 302
    assert set(TargetValue.objects.values_list("year", flat=True)) == {2020, 2021, 2024}


def test_the_lock_refuses_while_held_and_is_released_after_a_refusal(
    reviewer, cast, plan, django_assert_max_num_queries
):
    assert "Không đọc được tệp" in next_to_the_field(post(reviewer, b"PK\x03\x04 not really a zip"))
    with one_upload_at_a_time(cast["vanphong"]) as ours:
        assert ours
        with django_assert_max_num_queries(8):  # the session, the user, the plan, the plans the user reviews
            refused = post(reviewer, GOOD)
        assert refused.status_code == 429 and "Mỗi tài khoản tải lên một tệp một lúc." in next_to_the_field(refused)
    assert_nothing_saved()
    assert post(reviewer, GOOD).status_code == 302
    assert TargetValue.objects.count() == 2


def excel_values(*rows: tuple) -> bytes:
    """A file of values as a spreadsheet program saves it, with its styles, theme and shared strings."""
    book = Workbook()
    sheet = book.active
    sheet.append(["target_code", "year", "value"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALUES = excel_values(("2025.01", "2020", "18"), ("2025.01", "2021", "19,5"))
IMPORT_MESSAGES = {
    "unpacked": "quá lớn khi giải nén",
    "structure": f"{TOO_COMPLEX}: có quá nhiều ô, chuỗi chữ hay định dạng. Hãy chép riêng bảng số liệu (các cột "
    "target_code, year, value…) sang một tệp mới, lưu lại rồi tải lên (định dạng, thuộc tính hay cấu trúc XML vượt "
    "mức cho phép).",
    "rows": f"có hơn {MAX_ROWS} dòng.",
    "columns": f"có hơn {MAX_COLUMNS} cột.",
    "formula": f"{TOO_COMPLEX}: có quá nhiều ô, chuỗi chữ hay định dạng. Hãy chép riêng bảng số liệu (các cột "
    "target_code, year, value…) sang một tệp mới, lưu lại rồi tải lên (có công thức quá dài).",
}


@pytest.mark.parametrize(
    ("part", "change", "reason"), [p[1:] for p in HOSTILE_PARTS], ids=[p[0] for p in HOSTILE_PARTS]
)
def test_a_file_of_values_whose_structure_costs_pandas_seconds_is_refused_unread(
    reviewer, plan, part, change, reason, pandas_must_not_read, django_assert_max_num_queries
):
    """The probe's styles on /nhap-so-lieu/ held a worker 31,8 s; a cell at column XFD in each of 1 000 rows made
    pandas build 16 384 columns for 26 s. Each is refused before pandas reads it, next to the file field."""
    content = rewritten(VALUES, {"xl/styles.xml" if part == "styles" else "xl/worksheets/sheet1.xml": change})
    assert len(content) < 400_000
    with django_assert_max_num_queries(8):
        response = post(reviewer, content, "bom.xlsx")
    assert response.status_code == 422
    assert f"Tệp “bom.xlsx” {IMPORT_MESSAGES[reason]}" in next_to_the_field(response)
    assert_nothing_saved()


def test_the_budget_is_checked_while_pandas_reads_not_only_in_the_scan(reviewer, plan, monkeypatch):
    """The scan passes, then the budget runs out: pandas, reading through the budgeted file, stops at its next read
    and the file is refused with the budget's message, nothing saved."""
    real_check = imports.check_archive

    def check_then_run_out(data, limits, budget):
        real_check(data, limits, budget)
        budget.ends = 0  # spent, as on a busy server

    monkeypatch.setattr(imports, "check_archive", check_then_run_out)
    response = post(reviewer, VALUES)
    assert f"{TOO_COMPLEX}" in next_to_the_field(response) and "(đọc quá 10 giây)" in next_to_the_field(response)
    assert_nothing_saved()


def test_a_file_of_values_saved_by_a_spreadsheet_program_still_imports(reviewer, plan):
    response = post(reviewer, VALUES)
    assert response.status_code == 302
    assert {str(v.value) for v in TargetValue.objects.filter(target__code="2025.01")} == {"18.0000", "19.5000"}


def test_the_caps_let_the_largest_file_of_values_through_as_excel_writes_it():
    """MAX_ROWS rows of six shared strings, each cell with its reference, style and type, each row with its number
    and spans: the attributes Excel writes, 400 000 of them."""
    cells = "".join(f'<c r="{letter}{{n}}" s="1" t="s"><v>0</v></c>' for letter in "ABCDEF")
    rows = "".join(f'<row r="{n}" spans="1:6">' + cells.format(n=n) + "</row>" for n in range(1, MAX_ROWS + 2))
    strings = shared_strings(*[f"<si><t>Ghi chú {n}</t></si>".encode() for n in range(2 * MAX_ROWS)])
    check_archive(with_shared_strings(workbook(1, rows), strings), LIMITS, Budget(seconds=60))


def far_row(spelled: str):
    """The third probe's sheet: a row numbered as openpyxl reads it (int(), then float()) but not as digits, so
    pandas would build every empty row before it (22 million rows: 3,9 GB and a killed worker)."""

    def change(xml: bytes) -> bytes:
        row = f'<row r="{spelled}"><c t="inlineStr"><is><t>2030.01</t></is></c></row>'.encode()
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    return change


def far_cell(reference: str):
    def change(xml: bytes) -> bytes:
        cell = f'<row><c r="{reference}" t="inlineStr"><is><t>2030.01</t></is></c></row>'.encode()
        return xml.replace(b"</sheetData>", cell + b"</sheetData>")

    return change


@pytest.mark.parametrize(
    ("part", "change", "message"),
    [
        ("xl/styles.xml", lambda _xml: utf32_styles(), "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được."),
        (
            "xl/styles.xml",
            lambda _xml: utf32_styles(b"\x00\x00\xfe\xff"),
            "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được.",
        ),
        ("xl/worksheets/sheet1.xml", sst_rooted, IMPORT_MESSAGES["columns"]),
        *[
            ("xl/worksheets/sheet1.xml", far_row(spelled), IMPORT_MESSAGES["rows"])
            for spelled in ("2.2e7", "3e5", "300_000", " 300000", "+300000")
        ],
        ("xl/worksheets/sheet1.xml", far_cell("A2.2e7"), IMPORT_MESSAGES["rows"]),
    ],
    ids=[
        "UTF-32BE styles",
        "UTF-32BE styles with a BOM",
        "<sst> sheet",
        "row 2.2e7",
        "row 3e5",
        "row 300_000",
        "row ' 300000'",
        "row +300000",
        "cell A2.2e7",
    ],  # fmt: skip
)
def test_the_repeat_probes_workbooks_are_refused_before_pandas_reads_them(
    reviewer, plan, part, change, message, pandas_must_not_read, django_assert_max_num_queries
):
    """The UTF-32 styles (360 KB) and the <sst>-rooted sheet of 1 500 cells at column XFD each held a worker 31 s
    on /nhap-so-lieu/; both are refused before pandas reads them, next to the file field, nothing saved."""
    content = rewritten(VALUES, {part: change})
    assert len(content) < 400_000
    with django_assert_max_num_queries(8):
        response = post(reviewer, content, "bom.xlsx")
    assert response.status_code == 422
    assert f"Tệp “bom.xlsx” {message}" in next_to_the_field(response)
    assert_nothing_saved()


@pytest.fixture
def no_sniffing(monkeypatch):
    """csv.Sniffer, which pandas' python engine also uses, is quadratic on a line of quotes: neither may run."""

    def refuse(*args, **kwargs):
        raise AssertionError("csv.Sniffer was used")

    monkeypatch.setattr(csv, "Sniffer", refuse)


def test_a_one_line_csv_that_makes_the_sniffer_quadratic_is_refused_before_pandas_reads_it(
    reviewer, plan, pandas_must_not_read, no_sniffing
):
    """',"a' 40 000 times (120 KB) held a worker 30,4 s in csv.Sniffer: the separator is now chosen by counting in a
    header of at most 4 096 characters, and a longer header is refused."""
    response = post(reviewer, b',"a' * 40_000, "nhay.csv")
    assert response.status_code == 422
    assert "Tệp “nhay.csv” có dòng tiêu đề dài hơn 4.096 ký tự." in next_to_the_field(response)
    assert_nothing_saved()


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_csv_is_read_by_pandas_c_engine_with_the_separator_of_its_header(reviewer, plan, separator, no_sniffing):
    """Quotes in the rows, as a spreadsheet program writes them, with each separator: the values and the note
    holding the other separators still import, without any sniffing."""
    header = separator.join(["target_code", "year", "value", "note"])
    row = separator.join(["2025.01", "2022", '"20,5"', '"Ghi chú; có, dấu\tphân cách"'])
    response = post(reviewer, f"{header}\n{row}\n".encode(), "so-lieu.csv")
    assert response.status_code == 302, next_to_the_field(response)
    value = TargetValue.objects.get(target__code="2025.01", year=2022)
    assert (str(value.value), value.note) == ("20.5000", "Ghi chú; có, dấu\tphân cách")
