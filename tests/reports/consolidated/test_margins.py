"""Browser pass 33: on the demo year, section III's targets table of the consolidated PDF ran past the right margin
(1,0 cm left of the 1,5 cm Decree 30 asks): its figures, held on one line with their units, made its six columns
wider than the line at 11 pt. No page of the PDF writes past its margins."""

import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.consolidated.models import ConsolidatedReport
from tests.conftest import SLUG
from tests.reports.consolidated.test_consolidated_pages import COVER
from tests.reports.helpers import on

pytestmark = pytest.mark.season
MM = 72 / 25.4  # points


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_no_page_of_the_demo_years_report_writes_past_its_right_margin(
    client, plan, eager_jobs, django_capture_on_commit_callbacks, tmp_path
):
    with on("2026-12-06"):
        call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())  # the real year of demo data
        client.force_login(get_user_model().objects.get(username="vanphong"))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/ke-hoach/{SLUG}/tong-hop/", COVER)
        report = ConsolidatedReport.objects.get()
        pdf = tmp_path / "r.pdf"
        pdf.write_bytes(b"".join(client.get(f"/tong-hop/{report.pk}/tep/pdf/").streaming_content))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S)
    assert len(pages) > 20
    past = []
    for number, (width, height, words) in enumerate(pages, start=1):
        width, height = float(width), float(height)
        margin = (15 if width < height else 20) * MM  # portrait: right 15 mm; the landscape appendix: 20 mm
        right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', words))
        if right > width - margin + 1 * MM:  # a justified line's last glyph box may pass its margin by a hair
            past.append((number, round((width - right) / MM, 1)))
    assert not past, f"pages writing past the right margin (page, mm from the paper's edge): {past}"
