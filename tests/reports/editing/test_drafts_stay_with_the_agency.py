"""What an agency has typed but not sent is its own: on the real demo year (reports/demo_year.yaml), nothing of Trung
tâm Y tế's draft, nor of what Phòng NN&PTNT types after its report was sent back, appears on any page, export, API
or file a reviewer, a viewer or an anonymous visitor reads; what was sent and awaits review is marked "Chưa duyệt"."""

import html
import io
import json
import re
import subprocess
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from reports.models import Evidence, Proposal, ReportingCycle, TargetEntry, TaskEntry
from targets.models import TargetValue
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, kept_for_the_module

SLUG = "binh-son-ctdt-2021-2030"
YEAR = timezone.localdate().year
PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page
# What Trung tâm Y tế types into its draft, each a word found nowhere else; and the value, in every form it
# could be printed in.
DRAFT = {
    "result": "KQTTYTNHAP5821",
    "shortcoming": "TTTTYTNHAP5821",
    "difficulty": "KKTTYTNHAP5821",
    "proposal": "KNTTYTNHAP5821",
    "note": "GCTTYTNHAP5821",
    "evidence": "MCTTYTNHAP5821",
}
VALUE, VALUE_SHOWN = "61,7391", ["61,7391", "61.7391", "61,739", "61,74", "61.74"]
# What Phòng NN&PTNT types after its report was sent back, before sending it again.
RETYPED = {"result": "KQNNPTNTBOSUNG5821", "proposal": "KNNNPTNTBOSUNG5821"}
# From demo_year.yaml: Trung tâm Y tế's half-typed draft (III.2.d.3), and what Phòng NN&PTNT sent before it was
# sent back (III.2.d.5).
DEMO_DRAFT = "máy siêu âm"
SENT_BACK = "kênh mương nội đồng"
# From demo_year.yaml: Phòng Tư pháp's report, sent and awaiting review.
SUBMITTED_RESULT = "Tổ chức 06 hội nghị tuyên truyền pháp luật cho 510 lượt người"
SUBMITTED_PROPOSAL = "Đề nghị hỗ trợ biên soạn tài liệu tuyên truyền pháp luật song ngữ Việt - Cor."
APPROVED_PROPOSAL = "Đề nghị hỗ trợ kinh phí mở lớp truyền dạy cồng chiêng cho thanh thiếu niên."
NEVER = [*DRAFT.values(), *RETYPED.values(), DEMO_DRAFT, *VALUE_SHOWN]


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo year, the two agencies' typing (through their report pages), and the consolidated report built."""
    media = tmp_path_factory.mktemp("media")
    with kept_for_the_module(django_db_blocker, media):
        call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())
        cycle = ReportingCycle.objects.get(plan__slug=SLUG, year=YEAR)
        reports = {r.agency.code: r for r in cycle.reports.select_related("agency")}
        ttyt, nnptnt = reports["TTYT"], reports["NNPTNT"]
        assert (ttyt.state, nnptnt.state, reports["TP"].state) == ("draft", "sent_back", "submitted")
        staff = PortalClient()
        staff.force_login(get_user_model().objects.get(username="canbo.ttyt"))
        page = ReportPage(ttyt)
        asked = next(f.instance.target.code for f in page.forms["targets"] if not f.fields["value"].disabled)
        page.lead("III.2.d.3", results=f"{DEMO_DRAFT}. {DRAFT['result']}", shortcomings=DRAFT["shortcoming"])
        page.target(asked, value=VALUE, as_of="30/11/2026", note=DRAFT["note"]).add_proposal(DRAFT["proposal"])
        data = page.data() | {"difficulties": DRAFT["difficulty"]}
        data[page.field("lead", "III.2.d.3", "new_evidence")] = SimpleUploadedFile(f"{DRAFT['evidence']}.pdf", PDF)
        assert staff.post(f"/bao-cao/{ttyt.pk}/", data).status_code == 302
        staff.force_login(get_user_model().objects.get(username="canbo.nnptnt"))
        page = ReportPage(nnptnt).lead("III.2.d.5", results=RETYPED["result"]).add_proposal(RETYPED["proposal"])
        assert staff.post(f"/bao-cao/{nnptnt.pk}/", page.data()).status_code == 302
        consolidated = build_consolidated_report(ConsolidatedReport.request(cycle.plan, YEAR).pk)
        assert consolidated.state == "ready", consolidated.error
        yield {"cycle": cycle, "reports": reports, "consolidated": consolidated, "media": media, "target": asked}


@pytest.fixture
def seeded(year, db, settings):
    settings.MEDIA_ROOT = year["media"]
    return year


def test_what_the_agencies_typed_is_saved_and_theirs_to_read(client, cast, seeded):
    """The words searched for below are really in the database, and the agencies read them."""
    ttyt, nnptnt = seeded["reports"]["TTYT"], seeded["reports"]["NNPTNT"]
    assert TaskEntry.objects.filter(report=ttyt, results__contains=DRAFT["result"]).exists()
    entry = TargetEntry.objects.get(report=ttyt, target__code=seeded["target"])
    assert entry.note == DRAFT["note"] and str(entry.value).startswith("61.7391")
    assert Proposal.objects.filter(report=ttyt, text=DRAFT["proposal"]).exists()
    assert Evidence.objects.filter(entry__report=ttyt, original_name__startswith=DRAFT["evidence"]).exists()
    assert TaskEntry.objects.filter(report=nnptnt, results=RETYPED["result"]).exists()
    assert not TargetValue.objects.filter(value__gt=61.739, value__lt=61.74).exists()  # recorded only on approval
    client.force_login(get_user_model().objects.get(username="canbo.ttyt"))
    page = client.get(f"/bao-cao/{ttyt.pk}/").content.decode()
    assert all(word in page for word in DRAFT.values())
    client.force_login(get_user_model().objects.get(username="canbo.nnptnt"))
    assert RETYPED["result"] in client.get(f"/bao-cao/{nnptnt.pk}/").content.decode()


def urls(seeded) -> list[str]:
    """Every page, export, API and file a reviewer, a viewer or a visitor can reach in the year."""
    cycle, consolidated, reports = seeded["cycle"], seeded["consolidated"], seeded["reports"]
    dashboard = f"/bang-dieu-khien/{SLUG}/{YEAR}/"
    found = [
        "/", "/ke-hoach/", f"/ke-hoach/{SLUG}/", "/co-quan/", "/co-quan/TTYT/", "/co-quan/NNPTNT/",
        "/bang-dieu-khien/", dashboard, f"{dashboard}?task_agency=TTYT", f"{dashboard}?task_status=in_progress",
        f"{dashboard}?agency=TTYT", f"/ke-hoach/{SLUG}/tham-dinh/", f"/ke-hoach/{SLUG}/ky-bao-cao/",
        f"/ky-bao-cao/{cycle.pk}/excel.zip", f"/ke-hoach/{SLUG}/tong-hop/", f"/ke-hoach/{SLUG}/tong-hop/?nam={YEAR}",
        f"/tong-hop/{consolidated.pk}/trang-thai/",
        f"/cong-khai/{SLUG}/", f"/cong-khai/{SLUG}/?nam={YEAR}", "/api/plans/", f"/api/plans/{SLUG}/",
        f"/api/plans/{SLUG}/?year={YEAR}", f"/api/plans/{SLUG}/progress/", f"/api/plans/{SLUG}/progress/?year={YEAR}",
        f"/api/plans/{SLUG}/progress/?year={YEAR}&format=csv",
    ]  # fmt: skip
    found += [f"{dashboard}{table}.xlsx" for table in ("tinh-hinh-bao-cao", "chi-tieu", "nhiem-vu", "kien-nghi")]
    found += [f"{dashboard}nhiem-vu.xlsx?task_agency=TTYT"]
    found += [f"/tong-hop/{consolidated.pk}/tep/{kind}/" for kind in ("pdf", "docx", "xlsx")]
    found += [f"/bao-cao/{r.pk}/" for r in reports.values()]
    for code in ("TTYT", "NNPTNT", "NHCSXH"):
        pk = reports[code].pk
        found += [
            f"/bao-cao/{pk}/?lich-su=1",
            f"/bao-cao/{pk}/?lich-su=2",
            f"/bao-cao/{pk}/lich-su/",
            f"/bao-cao/{pk}/lich-su/?lich-su=2",
            f"/bao-cao/{pk}/in/",
            f"/bao-cao/{pk}/excel/",
        ]
        found += [ev.get_absolute_url() for ev in Evidence.objects.filter(entry__report_id=pk)]
    targets = TargetEntry.objects.filter(report__in=[reports["TTYT"], reports["NNPTNT"]]).values_list("target__code")
    found += [f"/ke-hoach/{SLUG}/chi-tieu/{code}/" for (code,) in targets.distinct()]
    return found


def text_of(response) -> str:
    """What a person reads in the answer, whatever the file: pages and JSON as text, Office files and zips by every
    part they hold (a workbook in a zip too), PDFs through pdftotext; whitespace made single spaces."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(_text(content).split())


def _text(content: bytes) -> str:
    if content.startswith(b"%PDF"):
        return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [_text(archive.read(name)) for name in archive.namelist()]
        return " ".join(parts)
    text = content.decode("utf-8", errors="replace")
    if text.lstrip().startswith(("{", "[")):
        return json.dumps(json.loads(text), ensure_ascii=False)
    # markup and XML: as written (attributes too), then the text between the tags, a word split over two runs joined
    return html.unescape(text) + " " + html.unescape(re.sub(r"<[^>]+>", "", text))


@pytest.mark.parametrize("username", ["vanphong", "lanhdao", None])
def test_nothing_unsent_reaches_anyone_outside_the_agency(client, cast, seeded, username):
    if username:
        client.force_login(cast[username])
    read = 0
    for url in urls(seeded):
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        text = text_of(response)
        for word in NEVER:
            assert word not in text, (url, word)
        for word in (SENT_BACK,):  # sent once, then sent back: only on its own report page, as it was sent
            assert word not in text or url.startswith(f"/bao-cao/{seeded['reports']['NNPTNT'].pk}/"), (url, word)
        read += response.status_code == 200
    assert read >= (40 if username else 8)  # the pages were really read, not refused


def test_a_reader_outside_sees_that_a_report_is_not_sent_not_what_it_says(client, cast, seeded):
    ttyt, nnptnt = seeded["reports"]["TTYT"], seeded["reports"]["NNPTNT"]
    evidence = Evidence.objects.get(entry__report=ttyt, original_name__startswith=DRAFT["evidence"])
    for username in ("vanphong", "lanhdao"):
        client.force_login(cast[username])
        page = text_of(client.get(f"/bao-cao/{ttyt.pk}/"))
        assert "Chưa gửi – Đang soạn" in page and "Trung tâm Y tế" in page
        assert "In báo cáo (PDF)" not in page and "Lịch sử thay đổi" not in page
        assert client.get(f"/bao-cao/{ttyt.pk}/lich-su/").status_code == 403  # nor fetched by its address
        page = text_of(client.get(f"/bao-cao/{nnptnt.pk}/"))
        assert "Đơn vị đang bổ sung báo cáo" in page and SENT_BACK in page  # the content as it was sent
        for url in (f"/bao-cao/{ttyt.pk}/in/", evidence.get_absolute_url(), f"/bao-cao/{ttyt.pk}/excel/"):
            assert client.get(url).status_code == 403, url
    client.force_login(cast["vanphong"])
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/ky-bao-cao/{seeded['cycle'].pk}/excel.zip").content))
    assert "bao-cao-2026-ttyt.xlsx" not in archive.namelist() and "bao-cao-2026-tp.xlsx" in archive.namelist()
    assert "bao-cao-2026-nhcsxh.xlsx" in archive.namelist()  # blank: a form to hand out
    assert "Trung tâm Y tế" in archive.read("khong-kem-theo.txt").decode("utf-8-sig")


def _row(page: str, text: str) -> str:
    """The table row of `page` holding `text`."""
    return next(row for row in page.split("<tr") if text in html.unescape(row))


def test_what_was_sent_but_not_approved_is_marked_so(client, cast, seeded):
    dashboard = f"/bang-dieu-khien/{SLUG}/{YEAR}/"
    for username in ("vanphong", "lanhdao"):
        client.force_login(cast[username])
        page = client.get(dashboard).content.decode()
        assert "Chưa duyệt" in _row(page, SUBMITTED_RESULT) and "Chưa duyệt" in _row(page, SUBMITTED_PROPOSAL)
        assert "Chưa duyệt" not in _row(page, APPROVED_PROPOSAL)
        for table, text in (("nhiem-vu", SUBMITTED_RESULT), ("kien-nghi", SUBMITTED_PROPOSAL)):
            sheet = load_workbook(io.BytesIO(client.get(f"{dashboard}{table}.xlsx").content)).active
            headers = [cell.value for cell in sheet[1]]
            rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(text in str(v) for v in row)]
            assert rows and rows[0][headers.index("Báo cáo của đơn vị")] == "Chưa duyệt", table
        sheet = load_workbook(io.BytesIO(client.get(f"{dashboard}kien-nghi.xlsx").content)).active
        row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == APPROVED_PROPOSAL)
        assert row[-1] == "Đã duyệt"
        page = text_of(client.get(f"/bao-cao/{seeded['reports']['TP'].pk}/"))
        assert "Đã gửi, chờ thẩm định" in page and SUBMITTED_RESULT in page
        consolidated = seeded["consolidated"]
        for kind in ("pdf", "docx"):
            text = text_of(client.get(f"/tong-hop/{consolidated.pk}/tep/{kind}/"))
            assert re.search(re.escape(SUBMITTED_RESULT) + r"[^()]{0,400}\(báo cáo chưa duyệt\)", text), kind
        book = load_workbook(
            io.BytesIO(b"".join(client.get(f"/tong-hop/{consolidated.pk}/tep/xlsx/").streaming_content))
        )
        for sheet, text, mark in (("Nhiệm vụ", SUBMITTED_RESULT, "Chưa duyệt"),
                                  ("Kiến nghị", SUBMITTED_PROPOSAL, "Chưa duyệt"),
                                  ("Kiến nghị", APPROVED_PROPOSAL, "Đã duyệt")):  # fmt: skip
            headers = [cell.value for cell in book[sheet][2]]  # under the title row
            row = next(r for r in book[sheet].iter_rows(min_row=3, values_only=True) if text in str(r))
            assert row[headers.index("Báo cáo của đơn vị")] == mark, (sheet, text)
