"""The whole yearly journey through real URLs: fill, save, submit, send back, fix, resubmit, approve."""

from decimal import Decimal

from django.core import mail

from reports.models import ReportEvent
from targets.models import TargetValue
from tests.reports.helpers import ReportPage, current_report, on, post_seen


@on("2026-12-01")  # in the 2026 season, before its due date (05/12/2026)
def test_the_whole_journey(client, cast, plan, django_capture_on_commit_callbacks, eager_jobs):
    staff, reviewer = cast["canbo.ldtbxh"], cast["vanphong"]
    report = current_report(plan, "LDTBXH")
    url = f"/ke-hoach/binh-son-ctdt-2021-2030/bao-cao/{report.pk}/"  # where the home page leads

    client.force_login(staff)
    assert client.get("/")["Location"] == url
    page = client.get(url).content.decode()
    assert "Còn thiếu trước khi gửi" in page and "III.3.b.3" in page and "2030.10" in page

    # A first draft: part of the report.
    draft = ReportPage(report).lead("III.3.b.3", status="in_progress", results="Đào tạo nghề cho 120 lao động DTTS.")
    draft.target("2030.10", value="4,2", as_of="30/11/2026", is_estimate=True).add_proposal(
        "Bổ sung kinh phí dạy nghề."
    )
    assert client.post(url, draft.data()).status_code == 302
    report.refresh_from_db()
    assert report.state == "draft" and report.version == 1
    assert report.target_entries.get(target__code="2030.10").value == Decimal("4.2")
    assert report.proposals.get().text == "Bổ sung kinh phí dạy nghề."

    # Submitting an incomplete report is refused, and says what is missing.
    response = client.post(url, ReportPage(report).data("submit"), follow=True)
    report.refresh_from_db()
    assert report.state == "draft"
    page = response.content.decode()
    assert "Chưa gửi được" in page and "Nhiệm vụ III.3.c.2: chưa chọn tình hình thực hiện." in page

    # Complete and submit.
    complete = ReportPage(report).fill_everything().target("2030.10", value="4,2", as_of="30/11/2026")
    complete.values["difficulties"] = "Thiếu giáo viên dạy nghề tại chỗ."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, complete.data("submit"), follow=True)
    report.refresh_from_db()
    assert report.state == "submitted" and not report.is_late
    assert "Đã gửi báo cáo đến Văn phòng huyện" in response.content.decode()
    assert client.post(url, ReportPage(report).data()).status_code == 409  # no editing while under review

    # The reviewer finds it in the queue, and sends it back with a reason.
    client.force_login(reviewer)
    assert client.get("/")["Location"] == "/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/"
    assert url in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    response = post_seen(client, f"{url}tra-lai/", {"reason": ""})
    assert response.status_code == 422 and "Cần ghi lý do" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"{url}tra-lai/", {"reason": "Chỉ tiêu 2030.10 cần số liệu chính thức, không phải ước."})
    report.refresh_from_db()
    assert report.state == "sent_back"
    assert [m.to for m in mail.outbox] == [["canbo.ldtbxh@binhson.local"]]
    assert "bị trả lại" in mail.outbox[0].subject

    # The agency sees why at the top, fixes and resubmits.
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert page.index("Chỉ tiêu 2030.10 cần số liệu chính thức") < page.index("1. Nhiệm vụ đơn vị chủ trì")
    fixed = ReportPage(report).target("2030.10", value="4,4", is_estimate=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, fixed.data("submit"))
    report.refresh_from_db()
    assert report.state == "submitted"

    # The reviewer sees exactly what changed, and approves.
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    changes = page[page.index('id="thay-doi"') : page.index("</table>", page.index('id="thay-doi"'))]
    assert "Chỉ tiêu 2030.10 – giá trị" in changes and "4,2" in changes and "4,4" in changes
    assert "Chỉ tiêu 2030.10 – ước thực hiện" in changes
    assert "Nhiệm vụ III.3.b.3" not in changes
    with django_capture_on_commit_callbacks(execute=True):
        post_seen(client, f"{url}duyet/")
    report.refresh_from_db()
    assert report.state == "approved"
    assert "đã được duyệt" in mail.outbox[-1].subject

    # Approved values became the targets' values for the year, sourced to this report.
    value = TargetValue.objects.get(target__code="2030.10", year=2026)
    assert value.value == Decimal("4.4") and value.source_report == report and not value.is_estimate
    assert "Phòng Lao động - Thương binh và Xã hội" in value.source
    target_page = client.get(f"/ke-hoach/{plan.slug}/chi-tieu/2030.10/").content.decode()
    assert "4,4" in target_page

    # The history shows every step and every change.
    actions = list(ReportEvent.objects.filter(report=report).values_list("action", flat=True))
    assert actions == ["submitted", "sent_back", "submitted", "approved"]
    page = client.get(url).content.decode()
    history = client.get(f"{url}lich-su/").content.decode()
    history = history[history.index('id="lich-su"') :]
    assert "Lê Thị Lao Động" in history and "<td>giá trị</td>" in history and "4,2" in history and "4,4" in history
    assert "Trả lại để bổ sung" in page and "Nguyễn Thị Thẩm Định" in page


def test_a_correction_after_approval_is_a_new_version(client, cast, plan):
    staff, reviewer = cast["canbo.gddt"], cast["vanphong"]
    report = current_report(plan, "GDDT")
    url = f"/bao-cao/{report.pk}/"
    client.force_login(staff)
    client.post(url, ReportPage(report).fill_everything().target("2025.12", value="98,5").data("submit"))
    client.force_login(reviewer)
    post_seen(client, f"{url}duyet/")
    # 2025.12's only milestone (2025) has passed without its value: the report gives that year's value
    first = TargetValue.objects.get(target__code="2025.12", year=2025, is_current=True)

    assert post_seen(client, f"{url}mo-lai/", {"reason": ""}).status_code == 422
    post_seen(client, f"{url}mo-lai/", {"reason": "Sở GD&ĐT điều chỉnh số liệu."})
    report.refresh_from_db()
    assert report.state == "sent_back"
    client.force_login(staff)
    client.post(
        url, ReportPage(report).target("2025.12", value="98,9", note="Theo số liệu Sở điều chỉnh.").data("submit")
    )
    client.force_login(reviewer)
    post_seen(client, f"{url}duyet/")

    versions = TargetValue.objects.filter(target__code="2025.12", year=2025).order_by("recorded_at", "pk")
    assert [(v.value, v.is_current) for v in versions] == [(Decimal("98.5"), False), (Decimal("98.9"), True)]
    assert versions[0].pk == first.pk
    page = client.get(f"/ke-hoach/{plan.slug}/chi-tieu/2025.12/").content.decode()
    assert "98,5" in page and "98,9" in page
    unchanged = TargetValue.objects.filter(target__code="2025.13", year=2025)
    assert unchanged.count() == 1  # values that did not change get no new version
