"""The province's yearly summary as one document (reports.consolidated.blocks), printed as the district's consolidated
report is (Decree 30 layout): a PDF/A with an empty signature field, a Word draft, and an Excel workbook."""

import datetime
from decimal import Decimal

import pandas as pd
from django.template.loader import render_to_string

from binhson_plan.collation import sort_key as vietnamese_order
from binhson_plan.sheets import workbook
from province.parts import plan_name
from province.queries import plan_label
from reports.consolidated.blocks import Document, Heading, Para, Table
from reports.consolidated.pdf import SIGNATURE_FIELD, document_context
from reports.consolidated.word import document_docx
from reports.documents.pdf import document_date, issuer_lines, render_pdf

NO_INDICATORS = "Chưa có bảng chỉ tiêu"
# Phải báo cáo = Đã gửi + Bị trả lại + Chưa gửi (province.queries.PlanReporting.sent_back)
REPORTING_HEADERS = ["TT", "Kế hoạch", "Phải báo cáo", "Đã gửi", "Bị trả lại", "Chưa gửi", "Đã duyệt", "Gửi muộn",
                     "Quá hạn", "Kiến nghị chưa trả lời", "Ghi chú"]  # fmt: skip
REPORTING_KEYS = ["expected", "submitted", "sent_back", "not_sent", "approved", "late", "overdue", "open_proposals"]
CONSOLIDATED_HEADERS = ["TT", "Kế hoạch", "Bản", "Số", "Ngày báo cáo", "Trạng thái", "Bản chính thức"]
INDICATOR_HEADERS = ["Chỉ số", "Kế hoạch", "Chỉ tiêu", "Số liệu gần nhất", "Năm số liệu", "Tình trạng"]
# the workbook's: the value a number to calculate with, its unit and its estimate mark each in a column (as /tinh/'s)
INDICATOR_SHEET_HEADERS = ["Chỉ số", "Kế hoạch", "Chỉ tiêu", "Số liệu gần nhất", "Đơn vị", "Số ước tính",
                           "Năm số liệu", "Tình trạng"]  # fmt: skip


def _day(iso: str) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _header_lines(issuer) -> tuple[str, str]:
    """Decree 30's two lines: the governing body short and plain, the issuing body in bold capitals."""
    if not issuer.parent_body:
        return issuer_lines(issuer.issuing_body)
    line1, line2 = issuer_lines(issuer.parent_body)
    return (f"UBND {line2}" if line1 else line2), issuer.issuing_body.upper()


def build_document(summary, parts, issuer) -> Document:
    """The summary of `summary.year` from its parts (SummaryPart, each with its plan), as `issuer` issues it."""
    year = summary.year
    line1, line2 = _header_lines(issuer)
    number = f"…/{issuer.document_symbol}"
    document = Document(
        issuer_line1=line1,
        issuer_line2=line2,
        superior_line=True,  # the governing body's line (or, with none, a committee's first half) is not bold
        number=number,
        place_date=f"{issuer.place}, {document_date(summary.report_date)}",
        subject=f"Tổng hợp tình hình thực hiện các kế hoạch công tác dân tộc năm {year} trên địa bàn {issuer.area}",
        addressee=issuer.addressee,
        recipients=issuer.recipient_list(),
        signer_authority=issuer.signer_authority,
        signer_position=issuer.signer_position,
        signer_name=issuer.printed_signer_name,  # never a placeholder printed as a name
    )
    done = [part for part in parts if part.ok]
    failed = [part for part in parts if not part.ok]
    document.body = [
        Heading("I. TÌNH HÌNH BÁO CÁO CỦA CÁC KẾ HOẠCH", 1),
        Para(
            f"Năm {year}, toàn tỉnh theo dõi {len(parts)} kế hoạch; bản tổng hợp này tổng hợp được {len(done)} "
            f"kế hoạch, số liệu tính đến ngày {summary.report_date:%d/%m/%Y}."
        ),
        _reporting_table(parts),
        *_failed(failed),
        Heading("II. CHỈ TIÊU THEO BỘ CHỈ SỐ CHUNG", 1),
        *_indicators(done),
        Heading("III. BÁO CÁO TỔNG HỢP CỦA TỪNG KẾ HOẠCH", 1),
        Para(
            f"Báo cáo tổng hợp năm {year} của từng kế hoạch (do cơ quan thẩm định của kế hoạch dựng), tính đến ngày "
            f"{summary.report_date:%d/%m/%Y}:"
        ),
        *[_consolidated_para(part, year) for part in parts],
        *([_consolidated_table(done)] if any(part.data["consolidated"] for part in done) else []),
        Para(f"Trên đây là báo cáo tổng hợp năm {year} của {issuer.issuing_body}./."),
    ]
    return document


def _name(part) -> str:
    return part.data.get("name") or plan_name(part.plan)


def _label(part) -> str:
    """The plan in a narrow column: the body that issued it (its title is a sentence long)."""
    return part.data.get("label") or plan_label(part.plan)


def _reporting_table(parts) -> Table:
    rows = []
    for number, part in enumerate(parts, start=1):
        if not part.ok:
            rows.append([str(number), _label(part), *["—"] * len(REPORTING_KEYS), "Chưa tổng hợp được (xem dưới)"])
            continue
        figures = part.data["reporting"]
        note = "" if part.data["has_cycle"] else f"Chưa mở kỳ báo cáo năm {part.summary.year}"
        # the plan by its area, as section II (its full title, a sentence long, is in section III)
        rows.append([str(number), _label(part), *[str(figures.get(key, "—")) for key in REPORTING_KEYS], note])
    return Table(REPORTING_HEADERS, rows, widths=[3, 20, 6, 6, 6, 6, 6, 6, 6, 8, 10], numeric=tuple(range(2, 10)))


def _failed(failed) -> list:
    if not failed:
        return []
    return [
        Para("Kế hoạch chưa tổng hợp được:", style="missing"),
        *[Para(f"- {_name(part)}: {part.error}", style="missing") for part in failed],
    ]


def _indicator_rows(parts, sheet=False) -> list[list]:
    """The indicator table across plans: by indicator (Vietnamese order), then the plans in the summary's order; as
    printed (the value with its unit, in words), or for the workbook (`sheet`: INDICATOR_SHEET_HEADERS)."""
    rows = [
        (vietnamese_order(row["name"]), n, _sheet_row(part, row) if sheet else _printed_row(part, row))
        for n, part in enumerate(parts)
        if part.ok
        for row in part.data.get("indicators", [])
    ]
    return [row for *_, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _printed_row(part, row) -> list[str]:
    target = f"{row['target']} {row['target_name']}"
    return [row["name"], _label(part), target, row["value"], str(row["value_year"] or ""), row["status"]]


def _sheet_row(part, row) -> list:
    number = row.get("number")
    value = Decimal(number) if number is not None else None
    return [row["name"], _label(part), f"{row['target']} {row['target_name']}", value,
            row["unit"] if value is not None else None, bool(row.get("estimate")) if value is not None else None,
            row["value_year"] or None, row["status"]]  # fmt: skip


def _indicators(done) -> list:
    """A heading and a small table per indicator (its plans' targets): its long name is said once, not on every row,
    so the rows stay short and the section follows section I on the same page when there is room."""
    rows = _indicator_rows(done)
    if not rows:
        return [Para(f"{NO_INDICATORS}.", style="missing")]
    by_indicator = {}
    for row in rows:
        by_indicator.setdefault(row[0], []).append(row[1:])
    blocks = []
    for number, (name, measures) in enumerate(by_indicator.items(), start=1):
        blocks += [Heading(f"{number}. {name}", 2), Table(INDICATOR_HEADERS[1:], measures, widths=[18, 34, 20, 8, 12],
                                                          numeric=(3,))]  # fmt: skip
    return blocks


def _version_words(version) -> str:
    """ "bản 2, số 15/BC-UBND, ngày 10/12/2026"."""
    return f"bản {version['version']}, số {version['number']}, ngày {_day(version['report_date'])}"


def consolidated_sentence(part, year: int) -> str:
    """What section III says of one plan: its consolidated report of the year by version, number and date, whether
    one was marked final; that it has none; or why the plan is missing from the summary."""
    if not part.ok:
        return f"chưa tổng hợp được vào bản này: {part.error}"
    versions = part.data["consolidated"]
    if not versions:
        return f"chưa có báo cáo tổng hợp năm {year} (cơ quan thẩm định của kế hoạch chưa dựng bản nào)."
    final = next((v for v in versions if v["is_final"]), None)
    ready = [v for v in versions if v["state"] == "ready"]
    if not ready:
        return (
            f"chưa có báo cáo tổng hợp năm {year} dựng xong (đã yêu cầu {len(versions)} bản; bản "
            f"{versions[-1]['version']}: {versions[-1]['state_label'].lower()})."
        )
    latest, count = ready[-1], f"đã dựng xong {len(ready)} bản"
    if final is None:
        return f"{count}, chưa có bản nào được đánh dấu là bản chính thức; bản mới nhất là {_version_words(latest)}."
    newer = "" if final is latest else f"; bản mới hơn là {_version_words(latest)}, chưa đánh dấu chính thức"
    return f"{count}; bản chính thức là {_version_words(final)}{newer}."


def _consolidated_para(part, year: int) -> Para:
    return Para(consolidated_sentence(part, year), lead=f"- {_name(part)}:", style="body" if part.ok else "missing")


def _consolidated_table(done) -> Table:
    rows = []
    for number, part in enumerate(done, start=1):
        versions = part.data["consolidated"]
        if not versions:
            rows.append([str(number), _name(part), "—", "", "", f"Chưa dựng báo cáo năm {part.summary.year}", ""])
        for version in versions:
            final = "Chính thức" if version["is_final"] else "Chưa chính thức"
            rows.append([str(number), _name(part), str(version["version"]), version["number"],
                         _day(version["report_date"]), version["state_label"], final])  # fmt: skip
    return Table(CONSOLIDATED_HEADERS, rows, widths=[3, 30, 5, 12, 10, 10, 11], numeric=(2,))


def summary_pdf(document) -> bytes:
    context = document_context(document)
    html = render_to_string("reports/pdf/consolidated.html", context)
    return render_pdf(html, archival=True, signature_field=SIGNATURE_FIELD)


def summary_docx(document, summary, issuer) -> bytes:
    return document_docx(document, datetime.datetime.combine(summary.report_date, datetime.time()), issuer.issuing_body)


def sheet_titles(summary, issuer) -> dict[str, str]:
    """Each sheet's title row: what it holds, the year, the province, and which summary it belongs to."""
    year, area = summary.year, issuer.area
    of = f"{area} (bản tổng hợp toàn tỉnh số {summary.version}, ngày báo cáo {summary.report_date:%d/%m/%Y})"
    return {
        f"Tình hình báo cáo {year}": f"Tình hình báo cáo của các kế hoạch năm {year}, {of}",
        "Chỉ tiêu": f"Chỉ tiêu theo bộ chỉ số chung năm {year}, {of}",
        "Báo cáo tổng hợp": f"Báo cáo tổng hợp năm {year} của từng kế hoạch, {of}",
        "Chưa tổng hợp được": f"Kế hoạch chưa tổng hợp được vào bản tổng hợp năm {year}, {of}",
    }


def summary_workbook(summary, parts, issuer) -> bytes:
    reporting = [
        [_name(part), *([part.data["reporting"].get(key) for key in REPORTING_KEYS] if part.ok else [None] * 8)]
        for part in parts
    ]
    consolidated = []  # the plans in the order of the other sheets and of the PDF, each with its versions or a word
    for part in (part for part in parts if part.ok):
        consolidated += [
            [
                _name(part),
                v["version"],
                v["number"],
                _day(v["report_date"]),
                v["state_label"],
                "Chính thức" if v["is_final"] else "Chưa chính thức",
            ]  # fmt: skip
            for v in part.data["consolidated"]
        ] or [[_name(part), None, None, None, f"Chưa có báo cáo tổng hợp năm {summary.year}", None]]
    indicators = _indicator_rows(parts, sheet=True)
    failed = [[_name(part), part.error] for part in parts if not part.ok]
    sheets = {
        f"Tình hình báo cáo {summary.year}": pd.DataFrame(reporting, columns=REPORTING_HEADERS[1:-1]),
        "Chỉ tiêu": pd.DataFrame(indicators, columns=INDICATOR_SHEET_HEADERS),
        "Báo cáo tổng hợp": pd.DataFrame(consolidated, columns=CONSOLIDATED_HEADERS[1:]),
        "Chưa tổng hợp được": pd.DataFrame(failed, columns=["Kế hoạch", "Lý do"]),
    }
    titles = sheet_titles(summary, issuer)
    return workbook(sheets, headings={name: [titles[name]] for name in sheets})
