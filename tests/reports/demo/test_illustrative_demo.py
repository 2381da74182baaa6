"""`manage.py seed_demo --reports` with the two illustrative plans loaded beside Bình Sơn's (as `make run` does): each
gets a real-looking year of its own, and the staff of an agency with a part in two plans has reports in both.

The demo's year depends on today (this year; in January the year just ended), as in test_demo_year.py."""

import io
import subprocess
from contextlib import nullcontext
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook

from province.models import ProvinceSummary, SummaryState
from reports.demo.seeding import DEMO_SOURCE, demo_year
from reports.models import AgencyReport, Evidence, Proposal, ProposalState, ReportingCycle, ReportState, TaskEntry
from targets.models import TargetValue
from tests.reports.helpers import kept_for_the_module

pytestmark = pytest.mark.season
YEAR = demo_year()
PLANS = Path(__file__).resolve().parents[3] / "binhson_plan" / "plans"
ILLUSTRATIVE = ["minh-hoa-tra-bong-ctdt-2021-2030", "minh-hoa-ba-to-ctdt-2021-2030"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The three plans loaded and their years seeded once, rolled back when the module's tests are done."""
    with kept_for_the_module(django_db_blocker, tmp_path_factory.mktemp("media")):
        for name in ("minh_hoa_tra_bong.yaml", "minh_hoa_ba_to.yaml"):
            call_command("load_plan", str(PLANS / name), stdout=io.StringIO())
        out = io.StringIO()
        call_command("seed_demo", "--reports", force=True, stdout=out)
        yield out.getvalue()


@pytest.mark.parametrize("slug", ILLUSTRATIVE)
def test_each_illustrative_plan_has_a_real_looking_year(seeded, db, slug):
    cycle = ReportingCycle.objects.get(plan__slug=slug, year=YEAR)
    reports = list(cycle.reports.select_related("agency"))
    states = [r.state for r in reports]
    assert set(states) == set(ReportState.values)  # every state: approved, submitted, sent back, never sent
    assert states.count(ReportState.APPROVED) > len(reports) / 2 and states.count(ReportState.SENT_BACK) == 1
    for report in reports:
        assert get_user_model().objects.filter(membership__agency=report.agency, is_active=True).exists()
    leads = TaskEntry.objects.filter(report__cycle=cycle, role="lead").exclude(report__state=ReportState.DRAFT)
    assert leads.filter(budget_used=None).exists() and leads.exclude(budget_used=None).exists()
    sent = cycle.reports.exclude(state=ReportState.DRAFT)
    entries = [e for r in sent for e in r.target_entries.exclude(value=None)]
    assert any(e.is_estimate for e in entries) and any(not e.is_estimate for e in entries)
    values = TargetValue.objects.filter(target__plan__slug=slug, source=DEMO_SOURCE)
    years = set(values.values_list("year", flat=True))
    assert values.exists() and any(y not in years for y in range(2020, YEAR))  # values with gaps
    assert Proposal.objects.filter(report__cycle=cycle, state=ProposalState.ANSWERED).exists()
    assert Proposal.objects.filter(report__cycle=cycle, state=ProposalState.RECEIVED).exists()
    assert Evidence.objects.filter(entry__report__cycle=cycle).exists()
    past = ReportingCycle.objects.get(plan__slug=slug, year=YEAR - 1)
    assert {r.state for r in past.reports.all()} == {ReportState.APPROVED}
    assert past.reports.filter(is_late=True).count() == 1


def test_the_staff_of_an_agency_in_two_plans_has_reports_in_both(seeded, db):
    user = get_user_model().objects.get(username="canbo.bdt-tinh")
    assert user.membership.agency.code == "BDT-TINH"
    mine = AgencyReport.objects.filter(agency=user.membership.agency, cycle__year=YEAR)
    assert set(mine.values_list("cycle__plan__slug", flat=True)) == set(ILLUSTRATIVE)
    commune = AgencyReport.objects.filter(agency__code="UBND-BK", cycle__year=YEAR)
    assert set(commune.values_list("cycle__plan__slug", flat=True)) == {"binh-son-ctdt-2021-2030", ILLUSTRATIVE[0]}
    assert "canbo.bdt-tinh" in seeded and "Cán bộ có báo cáo ở nhiều kế hoạch:" in seeded
    assert seeded.count("(minh họa):") == 2  # each illustrative plan's lines under its marked title


def test_bình_sơns_year_is_seeded_as_it_is_alone(seeded, db):
    cycle = ReportingCycle.objects.get(plan__slug="binh-son-ctdt-2021-2030", year=YEAR)
    assert cycle.reports.count() == 22
    assert cycle.reports.get(state=ReportState.SENT_BACK).agency.code == "NNPTNT"
    assert sorted(cycle.reports.filter(state=ReportState.DRAFT).values_list("agency__code", flat=True)) == [
        "NHCSXH",
        "TTYT",
    ]
    assert seeded.index("Dữ liệu minh họa năm") < seeded.index("(minh họa):")  # Bình Sơn's lines come first


def test_its_files_say_minh_hoa_in_their_heading(seeded, client, db):
    """The agency's workbook and its printed report name the plan as the pages do."""
    report = AgencyReport.objects.get(agency__code="BDT-TINH", cycle__plan__slug=ILLUSTRATIVE[0], cycle__year=YEAR)
    title = report.cycle.plan.display_title
    client.force_login(get_user_model().objects.get(username="canbo.bdt-tinh"))
    workbook = load_workbook(io.BytesIO(client.get(f"/bao-cao/{report.pk}/excel/").content))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows(max_row=6) for c in row if c.value]
    assert f"Kế hoạch: {title}" in cells
    pdf = client.get(f"/bao-cao/{report.pk}/in/")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "huyện Trà Bồng (minh họa)" in text


def test_the_province_view_adds_up_on_the_demo_year(seeded, client, db):
    """/tinh/ on the demo's year, where every state is present: each plan's sent, sent back and never sent reports
    add up to the reports expected, and the one sent back of each plan is in its own column."""
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    html = client.get("/tinh/", {"year": YEAR}).content.decode()
    for slug in ["binh-son-ctdt-2021-2030", *ILLUSTRATIVE]:
        row = html.split(f'id="kh-{slug}"')[1].split("</tr>")[0]
        cells = [int(cell.split("</td>")[0].replace("<strong>", "").replace("</strong>", "").strip())
                 for cell in row.split('<td class="text-end">')[1:]]  # fmt: skip
        expected, sent, sent_back, not_sent = cells[:4]
        reports = AgencyReport.objects.filter(cycle__plan__slug=slug, cycle__year=YEAR, handed_over_at=None)
        assert (
            expected == reports.count()
            and sent_back == reports.filter(state=ReportState.SENT_BACK).exclude(correction_due_on=None).count() >= 1
        )
        assert sent + sent_back + not_sent == expected, (slug, cells)


def test_the_counts_made_in_the_database_are_the_dashboards(seeded, db):
    """The province view's counts (one query for every plan) and each plan's dashboard (report by report) agree on
    every count, on the demo's year (every state) and the year before, on the demo's day and after the due date."""
    from dataclasses import asdict

    from reports.dashboard.queries import completeness, completeness_counts
    from tests.reports.helpers import on

    cycles = list(ReportingCycle.objects.filter(year__in=[YEAR - 1, YEAR]))
    assert len(cycles) == 6
    days = [None, f"{YEAR}-12-31"]
    for day in days:
        with on(day) if day else nullcontext():
            counts = completeness_counts(cycles)
            for cycle in cycles:
                one = asdict(completeness(cycle))
                del one["reports"], one["handed_over"]
                assert asdict(counts[cycle.pk]) | {"reports": [], "handed_over": []} == one | {
                    "reports": [], "handed_over": []}, (cycle, day)  # fmt: skip


def test_the_bench_commands_measure_make_runs_data_and_leave_it_as_it_was(seeded, db):
    """`bench_pages` and `bench_report_page` on the three plans of `make run` (bench_report_page once failed there:
    it looked for the one active plan): a row per page, figures, and nothing changed afterwards."""
    before = sorted(AgencyReport.objects.values_list("pk", "state", "version"))
    out = io.StringIO()
    call_command("bench_pages", "--runs", "2", stdout=out)
    lines = out.getvalue().splitlines()
    for page in ("báo cáo: mở", "bảng điều khiển", "hàng chờ thẩm định", "toàn tỉnh (/tinh/)", "trang công khai"):
        row = next(line for line in lines if line.startswith(page))
        cpu, lowest, wall, queries = row[len(page) :].split()
        assert float(cpu) > 0 and float(wall) > 0 and int(queries) > 0
    out = io.StringIO()
    call_command("bench_report_page", "--runs", "2", stdout=out)
    assert "lớn nhất: " in out.getvalue() and "trung vị: " in out.getvalue()
    assert sorted(AgencyReport.objects.values_list("pk", "state", "version")) == before


def test_the_provinces_summary_of_the_demo_keeps_section_two_on_the_first_page(
    seeded, client, db, eager_jobs, django_capture_on_commit_callbacks, tmp_path, settings
):
    """The summary of the demo's three plans: section I's table names each plan by its area (its title is a sentence
    long and made each row seven lines), so section II starts on the first page, each indicator under its own heading
    with a row per plan's target; the full titles stay in section III."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(get_user_model().objects.get(username="sodantoc"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tinh/tong-hop/", {"year": str(YEAR), "report_date": f"10/12/{YEAR}"})
    assert response.status_code == 302
    summary = ProvinceSummary.objects.get(year=YEAR)
    assert summary.state == SummaryState.READY, summary.error
    pdf = b"".join(client.get(f"/tinh/tong-hop/{summary.pk}/tep/pdf/").streaming_content)
    first_page = " ".join(run_pdftotext(pdf, "-f", "1", "-l", "1").split())
    assert "I. TÌNH HÌNH BÁO CÁO CỦA CÁC KẾ HOẠCH" in first_page and "huyện Ba Tơ (minh họa)" in first_page
    assert "II. CHỈ TIÊU THEO BỘ CHỈ SỐ CHUNG" in first_page
    assert "1. Thu nhập bình quân của người dân tộc thiểu số" in first_page
    whole = " ".join(run_pdftotext(pdf).split())
    assert "Kế hoạch Triển khai thực hiện Chiến lược công tác dân tộc giai đoạn 2021-2030" in whole  # section III


def run_pdftotext(pdf: bytes, *pages: str) -> str:
    return subprocess.run(["pdftotext", *pages, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
