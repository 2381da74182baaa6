"""Issue 17, finding 3: a save that began before the report was sent or approved must not land after it.

The attack: request A saves the report with a slow upload; meanwhile B submits it and C approves it; then A lands.
Before the fix A's save was accepted (submit and approve left the version alone) and its form wrote back the state
it had read, so the approved report became a draft again with A's text. Every save and every state change now
claims the same thing under a row lock: the version, which every state change bumps, and an editable state."""

import threading
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from reports.editing import forms as report_forms
from reports.models import AgencyReport, ReportAction
from reports.review import workflow
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, as_seen, post_seen

PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page
TASK = "III.3.b.3"


def _filled(report, cast) -> PortalClient:
    """The report saved with everything the submission needs, by its staff (logged in on the client returned)."""
    staff = PortalClient()
    staff.force_login(cast["canbo.ldtbxh"])
    assert staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data()).status_code == 302
    return staff


def _stale_save(report):
    """What A posts: a new text for the difficulties and a file, typed on the page as it was (version N)."""
    page = ReportPage(report)
    page.values["difficulties"] = "Khó khăn ghi sau khi duyệt."
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    return page.data() | {page.field("lead", TASK, "new_evidence"): upload}


def _submit_and_approve(report, cast):
    """B sends the report through the page, C approves it through the review URL."""
    sender, reviewer = PortalClient(), PortalClient()
    sender.force_login(cast["canbo.ldtbxh"])
    reviewer.force_login(cast["vanphong"])
    assert sender.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit")).status_code == 302
    assert post_seen(reviewer, f"/bao-cao/{report.pk}/duyet/").status_code == 302
    assert AgencyReport.objects.get(pk=report.pk).state == "approved"


def _assert_refused_and_kept(response, report, text_before):
    assert response.status_code == 409
    html = response.content.decode()
    assert "Báo cáo đang ở trạng thái “Đã duyệt”, không sửa được." in html
    assert "Nội dung bạn vừa nhập chưa được lưu, vẫn còn bên dưới để sao chép." in html
    assert "Khó khăn ghi sau khi duyệt." in html  # nothing typed is lost
    report.refresh_from_db()
    assert report.state == "approved"
    assert report.difficulties == text_before
    assert not report.task_entries.get(section__code=TASK).evidence.exists()
    assert report.events.filter(action=ReportAction.APPROVED).count() == 1


def test_a_stale_page_saved_after_the_report_was_sent_and_approved_is_refused(cast, report):
    staff = _filled(report, cast)
    stale = _stale_save(report)  # the edit page as loaded, at version N
    _submit_and_approve(report, cast)
    text_before = AgencyReport.objects.get(pk=report.pk).difficulties

    response = staff.post(f"/bao-cao/{report.pk}/", stale)
    _assert_refused_and_kept(response, report, text_before)


def test_a_save_under_way_while_the_report_is_sent_and_approved_does_not_land(cast, report):
    """The race on one connection: the upload's check (the slow part of A's request) is where B and C act."""
    staff = _filled(report, cast)
    stale = _stale_save(report)
    real_check = report_forms.check_evidence_file

    def slow_upload(upload):
        _submit_and_approve(report, cast)
        return real_check(upload)

    text_before = AgencyReport.objects.get(pk=report.pk).difficulties
    with mock.patch.object(report_forms, "check_evidence_file", slow_upload):
        response = staff.post(f"/bao-cao/{report.pk}/", stale)
    _assert_refused_and_kept(response, report, text_before)


def test_a_workbook_read_while_the_report_is_sent_and_approved_is_not_saved(cast, report):
    """The offline workbook goes through the same claim: one read before the approval is refused after it."""
    from reports.offline import upload as offline_upload
    from tests.reports.offline.workbook_helpers import DIFFICULTIES, download, upload

    staff = _filled(report, cast)
    book = download(staff, report)
    book[DIFFICULTIES]["A2"] = "Khó khăn ghi sau khi duyệt."
    real_check = offline_upload._check_identity

    def slow_read(book, report_read):
        real_check(book, report_read)
        _submit_and_approve(report, cast)

    text_before = AgencyReport.objects.get(pk=report.pk).difficulties
    with mock.patch.object(offline_upload, "_check_identity", slow_read):
        response = upload(staff, report, book)
    assert "Báo cáo đang ở trạng thái “Đã duyệt”, không sửa được. Không nhập được tệp Excel." in (
        response.content.decode()
    )
    report.refresh_from_db()
    assert report.state == "approved" and report.difficulties == text_before


def test_every_state_change_moves_the_version(cast, report):
    staff = _filled(report, cast)
    versions = [AgencyReport.objects.get(pk=report.pk).version]
    reviewer = PortalClient()
    reviewer.force_login(cast["vanphong"])
    steps = [
        lambda: staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit")),
        lambda: post_seen(reviewer, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung số liệu."}),
        lambda: staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit")),
        lambda: post_seen(reviewer, f"/bao-cao/{report.pk}/duyet/"),
        lambda: post_seen(reviewer, f"/bao-cao/{report.pk}/mo-lai/", {"reason": "Sửa một số liệu."}),
    ]
    for step in steps:
        assert step().status_code == 302
        versions.append(AgencyReport.objects.get(pk=report.pk).version)
    assert versions == sorted(set(versions)), versions  # each step a new version


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_postgresql_cannot_change_an_approved_report(cast, report):
    """Real concurrency: A runs in its own thread and database connection, held in its upload's check while B and
    C act from this thread; then A lands. Autocommit, as in production."""
    if connection.vendor != "postgresql":
        pytest.skip("the race is reproduced on PostgreSQL, the production database (.ci/run)")
    staff = _filled(report, cast)
    stale = _stale_save(report)
    text_before = AgencyReport.objects.get(pk=report.pk).difficulties
    real_check = report_forms.check_evidence_file
    a_is_checking, b_and_c_done = threading.Event(), threading.Event()
    result = {}

    def slow_upload(upload):
        if threading.current_thread().name == "A":
            a_is_checking.set()
            assert b_and_c_done.wait(30)
        return real_check(upload)

    def request_a():
        try:
            result["response"] = staff.post(f"/bao-cao/{report.pk}/", stale)
        finally:
            connections.close_all()

    with mock.patch.object(report_forms, "check_evidence_file", slow_upload):
        a = threading.Thread(target=request_a, name="A")
        a.start()
        assert a_is_checking.wait(30)
        _submit_and_approve(report, cast)
        b_and_c_done.set()
        a.join(60)
    assert not a.is_alive()
    _assert_refused_and_kept(result["response"], report, text_before)


@pytest.mark.django_db(transaction=True)
def test_a_submission_waits_for_a_save_that_holds_the_row_on_postgresql(cast, report):
    """The row lock: B's submission, arriving while A's save is being written, waits for it and sends A's text."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are checked on PostgreSQL, the production database (.ci/run)")
    staff = _filled(report, cast)
    page = ReportPage(report)
    page.values["difficulties"] = "Khó khăn A đang lưu."
    from reports.editing import saving

    real_write = saving._write
    a_holds_the_row, release_a, b_done = threading.Event(), threading.Event(), threading.Event()
    result = {}

    def slow_write(report_saved, forms, by):
        if threading.current_thread().name == "A":
            a_holds_the_row.set()
            assert release_a.wait(30)
        return real_write(report_saved, forms, by)

    def request_a():
        try:
            result["a"] = staff.post(f"/bao-cao/{report.pk}/", page.data())
        finally:
            connections.close_all()

    def submit_b():
        try:
            workflow.submit(AgencyReport.objects.get(pk=report.pk), by=cast["canbo.ldtbxh"])
        finally:
            connections.close_all()
            b_done.set()

    with mock.patch.object(saving, "_write", slow_write):
        a = threading.Thread(target=request_a, name="A")
        a.start()
        assert a_holds_the_row.wait(30)
        b = threading.Thread(target=submit_b, name="B")
        b.start()
        assert not b_done.wait(1)  # B waits on A's lock
        release_a.set()
        a.join(60)
        b.join(60)
    assert result["a"].status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"
    sent = report.events.filter(action=ReportAction.SUBMITTED).latest("pk")
    assert "Khó khăn A đang lưu." in str(sent.snapshot)


def test_evidence_removed_while_the_report_is_sent_and_approved_stays(cast, report):
    staff = _filled(report, cast)
    assert staff.post(f"/bao-cao/{report.pk}/", _stale_save(report)).status_code == 302
    evidence = report.task_entries.get(section__code=TASK).evidence.get()
    from reports.editing import views

    real_get = views.get_object_or_404

    def slow_lookup(*args, **kwargs):
        _submit_and_approve(report, cast)
        return real_get(*args, **kwargs)

    url = f"/bao-cao/{report.pk}/minh-chung/{evidence.pk}/xoa/"
    data = as_seen(url)  # the page was opened before the report was sent and approved
    with mock.patch.object(views, "get_object_or_404", slow_lookup):
        response = staff.post(url, data)
    assert response.status_code == 403
    assert "Báo cáo đang ở trạng thái “Đã duyệt”, không sửa được. Minh chứng chưa được gỡ." in response.content.decode()
    assert report.task_entries.get(section__code=TASK).evidence.filter(pk=evidence.pk).exists()


def test_a_form_on_a_report_writes_its_own_fields_and_never_the_state(cast, report):
    from reports.editing.forms import ReportForm
    from reports.review.forms import ReportDueForm

    stale = AgencyReport.objects.get(pk=report.pk)  # read before the state changed
    AgencyReport.objects.filter(pk=report.pk).update(state="approved", version=7)
    form = ReportForm({"version": "0", "difficulties": "Văn bản cũ"}, instance=stale)
    assert form.is_valid()
    form.save()
    due = ReportDueForm({"due_on": "10/12/2026"}, instance=AgencyReport.objects.get(pk=report.pk))
    AgencyReport.objects.filter(pk=report.pk).update(state="sent_back")
    assert due.is_valid(), due.errors
    due.save()
    saved = AgencyReport.objects.get(pk=report.pk)
    assert (saved.state, saved.version, saved.difficulties) == ("sent_back", 7, "Văn bản cũ")
    assert str(saved.due_on) == "2026-12-10"
