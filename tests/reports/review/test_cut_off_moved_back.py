"""The fifteenth probe: the reviewer set the cut-off to 31/01/2027, an agency sent values "as of" 31/01/2027
(estimates), the cut-off was moved back to 01/01/2026 and the report approved: values recorded as of a day
outside the window in force. The cycle's dates refuse a cut-off before the dates already sent, and an approval
re-checks every date."""

import pytest

from reports.models import ReportingCycle
from targets.models import TargetValue
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season
CODE = "2030.03"
DATES = {"opens_on": "01/01/2026", "due_on": "05/12/2026", "data_cutoff": "31/01/2027", "locks_on": ""}


@pytest.fixture
def sent(client, cast, plan):
    """The 2026 report of LĐTBXH sent on 06/12/2026 with 2030.03 "as of" 31/01/2027, an estimate."""
    report = current_report(plan, "LDTBXH")
    with on("2026-12-06"):
        client.force_login(cast["vanphong"])
        assert client.post(f"/ky-bao-cao/{report.cycle_id}/", DATES).status_code == 302
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(report).fill_everything().target(CODE, value="9,8", as_of="31/01/2027", is_estimate=True)
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"
    return report


@pytest.mark.parametrize("moved_to", ["31/12/2026", "15/01/2027"])
def test_the_cut_off_cannot_move_before_a_date_already_sent(client, cast, sent, moved_to):
    with on("2026-12-07"):
        client.force_login(cast["vanphong"])
        response = client.post(f"/ky-bao-cao/{sent.cycle_id}/", DATES | {"data_cutoff": moved_to})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Báo cáo đã gửi có số liệu năm 2026 tính đến ngày 31/01/2027, sau ngày này" in html, html
    assert f"chỉ tiêu {CODE} (31/01/2027)" in html and f'value="{moved_to}"' in html
    assert str(ReportingCycle.objects.get(pk=sent.cycle_id).data_cutoff) == "2027-01-31"


def test_an_approval_rechecks_the_dates_against_the_cut_off_in_force(client, cast, sent):
    with on("2026-12-07"):
        client.force_login(cast["quantri"])  # the cut-off moved back by another way (the admin)
        data = {"plan": sent.cycle.plan_id, "year": 2026, "opens_on": "01/01/2026", "due_on": "05/12/2026",
                "data_cutoff": "31/12/2026", "locks_on": ""}  # fmt: skip
        client.post(f"/quan-tri/reports/reportingcycle/{sent.cycle_id}/change/", data)
        assert str(ReportingCycle.objects.get(pk=sent.cycle_id).data_cutoff) == "2026-12-31"
        client.force_login(cast["vanphong"])
        response = post_seen(client, f"/bao-cao/{sent.pk}/duyet/")
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        "Chưa duyệt được: ngày số liệu của chỉ tiêu 2030.03 (31/01/2027, năm 2026: từ 01/01/2026 đến 31/12/2026)"
        in html
    )
    assert "Trả lại báo cáo để đơn vị sửa ngày số liệu." in html
    sent.refresh_from_db()
    assert sent.state == "submitted"
    assert not TargetValue.objects.filter(target__code=CODE).exists()
    with on("2026-12-07"):  # sent back, the date mended, sent again: approved
        assert post_seen(client, f"/bao-cao/{sent.pk}/tra-lai/", {"reason": "Sửa ngày số liệu."}).status_code == 302
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(sent).target(CODE, as_of="30/11/2026")
        assert client.post(f"/bao-cao/{sent.pk}/", page.data("submit")).status_code == 302
        client.force_login(cast["vanphong"])
        assert post_seen(client, f"/bao-cao/{sent.pk}/duyet/").status_code == 302
    assert str(TargetValue.objects.current().get(target__code=CODE).as_of) == "2026-11-30"
