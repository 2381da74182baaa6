"""The agency report's print: the official layout as a PDF, drawn inside the request within limits (issue 17)."""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.lineage import Lineage
from binhson_plan.longtext import NOTE_IN_TABLE, PRINT_CACHE_SECONDS, laid_out_lines
from binhson_plan.number_format import vn_number
from binhson_plan.upload_lock import a_print_slot, cache_get, cache_set, one_print_at_a_time
from reports import access
from reports.documents import pdf
from reports.models import SHARED_STATES
from tasks.models import ReportIssuer

PRINTED_AT = "@@ban-in-luc@@"  # stands for the minute a print is drawn in the HTML its cache key is taken from
PRINT_BUSY_ACCOUNT = "Bản in đang được tạo, xin chờ ít giây rồi tải lại."
PRINT_BUSY_SERVER = "Máy chủ đang bận tạo các bản in khác, xin chờ ít giây rồi tải lại."


TOO_SLOW = "qua-lau"  # kept in the cache in place of a PDF that could not be drawn in time
TOO_SLOW_SECONDS = 600  # for ten minutes: a retry at once is refused without drawing again


def _too_slow() -> str:
    return f"chưa dàn trang xong sau {vn_number(settings.PRINT_DRAW_SECONDS)} giây"


def _too_long_to_print(request, report, reason: str, retry: bool = False):
    later = " Nếu máy chủ đang bận, có thể in lại sau ít phút." if retry else ""
    message = (
        f"Báo cáo dài hơn mức in trực tiếp trên cổng ({reason}). Hãy tải tệp Excel của báo cáo (mục “Tệp Excel "
        f"của báo cáo” trên trang báo cáo), hoặc rút gọn các đoạn dài rồi in lại.{later}"
    )
    return busy_page(request, report, message, 413, heading="Báo cáo quá dài để in trên cổng")


def busy_page(request, report, message, status, heading="Bản in chưa tạo được"):
    """A print refused, never a 500: the account's other print is being drawn (429), every slot for drawing is held
    by other accounts' prints (503), or the report is too long to draw within a request (413)."""
    context = {"report": report, "heading": heading, "message": message}
    response = render(request, "reports/print_busy.html", context, status=status)
    response["Retry-After"] = "10"
    return response


def _addressee(issuer) -> str:
    """The report's first recipient: the issuing body, through the body that reviews the reports of the year when that
    is not simply its own office ("… (qua Văn phòng huyện)", "… (qua Văn phòng HĐND và UBND xã …)")."""
    if issuer.reviewer_name == f"Văn phòng {issuer.issuing_body}":
        return issuer.issuing_body
    return f"{issuer.issuing_body} (qua {issuer.reviewer_name})"


def report_pdf(request, pk, slug=None):
    """The agency's report in the official layout, with its own name under the district's."""
    report = access.get_report_content_for_reader(request, pk, slug)
    plan = report.cycle.plan
    year, step = report.cycle.year, Lineage.load().ended.get(report.agency_id)
    if step and step.effective_on <= report.cycle.due_on:  # ended before its year was reported: the body of its time
        year = plan.first_year_after(step.effective_on) - 1
    issuer = ReportIssuer.for_year(plan, year)  # the body the agency's reports went to
    line1, line2, superior = pdf.agency_heading(report.agency, issuer, plan)
    # a report sent is dated the day it was (last) sent, even printed a year later; a draft, or a report back with its
    # agency for corrections (its edits not sent again), the day it is printed
    sent = report.state in SHARED_STATES and report.submitted_at
    dated = timezone.localdate(report.submitted_at) if sent else timezone.localdate()
    context = {
        "report": report,
        "year": report.cycle.year,
        "issuer_line1": line1,
        "issuer_line2": line2,
        "number": f"…/BC-{report.agency.document_symbol}",
        "place_date": f"{issuer.place}, {pdf.document_date(dated)}",
        "printed_at": PRINTED_AT,  # put in after the key is taken: the minute printed is no part of the content
        "subject": f"Kết quả thực hiện năm {report.cycle.year} các nhiệm vụ được giao tại Kế hoạch "
        f"{plan.title_in_sentence}",
        "addressee": issuer.issuing_body,
        "leads": report.task_entries.leads(),
        "coordinating": report.task_entries.coordinating(),
        "targets": report.target_entries.select_related("target__plan").order_by("target__position"),
        "proposals": report.proposals.all(),
        "recipients": [_addressee(issuer), "Lưu: VT"],
        "signer_position": "THỦ TRƯỞNG ĐƠN VỊ",
        "signer_name": "",
        "superior_line": superior,
        "note_in_table": NOTE_IN_TABLE,
    }
    html = render_to_string("reports/pdf/agency.html", context)
    # A print repeated costs nothing: the PDF is kept under the digest of its HTML without the minute of "Bản in lúc"
    # (a report not yet approved), so it changes with what the report says (its text, state, the plan, the date it
    # is dated) and not with the clock. A PDF taken from the cache states the minute it was drawn, not the minute it
    # was fetched: the content is the same. The HTML is what this reader may see, so the PDF kept for it is too.
    key = f"in-bao-cao:{hashlib.sha256(html.encode()).hexdigest()}"
    drawn = cache_get(key)  # the PDF, or TOO_SLOW where drawing this content ran out of time before
    if drawn is None and (lines := laid_out_lines(html)) > settings.PRINT_MAX_LINES:
        # drawing costs time with the lines laid out: a report far past any real one (each field at its limit, fifty
        # long proposals, thousands of short lines) would hold a worker past gunicorn's timeout; its workbook holds
        # every word
        reason = (f"khoảng {vn_number(lines)} dòng, khoảng {vn_number(lines // 45)} trang; tối đa "
                  f"{vn_number(settings.PRINT_MAX_LINES)} dòng")  # fmt: skip
        return _too_long_to_print(request, report, reason)
    if drawn is None:
        # Drawn inside the request, stopped after PRINT_DRAW_SECONDS: one print at a time per account, and at most
        # PRINT_CONCURRENT_DRAWS across accounts, so prints never hold every gunicorn worker (issue 17).
        with one_print_at_a_time(request.user) as mine:
            if not mine:
                return busy_page(request, report, PRINT_BUSY_ACCOUNT, 429)
            with a_print_slot() as slot:
                if not slot:
                    return busy_page(request, report, PRINT_BUSY_SERVER, 503)
                drawn = cache_get(key)  # drawn meanwhile by another account's print of the same content
                if drawn is None:
                    try:
                        drawn = pdf.render_pdf(html.replace(PRINTED_AT, f"{timezone.localtime():%H:%M %d/%m/%Y}"),
                                               seconds=settings.PRINT_DRAW_SECONDS)  # fmt: skip
                    except pdf.DrawTooSlow:
                        # scripts and symbols that are slow to lay out (the fifth probe), or a server too busy: kept
                        # a while, so that trying again at once does not spend the time again
                        cache_set(key, TOO_SLOW, TOO_SLOW_SECONDS)
                        return _too_long_to_print(request, report, _too_slow(), retry=True)
                    cache_set(key, drawn, PRINT_CACHE_SECONDS)
    if drawn == TOO_SLOW:
        return _too_long_to_print(request, report, _too_slow(), retry=True)
    response = HttpResponse(drawn, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-cao-{report.cycle.year}-{report.agency.code}.pdf"'
    return response
