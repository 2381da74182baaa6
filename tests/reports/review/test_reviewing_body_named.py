"""Since the 2025 reform there is no district: what a user reads names the body that reviews the plan's reports in
that year (tasks.ReportIssuer.reviewer_name), never "Văn phòng huyện" by default; and a refusal fits the person
(the reviewer of another plan is told which plan is not theirs; staff, what their account is)."""

import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from agencies.permissions import Role, add_role
from reports.models import AgencyReport, PlanRole, PlanRoleKind, ReportState
from tasks.models import ReportIssuer
from tests.reports.helpers import ReportPage, another_plan, current_report, on, post_seen

pytestmark = pytest.mark.season

SLUG = "binh-son-ctdt-2021-2030"
ISSUER = "Ủy ban nhân dân xã Bình Sơn (minh họa)"
BODY = "Văn phòng HĐND và UBND xã Bình Sơn (minh họa)"  # the year's reviewing body
# the plan the message speaks of (an agency may report in several)
IN_PLAN = (
    "theo Kế hoạch triển khai thực hiện Chiến lược công tác dân tộc giai đoạn 2021-2030, tầm nhìn đến 2045 trên địa "
    "bàn huyện Bình Sơn"
)


@pytest.fixture
def reorganised(plan):
    """From 2026 the plan's report is issued by the commune, its agencies' reports reviewed by the commune's office."""
    return ReportIssuer.objects.create(
        plan=plan, from_year=2026, issuing_body=ISSUER, place="Bình Sơn", signer_position="CHỦ TỊCH",
        signer_name="Nguyễn Văn Minh Họa", reviewing_body=BODY,
    )  # fmt: skip


def main(html: str) -> str:
    """The page's own content (the menu names the user's group, which is data)."""
    return html.split("<main", 1)[-1]


def pdf_words(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


@on("2026-11-20")
def test_a_reorganised_years_notices_page_and_print_name_its_reviewing_body(
    client, cast, plan, reorganised, django_capture_on_commit_callbacks, eager_jobs
):
    assert ReportIssuer.for_year(plan, 2026).reviewer_name == BODY
    report = current_report(plan, "LDTBXH")
    url = f"/bao-cao/{report.pk}/"
    client.force_login(cast["canbo.ldtbxh"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, ReportPage(report).fill_everything().data("submit")).status_code == 302

    client.force_login(cast["vanphong"])
    panel = main(client.get(url).content.decode())
    assert f"({BODY} vẫn mở lại được, kèm lý do)" in panel and "Văn phòng huyện" not in panel
    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"{url}tra-lai/", {"reason": "Bổ sung số liệu chỉ tiêu.", "correction_due_on": ""})
    report.refresh_from_db()
    assert report.state == ReportState.SENT_BACK
    sent_back = mail.outbox[-1]
    assert sent_back.to == ["canbo.ldtbxh@binhson.local"] and "bị trả lại" in sent_back.subject
    assert f"Báo cáo năm 2026 của Phòng Lao động - Thương binh và Xã hội {IN_PLAN} bị {BODY} trả lại để bổ sung." in (
        sent_back.body
    )

    client.force_login(cast["canbo.ldtbxh"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, ReportPage(report).data("submit"))
    client.force_login(cast["vanphong"])
    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"{url}duyet/")
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    approved = mail.outbox[-1]
    assert (
        f"Báo cáo năm 2026 của Phòng Lao động - Thương binh và Xã hội {IN_PLAN} đã được {BODY} duyệt." in approved.body
    )
    assert all("Văn phòng huyện" not in m.body for m in mail.outbox)

    client.force_login(cast["canbo.ldtbxh"])
    page = main(client.get(url).content.decode())
    # the approval line names the person who approved (the Sở may approve too), not a body
    assert "<strong>Đã duyệt</strong> lúc" in page and "– người duyệt: " in page and "Văn phòng huyện" not in page
    printed = pdf_words(client.get(f"{url}in/"))
    assert f"Nơi nhận: - {ISSUER} (qua {BODY}); - Lưu: VT." in printed and "Văn phòng huyện" not in printed


@on("2026-11-20")
def test_the_plans_own_years_still_name_the_district_office(client, cast, plan, django_capture_on_commit_callbacks,
                                                            eager_jobs):  # fmt: skip
    """Bình Sơn's plan before any reorganised year: its own issuer, reviewed by Văn phòng huyện (the history)."""
    report = current_report(plan, "LDTBXH")
    url = f"/bao-cao/{report.pk}/"
    client.force_login(cast["canbo.ldtbxh"])
    client.post(url, ReportPage(report).fill_everything().data("submit"))
    client.force_login(cast["vanphong"])
    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"{url}duyet/")
    assert "đã được Văn phòng huyện duyệt." in mail.outbox[-1].body
    client.force_login(cast["canbo.ldtbxh"])
    assert "<strong>Đã duyệt</strong> lúc" in client.get(url).content.decode()
    assert "(qua Văn phòng huyện); - Lưu: VT." in pdf_words(client.get(f"{url}in/"))


@pytest.fixture
def reviewer_of_b(plan):
    """A second plan, with its own reviewer (appointed to it alone)."""
    other = another_plan(plan, "ke-hoach-khac-minh-hoa", "Kế hoạch khác trên địa bàn huyện Minh Họa")
    user = get_user_model().objects.create_user("thamdinh.b", email="thamdinh.b@binhson.local")
    add_role(user, Role.REVIEWER)
    PlanRole.objects.create(user=user, role=PlanRoleKind.REVIEWER, plan=other)
    return user


@on("2026-11-20")
def test_the_reviewer_of_another_plan_is_told_which_plan_is_not_theirs(client, cast, plan, reviewer_of_b):
    report = current_report(plan, "LDTBXH")
    AgencyReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED)
    client.force_login(reviewer_of_b)
    refusal = "Bạn không được giao thẩm định kế hoạch “huyện Bình Sơn”."
    for url in [f"/ke-hoach/{SLUG}/tham-dinh/", f"/ke-hoach/{SLUG}/ky-bao-cao/", f"/bao-cao/{report.pk}/",
                f"/bang-dieu-khien/{SLUG}/2026/", f"/ke-hoach/{SLUG}/tong-hop/",
                f"/ke-hoach/{SLUG}/chi-tieu/2030.10/dieu-chinh-tinh-trang/"]:  # fmt: skip
        response = client.get(url)
        page = main(response.content.decode())
        assert response.status_code == 403 and refusal in page and "Văn phòng huyện" not in page, url
    response = post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    assert response.status_code == 403 and refusal in response.content.decode()
    assert AgencyReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


@on("2026-11-20")
def test_staff_are_told_what_their_account_is(client, cast, plan, reorganised):
    client.force_login(cast["canbo.ldtbxh"])
    account = "tài khoản của bạn là tài khoản cán bộ Phòng Lao động - Thương binh và Xã hội."
    dashboard = client.get("/bang-dieu-khien/")
    assert dashboard.status_code == 403
    assert f"Bảng điều khiển dành cho cơ quan thẩm định và lãnh đạo; {account}" in dashboard.content.decode()
    queue = client.get(f"/ke-hoach/{SLUG}/tham-dinh/")
    assert queue.status_code == 403  # who reviews this plan in this year, named
    assert f"Báo cáo của kế hoạch “huyện Bình Sơn” do {BODY} thẩm định; {account}" in queue.content.decode()
    assert "Văn phòng huyện" not in main(queue.content.decode())


@on("2026-11-20")
def test_a_reviewer_is_told_that_a_report_is_its_agencys_to_change(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["vanphong"])
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data())
    assert response.status_code == 403
    assert (
        "Chỉ cán bộ Phòng Lao động - Thương binh và Xã hội được sửa báo cáo này; tài khoản của bạn là tài khoản "
        "thẩm định." in response.content.decode()
    )
    mine = client.get("/bao-cao/")
    assert mine.status_code == 403
    assert "Báo cáo của đơn vị dành cho cán bộ đơn vị; tài khoản của bạn là tài khoản thẩm định." in (
        mine.content.decode()
    )


@on("2026-11-20")
def test_the_plans_page_and_the_workbook_name_the_years_bodies(client, cast, plan, reorganised):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(cast["canbo.ldtbxh"])
    page = main(client.get(f"/ke-hoach/{SLUG}/").content.decode())
    assert f"Các cơ quan, đơn vị gửi báo cáo đến {BODY} trước ngày" in page
    assert f"; {ISSUER} tổng hợp, báo cáo" in page and "huyện tổng hợp" not in page
    report = current_report(plan, "LDTBXH")
    book = load_workbook(BytesIO(client.get(f"/bao-cao/{report.pk}/excel/").content))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(f"kiến nghị {BODY} đã trả lời không sửa được" in c for c in cells)
    assert any(f"Gửi báo cáo đến {BODY} bằng nút" in c for c in cells)
    assert "Trả lời của cơ quan thẩm định" in cells
    assert not any(said in c for c in cells for said in ("Văn phòng huyện", "của huyện", "huyện đã trả lời"))


@on("2026-11-20")
def test_a_body_that_reviews_its_own_reports_is_not_named_twice(client, cast, plan):
    """The province's plans: the Sở issues the report and reviews its agencies' reports itself, so the print reads
    "Nơi nhận: - Sở …; - Lưu: VT.", not "Sở … (qua Sở …)" (browser pass 28)."""
    sở = "Sở Dân tộc và Tôn giáo tỉnh Quảng Ngãi"
    ReportIssuer.objects.create(
        plan=plan, from_year=2026, issuing_body=sở, place="Quảng Ngãi", signer_position="GIÁM ĐỐC",
        signer_name="Nguyễn Văn Minh Họa", reviewing_body=sở,
    )  # fmt: skip
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    printed = pdf_words(client.get(f"/bao-cao/{report.pk}/in/"))
    assert f"Nơi nhận: - {sở}; - Lưu: VT." in printed and "(qua" not in printed
