"""Issue 17, finding 5: a small workbook that costs the server a long parse. The work of one upload is bounded
by size caps per member, caps on what the XML holds and a time budget, all refused in Vietnamese with nothing
saved; and one account uploads one workbook at a time, so that it cannot hold every gunicorn worker."""

import io
import re
import runpy
import string
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from reports.models import TaskEntry
from reports.offline import reader
from reports.offline import views as offline_views
from reports.offline.views import one_upload_at_a_time
from tests.reports.helpers import current_report
from tests.reports.offline.test_offline_entry import DIFFICULTIES, LEAD, download, history_counts, upload

ROOT = Path(__file__).resolve().parents[3]
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
TOO_COMPLEX = "quá phức tạp để xử lý"


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


@pytest.fixture
def owner(client, cast):
    client.force_login(cast["canbo.ldtbxh"])
    return client


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shared_strings(*items: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b">" + b"".join(items) + b"</sst>"


def with_shared_strings(content: bytes, strings: bytes, name: str = "xl/sharedStrings.xml") -> bytes:
    """The workbook with a shared strings table, referenced as Excel references it, so that openpyxl reads it."""
    part = f"/{name}".encode()
    return rewritten(
        content,
        {
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdStrings" Target="' + part + b'" Type="http://schemas.openxmlformats'
                b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
            ),
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                b'<Override PartName="' + part + b'" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            ),
        },
        added={name: strings},
    )


def rewritten(content: bytes, changes: dict, added: dict | None = None) -> bytes:
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member.filename)
            archive.writestr(member.filename, changes.get(member.filename, lambda xml: xml)(data))
        for name, data in (added or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def unpacked(content: bytes) -> int:
    return sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(content)).infolist())


def filled(owner, report) -> bytes:
    """The portal's own workbook with one result typed, so that an upload that got through would write it."""
    book = download(owner, report)
    book[LEAD]["D2"] = "Kết quả từ Excel"
    return saved(book)


def assert_refused(response, report, before, message):
    assert response.status_code == 422, response.content[:300]
    page = response.content.decode()
    assert message in page and "không nội dung nào của tệp được lưu" in page
    assert history_counts() == before
    report.refresh_from_db()
    assert report.version == 0
    assert not TaskEntry.objects.filter(report=report, results="Kết quả từ Excel").exists()


@pytest.mark.parametrize("name", ["xl/sharedStrings.xml", "xl/media/image1.png"])
def test_a_70_kb_workbook_whose_shared_strings_unpack_to_23_mb_is_refused_unread(
    owner, report, name, django_assert_max_num_queries
):
    """The probe's workbook: 1,35 million one-letter strings. openpyxl took 11 s over it; its declared size
    now refuses it, after its first 64 KB, whatever its name (openpyxl finds the table by its content type)."""
    strings = shared_strings(*[b"<si><t>a</t></si>"] * 1_350_000)
    content = with_shared_strings(filled(owner, report), strings, name)
    assert len(content) < 80_000 and unpacked(content) > 23_000_000
    before = history_counts()
    with django_assert_max_num_queries(9):
        response = upload(owner, report, content)
    assert_refused(response, report, before, "quá lớn khi giải nén")


def _sheet_with_empty_cells(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b'<row r="900">' + b'<c r="A900"/>' * 400_000 + b"</row></sheetData>")


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><styleSheet ' + NS + b"><x>&lol3;</x></styleSheet>"
)


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        pytest.param(
            lambda content: with_shared_strings(content, shared_strings(*[b"<si><t>a</t></si>"] * 450_000)),
            "hơn 20.000 chuỗi chữ",
            id="7 MB of one-letter strings, under the size cap",
        ),
        pytest.param(
            lambda content: with_shared_strings(
                content, shared_strings(b"<si>" + b"<r><t>a</t></r>" * 300_000 + b"</si>")
            ),
            "hơn 100.000 phần tử XML",
            id="one string of 300 000 rich-text runs",
        ),
        pytest.param(
            lambda content: rewritten(content, {"xl/worksheets/sheet2.xml": _sheet_with_empty_cells}),
            "hơn 100.000 phần tử XML",
            id="a row of 400 000 empty cells",
        ),
        pytest.param(
            lambda content: rewritten(content, {"xl/styles.xml": lambda xml: BILLION_LAUGHS}),
            "bị hỏng",
            id="entities that expand",
        ),
    ],
)
def test_a_workbook_costly_to_parse_is_refused_quickly_with_nothing_saved(owner, report, hostile, message):
    content = hostile(filled(owner, report))
    assert len(content) < 100_000
    before = history_counts()
    response = upload(owner, report, content)
    assert_refused(response, report, before, message)
    if message != "bị hỏng":
        assert TOO_COMPLEX in response.content.decode()


def test_the_time_budget_refuses_a_read_that_runs_over(owner, report, settings):
    settings.WORKBOOK_UPLOAD_SECONDS = 0
    content = filled(owner, report)
    before = history_counts()
    assert_refused(upload(owner, report, content), report, before, f"{TOO_COMPLEX}: không phải tệp báo cáo")


def test_the_budget_fires_well_before_gunicorns_timeout_and_the_lock_outlives_it():
    """gunicorn kills a worker silent for `timeout` seconds (30 unless set): the budget must fire long before,
    and a lock left by a killed worker must lapse only after gunicorn has given up on its request."""
    timeout = runpy.run_path(str(ROOT / "gunicorn.conf.py")).get("timeout", 30)
    for launcher in ("Dockerfile", "docker-compose.yml", "scripts/production-smoke.sh"):
        assert not re.search(r"(--timeout|\s-t)\b", (ROOT / launcher).read_text()), launcher
    assert settings.WORKBOOK_UPLOAD_SECONDS * 2 <= timeout < settings.WORKBOOK_UPLOAD_LOCK_SECONDS


def test_a_second_upload_by_the_same_account_waits_and_another_account_goes_on(owner, cast, plan, report, monkeypatch):
    """Two uploads in flight at once, as from two tabs: the second of the same account is refused next to the
    file field, with nothing of it saved; another account's upload at the same moment goes through."""
    other = current_report(plan, "UBND-BA")
    other_staff = Client()
    other_staff.force_login(cast["canbo.binhan"])
    other_book = download(other_staff, other)
    other_book[DIFFICULTIES]["A2"] = "Khó khăn của Bình An"
    same_account = Client()
    same_account.force_login(cast["canbo.ldtbxh"])
    second = filled(owner, report)
    during, real_apply = {}, offline_views.apply_workbook

    def apply_while_others_upload(request, *args, **kwargs):
        if not during:  # the first upload only: the others start while it is being read
            during["started"] = True
            during["same"] = upload(same_account, report, second, name="lan-hai.xlsx")
            during["other"] = upload(other_staff, other, saved(other_book))
        return real_apply(request, *args, **kwargs)

    monkeypatch.setattr(offline_views, "apply_workbook", apply_while_others_upload)
    book = download(owner, report)
    book[LEAD]["D2"] = "Kết quả lần một"
    first = upload(owner, report, saved(book), name="lan-mot.xlsx")

    assert first.status_code == 302
    refused = during["same"]
    assert refused.status_code == 429
    page = refused.content.decode()
    field = page.split('id="tai-len-lai-tep-excel"')[1].split("</form>")[0]
    assert "đang tải lên một tệp Excel khác" in field and "invalid-feedback" in field  # next to the file field
    assert during["other"].status_code == 302
    other.refresh_from_db()
    assert other.difficulties == "Khó khăn của Bình An"
    assert TaskEntry.objects.filter(report=report, results="Kết quả lần một").exists()
    assert not TaskEntry.objects.filter(report=report, results="Kết quả từ Excel").exists()
    report.refresh_from_db()
    assert report.version == 1  # the first upload only


def test_the_lock_is_released_after_a_refusal_and_kept_while_held(owner, cast, report, django_assert_max_num_queries):
    assert upload(owner, report, b"PK\x03\x04 not really a zip").status_code == 422
    content = filled(owner, report)
    with one_upload_at_a_time(cast["canbo.ldtbxh"]) as ours:
        assert ours
        with django_assert_max_num_queries(9):  # the session, the report, the page: no more than any refusal
            assert upload(owner, report, content).status_code == 429
    assert upload(owner, report, filled(owner, report)).status_code == 302
    assert TaskEntry.objects.filter(report=report, results="Kết quả từ Excel").exists()


def test_a_real_workbook_with_a_large_shared_strings_table_still_comes_back(owner, report):
    """Within the caps with room to spare: the longest text a field takes, and a shared strings table larger
    than any real report's (2 000 strings of 400 characters; the demo's largest holds 125)."""
    book = download(owner, report)
    longest = ("Hỗ trợ sinh kế cho đồng bào dân tộc thiểu số. " * 500)[:19_990].rstrip() + " Hết."
    book[LEAD]["D2"] = longest
    strings = shared_strings(*[f"<si><t>Chuỗi {n}: {'ễ' * 400}</t></si>".encode() for n in range(2_000)])
    content = with_shared_strings(saved(book), strings)
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    load_workbook(io.BytesIO(content), read_only=True).close()  # openpyxl reads the table
    response = upload(owner, report, content)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert TaskEntry.objects.filter(report=report, results=longest).exists()


# Issue 17, finding 5, follow-up: what else openpyxl spends time on. The probe's styles held a worker 31,5 s (one
# element of 142 828 attributes: openpyxl's cost is quadratic in the attributes of one element); each variant below
# took openpyxl or pandas seconds to tens of seconds on a file within the old caps (figures in binhson_plan/workbooks).
STRUCTURE = "định dạng, thuộc tính hay cấu trúc XML vượt mức cho phép"
RANGES = ("A1:XFD1048576 " * 300)[:4000].strip()


def attribute_names(count: int) -> list[bytes]:
    """Distinct three-character names, as the probe's "aa0", "aa1"…"""
    first, then = string.ascii_letters, string.ascii_letters + string.digits
    return [(first[n // 3844] + then[n // 62 % 62] + then[n % 62]).encode() for n in range(count)]


def styles(body: bytes):
    return lambda _xml: b'<?xml version="1.0" encoding="UTF-8"?><styleSheet ' + NS + b">" + body + b"</styleSheet>"


def after_the_rows(extra: bytes):
    return lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + extra)


def in_the_rows(rows: bytes):
    return lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")


FORMULA = b"SUM(A1:B2)+" * 820 + b"1"  # 9 021 characters: Excel itself takes 8 192 at most

# (id, the part changed: styles or the sheet, the change, what the message says on either page: a key of MESSAGES)
HOSTILE_PARTS = [
    (
        "the probe's styles: 142 828 attributes on one element, 1 MB",
        "styles",
        styles(b"<numFmts " + b" ".join(name + b'=""' for name in attribute_names(142_828)) + b"/>"),
        "unpacked",
    ),
    (
        "30 000 attributes on one element, under the size cap",
        "styles",
        styles(b"<numFmts " + b" ".join(name + b'=""' for name in attribute_names(30_000)) + b"/>"),
        "structure",
    ),
    (
        "65 attributes on one element",
        "styles",
        styles(b"<xf " + b" ".join(n + b'="1"' for n in attribute_names(65)) + b"/>"),
        "structure",
    ),
    (
        "an attribute of 5 000 characters",
        "styles",
        styles(b'<numFmts><numFmt numFmtId="200" formatCode="' + b"0" * 5_000 + b'"/></numFmts>'),
        "structure",
    ),
    ("elements nested 65 deep", "styles", styles(b"<a>" * 65 + b"</a>" * 65), "structure"),
    ("5 001 cell formats", "styles", styles(b"<cellXfs>" + b"<xf/>" * 5_001 + b"</cellXfs>"), "structure"),
    (
        "5 001 merged cells",
        "sheet",
        after_the_rows(b"<mergeCells>" + b'<mergeCell ref="A1:XFD1048576"/>' * 5_001 + b"</mergeCells>"),
        "structure",
    ),
    (
        "70 validations of 4 000 characters of ranges each",
        "sheet",
        after_the_rows(
            b"<dataValidations>" + (b'<dataValidation sqref="' + RANGES.encode() + b'"/>') * 70 + b"</dataValidations>"
        ),
        "structure",
    ),
    ("a row numbered 1 000 000", "sheet", in_the_rows(b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>'), "rows"),
    ("a cell in column XFD", "sheet", in_the_rows(b'<row r="90"><c r="XFD90"><v>1</v></c></row>'), "columns"),
    (
        "a formula of 9 021 characters",
        "sheet",
        in_the_rows(b'<row r="90"><c r="A90"><f>' + FORMULA + b"</f></c></row>"),
        "formula",
    ),
]
MESSAGES = {
    "unpacked": "quá lớn khi giải nén",
    "structure": "tải lên (định dạng, thuộc tính hay cấu trúc XML vượt mức cho phép).",
    "rows": "có trang hơn 2000 dòng",
    "columns": "có dòng hơn 40 cột",
    "formula": "tải lên (hơn 50 công thức, hoặc công thức quá dài).",
}
HOSTILE_REPORT = "xl/worksheets/sheet2.xml"


def next_to_the_file_field(response) -> str:
    field = response.content.decode().split('id="tai-len-lai-tep-excel"')[1].split("</form>")[0]
    assert "invalid-feedback" in field
    return field


@pytest.mark.parametrize(
    ("part", "change", "reason"), [p[1:] for p in HOSTILE_PARTS], ids=[p[0] for p in HOSTILE_PARTS]
)
def test_a_workbook_whose_structure_costs_openpyxl_seconds_is_refused_unread(
    owner, report, part, change, reason, django_assert_max_num_queries
):
    content = rewritten(filled(owner, report), {"xl/styles.xml" if part == "styles" else HOSTILE_REPORT: change})
    assert len(content) < 400_000
    before = history_counts()
    with django_assert_max_num_queries(9):
        response = upload(owner, report, content, name="bom.xlsx")
    assert_refused(response, report, before, MESSAGES[reason])
    assert "Tệp “bom.xlsx”" in next_to_the_file_field(response) and MESSAGES[reason] in next_to_the_file_field(response)
    if reason in ("structure", "formula"):
        assert TOO_COMPLEX in next_to_the_file_field(response)


def test_more_shared_formulas_than_a_report_can_hold_are_refused_before_openpyxl_translates_them(owner, report):
    """openpyxl translates a shared formula for every cell that shares it: 1 000 cells sharing one of 8 000
    characters took it 11 s. A report holds none; past 50 the workbook is refused unread."""
    shared = b'<row r="90"><c r="A90"><f t="shared" ref="A90:AN91" si="0">' + FORMULA[:8_000] + b"</f></c>"
    shared += b'<c><f t="shared" si="0"/></c>' * 39 + b'</row><row r="91">' + b'<c><f t="shared" si="0"/></c>' * 11
    content = rewritten(filled(owner, report), {HOSTILE_REPORT: in_the_rows(shared + b"</row>")})
    before = history_counts()
    response = upload(owner, report, content, name="bom.xlsx")
    assert_refused(response, report, before, "tải lên (hơn 50 công thức, hoặc công thức quá dài).")


def test_the_budget_is_checked_while_openpyxl_reads_not_only_in_the_scan(owner, report, monkeypatch):
    """The scan passes, then the budget runs out: openpyxl, reading through the budgeted file, stops at its next
    read, before any row of the workbook is read."""
    real_check = reader.check_archive

    def check_then_run_out(data, limits, budget):
        real_check(data, limits, budget)
        budget.ends = 0  # spent, as on a busy server

    def rows_must_not_be_read(*args):
        raise AssertionError("the rows were read after the budget ran out")

    monkeypatch.setattr(reader, "check_archive", check_then_run_out)
    monkeypatch.setattr(reader, "_read", rows_must_not_be_read)
    content = filled(owner, report)
    before = history_counts()
    response = upload(owner, report, content)
    assert_refused(response, report, before, f"tải lên (đọc quá {settings.WORKBOOK_UPLOAD_SECONDS} giây).")


EXCEL_PROTECTION = (
    b'<sheetProtection algorithmName="SHA-512" hashValue="' + b"h" * 88 + b'" saltValue="' + b"s" * 24 + b'" '
    b'spinCount="100000" sheet="1" objects="1" scenarios="1" formatCells="0" formatColumns="0" formatRows="0" '
    b'insertColumns="0" insertRows="0" insertHyperlinks="0" deleteColumns="0" deleteRows="0" selectLockedCells="0" '
    b'sort="0" autoFilter="0" pivotTables="0" selectUnlockedCells="0"/>'
)


def test_the_portals_workbook_with_excels_largest_ordinary_parts_still_comes_back(owner, report):
    """The caps against what real workbooks hold: the portal's download with a <sheetProtection> as Excel writes
    it (20 attributes), a 2 000-character link and 2 000 more formats in its styles still goes through and saves
    what was typed."""
    link = b'<hyperlinks><hyperlink ref="A1" location="' + b"x" * 2_000 + b'"/></hyperlinks>'
    content = rewritten(
        filled(owner, report),
        {
            HOSTILE_REPORT: lambda xml: re.sub(rb"<sheetProtection[^>]*/>", lambda _m: EXCEL_PROTECTION + link, xml),
            "xl/styles.xml": lambda xml: xml.replace(
                b"<cellStyleXfs", b"<dxfs>" + b"<dxf/>" * 2_000 + b"</dxfs><cellStyleXfs"
            ),  # fmt: skip
        },
    )
    assert EXCEL_PROTECTION in zipfile.ZipFile(io.BytesIO(content)).read(HOSTILE_REPORT)
    response = upload(owner, report, content)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert TaskEntry.objects.filter(report=report, results="Kết quả từ Excel").exists()


# The repeat probe of issue 17, finding 5: three ways around the checks, each of which held a worker 30 s.
UTF32_STYLES = (
    '<?xml version="1.0" encoding="UTF-32"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main"><numFmts count="1" ' + " ".join(f'a{n}="1"' for n in range(140_000)) + "/></styleSheet>"
)
SST_ROOTED_ROWS = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n) for n in range(100, 1_600))


def utf32_styles(bom: bytes = b"") -> bytes:
    """The probe's styles: 140 000 attributes on one element, in UTF-32BE, which lxml reads and expat does not."""
    return bom + UTF32_STYLES.encode("utf-32-be")


def sst_rooted(xml: bytes) -> bytes:
    """The probe's sheet: its root renamed <sst>, 1 500 rows each with one cell at column XFD."""
    xml = re.sub(rb"<worksheet\b", b"<sst", xml).replace(b"</worksheet>", b"</sst>")
    return xml.replace(b"</sheetData>", SST_ROOTED_ROWS + b"</sheetData>")


@pytest.fixture
def openpyxl_must_not_read(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("openpyxl was asked to read a workbook that should have been refused before")

    monkeypatch.setattr(reader, "load_workbook", refuse)
    return calls


@pytest.mark.parametrize(
    ("part", "change", "message"),
    [
        ("xl/styles.xml", lambda _xml: utf32_styles(), "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được."),
        (
            "xl/styles.xml",
            lambda _xml: utf32_styles(b"\x00\x00\xfe\xff"),
            "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được.",
        ),
        (
            "xl/styles.xml",
            lambda _xml: b'<?xml version="1.0" encoding="ISO-8859-1"?><styleSheet ' + NS + b"/>",
            "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được.",
        ),
        ("xl/media/image1.png", None, "bị hỏng hoặc không phải tệp Excel (.xlsx) đọc được."),
        (HOSTILE_REPORT, sst_rooted, MESSAGES["columns"]),
    ],
    ids=[
        "UTF-32BE styles",
        "UTF-32BE styles with a BOM",
        "a declared Latin-1",
        "neither picture nor XML",
        "<sst> sheet",
    ],
)
def test_the_repeat_probes_workbooks_are_refused_before_openpyxl_reads_them(
    owner, report, part, change, message, openpyxl_must_not_read, django_assert_max_num_queries
):
    """A member in UTF-32 used to be taken for a picture and skipped, and a sheet whose root is <sst> for shared
    strings, with no row or column caps: openpyxl read either for 31 s. Both are refused unread now, and so is a
    member that is neither a picture nor XML in UTF-8 or UTF-16, whatever its name."""
    if change is None:
        content = rewritten(filled(owner, report), {}, added={part: b"\x00\x00\x00\x01" + b"\x00" * 100})
    else:
        content = rewritten(filled(owner, report), {part: change})
    assert len(content) < 400_000
    before = history_counts()
    with django_assert_max_num_queries(9):
        response = upload(owner, report, content, name="bom.xlsx")
    assert_refused(response, report, before, message)
    assert "Tệp “bom.xlsx”" in next_to_the_file_field(response) and message in next_to_the_file_field(response)
    assert not openpyxl_must_not_read


PRINTER_SETTINGS = "HP LaserJet".encode("utf-16-le").ljust(64, b"\x00") + b"\x01\x04\x00\x06\xdc\x00" + b"\x00" * 150


def in_utf16(xml: bytes) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-16"?>' + re.sub(r"^<\?xml[^>]*>", "", xml.decode())).encode("utf-16")


def test_the_portals_workbook_with_excels_printer_settings_and_a_utf16_part_still_comes_back(owner, report):
    """What Excel on Windows adds to a workbook it saves after printing (xl/printerSettings/printerSettings1.bin, a
    DEVMODE nobody parses as XML) and a part in UTF-16 are not refused: the workbook still saves what was typed."""
    content = rewritten(
        filled(owner, report),
        {"docProps/app.xml": in_utf16},
        added={"xl/printerSettings/printerSettings1.bin": PRINTER_SETTINGS},
    )
    response = upload(owner, report, content)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert TaskEntry.objects.filter(report=report, results="Kết quả từ Excel").exists()
