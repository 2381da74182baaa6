"""One meaning of the due date, everywhere (issue 16, item 3): "gửi muộn" is a first submission after the due
date; a report sent on time, sent back and sent again later is "gửi lại" with its own time, not late; a report
never sent is "quá hạn" from the day after the due date. Each day is chosen by the test (due date: 05/12/2026)."""

import io
import re
import zipfile

import pandas as pd
import pytest

from reports.consolidated.models import ConsolidatedReport
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season
SLUG = "binh-son-ctdt-2021-2030"
COVER = {"number": "45/BC-UBND", "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi", "recipients": "Lưu: VT",
         "signer_authority": "KT. CHỦ TỊCH", "signer_position": "PHÓ CHỦ TỊCH",
         "signer_name": "Phạm Quang Sự"}  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def submit(client, user, report):
    client.force_login(user)
    response = client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit"), follow=True)
    report.refresh_from_db()
    assert report.state == "submitted"
    return response.content.decode()


def row_of(html: str, table_id: str, name: str) -> str:
    table = html[html.index(f'id="{table_id}"') :].split("</table>")[0]
    [row] = [row for row in table.split("<tr>") if f">{name}</a>" in row]
    return row


def appendix_3_row(client, cast, capture, day: str, name: str) -> str:
    """The agency's row of Phụ lục 3 in the consolidated report built now (its Word file), cells joined by " | "."""
    client.force_login(cast["vanphong"])
    with capture(execute=True):  # the build job starts when the request's transaction commits
        client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", COVER | {"report_date": day})
    report = ConsolidatedReport.objects.filter(year=2026).latest("version")
    assert report.state == "ready", report.error
    docx = client.get(f"/tong-hop/{report.pk}/tep/docx/")
    with zipfile.ZipFile(io.BytesIO(b"".join(docx.streaming_content))) as archive:
        xml = archive.read("word/document.xml").decode()
    text = re.sub(r"<[^>]+>", "", xml.replace("</w:tc>", " | ").replace("</w:tr>", "\n"))
    appendix = text[text.index("TÌNH HÌNH GỬI BÁO CÁO") :]
    [row] = [line for line in appendix.splitlines() if f" | {name} | " in line]
    return row


def export_row(client, name: str) -> dict:
    content = client.get(f"/bang-dieu-khien/{SLUG}/2026/tinh-hinh-bao-cao.xlsx").content
    frame = pd.read_excel(io.BytesIO(content))
    return frame[frame["Cơ quan, đơn vị"] == name].iloc[0].to_dict()


def test_sent_on_time_sent_back_and_sent_again_after_the_due_date_is_not_late(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    name = "Phòng Lao động - Thương binh và Xã hội"
    report = current_report(plan, "LDTBXH")
    with on("2026-11-16", "08:00"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on("2026-11-18"):
        client.force_login(cast["vanphong"])
        post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung nguồn số liệu."})
    with on("2026-12-08", "14:30"):
        message = submit(client, cast["canbo.ldtbxh"], report)
        assert "Đã gửi báo cáo đến Văn phòng huyện lúc 14:30." in message and "gửi muộn" not in message
        assert not report.is_late and report.resubmitted_at
        header = client.get(f"/bao-cao/{report.pk}/").content.decode().split("</header>")[0]
        assert "Gửi lần đầu lúc 08:00 16/11/2026" in header and "Gửi lại lúc 14:30 08/12/2026" in header
        assert "Gửi muộn" not in header and "Quá hạn" not in header
        mine = row_of(client.get("/bao-cao/").content.decode(), "bao-cao-cua-don-vi", "2026")
        assert "08:00 16/11/2026" in mine and "Gửi lại lúc 14:30 08/12/2026" in mine and "Gửi muộn" not in mine

        client.force_login(cast["vanphong"])
        queue = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
        waiting = row_of(queue, "hang-cho", name)
        assert "Gửi lại lúc 14:30 08/12/2026" in waiting and "Gửi muộn" not in waiting
        assert "Gửi muộn" not in row_of(queue, "tinh-hinh-nop", name)
        dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
        assert "<strong>1</strong> đúng hạn" in dashboard and "<strong>0</strong> gửi muộn" in dashboard
        row = row_of(dashboard, "bang-don-vi", name)
        assert "08:00 16/11/2026" in row and "Gửi lại lúc 14:30 08/12/2026" in row and "Gửi muộn" not in row
        exported = export_row(client, name)
        assert exported["Gửi lần đầu"].strftime("%H:%M %d/%m/%Y") == "08:00 16/11/2026"
        assert pd.isna(exported["Gửi muộn"]) and pd.isna(exported["Quá hạn"])
        assert exported["Gửi lại lúc"].strftime("%H:%M %d/%m/%Y") == "14:30 08/12/2026"
        appendix = appendix_3_row(client, cast, django_capture_on_commit_callbacks, "08/12/2026", name)
        assert "08:00 16/11/2026" in appendix and "Gửi lại lúc 14:30 08/12/2026" in appendix
        assert "Gửi muộn" not in appendix


def test_a_report_never_sent_is_overdue_from_the_day_after_the_due_date_then_late(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    name = "Ủy ban nhân dân xã Bình An"
    report = current_report(plan, "UBND-BA")
    with on("2026-12-05", "16:00"):  # the due date itself: not yet overdue
        client.force_login(cast["canbo.binhan"])
        assert "Quá hạn" not in client.get(f"/bao-cao/{report.pk}/").content.decode()
        client.force_login(cast["vanphong"])
        assert "quá hạn" not in client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode().lower()
    with on("2026-12-06"):
        client.force_login(cast["canbo.binhan"])
        header = client.get(f"/bao-cao/{report.pk}/").content.decode().split("</header>")[0]
        assert "Quá hạn" in header and "Hạn gửi: <strong>05/12/2026</strong>" in header
        assert "Quá hạn" in row_of(client.get("/bao-cao/").content.decode(), "bao-cao-cua-don-vi", "2026")
        client.force_login(cast["vanphong"])
        assert "Quá hạn" in row_of(
            client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode(), "tinh-hinh-nop", name
        )
        dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
        assert "Quá hạn" in row_of(dashboard, "bang-don-vi", name) and "<strong>22</strong> quá hạn" in dashboard
        assert export_row(client, name)["Quá hạn"] == "Có"
        appendix = appendix_3_row(client, cast, django_capture_on_commit_callbacks, "06/12/2026", name)
        assert "Chưa gửi" in appendix and "Quá hạn" in appendix
    with on("2026-12-07", "09:15"):  # sent at last: late, no longer overdue
        submit(client, cast["canbo.binhan"], report)
        assert report.is_late
        header = client.get(f"/bao-cao/{report.pk}/").content.decode().split("</header>")[0]
        assert "Gửi muộn" in header and "Quá hạn" not in header
    with on("2026-12-08"):  # sent back and sent again: still late (its first submission was), and sent again
        client.force_login(cast["vanphong"])
        post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung số liệu."})
        submit(client, cast["canbo.binhan"], report)
        client.force_login(cast["vanphong"])
        row = row_of(client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode(), "hang-cho", name)
        assert "Gửi muộn" in row and "Gửi lại lúc" in row and "Quá hạn" not in row
        appendix = appendix_3_row(client, cast, django_capture_on_commit_callbacks, "08/12/2026", name)
        assert (
            "09:15 07/12/2026" in appendix and "Gửi muộn; gửi lại lúc" in appendix
        )  # one sentence, not "; Gửi" (browser pass 34)


def test_in_january_a_report_of_the_year_just_ended_sent_back_is_where_the_agency_lands(client, cast, plan):
    report = current_report(plan, "LDTBXH")
    with on("2026-12-03"):
        submit(client, cast["canbo.ldtbxh"], report)
    with on("2027-01-02", "08:00"):
        client.force_login(cast["canbo.ldtbxh"])
        new_year = client.get("/")["Location"]
        assert new_year != f"/bao-cao/{report.pk}/"  # sent, in review: the new year's report
        client.force_login(cast["vanphong"])
        post_seen(client, f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung số liệu cả năm."})
        client.force_login(cast["canbo.ldtbxh"])
        assert client.get("/")["Location"] == f"/ke-hoach/{SLUG}/bao-cao/{report.pk}/"  # what needs the agency now
        page = client.get(f"/bao-cao/{report.pk}/").content.decode()
        assert "Bổ sung số liệu cả năm." in page and "Quá hạn" not in page and "Gửi muộn" not in page
