"""`make run`'s data: the three plans, the 2025 reform (binhson_plan/plans/sap_xep_2025_*.yaml) and `seed_demo
--reports`, looked at on 06/12/2026. Since 01/07/2025 there is no district level: the years 2025 and 2026 are reported
by the agencies that exist then (the province's departments, the new communes, the bodies renamed), with texts that
follow whoever carries each task, and Bình Sơn's report is issued by the Sở Dân tộc và Tôn giáo."""

import html
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from docx import Document

from agencies.lineage import Lineage
from reports.consolidated.models import BuildState, ConsolidatedReport
from reports.models import AgencyReport, Evidence, Proposal, ReportEvent, ReportState, TargetEntry, TaskEntry
from tests.reports.helpers import kept_for_the_module, on

pytestmark = pytest.mark.season
PLANS = Path(__file__).resolve().parents[3] / "binhson_plan" / "plans"
BINH_SON = "binh-son-ctdt-2021-2030"
TRA_BONG = "minh-hoa-tra-bong-ctdt-2021-2030"
SLUGS = [BINH_SON, TRA_BONG, "minh-hoa-ba-to-ctdt-2021-2030"]
DAY = "2026-12-06"
# A district body acting: any "huyện" except the area's "huyện Bình Sơn cũ" wording, and the offices of the time.
DISTRICT = re.compile(
    r"UBND huyện|Ủy ban nhân dân huyện|Văn phòng huyện|Huyện ủy|cấp huyện|phòng, ban của huyện"
    r"|huyện(?! (Bình Sơn|Trà Bồng|Ba Tơ) cũ)|Ban Dân tộc tỉnh|Trung tâm TT-VH-TT|Cơ quan Tổ chức - Nội vụ"
    r"|Phòng (Tài chính|Tài nguyên|Tư pháp|Văn hóa và Thông tin|Nông nghiệp|Dân tộc|Lao động|Giáo dục|Y tế|Kinh tế)"
    # the communes merged into xã Bình Minh on 01/07/2025 act no more: "xã Bình An cũ" names a place (third pass)
    r"|[Xx]ã\s+Bình\s+(An|Khương)(?!,? (Bình Khương )?cũ)"
    r"|\b2 xã(?! (cũ|Bình An, Bình Khương cũ|Trà Bình, Trà Phong cũ))"
)
SO = "Sở Dân tộc và Tôn giáo tỉnh Quảng Ngãi"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """What `make run` loads, seeded on 06/12/2026, rolled back when the module's tests are done."""
    with kept_for_the_module(django_db_blocker, tmp_path_factory.mktemp("media")), on(DAY):
        for name in ("minh_hoa_tra_bong.yaml", "minh_hoa_ba_to.yaml"):
            call_command("load_plan", str(PLANS / name), stdout=io.StringIO())
        for name in ("binh_son", "minh_hoa_tra_bong", "minh_hoa_ba_to"):
            call_command("load_reorganisation", str(PLANS / f"sap_xep_2025_{name}.yaml"), stdout=io.StringIO())
        out = io.StringIO()
        call_command("seed_demo", "--reports", force=True, stdout=out)
        yield out.getvalue()


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_2026_report_is_from_an_agency_that_exists(seeded, client, db, slug):
    lineage = Lineage.load()
    with on(DAY):
        reports = list(AgencyReport.objects.filter(cycle__plan__slug=slug, cycle__year=2026).select_related("agency"))
        assert reports
        for report in reports:
            agency = report.agency
            assert agency.is_active and lineage.exists_on(agency.pk, report.cycle.due_on), agency.code
            assert not DISTRICT.search(agency.name), agency.name
        client.force_login(user("sodantoc"))  # the Sở reviews every plan: its queue names each agency of the year
        queue = html.unescape(client.get(f"/ke-hoach/{slug}/tham-dinh/").content.decode())
    for report in reports:
        assert report.agency.name in queue
    for ended in ("Văn phòng huyện", "Công an huyện", "Ban Dân tộc tỉnh", "Ủy ban nhân dân xã Bình Khương", "Huyện ủy"):
        assert ended not in queue


def test_no_seeded_text_of_2025_or_2026_has_a_district_body_act(seeded, db):
    years = {"report__cycle__year__in": [2025, 2026]}
    texts = []
    for entry in TaskEntry.objects.filter(**years):
        texts += [entry.results, entry.shortcomings, entry.next_steps]
    texts += [entry.note for entry in TargetEntry.objects.filter(**years)]
    texts += list(AgencyReport.objects.filter(cycle__year__in=[2025, 2026]).values_list("difficulties", flat=True))
    for proposal in Proposal.objects.filter(**years):
        texts += [proposal.text, proposal.response]
    texts += list(ReportEvent.objects.filter(**years).values_list("reason", flat=True))
    texts += list(
        Evidence.objects.filter(entry__report__cycle__year__in=[2025, 2026]).values_list("original_name", flat=True)
    )
    assert len([t for t in texts if t]) > 300
    assert [t for t in texts if t and DISTRICT.search(t)] == []


def test_bình_sơns_2026_season_has_every_state_and_its_texts_follow_the_tasks(seeded, db):
    with on(DAY):
        reports = {r.agency.code: r for r in AgencyReport.objects.filter(cycle__plan__slug=BINH_SON, cycle__year=2026)}
        assert {r.state for r in reports.values()} == set(ReportState.values)
        assert reports["SNNMT"].state == ReportState.SENT_BACK and reports["SNNMT"].is_overdue_on_corrections
        assert {c for c, r in reports.items() if r.state == ReportState.DRAFT} == {"TTYT-KVBS", "NHCSXH-KVBS"}
        assert all(reports[c].is_overdue for c in ("TTYT-KVBS", "NHCSXH-KVBS"))
        assert reports["UBND-BMINH"].state == ReportState.SUBMITTED
        past = AgencyReport.objects.filter(cycle__plan__slug=BINH_SON, cycle__year=2025)
        assert list(past.filter(is_late=True).values_list("agency__code", flat=True)) == ["BHXH-CSBS"]
    # a task moved to the commune carries the text written for it (Phòng NN&PTNT's irrigation works), the Sở of
    # Công Thương the former office's trade text, the commune both former communes' contributions
    entries = TaskEntry.objects.filter(report__cycle__plan__slug=BINH_SON, report__cycle__year=2026, role="lead")
    leads = {(e.report.agency.code, e.section.code): e for e in entries.select_related("report__agency", "section")}
    assert "kênh mương nội đồng" in leads[("UBND-BMINH", "III.2.d.5")].results
    assert "phiên chợ hàng Việt" in leads[("SCT", "III.2.c")].results
    assert "Thẩm định" not in leads[("SDTTG", "III.1")].results and SO not in leads[("SDTTG", "III.1")].results
    commune = TaskEntry.objects.get(report=reports["UBND-BMINH"], section__code="III.1", role="coordinating")
    assert "công chức văn hóa - xã hội" in commune.results and "công chức văn phòng - thống kê" in commune.results
    assert (
        not TaskEntry.objects.filter(report__in=reports.values(), role="lead", results="")
        .exclude(report__state=ReportState.DRAFT)
        .exists()
    )


def test_the_commune_with_parts_in_two_plans_sees_both(seeded, client, db):
    staff = user("canbo.binhkhuong")
    assert staff.membership.agency.code == "UBND-BMINH"
    with on(DAY):
        client.force_login(staff)
        page = client.get("/bao-cao/").content.decode()
    for slug in (BINH_SON, TRA_BONG):
        report = AgencyReport.objects.get(agency__code="UBND-BMINH", cycle__plan__slug=slug, cycle__year=2026)
        assert f'href="/ke-hoach/{slug}/bao-cao/{report.pk}/"' in page
    assert "Cán bộ có báo cáo ở nhiều kế hoạch:" in seeded
    line = next(line for line in seeded.splitlines() if "canbo.binhkhuong" in line and "Bình Sơn, Trà Bồng" in line)
    assert "Ủy ban nhân dân xã Bình Minh" in line
    # every named demo user works where their agency went, and the new agencies have staff of their own
    assert user("canbo.nnptnt").membership.agency.code == "SNNMT"
    assert user("canbo.sdttg").membership.agency.code == "SDTTG"


def test_bình_sơns_2026_report_is_issued_by_the_sở(seeded, client, db, eager_jobs, django_capture_on_commit_callbacks):
    url = f"/ke-hoach/{BINH_SON}/tong-hop/?nam=2026"
    with on(DAY):
        client.force_login(user("sodantoc"))
        form = html.unescape(client.get(url).content.decode())
        recipients = form[form.index('name="recipients"') :].split("</textarea>")[0].split(">", 1)[1].strip()
        assert SO in form and "Huyện ủy" not in recipients and "huyện" not in recipients
        data = {"number": "…/BC-SDTTG", "report_date": "06/12/2026", "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
                "recipients": recipients, "signer_authority": "KT. GIÁM ĐỐC", "signer_position": "PHÓ GIÁM ĐỐC",
                "signer_name": "Người ký (minh họa)"}  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, data).status_code == 302
        built = ConsolidatedReport.objects.filter(plan__slug=BINH_SON, year=2026).latest("version")
        assert built.state == BuildState.READY, built.error
        pdf = client.get(f"/tong-hop/{built.pk}/tep/pdf/")
    assert pdf.status_code == 200
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=b"".join(pdf.streaming_content) if pdf.streaming else pdf.content,
                       capture_output=True, check=True).stdout.decode().split()
    )  # fmt: skip
    assert "SỞ DÂN TỘC VÀ TÔN GIÁO" in text.upper() and "Huyện ủy" not in text
    # Decree 30: the department under its province's committee, not its name cut in two (third browser pass)
    assert text.startswith("UBND TỈNH QUẢNG NGÃI SỞ DÂN TỘC VÀ TÔN GIÁO CỘNG HÒA"), text[:80]
    with on(DAY):
        docx = client.get(f"/tong-hop/{built.pk}/tep/docx/")
    header = Document(io.BytesIO(b"".join(docx.streaming_content))).tables[0].rows[0].cells[0].paragraphs
    assert [(p.text, any(run.bold for run in p.runs)) for p in header[:2]] == [
        ("UBND TỈNH QUẢNG NGÃI", False), ("SỞ DÂN TỘC VÀ TÔN GIÁO", True)]  # fmt: skip
    assert "Ủy ban nhân dân xã Bình Minh" in text and "Văn phòng huyện" not in text


def printed(client, agency_code, username) -> str:
    """The text of the agency's own 2026 report as printed (PDF), its words one space apart."""
    report = AgencyReport.objects.get(cycle__plan__slug=BINH_SON, cycle__year=2026, agency__code=agency_code)
    with on(DAY):
        client.force_login(user(username))
        response = client.get(f"/ke-hoach/{BINH_SON}/bao-cao/{report.pk}/in/")
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
                    .split())  # fmt: skip


def test_a_departments_own_report_is_headed_under_the_provinces_committee(seeded, client, db):
    """Decree 30: "UBND TỈNH QUẢNG NGÃI" / "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"; the department's name repeated its province
    ("… MÔI TRƯỜNG TỈNH QUẢNG NGÃI"), and the heading's narrow column wrapped it over three lines."""
    text = printed(client, "SNNMT", "canbo.nnptnt")
    assert text.startswith("UBND TỈNH QUẢNG NGÃI SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG CỘNG HÒA"), text[:90]


def test_a_centre_moved_under_a_department_is_headed_under_it(seeded, client, db):
    """The Trung tâm Y tế khu vực's own report was headed "SỞ DÂN TỘC VÀ TÔN GIÁO TỈNH QUẢNG NGÃI", the body the year's
    report goes to, not the Sở Y tế it belongs to: a copy nobody could sign (browser pass 36)."""
    text = printed(client, "TTYT-KVBS", "canbo.ttyt-kvbs")
    # the heading's narrow column wraps the centre's name: its second line comes after the motto's
    heading = "SỞ Y TẾ TỈNH QUẢNG NGÃI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM TRUNG TÂM Y TẾ KHU VỰC Độc lập"
    assert text.startswith(heading), text[:120]


def test_each_agencys_own_report_is_dated_at_its_place(seeded, client, db):
    """Decree 30: the place name before the date is the administrative unit where the body sits: a commune's
    committee writes its commune (browser pass 39: xã Bình Minh's report read "Quảng Ngãi, ngày …"); a department
    of the province, the province."""
    commune = printed(client, "UBND-BMINH", "canbo.binhan")
    assert re.search(r"Bình Minh, ngày \d\d tháng \d+ năm 2026", commune) and "Quảng Ngãi, ngày" not in commune
    department = printed(client, "SNNMT", "canbo.nnptnt")
    assert re.search(r"Quảng Ngãi, ngày \d\d tháng \d+ năm 2026", department)


def test_the_2025_season_reads_as_its_successors_reported_it(seeded, client, db):
    """The year 2025 was entered (as the demo seeds it) after the reform was recorded, by the successors: its
    dashboard showed "20 đã duyệt" above task rows all "Chưa báo cáo" under the ended district bodies, since a closed
    cycle was read without reorganisations recorded after it closed (third browser pass). A cycle opened after the
    reorganisation was recorded is read with it."""
    with on(DAY):
        client.force_login(user("lanhdao"))
        page = html.unescape(client.get(f"/bang-dieu-khien/{BINH_SON}/2025/").content.decode())
    tasks = page[page.index('id="nhiem-vu"') : page.index('id="kien-nghi"')]
    assert "Chưa báo cáo" not in tasks
    assert "Sở Dân tộc và Tôn giáo" in tasks and "UBND xã Bình Minh" in tasks or "Ủy ban nhân dân xã Bình Minh" in tasks
    for ended in ("Văn phòng huyện", "Công an huyện", "UBND xã Bình An", "UBND xã Bình Khương", "Phòng TC-KH"):
        assert ended not in page, ended
