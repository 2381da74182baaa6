"""Probe 33: signed-in pages and downloads carried no Cache-Control, so on a shared office PC the browser's Back
button after logging out showed the last report from its cache. Every answer to a signed-in person is now
`private, no-store`; the public pages keep what they say."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Evidence
from tests.reports.helpers import current_report, on

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SLUG = "binh-son-ctdt-2021-2030"


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.fixture
def report(plan):
    report = current_report(plan, "LDTBXH")
    entry = report.task_entries.filter(role="lead").first()
    evidence = Evidence.objects.create(entry=entry, file=SimpleUploadedFile("a.pdf", PDF), original_name="a.pdf",
                                       content_type="application/pdf", size=len(PDF))  # fmt: skip
    report.evidence_pk = evidence.pk
    return report


@on("2026-11-20")
def test_a_report_its_evidence_and_an_export_are_kept_by_no_cache(client, cast, report):
    client.force_login(cast["canbo.ldtbxh"])
    page = client.get(f"/bao-cao/{report.pk}/")
    download = client.get(f"/bao-cao/{report.pk}/minh-chung/{report.evidence_pk}/")
    assert page.status_code == 200 and no_store(page), page.get("Cache-Control")
    assert download.status_code == 200 and no_store(download), download.get("Cache-Control")
    client.force_login(cast["vanphong"])
    export = client.get(f"/bang-dieu-khien/{SLUG}/2026/chi-tieu.xlsx")
    assert export.status_code == 200 and no_store(export), export.get("Cache-Control")


@on("2026-11-20")
def test_the_public_page_keeps_its_own_headers(client, plan):
    response = client.get(f"/cong-khai/{SLUG}/")
    assert response.status_code == 200 and not no_store(response)
