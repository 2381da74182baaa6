"""Evidence files: checked by content, limited in size, downloadable only by those who may read the report."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from reports.models import Evidence
from tests.reports.helpers import ReportPage, current_report

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(plan):
    return current_report(plan, "LDTBXH")


def upload(client, report, name, content, code="III.3.b.3"):
    page = ReportPage(report).lead(code, results="Có minh chứng kèm theo.")
    data = page.data() | {page.field("lead", code, "new_evidence"): SimpleUploadedFile(name, content)}
    return client.post(f"/bao-cao/{report.pk}/", data)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("bien-ban.pdf", PDF, "application/pdf"),
        ("anh.png", png_bytes(), "image/png"),
        ("bao-cao.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("ten-sai.jpg", PDF, "application/pdf"),  # the name lies; the content decides
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "application/x-ole-storage"),
    ],
)
def test_it_accepts_real_documents(client, cast, report, name, content, kind):
    client.force_login(cast["canbo.ldtbxh"])
    assert upload(client, report, name, content).status_code == 302
    evidence = Evidence.objects.get(entry__report=report)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, kind, len(content))
    response = client.get(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/")
    assert b"".join(response.streaming_content) == content
    assert name in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("gia.pdf", b"<html><script>alert(1)</script></html>", "không phải PDF, ảnh (JPEG, PNG) hay văn bản Office"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "không phải PDF"),
        ("hong.pdf", b"%PDF-1.4\n1 0 obj<<", "tệp PDF không trọn vẹn"),
        ("hong.png", png_bytes()[:40], "ảnh không đọc được"),
        ("hong.docx", b"PK\x03\x04" + b"\x00" * 50, "tệp Office bị hỏng"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_it_refuses_wrong_or_broken_files_and_keeps_the_text(client, cast, report, name, content, message):
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, name, content)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and (name in html or not content)
    assert "Có minh chứng kèm theo." in html
    assert not Evidence.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_it_refuses_an_oversized_file(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, "lon.pdf", PDF + b"0" * 2048)
    assert response.status_code == 422
    assert "quá giới hạn" in response.content.decode()
    assert not Evidence.objects.exists()


def test_removing_evidence_is_recorded(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    upload(client, report, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    assert client.post(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/").status_code == 302
    assert not Evidence.objects.exists()
    assert [h.history_type for h in Evidence.history.order_by("history_date")] == ["+", "-"]
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()  # a draft's history: its agency's to read
    assert "Minh chứng “bien-ban.pdf”" in html and "đã gỡ bỏ" in html


def test_another_agency_cannot_download_it(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    upload(client, report, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(cast["canbo.gddt"])
    assert client.get(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/").status_code == 403
    other = current_report(report.cycle.plan, "GDDT")
    assert client.get(f"/bao-cao/{other.pk}/minh-chung/{evidence.pk}/").status_code == 404
