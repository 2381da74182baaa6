"""Issue 17, finding 5: a small workbook that costs the server a long parse. The work of one upload is bounded
by size caps per member, caps on what the XML holds and a time budget, all refused in Vietnamese with nothing
saved; and one account uploads one workbook at a time, so that it cannot hold every gunicorn worker."""

import io
import re
import runpy
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from reports.models import TaskEntry
from reports.offline import views as offline_views
from reports.offline.views import one_upload_at_a_time
from tests.conftest import PortalClient
from tests.reports.helpers import current_report
from tests.reports.offline.workbook_helpers import DIFFICULTIES, LEAD, download, history_counts, upload

ROOT = Path(__file__).resolve().parents[3]
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
TOO_COMPLEX = "quá phức tạp để xử lý"


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


def bzipped(content: bytes) -> bytes:
    """The workbook with its parts packed by bzip2, which neither Excel nor LibreOffice writes: Python unpacks such a
    part whole on its first read, past the size it declares (26th probe: 2 kB held a worker 11,7 s)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        for member in source.infolist():
            archive.writestr(member.filename, source.read(member.filename))
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
        pytest.param(bzipped, "bị hỏng", id="parts packed with bzip2"),
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
    other_staff = PortalClient()
    other_staff.force_login(cast["canbo.binhan"])
    other_book = download(other_staff, other)
    other_book[DIFFICULTIES]["A2"] = "Khó khăn của Bình An"
    same_account = PortalClient()
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
