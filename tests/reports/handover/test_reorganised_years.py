"""Each year under its own organisation: 2024 with the offices and communes of 2024, 2026 with their successors
(the illustrative file tests/data/sap_xep_minh_hoa.yaml, shaped like the 2025 reform, not the real mapping)."""

import datetime
import io
import subprocess
import textwrap

import pytest
from django.core.management import call_command
from django.utils.html import escape

from agencies.models import Agency
from reports.consolidated.blocks import Para
from reports.consolidated.build import build_consolidated_report
from reports.consolidated.document import build_document
from reports.consolidated.gathering import gather
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from reports.models import AgencyReport, ReportState
from tasks.models import ReportIssuer
from tests.conftest import DATA, SLUG, queries_of
from tests.reports.helpers import ReportPage, current_report, post_seen

GONE = {"UBND-BA", "UBND-BK", "NNPTNT", "TNMT", "VHTT"}
NEW = {"UBND-BAK-MH", "SNNMT-MH", "VHKHTT-MH"}


def reorganise():
    call_command("load_reorganisation", str(DATA / "sap_xep_minh_hoa.yaml"), stdout=io.StringIO())


def agencies_of(year, plan) -> set[str]:
    return set(open_cycle(plan, year).reports.values_list("agency__code", flat=True))


def send(client, cast, plan, code, user, year, approve=True) -> AgencyReport:
    """The agency's report of `year`, filled as the page would be, submitted and (by default) approved."""
    report = current_report(plan, code, year)
    client.force_login(cast[user])
    assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).fill_everything().data("submit")).status_code == 302
    if approve:
        client.force_login(cast["vanphong"])
        post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    report.refresh_from_db()
    assert report.state == (ReportState.APPROVED if approve else ReportState.SUBMITTED)
    return report


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def year_2024(client, cast, plan):
    """Two reports of 2024, sent and approved before the reorganisation: a commune's and a split office's."""
    send(client, cast, plan, "UBND-BA", "canbo.binhan", 2024)
    send(client, cast, plan, "NNPTNT", "canbo.nnptnt", 2024)
    return plan


def test_reports_of_2024_and_2026_side_by_side_each_under_its_own_organisation(client, cast, year_2024):
    plan = year_2024
    reorganise()
    before, after = agencies_of(2024, plan), agencies_of(2026, plan)
    assert GONE <= before and not NEW & before and len(before) == 22
    assert NEW <= after and not GONE & after and len(after) == 20 and "KTHT" in after  # a transfer keeps it
    old = AgencyReport.objects.get(cycle__year=2024, agency__code="UBND-BA")
    assert old.state == ReportState.APPROVED and old.task_entries.exists()  # kept with the agency that made it
    client.force_login(cast["vanphong"])
    page = client.get(f"/bao-cao/{old.pk}/").content.decode()
    assert "Báo cáo năm 2024 – Ủy ban nhân dân xã Bình An" in page
    assert 'id="don-vi-da-sap-xep"' in page and "/co-quan/UBND-BAK-MH/" in page
    client.force_login(cast["canbo.binhan"])  # moved to the new commune: its report is this year's
    new = AgencyReport.objects.get(cycle__year=2026, agency__code="UBND-BAK-MH")
    assert f"/bao-cao/{new.pk}/" in client.get("/bao-cao/").content.decode()
    assert client.get(f"/bao-cao/{new.pk}/").status_code == 200


def test_the_dashboard_of_each_year_shows_that_years_agencies(client, cast, year_2024):
    open_cycle(year_2024, 2026)
    client.force_login(cast["vanphong"])
    urls = [f"/bang-dieu-khien/{SLUG}/{year}/" for year in (2024, 2026)]
    before = [queries_of(client, url) and queries_of(client, url) for url in urls]  # the figures cached first
    reorganise()

    def dashboard(year):
        html = client.get(f"/bang-dieu-khien/{SLUG}/{year}/").content.decode()
        tasks = html[html.index('id="nhiem-vu"') :]
        return html, tasks[tasks.index("#muc-III.2.a") :].split("</tr>")[0], html[html.index("/chi-tieu/2030.17/") :]

    html, task, target = dashboard(2024)
    assert escape("Phòng NN&PTNT") in task and "Ủy ban nhân dân xã Bình An" in html
    assert target.split("</td>")[0].endswith(f'<div class="text-muted">{escape("Phòng NN&PTNT")}</div>')
    assert "minh họa" not in html
    html, task, target = dashboard(2026)
    assert escape("Sở NN&MT (minh họa)") in task and "Ủy ban nhân dân xã Bình An Khương (minh họa)" in html
    assert target.split("</td>")[0].endswith(f'<div class="text-muted">{escape("Sở NN&MT (minh họa)")}</div>')
    assert ">Ủy ban nhân dân xã Bình An<" not in html
    filtered = client.get(f"/bang-dieu-khien/{SLUG}/2026/?task_agency=UBND-BAK-MH").content.decode()
    rows = filtered[filtered.index('id="nhiem-vu"') :].split("</tbody>")[0]
    assert "#muc-III.2.d.1" in rows and "#muc-III.2.d.5" in rows and "#muc-III.2.a" not in rows
    # the reorganisations' predecessors, successors and moves: three more queries, whatever the year
    assert [queries_of(client, url) for url in urls] == [count + 3 for count in before]


def test_the_2026_cycle_expects_the_successors_with_what_each_took_over(client, cast, plan):
    reorganise()
    commune = current_report(plan, "UBND-BAK-MH", 2026)
    leads = {e.section.code for e in commune.task_entries.filter(role="lead")}
    coordinated = {e.section.code for e in commune.task_entries.filter(role="coordinating")}
    assert leads == {"III.2.d.1", "III.2.d.5"}
    assert coordinated == {"III.1", "III.2.a", "III.2.b", "III.2.c", "III.2.d", "III.3.a", "III.3.c", "III.3.d",
                           "III.3.đ", "III.3.g"}  # fmt: skip
    assert {e.target.code for e in commune.target_entries.all()} == {"2025.04", "2025.09"}
    department = current_report(plan, "SNNMT-MH", 2026)
    assert {e.section.code for e in department.task_entries.filter(role="lead")} == {"III.2.a", "III.3.đ"}
    coordinated = {e.section.code for e in department.task_entries.filter(role="coordinating")}
    assert coordinated == {"III.2.b", "III.2.d"}  # the office's and the absorbed environment office's
    owned = {e.target.code for e in department.target_entries.all()}
    assert {"2030.17", "2025.11", "2030.14"} <= owned and "2025.09" not in owned
    send(client, cast, plan, "UBND-BAK-MH", "canbo.binhan", 2026, approve=False)  # its moved staff send it


def test_a_cycle_opened_before_the_reorganisation_follows_it(client, cast, plan):
    cycle = open_cycle(plan, 2026)  # opened in January, the reorganisation recorded later
    touched = current_report(plan, "UBND-BK", 2026)
    client.force_login(cast["canbo.binhkhuong"])
    page = ReportPage(touched)
    page.values["difficulties"] = "Thiếu cán bộ chuyên trách."
    assert client.post(f"/bao-cao/{touched.pk}/", page.data("save")).status_code == 302
    opened = current_report(plan, "KTHT", 2026)  # opened, never saved: follows the transfer
    assert "III.2.d.1" in {e.section.code for e in opened.task_entries.all()}
    reorganise()
    codes = set(cycle.reports.values_list("agency__code", flat=True))
    assert NEW <= codes and not (GONE - {"UBND-BK"}) & codes
    assert AgencyReport.objects.get(pk=touched.pk).difficulties == "Thiếu cán bộ chuyên trách."  # work is kept
    assert "III.2.d.1" not in {e.section.code for e in opened.task_entries.all()}
    assert "2025.04" not in {e.target.code for e in opened.target_entries.all()}
    assert AgencyReport.objects.filter(cycle__year=2024).count() == 0  # earlier years are not opened or touched


def test_a_targets_series_continues_across_a_merge(client, cast, plan, tmp_path):
    """Phòng LĐ-TB&XH merged into a new office (illustrative): the poverty rate's values stay one series, each
    year's value with the report it came from, and the target page names the owner of each period."""
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    path = tmp_path / "sap_nhap.yaml"
    path.write_text(textwrap.dedent("""\
        # MINH HỌA — không phải phương án thật
        agencies:
          - {code: PNV-MH, name: Phòng Nội vụ (minh họa), short_name: Phòng Nội vụ (minh họa), kind: specialised_office}
        reorganisations:
          - code: mh-2025-phong-noi-vu
            kind: merge
            effective_on: 2025-07-01
            legal_basis: Quyết định minh họa
            predecessors: [LDTBXH]
            successors: [PNV-MH]
        """), encoding="utf-8")  # fmt: skip
    call_command("load_reorganisation", str(path), stdout=io.StringIO())
    send(client, cast, plan, "PNV-MH", "canbo.ldtbxh", 2026)  # the office's staff moved with it
    client.force_login(cast["lanhdao"])
    html = client.get(f"/ke-hoach/{SLUG}/chi-tieu/2030.03/").content.decode()
    owner = html[html.index('id="don-vi-phu-trach"') :].split("</dd>")[0]
    assert "Phòng Nội vụ (minh họa)" in owner and "theo Kế hoạch:" in owner
    periods = owner[owner.index('id="phu-trach-qua-cac-nam"') :]
    assert "2020–2024: <a" in periods and "Phòng Lao động - Thương binh và Xã hội</a>" in periods
    assert "2025–2026: <a" in periods and "Phòng Nội vụ (minh họa)</a>" in periods
    values = html[html.index('id="so-lieu"') :].split("</table>")[0]
    years = [int(cell.split("<")[0]) for cell in values.split("<td>")[1:] if cell[:4].isdigit() and len(cell) > 4
             and cell[4] == "<"]  # fmt: skip
    assert {2020, 2021, 2022, 2023, 2024} <= set(years) and max(years) >= 2025  # one series, no gap at the merge
    assert "Báo cáo năm 2026 của Phòng Nội vụ (minh họa)" in values


def pdf_text(report) -> str:
    return subprocess.run(["pdftotext", "-layout", report.pdf.path, "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def test_the_2024_consolidated_report_reads_the_same_after_the_reorganisation(client, cast, year_2024, eager_jobs):
    plan = year_2024
    cover = {"number": "15/BC-UBND", "report_date": datetime.date(2024, 12, 10)}
    before = pdf_text(build_consolidated_report(ConsolidatedReport.request(plan, 2024, **cover).pk))
    reorganise()  # which also sets another issuer from 2025
    assert ReportIssuer.for_year(plan, 2025).issuing_body == "Ủy ban nhân dân xã Bình Sơn (minh họa)"
    after = pdf_text(build_consolidated_report(ConsolidatedReport.request(plan, 2024, **cover).pk))
    assert after == before
    assert "HUYỆN BÌNH SƠN" in before and "Phòng Nông nghiệp và Phát triển nông thôn" in before
    assert "Ủy ban nhân dân xã Bình An" in before and "minh họa" not in before.lower()


def test_the_2026_consolidated_report_follows_the_successors_and_the_years_issuer(client, cast, plan):
    reorganise()
    ReportIssuer.objects.create(
        plan=plan, from_year=2026, issuing_body="Ủy ban nhân dân xã Bình An Khương (minh họa)", place="Bình An",
        signer_authority="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH", signer_name="Người Ký Minh Họa",
        recipients="Ủy ban nhân dân tỉnh Quảng Ngãi\nLưu: VT", document_symbol="BC-UBND-MH",
    )  # fmt: skip
    report = ConsolidatedReport.request(plan, 2026)
    assert (report.number, report.signer_name, report.recipient_list()) == (
        "…/BC-UBND-MH",
        "Người Ký Minh Họa",
        ["Ủy ban nhân dân tỉnh Quảng Ngãi", "Lưu: VT"],
    )
    doc = build_document(gather(report))
    assert (doc.issuer_line1, doc.issuer_line2) == ("ỦY BAN NHÂN DÂN", "XÃ BÌNH AN KHƯƠNG (MINH HỌA)")
    assert doc.place_date.startswith("Bình An, ngày ")
    leads = [p.text for p in doc.body if isinstance(p, Para) and p.lead == "Cơ quan chủ trì:"]
    assert "Sở Nông nghiệp và Môi trường tỉnh (minh họa)." in leads
    assert "Ủy ban nhân dân xã Bình An Khương (minh họa)." in leads
    assert "Phòng Nông nghiệp và Phát triển nông thôn." not in leads
    earlier = build_document(gather(ConsolidatedReport.request(plan, 2024)))
    assert earlier.issuer_line2 == "HUYỆN BÌNH SƠN" and earlier.signer_name == "Phạm Quang Sự"
    assert "Phòng Nông nghiệp và Phát triển nông thôn." in [p.text for p in earlier.body if isinstance(p, Para)]
    client.force_login(cast["vanphong"])  # the cover form of the year starts from the year's issuer
    form = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026").content.decode()
    assert "Người Ký Minh Họa" in form and "…/BC-UBND-MH" in form
    assert "Phạm Quang Sự" in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2024").content.decode()
    # the targets' owner is the year's: 2030.04 passed to the department, 2024 keeps the office
    owners = dict(zip(gather(report).targets["code"], gather(report).targets["agency"], strict=True))
    assert owners["2030.04"] == "Sở Nông nghiệp và Môi trường tỉnh (minh họa)"
    earlier_owners = gather(ConsolidatedReport.request(plan, 2024)).targets.set_index("code")["agency"]
    assert earlier_owners["2030.04"] == "Phòng Nông nghiệp và Phát triển nông thôn"


def test_a_staff_member_of_a_merged_commune_can_no_longer_edit_its_old_report(client, cast, plan):
    old = current_report(plan, "UBND-BA", 2026)
    reorganise()
    assert not AgencyReport.objects.filter(pk=old.pk).exists()  # untouched, no longer expected: removed
    report = current_report(plan, "UBND-BK", 2024)  # a 2024 report opened after the date: still the commune's
    client.force_login(cast["canbo.binhkhuong"])
    assert Agency.objects.get(code="UBND-BK").members.count() == 0
    assert client.post(f"/bao-cao/{report.pk}/", ReportPage(report).data("save")).status_code == 403
