"""Reading a consolidated report built from the real year of demo data back, as the province would:
shared by the in-process test and the real-worker test."""

import re
import subprocess
import zipfile

from django.utils import timezone
from openpyxl import load_workbook

from binhson_plan.number_format import vn_number
from reports.models import ReportState, TaskEntry
from tasks.structure import build_tree, walk
from tests.reports.helpers import printed_font_size, words_cut_in_tables


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(path) -> str:
    """The PDF's text below the top margin, where page numbers are printed (they would cut a paragraph)."""
    crop = ["-x", "0", "-y", "50", "-W", "2000", "-H", "2000"]  # points; the text starts 20 mm (57 pt) down
    return subprocess.run(
        ["pdftotext", "-raw", *crop, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def in_order(text: str, needles: list[str]) -> list[int]:
    """Positions of each needle, each searched after the previous one (fails on the first missing)."""
    positions, start = [], 0
    for needle in needles:
        found = text.find(needle, start)
        assert found >= 0, f"“{needle}” not found after position {start}"
        positions.append(found)
        start = found + len(needle)
    return positions


def check_pdf(report) -> str:
    text = flat(pdf_text(report.pdf.path))
    in_order(text, [
        "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Kính gửi:",
        "I. CÔNG TÁC CHỈ ĐẠO", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ", "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "IV. TỒN TẠI, HẠN CHẾ", f"V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {report.year + 1}", "VI. KIẾN NGHỊ, ĐỀ XUẤT",
        "Nơi nhận:", f"- {report.recipient_list()[-1]}.", report.signer_authority, report.signer_name,
        "Phụ lục 1", "(Kèm theo Báo cáo số", "Phụ lục 2", "(Kèm theo Báo cáo số", "Phụ lục 3", "(Kèm theo Báo cáo số",
    ])  # fmt: skip
    body = text[: text.index("Nơi nhận:")]
    nodes = [n for root in build_tree(report.plan) if root.section.code == "III" for n in walk(root.children)]
    led = [n for n in nodes if n.own_leads]
    for node in led:  # every block names its leads, with the field or programme each runs
        names = "; ".join(f"{a.agency.name}{f' ({a.scope})' if a.scope else ''}" for a in node.own_leads)
        assert f"Cơ quan chủ trì: {names}." in body, node.section.code
    assert body.count("Cơ quan chủ trì:") == len(led)
    for node in nodes:  # the plan's text once and in full
        if node.section.kind == "item":
            assert body.count(flat(node.section.content)) == 1, node.section.code
    rest = text.replace(report.number, "")
    for node in nodes:  # the plan's own text may hold an ellipsis ("vận tải…"); nothing else may
        rest = rest.replace(flat(node.section.content), "")
    assert "…" not in rest  # nothing cut
    assert "Chưa có báo cáo của cơ quan chủ trì." not in text
    included = [ReportState.SUBMITTED, ReportState.APPROVED]
    silent_leads = {
        (n.section.pk, a.agency_id)
        for n in led
        for a in n.own_leads
        if not TaskEntry.objects.filter(section=n.section, role="lead", report__cycle__year=report.year,
                                        report__agency=a.agency, report__state__in=included).exists()
    }  # fmt: skip
    # a lead's line ("- X (chủ trì): báo cáo bị trả lại …"), not a coordinating one ("Báo cáo phối hợp của X bị …")
    named = body.count("(chủ trì) chưa gửi báo cáo.") + body.count("): báo cáo bị trả lại để bổ sung, chưa đưa vào")
    assert 0 < named <= len(silent_leads)  # a silent lead is named once per block, no more
    reports = report.plan.cycles.get(year=report.year).reports.select_related("agency")
    for sent_back in reports.filter(state=ReportState.SENT_BACK):  # sent back is not "never sent"
        name = sent_back.agency.name
        assert f"{name} (chủ trì) chưa gửi báo cáo" not in body
        assert "bị trả lại để bổ sung, chưa tổng hợp: " in body and name in body.split("bị trả lại để bổ sung")[1]
    budgets = TaskEntry.objects.filter(
        report__cycle__year=report.year, report__state__in=included, role="lead", budget_used__isnull=False
    )
    approved = budgets.filter(report__state=ReportState.APPROVED).values_list("budget_used", flat=True)
    waiting = budgets.filter(report__state=ReportState.SUBMITTED).values_list("budget_used", flat=True)
    total = vn_number(sum(approved))
    appendix = text[text.index("Phụ lục 2 KINH PHÍ") : text.index("Phụ lục 3 TÌNH HÌNH")]
    if sum(waiting):  # what awaits review is stated apart, never in the total
        assert (f"năm {report.year}: {total} đồng theo các báo cáo đã duyệt; ngoài ra, các báo cáo đang thẩm định "
                f"(chưa duyệt) nêu {vn_number(sum(waiting))} đồng, chưa tính vào tổng này (chi tiết tại Phụ lục 2)"
                ) in body  # fmt: skip
        assert f"Tổng cộng (báo cáo đã duyệt) {total}" in appendix
        assert f"Báo cáo chưa duyệt (chưa tính vào tổng cộng) {vn_number(sum(waiting))}" in appendix
    else:
        assert f"năm {report.year}: {total} đồng (chi tiết tại Phụ lục 2)" in body
        assert f"Tổng cộng {total}" in appendix
    return text


def check_xlsx(report) -> None:
    with zipfile.ZipFile(report.xlsx.path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode() and "<f " not in archive.read(name).decode(), name
    book = load_workbook(report.xlsx.path)
    for sheet in book:  # one page wide, its text printed at 8 pt or more (A3 for the wide sheets)
        assert printed_font_size(sheet) >= 8, sheet.title
    assert str(book["Chỉ tiêu"].page_setup.paperSize) == "8"
    sheet = book["Tình hình báo cáo"]
    headers = [cell.value for cell in sheet[2]]  # under the title row
    when = {row[0]: row[headers.index("Gửi lần đầu")] for row in sheet.iter_rows(min_row=3, values_only=True)}
    for agency_report in report.plan.cycles.get(year=report.year).reports.select_related("agency"):
        if agency_report.first_submitted_at:
            local = timezone.localtime(agency_report.first_submitted_at).replace(tzinfo=None, second=0, microsecond=0)
            assert when[agency_report.agency.name] == local, agency_report.agency.name


def check_docx(report, pdf_flat: str) -> None:
    with zipfile.ZipFile(report.docx.path) as archive:
        headers = [archive.read(n).decode() for n in archive.namelist() if re.match(r"word/header\d*\.xml", n)]
        document = archive.read("word/document.xml").decode()
    assert any("PAGE" in header for header in headers)
    assert words_cut_in_tables(report.docx.path) == []  # codes and units whole, as in the PDF
    assert "w:titlePg" in document
    text = re.sub(r"<[^>]+>", "", document)  # the document's text in document order, tables included
    assert text.index("Nơi nhận:") < text.index("(Kèm theo Báo cáo số")  # the closing block before the appendices
    assert f"- {report.recipient_list()[-1]}." in text  # the last recipient ends with a full stop
