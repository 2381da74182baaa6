"""Probe 32: what one account may take of the server is bounded over time, not only at once.

- Two accounts looping files slow to check (each refused after 3–6 s) kept both slots for heavy work busy: every
  other account's uploads and the reviewer's year zip answered 503 while the loop ran. An account now has at most
  HEAVY_WORK_SECONDS of heavy work (files read, prints drawn, workbooks written) every ten minutes; past it, 429 with
  the minute it is whole again, what was typed kept, and other accounts are not touched.
- One account saving 14 fields of 20 000 characters 60 times grew the database by 35 MB in 15 s. An account's saves
  now change at most SAVED_TEXT_BYTES_PER_DAY of text a day; past it, 429 with what was typed kept, nothing written.

The allowances are made small here so that a few real requests use them up; the requests are the real ones."""

import datetime
import random
import re

import pytest
from django.test import override_settings

from reports.models import AgencyReport
from tests.conftest import PortalClient
from tests.reports.editing.test_evidence import PDF, upload
from tests.reports.helpers import ReportPage, current_report, on
from tests.reports.offline.workbook_helpers import DIFFICULTIES, download
from tests.reports.offline.workbook_helpers import upload as upload_workbook
from tests.targets.test_import_limits import GOOD, post

pytestmark = pytest.mark.season

SPENT = (
    "Tài khoản này đã dùng hết thời gian máy chủ dành cho việc nặng (dựng báo cáo tổng hợp, kiểm tra tệp, tạo bản in: "
    "0,001 giây mỗi 10 phút)"
)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def said_until(html: str) -> tuple[str, str]:
    """The day and time the refusal says to wait for, as `on` takes them."""
    clock, day = re.search(r"xin chờ đến (\d\d:\d\d) ngày (\d\d/\d\d/\d{4}) rồi thử lại", html).groups()
    return datetime.datetime.strptime(day, "%d/%m/%Y").strftime("%Y-%m-%d"), clock


@override_settings(HEAVY_WORK_SECONDS=0.001)
def test_an_account_past_its_heavy_work_waits_until_it_has_leaked_away(client, cast, plan):
    """With 0,001 s given back every ten minutes, the first upload's check fills the account's bucket for days: the
    page says until when, the edge of a ten-minute window gives nothing back (probe 33), the said minute does."""
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    with on("2026-11-20", "14:29:30"):  # just before a window's edge
        assert upload(client, report, "bien-ban-1.pdf", PDF).status_code == 302  # its check took more than 1 ms
        response = upload(client, report, "bien-ban-2.pdf", PDF)
        html = response.content.decode()
        assert response.status_code == 429 and int(response["Retry-After"]) > 3600
        assert f"Chưa lưu: {SPENT}: xin chờ đến " in html
        day, clock = said_until(html)
        assert "Có minh chứng kèm theo." in html  # what was typed stays
        assert report.task_entries.get(section__code="III.3.b.3").evidence.count() == 1
        # the same allowance for every heavy work of the account: a print, a workbook upload
        printed = client.get(f"/bao-cao/{report.pk}/in/")
        assert printed.status_code == 429 and SPENT in printed.content.decode()
        book = download(client, report)
        book[DIFFICULTIES]["A2"] = "Thiếu cán bộ chuyên trách."
        uploaded = upload_workbook(client, report, book)
        assert uploaded.status_code == 429 and SPENT in uploaded.content.decode()
        # a save without files takes no heavy work: typing is never held up
        code = "III.3.b.3"
        saved = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, results="Sửa").data())
        assert saved.status_code == 302
        # other accounts are not touched
        other = current_report(plan, "GDDT")
        client.force_login(cast["canbo.gddt"])
        assert upload(client, other, "bien-ban.pdf", PDF, code=_a_lead(other)).status_code == 302
    with on("2026-11-20", "14:30:05"):  # a new ten minutes of the clock: nothing given back but 35 s' worth
        client.force_login(cast["canbo.ldtbxh"])
        assert upload(client, report, "bien-ban-3.pdf", PDF).status_code == 429
    with on("2026-11-20", "15:00"):  # the bucket is kept until it has leaked away, not forgotten after ten minutes
        client.force_login(cast["canbo.ldtbxh"])
        assert upload(client, report, "bien-ban-3.pdf", PDF).status_code == 429
    with on(day, f"{clock}:30"):  # the minute the page said
        client.force_login(cast["canbo.ldtbxh"])
        assert upload(client, report, "bien-ban-3.pdf", PDF).status_code == 302


@override_settings(HEAVY_WORK_SECONDS=0.001)
def test_a_reviewer_past_its_heavy_work_waits_to_import_and_zip(client, cast, plan):
    client.force_login(cast["vanphong"])
    with on("2026-11-20", "09:55"):
        assert post(client, GOOD).status_code == 302
        refused = post(client, GOOD)
        assert refused.status_code == 429
        assert f"{SPENT}: xin chờ đến " in refused.content.decode()
        cycle = current_report(plan, "LDTBXH").cycle
        zipped = client.get(f"/ke-hoach/{plan.slug}/ky-bao-cao/{cycle.pk}/excel.zip")
        assert zipped.status_code == 429 and SPENT in zipped.content.decode()


def _a_lead(report) -> str:
    return report.task_entries.filter(role="lead").values_list("section__code", flat=True).first()


LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ "


def long_text(seed: int) -> str:
    """20 000 characters (the limit of a field) of Vietnamese letters, different for each seed: ≈ 45 000 bytes."""
    return "".join(random.Random(seed).choices(LETTERS, k=20_000))


@override_settings(SAVED_TEXT_BYTES_PER_DAY=150_000)
def test_long_texts_saved_in_a_loop_stop_at_the_days_allowance(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    code = _a_lead(report)
    client.force_login(cast["canbo.ldtbxh"])

    def save(seed):
        return client.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, results=long_text(seed)).data())

    with on("2026-11-20", "15:00"):
        size = len(long_text(0).encode())
        assert 40_000 < size < 50_000
        answers = [save(seed).status_code for seed in range(6)]
        assert answers == [302] * (150_000 // size) + [429] * (6 - 150_000 // size)
        saved = AgencyReport.objects.get(pk=report.pk)
        history = saved.history.count() + report.task_entries.get(section__code=code).history.count()
        response = save(99)
        html = response.content.decode()
        assert response.status_code == 429
        assert "Chưa lưu: hôm nay tài khoản này đã ghi 0,1 MB nội dung vào báo cáo" in html
        assert (
            "quá mức 0,1 MB một ngày (cả một báo cáo thường dưới 0,3 MB). Xin lưu lại sau 00:00 ngày 21/11/2026."
            in html
        )
        assert long_text(99)[:200] in html  # what was typed stays
        entry = report.task_entries.get(section__code=code)
        assert entry.results == long_text(150_000 // size - 1)
        assert saved.history.count() + entry.history.count() == history  # nothing written, not even history
        # the workbook is the same text by another way
        book = download(client, report)
        book[DIFFICULTIES]["A2"] = long_text(7)
        refused = upload_workbook(client, report, book)
        assert refused.status_code == 422 and "quá mức 0,1 MB một ngày" in refused.content.decode()
        # a save that changes no text costs nothing (so a report can still be sent)
        assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data()).status_code == 302
        # another account is not touched
        other = current_report(plan, "GDDT")
        client.force_login(cast["canbo.gddt"])
        page = ReportPage(other).lead(_a_lead(other), results=long_text(1))
        assert client.post(f"/bao-cao/{other.pk}/", page.data()).status_code == 302
    with on("2026-11-21", "07:30"):  # the next day: whole again
        client.force_login(cast["canbo.ldtbxh"])
        assert save(100).status_code == 302


@override_settings(SAVED_TEXT_BYTES_PER_DAY=150_000)
def test_a_number_changed_again_and_again_beside_a_long_text_counts_the_row_it_writes(client, cast, plan):
    """Probe 33: a long text saved once, then a budget changed by one đồng in a loop: each save wrote the task's row
    again, its long text with it, into the row's history (52 MB in 48 s), and the allowance counted none of it."""
    report = current_report(plan, "LDTBXH")
    code = _a_lead(report)
    client.force_login(cast["canbo.ldtbxh"])

    def save(**fields):
        return client.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, **fields).data())

    with on("2026-11-20", "15:00"):
        assert save(results=long_text(0), budget_used="150000000").status_code == 302  # ≈ 45 kB written
        entry = report.task_entries.get(section__code=code)
        rows = entry.history.count()
        answers = [save(budget_used=str(150_000_001 + n)).status_code for n in range(4)]
        assert answers == [302, 302, 429, 429]  # the row, long text and all, written again each time
        assert entry.history.count() == rows + 2
        entry.refresh_from_db()
        assert entry.budget_used == 150_000_002
        # a save that changes nothing writes nothing, and costs nothing
        assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data()).status_code == 302
        assert entry.history.count() == rows + 2


@override_settings(HEAVY_WORK_SECONDS=0.001, PRINT_INLINE_MAX_LINES=1)
def test_a_long_print_drawn_by_the_worker_counts_as_the_accounts_heavy_work(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    """Probe 33: four accounts looping long prints, each drawn by the Celery worker, made the consolidated build 3,5
    times slower; the worker's drawing was charged to no one. It is the asking account's heavy work."""
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    with on("2026-11-20", "14:00"):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 202  # queued, drawn by the job
        assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 200  # its PDF, kept: no more work
        code = _a_lead(report)
        assert (
            client.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, results="Sửa").data()).status_code
            == 302
        )
        with django_capture_on_commit_callbacks(execute=True) as queued:
            refused = client.get(f"/bao-cao/{report.pk}/in/")  # a new content to draw
        assert refused.status_code == 429 and SPENT in refused.content.decode() and queued == []
        # another account's print is drawn
        other = current_report(plan, "GDDT")
        client.force_login(cast["canbo.gddt"])
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(f"/bao-cao/{other.pk}/in/").status_code == 202


def test_an_account_asking_without_pause_is_held_back_and_others_are_served(
    client, cast, plan, settings, django_assert_max_num_queries
):
    """Probe 34: one account asking 10 times a second for its own report filled to the form's limits (100 ms each,
    within nginx's 10 a second) kept the 3 workers busy: everyone's pages 17–36 times slower. An account's requests
    now spend the time taken to answer them from its share; past it, 429 at once, cheaply, with the minute."""
    settings.ACCOUNT_REQUEST_SECONDS = 0.3  # 0,3 s given back every 150 s
    report, other = current_report(plan, "LDTBXH"), current_report(plan, "GDDT")
    client.force_login(cast["canbo.ldtbxh"])
    with on("2026-11-20", "09:00"):
        statuses = [client.get(f"/bao-cao/{report.pk}/").status_code for _ in range(40)]
        assert statuses[0] == 200 and 429 in statuses
        assert set(statuses[statuses.index(429) :]) == {429}  # held back until it has leaked away
        with django_assert_max_num_queries(2):  # the session and the user: the refusal costs no more
            refused = client.get(f"/bao-cao/{report.pk}/excel/")
        html = refused.content.decode()
        assert refused.status_code == 429 and int(refused["Retry-After"]) >= 60
        assert "Tài khoản đang gửi quá nhiều yêu cầu" in html
        assert re.search(r"Xin chờ đến <strong>\d\d:\d\d</strong> rồi bấm", html)
        neighbour = PortalClient()
        neighbour.force_login(cast["canbo.gddt"])
        assert neighbour.get(f"/bao-cao/{other.pk}/").status_code == 200  # another account is not touched
        assert PortalClient().get(f"/cong-khai/{plan.slug}/").status_code == 200  # nor a visitor
    with on("2026-11-20", "09:30"):  # 3,6 s given back since
        assert client.get(f"/bao-cao/{report.pk}/").status_code == 200
