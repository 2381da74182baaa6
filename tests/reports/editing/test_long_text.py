"""Long typed text cannot make a print or a build slow (issue 17): a text field holds at most 200 lines with writing
(refused next to the field, everything typed kept), a print lays out only the lines with writing, a long target
note goes below the table, and the consolidated report quotes an agency's long text with a note. The bounds are
asserted in pages, never in seconds."""

import datetime
import logging
import random
import re
import subprocess

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.utils import timezone

from binhson_plan.longtext import LINE_LIMIT, LONG_WORD_COST, QUOTE_LIMIT, laid_out_lines
from reports.consolidated import build
from reports.consolidated.build import build_consolidated_report
from reports.consolidated.jobs import build_consolidated_report_job, requeue_stalled
from reports.consolidated.models import ConsolidatedReport
from reports.models import ReportState
from tests.reports.helpers import ReportPage, on
from tests.reports.real_year import flat, pdf_text

PATHOLOGICAL = "a\n" * 9995  # 19 990 characters, within the 20 000-character limit: 9 995 lines
WORDS = (
    "thực hiện chương trình hỗ trợ đồng bào dân tộc thiểu số về nhà ở đất sản xuất nước sinh hoạt giáo dục y tế "
    "văn hóa kết quả đạt được trong năm xã Bình Chánh Bình Khương Bình An hộ nghèo"
).split()


def prose(length: int = 20_000, seed: int = 1) -> str:
    """Realistic prose at `length` characters: sentences in paragraphs of a few sentences each."""
    rnd, text = random.Random(seed), ""
    while True:
        sentence = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 25))).capitalize() + "."
        sentence += "\n" if rnd.random() < 0.2 else " "
        if len(text) + len(sentence) > length:
            return text.strip()
        text += sentence


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def fill(report, text) -> int:
    """Every text field of the report set to `text` through the ORM (as data saved before the limit existed)."""
    fields = 0
    for entry in report.task_entries.all():
        names = ["results", "shortcomings", "next_steps"] if entry.role == "lead" else ["results"]
        for name in names:
            setattr(entry, name, text)
        entry.save()
        fields += len(names)
    for entry in report.target_entries.all()[:3]:
        entry.note = text
        entry.save()
        fields += 1
    report.proposals.create(text=text)
    report.difficulties = text
    report.save()
    return fields + 2


def test_thousands_of_lines_are_refused_next_to_the_field_and_everything_typed_is_kept(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    code = report.task_entries.filter(role="lead").first().section.code
    page.lead(code, results=PATHOLOGICAL, shortcomings="Thiếu kinh phí.")
    page.values["difficulties"] = "Địa bàn rộng."
    response = client.post(f"/bao-cao/{report.pk}/", page.data("save"))
    assert response.status_code == 422
    html = response.content.decode()
    assert f"Tối đa {LINE_LIMIT} dòng có chữ (đã nhập 9.995 dòng)" in html
    assert "a\n" * 9995 in html.replace("\r\n", "\n")  # the text itself comes back whole, to be shortened
    assert "Thiếu kinh phí." in html and "Địa bàn rộng." in html
    report.refresh_from_db()
    assert report.version == 0 and report.difficulties == ""  # nothing half-saved


def test_empty_lines_do_not_count_and_the_limit_itself_is_accepted(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report)
    typed = "\n\n\n".join(f"- Xã {n}: 12 hộ" for n in range(LINE_LIMIT)) + "\n" * 5000
    page.values["difficulties"] = typed
    assert client.post(f"/bao-cao/{report.pk}/", page.data("save")).status_code == 302
    report.refresh_from_db()
    assert report.difficulties == typed.strip()  # kept as typed, empty lines and all


def test_text_saved_with_thousands_of_lines_prints_in_a_few_pages(client, cast, report):
    """Saved before the limit (or written around the form): the print lays out the lines with writing, at most
    200 a field, the rest run on; 9 995 lines printed one a line were 230 pages a field."""
    entry = report.task_entries.filter(role="lead").first()
    entry.results = PATHOLOGICAL
    entry.save()
    report.difficulties = "\n" * 19_000 + "Hết."
    report.save()
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get(f"/bao-cao/{report.pk}/in/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert pages(response.content) <= 12


def test_a_full_length_report_prints(client, cast, report, eager_jobs, django_capture_on_commit_callbacks):
    text = prose()
    assert len(text) > 19_500 and text.count("\n") < LINE_LIMIT
    fields = fill(report, text)
    client.force_login(cast["canbo.ldtbxh"])
    with django_capture_on_commit_callbacks(execute=True):  # long: drawn by a job, the request answers at once
        assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 202
    response = client.get(f"/bao-cao/{report.pk}/in/")
    assert response.status_code == 200
    # about 6 pages of prose a field; the target notes below the table, not in cells spanning pages
    assert pages(response.content) <= 7 * fields


def test_a_report_far_past_any_real_one_is_not_drawn_inside_the_request(client, cast, report, monkeypatch):
    """The third probe: every field at its limit and fifty proposals of 20 000 characters took 43 s to draw, past
    gunicorn's 30 s. Such a report is refused with a word, never drawn; its workbook still holds it."""
    from reports.models import Proposal

    fill(report, prose())
    Proposal.objects.bulk_create(Proposal(report=report, position=n, text=prose(seed=n)) for n in range(1, 51))
    drawn = []
    monkeypatch.setattr("reports.documents.pdf.render_pdf", lambda html, **kwargs: drawn.append(html) or b"%PDF-")
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get(f"/bao-cao/{report.pk}/in/")
    page = response.content.decode()
    assert response.status_code == 413 and drawn == []
    assert "Báo cáo quá dài để in trên cổng" in page and "Hãy tải tệp Excel của báo cáo" in page
    assert client.get(f"/bao-cao/{report.pk}/excel/").status_code == 200


def test_a_report_of_thousands_of_short_lines_is_refused_though_its_characters_are_few(
    client, cast, report, monkeypatch, eager_jobs, django_capture_on_commit_callbacks
):
    """The fourth probe: reports of some 16 000 short lines each, far under the old cap of 600 000 characters of
    HTML, took past gunicorn's 30 s when two were drawn at once. The cap counts the lines a print lays out."""
    from reports.models import Proposal

    short = "a\n" * LINE_LIMIT  # every field at the line limit, each line one letter
    fill(report, short)
    Proposal.objects.bulk_create(Proposal(report=report, position=n, text=short) for n in range(1, 41))
    drawn = []
    monkeypatch.setattr("reports.documents.pdf.render_pdf", lambda html, **kwargs: drawn.append(html) or b"%PDF-")
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get(f"/bao-cao/{report.pk}/in/")
    page = " ".join(response.content.decode().split())
    assert response.status_code == 413 and drawn == []
    lines = int(re.search(r"khoảng ([\d.]+) dòng", page).group(1).replace(".", ""))
    assert lines > 10_000 and f"tối đa {django_settings.PRINT_MAX_LINES:,} dòng".replace(",", ".") in page
    # the same report with a few of its proposals prints: the cap is in lines, not in fields or proposals
    Proposal.objects.filter(report=report, position__gt=5).delete()
    with django_capture_on_commit_callbacks(execute=True):  # long: drawn by a job, the request answers at once
        assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 202
    assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 200 and len(drawn) == 1


def test_a_print_not_drawn_in_time_is_stopped_refused_with_a_word_and_not_tried_again(
    client, cast, report, settings, monkeypatch, eager_jobs, django_capture_on_commit_callbacks
):
    """The fifth probe: text in scripts slow to lay out ("ᙱم ", six times a Latin line's cost) stayed under the cap
    on lines and took past gunicorn's timeout, a worker killed at every try. The drawing is stopped on the clock."""
    from reports.documents import pdf as pdf_module

    settings.PRINT_DRAW_SECONDS = 0.5  # the report below takes seconds to draw
    drawn, real = [], pdf_module.render_pdf
    monkeypatch.setattr(pdf_module, "render_pdf", lambda html, **kw: drawn.append(kw) or real(html, **kw))
    fill(report, ("\u1671\u0645 " * 7000)[:19_990])
    client.force_login(cast["canbo.ldtbxh"])
    with django_capture_on_commit_callbacks(execute=True):  # long: drawn by a job, the request answers at once
        assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 202
    response = client.get(f"/bao-cao/{report.pk}/in/")
    page = " ".join(response.content.decode().split())
    assert response.status_code == 413 and drawn == [{"seconds": 0.5}]
    assert "Báo cáo quá dài để in trên cổng" in page and "chưa dàn trang xong sau 0,5 giây" in page
    assert "Hãy tải tệp Excel của báo cáo" in page
    assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 413 and len(drawn) == 1  # not drawn again
    fill(report, "Đã triển khai theo kế hoạch.")  # changed: drawn again, and the account's lock was let go
    settings.PRINT_DRAW_SECONDS = 15
    assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 200 and len(drawn) == 2


def test_a_word_longer_than_the_line_wraps_inside_the_page(client, cast, report, settings):
    """The fifth probe: 19 990 × "x" ran off the page's edge on one line. It wraps: some 220 lines, five pages."""
    settings.PRINT_INLINE_MAX_LINES = 10**6  # drawn here, as the job would (such a word is sent to the job)
    report.difficulties = "x" * 19_990
    report.save()
    client.force_login(cast["canbo.ldtbxh"])
    alone = pages(client.get(f"/bao-cao/{report.pk}/in/").content)
    report.difficulties = "x"
    report.save()
    assert alone - pages(client.get(f"/bao-cao/{report.pk}/in/").content) >= 4


def test_laid_out_lines_count_short_lines_and_long_paragraphs_alike():
    short = "<body><p>" + "<br>".join(["a"] * 300) + "</p></body>"
    long = f"<body><p>{'xxxxxxxx ' * 10 * 300}</p><table><tr><td>1</td><td>2</td></tr></table></body>"
    word = f"<body><p>{'x' * 90 * 300}</p></body>"
    assert laid_out_lines(short) == 300
    assert laid_out_lines(long) == 300 + 2  # 300 lines of a paragraph, one a cell
    assert laid_out_lines(word) == 300 * LONG_WORD_COST  # a word longer than a line: costly to break (28th probe)
    assert laid_out_lines("<head><style>p { margin: 0 }</style></head><body><p>&lt;b&gt;</p></body>") == 1


def test_characters_no_font_has_are_logged_once_a_print_not_once_each(client, cast, report, caplog, settings):
    settings.PRINT_INLINE_MAX_LINES = 10**6  # one word of 3 001 characters: drawn here, as the job would
    report.difficulties = "\U000f0000" * 3000 + "\U000f0001"  # private-use characters: no font has them
    report.save()
    client.force_login(cast["canbo.ldtbxh"])
    with caplog.at_level(logging.WARNING):
        assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 200
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]
    [summary] = [r.getMessage() for r in caplog.records if "không phông chữ nào có" in r.getMessage()]
    assert "3001 chỗ" in summary and "U+F0000, U+F0001" in summary


def test_a_long_target_note_is_printed_below_the_table(client, cast, report, tmp_path):
    entry = report.target_entries.select_related("target").first()
    entry.note = prose(2_000)
    entry.save()
    client.force_login(cast["canbo.ldtbxh"])
    path = tmp_path / "in.pdf"
    path.write_bytes(client.get(f"/bao-cao/{report.pk}/in/").content)
    text = flat(pdf_text(path))
    assert f"Xem ghi chú ({entry.target.code}) dưới bảng." in text
    assert f"Ghi chú ({entry.target.code}): {flat(entry.note)[:60]}" in text


def test_the_consolidated_build_with_a_full_length_report_succeeds_and_quotes_it(plan, report):
    text = prose()
    fill(report, text)
    report.state, report.submitted_at = ReportState.SUBMITTED, timezone.now()
    report.save()
    built = build_consolidated_report(ConsolidatedReport.request(plan, 2026).pk)
    assert built.state == "ready", built.error
    body = flat(pdf_text(built.pdf.path))
    assert "[trích" in body and "toàn văn trong báo cáo của đơn vị" in body
    assert flat(text[: QUOTE_LIMIT // 2]) in body.replace("- ", "-")
    assert pages(open(built.pdf.path, "rb").read()) <= 150  # every quote at most 3 000 characters


def test_the_consolidated_build_with_thousands_of_lines_saved_around_the_form_stays_small(plan, report):
    fill(report, PATHOLOGICAL)
    report.state, report.submitted_at = ReportState.SUBMITTED, timezone.now()
    report.save()
    built = build_consolidated_report(ConsolidatedReport.request(plan, 2026).pk)
    assert built.state == "ready", built.error
    assert pages(open(built.pdf.path, "rb").read()) <= 80  # was thousands of pages, 200 s and 2,9 GB


def test_a_second_run_leaves_a_version_another_run_is_building(plan):
    """A version queued twice (the sweep requeued it while it waited behind another build, or the broker
    redelivered it) is built once: the second run finds the first still beating and leaves it."""
    version = ConsolidatedReport.request(plan, 2026)
    claim = timezone.now() - datetime.timedelta(minutes=1)
    ConsolidatedReport.objects.filter(pk=version.pk).update(state="building", started_at=claim, heartbeat_at=claim)
    assert requeue_stalled() == []  # still beating: the sweep leaves it
    build_consolidated_report_job.apply(args=[version.pk])
    version.refresh_from_db()
    assert version.state == "building" and version.started_at == claim  # not taken over, not built twice


def test_a_message_given_again_because_its_worker_died_takes_the_build_over(plan):
    """The broker gives an unacknowledged message again when its worker died: that run is dead though its last
    beat is recent, so this one builds the version (tests/reports/consolidated/test_worker.py kills a real worker)."""
    version = ConsolidatedReport.request(plan, 2026)
    claim = timezone.now() - datetime.timedelta(minutes=1)
    ConsolidatedReport.objects.filter(pk=version.pk).update(state="building", started_at=claim, heartbeat_at=claim)
    build.build_consolidated_report(version.pk, taking_over=True)
    version.refresh_from_db()
    assert version.state == "ready" and version.started_at > claim


def test_a_build_stops_before_the_sweep_would_take_it_for_dead(plan, monkeypatch):
    stale = django_settings.REPORT_BUILD_STALE_MINUTES * 60
    assert build_consolidated_report_job.soft_time_limit < build_consolidated_report_job.time_limit < stale

    def too_slow(data):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr("reports.consolidated.pdf.consolidated_pdf", too_slow)
    version = ConsolidatedReport.request(plan, 2026)
    with pytest.raises(SoftTimeLimitExceeded):
        build.build_consolidated_report(version.pk)
    version.refresh_from_db()
    assert version.state == "failed" and "quá thời gian cho phép" in version.error
    later = timezone.now() + datetime.timedelta(minutes=60)
    assert requeue_stalled(now=later) == []  # failed, said so: not queued again and again


def test_the_offline_workbook_refuses_thousands_of_lines_in_a_cell(client, cast, report):
    from tests.reports.offline.workbook_helpers import LEAD, download, errors_of, upload

    client.force_login(cast["canbo.ldtbxh"])
    book = download(client, report)
    book[LEAD]["E3"] = PATHOLOGICAL
    response = upload(client, report, book)
    assert response.status_code == 422
    assert f"dòng 3, cột E (Tồn tại, hạn chế và nguyên nhân): Tối đa {LINE_LIMIT} dòng có chữ" in errors_of(response)
    assert not report.task_entries.exclude(shortcomings="").exists()  # nothing saved


def test_a_print_repeated_is_not_laid_out_again_until_what_it_prints_changes(client, cast, report, monkeypatch):
    from reports.documents import pdf as pdf_module

    laid_out = []
    real = pdf_module.render_pdf
    monkeypatch.setattr(pdf_module, "render_pdf", lambda html, **kw: laid_out.append(html) or real(html, **kw))
    report.difficulties = prose(5_000)
    report.save()
    with on("2026-11-20", "10:00"):  # the print names the minute it was made; all these within one minute
        client.force_login(cast["canbo.ldtbxh"])
        first = client.get(f"/bao-cao/{report.pk}/in/")
        for _ in range(5):  # the probe's repeated prints
            assert client.get(f"/bao-cao/{report.pk}/in/").content == first.content
        assert len(laid_out) == 1
        report.difficulties = "Thiếu kinh phí đối ứng."
        report.save()
        changed = client.get(f"/bao-cao/{report.pk}/in/")
        assert len(laid_out) == 2 and changed.content != first.content
        client.force_login(cast["vanphong"])  # another reader of a draft is refused, cache or not
        assert client.get(f"/bao-cao/{report.pk}/in/").status_code in (403, 404)
