"""Probe 31: three staff accounts each saving a file slow to check (one save with files per account at a time) held
every gunicorn worker; the public page went from 0,06 s to 6,9 s at p90. Reading uploaded files takes one of the
same PRINT_CONCURRENT_DRAWS slots as drawing a PDF, over all accounts: with every slot held by others, a save with
files, a workbook upload and an import of values are refused at once (503, what was typed kept), never queued in a
worker; once a slot is free they go through."""

from contextlib import ExitStack

from django.core.files.uploadedfile import SimpleUploadedFile

from binhson_plan.upload_lock import a_print_slot
from reports.models import Evidence
from targets.models import TargetValue
from tests.reports.editing.test_evidence import PDF
from tests.reports.helpers import ReportPage, current_report
from tests.reports.offline.workbook_helpers import DIFFICULTIES, download, upload
from tests.targets.test_import_limits import GOOD, post


def every_slot_held(settings) -> ExitStack:
    stack = ExitStack()
    assert all(stack.enter_context(a_print_slot()) for _ in range(settings.PRINT_CONCURRENT_DRAWS))
    return stack


def test_a_save_with_files_waits_for_a_free_slot(client, cast, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    code = report.task_entries.filter(role="lead").values_list("section__code", flat=True).first()
    page = ReportPage(report).lead(code, results="Nội dung đang gõ")

    def save():
        data = page.data() | {page.field("lead", code, "new_evidence"): SimpleUploadedFile("bb.pdf", PDF)}
        return client.post(f"/bao-cao/{report.pk}/", data)

    with every_slot_held(settings):
        response = save()
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Chưa lưu: máy chủ đang kiểm tra tệp của những người khác." in html and "Nội dung đang gõ" in html
    assert not Evidence.objects.exists()
    assert save().status_code == 302 and Evidence.objects.count() == 1
    # a save without files takes no slot: typing is never held up by others' files
    with every_slot_held(settings):
        assert (
            client.post(f"/bao-cao/{report.pk}/", ReportPage(report).lead(code, results="Sửa").data()).status_code
            == 302
        )


def test_a_workbook_upload_waits_for_a_free_slot(client, cast, plan, settings):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    book = download(client, report)
    book[DIFFICULTIES]["A2"] = "Thiếu cán bộ chuyên trách ở hai xã."
    with every_slot_held(settings):
        response = upload(client, report, book)
    assert response.status_code == 503
    assert "Máy chủ đang xử lý tệp của những người khác: chờ ít giây rồi tải lên lại." in response.content.decode()
    report.refresh_from_db()
    assert report.difficulties != "Thiếu cán bộ chuyên trách ở hai xã."
    assert upload(client, report, book).status_code == 302
    report.refresh_from_db()
    assert report.difficulties == "Thiếu cán bộ chuyên trách ở hai xã."


def test_an_import_of_values_waits_for_a_free_slot(client, cast, plan, settings):
    client.force_login(cast["vanphong"])
    with every_slot_held(settings):
        response = post(client, GOOD)
    assert response.status_code == 503
    assert "Máy chủ đang xử lý tệp của những người khác: chờ ít giây rồi nhập lại." in response.content.decode()
    assert not TargetValue.objects.filter(target__code="2025.01", year=2021).exists()
    assert post(client, GOOD).status_code == 302
    assert TargetValue.objects.filter(target__code="2025.01", year=2021).exists()
