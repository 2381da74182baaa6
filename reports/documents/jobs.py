"""The print of an agency report too long to draw within a request (the 26th probe: twenty fields of 199 lines each
held a gunicorn worker 16 s, at will, a character changed each time): drawn by a Celery worker from the HTML the
view rendered for its reader, and put in the cache under the key the view serves it from (reports.documents.views).

While a print is queued or drawn, two markers stand in the cache, each lapsing after PRINT_QUEUED_SECONDS should the
worker die or the broker lose the message: one under the print's key (the same content is not queued twice, whoever
asks) and one under the account (an account has one long print on its way at a time, so that it cannot fill the
queue by changing a character each time). The job removes both when it is done."""

import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from binhson_plan.allowance import HEAVY_WORK
from binhson_plan.longtext import PRINT_CACHE_SECONDS
from binhson_plan.upload_lock import cache_delete, cache_get, cache_set
from reports.documents import pdf

PRINTED_AT = "@@ban-in-luc@@"  # stands for the minute a print is drawn in the HTML its cache key is taken from
TOO_SLOW = "qua-lau"  # kept in the cache in place of a PDF that could not be drawn in time
TOO_SLOW_SECONDS = 600  # for ten minutes: a retry at once is refused without drawing again
PRINT_QUEUED_SECONDS = 300  # a print queued and not drawn after five minutes is taken as lost: a reload queues it again
# The job's own limits, beyond the clock the drawing itself stops at (PRINT_DRAW_SECONDS, pdf.render_pdf): Celery's
# soft limit should that clock not run (a worker not drawing in its main thread), then the worker's process killed.
DRAW_SOFT_TIME_LIMIT = max(settings.PRINT_DRAW_SECONDS, 15) + 10
DRAW_TIME_LIMIT = DRAW_SOFT_TIME_LIMIT + 15


def drawing_marker(key: str) -> str:
    return f"{key}:dang-ve"


def account_marker(user_id: int) -> str:
    return f"in-bao-cao-dang-ve:{user_id}"


def latest_print(report_id: int, user_id: int) -> str:
    """The cache key naming the last print kept for this report and reader: each new one replaces it (draw_into_cache),
    so that an account changing a character and printing again and again keeps one PDF in the cache, not one each
    time (probe 30: 45 PDFs in 30 s, held a day, in the Redis that is also the job queue)."""
    return f"in-bao-cao-moi-nhat:{report_id}:{user_id}"


def draw_into_cache(key: str, html: str, latest: str = "") -> bytes | str:
    """The PDF of `html` drawn and kept under `key`, or TOO_SLOW kept there (for TOO_SLOW_SECONDS) when it could not
    be drawn in time; the one returned. The minute printed is put in at the moment of drawing. With `latest`
    (latest_print), the print kept before under that name is removed."""
    try:
        drawn = pdf.render_pdf(html.replace(PRINTED_AT, f"{timezone.localtime():%H:%M %d/%m/%Y}"),
                               seconds=settings.PRINT_DRAW_SECONDS)  # fmt: skip
    except (pdf.DrawTooSlow, SoftTimeLimitExceeded):
        # scripts and symbols that are slow to lay out (the fifth probe), or a server too busy: kept a while, so
        # that trying again at once does not spend the time again
        drawn, seconds = TOO_SLOW, TOO_SLOW_SECONDS
    else:
        seconds = PRINT_CACHE_SECONDS
    cache_set(key, drawn, seconds)
    if latest:
        before = cache_get(latest)
        cache_set(latest, key, PRINT_CACHE_SECONDS)
        if before and before != key:
            cache_delete(before)
    return drawn


# No retries and no late acknowledgement: a print lost with its worker is queued again by the reader's next reload
# once its markers lapse, never redelivered to draw what nobody waits for.
@shared_task(ignore_result=True, soft_time_limit=DRAW_SOFT_TIME_LIMIT, time_limit=DRAW_TIME_LIMIT)
def draw_print_job(key: str, html: str, user_id: int, latest: str = "") -> None:
    """Draws the print, and counts the time it took as the asking account's heavy work (binhson_plan.allowance:
    probe 33 saw four accounts looping long prints make the consolidated build 3,5 times slower)."""
    try:
        if cache_get(key) is None:  # not drawn meanwhile (a message queued again after its markers lapsed)
            started = time.monotonic()
            try:
                draw_into_cache(key, html, latest)
            finally:
                HEAVY_WORK.spend(user_id, time.monotonic() - started)
    finally:
        if cache_get(account_marker(user_id)) == key:
            cache_delete(account_marker(user_id))
        cache_delete(drawing_marker(key))
