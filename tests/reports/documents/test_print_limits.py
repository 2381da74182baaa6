"""A report's print cannot take the portal down (issue 17): its PDF is drawn inside the request, so one account
draws one print at a time (a second meanwhile answers 429 "xin chờ ít giây"), at most PRINT_CONCURRENT_DRAWS are
drawn at once across accounts (503 "máy chủ đang bận" past them), and a print of unchanged content is taken from
the cache however many minutes later, though a draft's print names the minute it was made."""

import pytest
from django.core.cache import cache

from binhson_plan.upload_lock import a_print_slot, one_print_at_a_time
from reports.documents import pdf as pdf_module
from tests.reports.helpers import on

pytestmark = pytest.mark.season


def print_of(client, report):
    return client.get(f"/bao-cao/{report.pk}/in/")


def test_a_second_print_of_the_account_meanwhile_is_refused_with_429(
    client, cast, report, drawn, django_assert_max_num_queries
):
    client.force_login(cast["canbo.ldtbxh"])
    with one_print_at_a_time(cast["canbo.ldtbxh"]) as ours:  # the account's first print, still being drawn
        assert ours
        with django_assert_max_num_queries(15):  # the print's own reads, nothing drawn
            refused = print_of(client, report)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert "Bản in đang được tạo, xin chờ ít giây rồi tải lại." in refused.content.decode()
    assert drawn == []  # nothing drawn for it
    assert print_of(client, report).status_code == 200  # once the first is done
    assert len(drawn) == 1


def test_no_print_is_drawn_while_every_slot_is_held_by_other_accounts(
    client, cast, report, drawn, settings, eager_jobs
):
    """Without a worker (`make run`, jobs in-process): refused, 503."""
    settings.PRINT_CONCURRENT_DRAWS = 2
    client.force_login(cast["canbo.ldtbxh"])
    with a_print_slot() as first, a_print_slot() as second:  # two prints of other accounts being drawn
        assert first and second
        busy = print_of(client, report)
    assert busy.status_code == 503
    assert "Máy chủ đang bận" in busy.content.decode()
    assert drawn == []
    with a_print_slot() as first:  # one slot free again
        assert first
        assert print_of(client, report).status_code == 200
    assert len(drawn) == 1


def test_with_every_slot_held_a_worker_draws_the_print_instead_of_a_refusal(
    client, cast, report, drawn, settings, django_capture_on_commit_callbacks
):
    """Probe 29: thirteen accounts printing at once around the due date, nine got 503 "máy chủ đang bận". With a
    worker (production), the print goes to it and the page reloads itself until the PDF is there."""
    from binhson_plan.celery import app

    settings.PRINT_CONCURRENT_DRAWS = 2
    client.force_login(cast["canbo.ldtbxh"])
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        with a_print_slot() as first, a_print_slot() as second, django_capture_on_commit_callbacks() as queued:
            assert first and second
            waiting = print_of(client, report)
    finally:
        app.conf.task_always_eager = eager
    assert waiting.status_code == 202 and "Bản in đang được tạo…" in " ".join(waiting.content.decode().split())
    assert len(queued) == 1 and drawn == []  # handed to the worker, nothing drawn in the request


def test_the_locks_are_released_after_a_print_and_after_a_print_that_failed(client, cast, report, monkeypatch):
    owner = cast["canbo.ldtbxh"]
    client.force_login(owner)
    assert print_of(client, report).status_code == 200
    assert cache.get(f"viec-nang:{owner.pk}") is None
    assert all(cache.get(f"print-slot:{slot}") is None for slot in range(2))

    def broken(html, **kw):
        raise RuntimeError("WeasyPrint gặp lỗi")

    monkeypatch.setattr(pdf_module, "render_pdf", broken)
    report.difficulties = "Nội dung mới, chưa có trong bộ nhớ đệm."
    report.save()
    with pytest.raises(RuntimeError):
        print_of(client, report)
    assert cache.get(f"viec-nang:{owner.pk}") is None
    assert all(cache.get(f"print-slot:{slot}") is None for slot in range(2))
    with one_print_at_a_time(owner) as ours, a_print_slot() as slot:
        assert ours and slot


def test_a_print_of_unchanged_content_minutes_later_is_not_drawn_again(client, cast, report, drawn):
    report.difficulties = "Thiếu kinh phí đối ứng."
    report.save()
    with on("2026-11-20", "10:00"):
        client.force_login(cast["canbo.ldtbxh"])
        first = print_of(client, report)
    with on("2026-11-20", "10:07"):  # another minute: "Bản in lúc" would say another time
        client.force_login(cast["canbo.ldtbxh"])
        again = print_of(client, report)
    assert first.status_code == again.status_code == 200
    assert len(drawn) == 1
    assert again.content == first.content  # the PDF drawn at 10:00, which says so
    assert "Bản in lúc 10:00 20/11/2026" in drawn[0]
    with on("2026-11-20", "10:09"):
        client.force_login(cast["canbo.ldtbxh"])
        report.difficulties = "Thiếu kinh phí đối ứng và cán bộ chuyên trách."
        report.save()
        changed = print_of(client, report)
    assert changed.status_code == 200 and len(drawn) == 2 and changed.content != first.content
    assert "Bản in lúc 10:09 20/11/2026" in drawn[1]


def test_the_year_s_zip_of_workbooks_is_made_under_the_prints_limits(client, cast, report, settings):
    """The tenth probe: nine reviewer tabs asking for the year's zip at once held every worker for 13 s."""
    client.force_login(cast["vanphong"])
    url = f"/ky-bao-cao/{report.cycle.pk}/excel.zip"
    with one_print_at_a_time(cast["vanphong"]) as ours:
        assert ours
        refused = client.get(url)
    assert refused.status_code == 429 and refused["Retry-After"] == "10"
    page = refused.content.decode()
    assert "<title>Tệp nén chưa tạo được" in page and "Tệp nén của tài khoản này đang được tạo" in page
    held = [a_print_slot() for _ in range(settings.PRINT_CONCURRENT_DRAWS)]
    assert all(slot.__enter__() for slot in held)  # every slot drawn by other accounts
    try:
        assert client.get(url).status_code == 503
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_an_account_printing_changed_content_again_and_again_keeps_one_pdf_in_the_cache(
    client, cast, report, drawn, monkeypatch
):
    """Probe 30: each print of a changed report kept its PDF for a day in Redis (also the job queue): one account
    changing a character and printing left 45 PDFs in 30 s. The last print of a report for a reader replaces the
    one before it."""
    from reports.documents import jobs

    kept = []
    real = jobs.cache_set
    monkeypatch.setattr(jobs, "cache_set", lambda key, value, t: (kept.append(key), real(key, value, t)))
    client.force_login(cast["canbo.ldtbxh"])
    for number in range(3):
        report.difficulties = f"Nội dung lần {number}."
        report.save()
        assert print_of(client, report).status_code == 200
    pdfs = [key for key in kept if key.startswith("in-bao-cao:")]
    assert len(pdfs) == 3 and len(drawn) == 3
    assert [cache.get(key) is not None for key in pdfs] == [False, False, True]
    assert print_of(client, report).content.startswith(b"%PDF-") and len(drawn) == 3  # the last, from the cache


def test_an_account_uploading_does_not_also_print_meanwhile(client, cast, report, drawn, settings):
    """Probe 32: one account saving slow files in one tab and printing changed content in another held both slots
    for heavy work, and every other account's uploads were refused. An account does one heavy work at a time."""
    from binhson_plan.upload_lock import one_upload_at_a_time

    client.force_login(cast["canbo.ldtbxh"])
    with one_upload_at_a_time(cast["canbo.ldtbxh"]) as uploading:  # its save with a file, being checked
        assert uploading
        busy = print_of(client, report)
    assert busy.status_code == 429 and drawn == []
    assert print_of(client, report).status_code == 200
