"""The year after a reorganisation, as the province receives it (issue 16, item 9): the illustrative file
tests/data/sap_xep_minh_hoa.yaml loaded in the season of 2026, after the nightly job had already built a draft."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from reports.consolidated.jobs import rebuild_drafts
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from tests.conftest import DATA
from tests.reports.consolidated.test_word import docx_text, pdf_text
from tests.reports.helpers import post_seen

ISSUERS = ["Ủy ban nhân dân tỉnh Quảng Ngãi", "Sở Dân tộc và Tôn giáo tỉnh (minh họa)", "Lưu: VT"]


def reorganise():
    call_command("load_reorganisation", str(DATA / "sap_xep_minh_hoa.yaml"), stdout=io.StringIO())


def at(day, month=12, year=2026, hour=10):
    return time_machine.travel(timezone.make_aware(datetime.datetime(year, month, day, hour)), tick=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def nightly(day, capture) -> ConsolidatedReport:
    with at(day, 11), capture(execute=True):
        (pk,) = rebuild_drafts(datetime.date(2026, 11, day))
    report = ConsolidatedReport.objects.get(pk=pk)
    assert report.state == "ready", report.error
    return report


def test_the_draft_after_the_file_is_loaded_takes_the_years_issuer(
    client, cast, plan, eager_jobs, django_capture_on_commit_callbacks
):
    before = nightly(20, django_capture_on_commit_callbacks)  # built by the nightly job before the file
    assert before.recipient_list() == plan.recipient_list()  # the plan's own (its file's), before the file
    with at(20, 11, hour=15):
        reorganise()
    after = nightly(21, django_capture_on_commit_callbacks)  # the next night: a new draft, the issuer's
    assert after.version == before.version + 1
    assert after.recipient_list() == ISSUERS and after.signer_name == "Người ký minh họa"
    for text in (pdf_text(after), docx_text(after)):
        assert "Sở Dân tộc và Tôn giáo tỉnh (minh họa)" in text and "Người ký minh họa" in text
        assert "Thường trực Huyện ủy" not in text and "VPH" not in text
    before.refresh_from_db()
    assert before.recipient_list() == plan.recipient_list()  # a built version keeps what it was built with
    with at(22, 11):
        client.force_login(cast["vanphong"])
        form = client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026").content.decode()
    box = form[form.index('name="recipients"') :].split("</textarea>")[0]
    assert "Sở Dân tộc và Tôn giáo tỉnh (minh họa)" in box and "Huyện ủy" not in box
    # what the reviewer then types is kept by the next drafts
    with at(22, 11), django_capture_on_commit_callbacks(execute=True):
        data = {"number": "…/BC-UBND", "report_date": "22/11/2026", "addressee": "Ủy ban nhân dân tỉnh Quảng Ngãi",
                "recipients": "Ủy ban nhân dân tỉnh Quảng Ngãi\nLưu: VT, VP", "signer_authority": "KT. CHỦ TỊCH",
                "signer_position": "PHÓ CHỦ TỊCH", "signer_name": "Người ký minh họa"}  # fmt: skip
        assert client.post("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026", data).status_code == 302
    typed = ConsolidatedReport.objects.get(plan=plan, year=2026, version=after.version + 1)
    with at(23, 11):
        assert ConsolidatedReport.request(plan, 2026).recipient_list() == typed.recipient_list()
        assert ConsolidatedReport.request(plan, 2026).recipient_list()[-1] == "Lưu: VT, VP"


def walk(tasks):
    for task in tasks:
        yield task
        yield from walk(task["children"])


def test_the_api_names_an_agency_leading_a_task_once_and_keeps_the_other_coordinators(client, plan):
    reorganise()
    tasks = {t["code"]: t for t in walk(client.get("/api/plans/binh-son-ctdt-2021-2030/?year=2026").json()["tasks"])}
    for code in ("III.2.d.1", "III.2.d.5"):  # led by the new commune, which coordinates the block around them
        assert tasks[code]["lead_agencies"] == ["UBND-BAK-MH"]
        assert tasks[code]["coordinating_agencies"] == ["TCKH", "SNNMT-MH"]
    assert tasks["III.2.d.2"]["coordinating_agencies"] == ["TCKH", "SNNMT-MH", "UBND-BAK-MH"]
    assert tasks["III.2.d"]["coordinating_agencies"] == ["TCKH", "SNNMT-MH", "UBND-BAK-MH"]
    for task in tasks.values():
        assert not set(task["lead_agencies"]) & set(task["coordinating_agencies"]), task["code"]


def test_the_admins_agency_picker_marks_the_ended_agencies_and_keeps_them_out_of_staff(client, cast, plan):
    reorganise()
    client.force_login(cast["quantri"])

    def picked(model, term):
        url = f"/quan-tri/autocomplete/?app_label=agencies&model_name={model}&field_name=agency&term={term}"
        response = client.get(url)
        assert response.status_code == 200
        return [r["text"] for r in response.json()["results"]]

    found = picked("reorganisationpredecessor", "Bình An")
    assert found[0] == "Ủy ban nhân dân xã Bình An Khương (minh họa)"  # the agency at work first
    assert "Ủy ban nhân dân xã Bình An (đã kết thúc)" in found
    assert "Ủy ban nhân dân xã Bình An" not in found
    staff = picked("membership", "Bình An")  # a staff member belongs to an agency at work
    assert staff == ["Ủy ban nhân dân xã Bình An Khương (minh họa)"]
    assert "Phòng Văn hóa và Thông tin (đã kết thúc)" in picked("reorganisationsuccessor", "Văn hóa")


def test_a_report_a_reorganisation_opens_after_the_due_date_has_time_and_is_judged_against_it(
    client, cast, plan, django_user_model
):
    from django.contrib.auth.models import Group

    from agencies.models import Agency, Membership
    from agencies.permissions import Role
    from reports.models import AgencyReport
    from tests.reports.handover.test_reorganised_years import send

    staff = django_user_model.objects.create_user("canbo.vhtt", first_name="Cán bộ Văn hóa")
    staff.groups.add(Group.objects.get(name=Role.AGENCY_STAFF))
    Membership.objects.create(user=staff, agency=Agency.objects.get(code="VHTT"))
    cast = cast | {"canbo.vhtt": staff}
    with at(1):  # the culture office sends in time, under its old name
        send(client, cast, plan, "VHTT", "canbo.vhtt", 2026)
    with at(6):  # the reorganisation is recorded the day after the due date
        reorganise()
    commune = AgencyReport.objects.get(cycle__year=2026, agency__code="UBND-BAK-MH")
    renamed = AgencyReport.objects.get(cycle__year=2026, agency__code="VHKHTT-MH")
    assert commune.due_on == renamed.due_on == datetime.date(2026, 12, 21)  # 15 days from 06/12
    assert AgencyReport.objects.get(cycle__year=2026, agency__code="GDDT").due_on is None  # the cycle's: 05/12
    with at(7):
        client.force_login(cast["vanphong"])
        page = client.get(f"/bao-cao/{renamed.pk}/").content.decode()
        assert "Hạn gửi: <strong>21/12/2026</strong>" in page and "hạn của kỳ: 05/12/2026" in page
    with at(10):
        sent = send(client, cast, plan, "VHKHTT-MH", "canbo.vhtt", 2026, approve=False)
        assert not sent.is_late
        page = client.get(f"/bao-cao/{sent.pk}/").content.decode()
        assert "Gửi muộn" not in page
    # the reviewer sets another date for the commune; a wrong one is refused next to the field
    with at(10):
        client.force_login(cast["vanphong"])
        response = client.post(f"/bao-cao/{commune.pk}/han-gui/", {"due_on": "31/02/2026"})
        assert response.status_code == 422
        form = response.content.decode()
        assert "Ngày không hợp lệ" in form and 'value="31/02/2026"' in form
        assert client.post(f"/bao-cao/{commune.pk}/han-gui/", {"due_on": "08/12/2026"}).status_code == 302
    commune.refresh_from_db()
    assert commune.due_on == datetime.date(2026, 12, 8)
    assert commune.history.first().history_user == cast["vanphong"]
    with at(10):
        sent = send(client, cast, plan, "UBND-BAK-MH", "canbo.binhan", 2026, approve=False)
        assert sent.is_late
        assert "Báo cáo gửi sau hạn, được ghi nhận là gửi muộn." in client.get(f"/bao-cao/{sent.pk}/").content.decode()
        # once sent, its lateness stands: a new due date is refused next to the field, not silently ignored
        client.force_login(cast["vanphong"])
        response = client.post(f"/bao-cao/{sent.pk}/han-gui/", {"due_on": "20/12/2026"})
        assert response.status_code == 422
        assert "không đổi hạn gửi được nữa" in response.content.decode()
        assert 'placeholder="ngày/tháng/năm"' in response.content.decode()
    sent.refresh_from_db()
    assert sent.due_on == datetime.date(2026, 12, 8) and sent.is_late


def test_a_reorganisation_recorded_in_good_time_leaves_the_cycles_due_date(plan):
    from reports.models import AgencyReport

    with at(20, 11):
        open_cycle(plan, 2026)
        reorganise()
    assert AgencyReport.objects.get(cycle__year=2026, agency__code="UBND-BAK-MH").due_on is None


def test_the_reviewing_body_is_the_years(client, cast, plan):
    from reports.consolidated.blocks import Para
    from reports.consolidated.document import build_document
    from reports.consolidated.gathering import gather
    from reports.models import AgencyReport, Proposal
    from tests.reports.helpers import ReportPage, current_report

    reviewer = "Văn phòng HĐND và UBND xã Bình Sơn (minh họa)"
    reorganise()
    report = current_report(plan, "UBND-BAK-MH", 2026)
    client.force_login(cast["canbo.binhan"])
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert f"gửi đến {reviewer}. Từ lúc đó" in page and "gửi đến Văn phòng huyện" not in page
    form = ReportPage(report).fill_everything()
    form.add_proposal("Đề nghị hỗ trợ kinh phí cho thôn đặc biệt khó khăn.")
    done = client.post(f"/bao-cao/{report.pk}/", form.data("submit"), follow=True).content.decode()
    assert f"Đã gửi báo cáo đến {reviewer} lúc" in done and f"{reviewer} sẽ thẩm định rồi duyệt" in done
    client.force_login(cast["vanphong"])
    proposal = Proposal.objects.get(report=report)
    answer = {f"p{proposal.pk}-state": "answered", f"p{proposal.pk}-response": "Xã bố trí trong dự toán năm sau."}
    client.post(f"/bao-cao/{report.pk}/kien-nghi/{proposal.pk}/", answer)
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    assert AgencyReport.objects.get(pk=report.pk).state == "approved"
    texts = [f"{p.lead} {p.text}" for p in build_document(gather(ConsolidatedReport.request(plan, 2026))).body
             if isinstance(p, Para)]  # fmt: skip
    assert any(f"1 báo cáo đã được {reviewer} thẩm định, duyệt" in t for t in texts)
    assert f"Trả lời của {reviewer}: Xã bố trí trong dự toán năm sau." in texts
    assert not any("Văn phòng huyện thẩm định" in t or "của huyện:" in t for t in texts)
    open_cycle(plan, 2024)
    earlier = [p.text for p in build_document(gather(ConsolidatedReport.request(plan, 2024))).body
               if isinstance(p, Para)]  # fmt: skip
    assert any("đã được Văn phòng huyện thẩm định, duyệt" in t for t in earlier)  # the plan's own years


def test_the_renamed_offices_work_counts_once_before_and_after_it_sends_its_own(client, cast, plan, django_user_model):
    from django.contrib.auth.models import Group

    from agencies.models import Agency, Membership
    from agencies.permissions import Role
    from reports.consolidated.gathering import gather
    from tests.reports.helpers import ReportPage, current_report

    staff = django_user_model.objects.create_user("canbo.vhtt", first_name="Cán bộ Văn hóa")
    staff.groups.add(Group.objects.get(name=Role.AGENCY_STAFF))
    Membership.objects.create(user=staff, agency=Agency.objects.get(code="VHTT"))
    office = current_report(plan, "VHTT", 2026)
    client.force_login(staff)
    page = ReportPage(office).fill_everything()
    page.lead("III.3.d", budget_used="180.500.000", results="Tổ chức 3 lớp truyền dạy cồng chiêng.")
    assert client.post(f"/bao-cao/{office.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    assert post_seen(client, f"/bao-cao/{office.pk}/duyet/").status_code == 302

    def year():
        data = gather(ConsolidatedReport(plan=plan, year=2026, report_date=datetime.date(2026, 11, 20)))
        block = data.tasks[data.tasks["code"] == "III.3.d"].to_dict("records")
        return data.reports.set_index("agency_code"), block

    reports, before = year()
    assert [(r["agency"], r["budget"]) for r in before] == [("Phòng Văn hóa và Thông tin", 180_500_000)]
    reorganise()
    reports, block = year()
    assert [(r["agency"], r["budget"], r["approved"]) for r in block] == [
        ("Phòng Văn hóa, Khoa học và Thông tin (minh họa)", 180_500_000, True)
    ]
    assert block[0]["results"] == (
        "(Theo báo cáo của Phòng Văn hóa và Thông tin trước sắp xếp) Tổ chức 3 lớp truyền dạy cồng chiêng."
    )
    row = reports.loc["VHKHTT-MH"]
    assert row["included"] and row["approved"] and "VHTT" not in reports.index
    client.force_login(cast["vanphong"])
    assert client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2026").status_code == 200
    renamed = current_report(plan, "VHKHTT-MH", 2026)  # the renamed office sends its own, with what it received
    client.force_login(staff)
    sent = ReportPage(renamed).fill_everything()
    assert client.post(f"/bao-cao/{renamed.pk}/", sent.data("submit")).status_code == 302
    reports, block = year()
    assert [(r["agency"], r["budget"], r["approved"]) for r in block] == [
        ("Phòng Văn hóa, Khoa học và Thông tin (minh họa)", 180_500_000, False)
    ]  # its own report now, once, waiting for review
    assert "trước sắp xếp" not in block[0]["results"] and not reports.loc["VHKHTT-MH"]["approved"]


MERGE_IN_2024 = """
plan: binh-son-ctdt-2021-2030
reorganisations:
  - code: thu-sap-nhap-xa-2024
    kind: merge
    effective_on: 2024-07-01
    legal_basis: Nghị quyết thử nghiệm
    predecessors: [UBND-BA]
    successors: [UBND-BK]
"""


def test_a_reorganisation_recorded_after_a_cycle_closed_leaves_its_dashboard_and_outline(client, cast, plan, tmp_path):
    from django.core.cache import cache

    from reports.consolidated.gathering import gather
    from reports.models import ReportingCycle
    from tests.reports.handover.test_reorganised_years import send

    with at(1, 12, 2024):
        cycle = open_cycle(plan, 2024)
        send(client, cast, plan, "UBND-BA", "canbo.binhan", 2024)
    ReportingCycle.objects.filter(pk=cycle.pk).update(locks_on=datetime.date(2025, 1, 31))

    def year_2024():
        data = gather(ConsolidatedReport(plan=plan, year=2024, report_date=datetime.date(2024, 12, 10)))
        block = next(n for n in data.outline if n.section.code == "III.1")
        client.force_login(cast["vanphong"])
        cache.clear()
        page = client.get("/bang-dieu-khien/binh-son-ctdt-2021-2030/2024/").content.decode()
        assert "Kết thúc từ 01/07/2024" not in page  # the commune is not shown as ended in its own year
        rows = page[page.index('id="nhiem-vu"') :].split("</tbody>")[0]
        return {h.agency.code for h in block.coordinating}, rows, data

    before, rows_before, _ = year_2024()
    assert {"UBND-BA", "UBND-BK"} <= before
    path = tmp_path / "sap_xep.yaml"
    path.write_text(MERGE_IN_2024, encoding="utf-8")
    call_command("load_reorganisation", str(path), stdout=io.StringIO())  # recorded in 2026, long after it closed
    after, rows_after, data = year_2024()
    assert after == before and rows_after == rows_before  # the commune's own rows, as when its report was made
    assert "Ủy ban nhân dân xã Bình An" in set(data.tasks["agency"])  # what it sent is printed under its block
    # a cycle still open follows the reorganisation
    with at(20, 11):
        open_year = gather(ConsolidatedReport(plan=plan, year=2026, report_date=datetime.date(2026, 11, 20)))
    block = next(n for n in open_year.outline if n.section.code == "III.1")
    assert "UBND-BA" not in {h.agency.code for h in block.coordinating}
