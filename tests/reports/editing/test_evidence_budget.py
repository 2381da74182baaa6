"""The 27th probe: one save carrying many files slow to check (forty copies of its rows, each with a file) held a
worker until gunicorn killed it, three at once from one account stopped the public pages. A save's rows are the
report's, each once; its files are checked within one budget of time; one save with files per account at a time."""

import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from binhson_plan.upload_lock import one_upload_at_a_time
from reports.models import Evidence
from tests.reports.editing.test_evidence import PDF, catalog_pdf
from tests.reports.helpers import ReportPage

SLOW = catalog_pdf("/Filter /FlateDecode", lambda c: zlib.compress(c + b"/a " * 20_000_000), script=False)


def lead_codes(report) -> list[str]:
    return list(
        report.task_entries.filter(role="lead").order_by("section__position").values_list("section__code", flat=True)
    )


def test_a_save_repeating_the_reports_rows_is_refused_unread(client, cast, report, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).lead(lead_codes(report)[0], results="Kết quả")
    data = page.data()
    total = int(data["lead-TOTAL_FORMS"])
    copies = {key.replace("lead-0-", f"lead-{total + i}-"): value for i in range(3) for key, value in data.items()
              if key.startswith("lead-0-")}  # fmt: skip
    data |= copies | {"lead-TOTAL_FORMS": str(total + 3), "lead-INITIAL_FORMS": str(total + 3)}
    response = client.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.task_entries.get(section__code=lead_codes(report)[0], role="lead").results != "Kết quả"


def test_the_files_of_one_save_are_checked_within_one_budget(client, cast, report, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_CHECK_CPU_SECONDS = 1
    settings.EVIDENCE_CHECK_REQUEST_CPU_SECONDS = 1.2  # the first slow file spends it
    client.force_login(cast["canbo.ldtbxh"])
    first, second, third = lead_codes(report)[:3]
    page = ReportPage(report).lead(first, results="Một").lead(second, results="Hai").lead(third, results="Ba")
    data = page.data() | {
        page.field("lead", first, "new_evidence"): SimpleUploadedFile("cham-1.pdf", SLOW),
        page.field("lead", second, "new_evidence"): SimpleUploadedFile("cham-2.pdf", SLOW),
        page.field("lead", third, "new_evidence"): SimpleUploadedFile("nhanh.pdf", PDF),
    }
    response = client.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Tệp “cham-1.pdf” quá lớn hoặc quá phức tạp để kiểm tra" in html
    assert "Tệp “cham-2.pdf” chưa được nhận: lần lưu này đã dùng hết thời gian kiểm tra tệp" in html
    assert "Một" in html and "Hai" in html and "Ba" in html  # what was typed stays
    assert not Evidence.objects.exists()


def test_a_second_save_with_files_of_the_same_account_waits(client, cast, report, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast["canbo.ldtbxh"])
    code = lead_codes(report)[0]
    page = ReportPage(report).lead(code, results="Nội dung đang gõ")
    data = page.data() | {page.field("lead", code, "new_evidence"): SimpleUploadedFile("bb.pdf", PDF)}
    with one_upload_at_a_time(cast["canbo.ldtbxh"]) as held:  # another save of the account, being checked
        assert held
        response = client.post(f"/bao-cao/{report.pk}/", data)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Chưa lưu: một lần lưu khác có tệp đính kèm của anh/chị đang được kiểm tra" in html
    assert "Nội dung đang gõ" in html and not Evidence.objects.exists()
    response = client.post(
        f"/bao-cao/{report.pk}/", data | {page.field("lead", code, "new_evidence"): SimpleUploadedFile("bb.pdf", PDF)}
    )
    assert response.status_code == 302 and Evidence.objects.count() == 1  # the lock released, saved


def test_the_lock_of_a_save_whose_worker_was_killed_is_taken_over_at_once(client, cast, report, tmp_path, settings):
    """Probe 29: after a gunicorn worker was killed (SIGKILL) in a save with a file, the account's saves with files
    were refused for the lock's whole minute, "another save is being checked". A lock whose holder was a process of
    this machine that is gone is taken over; a live holder still makes the save wait."""
    import subprocess

    from django.core.cache import cache

    from binhson_plan import upload_lock

    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast["canbo.ldtbxh"])
    code = lead_codes(report)[0]
    page = ReportPage(report).lead(code, results="Nội dung đang gõ")
    key = f"viec-nang:{cast['canbo.ldtbxh'].pk}"

    def save():
        data = page.data() | {page.field("lead", code, "new_evidence"): SimpleUploadedFile("bb.pdf", PDF)}
        return client.post(f"/bao-cao/{report.pk}/", data)

    alive = subprocess.Popen(["sleep", "30"])
    try:
        cache.set(key, f"{upload_lock.HOST}:{alive.pid}:khoa-cua-mot-tien-trinh-con-song", 60)
        assert save().status_code == 429 and not Evidence.objects.exists()
    finally:
        alive.kill()
        alive.wait()
    # the same process number, now gone: its lock is stale (a worker killed mid-save)
    cache.set(key, f"{upload_lock.HOST}:{alive.pid}:khoa-cua-mot-tien-trinh-da-chet", 60)
    assert save().status_code == 302 and Evidence.objects.count() == 1
    assert cache.get(key) is None  # released by the save that took it over
    # a holder on another machine is never judged from here
    cache.set(key, f"may-khac:{alive.pid}:khoa", 60)
    assert save().status_code == 429
    cache.delete(key)
