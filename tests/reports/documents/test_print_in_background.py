"""A long print is drawn by a Celery job, never in the request (the 26th probe: twenty fields of 199 lines each held
a gunicorn worker 16 s, at will): a print of up to PRINT_INLINE_MAX_LINES laid-out lines (about 2 s of drawing) is
drawn in the request as before; a longer one (up to PRINT_MAX_LINES) is queued, the request answers 202 at once
with a page that reloads itself, and the reload is served the PDF the job put in the cache."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache

from binhson_plan.longtext import laid_out_lines
from reports.documents import pdf as pdf_module

pytestmark = pytest.mark.season


def print_of(client, report):
    return client.get(f"/bao-cao/{report.pk}/in/")


def lines_of(client, report, drawn) -> int:
    """The lines the report's print lays out (drawn once to learn them, then forgotten)."""
    assert print_of(client, report).status_code == 200
    lines = laid_out_lines(drawn.pop())
    cache.clear()
    return lines


def test_a_short_print_is_drawn_in_the_request_up_to_the_threshold_itself(
    client, cast, report, drawn, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(cast["canbo.ldtbxh"])
    assert lines_of(client, report, drawn) <= settings.PRINT_INLINE_MAX_LINES  # a real report, under the default
    with django_capture_on_commit_callbacks() as queued, django_assert_max_num_queries(25):
        response = print_of(client, report)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(drawn) == 1 and queued == []


def test_a_long_print_is_queued_answered_at_once_and_served_from_the_cache_on_reload(
    client, cast, report, drawn, settings, eager_jobs, django_capture_on_commit_callbacks
):
    client.force_login(cast["canbo.ldtbxh"])
    settings.PRINT_INLINE_MAX_LINES = lines_of(client, report, drawn) - 1
    with django_capture_on_commit_callbacks(execute=True) as queued:
        waiting = print_of(client, report)
        assert drawn == []  # nothing drawn inside the request
    page = " ".join(waiting.content.decode().split())
    assert waiting.status_code == 202 and waiting["Content-Type"].startswith("text/html")
    assert "Bản in đang được tạo…" in page
    path = waiting.wsgi_request.path  # the print's own address: reloaded by itself, and a link to do it by hand
    assert f'<meta http-equiv="refresh" content="5; url={path}">' in page and f'href="{path}"' in page
    assert len(queued) == 1 and len(drawn) == 1  # the job drew it once its request was done
    with django_capture_on_commit_callbacks() as again:
        response = print_of(client, report)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(drawn) == 1 and again == []  # from the cache


def test_a_second_request_while_the_print_is_drawn_does_not_queue_it_again(
    client, cast, report, drawn, settings, django_capture_on_commit_callbacks
):
    client.force_login(cast["canbo.ldtbxh"])
    settings.PRINT_INLINE_MAX_LINES = lines_of(client, report, drawn) - 1
    with django_capture_on_commit_callbacks() as queued:  # the worker has not taken it yet
        assert print_of(client, report).status_code == 202
        assert print_of(client, report).status_code == 202
    assert len(queued) == 1 and drawn == []
    # the account's print is still waiting: the same report changed by one character (other content, the probe's
    # way round the cache) is not queued beside it
    report.difficulties += "."
    report.save()
    with django_capture_on_commit_callbacks() as more:
        busy = print_of(client, report)
    assert busy.status_code == 429 and "Bản in đang được tạo, xin chờ ít giây" in busy.content.decode()
    assert more == [] and drawn == []


def test_a_print_the_job_cannot_draw_in_time_is_refused_with_a_word_on_reload(
    client, cast, report, drawn, settings, monkeypatch, eager_jobs, django_capture_on_commit_callbacks
):
    client.force_login(cast["canbo.ldtbxh"])
    settings.PRINT_INLINE_MAX_LINES = lines_of(client, report, drawn) - 1
    settings.PRINT_DRAW_SECONDS = 15
    from reports.documents.jobs import draw_print_job

    assert draw_print_job.soft_time_limit and draw_print_job.time_limit > draw_print_job.soft_time_limit

    def out_of_time(html, **kwargs):
        drawn.append(html)
        raise SoftTimeLimitExceeded()  # what Celery raises in the job at its soft time limit

    monkeypatch.setattr(pdf_module, "render_pdf", out_of_time)
    with django_capture_on_commit_callbacks(execute=True):
        assert print_of(client, report).status_code == 202
    assert len(drawn) == 1
    refused = print_of(client, report)
    page = " ".join(refused.content.decode().split())
    assert refused.status_code == 413 and "Báo cáo quá dài để in trên cổng" in page
    assert "chưa dàn trang xong sau 15 giây" in page and "Hãy tải tệp Excel của báo cáo" in page
    assert len(drawn) == 1  # not queued nor drawn again


def test_a_print_with_a_word_longer_than_a_line_is_drawn_in_the_background(
    client, cast, report, drawn, settings, django_capture_on_commit_callbacks
):
    """The 28th probe: one field of 20 000 characters without a space counted 223 lines, under the threshold, and its
    drawing in the request took 9 s (a word longer than a line is broken by trying its characters): such a word
    counts LONG_WORD_COST times its lines, so the print goes to the queue."""
    from tests.reports.helpers import ReportPage

    client.force_login(cast["canbo.ldtbxh"])
    code = report.task_entries.filter(role="lead").order_by("section__position").first().section.code
    saved = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, results="x" * 20_000).data())
    assert saved.status_code == 302
    with django_capture_on_commit_callbacks() as queued:
        response = print_of(client, report)
    assert response.status_code == 202 and drawn == [] and len(queued) == 1
