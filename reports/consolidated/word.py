"""An editable Word draft (python-docx) with the same outline as the PDF."""

import datetime
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.consolidated.pdf import consolidated_context
from targets.templatetags.plan_format import vn_number


def _document():
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        heading = document.styles[name]
        heading.font.name, heading.font.size, heading.font.bold = "Times New Roman", Pt(13), True
        heading.font.color.rgb = None
    return document


def _paragraph(document, text, indent=True, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    return paragraph


def _header(document, c):
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.text = f"{c['issuer_line1']}\n{c['issuer_line2']}\nSố: {c['number']}"
    right.text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        f"{c['place']}, ngày {c['date']:%d} tháng {c['date']:%m} năm {c['date']:%Y}"
    )
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, "BÁO CÁO", indent=False, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, c["subject"], indent=False, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"Kính gửi: {c['addressee']}.", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)


def _table(document, headers, rows):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)


def _value(row):
    return "–" if row["value"] is None else vn_number(row["value"])


def consolidated_docx(data) -> bytes:
    c = consolidated_context(data)
    document = _document()
    _header(document, c)
    document.add_heading("I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC TRIỂN KHAI", level=1)
    _paragraph(
        document,
        f"Đến ngày {c['date']:%d/%m/%Y}, có {c['included_count']}/{c['expected_count']} cơ quan, "
        f"đơn vị gửi báo cáo, trong đó {c['approved_count']} báo cáo đã được duyệt.",
    )
    document.add_heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", level=1)
    for node in c["outline"]:
        s = node.section
        title = {"group": f"{s.number}. {s.title}", "area": f"{s.number}) {s.title}"}.get(
            s.kind, f"{s.number} {s.content[:120]}"
        )
        document.add_heading(title, level={"group": 2, "area": 3}.get(s.kind, 4))
        for e in c["entries"].get(s.pk, []):
            role = (
                " (phối hợp)" if e["role"] == "coordinating" else (f" ({e['status'].lower()})" if e["status"] else "")
            )
            note = "" if e["approved"] else " (báo cáo chưa duyệt)"
            _paragraph(document, f"- {e['agency']}{role}: {e['results'] or 'chưa nêu kết quả'}{note}")
    document.add_heading("III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", level=1)
    _table(
        document,
        ["Mã", "Chỉ tiêu", "Mục tiêu", f"Năm {c['year']}", "Tình trạng"],
        [(t["code"], t["name"], f"{t['goal']} ({t['horizon']})", _value(t), t["status"]) for t in c["targets"]],
    )
    document.add_heading("IV. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", level=1)
    for e in c["shortcomings"]:
        _paragraph(document, f"- {e['agency']} ({e['code']}): {e['shortcomings']}")
    for d in c["difficulties"]:
        _paragraph(document, f"- Khó khăn, vướng mắc của {d['agency']}: {d['difficulties']}")
    document.add_heading(f"V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {c['year'] + 1}", level=1)
    for e in c["next_steps"]:
        _paragraph(document, f"- {e['agency']} ({e['code']}): {e['next_steps']}")
    document.add_heading("VI. KIẾN NGHỊ, ĐỀ XUẤT", level=1)
    for number, p in enumerate(c["proposals"], start=1):
        _paragraph(document, f"{number}. {p['agency']}: {p['text']}")
    document.add_heading(f"Phụ lục 1. Kết quả thực hiện các chỉ tiêu năm {c['year']}", level=1)
    _table(
        document,
        ["Mã", "Chỉ tiêu", "Mục tiêu", f"Năm {c['year']}", "Đánh giá", "Đơn vị chịu trách nhiệm"],
        [
            (t["code"], t["name"], t["goal"], _value(t), f"{t['status']}: {t['explanation']}", t["agency"])
            for t in c["targets"]
        ],
    )
    document.add_heading("Phụ lục 2. Tình hình gửi báo cáo của các cơ quan, đơn vị", level=1)
    _table(
        document,
        ["TT", "Cơ quan, đơn vị", "Trạng thái", "Gửi lúc"],
        [
            (n, r["agency"], r["state_label"], r["submitted_at"] or "Chưa gửi")
            for n, r in enumerate(c["agency_rows"], start=1)
        ],
    )
    closing = document.add_table(rows=1, cols=2)
    left, right = closing.rows[0].cells
    left.text = "Nơi nhận:\n" + "\n".join(f"- {r};" for r in c["recipients"])
    right.text = "\n".join(filter(None, [c["signer_authority"], c["signer_position"], "\n\n", c["signer_name"]]))
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    stamp = datetime.datetime.combine(c["date"], datetime.time())  # the report's date: same input, same file
    document.core_properties.created = document.core_properties.modified = stamp
    document.core_properties.title = c["subject"]
    document.save(buffer)
    return buffer.getvalue()
