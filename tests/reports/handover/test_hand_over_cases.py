"""A reorganisation and the reports of the year it reorganises (reports/handover/handing.py), case by case on an empty
year: a kept report waits while its successor's report is with the reviewer, or until the reorganisation's date; a
closed year stays as it was; reminders and the consolidated report's issuer follow the year's organisation.
The real year of demo data is in test_hand_over.py."""

import datetime
import io
import textwrap

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from agencies.models import Reorganisation
from agencies.reorganising import apply_due
from reports.cycles.opening import open_cycle
from reports.handover.handing import hand_over_waiting
from reports.models import AgencyReport, Notification, ReportingCycle
from reports.notices.reminders import send_reminders
from tasks.models import ReportIssuer
from tests.conftest import DATA, SLUG
from tests.reports.helpers import ReportPage, current_report, on, post_seen

pytestmark = pytest.mark.season
YEAR = timezone.localdate().year


def reorganise(path=DATA / "sap_xep_minh_hoa.yaml") -> str:
    out = io.StringIO()
    call_command("load_reorganisation", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


MERGE_INTO_EXISTING = """
    plan: binh-son-ctdt-2021-2030
    reorganisations:
      - code: thu-sap-nhap-xa
        kind: merge
        effective_on: {date}
        legal_basis: Nghị quyết thử nghiệm
        predecessors: [UBND-BA]
        successors: [UBND-BK]
"""


def merge_file(tmp_path, date):
    path = tmp_path / "sap_xep.yaml"
    path.write_text(textwrap.dedent(MERGE_INTO_EXISTING.format(date=date)), encoding="utf-8")
    return path


def save(client, user, report, **values) -> None:
    client.force_login(user)
    page = ReportPage(report)
    page.values.update(values)
    assert client.post(f"/bao-cao/{report.pk}/", page.data("save")).status_code == 302


def test_a_kept_report_waits_while_its_successors_report_is_sent(client, cast, plan, tmp_path):
    ended = current_report(plan, "UBND-BA", 2026)
    save(client, cast["canbo.binhan"], ended, difficulties="Thiếu kinh phí cho thôn đặc biệt khó khăn.")
    taker = current_report(plan, "UBND-BK", 2026)
    client.force_login(cast["canbo.binhkhuong"])
    page = ReportPage(taker).fill_everything()
    page.values["difficulties"] = "Xã thiếu cán bộ chuyên trách."
    assert client.post(f"/bao-cao/{taker.pk}/", page.data("submit")).status_code == 302
    reorganise(merge_file(tmp_path, "2026-07-01"))
    ended.refresh_from_db()
    assert ended.handed_over_at is None  # the commune's report is with the reviewer: nothing is put into it
    client.force_login(cast["vanphong"])
    html = client.get(f"/bang-dieu-khien/{SLUG}/2026/").content.decode()
    row = html[html.index(f"/bao-cao/{ended.pk}/") :].split("</tr>")[0]
    assert "Kết thúc từ 01/07/2026 theo sắp xếp tổ chức; kế nhiệm:" in row and "Ủy ban nhân dân xã Bình Khương" in row
    post_seen(client, f"/bao-cao/{taker.pk}/tra-lai/", {"reason": "Bổ sung phần của xã Bình An."})
    out = io.StringIO()
    call_command("apply_reorganisations", stdout=out)  # the nightly run hands it over now the commune can take it
    assert "Đã chuyển giao nội dung của 1 báo cáo cho đơn vị tiếp nhận." in out.getvalue()
    ended.refresh_from_db()
    taker.refresh_from_db()
    assert ended.handed_over_at is not None
    assert (
        taker.difficulties
        == "Xã thiếu cán bộ chuyên trách.\r\nUBND xã Bình An: Thiếu kinh phí cho thôn đặc biệt khó khăn."
    )


@on("2026-11-20")  # in the season, days before the due date: a date ahead is still in the year's organisation
def test_a_reorganisation_recorded_ahead_of_its_date_hands_over_on_that_date(client, cast, plan, tmp_path):
    today = timezone.localdate()
    cycle = open_cycle(plan, today.year)
    ended = current_report(plan, "UBND-BA", today.year)
    save(client, cast["canbo.binhan"], ended, difficulties="Đường vào thôn bị sạt lở.")
    date = min(today + datetime.timedelta(days=1), cycle.due_on)
    reorganise(merge_file(tmp_path, date.isoformat()))  # the year's organisation: the merged commune's
    ended.refresh_from_db()
    assert ended.handed_over_at is None and ended.is_editable  # the commune still works on it until the date
    client.force_login(cast["vanphong"])
    html = client.get(f"/bang-dieu-khien/{SLUG}/{today.year}/").content.decode()
    row = html[html.index(f"/bao-cao/{ended.pk}/") :].split("</tr>")[0]
    assert f"Kết thúc từ {date:%d/%m/%Y} theo sắp xếp tổ chức; kế nhiệm:" in row  # counted, and marked
    on_the_day = timezone.make_aware(datetime.datetime.combine(date, datetime.time(0, 30)))
    assert apply_due(on_the_day)["moved"] == 1  # the nightly run of the day: staff move, then the report
    assert hand_over_waiting(on_the_day) == 1
    ended.refresh_from_db()
    assert ended.handed_over_at is not None
    taker = AgencyReport.objects.get(cycle=cycle, agency__code="UBND-BK")
    assert taker.difficulties == "UBND xã Bình An: Đường vào thôn bị sạt lở."  # under the merged commune's name


def test_a_closed_cycle_stays_as_its_reports_were_made(client, cast, plan, tmp_path):
    cycle = open_cycle(plan, 2024)
    kept = current_report(plan, "UBND-BA", 2024)
    save(client, cast["canbo.binhan"], kept, difficulties="Thiếu cán bộ.")
    ReportingCycle.objects.filter(pk=cycle.pk).update(locks_on=datetime.date(2025, 1, 31))
    before = sorted(cycle.reports.values_list("agency__code", "version", "handed_over_at"))
    reorganise(merge_file(tmp_path, "2024-07-01"))
    assert sorted(cycle.reports.values_list("agency__code", "version", "handed_over_at")) == before


@on("2026-11-20")  # the reorganisation of 01/07 has taken effect, the due date is ahead
def test_the_overdue_digest_names_the_years_agencies_only(client, cast, plan, tmp_path):
    ended = current_report(plan, "UBND-BA", 2026)
    save(client, cast["canbo.binhan"], ended, difficulties="Chưa tổng hợp xong số liệu.")
    reorganise(merge_file(tmp_path, "2026-07-01"))
    cycle = ended.cycle
    send_reminders(today=cycle.due_on + datetime.timedelta(days=3))
    lines = Notification.objects.get(key=f"overdue-{cycle.pk}").body.splitlines()
    assert "- Ủy ban nhân dân xã Bình Khương" in lines and "- Ủy ban nhân dân xã Bình An" not in lines


# Who issues the year's report after a reform.


def test_the_consolidated_page_asks_to_check_the_issuer_a_reform_left_unset(client, cast, plan):
    reorganise()
    client.force_login(cast["vanphong"])
    page = client.get(f"/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam={YEAR}").content.decode()
    assert 'id="kiem-tra-co-quan-ban-hanh"' not in page  # the file set the issuer from 2025
    assert "Cơ quan ban hành: <strong>Ủy ban nhân dân xã Bình Sơn (minh họa)</strong> (từ năm 2025)" in page
    assert "Người ký minh họa" in page
    ReportIssuer.objects.filter(plan=plan).delete()
    page = client.get(f"/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam={YEAR}").content.decode()
    warning = page[page.index('id="kiem-tra-co-quan-ban-hanh"') :].split("</div>")[0]
    assert "sắp xếp có hiệu lực từ 01/07/2025" in warning
    assert "vẫn là mặc định của kế hoạch: Ủy ban nhân dân huyện Bình Sơn, “Bình Sơn”, KT. CHỦ TỊCH." in warning
    assert "Đề nghị quản trị hệ thống đặt cơ quan ban hành từ năm" in warning  # the reviewer is not an administrator
    client.force_login(cast["quantri"])
    page = client.get(f"/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam={YEAR}").content.decode()
    assert f"/quan-tri/tasks/reportissuer/add/?plan={plan.pk}&amp;from_year={YEAR}" in page
    assert (
        'id="kiem-tra-co-quan-ban-hanh"'
        not in client.get("/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam=2024").content.decode()
    )
    ReportIssuer.objects.create(
        plan=plan, from_year=2023, issuing_body="Ủy ban nhân dân huyện Bình Sơn", place="Bình Sơn",
        signer_position="PHÓ CHỦ TỊCH", signer_name="Người Ký Năm 2023",
    )  # fmt: skip
    assert (
        'id="kiem-tra-co-quan-ban-hanh"'
        in client.get(f"/ke-hoach/binh-son-ctdt-2021-2030/tong-hop/?nam={YEAR}").content.decode()
    )  # older


def test_a_bad_issuer_in_the_file_is_refused_with_nothing_written(plan, tmp_path):
    text = (DATA / "sap_xep_minh_hoa.yaml").read_text(encoding="utf-8")
    bad = text.replace("  - from_year: 2025\n", "  - from_year: 2050\n") + textwrap.indent(textwrap.dedent("""
        - from_year: 2026
          issuing_body: Ủy ban nhân dân xã Bình Sơn (minh họa)
          place: Bình Sơn
          signer_position: CHỦ TỊCH
        - from_year: 2026
          issuing_body: x
          place: y
          signer_position: z
          signer_name: w
        - from_year: 2027
          issuing_body: x
          place: y
          signer_position: z
          signer_name: """ + "Rất dài " * 20 + """
    """), "  ")  # fmt: skip
    path = tmp_path / "sai.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        reorganise(path)
    message = str(raised.value)
    assert "report_issuers, mục 1 (2050): trường “from_year”: năm 2050 ngoài các năm của kế hoạch" in message
    assert "report_issuers, mục 2 (2026)" in message and "signer_name" in message
    assert "report_issuers, mục 3 (2026): trường “from_year”: năm 2026 được nêu hai lần." in message
    assert "report_issuers, mục 4 (2027): trường “signer_name”: dài quá 100 ký tự." in message
    assert Reorganisation.objects.count() == 0 and ReportIssuer.objects.count() == 0


TRANSFER = """
    plan: binh-son-ctdt-2021-2030
    reorganisations:
      - code: thu-chuyen-giao
        kind: transfer
        effective_on: 2026-07-01
        legal_basis: Quyết định thử nghiệm
        predecessors: [KTHT]
        successors: [UBND-BK]
        moves:
          - {section: III.2.d.1, to: UBND-BK}
"""


def test_a_transferred_task_waits_for_its_holder_and_is_never_printed_twice(client, cast, plan, tmp_path):
    from reports.consolidated.gathering import gather
    from reports.consolidated.models import ConsolidatedReport
    from reports.management.commands.seed_demo import Command as SeedDemo

    office = current_report(plan, "KTHT", 2026)
    seeder = SeedDemo()
    seeder.password_hash = "!"  # no password: logged in by the test
    seeder.ensure_user("canbo.ktht", "Trần Văn Hạ Tầng", "agency_staff", "KTHT")
    client.force_login(get_user_model().objects.get(username="canbo.ktht"))
    page = ReportPage(office).fill_everything()
    page.lead("III.2.d.1", budget_used="700.000.000", results="Cứng hóa 2 km đường vào thôn Trà Ong.")
    assert client.post(f"/bao-cao/{office.pk}/", page.data("submit")).status_code == 302
    commune = current_report(plan, "UBND-BK", 2026)
    client.force_login(cast["canbo.binhkhuong"])
    assert (
        client.post(f"/bao-cao/{commune.pk}/", ReportPage(commune).fill_everything().data("submit")).status_code == 302
    )
    client.force_login(cast["vanphong"])
    assert post_seen(client, f"/bao-cao/{office.pk}/duyet/").status_code == 302
    path = tmp_path / "chuyen_giao.yaml"
    path.write_text(textwrap.dedent(TRANSFER), encoding="utf-8")
    reorganise(path)
    assert office.task_entries.filter(section__code="III.2.d.1").exists()  # the commune's report is with the reviewer
    tasks = gather(ConsolidatedReport.request(plan, 2026)).tasks
    block = tasks[tasks["code"] == "III.2.d.1"]
    assert "Phòng Kinh tế và Hạ tầng" not in set(block["agency"])  # not the holder in 2026: not printed, not added up
    assert (
        post_seen(client, f"/bao-cao/{commune.pk}/tra-lai/", {"reason": "Bổ sung nhiệm vụ mới nhận."}).status_code
        == 302
    )
    assert hand_over_waiting() == 1
    assert not office.task_entries.filter(section__code="III.2.d.1").exists()
    taken = commune.task_entries.get(section__code="III.2.d.1")
    assert taken.role == "lead" and "Phòng KT&HT: Cứng hóa 2 km đường vào thôn Trà Ong." in taken.results
    assert taken.budget_used == 700_000_000
    assert AgencyReport.objects.get(pk=office.pk).state == "approved"  # the office's report stays approved


def test_a_typed_line_break_is_one_line_break_in_the_word_draft_and_the_pdf():
    from django.template.loader import render_to_string
    from docx import Document as Word

    from reports.consolidated.blocks import Para
    from reports.consolidated.word import _para

    text = "UBND xã Bình An: Đã làm đường.\r\nUBND xã Bình Khương: Đã làm cầu."  # as a browser sends two lines
    word = Word()
    _para(word, Para(text, lead="- Ủy ban nhân dân xã Bình An Khương (phối hợp):"))
    assert word.paragraphs[-1]._p.xml.count("<w:br/>") == 1
    html = render_to_string("reports/pdf/_parts.html", {"parts": [Para(text)]})
    assert "Đã làm đường.<br>UBND xã Bình Khương" in html
