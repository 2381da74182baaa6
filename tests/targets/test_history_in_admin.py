"""History cannot be destroyed from the admin: no delete of reports, their events, entries, evidence,
proposals, target values or assessments; values are never edited in place, a correction is a new version
with a reason, shown in the target's history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import AgencyReport, Evidence, Proposal, ReportEvent, TargetEntry, TaskEntry
from targets.models import Assessment, Target, TargetValue
from tests.reports.helpers import ReportPage, current_report, post_seen

PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)  # the smallest PDF a reader opens: one blank page


@pytest.fixture
def approved(client, cast, plan, settings, tmp_path):
    """LĐ-TB&XH's report with evidence and a proposal, submitted and approved through the portal."""
    settings.MEDIA_ROOT = tmp_path
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything().add_proposal("Đề nghị bổ sung kinh phí.")
    field = page.field("lead", "III.3.b.3", "new_evidence")
    assert client.post(f"/bao-cao/{report.pk}/", page.data() | {field: SimpleUploadedFile("bb.pdf", PDF)}).status_code
    client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit"))
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    report.refresh_from_db()
    assert report.state == "approved"
    return report


def protected_rows(report):
    qualitative = Assessment.objects.filter(source_report=report).first()
    assert qualitative is not None  # the report assesses at least one qualitative target
    return [
        ("reports", "agencyreport", report),
        ("reports", "taskentry", report.task_entries.first()),
        ("reports", "targetentry", report.target_entries.first()),
        ("reports", "proposal", report.proposals.first()),
        ("reports", "evidence", Evidence.objects.get(entry__report=report)),
        ("targets", "targetvalue", TargetValue.objects.filter(source_report=report).first()),
        ("targets", "assessment", qualitative),
        ("targets", "target", TargetValue.objects.filter(source_report=report).first().target),
    ]


def counts(report):
    models = (AgencyReport, TaskEntry, TargetEntry, Proposal, Evidence, ReportEvent, TargetValue, Assessment, Target)
    return {model.__name__: model.objects.count() for model in models} | {"events": report.events.count()}


def test_nothing_of_a_report_can_be_deleted_from_the_admin(client, cast, approved):
    before = counts(approved)
    client.force_login(cast["quantri"])
    for app, model, row in protected_rows(approved):
        url = f"/quan-tri/{app}/{model}/"
        assert client.get(f"{url}{row.pk}/delete/").status_code == 403, model
        assert client.post(f"{url}{row.pk}/delete/", {"post": "yes"}).status_code == 403, model
        listing = client.get(url).content.decode()
        assert 'value="delete_selected"' not in listing, model
        client.post(url, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert counts(approved) == before
    assert all((approved.events.count(), Evidence.objects.filter(entry__report=approved).count()))


def test_an_approved_value_is_not_edited_in_place_in_the_admin(client, cast, approved):
    value = TargetValue.objects.filter(source_report=approved).first()
    client.force_login(cast["quantri"])
    page = client.get(f"/quan-tri/targets/targetvalue/{value.pk}/change/").content.decode()
    assert 'name="value"' not in page and "Đính chính" in page
    response = client.post(f"/quan-tri/targets/targetvalue/{value.pk}/change/", {"value": "99", "year": value.year})
    assert response.status_code == 403
    target_page = client.get(f"/quan-tri/targets/target/{value.target_id}/change/").content.decode()
    assert "values-0-value" not in target_page and "values-0-DELETE" not in target_page
    assert TargetValue.objects.get(pk=value.pk).value == value.value


def test_a_reviewer_corrects_an_approved_value_with_a_reason(client, cast, plan, approved):
    value = TargetValue.objects.filter(source_report=approved, target__code="2030.03").get()
    url = f"/ke-hoach/{plan.slug}/chi-tieu/2030.03/dinh-chinh/"
    client.force_login(cast["vanphong"])
    form = client.get(f"{url}?nam={value.year}")
    assert form.status_code == 200 and "Lý do đính chính" in form.content.decode()
    refused = client.post(url, {"year": value.year, "value": "4,2", "as_of": "15/11/2026", "reason": " "})
    assert "Cần ghi lý do đính chính." in refused.content.decode()
    assert TargetValue.objects.filter(target=value.target, year=value.year).count() == 1
    response = client.post(
        url, {"year": value.year, "value": "4,2", "as_of": "15/11/2026", "reason": "Cục Thống kê công bố lại số liệu."}
    )
    assert response.status_code == 302
    versions = list(TargetValue.objects.filter(target=value.target, year=value.year).order_by("recorded_at", "pk"))
    assert [str(v.value.normalize()) for v in versions] == ["5", "4.2"]
    assert versions[0].is_current is False and versions[0].source_report == approved  # the approved one stays
    assert versions[1].reason == "Cục Thống kê công bố lại số liệu." and versions[1].recorded_by == cast["vanphong"]
    history = client.get(f"/ke-hoach/{plan.slug}/chi-tieu/2030.03/").content.decode()
    assert "Cục Thống kê công bố lại số liệu." in history and "Đã thay bằng bản sau" in history


@pytest.mark.parametrize("user", ["canbo.ldtbxh", "lanhdao"])
def test_only_reviewers_and_administrators_correct_values(client, cast, plan, approved, user):
    client.force_login(cast[user])
    url = f"/ke-hoach/{plan.slug}/chi-tieu/2030.03/dinh-chinh/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"year": 2026, "value": "1", "reason": "x"}).status_code == 403
    client.force_login(cast["quantri"])
    assert client.get(url).status_code == 200
