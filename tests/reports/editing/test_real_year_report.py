"""The consolidated report built from a real year of demo data (PRODUCT.md §8), read back as the province
would read its three files. The real-worker test in test_worker.py builds the same year."""

import io

import pytest
from django.core.management import call_command

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.models import ConsolidatedReport
from tests.reports.real_year import check_docx, check_pdf, check_xlsx


@pytest.fixture
def real_year(plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())
    return plan


def test_the_real_year_builds_into_a_report_the_province_can_sign(real_year):
    report = ConsolidatedReport.request(real_year, real_year.cycles.order_by("-year").first().year)
    report = build_consolidated_report(report.pk)
    assert report.state == "ready", report.error
    assert report.recipient_list() == real_year.recipient_list()  # the plan's own "Nơi nhận"
    text = check_pdf(report)
    check_xlsx(report)
    check_docx(report, text)
    # the demo year is 2026: its replies name the bodies of that year, not the Sở merged away on 01/03/2025
    assert "Sở Lao động" not in text.replace("\n", " ") and "Sở Nông nghiệp và Môi trường" in text.replace("\n", " ")
