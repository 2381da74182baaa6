"""Probe 29: one staff account saved the same 9 MB PDF 55 times on one task (472 MB in 35 s, about 50 GB an hour,
copied again into every nightly backup): nothing bounded what a report holds. A report holds at most
REPORT_EVIDENCE_MAX_BYTES of files and a task at most EVIDENCE_MAX_FILES_PER_TASK files; past either, the file is
refused next to its field, saying what is used and what to do, with everything typed kept; a deleted file frees room."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from reports.models import Evidence
from tests.reports.editing.test_evidence import PDF, upload
from tests.reports.helpers import ReportPage, post_seen

FILE = PDF[:9] + b"%" + b"0" * (100_000 - len(PDF) - 2) + b"\n" + PDF[9:]  # a PDF of 100 000 bytes: a long comment


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def stored(report) -> int:
    return sum(Evidence.objects.filter(entry__report=report).values_list("size", flat=True))


@override_settings(REPORT_EVIDENCE_MAX_BYTES=350_000, EVIDENCE_MAX_FILES_PER_TASK=20)
def test_the_same_file_saved_again_and_again_stops_at_the_reports_room(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    answers = [upload(client, report, f"bien-ban-{n}.pdf", FILE).status_code for n in range(6)]
    assert answers == [302, 302, 302, 422, 422, 422]
    assert stored(report) == 300_000 and Evidence.objects.count() == 3
    response = upload(client, report, "bien-ban-7.pdf", FILE)
    html = response.content.decode()
    assert "Chưa nhận tệp “bien-ban-7.pdf” (0,1 MB): các tệp minh chứng của báo cáo này đã dùng 0,3 MB" in html
    assert "tổng dung lượng tối đa 0,3 MB của một báo cáo. Xóa bớt tệp không cần" in html
    assert "Có minh chứng kèm theo." in html  # what was typed stays
    # a file deleted frees its room
    evidence = Evidence.objects.filter(entry__report=report).first()
    assert post_seen(client, f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/").status_code == 302
    assert upload(client, report, "bien-ban-8.pdf", FILE).status_code == 302
    assert stored(report) == 300_000


@override_settings(REPORT_EVIDENCE_MAX_BYTES=250_000, EVIDENCE_MAX_FILES_PER_TASK=20)
def test_the_files_of_one_save_are_counted_together(client, cast, report):
    """Three tasks, a file each, in one save: the third does not fit beside the first two and is refused alone."""
    codes = list(report.task_entries.filter(role="lead").values_list("section__code", flat=True)[:3])
    assert len(codes) == 3
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    for code in codes:
        page.lead(code, results="Có minh chứng kèm theo.")
    data = page.data() | {
        page.field("lead", code, "new_evidence"): SimpleUploadedFile(f"{code}.pdf", FILE) for code in codes
    }
    response = client.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 422
    assert f"Chưa nhận tệp “{codes[2]}.pdf”" in response.content.decode()
    assert not Evidence.objects.exists()  # nothing of a refused save is kept


@override_settings(REPORT_EVIDENCE_MAX_BYTES=200 * 1024 * 1024, EVIDENCE_MAX_FILES_PER_TASK=2)
def test_a_task_takes_a_limited_number_of_files(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    assert [upload(client, report, f"anh-{n}.pdf", PDF).status_code for n in range(3)] == [302, 302, 422]
    html = upload(client, report, "anh-4.pdf", PDF).content.decode()
    assert "Nhiệm vụ này đã có 2 tệp minh chứng, số tệp tối đa của một nhiệm vụ." in html
    other = report.task_entries.filter(role="lead").exclude(section__code="III.3.b.3").first()
    assert upload(client, report, "anh-5.pdf", PDF, code=other.section.code).status_code == 302
    assert Evidence.objects.count() == 3


def test_the_defaults_hold_a_real_reports_files(settings):
    """200 MB a report, 20 files a task: a year's scans and photos (demo reports hold a few MB), not a disk's worth."""
    assert (settings.REPORT_EVIDENCE_MAX_BYTES, settings.EVIDENCE_MAX_FILES_PER_TASK) == (200 * 1024 * 1024, 20)
