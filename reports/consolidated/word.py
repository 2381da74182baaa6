"""The consolidated report as an editable Word draft (python-docx): the same document model as the PDF
(`build_document`), printed in the same Decree 30 layout, so the office edits what it would sign."""

import datetime
import io
import zipfile

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from binhson_plan.longtext import xml_safe
from reports.consolidated.document import build_document
from reports.consolidated.word_widths import CELL_PADDING, column_widths, docx_lines
from tasks.models import ReportIssuer

FONT = "Times New Roman"
INDENT = Cm(1.27)
PORTRAIT = {"width": Mm(210), "height": Mm(297), "top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
# the PDF's landscape pages (@page wide): the binding edge is then the top
LANDSCAPE = {"width": Mm(297), "height": Mm(210), "top": Mm(30), "bottom": Mm(15), "left": Mm(20), "right": Mm(20)}
CENTER, JUSTIFY, LEFT, RIGHT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)
# the schema's order of the elements that may follow w:pBdr in w:pPr and w:tblBorders in w:tblPr
PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")  # fmt: skip
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                       "w:tblPrChange")  # fmt: skip
USED_STYLES = ("Normal", "Heading 1", "Heading 2", "Heading 3", "Header", "Table Grid", "Normal Table")
# the PDF's h2, h3, h4: (space before, space after, first-line indent, italic)
HEADINGS = {1: (10, 4, None, False), 2: (8, 3, INDENT, False), 3: (6, 3, INDENT, True)}


def consolidated_docx(data) -> bytes:
    stamp = datetime.datetime.combine(data.report.report_date, datetime.time())
    author = ReportIssuer.for_year(data.plan, data.year).issuing_body
    return document_docx(build_document(data), stamp, author)


def document_docx(doc, stamp: datetime.datetime, author: str) -> bytes:
    """Any Document (reports.consolidated.blocks) as a Word file in the Decree 30 layout, dated `stamp` (the same
    document gives the same bytes) and authored by `author` (the issuing body)."""
    word = _word_document()
    _page(word.sections[0], PORTRAIT)
    _header(word, doc)
    _parts(word, doc.body, text_width=_text_width(PORTRAIT))
    _closing(word, doc)
    for appendix in doc.appendices:
        _appendix(word, doc, appendix)
    _last_paragraph_a_point_high(word)
    _page_numbers(word)
    properties = word.core_properties
    properties.created = properties.modified = properties.last_printed = stamp
    properties.title, properties.author = doc.subject, author
    properties.comments, properties.last_modified_by, properties.revision = "", "", 1
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_zip_times(buffer.getvalue(), stamp)


# --- styles -------------------------------------------------------------------------------------------------------


def _word_document():
    """python-docx's template with every style on Times New Roman, black, 13 pt, and Vietnamese as the language:
    theme fonts (asciiTheme, …) take precedence over w:ascii in Word, so they are removed, not overridden."""
    word = WordDocument()
    for rid, relation in list(word.part.rels.items()):
        if relation.reltype.endswith("/stylesWithEffects"):  # Word 2010's copy of the styles, theme fonts and all
            word.part.drop_rel(rid)
    package = word.part.package
    for rid, relation in list(package.rels.items()):
        if relation.reltype.endswith("/thumbnail"):  # a picture of python-docx's blank template, not of this report
            del package.rels[rid]
    for name in USED_STYLES:  # these get an explicit w:rPr, so they name the font themselves
        word.styles[name].element.get_or_add_rPr()
    for rpr in word.styles.element.iter(qn("w:rPr")):  # docDefaults, every style, table style conditions
        _fonts(rpr)
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for size in (defaults.find(qn("w:sz")), defaults.find(qn("w:szCs"))):
        size.set(qn("w:val"), "26")
    normal = word.styles["Normal"]
    normal.font.size = Pt(13)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for level, (before, after, indent, italic) in HEADINGS.items():
        heading = word.styles[f"Heading {level}"]
        heading.font.size, heading.font.bold, heading.font.italic = Pt(13), True, italic
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(before), Pt(after)
        heading.paragraph_format.first_line_indent = indent
    return word


def _fonts(rpr):
    """Times New Roman for every script, black, Vietnamese; no theme font or theme colour left to fall back on."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in list(fonts.attrib):
        if name.endswith("Theme") or name.endswith("theme"):
            del fonts.attrib[name]
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{script}"), FONT)
    color = rpr.find(qn("w:color"))
    if color is not None:
        for name in list(color.attrib):
            del color.attrib[name]
        color.set(qn("w:val"), "000000")
    language = rpr.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "vi-VN")


# --- page setup ---------------------------------------------------------------------------------------------------


def _page(section, page):
    section.orientation = WD_ORIENT.LANDSCAPE if page["width"] > page["height"] else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = page["width"], page["height"]
    section.top_margin, section.bottom_margin = page["top"], page["bottom"]
    section.left_margin, section.right_margin = page["left"], page["right"]
    section.header_distance = Mm(10)


def _text_width(page) -> int:
    return page["width"] - page["left"] - page["right"]


def _page_numbers(word):
    """A PAGE field at the top centre of every page but the first: the first section has a different, empty
    first-page header; the sections of the appendices inherit the numbered header and number every page."""
    first = word.sections[0]
    first.different_first_page_header_footer = True
    first.first_page_header.is_linked_to_previous = False
    first.header.is_linked_to_previous = False
    paragraph = first.header.paragraphs[0]
    paragraph.alignment = CENTER
    _field(paragraph, "PAGE", "2")
    for section in word.sections[1:]:
        section.different_first_page_header_footer = False
        section.header.is_linked_to_previous = True


def _field(paragraph, instruction: str, shown: str):
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


# --- blocks -------------------------------------------------------------------------------------------------------


def _line(container, text="", bold=False, italic=False, size=None, align=CENTER, after=0, before=0):
    """One paragraph of the header or closing block: no indent, no justification."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(before), Pt(after)
    if text:
        run = paragraph.add_run(xml_safe(text))  # a cover saved before its form dropped what Word cannot hold
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    return paragraph


def _rule(container, width: int, length: float, after=0):
    """A short horizontal rule: the bottom border of an empty, tiny paragraph, as long as `length` of `width`
    (the side indents shorten the border)."""
    paragraph = _line(container, after=after)
    side = int(width * (1 - length) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{name}"), value)
    border.append(bottom)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert_element_before(border, *PPR_AFTER_BORDER)
    return paragraph


def _layout_table(word, widths: list[int]):
    """A borderless table of fixed column widths (EMU), for the header and the closing block."""
    table = word.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tblpr = table._tbl.tblPr
    tblpr.insert_element_before(borders, *TBLPR_AFTER_BORDERS)
    _cell_margins(table, 0, 0)  # as the PDF: the lines use the whole column, or the motto wraps
    _widths(table, widths)
    for cell in table.rows[0].cells:
        cell._tc.remove(cell.paragraphs[0]._p)  # each cell is filled with _line()
    return table


def _cell_margins(table, vertical: int, horizontal: int):
    """The table's cell padding, in points."""
    margins = OxmlElement("w:tblCellMar")
    for edge, size in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(size * 20))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr = table._tbl.tblPr
    tblpr.insert_element_before(margins, *TBLPR_AFTER_BORDERS[TBLPR_AFTER_BORDERS.index("w:tblCellMar") + 1 :])


def _widths(table, widths: list[int]):
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _header(word, doc):
    """The two-column header of Decree 30, then the title, the subject with its rule, and the addressee."""
    width = _text_width(PORTRAIT)
    left_width, right_width = int(width * 0.4), width - int(width * 0.4)
    left, right = _layout_table(word, [left_width, right_width]).rows[0].cells
    _line(left, doc.issuer_line1, bold=not doc.superior_line)
    _line(left, doc.issuer_line2, bold=True)
    _rule(left, left_width, 0.4)
    _line(left, f"Số: {doc.number}", before=8)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    _rule(right, right_width, 0.6)
    _line(right, doc.place_date, italic=True, before=8)
    _line(word, "BÁO CÁO", bold=True, size=14, before=14)
    subject = _line(word, doc.subject, bold=True, after=3)
    subject.paragraph_format.left_indent = subject.paragraph_format.right_indent = Mm(8)
    _rule(word, width, 0.25)
    _line(word, f"Kính gửi: {doc.addressee}.", before=10, after=12)


def _closing(word, doc):
    """Nơi nhận and the signature, side by side, right after the body; the row is not split across pages."""
    width = _text_width(PORTRAIT)
    _line(word).paragraph_format.line_spacing = Pt(8)  # the PDF's 14 pt above the block, with the 6 pt after
    table = _layout_table(word, [width // 2, width - width // 2])
    _no_split(table.rows[0])
    left, right = table.rows[0].cells
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=LEFT)
    for number, recipient in enumerate(doc.recipients, start=1):
        _line(left, f"- {recipient}{'.' if number == len(doc.recipients) else ';'}", size=11, align=LEFT)
    for text in (doc.signer_authority, doc.signer_position):
        if text:
            _line(right, text, bold=True)
    space = _line(right)
    space.paragraph_format.space_before = Pt(62)
    _line(right, doc.signer_name, bold=True)


def _last_paragraph_a_point_high(word):
    """The empty paragraph Word needs after the document's last table, a point high: a table ending at its page's
    foot pushed a full line onto a blank last page of its own (browser pass 33, page 40 in LibreOffice)."""
    last = word.paragraphs[-1]
    if last.text:
        return
    spacing = last.paragraph_format
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = Pt(1)


def _appendix(word, doc, appendix):
    """Each appendix in a section of its own: a new page, landscape when its table is wide."""
    page = LANDSCAPE if appendix.landscape else PORTRAIT
    _page(word.add_section(WD_SECTION.NEW_PAGE), page)
    number = _line(word, f"Phụ lục {appendix.number}", bold=True)
    number.style = word.styles["Heading 1"]  # Word's navigation pane lists the appendices beside I–VI
    number.alignment = CENTER
    number.paragraph_format.space_before = Pt(0)
    number.paragraph_format.space_after = Pt(0)
    _line(word, appendix.title, bold=True, before=2)
    _line(word, doc.annex_line, italic=True, before=2, after=10)
    _parts(word, appendix.parts, text_width=_text_width(page), table_size=10 if appendix.landscape else 11)


# --- the document model's parts -----------------------------------------------------------------------------------


def _parts(word, parts, text_width: int, table_size: int = 11):
    for part in parts:
        if part.kind == "heading":
            word.add_paragraph(part.text, style=f"Heading {part.level}")
        elif part.kind == "para":
            _para(word, part)
        elif part.kind == "table":
            _table(word, part, text_width, table_size)


def _para(word, part):
    """Every paragraph justified with a first-line indent; notes and gaps in italics; the lead in bold."""
    paragraph = word.add_paragraph()
    paragraph.alignment = JUSTIFY
    paragraph.paragraph_format.first_line_indent = INDENT
    italic = part.style in ("note", "missing")
    if part.lead:
        lead = paragraph.add_run(f"{part.lead} ")
        lead.bold, lead.italic = True, italic
    paragraph.add_run(docx_lines(part.text)).italic = italic


def _table(word, part, text_width: int, size: int):
    """A bordered table (Table Grid) whose header row repeats on every page and whose rows are not split."""
    table = word.add_table(rows=0, cols=len(part.headers))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, 2, CELL_PADDING)  # the PDF's cell padding
    header = table.add_row()
    _repeat_header(header)
    for cell, text in zip(header.cells, part.headers, strict=True):
        _cell(cell, text, size, bold=True, align=CENTER)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    rows = [(row, False) for row in part.rows] + [(row, True) for row in part.totals]
    for values, bold in rows:
        row = table.add_row()
        _no_split(row)
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _cell(cell, text, size, bold=bold, align=RIGHT if index in part.numeric else LEFT)
    _widths(table, column_widths(part, text_width, size))
    word.add_paragraph().paragraph_format.space_after = Pt(2)  # the PDF's margin under a table


def _cell(cell, text, size: int, bold: bool, align):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(docx_lines(str(text)))
    run.font.size, run.bold = Pt(size), bold


def _repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))
    _no_split(row)


def _no_split(row):
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _fixed_zip_times(content: bytes, stamp: datetime.datetime) -> bytes:
    """The same package with every entry dated `stamp`: python-docx dates entries with the clock, and the nightly
    draft compares files, so the same input must give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()
