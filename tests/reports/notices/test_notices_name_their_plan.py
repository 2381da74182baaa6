"""An agency with a part in two plans (Bình Khương commune: Bình Sơn's plan and the illustrative Trà Bồng plan): a
notice on one plan's report page is about that plan's reports only; the notices of the agency's list of reports and
the messages sent name the plan each report belongs to."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.models import ReportAction, ReportState
from reports.notices.notifications import record_report_notice
from tasks.models import Plan, ReportIssuer
from tests.reports.helpers import current_report, on

TRA_BONG_FILE = Path(__file__).resolve().parents[3] / "binhson_plan" / "plans" / "minh_hoa_tra_bong.yaml"


@pytest.fixture
def two_reports(plan):
    """Bình Khương's 2026 report in Bình Sơn's plan (a draft) and in Trà Bồng's (sent back)."""
    call_command("load_plan", str(TRA_BONG_FILE), stdout=io.StringIO())
    tra_bong = Plan.objects.get(slug="minh-hoa-tra-bong-ctdt-2021-2030")
    with on("2026-11-20"):
        own = current_report(plan, "UBND-BK")
        other = current_report(tra_bong, "UBND-BK")
    other.state, other.correction_due_on = ReportState.SENT_BACK, datetime.date(2026, 12, 15)  # as a send-back sets
    other.save(update_fields=["state", "correction_due_on"])
    return own, other


def test_a_plans_report_page_tells_nothing_of_another_plans_sent_back_report(client, cast, two_reports):
    own, other = two_reports
    with on("2026-11-20"):
        client.force_login(cast["canbo.binhkhuong"])
        page = client.get(own.get_absolute_url()).content.decode()
    assert "Ủy ban nhân dân xã Bình Khương" in page and "Lưu nháp" in page  # its own report, to fill in
    assert other.get_absolute_url() not in page and "bị trả lại để bổ sung" not in page


def test_the_list_of_the_agencys_reports_names_the_plan_of_a_sent_back_report(client, cast, two_reports):
    own, other = two_reports
    with on("2026-11-20"):
        client.force_login(cast["canbo.binhkhuong"])
        page = client.get("/bao-cao/").content.decode()
    notice = page.split(f'id="tra-lai-{other.pk}"')[1].split("</div>")[0]
    assert (
        "Báo cáo năm 2026 theo kế hoạch huyện Trà Bồng (minh họa) bị trả lại để bổ sung (hạn bổ sung 15/12/2026)"
        in notice
    )
    assert other.get_absolute_url() in notice
    assert f'id="tra-lai-{own.pk}"' not in page


def test_the_message_of_a_sent_back_report_names_its_plan(cast, two_reports):
    own, other = two_reports
    for report, area in ((own, "huyện Bình Sơn"), (other, "huyện Trà Bồng (minh họa)")):
        event = report.events.create(action=ReportAction.SENT_BACK, by=cast["vanphong"], reason="Bổ sung số liệu.")
        notice = record_report_notice(event)
        assert notice.subject.startswith(f"Báo cáo năm 2026 của UBND xã Bình Khương ({area}) bị trả lại để bổ sung")
        body = ReportIssuer.for_year(report.cycle.plan, 2026).reviewer_name  # the body that acted
        assert f"theo Kế hoạch {report.cycle.plan.title_in_sentence} bị {body} trả lại để bổ sung." in notice.body
