"""The consolidated report: a version built from the year's reports into PDF, XLSX and DOCX."""

import io
import subprocess

import pandas as pd
import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from reports.consolidated.build import build_consolidated_report
from reports.consolidated.jobs import rebuild_drafts
from reports.consolidated.models import ConsolidatedReport
from reports.cycles.opening import open_cycle
from reports.documents.pdf import document_date
from reports.models import AgencyReport, ReportingCycle
from reports.notices.reminders import send_reminders
from tests.conftest import DATA
from tests.reports.helpers import ReportPage, current_report, post_seen

SLUG = "binh-son-ctdt-2021-2030"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def year_of_reports(client, cast, plan):
    """The illustrative values imported, one approved report (LĐ-TB&XH) and one only submitted (GD&ĐT)."""
    call_command("import_values", str(DATA / "vi_du_so_lieu.csv"), stdout=io.StringIO())
    for code, user in [("LDTBXH", "canbo.ldtbxh"), ("GDDT", "canbo.gddt")]:
        report = current_report(plan, code)
        client.force_login(cast[user])
        page = ReportPage(report).fill_everything().add_proposal(f"Kiến nghị của {code}: hỗ trợ thêm kinh phí.")
        page.values["difficulties"] = f"Khó khăn của {code}."
        page.lead(
            page.forms["leads"].forms[0].instance.section.code, shortcomings="Thiếu cán bộ.", next_steps="Tiếp tục."
        )
        client.post(f"/bao-cao/{report.pk}/", page.data("submit"))
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{AgencyReport.objects.get(agency__code='LDTBXH').pk}/duyet/")
    return plan


def built(plan, **cover):
    return build_consolidated_report(ConsolidatedReport.request(plan, 2026, **cover).pk)


def pdf_text(report, mode="-layout"):
    path = report.pdf.path
    return subprocess.run(["pdftotext", mode, path, "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_is_an_official_report(year_of_reports, tmp_path):
    report = built(year_of_reports, number="125/BC-UBND")
    info = subprocess.run(["pdfinfo", report.pdf.path], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    fonts = subprocess.run(["pdffonts", report.pdf.path], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    assert all("Liberation-Serif" in row or "Tinos" in row for row in rows)
    text = pdf_text(report)
    for line in [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN BÌNH SƠN",
        "Số: 125/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ngãi.",
        "Nơi nhận:",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Phạm Quang Sự",
        "Phụ lục 1",
        "Phụ lục 2",
        "Phụ lục 3",
    ]:
        assert line in text, line
    assert f"Bình Sơn, {document_date(report.report_date)}" in text
    pages = text.split("\f")
    assert pages[0].strip().splitlines()[0].strip() != "1"  # no page number on page 1
    assert pages[1].strip().splitlines()[0].strip() == "2"  # a centred number on page 2
    flat = " ".join(text.split())
    positions = [
        flat.index(title)
        for title in [
            "1. Đổi mới phương thức quản lý nhà nước",
            "2. Về phát triển kinh tế",
            "a) Đối với nông nghiệp",
            "d) Đối với đầu tư, phát triển kết cấu hạ tầng",
            "3. Về phát triển văn hóa - xã hội",
            "đ) Về công tác giảm nghèo",
            "g) Về nâng cao nhận thức pháp luật",
            "4. Về Quốc phòng, An ninh",
            "5. Về công tác đối ngoại",
            "6. Về củng cố nâng cao chất lượng đội ngũ cán bộ",
        ]
    ]
    assert positions == sorted(positions)  # every task block title, in document order
    raw = " ".join(pdf_text(report, "-raw").split())
    for target in year_of_reports.targets.all():
        assert target.code in flat, target.code
    # each target with its latest value and the year it is for: LĐ-TB&XH's approved 5 for 2025.02 (an estimate)
    assert "Tỷ lệ hộ nghèo DTTS (%) < 10% (2030) 2020: 27,5% 2026: 5% (ước)" in raw
    # the yearly fall, derived from that series and judged at its passed 2025 milestone on 2024: the values in %,
    # the goal in points a year
    assert "Giảm tỷ lệ hộ nghèo DTTS hằng năm (%) giảm 4–4,5 điểm %/năm (2025) 2020: 27,5% 2024: 14,2%" in raw.replace(
        "/ ", "/"
    ).replace("– ", "–")  # a cell may break after "/" or "–"
    assert "(báo cáo chưa duyệt)" in flat  # GD&ĐT's report was only submitted
    assert "Kiến nghị của LDTBXH: hỗ trợ thêm kinh phí." in flat
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", report.pdf.path, str(tmp_path / "page")], check=True
    )
    assert (tmp_path / "page-01.png").stat().st_size > 10_000


def test_the_inputs_are_recorded(year_of_reports):
    report = built(year_of_reports)
    assert {(i["agency"], i["state"]) for i in report.inputs} == {
        ("Phòng Lao động - Thương binh và Xã hội", "approved"),
        ("Phòng Giáo dục và Đào tạo", "submitted"),
    }


def test_building_twice_gives_the_same_content(year_of_reports):
    first = built(year_of_reports)
    again = build_consolidated_report(first.pk)  # a redelivered job: nothing changes
    assert again.pdf.name == first.pdf.name and again.state == "ready"
    second = built(year_of_reports)
    assert second.version == first.version + 1 and second.inputs_digest == first.inputs_digest
    assert pdf_text(first).replace("bản 1", "") == pdf_text(second).replace("bản 2", "")
    # the tables under each sheet's title row (which names its version)
    first_sheets = pd.read_excel(first.xlsx.path, sheet_name=None, header=1)
    second_sheets = pd.read_excel(second.xlsx.path, sheet_name=None, header=1)
    assert first_sheets.keys() == second_sheets.keys()
    for name, frame in first_sheets.items():
        pd.testing.assert_frame_equal(frame, second_sheets[name])
    paragraphs = [p.text for p in Document(first.docx.path).paragraphs]
    assert paragraphs == [p.text for p in Document(second.docx.path).paragraphs] and len(paragraphs) > 50


def test_the_workbook_holds_the_dashboards_numbers(client, cast, year_of_reports):
    report = built(year_of_reports)
    sheets = pd.read_excel(report.xlsx.path, sheet_name=None, dtype={"Mã": str}, header=1)  # under the title row
    assert list(sheets) == ["Chỉ tiêu", "Nhiệm vụ", "Kiến nghị", "Tình hình báo cáo"]
    client.force_login(cast["vanphong"])
    dashboard = pd.read_excel(
        io.BytesIO(client.get(f"/bang-dieu-khien/{SLUG}/2026/chi-tieu.xlsx").content), dtype={"Mã": str}
    )
    merged = sheets["Chỉ tiêu"].merge(dashboard, on="Mã")
    assert len(merged) == 52
    assert (merged["Tình trạng_x"] == merged["Tình trạng_y"]).all()
    value = sheets["Chỉ tiêu"].set_index("Mã").loc["2025.02", "Giá trị năm 2026"]
    assert value == 5  # LĐ-TB&XH's approved value
    # sent as an estimate ("ước thực hiện"): said beside it, as on every page (the latest value's mark is its own)
    assert sheets["Chỉ tiêu"].set_index("Mã").loc["2025.02", "Giá trị năm 2026 là số ước tính"] == "Có"
    assert len(sheets["Tình hình báo cáo"]) == 22


def test_the_word_draft_has_the_same_headings(year_of_reports):
    report = built(year_of_reports)
    document = Document(report.docx.path)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    top = [h for h in headings if h[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.") or h.startswith("Phụ lục")]
    assert top == [
        "I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC TRIỂN KHAI THỰC HIỆN",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
        "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "IV. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "V. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027",
        "VI. KIẾN NGHỊ, ĐỀ XUẤT",
        "Phụ lục 1",
        "Phụ lục 2",
        "Phụ lục 3",
    ]
    flat = " ".join(pdf_text(report).split())
    for heading in headings:
        assert " ".join(heading.split()).lower()[:40] in flat.lower(), heading


def test_build_report_command_prints_three_names(year_of_reports, capsys):
    call_command("build_report", "--year", "2026")
    names = capsys.readouterr().out.split()
    assert [p.rsplit(".", 1)[1] for p in names] == ["pdf", "xlsx", "docx"]
    assert all(default_storage.size(p) > 1000 for p in names)  # in the storage the portal uses


def test_a_failed_build_shows_its_error(plan, monkeypatch):
    report = ConsolidatedReport.request(plan, 2026)
    monkeypatch.setattr(
        "reports.consolidated.pdf.render_pdf", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("font cache"))
    )
    with pytest.raises(RuntimeError):
        build_consolidated_report(report.pk)
    report.refresh_from_db()
    assert report.state == "failed"
    assert "gặp lỗi khi tạo tệp PDF" in report.error and "Dựng báo cáo" in report.error  # what failed, what to do
    assert "RuntimeError" not in report.error and "font cache" not in report.error  # no Python text


def test_an_agency_prints_its_own_report(client, cast, year_of_reports):
    report = AgencyReport.objects.get(agency__code="LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    response = client.get(f"/bao-cao/{report.pk}/in/")
    assert response["Content-Type"] == "application/pdf"
    path = DATA.parent.parent / "screenshots"
    path.mkdir(exist_ok=True)
    (path / "agency-report.pdf").write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout
    text = " ".join(text.decode().split())
    assert "UBND HUYỆN BÌNH SƠN" in text and "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" in text
    assert "Kính gửi: Ủy ban nhân dân huyện Bình Sơn." in text and "Nơi nhận:" in text
    client.force_login(cast["canbo.gddt"])
    assert client.get(f"/bao-cao/{report.pk}/in/").status_code == 403


def test_reminders_go_once_per_step_to_those_who_have_not_submitted(cast, plan, year_of_reports):
    import datetime

    cycle = ReportingCycle.objects.get(plan=plan, year=2026)
    due = cycle.due_on
    assert send_reminders(due - datetime.timedelta(days=15)) == 0
    mail.outbox.clear()
    sent = send_reminders(due - datetime.timedelta(days=14))
    recipients = {address for message in mail.outbox for address in message.to}
    assert "canbo.binhan@binhson.local" in recipients and "canbo.binhkhuong@binhson.local" in recipients
    assert "canbo.ldtbxh@binhson.local" not in recipients and "canbo.gddt@binhson.local" not in recipients
    assert sent == len(mail.outbox) > 0
    assert send_reminders(due - datetime.timedelta(days=14)) == 0  # never twice
    for days in (7, 3, 1):
        assert send_reminders(due - datetime.timedelta(days=days)) == sent
    assert send_reminders(due - datetime.timedelta(days=2)) == 0
    mail.outbox.clear()
    assert send_reminders(due + datetime.timedelta(days=1)) == 1
    assert (
        mail.outbox[0].to == ["sodantoc@binhson.local", "vanphong@binhson.local"]
        and "Ủy ban nhân dân xã Bình An" in mail.outbox[0].body
    )
    assert send_reminders(due + datetime.timedelta(days=2)) == 0  # one overdue digest


def test_nightly_drafts_only_in_season_and_only_when_something_changed(
    plan, eager_jobs, django_capture_on_commit_callbacks
):
    import datetime

    assert rebuild_drafts(datetime.date(2026, 6, 1)) == []
    with django_capture_on_commit_callbacks(execute=True):
        first = rebuild_drafts(datetime.date(2026, 11, 20))
    assert len(first) == 1 and ConsolidatedReport.objects.get(pk=first[0]).state == "ready"
    assert rebuild_drafts(datetime.date(2026, 11, 21)) == []  # nothing new since


def test_the_reminder_job_reads_the_clock(cast, plan, monkeypatch):
    import datetime

    from reports.notices.jobs import send_reminders_job

    cycle = open_cycle(plan, 2026)
    monkeypatch.setattr(
        "reports.notices.reminders.timezone.localdate", lambda: cycle.due_on - datetime.timedelta(days=7)
    )
    mail.outbox.clear()
    sent = send_reminders_job.apply().get()
    assert sent == len(mail.outbox) > 0
    demo_staff = {"LDTBXH": "canbo.ldtbxh", "NNPTNT": "canbo.nnptnt", "GDDT": "canbo.gddt", "UBND-BA": "canbo.binhan",
                  "UBND-BK": "canbo.binhkhuong"}  # fmt: skip
    pending = set(cycle.reports.filter(first_submitted_at__isnull=True).values_list("agency__code", flat=True))
    expected = {f"{demo_staff[code]}@binhson.local" for code in pending if code in demo_staff}
    assert {address for message in mail.outbox for address in message.to} == expected  # exactly those


def test_a_proposal_written_as_a_formula_stays_text_in_the_workbooks(client, cast, plan):
    """Issue 17, item 7: an agency's text starting with "=" is a text cell in the consolidated workbook and the
    dashboard's, never a formula Excel would run."""
    formula = '=HYPERLINK("http://x","lý do")'
    report = current_report(plan, "LDTBXH")
    client.force_login(cast["canbo.ldtbxh"])
    page = ReportPage(report).fill_everything().add_proposal(formula)
    assert client.post(f"/bao-cao/{report.pk}/", page.data("submit")).status_code == 302
    client.force_login(cast["vanphong"])
    post_seen(client, f"/bao-cao/{report.pk}/duyet/")
    consolidated = built(plan)
    client.force_login(cast["vanphong"])
    for url in [f"/tong-hop/{consolidated.pk}/tep/xlsx/", f"/bang-dieu-khien/{SLUG}/2026/kien-nghi.xlsx"]:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        book = load_workbook(io.BytesIO(content))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value == formula]
        assert cells and all(c.data_type == "s" for c in cells), url
