"""The Word draft of the consolidated report: the PDF's text, in the PDF's order and Decree 30 layout."""

import io
import re
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm
from lxml import etree

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.document import build_document
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from reports.consolidated.word import consolidated_docx
from reports.models import AgencyReport, Proposal
from tests.conftest import DATA
from tests.reports.helpers import ReportPage, current_report, post_seen, words_cut_in_tables

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
FONT = "Times New Roman"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(client, cast, plan):
    """A consolidated report built from real agency reports: LĐ-TB&XH approved, with a budget on one task and
    an answered proposal; GD&ĐT only submitted; every other agency silent."""
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    for code, user in [("LDTBXH", "canbo.ldtbxh"), ("GDDT", "canbo.gddt")]:
        agency_report = current_report(plan, code)
        client.force_login(cast[user])
        page = ReportPage(agency_report).fill_everything().add_proposal(f"Kiến nghị của {code}: bổ sung kinh phí.")
        page.values["difficulties"] = f"Khó khăn của {code}: thiếu cán bộ chuyên trách."
        first = page.forms["leads"].forms[0].instance.section.code
        page.lead(first, shortcomings="Thiếu cán bộ.", next_steps="Tiếp tục tuyên truyền.")
        if code == "LDTBXH":
            page.lead(first, budget_used="150.000.000")
        assert client.post(f"/bao-cao/{agency_report.pk}/", page.data("submit")).status_code == 302
    approved = AgencyReport.objects.get(agency__code="LDTBXH")
    client.force_login(cast["vanphong"])
    assert post_seen(client, f"/bao-cao/{approved.pk}/duyet/").status_code == 302
    proposal = Proposal.objects.get(report=approved)
    answer = {f"p{proposal.pk}-state": "answered", f"p{proposal.pk}-response": "Huyện bố trí trong dự toán năm sau."}
    assert client.post(f"/bao-cao/{approved.pk}/kien-nghi/{proposal.pk}/", answer).status_code == 302
    built = build_consolidated_report(ConsolidatedReport.request(plan, 2026, number="125/BC-UBND").pk)
    assert built.state == "ready"
    return built


def parts_of(report):
    return zipfile.ZipFile(report.docx.path)


def xml(package, name):
    return etree.fromstring(package.read(name))


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_text(report) -> str:
    """Every paragraph of the body, tables included, in document order."""
    body = xml(parts_of(report), "word/document.xml").find(f"{W}body")
    return flat(" ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")))


def pdf_text(report) -> str:
    """The PDF's text without the page numbers at the top of pages 2, 3, …"""
    text = subprocess.run(["pdftotext", report.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for number, page in enumerate(text.split("\f"), start=1):
        lines = page.strip().splitlines()
        if lines and lines[0].strip() == str(number):
            lines = lines[1:]
        pages.append(" ".join(lines))
    return flat(" ".join(pages))


def printed(part) -> str:
    return flat(f"{part.lead} {part.text}" if getattr(part, "lead", "") else part.text)


def texts(parts) -> list[str]:
    return [printed(p) for p in parts if p.kind in ("heading", "para")]


def assert_in_order(needles: list[str], haystack: str, where: str):
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        assert found >= 0, f"{where}: not found after position {position}: {needle!r}"
        position = found + len(needle)


def test_it_says_what_the_pdf_says_in_the_same_order(report):
    doc = build_document(gather(report))
    header = ["ỦY BAN NHÂN DÂN", "HUYỆN BÌNH SƠN", "Số: 125/BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
              "Độc lập - Tự do - Hạnh phúc", doc.place_date, "BÁO CÁO", doc.subject,
              f"Kính gửi: {doc.addressee}."]  # fmt: skip
    header = [flat(line) for line in header]  # a no-break space (Bình Sơn held together) reads as a space
    closing = ["Nơi nhận:", *[f"- {r}" for r in doc.recipients], doc.signer_position, doc.signer_name]
    appendices = [
        text for a in doc.appendices for text in [f"Phụ lục {a.number}", a.title, doc.annex_line, *texts(a.parts)]
    ]
    after_header = [flat(t) for t in [*texts(doc.body), *closing, *appendices]]
    assert len(texts(doc.body)) > 60 and "Kinh phí đã sử dụng: 150.000.000 đồng." in docx_text(report)
    assert "Trả lời của Văn phòng huyện: Huyện bố trí trong dự toán năm sau." in docx_text(report)
    assert_in_order([*header, *after_header], docx_text(report), "DOCX")
    # the two files say the same thing; the PDF's text reads its two header columns line by line
    pdf = pdf_text(report)
    assert all(line in pdf[: pdf.index("BÁO CÁO")] for line in header[:6])
    assert_in_order(header[6:] + after_header, pdf, "PDF")


def test_its_tables_are_the_models_with_repeated_header_rows(report):
    doc = build_document(gather(report))
    tables = [p for parts in [doc.body, *[a.parts for a in doc.appendices]] for p in parts if p.kind == "table"]
    word = Document(report.docx.path)
    grid = [t for t in word.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(grid) == len(tables) >= 3
    for table, part in zip(grid, tables, strict=True):
        rows = [[c.text for c in row.cells] for row in table.rows]
        assert rows == [part.headers, *part.rows, *part.totals]
        header = table.rows[0]._tr
        assert header.find(f"{W}trPr/{W}tblHeader") is not None  # repeated at the top of every page
        assert all(row._tr.find(f"{W}trPr/{W}tblHeader") is None for row in table.rows[1:])
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
        for row in table.rows[1:]:
            for index, cell in enumerate(row.cells):
                expected = WD_ALIGN_PARAGRAPH.RIGHT if index in part.numeric else WD_ALIGN_PARAGRAPH.LEFT
                assert cell.paragraphs[0].alignment == expected
        widths = [column.width for column in table.columns]
        assert [cell.width for cell in table.rows[-1].cells] == widths
        line = Mm(297 - 20 - 20) if len(part.headers) > 6 else Mm(210 - 30 - 15)  # Phụ lục 1 is landscape
        assert sum(widths) == pytest.approx(line, abs=Mm(0.1))  # the whole line, however it is shared
        if part.totals:
            assert all(run.bold for cell in table.rows[-1].cells for run in cell.paragraphs[0].runs)
    budget = next(t for t in tables if t.totals)
    assert budget.totals[0][-1] == "150.000.000"


def test_codes_and_units_stay_whole_in_the_tables(report):
    """Each column is at least as wide as its longest word, as in the PDF: “2025.01” and “III.2.d.1” on one line,
    “đồng/người/năm” never broken inside. The other columns share the rest of the line in the model's proportions."""
    assert words_cut_in_tables(report.docx.path) == []
    word = Document(report.docx.path)
    targets = next(t for t in word.tables if t.rows[0].cells[0].text == "Mã" and len(t.columns) == 6)
    codes = [row.cells[0].text for row in targets.rows[1:]]
    assert "2025.01" in codes and any("đồng/người/năm" in row.cells[3].text for row in targets.rows[1:])
    widths = [column.width for column in targets.columns]
    part = next(p for p in build_document(gather(report)).body if p.kind == "table")
    # the name column now holds its values' unit, whose longest word may need more than its share; the
    # explanation (ordinary words only) keeps the largest share, as in the model, and the table fills the line
    assert max(widths) == widths[5] and max(part.widths) == part.widths[5]
    assert sum(widths) == pytest.approx(
        word.sections[0].page_width - word.sections[0].left_margin - word.sections[0].right_margin, rel=0.001
    )


def test_it_closes_before_the_appendices_and_each_appendix_is_a_section(report):
    doc = build_document(gather(report))
    text = docx_text(report)
    first_appendix = text.index(f"Phụ lục 1 {doc.appendices[0].title}")
    assert text.index("Nơi nhận:") < text.index(doc.signer_name) < first_appendix
    assert "- Lưu: VT." in text and "- Lưu: VT;" not in text  # the plan's own "Nơi nhận" ends with "Lưu: VT"
    word = Document(report.docx.path)
    closing = next(t for t in word.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    title = closing.cell(0, 0).paragraphs[0].runs[0]
    assert title.bold and title.italic and title.font.size.pt == 12
    assert [p.text for p in closing.cell(0, 0).paragraphs[1:]][-1] == "- Lưu: VT."
    assert all(r.font.size.pt == 11 for p in closing.cell(0, 0).paragraphs[1:] for r in p.runs)
    signature = closing.cell(0, 1).paragraphs
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in signature)
    assert [p.text for p in signature if p.text] == [doc.signer_authority, doc.signer_position, doc.signer_name]
    assert len(word.sections) == 1 + len(doc.appendices)
    assert any(a.landscape for a in doc.appendices) and not all(a.landscape for a in doc.appendices)
    for appendix, section in zip(doc.appendices, word.sections[1:], strict=True):
        assert section.start_type == 2  # WD_SECTION.NEW_PAGE
        landscape = section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
        assert landscape == appendix.landscape
        assert section.page_width in (word.sections[0].page_width, word.sections[0].page_height)
    annex = [p for p in word.paragraphs if p.text == doc.annex_line]
    assert len(annex) == len(doc.appendices) and all(p.runs[0].italic for p in annex)
    # the document ends on its last table: the empty paragraph Word needs after it is a point high, so that a table
    # ending at its page's foot does not push it onto a blank page (browser pass 33)
    body = list(word.element.body.iterchildren())
    assert body[-3].tag == f"{W}tbl" and body[-2].tag == f"{W}p" and body[-1].tag == f"{W}sectPr"
    last = word.paragraphs[-1].paragraph_format
    assert last.line_spacing.pt == 1 and last.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert last.space_before.pt == last.space_after.pt == 0


def test_it_has_the_decree_30_page_and_header(report):
    word = Document(report.docx.path)
    first = word.sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    margins = (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    header = word.tables[0]
    left, right = [[p for p in cell.paragraphs] for cell in header.rows[0].cells]
    assert header._tbl.find(f"{W}tblPr/{W}tblBorders/{W}top").get(f"{W}val") == "nil"  # borderless
    assert [p.text for p in left if p.text][:2] == ["ỦY BAN NHÂN DÂN", "HUYỆN BÌNH SƠN"]
    assert all(p.runs[0].bold for p in left[:2]) and all(p.runs[0].bold for p in right[:2])
    assert right[-1].runs[0].italic and right[-1].text.startswith("Bình Sơn, ngày ")
    rules = [p for p in [*left, *right] if p._p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None]
    assert len(rules) == 2 and all(p.paragraph_format.left_indent > 0 for p in rules)  # short rules, centred
    body = word.paragraphs
    title = next(p for p in body if p.text == "BÁO CÁO")
    assert title.runs[0].bold and title.runs[0].font.size.pt == 14 and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    subject_rule = body[body.index(title) + 2]
    assert subject_rule._p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None and not subject_rule.text
    para = next(p for p in body if p.text.startswith("Thực hiện Kế hoạch"))
    assert para.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY and round(para.paragraph_format.first_line_indent.cm, 2) == 1.27


def test_it_numbers_pages_at_the_top_from_page_two(report):
    package = parts_of(report)
    document = xml(package, "word/document.xml")
    sections = document.findall(f".//{W}sectPr")
    assert sections[0].find(f"{W}titlePg") is not None  # a different (empty) first page header
    assert all(s.find(f"{W}titlePg") is None for s in sections[1:])  # appendix first pages are numbered
    relations = xml(package, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in relations}
    references = {r.get(f"{W}type"): targets[r.get(f"{R}id")] for r in sections[0].findall(f"{W}headerReference")}
    default = xml(package, f"word/{references['default']}")
    instructions = "".join(t.text for t in default.iter(f"{W}instrText")) + "".join(
        f.get(f"{W}instr") for f in default.iter(f"{W}fldSimple")
    )
    assert instructions.split() == ["PAGE"]
    assert default.find(f".//{W}p/{W}pPr/{W}jc").get(f"{W}val") == "center"
    first = xml(package, f"word/{references['first']}")
    assert not list(first.iter(f"{W}instrText")) and not "".join(t.text or "" for t in first.iter(f"{W}t"))


def test_every_style_is_times_new_roman_without_theme_fonts(report):
    package = parts_of(report)
    styles = xml(package, "word/styles.xml")
    used = {"Normal"}
    for name in [n for n in package.namelist() if re.fullmatch(r"word/(document|header\d+)\.xml", n)]:
        for tag in ("pStyle", "rStyle", "tblStyle"):
            used |= {e.get(f"{W}val") for e in xml(package, name).iter(f"{W}{tag}")}
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    assert {"Heading1", "Heading2", "Heading3", "TableGrid", "Header"} <= used
    checked = [styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"), *[by_id[i].find(f"{W}rPr") for i in used]]
    for rpr in checked:
        fonts = rpr.find(f"{W}rFonts")
        assert {k.removeprefix(W): v for k, v in fonts.attrib.items()} == dict.fromkeys(
            ["ascii", "hAnsi", "cs", "eastAsia"], FONT
        )
    for name in package.namelist():  # nowhere a theme font, in any part but the theme itself
        if name.endswith(".xml") and not name.startswith("word/theme/"):
            themed = re.findall(rb"\w*(?:Theme|theme)=", package.read(name))  # asciiTheme=, cstheme=, …
            assert not themed, (name, themed)
    for color in styles.iter(f"{W}color"):  # text colours: black or automatic, never the theme's blue
        assert not [k for k in color.attrib if "theme" in k], etree.tostring(color)
    for level in (1, 2, 3):
        color = by_id[f"Heading{level}"].find(f"{W}rPr/{W}color")
        assert color.get(f"{W}val") == "000000"
    word = Document(report.docx.path)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        assert word.styles[name].font.name == FONT
    assert word.styles["Normal"].font.size.pt == 13


def test_the_same_input_gives_the_same_bytes(report):
    data = gather(report)
    first = consolidated_docx(data)
    assert consolidated_docx(data) == first
    stamp = report.report_date.timetuple()[:3]
    assert {info.date_time[:3] for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {stamp}
    core = Document(io.BytesIO(first)).core_properties
    assert core.created.date() == core.modified.date() == report.report_date
