"""Before a version of the consolidated report is marked official, the confirmation says what it holds of the
agencies' reports and what it lacks, with the figures of its own build (browser pass 7, item 2)."""

import html
import re

import pytest

from reports.consolidated.coverage import coverage_note
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from reports.models import ReportingCycle
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season

STAFF = {"LDTBXH": "canbo.ldtbxh", "GDDT": "canbo.gddt", "NNPTNT": "canbo.nnptnt", "UBND-BA": "canbo.binhan",
         "UBND-BK": "canbo.binhkhuong"}  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sent(client, cast, plan, code):
    """The agency's 2026 report, filled and sent by its staff; the reviewer logged in again."""
    report = current_report(plan, code)
    client.force_login(cast[STAFF[code]])
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"))
    assert response.status_code == 302 and response["Location"].startswith(report.get_absolute_url())
    client.force_login(cast["vanphong"])
    return report


def review(client, report, action, **data):
    response = post_seen(client, f"/bao-cao/{report.pk}/{action}/", data)
    assert response.status_code == 302 and not response["Location"].startswith("/dang-nhap/")
    report.refresh_from_db()


@pytest.fixture
def year(client, cast, plan, eager_jobs, django_capture_on_commit_callbacks):
    """2026 on 06/12: one report approved, two awaiting review, one reopened, one sent back, the rest never sent;
    then version 1 built from /tong-hop/."""
    with on("2026-12-06"):
        open_cycle(plan, 2026)
        review(client, sent(client, cast, plan, "LDTBXH"), "duyet")
        sent(client, cast, plan, "GDDT")
        sent(client, cast, plan, "UBND-BK")
        reopened = sent(client, cast, plan, "NNPTNT")
        review(client, reopened, "duyet")
        review(client, reopened, "mo-lai", reason="Sửa số liệu.")
        review(client, sent(client, cast, plan, "UBND-BA"), "tra-lai", reason="Bổ sung nguồn số liệu.")
        build(client, django_capture_on_commit_callbacks)
    return plan


def build(client, capture):
    with capture(execute=True):
        response = client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", {
            "number": "…/BC-UBND", "report_date": "06/12/2026", "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
            "recipients": "Lưu: VT", "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Phạm Quang Sự",
        })  # fmt: skip
    assert (
        response.status_code == 302 and response["Location"] == "/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026"
    )


def confirmation(client, version: int) -> str:
    page = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026").content.decode()
    row = page[page.index(f"Đánh dấu bản {version} là bản chính thức?") :]
    return html.unescape(re.search(r'data-confirm="([^"]*)"', row).group(1))


def never_sent() -> int:
    return ReportingCycle.objects.get(year=2026).reports.filter(state="draft", handed_over_at__isnull=True).count()


def test_the_confirmation_says_what_the_version_holds_and_lacks(client, cast, year):
    drafts = never_sent()
    with on("2026-12-06"):
        said = confirmation(client, 1)
    assert said.startswith(
        "Bản 1 tổng hợp 4 báo cáo của đơn vị: 2 đã duyệt (trong đó 1 được mở lại để sửa, giữ nội dung đã duyệt "
        "trước khi mở lại); 2 chờ thẩm định (nội dung ghi “chưa duyệt”). "
        f"Không được tổng hợp: 1 báo cáo bị trả lại để bổ sung, {drafts} đơn vị chưa gửi báo cáo. "
        "Bản 1 chưa có số văn bản (in “Số: …/BC-UBND”): nếu đây là bản trình ký, điền số rồi dựng lại. "
        "Bản 1 trở thành báo cáo chính thức năm 2026"
    ), said


def test_the_figures_are_the_builds_not_todays(client, cast, year, django_capture_on_commit_callbacks):
    with on("2026-12-07"):
        client.force_login(cast["vanphong"])
        review(client, current_report(year, "GDDT"), "duyet")  # approved after version 1 was built
        build(client, django_capture_on_commit_callbacks)
        first, second = confirmation(client, 1), confirmation(client, 2)
        status = client.get(f"/tong-hop/{ConsolidatedReport.objects.get(version=2).pk}/trang-thai/").json()
    # the reopened report counted among the approved, as the dashboard and section I count it
    assert "Bản 1 tổng hợp 4 báo cáo của đơn vị: 2 đã duyệt (trong đó 1 được mở lại để sửa" in first
    assert "Bản 2 tổng hợp 4 báo cáo của đơn vị: 3 đã duyệt (trong đó 1 được mở lại để sửa" in second
    assert "; 2 chờ thẩm định" in first and "; 1 chờ thẩm định" in second
    assert status["coverage"] == second.split(" Bản 2 trở thành")[0]  # a button added live confirms the same
    assert "năm 2026 chưa có bản chính thức nào khác" in second
    with on("2026-12-07"):  # once a version is official, the confirmation names the one it replaces
        ConsolidatedReport.objects.filter(version=2).update(number="125/BC-UBND")  # numbered: not warned of it
        assert "chưa có số văn bản" not in confirmation(client, 2) and "chưa có số văn bản" in confirmation(client, 1)
        client.post(f"/tong-hop/{ConsolidatedReport.objects.get(version=1).pk}/chinh-thuc/")
        assert "bản 1, bản chính thức hiện nay, thôi là bản chính thức" in confirmation(client, 2)


def test_a_version_built_before_the_left_out_were_recorded_says_todays_as_todays(client, cast, year):
    ConsolidatedReport.objects.update(left_out=None)  # as built before this was recorded
    drafts = never_sent()
    with on("2026-12-06"):
        said = confirmation(client, 1)
    assert "Bản 1 tổng hợp 4 báo cáo của đơn vị: 2 đã duyệt (trong đó 1 được mở lại để sửa" in said
    assert (
        "Bản dựng này không ghi lại các báo cáo không được tổng hợp (báo cáo chưa gửi hoặc bị trả lại không được "
        f"tổng hợp); hiện nay 1 báo cáo bị trả lại để bổ sung, {drafts} đơn vị chưa gửi báo cáo." in said
    )


def test_a_version_of_every_report_approved_says_so_in_one_line():
    approved = [{"agency": f"Đơn vị {n}", "state": "approved", "report_id": n} for n in range(22)]
    assert coverage_note(3, approved, []) == "Bản 3 tổng hợp đủ báo cáo của cả 22 đơn vị, tất cả đã được duyệt."
    # without a record of what was left out then, it cannot say "đủ"
    assert "đủ" not in coverage_note(3, approved, None)
    assert coverage_note(3, [], []) == "Bản 3 không tổng hợp báo cáo nào của đơn vị, chỉ số liệu các chỉ tiêu đã có."


def test_a_year_of_every_report_approved_says_so_before_marking(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    with on("2026-12-06"):
        cycle = open_cycle(plan, 2026)
        cycle.reports.exclude(agency__code__in=["LDTBXH", "GDDT"]).delete()  # a year of two agencies
        for code in ("LDTBXH", "GDDT"):
            review(client, sent(client, cast, plan, code), "duyet")
        build(client, django_capture_on_commit_callbacks)
        said = confirmation(client, 1)
    assert said.startswith(
        "Bản 1 tổng hợp đủ báo cáo của cả 2 đơn vị, tất cả đã được duyệt. Bản 1 chưa có số văn bản (in “Số: "
        "…/BC-UBND”): nếu đây là bản trình ký, điền số rồi dựng lại. Bản 1 trở thành"
    )
