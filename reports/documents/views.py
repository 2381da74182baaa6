"""The agency report's print: the official layout as a PDF, drawn inside the request within limits (issue 17) when
it is short, by a Celery job when it is long (the 26th probe; reports/documents/jobs.py)."""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from agencies.lineage import Lineage
from binhson_plan.allowance import HEAVY_WORK
from binhson_plan.longtext import NOTE_IN_TABLE, laid_out_lines
from binhson_plan.number_format import vn_number
from binhson_plan.queueing import enqueue
from binhson_plan.upload_lock import Turn, a_print_slot, cache_add, cache_delete, cache_get, one_print_at_a_time
from reports import access
from reports.documents import pdf
from reports.documents.jobs import (
    PRINT_QUEUED_SECONDS,
    PRINTED_AT,
    TOO_SLOW,
    account_marker,
    draw_into_cache,
    draw_print_job,
    drawing_marker,
    latest_print,
)
from reports.models import SHARED_STATES
from tasks.models import ReportIssuer

PRINT_BUSY_ACCOUNT = "Bản in đang được tạo, xin chờ ít giây rồi tải lại."
PRINT_BUSY_SERVER = "Máy chủ đang bận tạo các bản in khác, xin chờ ít giây rồi tải lại."
PRINT_NOT_QUEUED = "Máy chủ chưa nhận được yêu cầu tạo bản in của báo cáo dài này, xin thử lại sau ít phút."
PRINT_RELOAD_SECONDS = 5  # the page of a print being drawn reloads itself after this long


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
    if issuer.reviewer_name in (issuer.issuing_body, f"Văn phòng {issuer.issuing_body}"):
        return issuer.issuing_body  # not "Sở … (qua Sở …)" where the issuing body reviews them itself
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
        "place_date": f"{pdf.agency_place(report.agency, issuer)}, {pdf.document_date(dated)}",
        "printed_at": PRINTED_AT,  # put in after the key is taken: the minute printed is no part of the content
        "subject": f"Kết quả thực hiện năm {report.cycle.year} các nhiệm vụ được giao tại Kế hoạch "
        f"{plan.title_in_sentence}",
        "addressee": issuer.issuing_body,
        "leads": report.task_entries.leads().prefetch_related("evidence"),  # named under each task (pass 39)
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
    lines = laid_out_lines(html) if drawn is None else 0
    if lines > settings.PRINT_MAX_LINES:
        # drawing costs time with the lines laid out: a report far past any real one (each field at its limit, fifty
        # long proposals, thousands of short lines) would hold a worker past gunicorn's timeout; its workbook holds
        # every word
        reason = (f"khoảng {vn_number(lines)} dòng, khoảng {vn_number(lines // 45)} trang; tối đa "
                  f"{vn_number(settings.PRINT_MAX_LINES)} dòng")  # fmt: skip
        return _too_long_to_print(request, report, reason)
    if lines > settings.PRINT_INLINE_MAX_LINES:
        # more than about two seconds of drawing: never inside the request, which answers at once (the 26th probe)
        return _drawn_in_the_background(request, report, key, html)
    if drawn is None:
        # Drawn inside the request, stopped after PRINT_DRAW_SECONDS: one print at a time per account, and at most
        # PRINT_CONCURRENT_DRAWS across accounts, so prints never hold every gunicorn worker (issue 17).
        with one_print_at_a_time(request.user) as mine:
            if not mine:
                return busy_page(request, report, mine.why(PRINT_BUSY_ACCOUNT), 429)
            with a_print_slot() as slot:
                if not slot and not draw_print_job.app.conf.task_always_eager:
                    # every slot taken by other accounts' prints (the season's last morning: probe 29 saw 9 of 13 at
                    # once refused): a worker draws it, the page reloads itself until it is there
                    return _drawn_in_the_background(request, report, key, html)
                if not slot:  # no worker (`make run`): drawing it here would pass the limit
                    return busy_page(request, report, PRINT_BUSY_SERVER, 503)
                drawn = cache_get(key)  # drawn meanwhile by another account's print of the same content
                if drawn is None:
                    drawn = draw_into_cache(key, html, latest_print(report.pk, request.user.pk))
    if drawn == TOO_SLOW:
        return _too_long_to_print(request, report, _too_slow(), retry=True)
    response = HttpResponse(drawn, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-cao-{report.cycle.year}-{report.agency.code}.pdf"'
    return response


def _drawn_in_the_background(request, report, key, html):
    """A long print queued for a Celery worker (reports/documents/jobs.py) unless it is on its way already, and a page
    (202) that reloads itself until the PDF, or the word that it could not be drawn in time, is in the cache. An
    account has one such print on its way at a time (429 for another meanwhile); the worker's concurrency bounds
    how many are drawn at once. The job draws the HTML rendered here, for this reader, and nothing else."""
    user, queued = request.user.pk, drawing_marker(key)
    if cache_get(queued) is None:  # nobody's print of this content is on its way
        full = HEAVY_WORK.full_until(request.user)  # the worker's drawing is the account's heavy work too
        if full is not None and cache_get(account_marker(user)) != key:
            return busy_page(request, report, Turn(False, full).why(PRINT_BUSY_ACCOUNT), 429)
        mine = cache_add(account_marker(user), key, PRINT_QUEUED_SECONDS)
        if mine is None:  # the cache server is down: the PDF drawn could not be kept to be served
            return busy_page(request, report, PRINT_NOT_QUEUED, 503)
        if not mine and cache_get(account_marker(user)) != key:  # the account's other long print is on its way
            return busy_page(request, report, PRINT_BUSY_ACCOUNT, 429)
        if cache_add(queued, user, PRINT_QUEUED_SECONDS):
            latest = latest_print(report.pk, user)
            if enqueue(draw_print_job, key, html, user, latest)["queued"] is False:  # the broker is down (logged)
                cache_delete(queued)
                cache_delete(account_marker(user))
                return busy_page(request, report, PRINT_NOT_QUEUED, 503)
        elif mine:  # queued meanwhile by another account's request for the same content: on its way, not ours
            cache_delete(account_marker(user))
    context = {"report": report, "again": request.path, "seconds": PRINT_RELOAD_SECONDS}
    response = render(request, "reports/print_queued.html", context, status=202)
    response["Retry-After"] = str(PRINT_RELOAD_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
