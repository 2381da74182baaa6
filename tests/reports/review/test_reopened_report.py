"""A reopened report reads as reopened, not as sent back (issue 16: "Late, overdue, resubmitted: one meaning
everywhere"): "Được mở lại để sửa" with the reviewer's reason, named by the year's reviewing body, on the agency's
page, the review queue, the dashboard and Phụ lục 3; the dashboard's counts reconcile; the consolidated report keeps
the approved content until the corrected report is approved again."""

import io
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from reports.consolidated.document import build_document
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from reports.models import AgencyReport
from tasks.models import ReportIssuer
from tests.reports.consolidated.test_enqueue import COVER
from tests.reports.helpers import ReportPage, current_report, on, post_seen

SLUG = "binh-son-ctdt-2021-2030"
REASON = "Sửa số liệu chỉ tiêu 2030.10 theo số liệu thống kê mới."
PROPOSAL = "Đề nghị tỉnh hỗ trợ kinh phí đào tạo nghề cho lao động DTTS."


@pytest.fixture(autouse=True)
def in_the_season():
    """The reports are sent before the due date and reviewed in the season, whatever day the run is on."""
    with on("2026-11-20", "10:00"):
        yield


@pytest.fixture
def reopened(client, cast, plan):
    """LĐ-TB&XH approved then reopened; GD&ĐT sent back for corrections; both had sent on time."""
    for code, user in [("LDTBXH", "canbo.ldtbxh"), ("GDDT", "canbo.gddt")]:
        report = current_report(plan, code)
        client.force_login(cast[user])
        page = ReportPage(report).fill_everything()
        if code == "LDTBXH":
            page.add_proposal(PROPOSAL)
        assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    ldtbxh, gddt = (AgencyReport.objects.get(agency__code=code) for code in ("LDTBXH", "GDDT"))
    assert post_seen(client, f"/bao-cao/{ldtbxh.pk}/duyet/").status_code == 302
    assert post_seen(client, f"/bao-cao/{ldtbxh.pk}/mo-lai/", {"reason": REASON}).status_code == 302
    assert post_seen(client, f"/bao-cao/{gddt.pk}/tra-lai/", {"reason": "Bổ sung kết quả.", "correction_due_on": ""}
                       ).status_code == 302  # fmt: skip
    ldtbxh.refresh_from_db()
    gddt.refresh_from_db()
    assert ldtbxh.state == gddt.state == "sent_back"  # the one reopened, the other sent back
    return ldtbxh


def test_the_agency_reads_its_report_was_reopened_by_the_reviewing_body(client, cast, plan, reopened):
    issuer = ReportIssuer.for_year(plan, 2026)  # the year's reviewing body, named: never a hard-coded one
    issuer.from_year, issuer.reviewing_body = 2026, "Văn phòng HĐND và UBND huyện"
    issuer.save()
    client.force_login(cast["canbo.ldtbxh"])
    client.get(f"/bao-cao/{reopened.pk}/")  # the messages of the fixture's actions, read
    page = ReportPage(reopened).target("2030.10", value="7")
    client.post(f"/bao-cao/{reopened.pk}/", page.data())
    html = client.get(f"/bao-cao/{reopened.pk}/").content.decode()
    assert "Được mở lại để sửa" in html and "Bị trả lại để bổ sung" not in html
    assert "Văn phòng HĐND và UBND huyện mở lại báo cáo đã duyệt để sửa:" in html and REASON in html
    assert "đề nghị bổ sung" not in html and "Văn phòng huyện" not in html
    assert "kể từ khi được mở lại" in html and "kể từ khi bị trả lại" not in html
    client.force_login(cast["vanphong"])  # the reviewer reads the same heading, the agency's draft kept from it
    assert (
        "Văn phòng HĐND và UBND huyện mở lại báo cáo đã duyệt để sửa:"
        in client.get(f"/bao-cao/{reopened.pk}/").content.decode()
    )
    client.force_login(cast["canbo.ldtbxh"])
    printed = client.get(f"/bao-cao/{reopened.pk}/in/").content
    text = subprocess.run(["pdftotext", "-", "-"], input=printed, capture_output=True, check=True).stdout.decode()
    assert "trạng thái: được mở lại để sửa (nội dung đang sửa, chưa gửi lại)." in " ".join(text.split())


def test_the_queue_and_the_dashboard_tell_reopened_from_sent_back(
    client, cast, plan, reopened, django_assert_max_num_queries
):
    client.force_login(cast["vanphong"])
    client.get(f"/bang-dieu-khien/{SLUG}/2026/")  # the plan's figures cached, as on any visit after the first
    with django_assert_max_num_queries(15):  # telling them apart costs no query
        queue = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    assert queue.count("Được mở lại để sửa") == 1 and "Bị trả lại để bổ sung" in queue
    # the reopened reports' approved content read from their history once, for the tasks and the proposals (was 35:
    # read twice, before issue 20)
    with django_assert_max_num_queries(30):
        dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    assert "<strong>1</strong> bị trả lại, đang bổ sung" in dashboard
    # counted as the consolidated report counts it: sent and approved, by its approved content
    assert "<strong>1</strong> đã gửi" in dashboard
    assert ("<strong>1</strong> đã duyệt, trong đó <strong>1</strong> được mở lại để sửa (tính theo nội dung đã "
            "duyệt)") in dashboard  # fmt: skip
    start = dashboard.index('id="gui-lan-dau"')
    line = " ".join(dashboard[start : dashboard.index("</span>", start)].split())
    # the two back with their agencies, each said as what it is and as "đã gửi" counts it
    assert ("<strong>2</strong> báo cáo (<strong>2</strong> đúng hạn, <strong>0</strong> gửi muộn); trong 2 báo cáo "
            "này, <strong>1</strong> bị trả lại, đang "
            "ở đơn vị để bổ sung (chưa tính vào “đã gửi”) và <strong>1</strong> được mở lại để sửa (vẫn tính theo nội "
            "dung đã duyệt)") in line  # fmt: skip
    table = dashboard[
        dashboard.index('id="bang-don-vi"') : dashboard.index("</table>", dashboard.index('id="bang-don-vi"'))
    ]
    assert table.count("Được mở lại để sửa") == 1
    tasks = dashboard[dashboard.index('id="nhiem-vu"') :]
    # the leads' rows say why: the reopened report's approved content, marked; nothing of the sent-back one
    assert "Đã duyệt; báo cáo được mở lại để sửa" in tasks and "Bị trả lại, đang bổ sung" in tasks
    book = load_workbook(io.BytesIO(client.get(f"/bang-dieu-khien/{SLUG}/2026/tinh-hinh-bao-cao.xlsx").content))
    states = {row[0]: row[1] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert states["Phòng Lao động - Thương binh và Xã hội"] == "Được mở lại để sửa"
    assert states["Phòng Giáo dục và Đào tạo"] == "Bị trả lại để bổ sung"


def test_the_dashboard_reads_the_approved_content_of_every_reopened_report_at_once(client, cast, plan, reopened):
    """Before the due date most reports may be reopened at once (the load test's season): their approved content is
    read in a fixed number of queries, not three per report for the tasks and three more for the proposals, and
    kept once read."""
    dashboard = f"/bang-dieu-khien/{SLUG}/2026/"
    client.force_login(cast["vanphong"])
    client.get(dashboard)  # the plan's figures cached
    with CaptureQueriesContext(connection) as one:
        client.get(dashboard)
    # what the history said at the reopening never changes: kept with the plan's figures, not read again
    assert not [query for query in one if "reports_historical" in query["sql"]]
    gddt = AgencyReport.objects.get(agency__code="GDDT")  # sent back: sent again, approved, reopened
    client.force_login(cast["canbo.gddt"])
    assert client.post(f"/bao-cao/{gddt.pk}/", ReportPage(gddt).fill_everything().data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    assert post_seen(client, f"/bao-cao/{gddt.pk}/duyet/").status_code == 302
    assert post_seen(client, f"/bao-cao/{gddt.pk}/mo-lai/", {"reason": REASON}).status_code == 302
    client.get(dashboard)  # the figures the approval changed, cached again
    with CaptureQueriesContext(connection) as two:
        page = client.get(dashboard).content.decode()
    assert "<strong>2</strong> được mở lại để sửa" in page
    assert len(two) == len(one), [q["sql"][:120] for q in two]


def test_the_consolidated_report_keeps_a_reopened_reports_approved_content(
    client, cast, plan, reopened, django_assert_max_num_queries
):
    # while LĐ-TB&XH corrects its reopened report, the consolidated report keeps what was approved
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(reopened).lead("III.3.b.3", results="Bản đang sửa, chưa gửi.", budget_used="9.000.000")
    page.values["difficulties"] = "Khó khăn đang sửa."
    assert client.post(f"/bao-cao/{reopened.pk}/", page.data()).status_code == 302
    with django_assert_max_num_queries(30):  # a reopened report's approved content: four queries more at most
        data = gather(ConsolidatedReport.request(plan, 2026))
    row = data.reports[data.reports["agency_code"] == "LDTBXH"].iloc[0]
    assert row["state_label"] == "Được mở lại để sửa (tổng hợp theo nội dung đã duyệt trước khi mở lại)"
    assert row["deadline_note"] == "" and row["included"] and row["approved"]
    text = " ".join(getattr(p, "text", "") for p in build_document(data).body)
    reviewer = ReportIssuer.for_year(plan, 2026).reviewer_name
    assert "có 1/22 cơ quan, đơn vị gửi báo cáo, trong đó 1 báo cáo đã được" in text
    assert (f"duyệt (báo cáo đã duyệt của Phòng Lao động - Thương binh và Xã hội được {reviewer} mở lại để sửa: "
            "tổng hợp theo nội dung đã duyệt cho đến khi bản sửa được duyệt lại)") in text  # fmt: skip
    assert "bị trả lại để bổ sung, chưa tổng hợp: Phòng Giáo dục và Đào tạo" in text
    assert "Đã triển khai III.3.b.3." in text and "Bản đang sửa" not in text and "9.000.000" not in text
    assert "Khó khăn đang sửa." not in " ".join(data.difficulties["difficulties"])
    lead = data.tasks[(data.tasks["code"] == "III.3.b.3") & (data.tasks["role"] == "lead")].iloc[0]
    assert lead["approved"] and lead["results"] == "Đã triển khai III.3.b.3."
    # the dashboard shows the same approved content, as its counts say ("tính theo nội dung đã duyệt")
    client.force_login(cast["lanhdao"])
    dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    tasks = dashboard[dashboard.index('id="nhiem-vu"') :]
    assert "Đã triển khai III.3.b.3." in tasks and "Bản đang sửa" not in dashboard
    proposals = dashboard[dashboard.index('id="kien-nghi"') :]
    [row] = [row for row in proposals.split("<tr>") if PROPOSAL in row]
    assert "Đã duyệt; báo cáo được mở lại để sửa" in row and "Chưa duyệt" not in row  # approved, not awaiting
    book = load_workbook(io.BytesIO(client.get(f"/bang-dieu-khien/{SLUG}/2026/kien-nghi.xlsx").content))
    [line] = [line for line in book.active.iter_rows(values_only=True) if PROPOSAL in line]
    assert line[-1] == "Đã duyệt; báo cáo được mở lại để sửa"  # as on the page and in the consolidated workbook
    book = load_workbook(io.BytesIO(client.get(f"/bang-dieu-khien/{SLUG}/2026/nhiem-vu.xlsx").content))
    [line] = [line for line in book.active.iter_rows(values_only=True) if line[0] == "III.3.b.3"]
    assert line[3] == "Đang triển khai" and line[-1] == "Đã duyệt; báo cáo được mở lại để sửa"  # said once


KEPT = "(nội dung đã duyệt; báo cáo đang được mở lại để sửa)"
WAITING_PROPOSAL = "Đề nghị bổ sung vốn duy tu đường giao thông vào vùng đồng bào."


def test_a_reopened_reports_kept_content_says_so_and_its_proposal_stands_with_the_approved(
    client, cast, plan, reopened, eager_jobs, django_capture_on_commit_callbacks
):
    # Kinh tế - Hạ tầng (named before Lao động) sends a proposal that awaits review
    from reports.management.commands.seed_demo import Command as SeedDemo

    report, seeder = current_report(plan, "KTHT"), SeedDemo()
    seeder.password_hash = "!"  # no password: logged in by the test
    seeder.ensure_user("canbo.ktht", "Trần Văn Hạ Tầng", "agency_staff", "KTHT")
    client.force_login(get_user_model().objects.get(username="canbo.ktht"))
    page = ReportPage(report).fill_everything()
    page.add_proposal(WAITING_PROPOSAL)
    assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    with django_capture_on_commit_callbacks(execute=True):  # the build is queued when the request commits
        assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", COVER).status_code == 302
    consolidated = ConsolidatedReport.objects.get(plan=plan, year=2026)
    assert consolidated.pdf, consolidated.error
    # the PDF and the Word file say the same: LĐ-TB&XH's kept lines are marked, its proposal comes first
    pdf = client.get(f"/tong-hop/{consolidated.pk}/tep/pdf/").getvalue()
    pdf = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
                   .split())  # fmt: skip
    word = Document(io.BytesIO(client.get(f"/tong-hop/{consolidated.pk}/tep/docx/").getvalue()))
    word = " ".join(" ".join(p.text for p in word.paragraphs).split())
    for text in (pdf, word):
        tasks, proposals = text[text.index("II. KẾT QUẢ") : text.index("III. KẾT QUẢ")], text[text.index("VI. KIẾN") :]
        assert f"Đã triển khai III.3.b.3. {KEPT}" in tasks
        assert f"1. Phòng Lao động - Thương binh và Xã hội: {PROPOSAL} {KEPT}" in proposals
        assert f"2. Phòng Kinh tế và Hạ tầng: {WAITING_PROPOSAL} (báo cáo chưa duyệt)" in proposals
    # the workbook's sheets say it in their approval column
    book = load_workbook(io.BytesIO(client.get(f"/tong-hop/{consolidated.pk}/tep/xlsx/").getvalue()))
    lines = [line for line in book["Kiến nghị"].iter_rows(min_row=3, values_only=True) if line[0]]  # under the title
    assert [(line[0], line[-1]) for line in lines] == [
        ("Phòng Lao động - Thương binh và Xã hội", "Đã duyệt; báo cáo được mở lại để sửa"),
        ("Phòng Kinh tế và Hạ tầng", "Chưa duyệt"),
    ]
    [lead] = [line for line in book["Nhiệm vụ"].iter_rows(values_only=True)
              if line[0] == "III.3.b.3" and line[2] == "Phòng Lao động - Thương binh và Xã hội"]  # fmt: skip
    assert lead[-1] == "Đã duyệt; báo cáo được mở lại để sửa"


def test_a_reopened_report_printed_while_corrected_is_dated_the_day_printed_and_others_are_told_why_not(
    client, cast, reopened
):
    with on("2026-12-06", "09:00"):  # reopened on 20/11, corrected weeks later, not yet sent again
        client.force_login(cast["canbo.ldtbxh"])
        page = ReportPage(reopened).lead("III.3.b.3", results="Bản đang sửa, chưa gửi.")
        assert client.post(f"/bao-cao/{reopened.pk}/", page.data()).status_code == 302
        printed = client.get(f"/bao-cao/{reopened.pk}/in/").content
        text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=printed, capture_output=True, check=True)
                        .stdout.decode().split())  # fmt: skip
        assert "ngày 06 tháng 12 năm 2026" in text and "ngày 20 tháng 11 năm 2026" not in text
        assert "trạng thái: được mở lại để sửa (nội dung đang sửa, chưa gửi lại)." in text
        assert "Bản đang sửa, chưa gửi." in text
        # the approved content is official, but the print and the workbook are the agency's draft
        for reader, url in [("vanphong", "in/"), ("lanhdao", "in/"), ("vanphong", "excel/")]:
            client.force_login(cast[reader])
            response = client.get(f"/bao-cao/{reopened.pk}/{url}")
            assert response.status_code == 403
            assert "Báo cáo đã duyệt đang được mở lại để đơn vị sửa" in response.content.decode()


def test_a_coordinating_agency_sent_back_is_not_said_to_have_never_reported(plan, reopened):
    from reports.consolidated.excel import consolidated_workbook

    data = gather(ConsolidatedReport.request(plan, 2026))
    text = "\n".join(getattr(p, "text", "") for p in build_document(data).body)
    assert "Báo cáo phối hợp của Phòng Giáo dục và Đào tạo bị trả lại để bổ sung, chưa đưa vào tổng hợp." in text
    never = [line for line in text.splitlines() if line.startswith("Chưa có báo cáo phối hợp của:")]
    assert never and not [line for line in never if "Phòng Giáo dục và Đào tạo" in line]
    # the workbook's tasks sheet lists every lead and coordinating agency, saying why one has nothing in it
    sheet = load_workbook(io.BytesIO(consolidated_workbook(data)))["Nhiệm vụ"]
    rows = [
        dict(zip([c.value for c in sheet[2]], line, strict=False))  # the header under the title row
        for line in sheet.iter_rows(min_row=3, values_only=True)
    ]
    education = [r for r in rows if r["Cơ quan, đơn vị"] == "Phòng Giáo dục và Đào tạo"]
    assert education and {r["Kết quả"] for r in education} == {"Báo cáo bị trả lại để bổ sung, chưa đưa vào tổng hợp."}
    assert {r["Báo cáo của đơn vị"] for r in education} == {None}  # no report in it: neither approved nor awaiting
    silent = [r for r in rows if r["Cơ quan, đơn vị"] == "Ủy ban nhân dân xã Bình An"]
    assert silent and {r["Kết quả"] for r in silent} == {"Chưa gửi báo cáo."}
    roles = {}  # within a task, the lead before the coordinating agencies, as the PDF lists them
    for r in rows:
        if r["Vai trò"]:  # not the totals row
            roles.setdefault(r["Mã nhiệm vụ"], []).append(r["Vai trò"])
    assert all(listed == sorted(listed, key=["Chủ trì", "Phối hợp"].index) for listed in roles.values())
    assert any(listed[0] == "Chủ trì" and "Phối hợp" in listed for listed in roles.values())
    labour = [r for r in rows if r["Cơ quan, đơn vị"] == "Phòng Lao động - Thương binh và Xã hội"]
    assert labour and all(r["Báo cáo của đơn vị"] == "Đã duyệt; báo cáo được mở lại để sửa" for r in labour)


def _sends(client, user, plan, code, proposal):
    """The agency sends its report, every field filled, with one proposal."""
    report = current_report(plan, code)
    client.force_login(user)
    page = ReportPage(report).fill_everything().add_proposal(proposal)
    assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    return report


OPEN = "Đề nghị hỗ trợ xây nhà văn hóa thôn."  # Bình Khương's, approved, not yet answered
ANSWERED = "Đề nghị nâng cấp trạm y tế xã."  # Bình An's, approved and answered
WAITING = "Đề nghị bổ sung vốn khuyến nông."  # Nông nghiệp's, sent and awaiting review


def test_proposals_stand_in_one_order_on_the_dashboard_its_file_and_the_consolidated_report(
    client, cast, plan, reopened
):
    """Approved (a reopened report's kept one among them) before those awaiting review, then open before answered,
    then by agency (Lao động before Ủy ban… Bình Khương; Nông nghiệp's awaits review, so comes last)."""
    answered = _sends(client, cast["canbo.binhan"], plan, "UBND-BA", ANSWERED)
    still_open = _sends(client, cast["canbo.binhkhuong"], plan, "UBND-BK", OPEN)
    _sends(client, cast["canbo.nnptnt"], plan, "NNPTNT", WAITING)
    client.force_login(cast["vanphong"])
    proposal = answered.proposals.get(text=ANSWERED)
    answer = {f"p{proposal.pk}-state": "answered", f"p{proposal.pk}-response": "Đã bố trí vốn năm 2027."}
    assert client.post(f"/bao-cao/{answered.pk}/kien-nghi/{proposal.pk}/", answer).status_code == 302
    for report in (answered, still_open):
        assert post_seen(client, f"/bao-cao/{report.pk}/duyet/").status_code == 302
    expected = [PROPOSAL, OPEN, ANSWERED, WAITING]
    dashboard = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    rows = dashboard[dashboard.index('id="kien-nghi"') :].split("<tr>")[2:]
    assert [next(text for text in expected if text in row) for row in rows] == expected
    book = load_workbook(io.BytesIO(client.get(f"/bang-dieu-khien/{SLUG}/2026/kien-nghi.xlsx").content))
    assert [line[1] for line in book.active.iter_rows(min_row=2, values_only=True)] == expected
    data = gather(ConsolidatedReport.request(plan, 2026))
    assert list(data.proposals["text"]) == expected
