"""A reorganisation recorded while a year's reports are being filled (reports/handover/handing.py): the reports of the
agencies it ended are kept under their names, what they say goes to the reports of the agencies that now hold
their part, and the year counts each agency of its organisation once.

On the real year of demo data (seeded once for the module) and the illustrative file tests/data/sap_xep_minh_hoa.yaml,
shaped like the 2025 reform (not the real mapping), then on small cases of their own."""

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from agencies.models import Agency
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from reports.demo.seeding import demo_year
from reports.models import (
    AgencyReport,
    Evidence,
    Proposal,
    ReportAction,
    ReportEvent,
    ReportingCycle,
    ReportState,
    TaskEntry,
)
from tests.conftest import DATA, SLUG
from tests.reports.helpers import ReportPage, kept_for_the_module, post_seen

pytestmark = pytest.mark.season
YEAR = demo_year()  # the demo's year: this year; in January the year just ended
GONE = {"UBND-BA", "UBND-BK", "NNPTNT", "TNMT", "VHTT"}
NEW = {"UBND-BAK-MH", "SNNMT-MH", "VHKHTT-MH"}


def reorganise(path=DATA / "sap_xep_minh_hoa.yaml") -> str:
    out = io.StringIO()
    call_command("load_reorganisation", str(path), stdout=out)
    return out.getvalue()


def totals(reports) -> dict:
    """What a set of reports says, in sums that a hand-over must keep: nothing lost, nothing counted twice."""
    entries = TaskEntry.objects.filter(report__in=reports)
    return {
        "budget": sum(b for b in entries.values_list("budget_used", flat=True) if b),
        "evidence": Evidence.objects.filter(entry__report__in=reports).count(),
        "proposals": sorted(Proposal.objects.filter(report__in=reports).values_list("text", flat=True)),
        "results": sum(1 for text in entries.values_list("results", flat=True) if text.strip()),
    }


def consolidated_totals(cycle) -> dict:
    """What the year's consolidated report adds up and counts, from a version not yet asked for (the nightly probe)."""
    from reports.consolidated.document import build_document

    data = gather(ConsolidatedReport(plan=cycle.plan, year=cycle.year, report_date=timezone.localdate()))
    included = data.reports[data.reports["included"].astype(bool)]
    text = " ".join(getattr(p, "text", "") for p in build_document(data).body)
    return {
        "budget": sum(b for b in data.tasks["budget"] if b is not None),
        "sent": len(included),
        "approved": int(included["approved"].astype(bool).sum()),
        "proposals": len(data.proposals),
        "total_line": re.search(r"Tổng kinh phí [^:]*: ([\d.]+ đồng)", text).group(1),
    }


@pytest.fixture(scope="module")
def reformed(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo year filled by its 22 agencies, then the illustrative reorganisation recorded; rolled back after."""
    media = tmp_path_factory.mktemp("media")
    with kept_for_the_module(django_db_blocker, media):
        call_command("seed_demo", "--reports", force=True, stdout=io.StringIO())
        cycle = ReportingCycle.objects.get(plan__slug=SLUG, year=YEAR)
        before = {
            "consolidated": consolidated_totals(cycle),
            "all": totals(cycle.reports.all()),
            "gone": {r.agency.code: r for r in cycle.reports.filter(agency__code__in=GONE)},
            "texts": {
                (e.report.agency.code, e.section.code): e.results
                for e in TaskEntry.objects.filter(report__cycle=cycle).select_related("report__agency", "section")
            },
        }
        output = reorganise()
        yield {"cycle": cycle, "before": before, "output": output, "media": media}


@pytest.fixture
def year(reformed, db, settings):
    settings.MEDIA_ROOT = reformed["media"]
    return reformed


def test_the_command_says_how_many_reports_it_handed_over(year):
    assert (
        "chuyển giao: 5 báo cáo của đơn vị đã kết thúc chuyển nội dung vào báo cáo của cơ quan kế nhiệm"
        in (year["output"])
    )
    assert (
        "chuyển giao: phần nhiệm vụ, chỉ tiêu đã chuyển đi của 1 báo cáo vào báo cáo của đơn vị tiếp nhận"
        in (year["output"])
    )  # Phòng KT&HT's, whose task III.2.d.1 and target 2025.04 went to the new commune
    handed = set(year["cycle"].reports.filter(handed_over_at__isnull=False).values_list("agency__code", flat=True))
    assert handed == GONE


def test_the_dashboard_counts_each_agency_of_the_year_once(client, cast, year):
    client.force_login(cast["vanphong"])
    html = client.get(f"/bang-dieu-khien/{SLUG}/{YEAR}/").content.decode()
    assert "<strong>20</strong> phải báo cáo" in html  # 22 − 5 ended + 3 new
    stats = {label: int(n) for n, label in re.findall(r"<strong>(\d+)</strong>\s*(đã gửi|chưa gửi)<", html)}
    assert stats["đã gửi"] + stats["chưa gửi"] == 20 and stats["chưa gửi"] >= 3  # the new ones among them
    table = html[html.index('id="bang-don-vi"') : html.index("</table>", html.index('id="bang-don-vi"'))]
    apart = html[html.index('id="da-chuyen-giao"') : html.index("</section>", html.index('id="da-chuyen-giao"'))]
    for code in GONE:
        name = escape(Agency.objects.get(code=code).name)
        assert f">{name}</a>" not in table and f">{name}</a>" in apart
    assert apart.count("Kết thúc từ 01/07/2025 theo sắp xếp tổ chức; kế nhiệm:") == 5
    assert "/co-quan/UBND-BAK-MH/" in apart and "/co-quan/SNNMT-MH/" in apart
    for code in NEW:
        assert f">{escape(Agency.objects.get(code=code).name)}</a>" in table


def test_what_the_ended_agencies_said_is_in_the_successors_reports_once(year):
    counted = year["cycle"].reports.filter(handed_over_at__isnull=True)
    after = totals(counted)
    assert after["budget"] == year["before"]["all"]["budget"] > 0
    assert after["evidence"] == year["before"]["all"]["evidence"] > 0
    assert after["proposals"] == year["before"]["all"]["proposals"]
    # every text an ended agency wrote is in the report of the agency that holds the task now
    commune = counted.get(agency__code="UBND-BAK-MH")
    texts = {e.section.code: e.results for e in commune.task_entries.select_related("section")}
    for code in ("UBND-BA", "UBND-BK"):
        for (agency, section), text in year["before"]["texts"].items():
            if agency == code and text.strip():
                assert text.strip() in texts[section], (code, section)
    # two communes on the same task: one line each, under its commune's name
    before = year["before"]["texts"]
    shared = [s for (a, s), t in before.items() if a == "UBND-BK" and t.strip() and before.get(("UBND-BA", s))]
    for section in shared:
        assert texts[section].split("\r\n") == [
            f"UBND xã Bình An: {before[('UBND-BA', section)].strip()}",
            f"UBND xã Bình Khương: {before[('UBND-BK', section)].strip()}",
        ]
    assert shared


def test_the_copied_evidence_is_a_file_of_its_own(year):
    copied = Evidence.objects.filter(entry__report__agency__code__in=NEW, entry__report__cycle=year["cycle"])
    assert copied.exists()
    for evidence in copied:  # the original: in a kept report, or in the history of the part that left a report
        original = Evidence.history.filter(  # the year's file (the year before has its own of the same name)
            original_name=evidence.original_name, history_type="+", file__startswith=f"minh-chung/{YEAR}/"
        ).exclude(id__in=copied.values("pk"))
        assert original.count() == 1, evidence.original_name
        assert evidence.file.name != original[0].file
        with evidence.file.open("rb") as a, evidence.file.storage.open(original[0].file, "rb") as b:
            assert a.read() == b.read()


def test_a_handed_over_report_is_read_only_and_out_of_review(client, cast, year):
    kept = year["before"]["gone"]["UBND-BK"]
    assert kept.state == ReportState.SUBMITTED  # it was waiting for review when the reorganisation came
    client.force_login(cast["vanphong"])
    page = client.get(f"/bao-cao/{kept.pk}/").content.decode()
    assert 'id="da-chuyen-giao"' in page and "Đã chuyển giao" in page
    assert f"/bao-cao/{kept.pk}/duyet/" not in page and f"/bao-cao/{kept.pk}/tra-lai/" not in page
    assert f"/bao-cao/{kept.pk}/" not in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tham-dinh/").content.decode()
    response = post_seen(client, f"/bao-cao/{kept.pk}/duyet/")
    assert response.status_code in (302, 403)
    assert AgencyReport.objects.get(pk=kept.pk).state == ReportState.SUBMITTED
    proposal = Proposal.objects.filter(  # of a report sent before it was handed over: the reviewer reads it
        report__handed_over_at__isnull=False, report__cycle=year["cycle"], report__state=ReportState.SUBMITTED
    ).first()
    response = client.post(
        f"/bao-cao/{proposal.report_id}/kien-nghi/{proposal.pk}/",
        {f"p{proposal.pk}-state": "answered", f"p{proposal.pk}-response": "Đồng ý."},
    )
    assert response.status_code == 302 and Proposal.objects.get(pk=proposal.pk).response == proposal.response
    events = ReportEvent.objects.filter(report=kept, action=ReportAction.HANDED_OVER)
    assert [e.reason for e in events] == [
        "Nội dung báo cáo năm 2026 đã chuyển cho: Ủy ban nhân dân xã Bình An Khương (minh họa) (Ủy ban nhân dân xã "
        "Bình Khương: sáp nhập từ 01/07/2025 theo Nghị quyết số …/NQ-UBTVQH15 về sắp xếp đơn vị hành chính cấp xã "
        "(số hiệu minh họa))."
    ]


def test_the_successor_is_told_what_it_received_and_can_send_it(client, cast, year):
    report = AgencyReport.objects.get(cycle=year["cycle"], agency__code="VHKHTT-MH")
    client.force_login(cast["canbo.vhtt"])  # moved with the rename
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Nhận nội dung báo cáo năm 2026 của Phòng Văn hóa và Thông tin" in page
    assert 'name="action"' in page or "submit" in page  # the form, not the read-only view
    assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("submit")).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    assert AgencyReport.objects.get(pk=report.pk).state == ReportState.APPROVED
    client.force_login(cast["canbo.vhtt"])  # approved: the notice is gone, the link to what it received stays
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    kept = year["before"]["gone"]["VHTT"]
    notice = page[page.index('id="da-nhan-chuyen-giao"') :].split("</div>\n</div>")[0]
    assert "Nhận nội dung báo cáo năm 2026" not in notice and f"/bao-cao/{kept.pk}/" in notice


def test_the_consolidated_report_of_the_year_names_each_agency_once(year, plan):
    data = gather(ConsolidatedReport.request(plan, YEAR))
    assert not GONE & set(data.reports["agency_code"]) and NEW <= set(data.reports["agency_code"])
    assert len(data.reports) == 20
    assert not {Agency.objects.get(code=c).name for c in GONE} & set(data.proposals["agency"])


def test_the_years_totals_keep_the_approved_work_of_the_ended_agencies_until_their_successors_send(year, plan):
    before, after = year["before"]["consolidated"], consolidated_totals(year["cycle"])
    assert after["budget"] == before["budget"] and after["total_line"] == before["total_line"]
    assert after["proposals"] == before["proposals"]
    assert after["approved"] <= before["approved"] and after["sent"] <= before["sent"]  # agencies merged into one
    data = gather(ConsolidatedReport.request(plan, YEAR))
    row = data.reports.set_index("agency_code").loc["VHKHTT-MH"]  # the renamed office: its predecessor's report
    gone = year["before"]["gone"]["VHTT"]
    assert bool(row["included"]) == (gone.state in ("submitted", "approved"))
    if row["included"]:
        assert "(báo cáo của Phòng Văn hóa và Thông tin trước sắp xếp" in row["state_label"]
        from reports.consolidated.document import build_document

        counts = " ".join(getattr(p, "text", "") for p in build_document(data).body[:4])
        assert "Phòng Văn hóa, Khoa học và Thông tin (minh họa)" not in counts.split("chưa gửi báo cáo:")[-1]


def test_recording_it_again_hands_nothing_over_twice(year):
    received = ReportEvent.objects.filter(action=ReportAction.RECEIVED).count()
    budget = totals(year["cycle"].reports.filter(handed_over_at__isnull=True))
    assert "chuyển giao" not in reorganise()
    assert ReportEvent.objects.filter(action=ReportAction.RECEIVED).count() == received == 7
    assert totals(year["cycle"].reports.filter(handed_over_at__isnull=True)) == budget


def test_the_successors_staff_read_what_their_predecessors_reported_and_change_none_of_it(client, cast, year):
    """Only of the agencies that ended into theirs: an office that transferred one task goes on, its own."""
    reports = {r.agency.code: r for r in year["cycle"].reports.select_related("agency")}
    client.force_login(cast["canbo.binhan"])  # now of the merged commune, which took parts of NNPTNT too
    page = client.get(f"/bao-cao/{reports['UBND-BAK-MH'].pk}/").content.decode()
    links = page[page.index('id="da-nhan-chuyen-giao"') :].split("</div>\n</div>")[0]
    for code in ("UBND-BA", "UBND-BK", "NNPTNT"):
        assert f"/bao-cao/{reports[code].pk}/" in links
        kept = client.get(f"/bao-cao/{reports[code].pk}/")
        assert kept.status_code == 200 and "Đã chuyển giao" in kept.content.decode()
        assert client.post(f"/bao-cao/{reports[code].pk}/", {"difficulties": "x"}).status_code == 403
    assert f"/bao-cao/{reports['TNMT'].pk}/" not in links  # merged into the department, not the commune
    assert client.get(f"/bao-cao/{reports['TNMT'].pk}/").status_code == 403
    assert client.get(f"/bao-cao/{reports['SNNMT-MH'].pk}/").status_code == 403  # a successor's sibling
    assert client.get(f"/bao-cao/{reports['LDTBXH'].pk}/").status_code == 403
    assert client.get(f"/bao-cao/{reports['KTHT'].pk}/").status_code == 403  # transferred III.2.d.1, goes on
    client.force_login(cast["vanphong"])  # the office that stays is told what left its report
    office = client.get(f"/bao-cao/{reports['KTHT'].pk}/").content.decode()
    assert "Phần đã nhập của nhiệm vụ III.2.d.1 đã chuyển cho: Ủy ban nhân dân xã Bình An Khương (minh họa)" in office


def test_a_transferred_task_leaves_the_report_of_the_office_that_stays_for_the_new_holders(year, plan):
    office = year["cycle"].reports.get(agency__code="KTHT")  # approved before the transfer was recorded
    assert office.state == ReportState.APPROVED and office.handed_over_at is None
    assert not office.task_entries.filter(section__code="III.2.d.1").exists()
    assert not office.target_entries.filter(target__code="2025.04").exists()  # transferred too: asked of the commune
    said = year["before"]["texts"][("KTHT", "III.2.d.1")].strip()
    commune = year["cycle"].reports.get(agency__code="UBND-BAK-MH")
    assert commune.task_entries.get(section__code="III.2.d.1").results == f"Phòng KT&HT: {said}"
    reasons = list(office.events.filter(action=ReportAction.HANDED_OVER).values_list("reason", flat=True))
    assert reasons == [
        "Phần đã nhập của nhiệm vụ III.2.d.1 đã chuyển cho: Ủy ban nhân dân xã Bình An Khương "
        "(minh họa) (Phòng Kinh tế và Hạ tầng: chuyển giao nhiệm vụ từ 01/07/2025 theo Quyết định số …/QĐ-UBND của "
        "UBND tỉnh (số hiệu minh họa))."
    ]
    # the consolidated report prints under each task only the agencies that hold it that year, and adds only
    # their budgets: what the office reported on III.2.d.1 is the commune's to send now
    tasks = gather(ConsolidatedReport.request(plan, YEAR)).tasks
    assert not ((tasks["code"] == "III.2.d.1") & (tasks["agency"] == "Phòng Kinh tế và Hạ tầng")).any()


def test_the_sent_back_request_reaches_the_successor(year):
    kept = year["before"]["gone"]["NNPTNT"]
    assert kept.state == ReportState.SENT_BACK and kept.return_reason.strip()
    received = ReportEvent.objects.get(
        report__agency__code="SNNMT-MH", action=ReportAction.RECEIVED, reason__contains="Phòng Nông nghiệp"
    )
    request = kept.return_reason.strip()
    assert request.endswith(".")  # then no second full stop after the quote
    # asked by the body that reviews the year's reports (the year's issuer: the commune, after 01/07/2025)
    assert received.reason.endswith(
        "Văn phòng HĐND và UBND xã Bình Sơn (minh họa) đã đề nghị Phòng Nông nghiệp và Phát triển nông thôn "
        f"bổ sung: “{request}”"
    )


def pdf_words(response) -> str:
    import subprocess

    assert response["Content-Type"] == "application/pdf"
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_each_agencys_own_report_is_addressed_to_the_body_of_its_year(client, cast, year):
    reports = {r.agency.code: r for r in year["cycle"].reports.select_related("agency")}
    # a report not sent prints for its agency alone (test_drafts_stay_with_the_agency.py): these are sent
    AgencyReport.objects.filter(pk__in=[r.pk for r in reports.values()]).update(state=ReportState.SUBMITTED)
    client.force_login(cast["vanphong"])
    department = pdf_words(client.get(f"/bao-cao/{reports['SNNMT-MH'].pk}/in/"))
    assert department.startswith("UBND TỈNH QUẢNG NGÃI SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH (MINH HỌA)")
    assert "Kính gửi: Ủy ban nhân dân xã Bình Sơn (minh họa)." in department
    # through the body that reviews the year's reports, named in the year's issuer
    assert (
        "Nơi nhận: - Ủy ban nhân dân xã Bình Sơn (minh họa) (qua Văn phòng HĐND và UBND xã Bình Sơn (minh họa)); "
        "- Lưu: VT." in department
    )
    assert "Ủy ban nhân dân huyện" not in department and "Văn phòng huyện" not in department
    commune = pdf_words(client.get(f"/bao-cao/{reports['UBND-BAK-MH'].pk}/in/"))
    assert commune.startswith("ỦY BAN NHÂN DÂN XÃ BÌNH AN KHƯƠNG (MINH HỌA)") and "HUYỆN" not in commune
    office = pdf_words(client.get(f"/bao-cao/{reports['VHKHTT-MH'].pk}/in/"))
    assert office.startswith("UBND XÃ BÌNH SƠN (MINH HỌA) PHÒNG VĂN HÓA, KHOA HỌC VÀ THÔNG TIN (MINH HỌA)")
    kept = pdf_words(client.get(f"/bao-cao/{reports['UBND-BA'].pk}/in/"))
    assert "nội dung báo cáo đã chuyển giao cho cơ quan kế nhiệm lúc" in kept
    assert "không tính vào tình hình báo cáo năm 2026" in kept
    ended_office = pdf_words(client.get(f"/bao-cao/{reports['NNPTNT'].pk}/in/"))  # ended with the district
    assert ended_office.startswith("UBND HUYỆN BÌNH SƠN PHÒNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN")
    assert "Kính gửi: Ủy ban nhân dân huyện Bình Sơn." in ended_office


def test_two_communes_lines_stay_lines_in_the_printed_report(client, cast, year):
    import subprocess

    commune = year["cycle"].reports.get(agency__code="UBND-BAK-MH")
    client.force_login(cast["canbo.binhan"])
    response = client.get(f"/bao-cao/{commune.pk}/in/")
    lines = subprocess.run(["pdftotext", "-raw", "-", "-"], input=response.content, capture_output=True).stdout
    starts = [line.strip() for line in lines.decode().splitlines()]
    assert any(line.startswith("UBND xã Bình Khương: ") for line in starts)  # its own line, not run on


def test_the_cycle_list_counts_the_years_agencies(client, cast, year):
    client.force_login(cast["vanphong"])
    html = client.get("/ke-hoach/binh-son-ctdt-2021-2030/ky-bao-cao/").content.decode()
    row = html[html.index(f">{YEAR}</a>") :].split("</tr>")[0]
    assert "<td>20</td>" in row


def test_the_recipients_end_as_the_layout_ends_them(year, plan):
    report = ConsolidatedReport.request(plan, YEAR)  # the file's list ends "Lưu: VT."
    assert report.recipient_list() == [
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "Sở Dân tộc và Tôn giáo tỉnh (minh họa)",
        "Lưu: VT",
    ]
