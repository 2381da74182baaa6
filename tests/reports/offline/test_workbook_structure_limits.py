"""Workbooks whose structure would cost the reader seconds (styles, attributes, ranges, formulas, encodings) are
refused before openpyxl reads them; the portal's own workbook with Excel's largest ordinary parts still comes back."""

import io
import re
import string
import zipfile

import pytest
from django.conf import settings

from reports.models import TaskEntry
from reports.offline import reader
from tests.reports.offline.test_offline_upload_limits import (
    NS,
    TOO_COMPLEX,
    assert_refused,
    filled,
    rewritten,
)
from tests.reports.offline.workbook_helpers import history_counts, upload

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
