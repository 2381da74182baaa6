"""Issue 17, finding 6a: a staff member posting their own report with the row ids of another agency's report (or ids
that are no rows at all) gets a plain refusal, never a server error, and nothing is written, whatever the report's
state. Before the fix, such a post to an approved report was a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import AgencyReport, Evidence, Proposal, TargetEntry, TaskEntry
from tests.conftest import PortalClient
from tests.reports.helpers import ReportPage, current_report, post_seen

PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page
REFUSAL = "Dữ liệu gửi lên không khớp với báo cáo. Xin tải lại trang."


@pytest.fixture
def reports(plan):
    return current_report(plan, "LDTBXH"), current_report(plan, "GDDT")


def _to_state(report, state, cast):
    if state == "draft":
        return
    staff, reviewer = PortalClient(), PortalClient()
    staff.force_login(cast["canbo.ldtbxh"])
    reviewer.force_login(cast["vanphong"])
    assert staff.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code == 302
    if state == "approved":
        assert post_seen(reviewer, f"/bao-cao/{report.pk}/duyet/").status_code == 302
    assert AgencyReport.objects.get(pk=report.pk).state == state


def _rows(report) -> list:
    """Everything a save could write, of one report."""
    return [
        AgencyReport.objects.filter(pk=report.pk).values("state", "version", "difficulties").get(),
        list(TaskEntry.objects.filter(report=report).values().order_by("pk")),
        list(TargetEntry.objects.filter(report=report).values().order_by("pk")),
        list(Proposal.objects.filter(report=report).values().order_by("pk")),
        list(Evidence.objects.filter(entry__report=report).values_list("pk", flat=True).order_by("pk")),
    ]


def _others_row(other, kind) -> str:
    if kind == "lead":
        return str(other.task_entries.filter(role="lead").first().pk)
    if kind == "coord":
        return str(other.task_entries.filter(role="coordinating").first().pk)
    if kind == "target":
        return str(other.target_entries.first().pk)
    return str(Proposal.objects.create(report=other, text="Kiến nghị của đơn vị khác.").pk)


@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
@pytest.mark.parametrize("kind", ["lead", "coord", "target", "proposal"])
def test_another_reports_row_id_is_refused_without_an_error_nor_a_write(cast, reports, state, kind):
    mine, other = reports
    _to_state(mine, state, cast)
    row = _others_row(other, kind)
    page = ReportPage(mine)
    if kind == "proposal":
        page.add_proposal("Kiến nghị mới.")
    page.values[f"{kind}-0-id"] = row
    page.values[f"{kind}-0-{'text' if kind == 'proposal' else 'note' if kind == 'target' else 'results'}"] = "Ghi đè"
    data = page.data()
    if kind == "lead":
        data["lead-0-new_evidence"] = SimpleUploadedFile("bien-ban.pdf", PDF)
    before = _rows(mine), _rows(other)
    client = PortalClient()
    client.force_login(cast["canbo.ldtbxh"])

    response = client.post(f"/bao-cao/{mine.pk}/", data)
    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert (_rows(mine), _rows(other)) == before


@pytest.mark.parametrize("state", ["draft", "approved"])
@pytest.mark.parametrize("row", ["abc", "-1", "1.5", "99999999999999999999", ""])
def test_row_ids_that_are_no_rows_are_refused_without_an_error_nor_a_write(cast, reports, state, row):
    mine, _other = reports
    _to_state(mine, state, cast)
    page = ReportPage(mine)
    page.values["target-0-id"] = row
    page.values["lead-0-id"] = row
    before = _rows(mine)
    client = PortalClient()
    client.force_login(cast["canbo.ldtbxh"])

    response = client.post(f"/bao-cao/{mine.pk}/", page.data())
    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert _rows(mine) == before


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_another_agencys_evidence_can_be_neither_removed_nor_read_through_ones_own_report(cast, reports, state):
    mine, other = reports
    _to_state(mine, state, cast)
    evidence = Evidence.objects.create(
        entry=other.task_entries.filter(role="lead").first(), file=SimpleUploadedFile("a.pdf", PDF),
        original_name="a.pdf", content_type="application/pdf", size=len(PDF),
    )  # fmt: skip
    client = PortalClient()
    client.force_login(cast["canbo.ldtbxh"])
    assert client.post(f"/bao-cao/{mine.pk}/minh-chung/{evidence.pk}/xoa/").status_code in (403, 404)
    assert client.get(f"/bao-cao/{mine.pk}/minh-chung/{evidence.pk}/").status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()
