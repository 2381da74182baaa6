"""Characters no XML document can hold (U+FFFE, U+FFFF, control characters), pasted or sent by a script, are
dropped as typed text is stored, and text saved before that is written into every workbook and Word file without
them: one such character in one agency's text made the agency's workbook, the year's zip of workbooks and the
district's consolidated Word file fail (the fifth probe)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from reports.models import ReportState
from tests.reports.helpers import ReportPage, current_report, on, post_seen

HOSTILE = "Thiếu\ufffe kinh phí\uffff đối\x01 ứng\x1b."
TYPED = HOSTILE[:-1] + "\x7f\x9b."  # DEL and a C1 control, dropped as text is typed too (the eleventh probe)
CLEAN = "Thiếu kinh phí đối ứng."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_typed_text_is_stored_without_them(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    with on("2026-11-20"):
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report)
        page.values["difficulties"] = TYPED
        assert client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    report.refresh_from_db()
    assert report.difficulties == CLEAN


def test_text_saved_with_them_before_is_written_into_every_file_without_them(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    report = current_report(plan, "LDTBXH")
    with on("2026-11-20"):
        client.force_login(cast["canbo.ldtbxh"])
        assert (
            client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code
            == 302
        )
    report.refresh_from_db()
    report.difficulties = HOSTILE  # as saved before the form dropped them
    report.state = ReportState.APPROVED
    report.save()
    entry = report.task_entries.filter(role="lead").first()
    entry.results = HOSTILE
    entry.save()
    with on("2026-12-06"):
        client.force_login(cast["canbo.ldtbxh"])
        response = client.get(f"/bao-cao/{report.pk}/excel/")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
        assert CLEAN in cells
        client.force_login(cast["vanphong"])
        response = client.get(f"/ky-bao-cao/{report.cycle.pk}/excel.zip")
        assert response.status_code == 200
        assert any(name.endswith(".xlsx") for name in zipfile.ZipFile(io.BytesIO(response.content)).namelist())
        built = build_consolidated_report(ConsolidatedReport.request(plan, 2026).pk)
        assert built.state == "ready", built.error
        word = " ".join(p.text for p in Document(built.docx.path).paragraphs)
        assert CLEAN in word and "\ufffe" not in word
        sheets = load_workbook(built.xlsx.path)
        results = [c for row in sheets["Nhiệm vụ"].iter_rows(values_only=True) for c in row]
        assert CLEAN in results


def test_a_cover_pasted_from_word_builds(client, cast, plan, eager_jobs, django_capture_on_commit_callbacks):
    """The sixth probe: a vertical tab (Word's Shift+Enter) or U+FFFE in the cover's fields made every build fail at
    its Word file, the values kept in the form for the next try."""
    from tests.reports.consolidated.test_enqueue import COVER

    cover = COVER | {"number": "12/BC\x01-UBND", "signer_name": "Phạm\x0bQuang Sự\ufffe",
                     "recipients": "Lưu: VT\x0bUBND tỉnh"}  # fmt: skip
    with on("2026-12-06"), django_capture_on_commit_callbacks(execute=True):
        client.force_login(cast["vanphong"])
        assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", cover).status_code == 302
    built = ConsolidatedReport.objects.get(plan=plan, year=2026)
    assert built.state == "ready", built.error
    assert (built.number, built.signer_name) == ("12/BC-UBND", "Phạm\nQuang Sự")
    word = zipfile.ZipFile(built.docx.path).read("word/document.xml").decode()
    assert "Quang Sự" in word and "12/BC-UBND" in word and "\ufffe" not in word and "\x0b" not in word


def test_a_line_break_pasted_from_word_stays_a_line_break_and_bidi_controls_go(client, cast, plan):
    """The seventh probe: Word's Shift+Enter (a vertical tab) was dropped, joining two words; U+202E reversed the
    rest of a line in the documents."""
    report = current_report(plan, "LDTBXH")
    with on("2026-11-20"):
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report)
        page.values["difficulties"] = "Từ\x0bngắt dòng\u2028tiếp\u202e theo"
        assert client.post(f"/bao-cao/{report.pk}/", page.data()).status_code == 302
    report.refresh_from_db()
    assert report.difficulties == "Từ\nngắt dòng\ntiếp theo"


@pytest.mark.parametrize(
    "reason", ["\u200b", "\u2060\ufeff", "\u00ad", "\u202e", "\u3164", "\u2800 \x0b", "\u2065", "\ufff0", "\U000e0080"]
)
def test_a_reason_of_invisible_characters_is_no_reason(client, cast, plan, reason):
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        base = f"/ke-hoach/{plan.slug}/chi-tieu/2025.01"
        corrected = client.post(f"{base}/dinh-chinh/", {"year": 2020, "value": "18", "as_of": "", "reason": reason})
        overridden = client.post(
            f"{base}/dieu-chinh-tinh-trang/", {"year": 2026, "status": "on_track", "reason": reason}
        )
    assert "Cần ghi lý do đính chính." in corrected.content.decode()
    assert "Cần ghi lý do điều chỉnh." in overridden.content.decode()


def sends_with_proposal(client, cast, report, proposal: str) -> None:
    """LĐ-TB&XH sends its report, every field filled, with one proposal."""
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything()
    page.add_proposal(proposal)
    assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302


def test_what_no_one_can_see_is_nothing_where_something_is_required(client, cast, plan):
    """The eighth probe: a report sent back with a reason of "\\u200b \\ufeff"; a cover numbered and signed "\\u200b"
    went out as an official document; a proposal of "\\u200b" was saved for the district to answer."""
    from tests.reports.consolidated.test_enqueue import COVER

    report = current_report(plan, "LDTBXH")
    with on("2026-11-20"):
        sends_with_proposal(client, cast, report, " \u200b\u0301 ")
        assert not report.proposals.exists()  # a row with nothing to read is an empty row, skipped
        client.force_login(cast["vanphong"])
        refused = post_seen(
            client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "\u200b \ufeff", "correction_due_on": ""}
        )
        assert "Cần ghi lý do để đơn vị biết phải bổ sung gì." in refused.content.decode()
        report.refresh_from_db()
        assert report.state == "submitted"
        cover = client.post(
            "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026",
            COVER | {"number": "\u200b", "signer_name": "\u2060\u00ad"},
        )
    assert cover.status_code == 422 and cover.content.decode().count("Mục này không được để trống.") >= 2
    assert not ConsolidatedReport.objects.exists()


def test_an_import_that_changes_only_a_note_records_it(client, cast, plan):
    from targets.models import TargetValue

    client.force_login(cast["vanphong"])
    for note in ("Nguồn cũ.", "Nguồn: Chi cục Thống kê."):
        rows = f"target_code,year,value,as_of,note\n2025.01,2019,18,31/12/2019,{note}\n"
        upload = SimpleUploadedFile("so-lieu.csv", rows.encode(), content_type="text/csv")
        assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/nhap-so-lieu/", {"file": upload}).status_code == 302
    current = TargetValue.objects.get(target__code="2025.01", year=2019, is_current=True)
    assert current.note == "Nguồn: Chi cục Thống kê."
    assert TargetValue.objects.filter(target__code="2025.01", year=2019).count() == 2


def test_a_proposal_answered_has_an_answer(client, cast, plan):
    """The ninth probe: "Đã trả lời" was saved with no answer."""
    from reports.models import Proposal

    report = current_report(plan, "LDTBXH")
    with on("2026-11-20"):
        sends_with_proposal(client, cast, report, "Đề nghị hỗ trợ kinh phí.")
        proposal = Proposal.objects.get(report=report)
        client.force_login(cast["vanphong"])
        for empty in ("", "\u200b"):
            prefix = f"p{proposal.pk}"
            answered = client.post(f"/bao-cao/{report.pk}/kien-nghi/{proposal.pk}/",
                                   {f"{prefix}-state": "answered", f"{prefix}-response": empty})  # fmt: skip
            assert "Cần ghi nội dung trả lời khi chọn “Đã trả lời”." in answered.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "received" and proposal.response == ""


def test_text_only_in_private_use_code_points_is_no_reason(client, cast, plan):
    """The twelfth probe: a send-back reason of U+F0000 alone was taken and sent to the agency."""
    report = current_report(plan, "LDTBXH")
    with on("2026-11-20"):
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report).fill_everything()
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
        client.force_login(cast["vanphong"])
        for reason in ("\U000f0000", "\ue000\U00100000"):
            response = post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": reason, "correction_due_on": ""})
            assert response.status_code == 422 and "Cần ghi lý do" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
